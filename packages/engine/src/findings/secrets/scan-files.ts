import type { BlobStore } from '../../store/blob-store.js';
import type { Copy, CopyLedger } from '../copies.js';
import type { ScanStats } from '../types.js';
import { LineDetector } from './detector.js';
import { classifyPath, isCredentialStore, type FileClass } from './names.js';
import { readText } from './read-text.js';
import { scanBlock } from './block-scan.js';
import { READ_CHUNK, TarReader } from './tar-reader.js';
import type { LineMatch } from './rules.js';
import { maskedPreview } from './values.js';

export interface FileScanLimits {
  /** Text files (by name or extension) larger than this are not read at all. */
  maxTextBytes: number;
  /** Bytes read of any one file; credential stores and key files are read up to this whatever their size. */
  maxReadBytes: number;
  maxLine: number;
  /** Files read at the same time. */
  concurrency: number;
  signal?: AbortSignal;
}

export interface FileHit {
  copy: Copy;
  line: number;
  match: LineMatch;
  preview: string;
}

interface Hit {
  line: number;
  match: LineMatch;
  preview: string;
}

/**
 * Reads the files that may hold secrets, in every layer, deleted and overwritten copies
 * included. Only candidates are read (chosen by path and size, see names.ts), each identical
 * content once per class, in layer and offset order so the layer tars are read forward.
 */
export async function scanFiles(ledger: CopyLedger, tarBlobs: readonly string[], store: BlobStore, limits: FileScanLimits, stats: ScanStats): Promise<FileHit[]> {
  const jobs = new Map<string, { cls: FileClass; copies: Copy[] }>();
  for (const copy of ledger.copies) {
    if (copy.entry.size === 0) continue;
    const cls = classifyPath(copy.entry.path);
    if (!cls) continue;
    stats.filesConsidered++;
    if ((cls === 'text' || cls === 'code') && copy.entry.size > limits.maxTextBytes) {
      stats.skippedLarge++;
      continue;
    }
    const key = `${cls}:${copy.entry.digest ?? `${copy.layer}:${copy.entry.path}`}`;
    const job = jobs.get(key);
    if (job) job.copies.push(copy);
    else jobs.set(key, { cls, copies: [copy] });
  }
  const queue = [...jobs.values()].sort((a, b) => a.copies[0].layer - b.copies[0].layer || a.copies[0].entry.dataOffset - b.copies[0].entry.dataOffset);
  const hits: FileHit[] = [];
  let next = 0;
  const reader = new TarReader(store);
  const worker = async () => {
    const scratch = Buffer.allocUnsafe(READ_CHUNK);
    while (next < queue.length) {
      limits.signal?.throwIfAborted();
      const job = queue[next++];
      const found = await scanOne(job.copies[0], job.cls, tarBlobs, reader, scratch, limits, stats);
      for (const copy of job.copies) for (const h of found) hits.push({ copy, ...h });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, limits.concurrency) }, worker));
  } finally {
    await reader.close();
  }
  return hits;
}

async function scanOne(copy: Copy, cls: FileClass, tarBlobs: readonly string[], reader: TarReader, scratch: Buffer, limits: FileScanLimits, stats: ScanStats): Promise<Hit[]> {
  const detector = new LineDetector(cls);
  const hits: Hit[] = [];
  const seen = new Set<string>();
  const read = Math.min(copy.entry.size, limits.maxReadBytes);
  const result = await readText(reader.read(tarBlobs[copy.layer], copy.entry, read, scratch), { maxBytes: read, maxLine: limits.maxLine, skipBinary: cls !== 'key' && !isCredentialStore(cls) }, (block, first) => {
    scanBlock(block, first, detector, ({ line, match, text }) => {
      // Pieces of a cut line overlap: the same match can come twice.
      const key = `${line}:${match.kind}:${match.value}`;
      if (seen.has(key)) return;
      seen.add(key);
      hits.push({ line, match, preview: match.preview ?? maskedPreview(text, match.start, match.value) });
    });
  });
  stats.bytesRead += result.bytes;
  if (result.binary) stats.skippedBinary++;
  else stats.filesScanned++;
  if (result.truncated || copy.entry.size > read) stats.truncated++;
  return hits;
}
