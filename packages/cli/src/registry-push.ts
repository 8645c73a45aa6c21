/**
 * `peel edit … --push docker://REF`: the export sent to a registry blob by blob — skipped when
 * the repository has it, mounted when the repository the image is named after (same registry)
 * has it, uploaded else — then its OCI manifest under the tag. Credentials come from the Docker
 * config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json); PEEL_REGISTRY_CA names a
 * private CA, PEEL_REGISTRY_INSECURE the registries spoken to over plain HTTP (loopback always).
 */
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import type { ExportResult } from '@peel/engine';
import {
  OCI_MANIFEST, createRegistryClient, dockerConfigCredentials, formatReference, isRegistryError, parseReference, type ImageReference,
} from '@peel/registry';
import type { CommandContext } from './context.js';
import { CliError, EXIT, InputError, OutputError, UsageError } from './exit-codes.js';
import { humanSize } from './format.js';
import { resolveFrom } from './image-source.js';

/**
 * Blobs up to this size go up in one PUT, bigger ones in PATCHes of this size: fewer requests
 * (a 269 MB layer to a loopback docker-registry went up steadier and a little faster in 32 MiB
 * PATCHes than in the client's default 8 MiB); one chunk is held in memory while it goes.
 */
const PUSH_CHUNK_BYTES = 32 * 1024 * 1024;

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
  const env = ctx.io.env;
  const client = createRegistryClient({
    credentials: configCredentials(env),
    insecure: (env.PEEL_REGISTRY_INSECURE ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    uploadChunkBytes: PUSH_CHUNK_BYTES,
    ca: env.PEEL_REGISTRY_CA ? readCa(resolveFrom(ctx.io.cwd, env.PEEL_REGISTRY_CA)) : undefined,
  });
  const target = formatReference(ref);
  const mountFrom = imageTags.map(repositoryOf).find((r) => r && r.registry === ref.registry && r.repository !== ref.repository)?.repository;
  const layers = [...new Map(result.layers.map((l) => [l.blob, l])).values()];
  const blobs = [
    ...layers.map((l) => ({ digest: l.blob, size: l.size, open: () => layerStream(result, l.blob) })),
    { digest: result.configDigest, size: result.config.length, open: () => Readable.from([result.config]) },
  ];
  const counts = { exists: 0, mounted: 0, uploaded: 0 };
  try {
    ctx.progress.start({ label: `pushing ${target}`, total: blobs.reduce((s, b) => s + b.size, 0) });
    for (const blob of blobs) {
      let reported = 0;
      const outcome = await client.pushBlob(ref, blob, () => Promise.resolve(blob.open()), {
        mountFrom,
        signal: ctx.signal,
        onProgress: (bytes) => {
          ctx.progress.add(bytes - reported);
          reported = bytes;
        },
      });
      counts[outcome]++;
    }
    ctx.progress.finish();
    const digest = await client.pushManifest(ref, OCI_MANIFEST, result.manifest, ctx.signal);
    if (!ctx.quiet) {
      ctx.io.stderr.write(`pushed ${target}@${digest} (${humanSize(blobs.reduce((s, b) => s + b.size, 0))}, ${result.mode}): `
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

function configCredentials(env: Record<string, string | undefined>) {
  try {
    return dockerConfigCredentials({ env });
  } catch (e) {
    throw new InputError((e as Error).message, { cause: e });
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(EXIT.input, `PEEL_REGISTRY_CA: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
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
  const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
  const gone = () => new Error('the push stopped reading the layer');
  result.writeLayer(blob, {
    write: (chunk) => {
      if (stream.destroyed) return Promise.reject(gone());
      if (stream.write(chunk)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const drained = () => { stream.off('close', closed); resolve(); };
        const closed = () => { stream.off('drain', drained); reject(gone()); };
        stream.once('drain', drained);
        stream.once('close', closed);
      });
    },
  }).then(() => void stream.end(), (e: Error) => void stream.destroy(e));
  return stream;
}
