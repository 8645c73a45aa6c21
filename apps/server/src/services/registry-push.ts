import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RegistryPushJob, RegistryPushRequest } from '@peel/api';
import { readableSink } from '@peel/engine';
import {
  OCI_MANIFEST, formatReference, parseReference, pushImage,
  type ImageReference, type PushBlobSource, type RegistryClient,
} from '@peel/registry';
import { badRequest } from '../errors.js';
import { BackgroundJobs } from './background-jobs.js';
import { toApiError } from '../registry/errors.js';
import type { ExportService, PreparedExport } from './export.js';
import type { ImagesService } from './images.js';

/** Blobs going up at once: one big layer need not wait behind another on a fast registry. */
const PARALLEL_BLOBS = 3;

/**
 * Pushing an export to a registry: the export is built as for the archive download (the same
 * layers, config and OCI manifest, so the same digest), then pushed by the registry client's
 * pushImage (each blob skipped, mounted or uploaded; the manifest last, so a push that fails or
 * is cancelled leaves the tag as it was).
 */
export class RegistryPushJobs {
  private readonly jobs: BackgroundJobs<RegistryPushJob, void>;
  /** Per registry, the repositories known to hold a blob (pushed there by this server): where to mount it from. */
  private readonly holders = new Map<string, Map<string, string>>();

  constructor(
    private readonly exports: ExportService,
    private readonly images: ImagesService,
    private readonly client: RegistryClient,
    logFailure: (err: unknown, message: string) => void,
  ) {
    this.jobs = new BackgroundJobs({
      noun: 'push job',
      maxRunning: 4,
      busyCode: 'TOO_MANY_PUSHES',
      busyMessage: (n) => `${n} pushes are running already; wait for one to finish`,
      cancelledMessage: 'the push was cancelled',
      succeeded: (view) => {
        view.state = 'done';
      },
      toApiError,
      logInternal: (err, view) => logFailure(err, `pushing to ${view.ref} failed`),
    });
  }

  /** Checks the request (reference, image), then starts the job in the background. */
  async start(imageId: string, req: RegistryPushRequest): Promise<RegistryPushJob> {
    const ref = pushTarget(req.ref);
    const image = await this.images.require(imageId);
    const view: RegistryPushJob = {
      id: randomUUID(), ref: formatReference(ref), mode: req.mode, state: 'building',
      pushed: 0, total: 0, blobs: [], digest: null, mediaType: null, error: null,
    };
    return this.jobs.start(view, (signal) => this.run(view, ref, imageId, image.tags, req, signal)).view;
  }

  get(id: string): RegistryPushJob {
    return this.jobs.get(id);
  }

  cancel(id: string): RegistryPushJob {
    return this.jobs.cancel(id);
  }

  /** Cancels every push in flight and waits for them (server shutdown). */
  cancelAll(): Promise<void> {
    return this.jobs.cancelAll();
  }

  private async run(view: RegistryPushJob, ref: ImageReference, imageId: string, imageTags: string[], req: RegistryPushRequest, signal: AbortSignal): Promise<void> {
    const prepared = await this.exports.build(imageId, { mode: req.mode, compression: req.compression }, { signal });
    try {
      const { result } = prepared;
      const layers = [...new Map(result.layers.map((l) => [l.blob, l])).values()];
      const blobs: PushBlobSource[] = [
        ...layers.map((l) => ({ digest: l.blob, size: l.size, open: () => layerStream(prepared, l.blob) })),
        { digest: result.configDigest, size: result.config.length, open: () => Readable.from([result.config]) },
      ];
      view.blobs = blobs.map((b, i) => ({ digest: b.digest, size: b.size, kind: i < layers.length ? 'layer' : 'config', state: 'waiting', pushed: 0 }));
      view.total = blobs.reduce((sum, b) => sum + b.size, 0);
      view.state = 'pushing';
      const sources = this.mountSources(ref, imageTags);
      const held = this.holders.get(ref.registry);
      const sum = () => {
        view.pushed = view.blobs.reduce((s, b) => s + b.pushed, 0);
      };
      const { digest } = await pushImage(this.client, ref, { blobs, manifest: { mediaType: OCI_MANIFEST, bytes: result.manifest } }, {
        parallel: PARALLEL_BLOBS,
        mountFrom: (blob) => held?.get(blob) ?? sources[0],
        signal,
        onStart: (i) => {
          view.blobs[i]!.state = 'sending';
        },
        onProgress: (i, bytes) => {
          view.blobs[i]!.pushed = bytes;
          sum();
        },
        onBlob: (i, outcome) => {
          const blob = view.blobs[i]!;
          blob.state = outcome;
          blob.pushed = blob.size;
          sum();
        },
        onManifest: () => {
          view.state = 'manifest';
        },
      });
      view.digest = digest;
      view.mediaType = OCI_MANIFEST;
      const holders = held ?? new Map<string, string>();
      for (const b of blobs) holders.set(b.digest, ref.repository);
      this.holders.set(ref.registry, holders);
    } finally {
      await prepared.finish();
    }
  }

  /** Repositories of the destination's registry the image is named after (where it was opened from): mount sources. */
  private mountSources(ref: ImageReference, tags: string[]): string[] {
    const out: string[] = [];
    for (const tag of tags) {
      try {
        const named = parseReference(tag);
        if (named.registry === ref.registry && named.repository !== ref.repository) out.push(named.repository);
      } catch {
        // A tag that is not a reference names no repository.
      }
    }
    return out;
  }
}

/** Where to push: a reference with a tag (a digest cannot be chosen: it is the export's). */
function pushTarget(text: string): ImageReference {
  let ref: ImageReference;
  try {
    ref = parseReference(text);
  } catch (e) {
    throw toApiError(e);
  }
  if (ref.digest) throw badRequest('BAD_REFERENCE', `push to a tag, not a digest (${JSON.stringify(text)}): the digest is the export's own`);
  return ref;
}

/** One layer blob of the export as a stream (built from the store, with backpressure). */
function layerStream(prepared: PreparedExport, blob: string): Readable {
  const { stream, sink } = readableSink();
  prepared.result.writeLayer(blob, sink).then(() => void stream.end(), (e: Error) => void stream.destroy(e));
  return stream;
}
