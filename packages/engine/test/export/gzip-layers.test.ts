import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GZIP_BLOCK } from '../../src/compress/parallel-gzip.js';
import type { ExportMode } from '../../src/index.js';
import { dockerArchive, type TarItem } from '../build.js';
import { random } from '../helpers.js';

// Exported gzip layers several deflate blocks long, read back by GNU tar, gzip and sha256sum
// only: the blob's name and manifest digest, its diff_id, its entries and their bytes, and the
// same archive bytes from processes that deflate one block at a time or several at once.
const repoRoot = resolve(import.meta.dirname, '../../../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const script = join(import.meta.dirname, 'export-process.ts');

/** Text-like and random bytes mixed (so some blocks compress and some do not). */
function content(size: number, seed: number): Buffer {
  const next = random(seed);
  const b = Buffer.allocUnsafe(size);
  for (let at = 0; at < size;) {
    const run = Math.min(size - at, 1 + Math.floor(next() * 40_000));
    if (next() < 0.4) for (let i = 0; i < run; i++) b[at + i] = Math.floor(next() * 256);
    else for (let i = 0; i < run;) i += b.write(`line ${Math.floor(next() * 1000)} of a config file\n`, at + i, run - i);
    at += run;
  }
  return b;
}

const BIG = content(2 * GZIP_BLOCK + 1234, 1);
const LOWER: TarItem[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', data: 'NAME=test\n' },
  { name: 'etc/shells', data: '/bin/sh\n' },
  { name: 'data/', type: 'directory' },
  { name: 'data/big.bin', data: BIG },
  ...Array.from({ length: 40 }, (_, i) => ({ name: `data/f${i}.txt`, data: content(20_000 + i * 997, i + 10) })),
];
const UPPER: TarItem[] = [{ name: 'data/', type: 'directory' }, { name: 'data/more.bin', data: content(GZIP_BLOCK + 17, 99) }];

let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'peel-gzip-layers-'));
  source = join(dir, 'source.tar');
  await writeFile(source, await dockerArchive({ gzip: true, layers: [LOWER, UPPER] }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The export-process draft (os-release replaced, opt/new added, etc/shells deleted), in a process of its own. */
function exportIn(mode: ExportMode, out: string, threads: number): Promise<void> {
  return new Promise((done, fail) => {
    execFile(tsx, [script, source, mode, out, '1700000000'], { env: { ...process.env, UV_THREADPOOL_SIZE: String(threads) } },
      (e, _o, stderr) => (e ? fail(new Error(`${mode} export failed: ${stderr}`)) : done()));
  });
}

const sh = (script: string, ...args: string[]) => execFileSync('sh', ['-c', script, 'sh', ...args], { maxBuffer: 64 * 1024 * 1024 });
const text = (archive: string, member: string) => sh('tar -xOf "$1" "$2"', archive, member).toString();
const sha256sum = (archive: string, member: string, gunzip: boolean) => `sha256:${sh(`tar -xOf "$1" "$2" | ${gunzip ? 'gzip -dc |' : ''} sha256sum`, archive, member).toString().split(' ')[0]}`;

interface Manifest { config: { digest: string }; layers: Array<{ digest: string; size: number; mediaType: string }> }

describe.each(['flatten', 'rewrite'] as ExportMode[])('%s with gzip layers of several blocks', (mode) => {
  let one: string;
  let many: string;
  beforeAll(async () => {
    // UV_THREADPOOL_SIZE=2 leaves one block in flight, 8 several: timing differs, bytes must not.
    one = join(dir, `${mode}-one.tar`);
    many = join(dir, `${mode}-many.tar`);
    await Promise.all([exportIn(mode, one, 2), exportIn(mode, many, 8)]);
  }, 120_000);

  it('is the same archive whether blocks are deflated one at a time or several at once', async () => {
    expect((await readFile(one)).equals(await readFile(many))).toBe(true);
  });

  it('names every gzip layer by its sha256, and its diff_id is the sha256 of what gzip unpacks', () => {
    const manifestPath = (JSON.parse(text(many, 'manifest.json')) as Array<{ Config: string; Layers: string[] }>)[0];
    const index = JSON.parse(text(many, 'index.json')) as { manifests: Array<{ digest: string }> };
    const manifest = JSON.parse(text(many, `blobs/sha256/${index.manifests[0].digest.slice(7)}`)) as Manifest;
    const config = JSON.parse(text(many, manifestPath.Config)) as { rootfs: { diff_ids: string[] } };
    const rebuilt = manifest.layers.filter((l) => l.mediaType.endsWith('+gzip'));
    expect(rebuilt.length).toBeGreaterThan(0);
    manifest.layers.forEach((l, i) => {
      const member = `blobs/sha256/${l.digest.slice(7)}`;
      expect(manifestPath.Layers[i]).toBe(member);
      expect(sha256sum(many, member, false)).toBe(l.digest);
      expect(Number(sh('tar -xOf "$1" "$2" | wc -c', many, member).toString().trim())).toBe(l.size);
      expect(sha256sum(many, member, true)).toBe(config.rootfs.diff_ids[i]);
    });
  });

  it('holds the files GNU tar lists and extracts, byte for byte', () => {
    const manifestPath = (JSON.parse(text(many, 'manifest.json')) as Array<{ Layers: string[] }>)[0];
    const names = manifestPath.Layers.flatMap((member) => sh('tar -xOf "$1" "$2" | tar -tzf -', many, member).toString().split('\n').filter(Boolean));
    expect(names).toContain('data/big.bin');
    expect(names).toContain('data/more.bin');
    expect(names).not.toContain('etc/shells');
    const holder = manifestPath.Layers.find((member) => sh('tar -xOf "$1" "$2" | tar -tzf -', many, member).toString().split('\n').includes('data/big.bin'))!;
    const big = sh('tar -xOf "$1" "$2" | tar -xzOf - data/big.bin', many, holder);
    expect(big.equals(BIG)).toBe(true);
  });
});
