import { EngineError } from '../errors.js';

/** Where the outer archive stopped, for the words of an error about a cut-short or foreign file. */
export interface StopPoint {
  /** Bytes of the file as given (compressed bytes when the archive is compressed as a whole). */
  fileBytes: number;
  /** The outer entry being read when the input stopped, if any. */
  inside: { path: string; layer: boolean; read: number; size: number } | null;
}

const EXPECTED = 'Peel opens the .tar (or .tar.gz) that `docker save` or an OCI export writes';
const SAVE_AGAIN = 're-run `docker save` (or copy the file again)';

/** A file that is no tar at all: a text file, a zip, a tar cut before its first header ended. */
export function notATar(detail: string, options: { cause?: unknown; kind?: string | null } = {}): EngineError {
  const what = options.kind ? `${options.kind}, not a tar archive` : 'not a tar archive';
  return new EngineError('NOT_A_TAR', `this is ${what}: ${EXPECTED}`, { detail, cause: options.cause });
}

/** The tar stops inside an entry or a header: the file was cut short. */
export function truncatedArchive(at: StopPoint, cause: EngineError): EngineError {
  return new EngineError('TRUNCATED', `the archive is truncated: it ends at ${formatBytes(at.fileBytes)}${where(at)}; ${SAVE_AGAIN}`, {
    detail: cause.message,
    subject: at.inside?.path,
    cause,
  });
}

/** The whole-archive gzip/zstd stream stops before its end. */
export function truncatedCompressed(at: StopPoint, cause: Error): EngineError {
  return new EngineError('DECOMPRESSION_FAILED', `the archive is truncated: its compressed stream ends at ${formatBytes(at.fileBytes)}${where(at)}; ${SAVE_AGAIN}`, {
    detail: `the archive could not be decompressed: ${cause.message}`,
    subject: at.inside?.path,
    cause,
  });
}

/**
 * The archive ended on an entry boundary but without tar's end-of-archive marker, and what it
 * holds names blobs it lacks: said as a cut-short file (same code), the resolver's words in `detail`.
 */
export function endedEarly(e: EngineError, fileBytes: number): EngineError {
  return new EngineError(e.code, `the archive looks truncated: it ends at ${formatBytes(fileBytes)}, between two entries, without tar's end-of-archive marker; ${SAVE_AGAIN}`, {
    detail: e.detail ?? e.message,
    subject: e.subject,
    cause: e,
  });
}

function where(at: StopPoint): string {
  if (!at.inside) return '';
  const { path, layer, read, size } = at.inside;
  return `, inside ${layer ? 'layer ' : ''}${shortDigests(path)} (${formatBytes(read)} of its ${formatBytes(size)})`;
}

/** `e56b18bf370c…/layer.tar` for a path holding a 64-hex digest: the full path stays in `detail`. */
export function shortDigests(path: string): string {
  return path.replace(/[0-9a-f]{64}/g, (hex) => `${hex.slice(0, 12)}…`);
}

const UNITS = ['kB', 'MB', 'GB', 'TB'];

/** Sizes as Docker prints them (powers of 1000): 999 → "999 B", 102477 → "102 kB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // 999,999 bytes round to 1000 kB: say 1 MB, as the web UI's formatSize does.
  if (Number(value.toPrecision(3)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}
