/**
 * `peel edit … --push docker://REF`: the export sent to a registry blob by blob — skipped when
 * the repository has it, mounted when the repository the image is named after (same registry)
 * has it, uploaded else — then its OCI manifest under the tag (client: registry-client.ts).
 */
import { Readable } from 'node:stream';
import { readableSink, type ExportResult } from '@peel/engine';
import {
  OCI_MANIFEST, formatReference, isRegistryError, parseReference, pushImage, type ImageReference, type PushBlobSource,
} from '@peel/registry';
import type { CommandContext } from './context.js';
import { CliError, OutputError, UsageError } from './exit-codes.js';
import { humanSize } from './format.js';
import { registryClient } from './registry-client.js';

/**
 * Blobs up to this size go up in one PUT, bigger ones in PATCHes of this size: fewer requests
 * (a 269 MB layer to a loopback docker-registry went up steadier and a little faster in 32 MiB
 * PATCHes than in the client's default 8 MiB); one chunk is held in memory while it goes.
 */
const PUSH_CHUNK_BYTES = 32 * 1024 * 1024;
/** Blobs going up at once, as the server pushes. */
const PARALLEL_BLOBS = 3;

/** Parses `--push docker://REF` (a tag; a digest is the export's own, not chosen). */
export function pushTarget(text: string): ImageReference {
  if (!text.startsWith('docker://')) throw new UsageError(`--push takes docker://HOST/REPOSITORY[:TAG], got ${JSON.stringify(text)}`);
  let ref: ImageReference;
  try {
    ref = parseReference(text);
  } catch (e) {
    throw new UsageError(`--push: ${(e as Error).message}`);
  }
  if (ref.digest) throw new UsageError(`--push names a tag, not a digest (${JSON.stringify(text)}): the digest is the export's own`);
  return ref;
}

/** Pushes the export; returns the manifest's digest. */
export async function pushExport(result: ExportResult, ref: ImageReference, imageTags: readonly string[], ctx: CommandContext): Promise<string> {
  const client = registryClient(ctx.io.env, ctx.io.cwd, { uploadChunkBytes: PUSH_CHUNK_BYTES });
  const target = formatReference(ref);
  const mountFrom = imageTags.map(repositoryOf).find((r) => r && r.registry === ref.registry && r.repository !== ref.repository)?.repository;
  const layers = [...new Map(result.layers.map((l) => [l.blob, l])).values()];
  const blobs: PushBlobSource[] = [
    ...layers.map((l) => ({ digest: l.blob, size: l.size, open: () => layerStream(result, l.blob) })),
    { digest: result.configDigest, size: result.config.length, open: () => Readable.from([result.config]) },
  ];
  const total = blobs.reduce((s, b) => s + b.size, 0);
  const reported = blobs.map(() => 0);
  try {
    ctx.progress.start({ label: `pushing ${target}`, total });
    const { digest, outcomes } = await pushImage(client, ref, { blobs, manifest: { mediaType: OCI_MANIFEST, bytes: result.manifest } }, {
      parallel: PARALLEL_BLOBS,
      mountFrom: () => mountFrom,
      signal: ctx.signal,
      onProgress: (i, bytes) => {
        ctx.progress.add(bytes - reported[i]!);
        reported[i] = bytes;
      },
      onManifest: () => ctx.progress.finish(),
    });
    const counts = { exists: 0, mounted: 0, uploaded: 0 };
    for (const outcome of outcomes) counts[outcome]++;
    if (!ctx.quiet) {
      ctx.io.stderr.write(`pushed ${target}@${digest} (${humanSize(total)}, ${result.mode}): `
        + `${counts.uploaded} blob${counts.uploaded === 1 ? '' : 's'} uploaded, ${counts.mounted} mounted, ${counts.exists} already there\n`);
    }
    return digest;
  } catch (e) {
    if (e instanceof CliError || !isRegistryError(e)) throw e;
    if (e.code === 'ABORTED') throw e;
    // A bad reference is the command line's fault; everything else is the destination refusing or failing.
    if (e.code === 'BAD_REFERENCE') throw new UsageError(`--push: ${e.message}`);
    throw new OutputError(`cannot push ${target}: ${e.message}`, { cause: e });
  } finally {
    client.close();
  }
}

/** The registry and repository an image's tag names, when it is a reference. */
function repositoryOf(tag: string): { registry: string; repository: string } | null {
  try {
    return parseReference(tag);
  } catch {
    return null;
  }
}

/** One layer blob of the export as a stream, written from the store as it is read (backpressure; stops when the reader goes). */
function layerStream(result: ExportResult, blob: string): Readable {
  const { stream, sink } = readableSink();
  result.writeLayer(blob, sink).then(() => void stream.end(), (e: Error) => void stream.destroy(e));
  return stream;
}
