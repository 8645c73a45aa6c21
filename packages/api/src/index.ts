/**
 * The HTTP API contract of Peel. The server implements it, the web UI consumes it; neither
 * imports the other. Keep it stable: extend, never break.
 *
 * Every type here is derived from a JSON Schema in `./schemas` (`@peel/api/schemas`): the server
 * validates and documents the API with those schemas, so a type cannot say one thing and the
 * server another. This module imports them as types only, so the web bundle carries no schema.
 *
 * All paths inside images are absolute (`/etc/os-release`). Layers are numbered from 0 (the base
 * layer) in the order they apply. Errors are `ApiError` with a 4xx/5xx status.
 */

import type { Static } from '@sinclair/typebox';
import type * as S from './schemas/index.js';

export type EntryType = Static<typeof S.entryTypeSchema>;
export type ChangeKind = Static<typeof S.changeKindSchema>;
export type Platform = Static<typeof S.platformSchema>;
export type PlatformChoice = Static<typeof S.platformChoiceSchema>;
/** `GET /api/images` items, and the reply of `POST /api/images`. */
export type ImageSummary = Static<typeof S.imageSummarySchema>;
export type LayerInfo = Static<typeof S.layerInfoSchema>;
export type HistoryStep = Static<typeof S.historyStepSchema>;
export type Problem = Static<typeof S.problemSchema>;
/** `GET /api/images/:id` */
export type ImageDetail = Static<typeof S.imageDetailSchema>;
/** `GET /api/images/:id/archive` items. */
export type ArchiveEntry = Static<typeof S.archiveEntrySchema>;
/** `GET /api/images/:id/fs` items (paged with `paged=1`: see FsPage). */
export type FsEntry = Static<typeof S.fsEntrySchema>;
/** `GET /api/images/:id/layers/:n/changes` items (paged with `paged=1`: see ChangesPage). */
export type LayerChange = Static<typeof S.layerChangeSchema>;
/** `GET /api/images/:id/search` */
export type SearchResult = Static<typeof S.searchResultSchema>;
/** Every 4xx/5xx reply. */
export type ApiErrorBody = Static<typeof S.apiErrorBodySchema>;
/** `GET /api/health` */
export type HealthResponse = Static<typeof S.healthSchema>;

// ---- Drafts and export ----------------------------------------------------------------------
//
// A draft holds an image's pending edits; it is persisted and every edit replies with the
// whole DraftState. Routes (all under /api/images/:id):
//   GET    draft                         the DraftState (an image without edits has an empty one)
//   DELETE draft                         discard everything (ops, config patch, tag)
//   PUT    draft/content?path=P[&mode=420&uid=0&gid=0]    raw body = the file's new bytes (mode: a number, as in JSON: 420 = 0o644)
//   DELETE draft/content?path=P          delete a file or a folder (a deleted secret: purge)
//   POST   draft/ops                     JSON DraftOpRequest (mkdir, symlink, rename, chmod, chown, delete)
//   PATCH  draft/config                  JSON: keys of the config's `config` object, merged; null removes
//   DELETE draft/config                  discard the config patch
//   PUT    draft/tag                     JSON DraftTagRequest
//   DELETE draft/changes/:index          discard one change (409 when a later change needs it)
//   DELETE draft/changes?path=P          discard every change made to P
//   POST   draft/undo                    discard the last change
//   GET    fs?path=P&draft=1             the folder as the draft leaves it (edited entries marked)
//   GET    content?path=P&draft=1        the draft's bytes of a file

/**
 * Edits `POST /api/images/:id/draft/ops` takes (file bytes go through `PUT …/draft/content`).
 * Paths are absolute; `mode` is the permission bits as a number (0o755 = 493). Symlinks in the
 * parent folders are followed inside the edited filesystem, the way the kernel would, so an op
 * always names a real folder; chmod and chown also follow a final symlink.
 */
export type DraftOpRequest = Static<typeof S.draftOpRequestSchema>;
export type DraftOpName = Static<typeof S.draftOpNameSchema>;
/** One pending change of a draft, in the order it was made (`GET /api/images/:id/draft` → `ops`). */
export type DraftOpItem = Static<typeof S.draftOpItemSchema>;
/** Net effect of a draft on one path (several changes of one path count once). */
export type DraftPathChange = Static<typeof S.draftPathChangeSchema>;
/** One key of the image config's `config` object the draft changes. */
export type DraftConfigChange = Static<typeof S.draftConfigChangeSchema>;
/** `GET /api/images/:id/draft`, and the reply of every draft edit. */
export type DraftState = Static<typeof S.draftStateSchema>;
/** `PUT /api/images/:id/draft/tag` body. */
export type DraftTagRequest = Static<typeof S.draftTagRequestSchema>;

/**
 * `GET /api/images/:id/export?mode=…&tag=…&compression=gzip|none` streams the archive;
 * `POST /api/images/:id/export/save?mode=…&tag=…` stores it as a new image (201, ImageSummary).
 * Without `tag`, the result is named the draft's `resultTag` (`repo:edited`, never the original's name).
 * - append: original layers byte-identical, one new layer with the changes (deleted bytes stay in lower layers);
 * - flatten: one layer with the final filesystem, one history entry (deleted bytes are gone);
 * - rewrite: every layer rewritten without the deleted paths, unchanged layers keep their digests.
 */
export type ExportMode = Static<typeof S.exportModeSchema>;
export type ExportCompression = Static<typeof S.exportCompressionSchema>;

/**
 * Percent-encodes a path (or any string the API returned) for a query parameter, byte by byte.
 * Names that are not valid UTF-8 come back from the API with each raw byte as a lone surrogate
 * U+DC80..U+DCFF; `encodeURIComponent` and URLSearchParams cannot carry those, this can:
 * `/api/images/${id}/content?path=${encodePathParam(entry.path)}`.
 */
export function encodePathParam(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += `%${(c - 0xdc00).toString(16).toUpperCase()}`;
    } else if (c >= 0xd800 && c <= 0xdbff && (path.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += encodeURIComponent(path.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '%EF%BF%BD';
    } else {
      out += encodeURIComponent(path[i]);
    }
  }
  return out;
}

export * from './docker.js';
export * from './registry.js';
export * from './paging.js';

// ---- Registry push -----------------------------------------------------------------------------
//
//   POST   /api/images/:id/export/registry   { ref, mode, compression? } → 202 RegistryPushJob
//   GET    /api/registry/push-jobs/:id        RegistryPushJob (poll it: bytes pushed of total, per blob)
//   DELETE /api/registry/push-jobs/:id        cancel it (the manifest is not put: the tag is unchanged)
// The export (the draft applied, as the archive download makes it) is pushed blob by blob: a blob
// the repository has is skipped (HEAD), one another repository of the registry holds is mounted,
// the rest uploaded; then the OCI image manifest under the tag. `done` carries its digest.

/** `POST /api/images/:id/export/registry` body. */
export type RegistryPushRequest = Static<typeof S.registryPushRequestSchema>;
/** The progress of pushing an export to a registry. */
export type RegistryPushJob = Static<typeof S.registryPushJobSchema>;
export type RegistryPushBlob = Static<typeof S.registryPushBlobSchema>;
export type RegistryPushBlobState = Static<typeof S.registryPushBlobStateSchema>;

// ---- Findings ----------------------------------------------------------------------------------
//
// `GET /api/images/:id/findings`: sizes, waste and baked-in secrets of one image. Computed on
// the first request and cached (the image never changes, so neither does the answer).

/** A file or folder with its size. */
export type SizedPath = Static<typeof S.sizedPathSchema>;
/** A node of the size tree of the final filesystem; `other` gathers the small entries of a folder. */
export interface SizeTreeNode extends Static<typeof S.sizeTreeNodeFieldsSchema> {
  children?: SizeTreeNode[];
}
export type LayerSizeInfo = Static<typeof S.layerSizeInfoSchema>;
export interface SizeFindings extends Omit<Static<typeof S.sizeFindingsSchema>, 'tree'> {
  tree: SizeTreeNode;
}
export type WasteItem = Static<typeof S.wasteItemSchema>;
export type WasteFindings = Static<typeof S.wasteFindingsSchema>;
export type SecretKind = Static<typeof S.secretKindSchema>;
export type SecretFinding = Static<typeof S.secretFindingSchema>;
export type BaseImageInfo = Static<typeof S.baseImageInfoSchema>;
export type FindingsScanInfo = Static<typeof S.findingsScanInfoSchema>;
/** `GET /api/images/:id/findings` */
export interface FindingsResponse extends Omit<Static<typeof S.findingsResponseSchema>, 'sizes'> {
  sizes: SizeFindings;
}

// ---- Compare ---------------------------------------------------------------------------------
//
// Two sides, each a stored image, optionally as of layer N (its layers 0..N merged). Every route
// takes a=ID[&aLayer=N]&b=ID[&bLayer=M] and mtime=1 (list mtime-only changes; hidden otherwise):
//   GET /api/compare                         CompareSummary: files, bytes, layers shared, config, history
//   GET /api/compare/fs?path=/usr&paged=1    ComparePage: one folder of the tree of differences
//        [&kinds=added,modified][&sort=name|delta][&unchanged=1][&limit&cursor]
//   GET /api/compare/changes?paged=1         ComparePage: every changed path in tree order
//        [&kinds=…][&path=/etc (below it)][&q=substring of the path][&limit&cursor]
//   GET /api/compare/packages                ComparePackages: packages added, removed, upgraded, downgraded
// A side's bytes: GET /api/images/:id/content?path=P&layer=N with the item's `a.layer`/`b.layer`.
// Unknown ids are 404; a layer out of range, or a path that is not a folder on either side, 400
// (a path absent on both sides is 404, as with /api/images/:id/fs).

export type CompareChange = Static<typeof S.compareChangeSchema>;
export type CompareField = Static<typeof S.compareFieldSchema>;
/** One side's entry at a path (`CompareItem.a` / `.b`). */
export type CompareNode = Static<typeof S.compareNodeSchema>;
export type CompareSide = Static<typeof S.compareSideSchema>;
export type CompareLayerRef = Static<typeof S.compareLayerRefSchema>;
export type CompareFsSummary = Static<typeof S.compareFsSummarySchema>;
export type CompareConfigChange = Static<typeof S.compareConfigChangeSchema>;
export type CompareHistoryStep = Static<typeof S.compareHistoryStepSchema>;
export type CompareHistoryRow = Static<typeof S.compareHistoryRowSchema>;
/** `GET /api/compare` */
export type CompareSummary = Static<typeof S.compareSummarySchema>;
/** `GET /api/compare/fs` and `/api/compare/changes` items. */
export type CompareItem = Static<typeof S.compareItemSchema>;
export type ComparePage = Static<typeof S.comparePageSchema>;
export type ComparePackageSide = Static<typeof S.comparePackageSideSchema>;
export type ComparePackageChange = Static<typeof S.comparePackageChangeSchema>;
export type ComparePackageItem = Static<typeof S.comparePackageItemSchema>;
/** `GET /api/compare/packages` */
export type ComparePackages = Static<typeof S.comparePackagesSchema>;
/** Sorts of `GET /api/compare/fs`: by name, or by the bytes that changed (largest first). */
export type CompareSort = 'name' | 'delta';

// ---- Packages --------------------------------------------------------------------------------
//
//   GET /api/images/:id/packages            PackagesResponse: every package, per-layer counts,
//                                           the files no package owns, warnings
//   GET /api/images/:id/packages?paged=1    PackagesPage
//        [&q=substring of the name][&layer=N (installed, upgraded or removed there)]
//        [&ecosystem=deb,apk][&path=/usr/bin/ls (the packages owning that file)]
//        [&sort=name|size][&limit&cursor]
//   either with wait=0                      202 PackagesProgress while it is being computed
// Computed in the background after each ingest (or on the first request), then kept per image.

export type PackageEcosystem = Static<typeof S.packageEcosystemSchema>;
export type PackageUpgrade = Static<typeof S.packageUpgradeSchema>;
export type ImagePackage = Static<typeof S.imagePackageSchema>;
export type LayerPackageCounts = Static<typeof S.layerPackageCountsSchema>;
export type UnownedFolder = Static<typeof S.unownedFolderSchema>;
export type UnownedFiles = Static<typeof S.unownedFilesSchema>;
/** `GET /api/images/:id/packages` */
export type PackagesResponse = Static<typeof S.packagesResponseSchema>;
/** `GET /api/images/:id/packages?paged=1` */
export type PackagesPage = Static<typeof S.packagesPageSchema>;
/** `GET /api/images/:id/packages?wait=0` while the inventory is being computed (202). */
export type PackagesProgress = Static<typeof S.packagesProgressSchema>;
export type PackageSort = 'name' | 'size';
