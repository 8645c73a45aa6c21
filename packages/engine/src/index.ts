/**
 * @peel/engine: reads container image archives (docker save, OCI layouts, containerd exports),
 * indexes every layer's tar, merges and diffs layers with overlay semantics, reads file bytes back
 * by offset, and writes rebuilt archives. Pure: no HTTP, no UI, no database.
 */
export * from './types.js';
export * from './errors.js';
export { FsBlobStore, digestHex, type BlobStore, type BlobFiles, type BlobReader, type BlobIndexes, type BlobWriter } from './store/blob-store.js';
export { formatBytes } from './archive/scan-errors.js';
export { openImageArchive, hostPlatform, DEFAULT_LIMITS, type ImageArchive, type OpenOptions } from './archive/open.js';
export { layoutArchive, type LayoutImage, type LayoutBlob } from './archive/layout-archive.js';
export { mergeLayers, MergedFs, impliedDir, nodeSize, type ContentRef, type FsNode, type ShadowedNode } from './fs/merge.js';
export { layerChanges, type LayerChange } from './fs/changes.js';
export { openEntryContent, resolvePath } from './fs/content.js';
export { normalizePath, parentOf, baseName, joinPath, type NormalizedPath } from './layer/normalize.js';
export { resolveLinks, MAX_LINK_HOPS, type LinkStep, type LinkResolution, type ResolveOptions } from './fs/resolve-links.js';
export { DraftView, fromBase, type FsLookup } from './draft/view.js';
export { emptyDraft, type Draft, type DraftOp, type DraftNode, type DraftChange, type DraftSource } from './draft/types.js';
export { exportImage, type ExportOptions, type ExportResult } from './export/export-image.js';
export { scratchSource, type ExportIndex, type ExportImage, type ExportSource, type InMemorySource, type IndexedSource, type LoadingFsLookup } from './export/source.js';
export { archiveFileName, qualifyTag } from './export/tags.js';
export type { ExportMode } from './export/config.js';
export { TarParser, TarWriter, decodeName, encodeName, type TarHeader, type TarWriteHeader, type ByteSink, readableSink } from './tar/index.js';
export * from './findings/index.js';
export { comparePaths, isBelow } from './fs/path-order.js';
export { ExternalSort, type ExternalSortOptions } from './fs/external-sort.js';
export { SortedRuns, sortedRecords, type LayerRecord, type EntryRecord, type BelowRecord, type SortedRunsOptions } from './fs/sorted-runs.js';
export { StreamMerge, mergeSourceOf, type MergeItem, type MergeLayerSource } from './fs/stream-merge.js';
export * from './compare/index.js';
export * from './packages/index.js';
