import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ImageSummary, RegistryLayerProgress, RegistryOpenJob } from '@peel/api';
import { layoutArchive, type BlobStore, type LayoutBlob } from '@peel/engine';
import { formatPlatform, formatReference, type Descriptor, type ImageReference } from '@peel/registry';
import type { IngestService } from '../services/ingest.js';
import { ApiError, notFound } from '../errors.js';
import { BackgroundJobs, type BackgroundJob } from '../services/background-jobs.js';
import { toApiError } from './errors.js';
import { parseConfig, platformOf, type RegistryService } from './service.js';

type Opened = { summary: ImageSummary; created: boolean };
export type RegistryOpenJobHandle = BackgroundJob<RegistryOpenJob, Opened>;

/**
 * Opening an image from a registry is an upload the server makes to itself: the image manifest,
 * its config and each layer blob, in that order, make an OCI layout archive (layoutArchive) that
 * streams into the same one-pass ingest as an upload, so the image is stored, verified and
 * indexed exactly like an uploaded one. Each layer's bytes pass through a counter the UI polls.
 * A blob the store holds already (same digest) is read from the store instead of the registry.
 */
export class RegistryOpenJobs {
  private readonly jobs: BackgroundJobs<RegistryOpenJob, Opened>;

  constructor(
    private readonly registry: RegistryService,
    private readonly ingest: IngestService,
    private readonly store: BlobStore,
    logFailure: (err: unknown, message: string) => void,
  ) {
    this.jobs = new BackgroundJobs({
      noun: 'open-from-registry job',
      maxRunning: 4,
      busyCode: 'TOO_MANY_OPENS',
      busyMessage: (n) => `${n} images are being opened from registries already; wait for one to finish`,
      cancelledMessage: 'the open was cancelled',
      succeeded: (view, result) => {
        view.state = 'done';
        view.image = result.summary;
      },
      toApiError,
      logInternal: (err, view) => logFailure(err, `opening ${view.ref} from its registry failed`),
    });
  }

  /** Starts a job; resolves once the manifest is read (the layers are then listed) or the job failed. */
  async start(refText: string, platformText?: string): Promise<RegistryOpenJobHandle> {
    const ref = this.registry.parse(refText);
    const platform = platformText ? platformOf(platformText) : undefined;
    const view: RegistryOpenJob = { id: randomUUID(), ref: formatReference(ref), state: 'resolving', digest: null, platform: null, layers: [], image: null, error: null };
    let resolved = () => {};
    const known = new Promise<void>((resolve) => (resolved = resolve));
    const job = this.jobs.start(view, (signal) => this.run(view, ref, platform, signal, resolved));
    await Promise.race([known, job.done.catch(() => {})]);
    return job;
  }

  get(id: string): RegistryOpenJob {
    return this.jobs.get(id);
  }

  /**
   * Layer `n` of a job, once its entries are stored: what a listing of its folders needs. 409
   * before that, and once the job failed or was cancelled (what it stored is being removed).
   */
  indexedLayer(id: string, n: number): { layerDigest: string; layerIndex: number } {
    const { view, abort } = this.jobs.job(id);
    // A cancel answers before the job has wound down: its layers go from the moment it is asked for.
    if (abort.signal.aborted || view.state === 'cancelled') throw new ApiError(409, 'OPEN_ENDED', `the open of ${view.ref} was cancelled: nothing of it is kept`);
    if (view.state === 'failed') throw new ApiError(409, 'OPEN_ENDED', `the open of ${view.ref} failed: nothing of it is kept`);
    const layer = view.layers[n];
    if (!layer) throw notFound(view.state === 'resolving' ? `the open of ${view.ref} is still reading the manifest: its layers are not known yet` : `the open of ${view.ref} has no layer ${n} (${view.layers.length} layers)`);
    if (!layer.indexed) throw new ApiError(409, 'LAYER_NOT_INDEXED', `layer ${n} of ${view.ref} is not indexed yet (${layer.loaded} of ${layer.size} bytes read); poll the job until its \`indexed\` is true`);
    return { layerDigest: layer.digest, layerIndex: n };
  }

  cancel(id: string): RegistryOpenJob {
    return this.jobs.cancel(id);
  }

  /** Cancels every job in flight (server shutdown). */
  cancelAll(): Promise<void> {
    return this.jobs.cancelAll();
  }

  private async run(view: RegistryOpenJob, ref: ImageReference, platform: ReturnType<typeof platformOf> | undefined, signal: AbortSignal, resolved: () => void): Promise<{ summary: ImageSummary; created: boolean }> {
    const client = this.registry.client;
    const manifest = await client.resolveImage(ref, platform, signal);
    if (!manifest.image) throw new ApiError(502, 'REGISTRY_ERROR', `${view.ref} resolved to a ${manifest.mediaType}, not an image manifest`);
    const { config, layers } = manifest.image;
    const unsupported = [config, ...layers].find((d) => !d.digest.startsWith('sha256:'));
    if (unsupported) throw new ApiError(502, 'REGISTRY_ERROR', `${view.ref} names blob ${unsupported.digest.slice(0, 20)}…: only sha256 digests can be stored`);
    const configBytes = await this.registry.readConfig(ref, config, signal);
    const configPlatform = parseConfig(configBytes, config.digest).platform;
    view.digest = manifest.digest;
    view.platform = formatPlatform(configPlatform);
    view.layers = layers.map((l) => ({ digest: l.digest, size: l.size, loaded: 0, state: 'waiting', indexed: false, diffId: null }));
    view.state = 'fetching';
    resolved();
    const blobs: LayoutBlob[] = [
      { digest: config.digest, size: config.size, open: async () => [configBytes] },
      ...layers.map((l, i) => ({ digest: l.digest, size: l.size, open: () => this.openLayer(ref, l, view.layers[i], signal) })),
    ];
    const archive = layoutArchive({
      manifest: { mediaType: manifest.mediaType, digest: manifest.digest, bytes: manifest.bytes },
      blobs,
      platform: configPlatform,
      // By tag: the image carries the reference as its name; by digest it has none.
      name: ref.tag ? formatReference({ ...ref, digest: null }) : undefined,
    });
    const body = Readable.from(afterLast(archive, () => {
      if (view.state === 'fetching') view.state = 'indexing';
    }), { objectMode: false });
    return this.ingest.ingest({ body, name: view.ref, signal, onLayerIndexed: (indexed) => markIndexed(view, indexed) });
  }

  /** A layer's bytes from the store when it holds them, else from the registry; counted either way. */
  private async openLayer(ref: ImageReference, layer: Descriptor, progress: RegistryLayerProgress, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const stored = await this.store.has(layer.digest);
    progress.state = stored ? 'stored' : 'fetching';
    const source = stored ? this.store.open(layer.digest) : await this.registry.client.blob(ref, layer, signal);
    return counted(source, progress);
  }
}

/** Every layer of the job with this blob digest (an image may list one layer twice) is browsable. */
function markIndexed(view: RegistryOpenJob, indexed: { digest: string; diffId: string }): void {
  for (const layer of view.layers) {
    if (layer.digest !== indexed.digest) continue;
    layer.indexed = true;
    layer.diffId = indexed.diffId;
  }
}

async function* counted(source: AsyncIterable<Buffer>, progress: RegistryLayerProgress): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    progress.loaded += chunk.length;
    yield chunk;
  }
  // A layer read from the store stays `stored`: it was not downloaded.
  if (progress.state === 'fetching') progress.state = 'done';
}

/** The archive's bytes, then `last()` once they have all been handed on. */
async function* afterLast(source: AsyncIterable<Buffer>, last: () => void): AsyncGenerator<Buffer> {
  yield* source;
  last();
}

