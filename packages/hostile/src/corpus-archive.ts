/**
 * Hostile outer archives and JSON: duplicate entries, links where blobs should be, digests that
 * lie, manifests and configs of the wrong shape, indexes that loop.
 */
import { gzipSync } from 'node:zlib';
import type { HostileCase } from './cases.js';
import { dockerArchive, ociArchive, type Json } from './image.js';
import { file, hardlink, sha256, symlink, tar, type Item } from './tar.js';

const layer = tar([file('etc/os-release', 'ID=hostile\n'), file('bin/sh', '#!fake\n', { mode: 0o755 })]);
const layer2 = tar([file('etc/motd', 'hello\n')]);

/** Replaces the blob `digest` in an OCI item list with `bytes` (same name: a digest mismatch). */
function swapBlob(items: Item[], digest: string, edit: (b: Buffer) => Buffer): Item[] {
  return items.map((it) => (String(it.name) === `blobs/sha256/${digest.slice(7)}` ? { ...it, data: edit(Buffer.from(it.data ?? '')) } : it));
}

const flip = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[Math.floor(c.length / 2)] ^= 0x20;
  return c;
};

/** Digests found in an OCI archive's manifest: config and layers. */
function ociRefs(): { config: string; layers: string[]; manifest: string } {
  let refs = { config: '', layers: [] as string[], manifest: '' };
  ociArchive([layer], {
    manifest: (m) => {
      refs = { ...refs, config: (m.config as Json).digest as string, layers: (m.layers as Json[]).map((l) => l.digest as string) };
    },
    index: (_i, r) => {
      refs.manifest = r.manifest;
    },
  });
  return refs;
}

/** The config bytes of the honest OCI archive. */
function configOf(): Buffer {
  let bytes: Buffer = Buffer.alloc(0);
  ociArchive([layer], { configBytes: (b) => (bytes = b) });
  return bytes;
}

/** `json` padded with spaces to the length of `like` (so that only the digest can tell them apart). */
const sameSize = (like: Buffer, json: string): string => json.padEnd(like.length, ' ');

function deepJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

export const archiveCases: HostileCase[] = [
  {
    name: 'duplicate-outer-entries',
    about: 'duplicate entries in the outer tar (`./x` and `x`)',
    bytes: () => dockerArchive([layer], { outer: (items) => [{ ...items[items.length - 1], data: '[]' }, ...items.map((it) => (String(it.name) === 'manifest.json' ? { ...it, name: './manifest.json' } : it))] }),
    expect: { ingest: ['DUPLICATE_ARCHIVE_ENTRY'] },
    merged: { has: ['etc/os-release'] },
  },
  {
    name: 'unsafe-outer-paths',
    about: 'entry names with ../ in the outer tar',
    bytes: () => dockerArchive([layer], { outer: (items) => [...items, file('../../../../tmp/PEEL_ESCAPE_MARKER_5f1c2e-outer', 'x'), file('/etc/PEEL_ESCAPE_MARKER_5f1c2e-abs', 'y')] }),
    expect: { ingest: ['UNSAFE_ARCHIVE_PATH'] },
  },
  {
    name: 'layer-is-symlink',
    about: 'a blob that is a symlink in the outer tar',
    bytes: () => dockerArchive([layer], { outer: (items) => [...items.map((it) => (String(it.name) === 'layer0/layer.tar' ? { ...it, name: 'real/layer.tar' } : it)), symlink('layer0/layer.tar', '../real/layer.tar')] }),
    expect: { ingest: [] },
    merged: { has: ['etc/os-release'] },
  },
  {
    name: 'layer-is-hardlink',
    about: 'a blob that is a hard link in the outer tar',
    bytes: () => dockerArchive([layer], { outer: (items) => [...items.map((it) => (String(it.name) === 'layer0/layer.tar' ? { ...it, name: 'real/layer.tar' } : it)), hardlink('layer0/layer.tar', 'real/layer.tar')] }),
    expect: { ingest: [] },
    merged: { has: ['etc/os-release'] },
  },
  {
    name: 'layer-symlink-outside',
    about: 'a blob that is a symlink to outside the archive',
    bytes: () => dockerArchive([layer], { outer: (items) => [...items.filter((it) => String(it.name) !== 'layer0/layer.tar'), symlink('layer0/layer.tar', '/etc/passwd')] }),
    expect: { refuse: ['MISSING_BLOB'] },
  },
  {
    name: 'layer-symlink-loop',
    about: 'a blob that is a symlink loop in the outer tar',
    bytes: () => dockerArchive([layer], { outer: (items) => [...items.filter((it) => String(it.name) !== 'layer0/layer.tar'), symlink('layer0/layer.tar', 'x'), symlink('layer0/x', 'layer.tar')] }),
    expect: { refuse: ['MISSING_BLOB'] },
  },
  {
    name: 'oci-blob-symlink-mismatch',
    about: 'an OCI blob that is a symlink to other content',
    bytes: () => {
      const { config } = ociRefs();
      return ociArchive([layer], { outer: (items) => [...items.filter((it) => String(it.name) !== `blobs/sha256/${config.slice(7)}`), file('other.json', sameSize(configOf(), JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(layer)] }, os: 'linux', architecture: 'evil' }))), symlink(`blobs/sha256/${config.slice(7)}`, '../../other.json')] });
    },
    expect: { refuse: ['DIGEST_MISMATCH'] },
  },
  {
    name: 'oci-config-digest-mismatch',
    about: 'digest mismatches of every blob kind (config)',
    bytes: () => ociArchive([layer], { outer: (items) => swapBlob(items, ociRefs().config, flip) }),
    expect: { refuse: ['DIGEST_MISMATCH'] },
  },
  {
    name: 'oci-layer-digest-mismatch',
    about: 'digest mismatches of every blob kind (layer)',
    bytes: () => ociArchive([layer], { outer: (items) => swapBlob(items, ociRefs().layers[0], flip) }),
    expect: { refuse: ['DIGEST_MISMATCH'] },
  },
  {
    name: 'oci-manifest-digest-mismatch',
    about: 'digest mismatches of every blob kind (manifest)',
    bytes: () => ociArchive([layer], { outer: (items) => swapBlob(items, ociRefs().manifest, (b) => Buffer.from(b.toString().replace('"schemaVersion":2', '"schemaVersion":3'))) }),
    expect: { refuse: ['DIGEST_MISMATCH'] },
  },
  {
    name: 'oci-index-digest-mismatch',
    about: 'digest mismatches of every blob kind (nested index)',
    bytes: () => {
      let child = Buffer.alloc(0);
      return ociArchive([layer], {
        index: (index) => {
          child = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: index.manifests }));
          index.manifests = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(child), size: child.length }];
        },
        outer: (items) => [...items, file(`blobs/sha256/${sha256(child).slice(7)}`, flip(child))],
      });
    },
    expect: { refuse: ['DIGEST_MISMATCH'] },
  },
  {
    name: 'docker-diff-id-mismatch',
    about: 'a config whose diff_ids disagree',
    bytes: () => dockerArchive([layer, layer2], { config: (c) => ((c.rootfs as Json).diff_ids = [sha256(layer2), sha256(layer)]) }),
    expect: { refuse: ['DIFF_ID_MISMATCH'] },
  },
  {
    name: 'too-many-history-entries',
    about: 'more non-empty history entries than layers',
    bytes: () => dockerArchive([layer], { config: (c) => ((c.history as Json[]).push({ created_by: 'extra 1' }, { created_by: 'extra 2' })) }),
    expect: { ingest: ['HISTORY_MISMATCH'] },
  },
  {
    name: 'manifest-layers-missing',
    about: 'a manifest whose layers are not in the archive',
    bytes: () => dockerArchive([layer], { manifest: (m) => { (m[0].Layers as string[]).push('nowhere/layer.tar'); } }),
    expect: { refuse: ['MISSING_BLOB'] },
  },
  {
    name: 'oci-manifest-layers-missing',
    about: 'a manifest whose layers are not in the archive (OCI)',
    bytes: () => ociArchive([layer], { manifest: (m) => { (m.layers as Json[]).push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${'0'.repeat(64)}`, size: 1 }); } }),
    expect: { refuse: ['NOT_AN_IMAGE'] },
  },
  {
    name: 'null-manifest-json',
    about: '`null` manifests (Docker 25.0 `docker save img@digest`)',
    bytes: () => ociArchive([layer], { outer: (items) => [...items, file('manifest.json', 'null')] }),
    expect: { ingest: ['NULL_MANIFEST_JSON'] },
    merged: { has: ['etc/os-release'] },
  },
  {
    name: 'null-manifests-list',
    about: '`null` manifests in index.json',
    bytes: () => ociArchive([layer], { index: (i) => { i.manifests = null; } }),
    expect: { refuse: ['NOT_AN_IMAGE'] },
  },
  {
    name: 'index-points-at-itself',
    about: 'an index that points at itself',
    bytes: () => {
      const self = `sha512:${'cd'.repeat(64)}`;
      const make = (size: number) => JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: self, size }] });
      let idx = make(0);
      while (make(idx.length).length !== idx.length) idx = make(idx.length);
      idx = make(idx.length);
      return ociArchive([layer], { outer: (items) => [...items.filter((it) => it.name !== 'index.json'), file('index.json', idx), file(`blobs/sha512/${self.slice(7)}`, idx)] });
    },
    expect: { refuse: ['INDEX_CYCLE'] },
  },
  {
    name: 'deeply-nested-json-manifest',
    about: 'deeply nested JSON (manifest.json)',
    bytes: () => dockerArchive([layer], { manifestBytes: Buffer.from(deepJson(1_000_000)) }),
    expect: { refuse: ['LIMIT_EXCEEDED'] },
  },
  {
    name: 'deeply-nested-json-config',
    about: 'deeply nested JSON (a config value)',
    bytes: () => dockerArchive([layer], { configBytes: (b) => Buffer.from(b.toString().replace(/}$/, `,"nest":${deepJson(1_000_000)}}`)) }),
    expect: { refuse: ['LIMIT_EXCEEDED'] },
  },
  {
    name: 'deeply-nested-json-labels',
    about: 'deeply nested JSON (config.config.Labels)',
    bytes: () => dockerArchive([layer], { configBytes: (b) => Buffer.from(b.toString().replace('"Cmd"', `"Labels":{"x":${deepJson(100_000)}},"Cmd"`)) }),
    expect: { refuse: ['LIMIT_EXCEEDED'] },
  },
  {
    name: 'nested-json-within-limit',
    about: 'deeply nested JSON (500 levels, under the limit: shown)',
    bytes: () => dockerArchive([layer], { configBytes: (b) => Buffer.from(b.toString().replace('"Cmd"', `"Labels":{"x":"${'['.repeat(2000)}"},"Healthcheck":{"Test":${deepJson(496)}},"Cmd"`)) }),
    expect: { ingest: [] },
  },
  {
    name: 'wrong-types-manifest',
    about: 'JSON: wrong types (manifest.json)',
    bytes: () => dockerArchive([layer], { manifest: (m) => [{ ...m[0], Config: 42 }] }),
    expect: { refuse: ['MALFORMED_JSON'] },
  },
  {
    name: 'wrong-types-layers',
    about: 'JSON: wrong types (Layers is a string, RepoTags an object)',
    bytes: () => dockerArchive([layer], { manifest: (m) => [{ ...m[0], Layers: 'layer0/layer.tar', RepoTags: { a: 1 } }] }),
    expect: { refuse: ['MALFORMED_JSON'] },
  },
  {
    name: 'wrong-types-config',
    about: 'JSON: wrong types (config fields)',
    bytes: () => dockerArchive([layer], { config: (c) => Object.assign(c, { architecture: 7, os: ['linux'], created: {}, history: 'no', config: { Env: 'PATH=x', Cmd: 5, Labels: [1, 2], ExposedPorts: 'all', User: null } }) }),
    expect: { ingest: [] },
    merged: { has: ['etc/os-release'] },
  },
  {
    name: 'wrong-types-rootfs',
    about: 'JSON: wrong types (rootfs.diff_ids not a list)',
    bytes: () => dockerArchive([layer], { config: (c) => ((c.rootfs as Json).diff_ids = { 0: sha256(layer) }) }),
    expect: { refuse: ['NOT_AN_IMAGE'] },
  },
  {
    name: 'wrong-types-oci-descriptor',
    about: 'JSON: wrong types (descriptor size is a string, digest a number)',
    bytes: () => ociArchive([layer], { index: (i) => { (i.manifests as Json[])[0].size = 'big'; (i.manifests as Json[]).push({ digest: 5 }); } }),
    expect: { refuse: ['MALFORMED_JSON'] },
  },
  {
    name: 'json-proto-keys',
    about: 'JSON: __proto__ and constructor keys',
    bytes: () => dockerArchive([layer], { configBytes: (b) => Buffer.from(b.toString().replace('"Cmd"', '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"Labels":{"__proto__":"x"},"Cmd"')) }),
    expect: { ingest: [] },
  },
  {
    name: 'gzip-inside-gzip-layer',
    about: 'nested gzip (a layer gzipped twice)',
    bytes: () => dockerArchive([gzipSync(gzipSync(layer))], { config: (c) => ((c.rootfs as Json).diff_ids = [sha256(gzipSync(layer))]) }),
    expect: { refuse: ['NOT_A_TAR', 'BAD_TAR_HEADER'] },
  },
  {
    name: 'bzip2-layer',
    about: 'a layer in a compression Peel does not read',
    bytes: () => dockerArchive([Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(600)])]),
    expect: { refuse: ['UNSUPPORTED_COMPRESSION'] },
  },
];
