/**
 * `peel edit … --push docker://REF` against Debian's docker-registry (scripts/registry.sh): the
 * digest printed is the one skopeo reads back, Docker pulls and runs the edited image, the tar
 * written besides holds the same manifest; credentials from a `docker login` config; a refusal
 * keeps the exit codes' meanings.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixture, peel, repoRoot } from '../helpers/run.js';
import { tempDir } from '../helpers/tmp.js';

const exec = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'scripts/registry.sh');

interface TestRegistry { host: string; username: string | null; password: string | null }

async function start(name: string, mode: 'open' | 'basic'): Promise<TestRegistry> {
  const { stdout } = await exec('bash', [SCRIPT, 'start', name, mode]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as TestRegistry;
}

async function docker(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('docker', args, { env: { ...process.env, DOCKER_HOST: inject('dockerHost') }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (e, out, err) => (e ? reject(new Error(`docker ${args.join(' ')}: ${err}`)) : resolve(out)));
    child.stdin!.end(input);
  });
}

async function skopeoDigest(ref: string, ...flags: string[]): Promise<string> {
  const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', ...flags, `docker://${ref}`]);
  return (JSON.parse(stdout) as { Digest: string }).Digest;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('peel edit --push (docker-registry, checked by skopeo and Docker)', () => {
  let open: TestRegistry;
  let basic: TestRegistry;
  let alpyne: string;
  let emptyConfig: string;
  beforeAll(async () => {
    [open, basic] = await Promise.all([start('cli-push-open', 'open'), start('cli-push-basic', 'basic')]);
    alpyne = fixture('tiny-alpyne-expected.txt');
    // No credentials at all (not the user's own ~/.docker).
    emptyConfig = await tempDir('no-docker-config');
  });
  afterAll(async () => {
    await exec('bash', [SCRIPT, 'stop', 'cli-push-open']);
    await exec('bash', [SCRIPT, 'stop', 'cli-push-basic']);
  });

  it('pushes the edited image and prints its digest; docker pull + run print the edited file', async () => {
    const ref = `${open.host}/cli/app:${unique()}`;
    const r = await peel(['edit', fixture('tiny-docker-legacy.tar'), '--put', `/etc/os-release=${alpyne}`, '--push', `docker://${ref}`], { env: { DOCKER_CONFIG: emptyConfig } });
    expect(r.code, r.stderr).toBe(0);
    const digest = r.out.trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await skopeoDigest(ref)).toBe(digest);
    expect(r.stderr).toMatch(/pushed .*@sha256:.*3 blobs uploaded, 0 mounted, 0 already there/);
    await docker(['pull', '-q', `${ref.replace(/:[^:]+$/, '')}@${digest}`]);
    try {
      expect(await docker(['run', '--rm', '--network', 'none', `${ref.replace(/:[^:]+$/, '')}@${digest}`, 'cat', '/etc/os-release'])).toBe(await readFile(alpyne, 'utf8'));
    } finally {
      await docker(['rmi', `${ref.replace(/:[^:]+$/, '')}@${digest}`]);
    }
  });

  it('with -o besides: the archive holds the manifest pushed (config digest, then pushed digest printed)', async () => {
    const dir = await tempDir('push-and-tar');
    const out = path.join(dir, 'out.tar');
    const ref = `${open.host}/cli/both:${unique()}`;
    const r = await peel(['edit', fixture('tiny-docker-legacy.tar'), '--put', `/etc/os-release=${alpyne}`, '--mode', 'flatten', '-o', out, '--push', `docker://${ref}`], { env: { DOCKER_CONFIG: emptyConfig } });
    expect(r.code, r.stderr).toBe(0);
    const [configDigest, pushedDigest] = r.out.trim().split('\n');
    const index = JSON.parse((await exec('tar', ['-xOf', out, 'index.json'])).stdout) as { manifests: Array<{ digest: string }> };
    expect(index.manifests[0]!.digest).toBe(pushedDigest);
    expect(await skopeoDigest(ref)).toBe(pushedDigest);
    const config = JSON.parse((await exec('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`])).stdout) as { config: { digest: string } };
    expect(config.config.digest).toBe(configDigest);
  });

  it('takes credentials from the Docker config; without them the push fails with exit 4 and says why', async () => {
    const ref = `${basic.host}/cli/app:${unique()}`;
    const args = ['edit', fixture('tiny-docker-legacy.tar'), '--put', `/etc/os-release=${alpyne}`, '--push', `docker://${ref}`];
    const denied = await peel(args, { env: { DOCKER_CONFIG: emptyConfig } });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toMatch(/cannot push .*needs a user name and password/);
    expect(denied.out).toBe('');
    const config = await tempDir('docker-config');
    await docker(['--config', config, 'login', basic.host, '-u', basic.username!, '--password-stdin'], `${basic.password}\n`);
    const r = await peel(args, { env: { DOCKER_CONFIG: config } });
    expect(r.code, r.stderr).toBe(0);
    expect(await skopeoDigest(ref, '--creds', `${basic.username}:${basic.password}`)).toBe(r.out.trim());
  });

  it('the walkthrough in a terminal: edit docker://…/app:1, push as app2:1; its layer is mounted from app', async () => {
    const repo = `cli/app${unique()}`;
    await exec('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixture('tiny-docker-legacy.tar')}`, `docker://${open.host}/${repo}:1`]);
    const ref = `${open.host}/${repo}2:1`;
    const r = await peel(['edit', `docker://${open.host}/${repo}:1`, '--put', `/etc/os-release=${alpyne}`, '--push', `docker://${ref}`], { env: { DOCKER_CONFIG: emptyConfig } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 blobs uploaded, 1 mounted, 0 already there/);
    expect(await skopeoDigest(ref)).toBe(r.out.trim());
    const pinned = `${open.host}/${repo}2@${r.out.trim()}`;
    await docker(['pull', '-q', pinned]);
    try {
      expect(await docker(['run', '--rm', '--network', 'none', pinned, 'cat', '/etc/os-release'])).toBe(await readFile(alpyne, 'utf8'));
    } finally {
      await docker(['rmi', pinned]);
    }
  });

  it('a --push that is not a docker:// tag reference is a usage error (exit 1)', async () => {
    for (const bad of [`${open.host}/cli/app:1`, `docker://${open.host}/cli/app@sha256:${'a'.repeat(64)}`, 'docker://Bad/Name']) {
      const r = await peel(['edit', fixture('tiny-docker-legacy.tar'), '--push', bad], { env: { DOCKER_CONFIG: emptyConfig } });
      expect(r.code, `${bad}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/--push/);
    }
  });
});
