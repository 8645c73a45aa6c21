import { createHash } from 'node:crypto';
import { TarWriter, type ByteSink } from '../tar/writer.js';
import type { BlobStore } from '../store/blob-store.js';
import { digestHex } from '../store/blob-store.js';
import type { Platform } from '../types.js';
import type { QualifiedTag } from './tags.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface ArchiveLayer {
  blob: string;
  size: number;
  mediaType: string;
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

export async function writeArchive(plan: ArchivePlan, store: BlobStore, sink: ByteSink): Promise<void> {
  const tar = new TarWriter(sink);
  const meta = { uid: 0, gid: 0, mtime: plan.mtime };
  await tar.add({ name: 'blobs', type: 'dir', mode: 0o755, size: 0, ...meta });
  await tar.add({ name: 'blobs/sha256', type: 'dir', mode: 0o755, size: 0, ...meta });
  for (const l of uniqueLayers(plan.layers)) {
    await tar.add({ name: `blobs/sha256/${digestHex(l.blob)}`, type: 'file', mode: 0o644, size: l.size, ...meta }, store.open(l.blob));
  }
  const file = (name: string, data: Buffer) => tar.add({ name, type: 'file', mode: 0o644, size: data.length, ...meta }, data);
  await file(`blobs/sha256/${digestHex(plan.configDigest)}`, plan.config);
  await file(`blobs/sha256/${digestHex(plan.manifestDigest)}`, plan.manifest);
  await file('index.json', plan.index);
  await file('manifest.json', plan.manifestJson);
  await file('oci-layout', plan.ociLayout);
  await tar.finish();
}

function uniqueLayers(layers: ArchiveLayer[]): ArchiveLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => (seen.has(l.blob) ? false : (seen.add(l.blob), true)));
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
