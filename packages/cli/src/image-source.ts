/**
 * Opens the image a command names: a file path, `-` for stdin (`docker save img | peel …`), or
 * `docker://REF` for an image in a registry (registry-source.ts).
 * The archive streams once into the store; layers are indexed on the way (nothing is unpacked).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { isEngineError, mergeLayers, openImageArchive, type BlobStore, type ImageArchive, type LayerEntry, type MergedFs, type ResolvedImage } from '@peel/engine';
import { InputError } from './exit-codes.js';
import type { Progress } from './progress.js';
import { openFromRegistry, REGISTRY_PREFIX } from './registry-source.js';

export interface OpenedImage {
  /** What the command line named (`-` for stdin). */
  source: string;
  archive: ImageArchive;
  /** The selected platform's image. */
  image: ResolvedImage;
  store: BlobStore;
  /** Every layer's entries in tar order, base first. */
  layers: LayerEntry[][];
  /** The merged filesystem (computed once, on first use). */
  merged(): MergedFs;
}

export interface OpenImageOptions {
  store: BlobStore;
  /** The environment a registry's credentials and TLS settings come from. */
  env: Record<string, string | undefined>;
  stdin: Readable;
  cwd: string;
  platform?: string;
  progress: Progress;
  signal?: AbortSignal;
}

export async function openImage(source: string, o: OpenImageOptions): Promise<OpenedImage> {
  if (source.startsWith(REGISTRY_PREFIX)) {
    const archive = await openFromRegistry(source, o).catch((e: unknown) => {
      if (isEngineError(e)) throw new InputError(`${source}: ${e.message} [${e.code}]`, { cause: e });
      throw e;
    });
    return opened(source, archive, o.store);
  }
  let input: Readable;
  let total: number | undefined;
  if (source === '-') {
    input = o.stdin;
  } else {
    const path = resolveFrom(o.cwd, source);
    const s = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    if (!s.isFile()) throw new InputError(`${source} is not a file (expected an image archive, e.g. from \`docker save\`)`);
    total = s.size;
    input = createReadStream(path);
  }
  o.progress.start({ label: `reading ${source === '-' ? 'stdin' : source}`, total });
  // Ctrl-C while waiting for input (a slow pipe) must not wait for the next chunk.
  const stop = () => input.destroy(new Error('interrupted'));
  o.signal?.addEventListener('abort', stop, { once: true });
  let archive: ImageArchive;
  try {
    archive = await openImageArchive(input, o.store, { platform: o.platform, signal: o.signal, onProgress: (b) => o.progress.set(b) });
  } catch (e) {
    if (isEngineError(e)) throw new InputError(`${source}: ${e.message} [${e.code}]`, { cause: e });
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', stop);
    o.progress.finish();
    if (source !== '-') input.destroy();
  }
  return opened(source, archive, o.store);
}

function opened(source: string, archive: ImageArchive, store: BlobStore): OpenedImage {
  const image = archive.image;
  const layers = image.layers.map((l) => {
    const scan = archive.layerScans.get(l.blob);
    if (!scan) throw new Error(`layer ${l.index} (${l.blob}) has no index`);
    return scan.entries;
  });
  let merged: MergedFs | null = null;
  return { source, archive, image, store, layers, merged: () => (merged ??= mergeLayers(layers)) };
}

export function resolveFrom(cwd: string, p: string): string {
  return resolve(cwd, p);
}
