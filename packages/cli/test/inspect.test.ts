import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';

interface InspectJson {
  format: string;
  tags: string[];
  platform: { os: string; architecture: string };
  platforms: Array<{ platform: { architecture: string }; available: boolean }>;
  imageId: string;
  config: { Cmd?: string[]; Entrypoint?: string[]; WorkingDir?: string; Env?: string[] };
  layers: Array<{ index: number; diffId: string; size: number; uncompressedSize: number; contentSize: number; entries: number; files: number; createdBy: string | null; compression: string }>;
  history: Array<{ createdBy: string | null; emptyLayer: boolean; layer: number | null }>;
}

/** multi.oracle/layers.tsv: n, diff_id, tar size, entries, whiteouts, created_by. */
async function layerOracle() {
  const text = await readFile(fixture('multi.oracle/layers.tsv'), 'utf8');
  return text.split('\n').slice(1).filter(Boolean).map((l) => {
    const [n, diffId, tarSize, entries, whiteouts, createdBy] = l.split('\t');
    return { n: Number(n), diffId, tarSize: Number(tarSize), entries: Number(entries), whiteouts: Number(whiteouts), createdBy };
  });
}

describe('peel inspect', () => {
  it('--json: layers, diff ids, sizes, history and config agree with the Docker oracles', async () => {
    const r = await peel(['inspect', fixture('multi-docker-legacy.tar'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as InspectJson;
    expect(j.format).toBe('docker-legacy');
    expect(j.tags).toEqual(['fixtures/multi:latest']);
    const inspect = JSON.parse(await readFile(fixture('multi.oracle/docker-inspect.json'), 'utf8'))[0];
    expect(j.imageId).toBe(inspect.Id);
    expect(j.config.Entrypoint).toEqual(inspect.Config.Entrypoint);
    expect(j.config.Cmd).toEqual(inspect.Config.Cmd);
    expect(j.config.WorkingDir).toBe(inspect.Config.WorkingDir);
    const oracle = await layerOracle();
    expect(j.layers.map((l) => l.diffId)).toEqual(oracle.map((o) => o.diffId));
    expect(j.layers.map((l) => l.uncompressedSize)).toEqual(oracle.map((o) => o.tarSize));
    expect(j.layers.map((l) => l.entries)).toEqual(oracle.map((o) => o.entries));
    expect(j.layers.map((l) => l.createdBy)).toEqual(oracle.map((o) => o.createdBy));
    // docker history SIZE is the content size of each step's layer
    const history = (await readFile(fixture('multi.oracle/docker-history-oldest-first.tsv'), 'utf8')).split('\n').filter(Boolean);
    expect(j.history).toHaveLength(history.length);
    const withLayer = j.history.filter((h) => h.layer !== null);
    expect(withLayer).toHaveLength(13);
    expect(withLayer.map((h) => j.layers[h.layer!].createdBy)).toEqual(withLayer.map((h) => h.createdBy));
  });

  it('text: tags, platform, config and one row per history step', async () => {
    const r = await peel(['inspect', fixture('multi-oci.tar')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^.*multi-oci\.tar: oci archive/);
    expect(r.out).toContain('Tags:      fixtures/multi:latest');
    expect(r.out).toContain('Platform:  linux/amd64');
    expect(r.out).toMatch(/Entrypoint\s+\["docker-entrypoint\.sh"\]/);
    expect(r.out).toMatch(/Layers: 13, /);
    expect(r.out.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(13);
    expect(r.out).toMatch(/^7\s+2\.1 MB\s+2\.1 MB\s+2\.1 MB\s+4\s+1\s/m);
  });

  it('multi-platform archive: lists the platforms and picks one with --platform', async () => {
    const r = await peel(['inspect', fixture('tiny-multiarch-oci.tar'), '--json', '--platform', 'linux/arm64']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as InspectJson;
    expect(j.platform.architecture).toBe('arm64');
    expect(j.platforms.map((p) => p.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    const partial = await peel(['inspect', fixture('tiny-multiarch-containerd-export.tar'), '--platform', 'linux/arm64']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/not in the archive/);
  });

  it('zstd layers are read (OCI zstd archive)', async () => {
    const j = JSON.parse((await peel(['inspect', fixture('multi-oci-zstd.tar'), '--json'])).out) as InspectJson;
    expect(j.layers.every((l) => l.compression === 'zstd')).toBe(true);
    expect(j.layers.map((l) => l.diffId)).toEqual((await layerOracle()).map((o) => o.diffId));
  });

  it('bad input exits 2 with the engine\'s message; a missing file too', async () => {
    const notImage = await peel(['inspect', fixture('multi.oracle/layers.tsv')]);
    expect(notImage.code).toBe(2);
    expect(notImage.stderr).toMatch(/^peel inspect: .*\[NOT_A_TAR\]/);
    // The same plain words as the server's reply, the technical account on a line of its own.
    expect(notImage.stderr).toMatch(/^peel inspect: .*: this is not a tar archive: Peel opens the \.tar \(or \.tar\.gz\) that `docker save` or an OCI export writes \[NOT_A_TAR\]\npeel inspect: detail: .*bad header checksum at offset 0/);
    const missing = await peel(['inspect', 'no/such.tar']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });
});
