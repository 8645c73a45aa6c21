import { createHash, type Hash } from 'node:crypto';
import { EngineError } from '../errors.js';
import { TarParser, type TarHandler, type TarHeader } from '../tar/reader.js';
import { encodeName } from '../tar/names.js';
import type { DataRegion, LayerEntry, LayerEntryType, Problem } from '../types.js';
import { SortedRuns, type SortedRunsOptions } from '../fs/sorted-runs.js';
import { AUFS_META_PREFIX, OPAQUE_MARKER, WHITEOUT_PREFIX, baseName, joinPath, normalizePath, parentOf } from './normalize.js';

export interface LayerIndexLimits {
  /** Uncompressed bytes after which the layer is refused (decompression bombs). */
  maxBytes: number;
  /** Entries after which the layer is refused. */
  maxEntries: number;
  /**
   * Sort each layer's entries into bounded-memory runs (SortedRuns) instead of keeping them in
   * `entries`, which then stays empty: memory no longer follows the number of entries.
   */
  sortedRuns?: SortedRunsOptions;
}

export interface LayerIndex {
  diffId: string;
  uncompressedSize: number;
  /** Entries in tar order; empty when they went to `runs`. */
  entries: LayerEntry[];
  /** The entries sorted in runs, when the limits asked for it (see LayerIndexLimits.sortedRuns). */
  runs?: SortedRuns;
  entryCount: number;
  /** Bytes of the layer's regular files. */
  contentSize: number;
  problems: Problem[];
}

export interface LayerIndexerOptions {
  /**
   * Hash the whole stream for the diff_id (default). Off when the caller stores the same bytes
   * through a hashing BlobWriter and passes that digest to finish(): one sha256 pass fewer.
   */
  hashStream?: boolean;
}

/**
 * Indexes one layer's uncompressed tar as it streams by: the diff_id over every byte (trailing
 * bytes after the end marker included, as Docker computes it), one LayerEntry per tar entry
 * with its data offset, and a sha256 of every file's content. Never holds file data.
 */
export class LayerIndexer implements TarHandler {
  readonly entries: LayerEntry[] = [];
  /** Where entries go instead of `entries` (see LayerIndexLimits.sortedRuns). */
  readonly runs: SortedRuns | null;
  /** An entry whose digest comes at its end, before it is handed to `runs`. */
  private pending: LayerEntry | null = null;
  entryCount = 0;
  contentSize = 0;
  readonly problems: Problem[] = [];
  private readonly hash: Hash | null;
  private readonly parser = new TarParser(this);
  /** Path → the kinds of entry seen at it (SEEN_*): no key string made per entry. */
  private readonly seen = new Map<string, number>();
  private readonly problemCounts = new Map<string, { count: number; severity: Problem['severity'] }>();
  /** One string per distinct owner name: a layer has a handful, and every entry keeps two. */
  private readonly names = new Map<string, string>();
  private fileHash: Hash | null = null;
  private current: LayerEntry | null = null;
  /** The sparse file being hashed: its data regions, and how far into them the data has come. */
  private sparse: SparseCursor | null = null;
  /** Zero bytes of sparse holes this layer may still hash (a tiny tar can declare a 1 TB hole). */
  private holeBudget = MAX_HOLE_BYTES_HASHED;
  private error: EngineError | null = null;
  bytes = 0;

  constructor(private readonly subject: string, private readonly limits: LayerIndexLimits, options: LayerIndexerOptions = {}) {
    this.hash = options.hashStream === false ? null : createHash('sha256');
    this.runs = limits.sortedRuns ? new SortedRuns(limits.sortedRuns) : null;
  }

  /** The first reason this stream cannot be a layer, if any. */
  get failure(): EngineError | null {
    return this.error;
  }

  push(chunk: Buffer): void {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    if (this.error) return;
    if (this.bytes > this.limits.maxBytes) {
      this.error = new EngineError('LIMIT_EXCEEDED', `${this.subject} decompresses to more than ${this.limits.maxBytes} bytes (the configured limit); refusing it as a possible decompression bomb`, { subject: this.subject });
      return;
    }
    if (this.parser.finished) return;
    try {
      this.parser.push(chunk);
    } catch (e) {
      this.error = asEngineError(e, this.subject);
    }
  }

  /** Ends the stream; throws if it was not a whole layer tar. */
  end(): void {
    if (!this.error && !this.parser.finished) {
      try {
        this.parser.end();
      } catch (e) {
        this.error = asEngineError(e, this.subject);
      }
    }
    if (this.error) throw this.error;
  }

  /** The index. `diffId` (the sha256 of every byte pushed) is required when hashStream is off. */
  finish(diffId?: string): LayerIndex {
    this.end();
    const id = this.hash ? `sha256:${this.hash.digest('hex')}` : diffId;
    if (!id) throw new Error('LayerIndexer.finish: the stream was not hashed (hashStream: false), pass its diff_id');
    this.summariseProblems();
    this.handOver();
    return { diffId: id, uncompressedSize: this.bytes, entries: this.entries, runs: this.runs?.finish(), entryCount: this.entryCount, contentSize: this.contentSize, problems: this.problems };
  }

  entry(h: TarHeader): void {
    this.handOver();
    if (this.entryCount >= this.limits.maxEntries) {
      throw new EngineError('LIMIT_EXCEEDED', `${this.subject} has more than ${this.limits.maxEntries} entries (the configured limit)`, { subject: this.subject });
    }
    this.current = null;
    this.fileHash = null;
    this.sparse = null;
    const { path: cleaned, escaped } = normalizePath(h.name);
    if (escaped) this.problem('PATH_ESCAPE', 'warning', `entry name ${JSON.stringify(h.name)} climbs above the root; read as /${cleaned}`, cleaned);
    if (cleaned === '') {
      // The root entry: Docker ignores a directory's metadata, and fails on anything else.
      if (h.type !== 'dir') this.problem('EMPTY_NAME', 'warning', `a ${h.type} entry named ${JSON.stringify(h.name)} names the root itself; it is ignored (docker load fails on it)`);
      return;
    }
    checkNameLength(cleaned, this.subject, (message) => this.problem('NAME_TOO_LONG', 'warning', message, cleaned));
    const base = baseName(cleaned);
    let type: LayerEntryType;
    let path = cleaned;
    if (base === OPAQUE_MARKER) {
      type = 'opaque';
      path = parentOf(cleaned);
    } else if (base.startsWith(AUFS_META_PREFIX) || cleaned.split('/').some((p) => p.startsWith(AUFS_META_PREFIX))) {
      this.problem('AUFS_METADATA', 'info', `AUFS bookkeeping entry ${cleaned} is hidden`, cleaned);
      return;
    } else if (base.startsWith(WHITEOUT_PREFIX)) {
      const target = base.slice(WHITEOUT_PREFIX.length);
      if (target === '' || target === '.' || target === '..') {
        this.problem('BAD_WHITEOUT', 'error', `whiteout ${JSON.stringify(cleaned)} names nothing; it is ignored (the OCI spec says implementations should refuse it)`, cleaned);
        return;
      }
      type = 'whiteout';
      path = joinPath(parentOf(cleaned), target);
    } else {
      const mapped = mapType(h);
      if (!mapped) {
        this.problem('UNSUPPORTED_ENTRY', 'warning', `entry ${cleaned} has tar type ${JSON.stringify(h.typeflag)}, which no container runtime applies; skipped`, cleaned);
        return;
      }
      type = mapped;
    }
    // With sorted runs a layer's paths are not kept here: the streaming merge, which meets a
    // path's records side by side, reports its duplicates (StreamMerge, DUPLICATE_PATH).
    if (!this.runs) {
      const kind = type === 'whiteout' ? SEEN_WHITEOUT : type === 'opaque' ? SEEN_OPAQUE : SEEN_ENTRY;
      const seen = this.seen.get(path) ?? 0;
      if (seen & kind) this.problem('DUPLICATE_PATH', 'warning', duplicatePathMessage(path), path);
      this.seen.set(path, seen | kind);
    }
    if (h.type === 'sparse' || h.sparse !== null) this.problem('SPARSE_FILE', 'info', `${path} is a sparse file (${h.realSize} bytes, ${h.size} stored)`, path);
    if (h.type === 'char' && h.devMajor === 0 && h.devMinor === 0) {
      this.problem('CHAR_DEVICE_0_0', 'warning', `${path} is a char device 0:0: overlay snapshotters treat it as a whiteout, plain extraction as a device`, path);
    }
    let linkTarget: string | null = null;
    if (type === 'symlink') linkTarget = h.linkName;
    if (type === 'hardlink') linkTarget = normalizePath(h.linkName).path;
    const entry: LayerEntry = {
      path,
      type,
      mode: h.mode & 0o7777,
      uid: h.uid,
      gid: h.gid,
      uname: this.intern(h.uname),
      gname: this.intern(h.gname),
      size: type === 'file' ? h.realSize : 0,
      mtime: h.mtime,
      linkTarget,
      devMajor: h.devMajor,
      devMinor: h.devMinor,
      xattrs: h.xattrs ? Object.fromEntries(Object.entries(h.xattrs).map(([k, v]) => [k, v.toString('base64')])) : null,
      dataOffset: h.dataOffset,
      headerOffset: h.headerOffset,
      digest: null,
    };
    if (type === 'file' && h.sparse !== null) entry.sparse = h.sparse.map(({ offset, length }) => ({ offset, length }));
    this.entryCount++;
    if (type === 'file') this.contentSize += entry.size;
    if (this.runs) this.pending = entry;
    else this.entries.push(entry);
    if (type === 'file') {
      this.current = entry;
      this.fileHash = createHash('sha256');
      if (entry.sparse) this.startSparse(entry, entry.sparse, h.size);
    }
  }

  /** The previous entry is whole (its digest is set at its end): into the runs with it. */
  private handOver(): void {
    if (this.pending) this.runs!.add(this.pending);
    this.pending = null;
  }

  private intern(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    if (this.names.size < MAX_INTERNED_NAMES) this.names.set(name, name);
    return name;
  }

  data(chunk: Buffer): void {
    if (this.sparse) this.sparseData(chunk);
    else this.fileHash?.update(chunk);
  }

  entryEnd(): void {
    if (this.sparse && this.fileHash) hashZeros(this.fileHash, this.sparse.size - this.sparse.pos);
    if (this.current && this.fileHash) this.current.digest = flatDigest(this.fileHash);
    this.current = null;
    this.fileHash = null;
    this.sparse = null;
  }

  /** The digest of a sparse file is over its expanded bytes, holes as zeros (what `docker export` gives). */
  private startSparse(entry: LayerEntry, regions: DataRegion[], stored: number): void {
    const holes = entry.size - stored;
    if (holes > this.holeBudget) {
      this.fileHash = null;
      this.problem('SPARSE_NOT_HASHED', 'info', `${entry.path}: its holes (${holes} bytes of zeros) are past what one layer may hash (${MAX_HOLE_BYTES_HASHED} bytes), so it has no content digest; its bytes still read back`, entry.path);
      return;
    }
    this.holeBudget -= holes;
    this.sparse = { regions, index: 0, used: 0, pos: 0, size: entry.size };
  }

  private sparseData(chunk: Buffer): void {
    const c = this.sparse as SparseCursor;
    const hash = this.fileHash;
    if (!hash) return;
    let at = 0;
    while (at < chunk.length && c.index < c.regions.length) {
      const r = c.regions[c.index];
      if (c.used === 0) {
        hashZeros(hash, r.offset - c.pos);
        c.pos = r.offset;
      }
      const n = Math.min(r.length - c.used, chunk.length - at);
      hash.update(chunk.subarray(at, at + n));
      at += n;
      c.used += n;
      c.pos += n;
      if (c.used === r.length) {
        c.index++;
        c.used = 0;
      }
    }
  }

  /** Keeps the first few problems of each kind: a layer of a million duplicates must not make a million reports. */
  private problem(code: string, severity: Problem['severity'], message: string, path?: string): void {
    const seen = this.problemCounts.get(code);
    this.problemCounts.set(code, { count: (seen?.count ?? 0) + 1, severity });
    if ((seen?.count ?? 0) < MAX_PROBLEMS_PER_CODE) this.problems.push({ code, severity, message, path });
  }

  private summariseProblems(): void {
    for (const [code, { count, severity }] of this.problemCounts) {
      if (count > MAX_PROBLEMS_PER_CODE) this.problems.push({ code, severity, message: `${count - MAX_PROBLEMS_PER_CODE} more ${code} problems in ${this.subject} are not listed (${count} in all)` });
    }
  }
}

/** A path more than once in one layer (the same kind of entry: file, whiteout or opaque marker). */
export function duplicatePathMessage(path: string): string {
  return `${path} appears more than once in this layer; the last one wins here, but docker load and podman refuse such a layer ("duplicates of file paths not supported")`;
}

const MAX_PROBLEMS_PER_CODE = 100;
const MAX_INTERNED_NAMES = 1024;
/**
 * `sha256:<hex>` as one flat string: a template literal makes a cons string (two parts and a
 * pair object), 24 bytes more for every file an index holds.
 */
const DIGEST_TEXT = Buffer.from('sha256:'.padEnd(71, '0'), 'latin1');
function flatDigest(hash: Hash): string {
  DIGEST_TEXT.write(hash.digest('hex'), 7, 'latin1');
  return DIGEST_TEXT.toString('latin1');
}

const SEEN_ENTRY = 1;
const SEEN_WHITEOUT = 2;
const SEEN_OPAQUE = 4;

/** Zeros of sparse holes hashed per layer at most: ~0.5 s of sha256 here. */
const MAX_HOLE_BYTES_HASHED = 1024 ** 3;

interface SparseCursor {
  regions: DataRegion[];
  /** The region the next data byte belongs to, and how many of its bytes came already. */
  index: number;
  used: number;
  /** Bytes of the expanded file hashed so far. */
  pos: number;
  size: number;
}

const ZEROS = Buffer.alloc(1024 * 1024);

function hashZeros(hash: Hash, n: number): void {
  for (let left = n; left > 0; left -= ZEROS.length) hash.update(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
}

/** Linux PATH_MAX and NAME_MAX: longer names cannot be created, so docker load fails on them. */
const PATH_MAX = 4096;
const NAME_MAX = 255;

/**
 * Refuses a path past PATH_MAX (an index of such paths, and the directories they imply, would
 * grow with the square of their depth) and reports components past NAME_MAX.
 */
function checkNameLength(path: string, subject: string, warn: (message: string) => void): void {
  if (path.length * 3 <= NAME_MAX) return; // UTF-8 takes at most 3 bytes per UTF-16 unit
  const bytes = encodeName(path).length;
  if (bytes > PATH_MAX) {
    throw new EngineError('LIMIT_EXCEEDED', `${subject} has an entry name of ${bytes} bytes (${path.slice(0, 60)}…); Linux allows at most ${PATH_MAX} (PATH_MAX), so no runtime can create it`, { subject });
  }
  const long = path.split('/').find((part) => encodeName(part).length > NAME_MAX);
  if (long !== undefined) warn(`${path.slice(0, 80)}… has a name component of ${encodeName(long).length} bytes; Linux allows at most ${NAME_MAX} (NAME_MAX), so docker load fails on it`);
}

function mapType(h: TarHeader): LayerEntryType | null {
  switch (h.type) {
    case 'file':
    case 'sparse':
      return 'file';
    case 'dir':
    case 'symlink':
    case 'hardlink':
    case 'char':
    case 'block':
    case 'fifo':
      return h.type;
    default:
      return null;
  }
}

function asEngineError(e: unknown, subject: string): EngineError {
  if (e instanceof EngineError) {
    return new EngineError(e.code, `${subject}: ${e.message}`, { subject, cause: e });
  }
  return new EngineError('BAD_TAR_HEADER', `${subject}: ${(e as Error).message}`, { subject, cause: e });
}
