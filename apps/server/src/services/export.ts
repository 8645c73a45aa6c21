import type { PassThrough } from 'node:stream';
import type { ExportCompression, ExportMode, ImageSummary } from '@peel/api';
import { archiveFileName, exportImage, isEngineError, joinPath, parentOf, qualifyTag, readableSink, type BlobStore, type ExportResult } from '@peel/engine';
import type { Store } from '../store/index.js';
import { ApiError, badRequest } from '../errors.js';
import { draftOf, viewOf, type DraftContext, type DraftLoader } from './draft-context.js';
import { resultTag } from './draft-state.js';
import { exportSource } from './export-source.js';
import { trackCommits } from './tracked-store.js';
import type { BlobCollector } from './blob-collector.js';
import type { IngestService } from './ingest.js';

export interface ExportRequest {
  mode: ExportMode;
  /** name:tag of the result; default: the draft's resultTag (see draft-state.ts). */
  tag?: string;
  compression?: ExportCompression;
}

/** An export whose new layers are in the store: stream it, then call `finish`. */
export interface PreparedExport {
  result: ExportResult;
  fileName: string;
  /** Streams the archive into a Readable (backpressure; fails if the reader goes away). */
  open(): { stream: PassThrough; done: Promise<void> };
  /** Lets the blob collector have the new layers back (call once, after streaming). */
  finish(): Promise<void>;
}

/**
 * Exports an image with its draft applied. The engine writes the new layer blobs into the store
 * first (bounded memory), guarded from the blob collector until `finish`; the archive itself is
 * streamed from the store and never written to disk. No clock: the same draft and request give
 * the same bytes.
 */
export class ExportService {
  constructor(
    private readonly index: Store,
    private readonly store: BlobStore,
    private readonly loader: DraftLoader,
    private readonly collector: BlobCollector,
    private readonly ingest: IngestService,
    /** Every export's created time (SOURCE_DATE_EPOCH); without it the engine takes the image's own. */
    private readonly created?: Date,
  ) {}

  /** `signal`: the client went away; layer building stops and what it wrote is given back. */
  async build(id: string, req: ExportRequest, opts: { signal?: AbortSignal } = {}): Promise<PreparedExport> {
    const ctx = await this.loader.load(id);
    const tag = req.tag?.trim() || resultTag(ctx);
    try {
      qualifyTag(tag);
    } catch (e) {
      throw badRequest('BAD_TAG', (e as Error).message);
    }
    const done = await this.collector.begin();
    const tracked = trackCommits(this.store);
    let result: ExportResult;
    try {
      if (req.mode !== 'flatten') await warmForChangesLayer(ctx);
      result = await exportImage(exportSource(this.index, ctx), draftOf(ctx), {
        mode: req.mode, store: tracked.store, tag, compression: req.compression, signal: opts.signal, created: this.created,
      });
    } catch (e) {
      await this.collector.release(tracked.committed);
      await done();
      if (isEngineError(e)) throw new ApiError(400, 'EXPORT_FAILED', e.message);
      throw e;
    }
    let finished: Promise<void> | null = null;
    return {
      result,
      fileName: archiveFileName(tag),
      open: () => {
        const { stream, sink } = readableSink();
        const written = result.write(sink).then(() => void stream.end(), (e: Error) => void stream.destroy(e));
        return { stream, done: written };
      },
      finish: () => (finished ??= (async () => {
        await this.collector.release(tracked.committed);
        await done();
      })()),
    };
  }

  /** Stores the export as a new image, as if its archive had been uploaded. */
  async save(id: string, req: ExportRequest, signal: AbortSignal = new AbortController().signal): Promise<{ summary: ImageSummary; created: boolean }> {
    const prepared = await this.build(id, req, { signal });
    const { stream, done } = prepared.open();
    try {
      return await this.ingest.ingest({ body: stream, name: prepared.fileName, contentLength: prepared.result.size, signal });
    } finally {
      stream.destroy();
      await done;
      await prepared.finish();
    }
  }
}

/**
 * The layer of an append's (and a rewrite's) changes is planned from the draft's lookup in one
 * synchronous pass, which the engine runs again for each answer not loaded yet: what it will ask
 * is loaded first (the changes, what a moved folder holds, the parents of what changed). A moved
 * folder is walked a level at a time, the level's listings fetched together: each listing not
 * loaded yet reruns only its own lookup, not the walk so far.
 */
async function warmForChangesLayer(ctx: DraftContext): Promise<void> {
  const { view, level } = await ctx.lookup.settle(() => {
    const view = viewOf(ctx);
    const trees: string[] = [];
    for (const change of view.changes()) {
      if (change.kind === 'deleted') continue;
      view.get(change.path);
      if (change.tree) trees.push(change.path);
      for (let p = parentOf(change.path); p !== ''; p = parentOf(p)) view.get(p);
      view.isHidden(joinPath(change.path, '_'));
    }
    return { view, level: trees };
  });
  for (let dirs = level; dirs.length > 0; ) {
    const listings = await Promise.all(dirs.map((dir) => ctx.lookup.settle(() => view.children(dir))));
    dirs = listings.flat().flatMap((c) => (c.type === 'dir' ? [c.path] : []));
  }
}
