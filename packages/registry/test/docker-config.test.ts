import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerConfigCredentials, dockerConfigPath } from '../src/index.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};

function configDir(config: unknown): string {
  const dir = tempDir('peel-docker-config-');
  writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('dockerConfigCredentials', () => {
  it('reads auth (user:pass in base64, a colon in the password kept), username/password and identitytoken', () => {
    const dir = configDir({
      auths: {
        '127.0.0.1:5000': { auth: b64('alice:s3:cret') },
        'registry.example': { username: 'bob', password: 'pw' },
        'ghcr.io': { identitytoken: 'refresh-me' },
        'empty.example': {},
      },
    });
    const creds = dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    expect(creds('127.0.0.1:5000')).toEqual({ username: 'alice', password: 's3:cret' });
    expect(creds('registry.example')).toEqual({ username: 'bob', password: 'pw' });
    expect(creds('ghcr.io')).toEqual({ identityToken: 'refresh-me' });
    expect(creds('empty.example')).toBeNull();
    expect(creds('other.example')).toBeNull();
  });

  it('maps Docker Hub\'s URL key and URL-shaped keys to their host', () => {
    const dir = configDir({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'http://10.0.0.1:5000/v2/': { auth: b64('u:p') } } });
    const creds = dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    expect(creds('registry-1.docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(creds('docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(creds('10.0.0.1:5000')).toEqual({ username: 'u', password: 'p' });
  });

  it('reads ~/.docker/config.json when DOCKER_CONFIG is unset', () => {
    const home = tempDir('peel-home-');
    mkdirSync(path.join(home, '.docker'));
    writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'h.example': { auth: b64('a:b') } } }));
    expect(dockerConfigPath({ HOME: home })).toBe(path.join(home, '.docker', 'config.json'));
    expect(dockerConfigCredentials({ env: { HOME: home } })('h.example')).toEqual({ username: 'a', password: 'b' });
  });

  it('gives no credentials without a config file', () => {
    const dir = tempDir('peel-docker-config-');
    expect(dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } })('h.example')).toBeNull();
  });

  it('refuses a malformed config without quoting it', () => {
    const dir = configDir('{"auths": {"h": {"auth": "c2VjcmV0LXBhc3N3b3Jk"');
    expect(() => dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } })).toThrow(/not valid JSON/);
    try {
      dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    } catch (e) {
      expect((e as Error).message).not.toContain('c2VjcmV0');
    }
  });
});
