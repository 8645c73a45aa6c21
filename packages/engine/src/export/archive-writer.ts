import { createHash } from 'node:crypto';
import { EngineError } from '../errors.js';
import { ZERO_BLOCK } from '../tar/fields.js';
import { encodeHeader, type TarWriteHeader } from '../tar/header-encode.js';
import type { ByteSink } from '../tar/writer.js';
import { RangeReader, ReadPlan } from '../store/range-reader.js';
import type { BlobStore } from '../store/blob-store.js';
import { digestHex } from '../store/blob-store.js';
import type { Platform } from '../types.js';
import type { QualifiedTag } from './tags.js';
import type { LayerTar } from './tar-plan.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface ArchiveLayer {
  blob: string;
  size: number;
  mediaType: string;
  /** A layer that is not stored: its tar is written from this plan while the archive streams. */
  plan?: LayerTar;
}

export interface ArchivePlan {
  layers: ArchiveLayer[];
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  index: Buffer;
  manifestJson: Buffer;
  ociLayout: Buffer;
  mtime: number;
}

/**
 * The all-loaders archive (what Docker 25+ writes): an OCI image layout — oci-layout,
 * index.json, blobs/sha256/… — plus Docker's manifest.json, uncompressed, regular files only.
 */
export function planArchive(layers: ArchiveLayer[], config: Buffer, configDigest: string, platform: Platform, tags: QualifiedTag[], mtime: number): ArchivePlan {
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.blob, size: l.size })),
  }));
  const manifestDigest = sha256(manifest);
  const platformField = { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) };
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: (tags.length ? tags : [null]).map((t) => ({
      mediaType: OCI_MANIFEST,
      digest: manifestDigest,
      size: manifest.length,
      platform: platformField,
      ...(t ? { annotations: { 'io.containerd.image.name': t.full, 'org.opencontainers.image.ref.name': t.refName } } : {}),
    })),
  }));
  const manifestJson = Buffer.from(JSON.stringify([{
    Config: `blobs/sha256/${digestHex(configDigest)}`,
    RepoTags: tags.map((t) => t.full),
    Layers: layers.map((l) => `blobs/sha256/${digestHex(l.blob)}`),
  }]));
  return { layers, config, configDigest, manifest, manifestDigest, index, manifestJson, ociLayout: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), mtime };
}

const pad = (n: number) => Math.ceil(n / 512) * 512;

/** The exact byte length of the archive `writeArchive` produces (for Content-Length). */
export function archiveSize(plan: ArchivePlan): number {
  const files = [...uniqueLayers(plan.layers).map((l) => l.size), plan.config.length, plan.manifest.length, plan.index.length, plan.manifestJson.length, plan.ociLayout.length];
  return 2 * 512 + files.reduce((sum, s) => sum + 512 + pad(s), 0) + 1024;
}

/**
 * Streams the archive. Stored layer blobs are read with large positional reads and handed to
 * the sink uncopied; a layer with a `plan` is written from it (built again, byte for byte, from
 * the same stored bytes it was hashed from).
 */
export async function writeArchive(plan: ArchivePlan, store: BlobStore, sink: ByteSink, signal?: AbortSignal): Promise<void> {
  const meta = { uid: 0, gid: 0, mtime: plan.mtime };
  const put = (h: TarWriteHeader) => sink.write(encodeHeader({ ...meta, ...h }));
  const padding = (size: number) => (size % 512 ? sink.write(ZERO_BLOCK.subarray(0, 512 - (size % 512))) : undefined);
  await put({ name: 'blobs', type: 'dir', mode: 0o755, size: 0, ...meta });
  await put({ name: 'blobs/sha256', type: 'dir', mode: 0o755, size: 0, ...meta });
  const layers = uniqueLayers(plan.layers);
  const stored = new ReadPlan(layers.map((l) => (l.plan ? null : { blob: l.blob, start: 0, end: l.size })), { span: BLOB_READ });
  const reader = new RangeReader(store, stored, 2 * BLOB_READ);
  try {
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      await put({ name: `blobs/sha256/${digestHex(l.blob)}`, type: 'file', mode: 0o644, size: l.size, ...meta });
      let got = 0;
      if (l.plan) got = await l.plan.write(store, sink, { signal });
      else {
        for await (const c of reader.range(i)) {
          if (signal?.aborted) throw new EngineError('ABORTED', 'the export was cancelled');
          got += c.length;
          await sink.write(c);
        }
      }
      if (got !== l.size) throw new EngineError('SIZE_MISMATCH', `layer ${l.blob} should have ${l.size} bytes but ${got} were written`, { subject: l.blob });
      await padding(l.size);
    }
  } finally {
    await reader.close();
  }
  const file = async (name: string, data: Buffer) => {
    await put({ name, type: 'file', mode: 0o644, size: data.length, ...meta });
    await sink.write(data);
    await padding(data.length);
  };
  await file(`blobs/sha256/${digestHex(plan.configDigest)}`, plan.config);
  await file(`blobs/sha256/${digestHex(plan.manifestDigest)}`, plan.manifest);
  await file('index.json', plan.index);
  await file('manifest.json', plan.manifestJson);
  await file('oci-layout', plan.ociLayout);
  await sink.write(ZERO_BLOCK.subarray(0, 1024));
}

/**
 * Writes one layer blob of the plan (a registry push sends them one by one): a stored blob is
 * read from the store, a planned one built from its plan. Returns the bytes written.
 */
export async function writeLayerBlob(plan: ArchivePlan, store: BlobStore, blob: string, sink: ByteSink, signal?: AbortSignal): Promise<number> {
  const layer = plan.layers.find((l) => l.blob === blob);
  if (!layer) throw new EngineError('MISSING_BLOB', `the export has no layer ${blob}`, { subject: blob });
  if (layer.plan) return layer.plan.write(store, sink, { signal });
  let got = 0;
  for await (const c of store.open(blob) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new EngineError('ABORTED', 'the export was cancelled');
    got += c.length;
    await sink.write(c);
  }
  return got;
}

/** Reads of stored layer blobs: large enough that per-read costs vanish, small enough to pipeline. */
const BLOB_READ = 2 * 1024 * 1024;

function uniqueLayers(layers: ArchiveLayer[]): ArchiveLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => (seen.has(l.blob) ? false : (seen.add(l.blob), true)));
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
