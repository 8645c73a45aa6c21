/**
 * `peel … docker://REF`: images read straight from Debian's docker-registry (scripts/registry.sh),
 * put there by skopeo from the fixtures; skopeo's own reading of the registry is the oracle.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, peel, repoRoot } from '../helpers/run.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const exec = promisify(execFile);
const NAME = 'cli-open';

async function skopeo(...args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse((await exec('skopeo', ['inspect', '--tls-verify=false', ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout) as Record<string, unknown>;
}

describe('peel with docker://REF (a registry instead of an archive)', () => {
  let host: string;
  let dir: string;
  let ref: string;
  beforeAll(async () => {
    const { stdout } = await exec('bash', ['scripts/registry.sh', 'start', NAME, 'open'], { cwd: repoRoot });
    ({ host, dir } = JSON.parse(stdout.trim().split('\n').pop()!) as { host: string; dir: string });
    ref = `${host}/test/x:v1`;
    await exec('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixture('tiny-docker-legacy.tar')}`, `docker://${ref}`]);
    await exec('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', `oci-archive:${fixture('tiny-multiarch-oci.tar')}`, `docker://${host}/test/multi:latest`]);
  });
  afterAll(async () => {
    await exec('bash', ['scripts/registry.sh', 'stop', NAME], { cwd: repoRoot });
  });

  it('inspect docker://REF says what skopeo inspect says of it', async () => {
    const run = await peel(['inspect', `docker://${ref}`, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.out) as { manifestDigest: string; imageId: string; tags: string[]; layers: Array<{ digest: string; diffId: string; size: number }>; history: unknown[]; platform: { os: string; architecture: string } };
    const inspected = await skopeo(`docker://${ref}`) as { Digest: string; Layers: string[]; Os: string; Architecture: string };
    const raw = await skopeo('--raw', `docker://${ref}`) as { config: { digest: string }; layers: Array<{ size: number }> };
    const config = await skopeo('--config', `docker://${ref}`) as { rootfs: { diff_ids: string[] }; history: unknown[] };
    expect(report.manifestDigest).toBe(inspected.Digest);
    expect(report.imageId).toBe(raw.config.digest);
    expect(report.layers.map((l) => l.digest)).toEqual(inspected.Layers);
    expect(report.layers.map((l) => l.size)).toEqual(raw.layers.map((l) => l.size));
    expect(report.layers.map((l) => l.diffId)).toEqual(config.rootfs.diff_ids);
    expect(report.history).toHaveLength(config.history.length);
    expect(report.platform).toMatchObject({ os: inspected.Os, architecture: inspected.Architecture });
    expect(report.tags).toEqual([ref]);
  });

  it("tags lists a repository's tags as skopeo does; --details gives each tag's digest, platforms and size, a lost tag a warning", async () => {
    const repo = `${host}/test/tags`;
    await exec('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixture('tiny-docker-legacy.tar')}`, `docker://${repo}:single`]);
    await exec('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', `oci-archive:${fixture('tiny-multiarch-oci.tar')}`, `docker://${repo}:multi`]);
    // A tag whose manifest the registry lost: its link names a digest never pushed.
    const link = join(dir, 'data/docker/registry/v2/repositories/test/tags/_manifests/tags/lost/current');
    await mkdir(link, { recursive: true });
    await writeFile(join(link, 'link'), `sha256:${'0'.repeat(64)}`);
    const listed = JSON.parse((await exec('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`])).stdout) as { Tags: string[] };

    const plain = await peel(['tags', `docker://${repo}`]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.out.trim().split('\n').slice(2).sort()).toEqual([...listed.Tags].sort());

    const run = await peel(['tags', `docker://${repo}`, '--details', '--json']);
    expect(run.code, run.stderr).toBe(0);
    type Tag = { tag: string; digest: string | null; mediaType: string | null; platforms: string[] | null; size: number | null; sizePlatform: string | null; error: { code: string } | null };
    const byTag = new Map((JSON.parse(run.out) as { tags: Tag[] }).tags.map((t) => [t.tag, t]));
    expect([...byTag.keys()].sort()).toEqual([...listed.Tags].sort());
    const rawOf = async (r: string) => (await exec('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${r}`], { encoding: 'buffer' })).stdout;
    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    type Image = { mediaType: string; config: { size: number }; layers: Array<{ size: number }> };
    const sizeOf = (m: Image) => m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0);
    const single = await rawOf(`${repo}:single`);
    expect(byTag.get('single')).toMatchObject({ digest: sha(single), mediaType: (JSON.parse(single.toString()) as Image).mediaType, platforms: null, size: sizeOf(JSON.parse(single.toString()) as Image), sizePlatform: null, error: null });
    const multi = await rawOf(`${repo}:multi`);
    const index = JSON.parse(multi.toString()) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> };
    const amd64 = index.manifests.find((d) => d.platform.architecture === 'amd64')!;
    expect(byTag.get('multi')).toMatchObject({
      digest: sha(multi), platforms: index.manifests.filter((d) => d.platform.os !== 'unknown').map((d) => `${d.platform.os}/${d.platform.architecture}`),
      size: sizeOf(JSON.parse((await rawOf(`${repo}@${amd64.digest}`)).toString()) as Image), sizePlatform: 'linux/amd64', error: null,
    });
    expect(byTag.get('lost')).toMatchObject({ digest: null, size: null, error: { code: 'NOT_FOUND' } });
    expect(run.stderr).toContain(`${repo}:lost`);

    const text = await peel(['tags', `docker://${repo}`, '--details']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`^multi\\s+${sha(multi).slice(0, 19)}\\s+linux/amd64,linux/arm64\\s+`, 'm'));
    expect(text.out).toMatch(/^lost\s+unreadable/m);
    // Not a repository reference: a usage error.
    expect((await peel(['tags', `${repo}`])).code).toBe(1);
  });

  it('cat and ls read the image from the registry like from its archive', async () => {
    const fromRegistry = await peel(['cat', `docker://${ref}`, '/etc/os-release']);
    const fromArchive = await peel(['cat', fixture('tiny-docker-legacy.tar'), '/etc/os-release']);
    expect(fromRegistry.code, fromRegistry.stderr).toBe(0);
    expect(fromRegistry.stdout.equals(fromArchive.stdout)).toBe(true);
    const ls = await peel(['ls', `docker://${ref}`, '/', '-R']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.out).toContain('etc/os-release');
    expect(ls.out).toBe((await peel(['ls', fixture('tiny-docker-legacy.tar'), '/', '-R'])).out);
  });

  it('--platform picks an index\'s image', async () => {
    const run = await peel(['inspect', `docker://${host}/test/multi:latest`, '--platform', 'linux/arm64', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const raw = await skopeo('--raw', `docker://${host}/test/multi:latest`) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    expect((JSON.parse(run.out) as { manifestDigest: string }).manifestDigest).toBe(raw.manifests.find((m) => m.platform.architecture === 'arm64')!.digest);
  });

  it('exit codes: a malformed reference is a usage error (1); a missing tag, an unreachable or hostile registry bad input (2)', async () => {
    const malformed = await peel(['inspect', `docker://${host}/Test/X:v1`]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('lowercase');
    const missing = await peel(['inspect', `docker://${host}/test/x:nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('MANIFEST_UNKNOWN');
    // Nothing listens on a port the kernel just gave and took back.
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const unreachable = await peel(['inspect', `docker://127.0.0.1:${port}/test/x:v1`]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('UNREACHABLE');
  });
});
