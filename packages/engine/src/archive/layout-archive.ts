import { EngineError } from '../errors.js';
import { ZERO_BLOCK } from '../tar/fields.js';
import { encodeHeader } from '../tar/header-encode.js';
import { digestHex } from '../store/blob-store.js';
import type { Platform } from '../types.js';
import { MT } from './media-types.js';

/** A blob of the image, opened only when the archive reaches it. */
export interface LayoutBlob {
  digest: string;
  size: number;
  open(): Promise<AsyncIterable<Buffer> | Iterable<Buffer>>;
}

export interface LayoutImage {
  /** The image manifest's exact bytes (its digest is of these). */
  manifest: { mediaType: string; digest: string; bytes: Buffer };
  /** The config first, then the layers, as the manifest lists them. */
  blobs: LayoutBlob[];
  platform?: Platform;
  /** `registry/repository:tag`: the image's name in the layout (index.json's annotations). */
  name?: string;
}

/**
 * One image as an OCI image layout tar — oci-layout, index.json, then blobs/sha256/… with the
 * manifest before the config and the layers — streamed: each blob is opened when the archive
 * reaches it and its bytes pass straight through. What an upload of the same image as an OCI
 * archive would be, so an image read from anywhere blob by blob (a registry) goes through the
 * same one-pass ingest. The bytes depend only on the image (no clock), so the same image
 * makes the same archive.
 */
export async function* layoutArchive(image: LayoutImage): AsyncGenerator<Buffer> {
  const tag = image.name ? refName(image.name) : null;
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [{
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.bytes.length,
      ...(image.platform ? { platform: image.platform } : {}),
      ...(image.name ? { annotations: { 'io.containerd.image.name': image.name, ...(tag ? { 'org.opencontainers.image.ref.name': tag } : {}) } } : {}),
    }],
  }));
  yield* file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  yield* file('index.json', index);
  yield header('blobs/', 'dir', 0);
  yield header('blobs/sha256/', 'dir', 0);
  yield* file(blobPath(image.manifest.digest), image.manifest.bytes);
  const seen = new Set<string>([image.manifest.digest]);
  for (const blob of image.blobs) {
    if (seen.has(blob.digest)) continue;
    seen.add(blob.digest);
    yield header(blobPath(blob.digest), 'file', blob.size);
    let got = 0;
    for await (const chunk of await blob.open()) {
      got += chunk.length;
      if (got > blob.size) throw sizeMismatch(blob, got, 'more than');
      yield chunk;
    }
    if (got !== blob.size) throw sizeMismatch(blob, got, 'only');
    yield* padding(blob.size);
  }
  yield ZERO_BLOCK.subarray(0, 1024);
}

function header(name: string, type: 'file' | 'dir', size: number): Buffer {
  return encodeHeader({ name, type, size, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 0 });
}

function* file(name: string, data: Buffer): Generator<Buffer> {
  yield header(name, 'file', data.length);
  yield data;
  yield* padding(data.length);
}

function* padding(size: number): Generator<Buffer> {
  if (size % 512) yield ZERO_BLOCK.subarray(0, 512 - (size % 512));
}

const blobPath = (digest: string) => `blobs/sha256/${digestHex(digest)}`;

/** The tag of `host/repo:tag` (a digest reference has none). */
function refName(name: string): string | null {
  const m = /:([\w][\w.-]{0,127})$/.exec(name.replace(/@.*$/, ''));
  return m ? m[1] : null;
}

function sizeMismatch(blob: LayoutBlob, got: number, how: string): EngineError {
  return new EngineError('SIZE_MISMATCH', `blob ${blob.digest} should have ${blob.size} bytes but ${how} ${got} came`, { subject: blob.digest });
}
