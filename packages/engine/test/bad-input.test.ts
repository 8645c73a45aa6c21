import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openImageArchive, type FsBlobStore } from '../src/index.js';
import { dockerArchive, ociArchive, sha256, simpleLayers, tar } from './build.js';
import { tempStore } from './helpers.js';

let store: FsBlobStore;
let dir: string;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dir, dispose } = await tempStore()));
afterAll(() => dispose());

const open = (bytes: Buffer, opts = {}) => openImageArchive([bytes], store, opts);
const blobCount = async () => (await readdir(join(dir, 'sha256'))).length;
const tmpCount = async () => (await readdir(join(dir, 'tmp'))).length;

async function expectRefused(bytes: Buffer, code: string, message?: RegExp, opts = {}) {
  const before = await blobCount();
  const err = await open(bytes, opts).then(() => null, (e) => e);
  expect(err, 'should be refused').not.toBeNull();
  expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
  expect(await blobCount(), 'a refused archive leaves no blob').toBe(before);
  expect(await tmpCount(), 'and no temp file').toBe(0);
}

describe('good synthetic archives', () => {
  it('reads a docker archive, gzip layers, whole-archive gzip', async () => {
    const plain = await dockerArchive({ layers: simpleLayers });
    const a = await open(plain);
    expect(a.image.layers.map((l) => l.compression)).toEqual(['none', 'none']);
    const gz = await open(await dockerArchive({ layers: simpleLayers, gzip: true }));
    expect(gz.image.layers.map((l) => l.compression)).toEqual(['gzip', 'gzip']);
    expect(gz.image.layers.map((l) => l.diffId)).toEqual(a.image.layers.map((l) => l.diffId));
    const outer = await open(gzipSync(plain));
    expect(outer.outerCompression).toBe('gzip');
    expect(outer.image.configDigest).toBe(a.image.configDigest);
  });

  it('reads an OCI layout whose layer order differs from tar order', async () => {
    const bytes = await ociArchive({ layers: simpleLayers, gzip: true });
    const a = await open(bytes);
    expect(a.format).toBe('oci');
    expect(a.image.tags).toEqual(['test/image:1']);
    expect(a.image.layers[1].entryCount).toBe(2);
    const roles = Object.fromEntries(a.entries.map((e) => [e.path, e.role]));
    expect(roles['index.json']).toBe('index.json');
    expect(Object.values(roles).filter((r) => r === 'layer')).toHaveLength(2);
    expect(Object.values(roles)).toContain('config');
    expect(Object.values(roles)).toContain('manifest');
  });

  it('stores every blob once, whatever the number of uploads', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers });
    await open(bytes);
    const n = await blobCount();
    await open(bytes);
    expect(await blobCount()).toBe(n);
  });
});

describe('bad archives are refused with a typed error and leave nothing behind', () => {
  it('not a tar', async () => {
    await expectRefused(Buffer.from('hello, this is not an image archive at all'.repeat(30)), 'NOT_A_TAR', /not a tar/);
  });

  it('an empty file', async () => {
    await expectRefused(Buffer.alloc(0), 'NOT_A_TAR');
  });

  it('a tar that is not an image', async () => {
    await expectRefused(await tar([{ name: 'readme.txt', data: 'hi' }]), 'NOT_AN_IMAGE', /manifest\.json or index\.json/);
  });

  it('truncated at every 512-byte boundary', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers });
    for (let cut = 512; cut < bytes.length - 1024; cut += 512) {
      const err = await open(bytes.subarray(0, cut)).then(() => null, (e) => e);
      expect(err, `cut at ${cut}`).not.toBeNull();
      expect(['TRUNCATED', 'NOT_AN_IMAGE', 'MISSING_BLOB'], `cut at ${cut}: ${err.message}`).toContain(err.code);
    }
    expect(await tmpCount()).toBe(0);
  });

  it('a truncated gzip archive', async () => {
    const gz = gzipSync(await dockerArchive({ layers: simpleLayers }));
    await expectRefused(gz.subarray(0, gz.length - 100), 'DECOMPRESSION_FAILED');
  });

  it('a layer whose diff_id does not match the config', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => {
      const layer = files.get('layer1/layer.tar')!;
      const copy = Buffer.from(layer);
      copy[600] ^= 0xff; // a content byte of the first file
      files.set('layer1/layer.tar', copy);
    });
    await expectRefused(bytes, 'DIFF_ID_MISMATCH', /layer 1/);
  });

  it('an OCI blob whose content does not match its name', async () => {
    const bytes = await ociArchive({ layers: simpleLayers, gzip: true }, (files, refs) => {
      const name = `blobs/sha256/${refs.layers[0].slice(7)}`;
      const copy = Buffer.from(files.get(name)!);
      copy[copy.length - 10] ^= 0xff;
      files.set(name, copy);
    });
    await expectRefused(bytes, 'DIGEST_MISMATCH', /does not match its name/);
  });

  it('a descriptor size that lies', async () => {
    const bytes = await ociArchive({ layers: simpleLayers }, (files, refs) => {
      const name = `blobs/sha256/${refs.manifest.slice(7)}`;
      const m = JSON.parse(files.get(name)!.toString());
      m.layers[0].size += 1;
      const b = Buffer.from(JSON.stringify(m));
      files.delete(name);
      const d = sha256(b);
      files.set(`blobs/sha256/${d.slice(7)}`, b);
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d, size: b.length }] })));
    });
    await expectRefused(bytes, 'SIZE_MISMATCH');
  });

  it('a missing layer', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => files.delete('layer1/layer.tar'));
    await expectRefused(bytes, 'MISSING_BLOB', /layer1\/layer\.tar/);
  });

  it('malformed JSON', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => files.set('manifest.json', Buffer.from('[{"Config": ')));
    await expectRefused(bytes, 'MALFORMED_JSON', /manifest\.json/);
  });

  it('JSON of the wrong shape', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => files.set('manifest.json', Buffer.from('{"Config": 1}')));
    await expectRefused(bytes, 'MALFORMED_JSON');
  });

  it('huge JSON over the limit', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => files.set('manifest.json', Buffer.from(`[${' '.repeat(300_000)}]`)));
    await expectRefused(bytes, 'JSON_TOO_LARGE', undefined, { maxJsonBytes: 100_000 });
  });

  it('a null manifest.json', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => files.set('manifest.json', Buffer.from('null')));
    await expectRefused(bytes, 'NOT_AN_IMAGE', /null/);
  });

  it('an index that points at itself', async () => {
    // sha256 names are verified, so a cycle needs a digest we cannot check: sha512 names.
    const self = `sha512:${'ab'.repeat(64)}`;
    const bytes = await ociArchive({ layers: simpleLayers }, (files) => {
      files.set(`blobs/sha512/${self.slice(7)}`, Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: self }] })));
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: self }] })));
    });
    await expectRefused(bytes, 'INDEX_CYCLE', /cycle/);
  });

  it('an index whose only image is missing', async () => {
    const bytes = await ociArchive({ layers: simpleLayers }, (files) => {
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'1'.repeat(64)}`, platform: { os: 'linux', architecture: 'amd64' } }] })));
    });
    await expectRefused(bytes, 'NOT_AN_IMAGE', /no image/);
  });

  it('a layer that decompresses past the limit (a gzip bomb)', async () => {
    const bomb = await tar([{ name: 'zeros', data: Buffer.alloc(20 * 1024 * 1024) }]);
    const bytes = await dockerArchive({ layers: [[{ name: 'a', data: 'a' }]] }, (files) => files.set('layer0/layer.tar', gzipSync(bomb)));
    await expectRefused(bytes, 'LIMIT_EXCEEDED', /decompression bomb/, { maxLayerBytes: 1024 * 1024 });
  });

  it('a config whose diff_ids count disagrees with the layers', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers }, (files) => {
      const m = JSON.parse(files.get('manifest.json')!.toString());
      m[0].Layers.pop();
      files.set('manifest.json', Buffer.from(JSON.stringify(m)));
    });
    await expectRefused(bytes, 'LAYER_COUNT_MISMATCH');
  });

  it('a cancelled upload stops with ABORTED and leaves nothing', async () => {
    const bytes = await dockerArchive({ layers: simpleLayers });
    const ctl = new AbortController();
    const before = await blobCount();
    async function* slow() {
      yield bytes.subarray(0, 4096);
      ctl.abort();
      yield bytes.subarray(4096);
    }
    const err = await openImageArchive(slow(), store, { signal: ctl.signal }).then(() => null, (e) => e);
    expect(err?.code).toBe('ABORTED');
    expect(await blobCount()).toBe(before);
    expect(await tmpCount()).toBe(0);
  });
});
