import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { EngineError } from '../errors.js';
import { createDecompressor } from '../compress/decompressor.js';
import { SNIFF_BYTES, sniffCompression } from '../compress/sniff.js';
import { normalizePath } from '../layer/normalize.js';
import { TarParser, type TarHeader } from '../tar/reader.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Problem } from '../types.js';
import { expansionError } from './expansion.js';
import { BlobScanner, type ScanLimits, type ScannedFile, type ScannedLayer } from './blob-scanner.js';
import { notATar, truncatedArchive, truncatedCompressed, type StopPoint } from './scan-errors.js';

/** An outer-archive entry that is not a regular file (directories, layer symlinks…). */
export interface OuterLink {
  path: string;
  type: 'dir' | 'symlink' | 'hardlink' | 'other';
  linkTarget: string | null;
}

export interface ArchiveScan {
  archiveDigest: string;
  archiveSize: number;
  outerCompression: 'none' | 'gzip' | 'zstd';
  /** Regular files by normalised path (the last of duplicates wins, as when Docker untars). */
  files: Map<string, ScannedFile>;
  links: Map<string, OuterLink>;
  /** Paths in archive order. */
  order: string[];
  problems: Problem[];
  committed: Array<{ digest: string; existed: boolean }>;
  /** The outer tar ended with its end-of-archive marker (every tool writes one; a cut file has none). */
  endMarker: boolean;
}

export interface ScanOptions extends ScanLimits {
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /** Told of every blob committed, also when the scan later fails (so callers can clean up). */
  onCommitted?: (c: { digest: string; existed: boolean }) => void;
  /**
   * Told of every blob that indexed as a layer tar, as soon as it is stored (so that callers can
   * persist its index while the next blob streams in). Not every such blob ends up a layer of
   * the selected image.
   */
  onLayer?: (layer: ScannedLayer) => void;
}

/** Outer entries (each one is a stored blob): real archives have a few per layer. */
const MAX_ARCHIVE_ENTRIES = 100_000;

type Event = { kind: 'entry'; header: TarHeader } | { kind: 'data'; chunk: Buffer } | { kind: 'end' };

/**
 * One pass over an image archive (optionally gzip/zstd-compressed as a whole): every regular file
 * is stored by digest and classified while it streams (see BlobScanner). Nothing is extracted to
 * the host filesystem and no file is held whole in memory (except small JSON documents).
 */
export async function scanArchive(input: AsyncIterable<Buffer> | Iterable<Buffer> | Readable, store: BlobStore, options: ScanOptions): Promise<ArchiveScan> {
  const scan: ArchiveScan = {
    archiveDigest: '',
    archiveSize: 0,
    outerCompression: 'none',
    files: new Map(),
    links: new Map(),
    order: [],
    problems: [],
    committed: [],
    endMarker: false,
  };
  const rawHash = createHash('sha256');
  const onCommit = (digest: string, existed: boolean) => {
    scan.committed.push({ digest, existed });
    options.onCommitted?.({ digest, existed });
  };

  const raw = (async function* () {
    for await (const c of input as AsyncIterable<Buffer | string>) {
      const chunk = typeof c === 'string' ? Buffer.from(c) : c;
      if (options.signal?.aborted) throw new EngineError('ABORTED', 'the upload was cancelled');
      rawHash.update(chunk);
      scan.archiveSize += chunk.length;
      options.onProgress?.(scan.archiveSize);
      yield chunk;
    }
  })();

  const { head, rest } = await peek(raw, SNIFF_BYTES);
  if (head.length === 0) throw new EngineError('NOT_A_TAR', 'the file is empty: expected a `docker save` or OCI image archive');
  const kind = sniffCompression(head);
  let outer: AsyncIterable<Buffer> = rest;
  if (kind === 'gzip' || kind === 'zstd') {
    scan.outerCompression = kind;
    const decomp = createDecompressor(kind, 'the archive');
    // pipeline (not pipe) so that an error upstream (a cancelled upload) reaches the reader.
    outer = pipeline(Readable.from(rest), decomp, () => undefined);
  } else if (kind !== 'none') {
    throw new EngineError('UNSUPPORTED_COMPRESSION', `the archive is ${kind}-compressed; decompress it first or use gzip`);
  }

  const events: Event[] = [];
  const parser = new TarParser({
    entry: (header) => events.push({ kind: 'entry', header }),
    data: (chunk) => events.push({ kind: 'data', chunk }),
    entryEnd: () => events.push({ kind: 'end' }),
  });
  let current: BlobScanner | null = null;
  /** The outer file being read (size from its header, bytes read so far): what an error names. */
  let inside: { path: string; read: number; size: number } | null = null;
  let outerBytes = 0;
  /** Layer entries of the blobs scanned so far (the archive-wide entry cap). */
  let layerEntries = 0;
  const seen = new Set<string>();

  const handle = async (ev: Event) => {
    if (ev.kind === 'entry') {
      const h = ev.header;
      if (parser.entries > MAX_ARCHIVE_ENTRIES) {
        throw new EngineError('LIMIT_EXCEEDED', `the archive has more than ${MAX_ARCHIVE_ENTRIES} entries; image archives have a few per layer`);
      }
      const { path, escaped } = normalizePath(h.name);
      if (escaped || h.name.startsWith('/')) {
        scan.problems.push({ code: 'UNSAFE_ARCHIVE_PATH', severity: 'warning', message: `archive entry ${JSON.stringify(h.name)} is not a plain relative path; read as ${JSON.stringify(path)}`, path });
      }
      if (path === '') return;
      if (seen.has(path)) {
        scan.problems.push({ code: 'DUPLICATE_ARCHIVE_ENTRY', severity: 'warning', message: `${path} appears more than once in the archive; the last copy is used (as docker load does), containers/image would use the first`, path });
        scan.files.delete(path);
        scan.links.delete(path);
      } else {
        scan.order.push(path);
      }
      seen.add(path);
      if (h.type === 'file' || h.type === 'sparse') {
        current = new BlobScanner(store, path, options, onCommit, layerEntries);
        inside = { path, read: 0, size: h.size };
      } else {
        const type = h.type === 'dir' || h.type === 'symlink' || h.type === 'hardlink' ? h.type : 'other';
        scan.links.set(path, { path, type, linkTarget: type === 'symlink' || type === 'hardlink' ? h.linkName : null });
      }
    } else if (ev.kind === 'data') {
      if (inside) inside.read += ev.chunk.length;
      if (current) await current.write(ev.chunk);
    } else if (current) {
      const file = await current.finish();
      current = null;
      inside = null;
      scan.files.set(file.path, file);
      if (file.layer) {
        layerEntries += file.layer.entryCount;
        options.onLayer?.({ path: file.path, digest: file.digest, size: file.size, ...file.layer });
      }
    }
  };

  const stopPoint = (): StopPoint => ({
    fileBytes: scan.archiveSize,
    inside: inside && { ...inside, layer: (current as BlobScanner | null)?.looksLikeLayer ?? false },
  });
  const outerError = (e: unknown): EngineError => {
    if (!(e instanceof EngineError)) return new EngineError('BAD_TAR_HEADER', `the archive is not a valid tar: ${(e as Error).message}`, { cause: e });
    // Nothing tar-like before the first header went wrong (or the file ended before one was whole).
    const noHeaderYet = e.code === 'TRUNCATED' && parser.offset < TAR_BLOCK;
    if (parser.entries === 0 && (e.code === 'BAD_TAR_HEADER' || noHeaderYet)) return notATar(e.message, { cause: e, kind: foreignKind(head) });
    if (e.code === 'TRUNCATED') return truncatedArchive(stopPoint(), e);
    return e;
  };

  try {
    for await (const chunk of outer) {
      outerBytes += chunk.length;
      if (kind !== 'none') {
        const bomb = expansionError('the archive', outerBytes, scan.archiveSize, options.maxExpansionRatio);
        if (bomb) throw bomb;
      }
      if (parser.finished) continue; // keep draining (and hashing) trailing bytes
      try {
        parser.push(chunk);
      } catch (e) {
        throw outerError(e);
      }
      for (let i = 0; i < events.length; i++) await handle(events[i]);
      events.length = 0;
    }
    try {
      parser.end();
    } catch (e) {
      throw outerError(e);
    }
    for (const ev of events) await handle(ev);
    events.length = 0;
    if (outerBytes === 0) throw new EngineError('NOT_A_TAR', 'the archive is empty after decompression');
  } catch (e) {
    const c = current as BlobScanner | null;
    if (c) await c.abort();
    if (e instanceof EngineError) throw e;
    const zlibCode = (e as NodeJS.ErrnoException)?.code;
    // zlib's "unexpected end of file": the gzip stream was cut short, like a truncated tar.
    if (zlibCode === 'Z_BUF_ERROR') throw truncatedCompressed(stopPoint(), e as Error);
    if (zlibCode?.startsWith?.('Z_')) {
      throw new EngineError('DECOMPRESSION_FAILED', `the archive could not be decompressed: ${(e as Error).message} (truncated download?)`, { cause: e });
    }
    throw e;
  }
  scan.endMarker = parser.finished;
  scan.archiveDigest = `sha256:${rawHash.digest('hex')}`;
  return scan;
}

const TAR_BLOCK = 512;

/** What a file that is no tar is, when its first bytes say so. */
function foreignKind(head: Buffer): string | null {
  return head.subarray(0, 4).equals(ZIP_MAGIC) ? 'a zip file' : null;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Reads at least `n` bytes (fewer at EOF) from an async iterator and returns them plus the rest, unconsumed. */
async function peek(it: AsyncGenerator<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const got: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const r = await it.next();
    if (r.done) break;
    got.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(got);
  const rest = (async function* () {
    if (head.length) yield head;
    yield* it;
  })();
  return { head, rest };
}
