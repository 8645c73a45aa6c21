/**
 * `docker://REF`: an image read straight from a registry. The manifest, config and layer blobs
 * make an OCI layout archive (the engine's layoutArchive) that streams through the same
 * one-pass open as a file; a blob the store holds already (`--store`) is read from it instead.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { layoutArchive, openImageArchive, type BlobStore, type ImageArchive, type LayoutBlob } from '@peel/engine';
import {
  createRegistryClient, dockerConfigCredentials, formatReference, isRegistryError, parsePlatform, parseReference,
  type Descriptor, type ImageReference, type RegistryClient,
} from '@peel/registry';
import { InputError, UsageError } from './exit-codes.js';
import type { Progress } from './progress.js';

export const REGISTRY_PREFIX = 'docker://';

/** An image config is JSON: bounded as the engine bounds an archive's JSON files. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface RegistryOpenOptions {
  store: BlobStore;
  /** DOCKER_CONFIG / HOME (credentials), PEEL_REGISTRY_CA, PEEL_REGISTRY_INSECURE. */
  env: Record<string, string | undefined>;
  platform?: string;
  progress: Progress;
  signal?: AbortSignal;
}

/** Opens `docker://REF`; a malformed reference is a usage error, a registry's failure bad input. */
export async function openFromRegistry(source: string, o: RegistryOpenOptions): Promise<ImageArchive> {
  const ref = parse(source);
  const platform = o.platform === undefined ? undefined : parsePlatform(o.platform);
  if (platform === null) throw new UsageError(`--platform ${JSON.stringify(o.platform)} is not os/arch[/variant]`);
  try {
    const client = connect(o.env);
    const manifest = await client.resolveImage(ref, platform, o.signal);
    if (!manifest.image) throw new InputError(`${source}: ${manifest.mediaType} is not an image manifest`);
    const { config, layers } = manifest.image;
    const configBytes = await readConfig(client, ref, config, o.signal);
    const blobs: LayoutBlob[] = [
      { digest: config.digest, size: config.size, open: async () => [configBytes] },
      ...layers.map((l) => ({ digest: l.digest, size: l.size, open: () => openLayer(client, ref, l, o) })),
    ];
    o.progress.start({ label: `reading ${formatReference(ref)}`, total: config.size + layers.reduce((s, l) => s + l.size, 0) });
    const archive = layoutArchive({
      manifest: { mediaType: manifest.mediaType, digest: manifest.digest, bytes: manifest.bytes },
      blobs,
      name: ref.tag ? formatReference({ ...ref, digest: null }) : undefined,
    });
    let read = 0;
    return await openImageArchive(Readable.from(counted(archive, (n) => o.progress.set((read += n)))), o.store, { signal: o.signal });
  } catch (e) {
    if (isRegistryError(e)) throw new InputError(`${source}: ${e.message} [${e.code}]`, { cause: e });
    throw e;
  } finally {
    o.progress.finish();
  }
}

function parse(source: string): ImageReference {
  try {
    return parseReference(source);
  } catch (e) {
    if (isRegistryError(e)) throw new UsageError(e.message);
    throw e;
  }
}

/** A client with the user's Docker config credentials, PEEL_REGISTRY_CA and PEEL_REGISTRY_INSECURE. */
export function connect(env: Record<string, string | undefined>): RegistryClient {
  const caFile = env.PEEL_REGISTRY_CA;
  let ca: Buffer | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile);
    } catch (e) {
      throw new InputError(`PEEL_REGISTRY_CA: cannot read ${caFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const insecure = (env.PEEL_REGISTRY_INSECURE ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return createRegistryClient({ credentials: dockerConfigCredentials({ env: env as NodeJS.ProcessEnv }), insecure, ca });
}

async function readConfig(client: RegistryClient, ref: ImageReference, config: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  if (config.size > MAX_CONFIG_BYTES) throw new InputError(`the image config ${config.digest} is ${config.size} bytes, over the limit of ${MAX_CONFIG_BYTES}`);
  const chunks: Buffer[] = [];
  for await (const c of await client.blob(ref, config, signal)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function openLayer(client: RegistryClient, ref: ImageReference, layer: Descriptor, o: RegistryOpenOptions): Promise<AsyncIterable<Buffer>> {
  if (await o.store.has(layer.digest)) return o.store.open(layer.digest);
  return client.blob(ref, layer, o.signal);
}

async function* counted(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}
