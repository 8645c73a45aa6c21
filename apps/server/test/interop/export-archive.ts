/**
 * Reads an exported archive the way a loader would, with GNU tar and zlib only (never with the
 * engine that wrote it): the OCI layout's index, manifest and config, and each layer's tar.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { run } from '../../../../packages/engine/test/interop/exec.js';

export interface ExportedImage {
  /** The archive unpacked: an OCI image layout plus manifest.json. */
  dir: string;
  index: { manifests: Array<{ digest: string; annotations?: Record<string, string>; platform?: Record<string, string> }> };
  manifestDigest: string;
  manifest: { config: { digest: string }; layers: Array<{ digest: string; mediaType: string; size: number }> };
  manifestJson: Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  config: { rootfs: { diff_ids: string[] }; history: Array<{ created_by?: string; empty_layer?: boolean }>; config: Record<string, unknown> };
}

const blobPath = (dir: string, digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

export async function unpackExport(archive: string, dir: string): Promise<ExportedImage> {
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xf', archive, '-C', dir]);
  const json = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;
  const index = await json<ExportedImage['index']>(path.join(dir, 'index.json'));
  const manifestDigest = index.manifests[0].digest;
  const manifest = await json<ExportedImage['manifest']>(blobPath(dir, manifestDigest));
  const manifestJson = await json<ExportedImage['manifestJson']>(path.join(dir, 'manifest.json'));
  const config = await json<ExportedImage['config']>(blobPath(dir, manifest.config.digest));
  return { dir, index, manifestDigest, manifest, manifestJson, config };
}

/** A layer blob's uncompressed tar stream (gzip is the only compression an export may use). */
export function openLayerTar(image: ExportedImage, layer: { digest: string; mediaType: string }): Readable {
  const file = createReadStream(blobPath(image.dir, layer.digest));
  if (layer.mediaType.endsWith('+gzip') || layer.mediaType.endsWith('.tar.gzip')) return file.pipe(createGunzip());
  if (layer.mediaType.endsWith('+zstd')) throw new Error(`layer ${layer.digest} is zstd: exports must never write zstd`);
  return file;
}

/** Whether `needle` occurs anywhere in a stream (matches across chunk boundaries too). */
export async function streamContains(stream: Readable, needle: Buffer): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const chunk of stream) {
    const buf = Buffer.concat([tail, chunk as Buffer]);
    if (buf.includes(needle)) {
      stream.destroy();
      return true;
    }
    tail = buf.subarray(Math.max(0, buf.length - needle.length + 1));
  }
  return false;
}

/** Indices of the layers whose uncompressed tar holds `needle`. */
export async function layersContaining(image: ExportedImage, needle: Buffer): Promise<number[]> {
  const hits: number[] = [];
  for (const [i, layer] of image.manifest.layers.entries()) {
    if (await streamContains(openLayerTar(image, layer), needle)) hits.push(i);
  }
  return hits;
}
