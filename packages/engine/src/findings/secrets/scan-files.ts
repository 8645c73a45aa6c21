import type { BlobStore } from '../../store/blob-store.js';
import type { Copy } from '../copies.js';
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

/** Files that may hold a secret, one content (digest) of one class, and every copy of it. */
interface Job {
  cls: FileClass;
  copies: Copy[];
}

/** Neighbouring small files of one tar are read with one read: per-read overhead dominates small files. */
const BATCH = { fileMax: 64 * 1024, gapMax: 64 * 1024, spanMax: 1024 * 1024 };

/**
 * Reads the files that may hold secrets, in every layer, deleted and overwritten copies
 * included. Only candidates are read (chosen by path and size, see names.ts), each identical
 * content once per class, in layer and offset order so the layer tars are read forward.
 */
export async function scanFiles(copies: readonly Copy[], tarBlobs: readonly string[], store: BlobStore, limits: FileScanLimits, stats: ScanStats): Promise<FileHit[]> {
  const jobs = new Map<string, Job>();
  for (const copy of copies) {
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
  const queue = batches([...jobs.values()].sort((a, b) => a.copies[0].layer - b.copies[0].layer || a.copies[0].entry.dataOffset - b.copies[0].entry.dataOffset));
  const hits: FileHit[] = [];
  let next = 0;
  const reader = new TarReader(store);
  const record = (job: Job, found: Hit[]) => {
    for (const copy of job.copies) for (const h of found) hits.push({ copy, ...h });
  };
  const worker = async () => {
    const scratch = Buffer.allocUnsafe(READ_CHUNK);
    while (next < queue.length) {
      limits.signal?.throwIfAborted();
      const batch = queue[next++];
      const first = batch[0].copies[0];
      if (batch.length === 1) {
        const read = Math.min(first.entry.size, limits.maxReadBytes);
        record(batch[0], await scanText(first, batch[0].cls, reader.read(tarBlobs[first.layer], first.entry, read, scratch), limits, stats));
        continue;
      }
      const last = batch[batch.length - 1].copies[0].entry;
      const start = first.entry.dataOffset;
      const span = await reader.readSpan(tarBlobs[first.layer], start, last.dataOffset + last.size - start);
      for (const job of batch) {
        const e = job.copies[0].entry;
        record(job, await scanText(job.copies[0], job.cls, [span.subarray(e.dataOffset - start, e.dataOffset - start + e.size)], limits, stats));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, limits.concurrency) }, worker));
  } finally {
    await reader.close();
  }
  return hits;
}

/** Groups jobs (in tar order) into runs of small neighbours of one layer; a big file is a run of its own. */
function batches(jobs: Job[]): Job[][] {
  const out: Job[][] = [];
  let run: Job[] = [];
  let start = 0;
  let end = 0;
  for (const job of jobs) {
    const { layer, entry } = job.copies[0];
    const small = entry.size <= BATCH.fileMax;
    const prev = run.length ? run[run.length - 1].copies[0] : null;
    if (prev && small && prev.layer === layer && entry.dataOffset >= end && entry.dataOffset - end <= BATCH.gapMax && entry.dataOffset + entry.size - start <= BATCH.spanMax) {
      run.push(job);
      end = entry.dataOffset + entry.size;
      continue;
    }
    if (run.length) out.push(run);
    run = [job];
    start = entry.dataOffset;
    end = entry.dataOffset + entry.size;
    if (!small) {
      out.push(run);
      run = [];
    }
  }
  if (run.length) out.push(run);
  return out;
}

async function scanText(copy: Copy, cls: FileClass, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, limits: FileScanLimits, stats: ScanStats): Promise<Hit[]> {
  const detector = new LineDetector(cls);
  const hits: Hit[] = [];
  const seen = new Set<string>();
  const read = Math.min(copy.entry.size, limits.maxReadBytes);
  const result = await readText(chunks, { maxBytes: read, maxLine: limits.maxLine, skipBinary: cls !== 'key' && !isCredentialStore(cls) }, (block, first) => {
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
