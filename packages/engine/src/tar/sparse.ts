/**
 * GNU sparse maps: the PAX 0.0/0.1 records, the PAX 1.0 map stored at the start of the data,
 * and validation (Go `readGNUSparsePAXHeaders`, `readGNUSparseMap1x0`, `validateSparseEntries`).
 * The old GNU 'S' header slots are read by header.ts `parseSparseSlots`.
 */
import type { SparseSpan } from './header.js';
import { PaxError, parsePaxInteger } from './pax.js';
import { BLOCK } from './fields.js';

/** What the PAX records say about a sparse file, or null when the entry is not sparse. */
export interface PaxSparse {
  /** 1.0 keeps its map in the data section (read it with SparseMapReader). */
  inData: boolean;
  /** The 0.x map, already parsed. */
  spans: SparseSpan[] | null;
  name: string | null;
  realSize: number | null;
}

const text = (pax: Map<string, Buffer>, key: string): string => pax.get(key)?.toString('latin1') ?? '';

/** Reads GNU.sparse.* records; throws PaxError on a malformed map. */
export function paxSparse(pax: Map<string, Buffer> | null, decode: (b: Buffer) => string): PaxSparse | null {
  if (pax === null) return null;
  const major = text(pax, 'GNU.sparse.major');
  const minor = text(pax, 'GNU.sparse.minor');
  let inData: boolean;
  if (major === '0' && (minor === '0' || minor === '1')) inData = false;
  else if (major === '1' && minor === '0') inData = true;
  else if (major !== '' || minor !== '') return null; // a version we do not know: Go ignores it too
  else if (text(pax, 'GNU.sparse.map') !== '') inData = false; // 0.0 and 0.1 had no version records
  else return null;

  const nameBytes = pax.get('GNU.sparse.name');
  const sizeKey = pax.has('GNU.sparse.size') ? 'GNU.sparse.size' : 'GNU.sparse.realsize';
  const sizeBytes = pax.get(sizeKey);
  const realSize = sizeBytes && sizeBytes.length > 0 ? parsePaxInteger(sizeKey, sizeBytes) : null;
  const name = nameBytes && nameBytes.length > 0 ? decode(nameBytes) : null;
  if (inData) return { inData, spans: null, name, realSize };

  const count = parsePaxInteger('GNU.sparse.numblocks', pax.get('GNU.sparse.numblocks') ?? Buffer.alloc(0));
  const fields = text(pax, 'GNU.sparse.map') === '' ? [] : text(pax, 'GNU.sparse.map').split(',');
  if (fields.length !== 2 * count) throw new PaxError(`GNU.sparse.map has ${fields.length} numbers for ${count} blocks`);
  return { inData, spans: toSpans(fields), name, realSize };
}

function toSpans(fields: string[]): SparseSpan[] {
  const spans: SparseSpan[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const offset = parsePaxInteger('sparse offset', Buffer.from(fields[i], 'latin1'));
    const length = parsePaxInteger('sparse length', Buffer.from(fields[i + 1], 'latin1'));
    spans.push({ offset, length });
  }
  return spans;
}

/**
 * Collects the PAX 1.0 sparse map from the first blocks of the data section: a count, then
 * offset/length pairs, one decimal number per line, padded to a block.
 */
export class SparseMapReader {
  private readonly lines: string[] = [];
  private partial = '';
  private needed = 1;
  bytes = 0;

  /** Feeds one data block; returns the map once complete, else null. */
  push(block: Buffer, start: number): SparseSpan[] | null {
    this.bytes += BLOCK;
    const parts = (this.partial + block.toString('latin1', start, start + BLOCK)).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length >= 1 && this.needed === 1) {
      const count = parsePaxInteger('sparse map count', Buffer.from(this.lines[0], 'latin1'));
      this.needed = 1 + 2 * count;
    }
    if (this.lines.length < this.needed) return null;
    return toSpans(this.lines.slice(1, this.needed));
  }
}

/** Throws PaxError unless spans are in order, disjoint, inside realSize and cover `stored` bytes. */
export function validateSparse(spans: SparseSpan[], realSize: number, stored: number): void {
  let end = 0;
  let total = 0;
  for (const s of spans) {
    if (s.offset < end) throw new PaxError(`sparse map regions overlap or are out of order at ${s.offset}`);
    end = s.offset + s.length;
    if (end > realSize) throw new PaxError(`sparse map region ${s.offset}+${s.length} is past the file size ${realSize}`);
    total += s.length;
  }
  if (total !== stored) throw new PaxError(`sparse map covers ${total} bytes but the archive stores ${stored}`);
}
