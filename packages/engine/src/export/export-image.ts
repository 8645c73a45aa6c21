import { createHash } from 'node:crypto';
import { EngineError } from '../errors.js';
import { DraftView } from '../draft/view.js';
import type { Draft } from '../draft/types.js';
import type { BlobStore } from '../store/blob-store.js';
import type { ByteSink } from '../tar/writer.js';
import { archiveSize, planArchive, writeArchive, writeLayerBlob, type ArchiveLayer } from './archive-writer.js';
import { buildConfig, describeDraft, imageTime, originalHistory, type ExportMode, type HistoryEntry } from './config.js';
import { buildFlatLayer, planFlatLayer } from './flatten.js';
import type { LayerTar } from './tar-plan.js';
import { OCI_LAYER, OCI_LAYER_GZIP, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { buildChangesLayer } from './new-layer.js';
import { rewriteLayer, type Purge } from './rewrite.js';
import { layerEntries, mergedBase, type ExportSource } from './source.js';
import { qualifyTag } from './tags.js';

export interface ExportOptions {
  mode: ExportMode;
  store: BlobStore;
  /** name:tag of the result; default: the draft's tag, else the image's first tag. */
  tag?: string;
  /** Compression of the layers the export writes (kept layers stay as they are). Default gzip. */
  compression?: OutputCompression;
  /** The image's creation time (and the mtime of what the draft wrote); default the newest time the image records (`imageTime`). */
  created?: Date;
  /** The history step recorded for the new layer (default: a summary of the draft). */
  createdBy?: string;
  comment?: string;
  /** Stops building layers; the promise rejects with ABORTED and new blobs are left for the caller's collector. */
  signal?: AbortSignal;
  /** Bytes of new layer blobs written so far (compressed when gzip), for progress bars. */
  onProgress?: (bytes: number) => void;
}

export interface ExportResult {
  mode: ExportMode;
  tags: string[];
  configDigest: string;
  manifestDigest: string;
  layers: Array<{ blob: string; diffId: string; size: number; mediaType: string; reused: boolean }>;
  /** Exact archive size in bytes. */
  size: number;
  /** Streams the archive (layer blobs are already in the store). */
  write(sink: ByteSink): Promise<void>;
  /** The OCI image manifest (its digest is manifestDigest) and the config it names, as the archive holds them. */
  manifest: Buffer;
  config: Buffer;
  /** Writes one layer blob's bytes (a registry push sends the blobs one by one); returns their count. */
  writeLayer(blob: string, sink: ByteSink): Promise<number>;
}

/**
 * Rebuilds an image with a draft applied, in one of three modes (see the README):
 * append — original layers byte-identical, one new layer with the changes;
 * flatten — one layer holding the edited filesystem;
 * rewrite — every layer without the deleted or replaced paths, plus one layer with the rest.
 */
export async function exportImage(source: ExportSource, draft: Draft, options: ExportOptions): Promise<ExportResult> {
  const created = options.created ?? (await imageTime(source.image.configRaw, source.image.layers.map((_, i) => () => layerEntries(source, i))));
  const mtime = Math.floor(created.getTime() / 1000);
  const compression = options.compression ?? 'gzip';
  const { mode } = options;
  const store = watchedStore(options);
  // An indexed source answers what the draft asks without reading every entry; a flatten walks
  // it a folder at a time (planFlatLayer), letting each go once planned.
  const base = mergedBase(source);
  const view = await base.lookup.settle(() => new DraftView(base.lookup, draft, mtime));
  const changes = await base.lookup.settle(() => view.changes());
  const configKeys = Object.keys(draft.config).sort();
  const tagText = options.tag ?? draft.tag ?? source.image.tags[0];
  let tags;
  try {
    tags = tagText ? [qualifyTag(tagText)] : [];
  } catch (e) {
    throw new EngineError('NOT_AN_IMAGE', (e as Error).message);
  }
  const step = (emptyLayer: boolean): HistoryEntry => ({ created: created.toISOString(), created_by: options.createdBy ?? describeDraft(mode, changes.length, configKeys), comment: options.comment ?? 'made with Peel', ...(emptyLayer ? { empty_layer: true } : {}) });

  const layers: Array<ArchiveLayer & { diffId: string; reused: boolean }> = [];
  const keep = (i: number) => {
    const l = source.image.layers[i];
    return { blob: l.blob, size: l.size, diffId: l.diffId, mediaType: ociLayerType(l.compression, l.mediaType), reused: true };
  };
  const fresh = (b: BuiltLayer) => ({ blob: b.blob, size: b.size, diffId: b.diffId, mediaType: b.mediaType, reused: false });
  let history: HistoryEntry[];

  if (mode === 'flatten') {
    layers.push(await flatLayer(planFlatLayer(view, source, base, mtime), source, options, store, compression));
    history = [{ created: created.toISOString(), created_by: options.createdBy ?? `peel flatten: ${source.image.layers.length} layer${source.image.layers.length === 1 ? '' : 's'} merged into one${changes.length ? `, ${changes.length} change${changes.length === 1 ? '' : 's'} applied` : ''}`, comment: options.comment ?? 'FROM scratch + COPY . . of the edited filesystem' }];
  } else {
    const old = originalHistory(source.image.configRaw);
    if (mode === 'append') {
      // zstd layers cannot be kept (Docker < 23 and umoci < 0.5 refuse them): re-encode as gzip.
      for (let i = 0; i < source.image.layers.length; i++) {
        const r = source.image.layers[i].compression === 'zstd' ? await rewriteLayer(source, i, NOTHING, store, options.signal) : 'unchanged';
        layers.push(r === 'unchanged' ? keep(i) : fresh(r));
      }
    } else {
      const purge = await base.lookup.settle(() => purgeOf(view, changes));
      for (let i = 0; i < source.image.layers.length; i++) {
        const r = await rewriteLayer(source, i, purge, store, options.signal);
        layers.push(r === 'unchanged' ? keep(i) : fresh(r));
      }
    }
    const added = await buildChangesLayer(view, base.lookup, source, store, compression, { whiteouts: mode === 'append', mtime, signal: options.signal });
    if (added) layers.push(fresh(added));
    history = [...old];
    if (added) history.push(step(false));
    else if (changes.length || configKeys.length) history.push(step(true));
  }

  const unchanged = mode === 'append' && changes.length === 0 && configKeys.length === 0 && layers.every((l) => l.reused);
  const config = unchanged ? source.image.configRaw : buildConfig(source.image.configRaw, draft.config, layers.map((l) => l.diffId), history, created);
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const plan = planArchive(layers, config, configDigest, source.image.platform, tags, mtime);
  return {
    mode,
    tags: tags.map((t) => t.full),
    configDigest,
    manifestDigest: plan.manifestDigest,
    layers: layers.map(({ blob, diffId, size, mediaType, reused }) => ({ blob, diffId, size, mediaType, reused })),
    size: archiveSize(plan),
    write: (sink) => writeArchive(plan, store, sink, options.signal),
    manifest: plan.manifest,
    config: plan.config,
    writeLayer: (blob, sink) => writeLayerBlob(plan, store, blob, sink, options.signal),
  };
}

/**
 * The flat layer. Its digest names the blob in the archive, so it must be known before the
 * archive starts. When the layers' tars are plain files, an uncompressed flat layer is never
 * stored: a first pass over the plan only hashes it, and the archive streams the same bytes again
 * from the same plan — no 1 GB write and read back. When any is kept as a compressed blob and an
 * index (store.indexes), a pass inflates it, and inflating costs more than writing the flat layer
 * once and streaming it back from the page cache; compressed layers are always written once, as
 * compressing twice would cost more still.
 */
async function flatLayer(plan: LayerTar, source: ExportSource, options: ExportOptions, store: BlobStore, compression: OutputCompression): Promise<ArchiveLayer & { diffId: string; reused: boolean }> {
  if (compression === 'gzip' || readsInflatedLayers(source, store)) {
    const built = await buildFlatLayer(plan, store, compression, options.signal);
    return { blob: built.blob, size: built.size, diffId: built.diffId, mediaType: built.mediaType, reused: false };
  }
  const hash = createHash('sha256');
  let total = 0;
  const size = await plan.write(store, {
    write: (c) => {
      hash.update(c);
      total += c.length;
      options.onProgress?.(total);
      return Promise.resolve();
    },
  }, { signal: options.signal, consumes: true });
  const digest = `sha256:${hash.digest('hex')}`;
  return { blob: digest, size, diffId: digest, mediaType: OCI_LAYER, reused: false, plan };
}

/** True when some layer tar of `source` is read by inflating its gzip blob (an indexed store). */
function readsInflatedLayers(source: ExportSource, store: BlobStore): boolean {
  return store.indexes !== null && source.image.layers.some((l) => l.compression === 'gzip' && l.tarBlob !== l.blob);
}

const NOTHING: Purge = { trees: [], exact: new Set() };

/** Deleted paths go from every layer with their trees; replaced files lose their older copies. */
function purgeOf(view: DraftView, changes: ReturnType<DraftView['changes']>): Purge {
  // A folder deleted and made again is stripped whole: the new layer writes all it now holds.
  const trees = changes.filter((c) => (c.kind === 'deleted' && !c.moved) || c.replacesTree).map((c) => c.path);
  const exact = new Set(changes.filter((c) => c.kind === 'modified' && c.type !== 'dir').map((c) => c.path));
  for (const p of view.purged) if (!view.get(p)) trees.push(p);
  return { trees: [...new Set(trees)], exact };
}

/** Media types inside an OCI manifest must be OCI ones: map Docker's by what the bytes are. */
function ociLayerType(compression: string, original: string): string {
  if (original.startsWith('application/vnd.oci.')) return original;
  return compression === 'gzip' ? OCI_LAYER_GZIP : OCI_LAYER;
}

/**
 * The store as the layer builders see it: every write reports progress and checks the signal,
 * so a long flatten stops promptly when its client goes away.
 */
function watchedStore(options: ExportOptions): BlobStore {
  const { store, signal, onProgress } = options;
  if (!signal && !onProgress) return store;
  let total = 0;
  return {
    // Layer bytes are still read by position (store/range-reader.ts).
    files: store.files,
    indexes: store.indexes,
    has: (d) => store.has(d),
    size: (d) => store.size(d),
    open: (d, r) => store.open(d, r),
    delete: (d) => store.delete(d),
    create: () => {
      const w = store.create();
      return {
        get bytes() {
          return w.bytes;
        },
        write: (chunk: Buffer) => {
          if (signal?.aborted) return Promise.reject(new EngineError('ABORTED', 'the export was cancelled'));
          total += chunk.length;
          onProgress?.(total);
          return w.write(chunk);
        },
        ...(w.writeSettled ? {
          writeSettled: (chunk: Buffer) => {
            if (signal?.aborted) return Promise.reject(new EngineError('ABORTED', 'the export was cancelled'));
            total += chunk.length;
            onProgress?.(total);
            return w.writeSettled!(chunk);
          },
        } : {}),
        commit: () => w.commit(),
        abort: () => w.abort(),
      };
    },
  };
}
