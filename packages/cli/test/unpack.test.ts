import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';
import { listFolder, readOracle, rowText, type Row } from './helpers/listing.js';
import { requireRoot } from './helpers/root.js';
import { tempDir } from './helpers/tmp.js';

const oracleDir = fixture('multi.oracle');
const scratch = () => tempDir('unpack');

/** Owners survive only as root (documented): the tests comparing listings need root. */
const comparable = (rows: Row[]) => rows.map(rowText);
const OWNERS = 'unpacked owners compared with the oracles';
const isWhiteout = (p: string) => path.posix.basename(p).startsWith('.wh.');

describe('peel unpack', () => {
  // Every archive of the multi image holds the same layers: the per-layer oracles apply to all.
  const archives = ['multi-docker-legacy.tar', 'multi-oci.tar', 'multi-oci-zstd.tar', 'multi-containerd-export.tar', 'multi-skopeo-docker-archive.tar'];

  it.each(archives)('%s: LAYER_n folders and whiteout lists equal the per-layer oracles', async (archive) => {
    requireRoot(OWNERS);
    const dir = path.join(await scratch(), 'out');
    const r = await peel(['unpack', fixture(archive), dir]);
    expect(r.stderr).toContain('unpacked 13 layers');
    expect(r.code).toBe(0);
    const names = (await readdir(dir)).sort();
    expect(names.filter((n) => /^LAYER_\d+$/.test(n))).toHaveLength(13);
    for (let n = 0; n < 13; n++) {
      const oracle = await readOracle(path.join(oracleDir, 'layers', `${String(n + 1).padStart(2, '0')}.tsv`));
      const files = oracle.filter((o) => !isWhiteout(o.path));
      expect(comparable(await listFolder(path.join(dir, `LAYER_${n}`))), `LAYER_${n}`).toEqual(comparable(files));
      const whiteouts = oracle.filter((o) => isWhiteout(o.path)).map((o) => o.path).sort();
      const listed = names.includes(`LAYER_${n}.whiteouts`) ? (await readFile(path.join(dir, `LAYER_${n}.whiteouts`), 'utf8')).split('\n').filter(Boolean).sort() : [];
      expect(listed, `LAYER_${n}.whiteouts`).toEqual(whiteouts);
    }
    expect(names).not.toContain('rootfs');
  });

  it('--merged: rootfs equals the merged oracle (umoci unpack)', async () => {
    requireRoot(OWNERS);
    const dir = path.join(await scratch(), 'out');
    const r = await peel(['unpack', fixture('multi-docker-legacy.tar'), dir, '--merged']);
    expect(r.code).toBe(0);
    const oracle = (await readOracle(path.join(oracleDir, 'merged-fs-umoci.tsv'))).filter((o) => o.path !== '.');
    expect(comparable(await listFolder(path.join(dir, 'rootfs')))).toEqual(comparable(oracle));
    // the deleted secret is not in the merged tree, but its layer still holds it
    expect(await readFile(path.join(dir, 'LAYER_5/opt/app/.env'), 'utf8')).toContain('API_KEY=sk_test_FIXTURE_0123456789abcdef');
    expect(await readFile(path.join(dir, 'rootfs/var/lib/app/big.bin'))).toEqual(Buffer.alloc(65536));
  });

  it('metadata/ holds every archive entry that is not a layer, byte for byte', async () => {
    const root = await scratch();
    const dir = path.join(root, 'out');
    expect((await peel(['unpack', fixture('multi-docker-legacy.tar'), dir, '--no-layers'])).code).toBe(0);
    const plain = path.join(root, 'gnu-tar');
    await mkdir(plain);
    execFileSync('tar', ['-xf', fixture('multi-docker-legacy.tar'), '-C', plain]);
    const expected = (await listFolder(plain)).filter((r) => !r.path.endsWith('/layer.tar'));
    const got = await listFolder(path.join(dir, 'metadata'));
    expect(got.map((r) => `${r.path} ${r.type}`)).toEqual(expected.map((r) => `${r.path} ${r.type}`));
    for (const r of expected.filter((e) => e.type === '-')) {
      expect(await readFile(path.join(dir, 'metadata', r.path)), r.path).toEqual(await readFile(path.join(plain, r.path)));
    }
    expect(await readdir(dir)).toEqual(['metadata']);
  });

  it('OCI archive: metadata has oci-layout, index.json and the config/manifest blobs but no layer blobs', async () => {
    const dir = path.join(await scratch(), 'out');
    expect((await peel(['unpack', fixture('multi-oci.tar'), dir])).code).toBe(0);
    const meta = (await listFolder(path.join(dir, 'metadata'))).filter((r) => r.type === '-').map((r) => r.path);
    expect(meta).toContain('oci-layout');
    expect(meta).toContain('index.json');
    expect(meta.filter((p) => p.startsWith('blobs/sha256/'))).toHaveLength(2);
  });

  it('refuses a folder that is not empty (exit 4) and leaves it alone', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    const r = await peel(['unpack', fixture('tiny-docker-legacy.tar'), dir]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/is not empty/);
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('reads the archive from stdin with -', async () => {
    const dir = path.join(await scratch(), 'out');
    const r = await peel(['unpack', '-', dir, '--merged'], { stdin: fixture('tiny-containerd-export.tar') });
    expect(r.code).toBe(0);
    expect(await readFile(path.join(dir, 'rootfs/etc/os-release'), 'utf8')).toContain('ID=tiny');
  });
});
