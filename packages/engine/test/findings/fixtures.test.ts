import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Findings, FsBlobStore } from '../../src/index.js';
import { fixture, tempStore } from '../helpers.js';
import { analyzeFixture } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

/**
 * The multi fixture's waste, by hand from multi.oracle/layers/*.tsv (layer n of the README is
 * index n − 1 here): every copy that a later layer deleted or overwrote, once.
 */
const MULTI_REMOVED = {
  'etc/group': 31, // layer 0, overwritten by 1 (user added)
  'etc/passwd': 82, // layer 0, overwritten by 1
  'opt/app/conf/old.conf': 9, // layer 2, deleted by 3
  'opt/app/cache/a.tmp': 4, // layer 2, deleted by 3
  'opt/app/legacy/sub/file.txt': 7, // layer 2, its folder deleted by 3
  'opt/app/cache/b.tmp': 4, // layer 2, deleted by 4
  'opt/app/.env': 143, // layer 5, deleted by 6
  'var/lib/app/big.bin': 2_097_152, // layer 7, overwritten by 64 KiB of zeros in 8
  'opt/app/conf/keep.conf': 13, // layer 2, re-added with another mode in 9 (a full copy)
};
const MULTI_WASTE = 31 + 82 + 9 + 4 + 7 + 4 + 143 + 2_097_152 + 13; // = 2 097 445

const MULTI_ARCHIVES = ['multi-docker-legacy.tar', 'multi-oci.tar', 'multi-oci-zstd.tar', 'multi-containerd-export.tar', 'multi-podman-oci.tar', 'multi-podman-docker-archive.tar'];

describe.each(MULTI_ARCHIVES)('%s', (file) => {
  let f: Findings;
  beforeAll(async () => {
    f = await analyzeFixture(file, store);
  });

  it('finds the .env secret that layer 6 deleted but layer 5 still ships', () => {
    const env = f.secrets.filter((s) => s.path === 'opt/app/.env');
    expect(env.map((s) => [s.kind, s.name, s.layer, s.line, s.deletedIn, s.status])).toEqual([
      ['dotenv', 'API_KEY', 5, 2, 6, 'deleted'],
      ['dotenv', 'DB_PASSWORD', 5, 3, 6, 'deleted'],
    ]);
    for (const s of env) {
      expect(s.preview).not.toContain('0123456789abcdef');
      expect(s.preview).not.toContain('battery-staple');
      expect(s.createdBy).toMatch(/COPY .* in \/opt\/app\/\.env/);
      expect(s.fix).toMatch(/Layer 6 deleted \/opt\/app\/\.env, but layer 5 still ships/);
      expect(s.fromBase).toBe(false);
    }
    expect(env[0].preview).toBe('API_KEY=sk_t************');
  });

  it('finds nothing else: not in busybox, /etc, the scripts, the config or the history', () => {
    expect(f.secrets.filter((s) => s.path !== 'opt/app/.env')).toEqual([]);
  });

  it('counts the overwritten 2 MiB file as waste exactly once, and the total as computed by hand', () => {
    expect(f.waste.bytes).toBe(MULTI_WASTE);
    expect(f.waste.removed).toBe(MULTI_WASTE);
    expect(f.waste.duplicate).toBe(0);
    const removed = Object.fromEntries(f.waste.items.map((i) => [i.kind === 'removed' ? i.path : i.digest, i.bytes]));
    expect(removed).toEqual(MULTI_REMOVED);
    const big = f.waste.items.find((i) => i.kind === 'removed' && i.path === 'var/lib/app/big.bin');
    expect(big).toMatchObject({ bytes: 2_097_152, copies: [{ layer: 7, size: 2_097_152, removedIn: 8, how: 'overwritten' }], survivor: { layer: 8, size: 65_536 } });
    expect(f.waste.items.reduce((s, i) => s + i.bytes, 0)).toBe(f.waste.bytes);
  });

  it('has shipped − unique = waste, and efficiency = unique ÷ shipped', () => {
    expect(f.waste.shipped - f.waste.unique).toBe(f.waste.bytes);
    expect(f.waste.efficiency).toBeCloseTo(f.waste.unique / f.waste.shipped, 12);
    expect(f.sizes.shipped).toBe(f.waste.shipped);
  });

  it('sizes: layer contributions add up to the final filesystem, which matches the oracle listing', async () => {
    const total = f.sizes.layers.reduce((s, l) => s + l.contribution, 0);
    expect(total).toBe(f.sizes.final);
    const oracle = await readFile(fixture('multi.oracle/merged-fs-umoci.tsv'), 'utf8');
    const files = oracle.split('\n').filter(Boolean).map((l) => l.split('\t')).filter((c) => c[1] === '-');
    expect(f.sizes.final).toBe(files.reduce((s, c) => s + Number(c[4]), 0));
    expect(f.sizes.tree.size).toBe(f.sizes.final);
    // The layer that only deletes shrinks the filesystem.
    expect(f.sizes.layers[3]).toMatchObject({ content: 0, contribution: -(9 + 4 + 7) });
    expect(f.sizes.layers[8].contribution).toBe(65_536 - 2_097_152);
    for (const l of f.sizes.layers) expect(l.survives + l.removedLater).toBe(l.content);
  });

  it('sizes: biggest files and folders, per image and per layer', () => {
    expect(f.sizes.biggestFiles[0]).toMatchObject({ path: 'bin/busybox', layer: 0, type: 'file' });
    expect(f.sizes.biggestFiles[1]).toMatchObject({ path: 'var/lib/app/big.bin', size: 65_536, layer: 8 });
    // var → var/lib → var/lib/app hold the same one file: shown once, as the deepest.
    const dirs = f.sizes.biggestDirs.map((d) => d.path);
    expect(dirs).toContain('var/lib/app');
    expect(dirs).not.toContain('var/lib');
    expect(f.sizes.layers[7].biggestFiles).toEqual([{ path: 'var/lib/app/big.bin', size: 2_097_152, layer: 7, type: 'file' }]);
  });

  it('takes the first layer as the base image (history up to its CMD)', () => {
    expect(f.base.baseLayers).toBe(1);
    expect(f.sizes.layers.map((l) => l.fromBase)).toEqual(f.sizes.layers.map((l) => l.index === 0));
  });
});

describe('tiny (a base image on its own)', () => {
  it('has no secret findings, no waste and no base split', async () => {
    const f = await analyzeFixture('tiny-docker-legacy.tar', store);
    expect(f.secrets).toEqual([]);
    expect(f.waste).toMatchObject({ bytes: 0, efficiency: 1, items: [] });
    expect(f.base).toMatchObject({ baseLayers: 0, rule: 'none' });
    // It did read its /etc files: no finding is not the same as no look.
    expect(f.scan.filesScanned).toBe(5);
  });
});

describe('peer archives (other projects\' test images)', () => {
  it.each(['peers/dive-test-docker-image.tar', 'peers/dive-test-kaniko-image.tar', 'peers/ggcr-overwritten_file.tar', 'peers/ggcr-whiteout_image.tar'])('%s: no secret findings, waste adds up', async (name) => {
    const f = await analyzeFixture(name, store);
    expect(f.secrets).toEqual([]);
    expect(f.waste.removed + f.waste.duplicate).toBe(f.waste.bytes);
    expect(f.sizes.layers.reduce((s, l) => s + l.contribution, 0)).toBe(f.sizes.final);
  });
});
