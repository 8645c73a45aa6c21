/**
 * Interop with a real Docker engine (the repository's private dockerd, see global-setup.ts):
 * what peel builds and edits loads with `docker load` and runs; `docker save` output reads back.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { fixture, peel, peelProcess } from '../helpers/run.js';
import { tempDir } from '../helpers/tmp.js';

const exec = promisify(execFile);
const run = `t${randomBytes(4).toString('hex')}`;
const tags: string[] = [];
const tag = (name: string) => {
  const t = `peel-cli-test/${name}:${run}`;
  tags.push(t);
  return t;
};

async function docker(args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { env: { ...process.env, DOCKER_HOST: inject('dockerHost') }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** docker load, returning the loaded image ID (`docker load` prints "Loaded image: …"). */
async function load(tar: string, name: string): Promise<string> {
  const out = await docker(['load', '-i', tar]);
  expect(out).toContain(`Loaded image: ${name}`);
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', name])).trim();
}

const work = () => tempDir('interop');
const expected = () => readFile(fixture('tiny-alpyne-expected.txt'), 'utf8');

afterAll(async () => {
  if (tags.length) await docker(['rmi', '-f', ...tags]).catch(() => undefined);
});

describe('peel with a real Docker engine', () => {
  it('the walkthrough: unpack tiny, edit os-release, build FROM scratch, docker run prints ALPYNE; twice the same digest', async () => {
    const dir = await work();
    expect((await peel(['unpack', fixture('tiny-docker-legacy.tar'), path.join(dir, 'tiny'), '--merged'])).code).toBe(0);
    await writeFile(path.join(dir, 'tiny/rootfs/etc/os-release'), await expected());
    const name = tag('alpyne');
    const build = (out: string) => peel(['build', path.join(dir, 'tiny/rootfs'), '-t', name, '-o', out, '--cmd', '["/bin/sh"]']);
    const first = await build(path.join(dir, 'alpyne.tar'));
    const second = await build(path.join(dir, 'alpyne-again.tar'));
    expect(first.code).toBe(0);
    expect(second.out).toBe(first.out);
    expect(await readFile(path.join(dir, 'alpyne-again.tar'))).toEqual(await readFile(path.join(dir, 'alpyne.tar')));

    const id = await load(path.join(dir, 'alpyne.tar'), name);
    expect(id).toBe(first.out.trim());
    expect(await docker(['run', '--rm', '--network', 'none', name, 'cat', '/etc/os-release'])).toBe(await expected());
    const files = await docker(['run', '--rm', '--network', 'none', name, 'ls', '-ln', '/usr/bin/env', '/tmp', '/root', '-d']);
    expect(files).toMatch(/^drwx------ .* 0 +0 .* \/root$/m);
    expect(files).toMatch(/^drwxrwxrwt .* \/tmp$/m);
    expect(files).toMatch(/\/usr\/bin\/env -> \/bin\/busybox$/m);
  });

  it('peel edit output loads and runs, in every mode', async () => {
    const dir = await work();
    const release = path.join(dir, 'os-release');
    await writeFile(release, await expected());
    for (const mode of ['append', 'flatten', 'rewrite']) {
      const name = tag(`edit-${mode}`);
      const out = path.join(dir, `${mode}.tar`);
      const r = await peel(['edit', fixture('multi-docker-legacy.tar'), '--put', `/etc/os-release=${release}`, '--rm', '/opt/app/conf',
        '--entrypoint', '[]', '--cmd', '["cat","/etc/os-release"]', '--mode', mode, '-t', name, '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      await load(out, name);
      expect(await docker(['run', '--rm', '--network', 'none', name])).toBe(await expected());
      expect(await docker(['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', name, '-c', 'ls /opt/app; echo "$REDIS_VERSION"'])).toBe('cache\n7.2.4\n');
    }
  });

  it('an edit that keeps the entrypoint runs like the original (multi.oracle/run-default.txt)', async () => {
    const dir = await work();
    const name = tag('keep-entrypoint');
    const out = path.join(dir, 'o.tar');
    expect((await peel(['edit', fixture('multi-oci-zstd.tar'), '--rm', '/opt/app/.env', '--mode', 'rewrite', '-t', name, '-o', out])).code).toBe(0);
    await load(out, name);
    expect(await docker(['run', '--rm', '--network', 'none', name])).toBe(await readFile(fixture('multi.oracle/run-default.txt'), 'utf8'));
  });

  it('build --from a base image loads and runs the new layer over the base', async () => {
    const dir = await work();
    const ctx = path.join(dir, 'ctx');
    const { mkdir, chmod } = await import('node:fs/promises');
    await mkdir(path.join(ctx, 'usr/local/bin'), { recursive: true });
    await writeFile(path.join(ctx, 'usr/local/bin/hello'), '#!/bin/sh\necho "hello from $GREETING in $(pwd)"\n');
    await chmod(path.join(ctx, 'usr/local/bin/hello'), 0o755);
    const name = tag('from');
    const out = path.join(dir, 'from.tar');
    const r = await peel(['build', ctx, '--from', fixture('tiny-containerd-export.tar'), '-t', name, '-o', out, '--env', 'GREETING=peel', '--workdir', '/tmp', '--cmd', '["hello"]', '--env', 'PATH=/usr/local/bin:/bin']);
    expect(r.code, r.stderr).toBe(0);
    await load(out, name);
    expect(await docker(['run', '--rm', '--network', 'none', name])).toBe('hello from peel in /tmp\n');
  });

  it('docker save | peel inspect - reads what this Docker writes', async () => {
    const dir = await work();
    const name = tag('saved');
    const src = path.join(dir, 'src.tar');
    expect((await peel(['build', path.join(await makeTree(dir)), '-t', name, '-o', src])).code).toBe(0);
    const id = await load(src, name);
    const saved = path.join(dir, 'saved.tar');
    await docker(['save', '-o', saved, name]);
    const r = await peelProcess(['inspect', '-', '--json'], { stdin: saved });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.out) as { imageId: string; tags: string[] };
    expect(j.imageId).toBe(id);
    expect(j.tags).toContain(name);
  });
});

async function makeTree(dir: string): Promise<string> {
  const root = path.join(dir, 'tree');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeFile(path.join(root, 'etc/hello'), 'hi\n');
  return root;
}
