import type { ChangeKind, EntryType, FindingsResponse, FsEntry, LayerChange, ListingSort, Platform, PlatformChoice, Problem } from '@peel/api';
import type { DraftOp, HistoryStep, ImageArchive, LayerEntry, OpenOptions, ResolvedImage } from '@peel/engine';

/**
 * The persistence boundary of the server: every SQL statement lives behind this interface, in
 * store/sqlite/ (better-sqlite3, the embedded default) or store/postgres/ (pg). Services and
 * routes see only these repositories and camelCase domain types; numeric row keys stay inside an
 * implementation. Every method is async so that both implementations fit; SQLite answers at once.
 *
 * Vocabulary:
 * - `ImageId`: the one identifier of an image everywhere outside the store (content-derived).
 * - layer index: a layer's position 0..N-1 in an image (`ImageLayer.index`).
 * - `LayerDigest`: the key of a stored layer (the digest of its blob, shared across images).
 * - paths are engine paths: relative, normalised, '' is the root; names keep non-UTF-8 bytes as
 *   the engine's lone surrogates (encodeName/decodeName), stored as raw bytes.
 */
export type ImageId = string;
export type LayerDigest = string;

// ---------------------------------------------------------------------------------------------
// Domain types

/** A ready image as listed (no config bytes). */
export interface ImageRecord {
  id: ImageId;
  name: string;
  tags: string[];
  format: string;
  platform: Platform;
  platforms: PlatformChoice[];
  manifestDigest: string | null;
  manifestMediaType: string | null;
  configDigest: string;
  history: HistoryStep[];
  /** The archive's and the merge's problems (each layer's own are on ImageLayer). */
  problems: Problem[];
  archiveDigest: string;
  archiveSize: number;
  outerCompression: string;
  /** Bytes of the config and the layer blobs. */
  size: number;
  layerCount: number;
  fileCount: number;
  createdAt: string;
}

/** A ready image with its config, byte for byte as uploaded. */
export interface StoredImage extends ImageRecord {
  configRaw: Buffer;
}

/** Layer `index` of an image, with the stored layer it is. */
export interface ImageLayer {
  index: number;
  layerDigest: LayerDigest;
  mediaType: string;
  archivePath: string;
  /** The history step that made it, if the history says. */
  history: number | null;
  diffId: string;
  compression: string;
  size: number;
  uncompressedSize: number;
  /** The blob of its uncompressed tar (where its files' bytes are read by offset). */
  tarBlob: string;
  entryCount: number;
  contentSize: number;
  problems: Problem[];
}

/** Attributes every entry-like record has. */
export interface EntryAttrs {
  path: string;
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkTarget: string | null;
  digest: string | null;
}

/** A node of an image's merged filesystem. */
export interface FsNodeRecord extends EntryAttrs {
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
  xattrs: Record<string, string> | null;
  /** The last layer index that wrote it. */
  layer: number;
  implicit: boolean;
  childCount: number;
  /** Folders: bytes of file content below at any depth (hard links count their target's); null for the rest. */
  bytesBelow: number | null;
  /** Where a file's (or a hard link's target's) bytes are: layer index and the entry's seq in that layer. */
  contentLayer: number | null;
  contentSeq: number | null;
}

/**
 * What a comparison reads of a merged node: the attributes, where its bytes are, and a folder's
 * bytes below (no owner names or child count: a leaner row, read by the hundred thousand).
 */
export interface NodeFacts extends EntryAttrs {
  devMajor: number;
  devMinor: number;
  xattrs: Record<string, string> | null;
  layer: number;
  bytesBelow: number | null;
  contentLayer: number | null;
  contentSeq: number | null;
}

/** A merged node as a walk of a whole image reads it: where it is, what it is, its bytes. */
export interface NodeSketch {
  path: string;
  type: EntryType;
  /** A file's size; a hard link's is its target's (null when the target is not a file). */
  size: number | null;
  linkTarget: string | null;
}

/** Where a page of a walk in (parent, name) byte order stopped: the last node's folder and name. */
export interface NodeKey {
  parent: string;
  name: string;
}

/** A version of a path that a later layer deleted or overwrote. */
export interface ShadowedRecord extends EntryAttrs {
  seq: number;
  layer: number;
  deletedBy: number | null;
  overwrittenBy: number | null;
}

/** A layer's own entry (or an implicit folder the index adds), with where its bytes are. */
export interface LayerEntryRecord {
  seq: number;
  /** The engine's entry (path, offsets, sparse regions…). */
  entry: LayerEntry;
  implicit: boolean;
}

/** A search hit: a live node or (deleted = true) a shadowed version. */
export interface SearchHit extends EntryAttrs {
  deleted: boolean;
  /** For a version that is gone, its position among the path's versions (fs_shadowed.seq); 0 for a live node. */
  seq: number;
  layer: number;
  childCount: number | null;
  deletedBy: number | null;
  overwrittenBy: number | null;
}

export interface SearchQuery {
  /** Lower-cased (ASCII) substring of the absolute path, or a glob pattern. */
  pattern: string;
  mode: 'substring' | 'glob-name' | 'glob-path';
  deleted: boolean;
  limit: number;
  /** Hits skipped before the page. */
  offset: number;
  /**
   * The hit just before the page (the one at `offset` − 1), when the caller knows it: a store may
   * seek past it instead of walking `offset` hits. Hits are in (parent, name) byte order, a live
   * node before its versions that are gone, those by seq.
   */
  after?: SearchAfter;
  /** The search's total, when an earlier page of the same search told it: a store need not count again. */
  total?: number;
}

/** A search hit's place in the search's order (see SearchQuery.after). */
export interface SearchAfter extends NodeKey {
  deleted: boolean;
  seq: number;
}

/**
 * The seq past which a seek after `a` starts reading a path's versions that are gone: all of them
 * after its live node (seqs are ≥ 0), those after it after a gone one.
 */
export const shadowedSeqAfter = (a: SearchAfter): number => (a.deleted ? a.seq : -1);

/** A layer change as stored at ingest, with its position in the layer's list. */
export interface ChangeRecord extends LayerChange {
  seq: number;
}

/** Filters of a paged changes list. */
export interface ChangesFilter {
  /** Lower-cased (ASCII) substring of the absolute path. */
  q: string | null;
  /** Exactly this engine path. */
  path: string | null;
}

/** An entry of the uploaded archive itself (manifest.json, blobs…). */
export interface ArchiveEntryRecord {
  seq: number;
  path: string;
  type: string;
  size: number;
  digest: string | null;
  linkTarget: string | null;
  role: string;
  label: string | null;
  mediaType: string | null;
}

// ---------------------------------------------------------------------------------------------
// Paged listings

/** Keyset paging keys (numbers and raw name bytes); see services/page-key.ts. */
export type KeyPart = number | Buffer;
export type PageKey = KeyPart[];

/**
 * Where a paged folder's rows come from: the merged fs, what it shadows, one layer's own entries,
 * or the filesystem as of a layer (`asOfNodes`, `asOfShadowed`: the versions alive after it;
 * `lostAt`: what that layer deleted or overwrote).
 */
export type ListingSource = 'nodes' | 'shadowed' | 'layer' | 'asOfNodes' | 'asOfShadowed' | 'lostAt';

/**
 * Whose folder is listed: an image (every source but 'layer') or a stored layer ('layer', with
 * the layer index its entries are shown with).
 */
export type ListingOwner = { image: ImageId } | { layerDigest: LayerDigest; layerIndex: number };

/**
 * What a source needs beyond the folder: the layer an as-of listing shows; for the merged fs,
 * whether folders carry (and sort=size orders them by) their bytes below.
 */
export interface SourceParams {
  asOf?: number;
  folderBytes?: boolean;
}

/** A listing row: the API's entry, its page key (group first) and, as of a layer, the layer its stored version is recorded with. */
export interface ListingRow {
  entry: FsEntry;
  key: PageKey;
  /** As-of sources: the layer of the stored version (for a folder it can be above entry.layer). */
  recorded: number | null;
}

// ---------------------------------------------------------------------------------------------
// Drafts

/** What one op did to the filesystem when it was made (see services/op-summary.ts). */
export interface OpSummary {
  kind: 'added' | 'modified' | 'deleted' | 'moved';
  type: EntryType;
  sizeDelta: number;
  purgeOnly?: boolean;
}

export interface StoredOp {
  op: DraftOp;
  summary: OpSummary;
  /** The blob a write op's bytes are in. */
  blob: string | null;
  createdAt: string;
}

export interface DraftHead {
  config: Record<string, unknown>;
  tag: string | null;
  updatedAt: string;
}

/** An image's draft: its head, its ops in order, and its revision (bumped by every edit). */
export interface StoredDraft {
  head: DraftHead;
  ops: StoredOp[];
  revision: number;
}

/** Another edit changed the draft since it was read (the caller retries or answers 409). */
export class DraftRevisionConflict extends Error {
  readonly code = 'DRAFT_REVISION_CONFLICT';
}

// ---------------------------------------------------------------------------------------------
// Ingest

/** A blob that indexed as a layer tar, as the engine reports it during the scan. */
export type ScannedLayer = Parameters<NonNullable<OpenOptions['onLayer']>>[0];
/** What a stored layer row says about its blob (its entries are written as rows beside it). */
export type LayerFacts = Omit<ScannedLayer, 'entries'>;

/** A pending image's handle (opaque outside the store). */
export interface PendingImage {
  readonly token: string;
}

/** Who writes a pending image: a start-up cleanup removes only pending images whose owner is gone or stale. */
export interface IngestOwner {
  pid: number;
  host: string;
  /** When the owning process started (ISO time): tells a reused pid apart. */
  started: string;
}

export interface WriteOptions {
  /** Rows per write transaction (SQLite: other requests are served between two). */
  chunkRows: number;
  /** Throws to abandon the write (e.g. the client went away). */
  check?: () => void;
}

/** Everything an ingest learned about one image, to complete its pending row. */
export interface ImageFacts {
  id: ImageId;
  name: string;
  archive: ImageArchive;
  image: ResolvedImage;
  fileCount: number;
  /** The merge's problems (the archive's are in `archive.problems`). */
  mergeProblems: Problem[];
}

/** A merged node as the merge produces it, ready to store. */
export interface MergedNodeRow {
  path: string;
  entry: LayerEntry;
  layer: number;
  implicit: boolean;
  childCount: number;
  /** Folders: bytes below; null otherwise. */
  bytesBelow: number | null;
  /** The content's digest (a hard link: its target's). */
  digest: string | null;
  contentLayer: number | null;
  contentSeq: number | null;
}

/** A version a later layer deleted or overwrote, as the merge produces it; seq counts across layers. */
export interface ShadowedRow {
  path: string;
  seq: number;
  entry: LayerEntry;
  layer: number;
  deletedBy: number | null;
  overwrittenBy: number | null;
  digest: string | null;
}

/** A change of layer `layer`, seq = its position in that layer's list. */
export interface ChangeRow {
  layer: number;
  seq: number;
  path: string;
  change: ChangeKind;
  type: EntryType;
  size: number;
  previousLayer: number | null;
  metadataOnly: boolean;
  previousSize: number | null;
}

/** One row of the merge's single stream: its merged nodes, changes and shadowed versions interleaved. */
export type MergeRow = { kind: 'node'; row: MergedNodeRow } | { kind: 'change'; row: ChangeRow } | { kind: 'shadowed'; row: ShadowedRow };

/**
 * Rows to write: a synchronous iterable a row at a time, or an asynchronous one in batches (a
 * stream read from disk or computed in steps), so that waiting costs a turn per batch, not per row.
 */
export type Rows<T> = Iterable<T> | AsyncIterable<readonly T[]>;

// ---------------------------------------------------------------------------------------------
// Repositories

export interface ImagesRepo {
  /** Ready images, newest first. */
  list(): Promise<ImageRecord[]>;
  get(id: ImageId): Promise<StoredImage | undefined>;
  exists(id: ImageId): Promise<boolean>;
  /** The image's layers by index. */
  layers(id: ImageId): Promise<ImageLayer[]>;
  /**
   * Hides the image at once (no reader sees it from now on), then removes its rows, its draft,
   * its cached findings and the layers no other image uses. Returns the blob digests it and its
   * draft referenced (candidates for the blob collector), or null when there was no such image.
   */
  delete(id: ImageId, opts: WriteOptions): Promise<string[] | null>;
  /** Every blob digest a stored image (in any state), layer or draft refers to. */
  referencedBlobs(): Promise<Set<string>>;
  isReferenced(digest: string): Promise<boolean>;
}

/** An image's merged filesystem and its layers' own entries. */
export interface FsRepo {
  node(id: ImageId, path: string): Promise<FsNodeRecord | undefined>;
  /** A folder's children in name (byte) order, as a comparison reads them (NodeFacts). */
  childFacts(id: ImageId, dir: string): Promise<NodeFacts[]>;
  /** A folder's nodes by name, each with the layer entry that holds its bytes (files, hard links). */
  childrenWithContent(id: ImageId, dir: string): Promise<Array<{ node: FsNodeRecord; content: LayerEntry | null }>>;
  /** What a folder held and a later layer deleted or overwrote, by name then seq. */
  shadowedIn(id: ImageId, dir: string): Promise<ShadowedRecord[]>;
  /** True when a lower layer held `path` and a later one deleted or overwrote it. */
  hasShadowed(id: ImageId, path: string): Promise<boolean>;
  /** Bytes of file content strictly below `dir` ('' : the whole image). */
  bytesBelow(id: ImageId, dir: string): Promise<number>;
  search(id: ImageId, q: SearchQuery): Promise<{ hits: SearchHit[]; total: number }>;
  /**
   * Up to `limit` merged nodes of the given types after `after` (null: from the start), in
   * (parent, name) byte order: a walk of a whole image in a query per page, not one per folder.
   */
  nodesOfTypes(id: ImageId, types: readonly EntryType[], after: NodeKey | null, limit: number): Promise<NodeSketch[]>;
  /** Paths of regular files (live, or deleted or overwritten since) named one of `names`, each once, in path byte order, at most `limit`. */
  filesNamed(id: ImageId, names: readonly string[], limit: number): Promise<string[]>;
  /** The layer entries that hold the bytes of the image's hard links, each once, with their layer index. */
  linkedContent(id: ImageId): Promise<Array<{ layer: number; entry: LayerEntry }>>;

  /** The entry a layer has for a path (the last one when the tar repeats it; real before implicit). */
  layerEntry(layer: LayerDigest, path: string): Promise<LayerEntryRecord | undefined>;
  /** A layer's entries in a folder, by name then seq. */
  layerChildren(layer: LayerDigest, dir: string): Promise<LayerEntryRecord[]>;
  entryBySeq(layer: LayerDigest, seq: number): Promise<LayerEntryRecord | undefined>;
  /**
   * A layer's own entries in tar order (the implicit folders left out), read a page at a time as
   * they are consumed. `lean`: only what the findings analysis reads (owner names, mtime, device
   * numbers and xattrs left empty).
   */
  layerEntries(layer: LayerDigest, opts?: { lean?: boolean }): AsyncIterable<LayerEntry>;
}

/** Paged reads of one folder, by key. */
export interface ListingRepo {
  /**
   * Up to `limit` rows of one group (0: directories, 1: the rest) whose key (without its group)
   * is greater than `after` (null: from the group's start), in key order.
   */
  page(source: ListingSource, sort: ListingSort, group: 0 | 1, owner: ListingOwner, dir: string, after: PageKey | null, limit: number, params?: SourceParams): Promise<ListingRow[]>;
  /** Every row named `name` in the folder (the live one, versions that are gone, a layer's repeats). */
  named(source: ListingSource, owner: ListingOwner, dir: string, name: string, sort: ListingSort, params?: SourceParams): Promise<ListingRow[]>;
  count(source: ListingSource, owner: ListingOwner, dir: string, params?: SourceParams): Promise<number>;
}

export interface ChangesRepo {
  /** A layer's changes in order (limit < 0: all). */
  list(id: ImageId, layer: number, limit: number, offset: number): Promise<ChangeRecord[]>;
  /** Keyset page on seq, filtered. */
  page(id: ImageId, layer: number, f: ChangesFilter & { kinds: ChangeKind[] }, afterSeq: number, limit: number): Promise<ChangeRecord[]>;
  counts(id: ImageId, layer: number, f: ChangesFilter): Promise<Record<ChangeKind, number>>;
}

export interface ArchiveRepo {
  /** The uploaded archive's own entries, in archive order. */
  entries(id: ImageId): Promise<ArchiveEntryRecord[]>;
  /** The entry at a path (the last one when the tar repeats it). */
  entry(id: ImageId, path: string): Promise<ArchiveEntryRecord | undefined>;
}

/**
 * Drafts: a head (config patch, tag), the ops in order, a revision. Every write bumps the
 * revision; `expected` (the revision the caller read) makes a write fail with
 * DraftRevisionConflict when another edit came in between. Run read-check-write in one
 * transaction.
 */
export interface DraftsRepo {
  get(id: ImageId): Promise<StoredDraft | undefined>;
  /** Creates or updates the head; returns the new revision. */
  saveHead(id: ImageId, head: DraftHead, expected: number | null): Promise<number>;
  /** Appends one op and sets the head; returns the new revision. */
  appendOp(id: ImageId, op: StoredOp, head: DraftHead, expected: number | null): Promise<number>;
  /** Replaces the whole op list (renumbered from 0) and the head; returns the new revision. */
  replaceOps(id: ImageId, ops: readonly StoredOp[], head: DraftHead, expected: number | null): Promise<number>;
  /** Deletes the draft; returns the blobs its ops held (candidates for the blob collector). */
  clear(id: ImageId): Promise<string[]>;
}

/** Computed findings per image id, keyed by the analysis version (a cache: dropping it loses nothing). */
export interface FindingsRepo {
  get(id: ImageId, version: number): Promise<FindingsResponse | null>;
  put(findings: FindingsResponse, version: number): Promise<void>;
}

/**
 * Writes of an ingest. An image is visible only once complete: `begin` makes a pending image
 * owned by this process; `writeLayer` stores each layer's entries as the scan reads them and
 * links the layer to the pending image (so a purge elsewhere keeps it); `finish` links the
 * image's layer list, writes the merged view, changes and archive entries, and flips the image
 * to ready under its id in one transaction. `abandon` removes a pending image and every layer
 * only it used. While a pending image is written, `heartbeat` keeps its owner fresh.
 */
export interface IngestRepo {
  begin(owner: IngestOwner): Promise<PendingImage>;
  heartbeat(pending: PendingImage): Promise<void>;
  /**
   * Stores a scanned layer unless already stored (`entries` in tar order; the implicit folders
   * they imply are added by the store), and links it provisionally to the pending image.
   */
  writeLayer(pending: PendingImage, layer: LayerFacts, entries: Rows<LayerEntry>, opts: WriteOptions): Promise<void>;
  /**
   * Gives up the pending image's claim on a layer whose write failed: its provisional link goes,
   * and the layer too if no other image links it (a layer cut short must not be linked, nor
   * waited for, by another upload of it).
   */
  releaseLayer(pending: PendingImage, layerDigest: string, opts: WriteOptions): Promise<void>;
  /** Replaces the provisional layer links by the image's layer list; drops scanned layers it does not use. */
  linkLayers(pending: PendingImage, archive: ImageArchive, image: ResolvedImage, opts: WriteOptions): Promise<void>;
  /** Stores the merge's rows (nodes, changes, shadowed versions) as they come, each into its table, in chunks. */
  writeMergeRows(pending: PendingImage, rows: Rows<MergeRow>, opts: WriteOptions): Promise<void>;
  /**
   * Completes the pending image. If a ready image with the same id exists, drops the pending one
   * and answers with that (created: false). Returns the blobs released on the way.
   */
  finish(pending: PendingImage, facts: ImageFacts, opts: WriteOptions): Promise<{ created: boolean; released: string[] }>;
  /** Removes a pending image and what only it used; returns its blob digests. */
  abandon(pending: PendingImage, opts: WriteOptions): Promise<string[]>;
  /**
   * Start-up: removes images left half-written or half-deleted whose owner is gone (this host,
   * pid not running or started at another time) or whose heartbeat is older than `staleMs`.
   */
  cleanupStale(staleMs: number, opts: WriteOptions): Promise<number>;
}

/** The repositories, as seen inside and outside a transaction. */
/**
 * What a store builds for its search once an image is stored, in the background. SQLite: the
 * image's rows by name (its search seeks each folder for a name until then); PostgreSQL: nothing,
 * its trigram index is written with the rows.
 */
export interface SearchIndexRepo {
  /** Stored images whose search index is not built yet, oldest first. */
  pending(): Promise<ImageId[]>;
  /**
   * Builds image `id`'s index, a transaction of `chunkRows` rows at a time; returns quietly when
   * the image is deleted meanwhile (or was never stored), rejects when `signal` aborts.
   */
  build(id: ImageId, opts: { signal: AbortSignal; chunkRows: number }): Promise<void>;
}

export interface Repos {
  images: ImagesRepo;
  fs: FsRepo;
  listing: ListingRepo;
  changes: ChangesRepo;
  archive: ArchiveRepo;
  drafts: DraftsRepo;
  findings: FindingsRepo;
  ingest: IngestRepo;
  searchIndex: SearchIndexRepo;
}

export interface Store extends Repos {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: a pooled client),
   * committing when it resolves and rolling back when it throws. `tx` has the same repositories.
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How to open a store: PEEL_DATABASE_URL (postgres://…) picks PostgreSQL, else SQLite in the data folder. */
export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string;
}
