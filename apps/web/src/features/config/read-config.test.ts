import { describe, expect, it } from 'vitest';
import { commandLine, readConfig, shellQuote } from './read-config.js';

describe('readConfig', () => {
  it('pulls out the runtime settings', () => {
    const r = readConfig({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: {
        Env: ['PATH=/usr/bin:/bin', 'REDIS_DOWNLOAD_URL=http://x/y?a=b=c'],
        Entrypoint: ['docker-entrypoint.sh'],
        Cmd: ['server'],
        WorkingDir: '/data',
        ExposedPorts: { '6379/tcp': {} },
        Volumes: { '/data': {} },
        Labels: { 'org.opencontainers.image.title': 'multi' },
      },
      rootfs: { type: 'layers', diff_ids: ['sha256:a'] },
    });
    expect(r.env).toEqual([['PATH', '/usr/bin:/bin'], ['REDIS_DOWNLOAD_URL', 'http://x/y?a=b=c']]);
    expect(r.exposedPorts).toEqual(['6379/tcp']);
    expect(r.volumes).toEqual(['/data']);
    expect(r.labels).toEqual([['org.opencontainers.image.title', 'multi']]);
    expect(r.user).toBeNull();
    expect(r.diffIds).toEqual(['sha256:a']);
  });
  it('tolerates a config without the config section', () => {
    expect(readConfig({}).env).toEqual([]);
  });
});

describe('commandLine', () => {
  it('joins entrypoint and cmd with shell quoting', () => {
    expect(commandLine(['docker-entrypoint.sh'], ['server'])).toBe('docker-entrypoint.sh server');
    expect(commandLine(null, ['/bin/sh', '-c', "echo 'hi' there"])).toBe(`/bin/sh -c 'echo '"'"'hi'"'"' there'`);
    expect(shellQuote('')).toBe("''");
  });
});
