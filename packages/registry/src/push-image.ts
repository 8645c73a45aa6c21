import type { Readable } from 'node:stream';
import type { ImageReference, RegistryClient } from './types.js';

/** One blob of an image to push, opened only when it has to be uploaded. */
export interface PushBlobSource {
  digest: string;
  size: number;
  open(): Readable;
}

export type PushBlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface PushImageOptions {
  /** A repository of the same registry that may hold the blob: asked to mount it before uploading. */
  mountFrom?: (digest: string) => string | undefined;
  /** Blobs going up at once (default 1): one big layer need not wait behind another on a fast registry. */
  parallel?: number;
  signal?: AbortSignal;
  /** A blob starts going up (`index` into `blobs`). */
  onStart?: (index: number) => void;
  /** Bytes of a blob sent so far. */
  onProgress?: (index: number, bytes: number) => void;
  /** A blob is in the repository: found there, mounted or uploaded. */
  onBlob?: (index: number, outcome: PushBlobOutcome) => void;
  /** Every blob is in; the manifest goes next. */
  onManifest?: () => void;
}

export interface PushedImage {
  /** The manifest's digest. */
  digest: string;
  /** Per blob, in the order given. */
  outcomes: PushBlobOutcome[];
}

/**
 * Pushes an image: its blobs (layers and config) first — each skipped when the repository has
 * it, mounted when another repository of the registry does, uploaded else — then the manifest
 * under the reference's tag. The manifest goes last, so a push that fails or is cancelled
 * halfway leaves the tag as it was.
 */
export async function pushImage(
  client: RegistryClient,
  ref: ImageReference,
  image: { blobs: readonly PushBlobSource[]; manifest: { mediaType: string; bytes: Buffer } },
  options: PushImageOptions = {},
): Promise<PushedImage> {
  const { blobs, manifest } = image;
  // One blob failing stops the others: a failed push should not go on uploading in the background.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const outcomes: PushBlobOutcome[] = new Array(blobs.length);
  let next = 0;
  const worker = async () => {
    while (next < blobs.length && !signal.aborted) {
      const i = next++;
      const blob = blobs[i]!;
      options.onStart?.(i);
      outcomes[i] = await client.pushBlob(ref, blob, () => Promise.resolve(blob.open()), {
        mountFrom: options.mountFrom?.(blob.digest),
        signal,
        onProgress: options.onProgress && ((bytes) => options.onProgress!(i, bytes)),
      });
      options.onBlob?.(i, outcomes[i]!);
    }
  };
  const parallel = Math.max(1, Math.min(options.parallel ?? 1, blobs.length));
  // Every worker is waited for, so nothing reads a blob after this returns (its source may close);
  // the first failure is the one told, not the others' stops it caused.
  let failure: { reason: unknown } | null = null;
  await Promise.all(Array.from({ length: parallel }, () => worker().catch((e: unknown) => {
    failure ??= { reason: e };
    stop.abort(e);
  })));
  if (failure) throw (failure as { reason: unknown }).reason;
  // Cancelled once the blobs are up: the manifest is not put, the tag stays as it was.
  signal.throwIfAborted();
  options.onManifest?.();
  const digest = await client.pushManifest(ref, manifest.mediaType, manifest.bytes, signal);
  return { digest, outcomes };
}
