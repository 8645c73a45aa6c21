/**
 * TarParser: a synchronous push parser that reports every entry with its byte offsets, so a
 * layer can be indexed once and any file read back later by offset. Semantics follow Go's
 * archive/tar (what Docker and containerd use): header-only types never consume data, PAX
 * global headers are reported but not applied, GNU long names and sparse maps are merged.
 */
import { EngineError } from '../errors.js';
import { BLOCK, F, fieldBytes, isZeroBlock } from './fields.js';
import { parseGnuRealSize, parseHeaderBlock, parseSparseSlots, type SparseSpan } from './header.js';
import { decodeName } from './names.js';
import { PaxError, parsePaxRecords } from './pax.js';
import { isHeaderOnly, mergeEntry, type Pending, type TarHeader } from './entry.js';
import { SparseMapReader, paxSparse, validateSparse } from './sparse.js';

export type { TarHeader, TarType } from './entry.js';

export interface TarHandler {
  entry(h: TarHeader): void;
  /** The entry's data bytes in order: views into the pushed chunks, valid during the call. */
  data(chunk: Buffer): void;
  entryEnd(): void;
  /** A PAX global header ('g'): reported, never applied to later entries. */
  global?(records: Map<string, Buffer>, headerOffset: number): void;
}

export interface TarParserOptions {
  /** Cap on one PAX/GNU long-name payload or sparse map, in bytes (default 1 MiB, as Go). */
  maxHeaderBytes?: number;
}

const S = { header: 0, zero: 1, payload: 2, sparseExt: 3, sparseMap: 4, data: 5, skip: 6, done: 7 } as const;
type State = (typeof S)[keyof typeof S];

/** gzip, zstd, bzip2 and xz magic numbers: a short input that starts so is not a cut tar. */
const looksCompressed = (b: Buffer): boolean =>
  (b[0] === 0x1f && b[1] === 0x8b) ||
  b.readUInt32LE(0) === 0xfd2fb528 ||
  b.toString('latin1', 0, 3) === 'BZh' ||
  b.toString('latin1', 0, 6) === '\xfd7zXZ\0';

const padding = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;
const bad = (offset: number, why: string): EngineError =>
  new EngineError('BAD_TAR_HEADER', `bad tar header at offset ${offset}: ${why}`);

export class TarParser {
  private state: State = S.header;
  private readonly block = Buffer.alloc(BLOCK);
  private blockFill = 0;
  private payload: Buffer | null = null;
  private payloadFill = 0;
  private payloadType = '';
  private payloadOffset = 0;
  private remaining = 0;
  private pending: Pending | null = null;
  private current: TarHeader | null = null;
  private spans: SparseSpan[] | null = null;
  private sparseBytes = 0;
  private sparseMap: SparseMapReader | null = null;
  private failure: unknown = null;
  private ended = false;
  private consumed = 0;
  private count = 0;
  private readonly maxHeaderBytes: number;

  constructor(private readonly handler: TarHandler, options: TarParserOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1 << 20;
  }

  /** Bytes consumed so far; stops at the end of the end-of-archive marker. */
  get offset(): number {
    return this.consumed;
  }
  /** True once two zero blocks were read; later bytes are ignored. */
  get finished(): boolean {
    return this.state === S.done;
  }
  /** Entries reported so far (global headers not counted). */
  get entries(): number {
    return this.count;
  }

  /** Parses as much of `chunk` as possible. Throws EngineError on bad input; then the parser is spent. */
  push(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) throw new Error('TarParser: push() after end()');
    try {
      this.consume(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** Input is over: throws TRUNCATED unless we are at the end marker or a clean block boundary. */
  end(): void {
    if (this.failure !== null) throw this.failure;
    this.ended = true;
    const clean =
      this.state === S.done ||
      (this.state === S.header && this.blockFill === 0 && this.pending === null) ||
      (this.state === S.zero && this.blockFill === 0);
    if (clean) return;
    if (this.consumed === this.blockFill && looksCompressed(this.block)) {
      throw new EngineError('BAD_TAR_HEADER', `not a tar archive (${this.consumed} bytes of compressed-looking data) — is the file compressed?`);
    }
    throw new EngineError('TRUNCATED', `archive ends inside ${this.where()} at byte ${this.consumed}`);
  }

  private where(): string {
    if (this.current !== null) return `"${this.current.name}"`;
    if (this.pending !== null) return `the extension header at offset ${this.pending.headerOffset}`;
    if (this.state === S.payload || this.state === S.skip) return `the PAX global header at offset ${this.payloadOffset}`;
    if (this.state === S.zero) return 'the end-of-archive marker';
    return `a header block at offset ${this.consumed - this.blockFill}`;
  }

  private consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && this.state !== S.done) {
      const avail = chunk.length - pos;
      if (this.state === S.data || this.state === S.skip) {
        const n = Math.min(this.remaining, avail);
        const start = pos;
        pos += n;
        this.consumed += n;
        this.remaining -= n;
        if (this.state === S.data) {
          this.handler.data(chunk.subarray(start, pos));
          if (this.remaining === 0) this.endData();
        } else if (this.remaining === 0) {
          this.current = null;
          this.state = S.header;
        }
      } else if (this.state === S.payload) {
        const payload = this.payload as Buffer;
        const n = Math.min(payload.length - this.payloadFill, avail);
        chunk.copy(payload, this.payloadFill, pos, pos + n);
        this.payloadFill += n;
        pos += n;
        this.consumed += n;
        if (this.payloadFill === payload.length) this.endPayload();
      } else if (this.blockFill === 0 && avail >= BLOCK) {
        pos += BLOCK; // the whole block is in this chunk: parse it in place
        this.consumed += BLOCK;
        this.onBlock(chunk, pos - BLOCK, this.consumed - BLOCK);
      } else {
        const n = Math.min(BLOCK - this.blockFill, avail);
        chunk.copy(this.block, this.blockFill, pos, pos + n);
        this.blockFill += n;
        pos += n;
        this.consumed += n;
        if (this.blockFill === BLOCK) {
          this.blockFill = 0;
          this.onBlock(this.block, 0, this.consumed - BLOCK);
        }
      }
    }
  }

  private onBlock(b: Buffer, s: number, at: number): void {
    switch (this.state) {
      case S.header:
        return this.onHeader(b, s, at);
      case S.zero:
        if (!isZeroBlock(b, s)) throw bad(at, 'a single zero block is followed by a header; the archive is corrupt');
        this.state = S.done;
        return;
      case S.sparseExt:
        this.sparseBytes += BLOCK;
        if (this.sparseBytes > this.maxHeaderBytes) throw this.tooBig('sparse map', at, this.sparseBytes);
        (this.spans as SparseSpan[]).push(...parseSparseSlots(b, s, 21, at));
        if (b[s + 504] === 0) this.startData();
        return;
      case S.sparseMap:
        return this.onSparseMapBlock(b, s, at);
    }
  }

  private onHeader(b: Buffer, s: number, at: number): void {
    if (isZeroBlock(b, s)) {
      this.pending = null; // Go drops extension headers that precede the end marker
      this.state = S.zero;
      return;
    }
    const hb = parseHeaderBlock(b, s, at);
    const t = hb.typeflag;
    if (t === 'x' || t === 'g' || t === 'L' || t === 'K') {
      if (hb.size > this.maxHeaderBytes) throw this.tooBig(t === 'L' || t === 'K' ? 'GNU long name' : 'PAX header', at, hb.size);
      if (t !== 'g') this.pending ??= { headerOffset: at, pax: null, longName: null, longLink: null };
      this.payloadType = t;
      this.payloadOffset = at;
      this.payload = Buffer.alloc(hb.size);
      this.payloadFill = 0;
      this.state = S.payload;
      if (hb.size === 0) this.endPayload();
      return;
    }
    const h = this.paxGuard(at, () => mergeEntry(hb, this.pending, at));
    this.pending = null;
    this.current = h;
    this.spans = null;
    if (h.type === 'sparse') {
      if (hb.format !== 'gnu') throw bad(at, 'a sparse (S) entry without GNU magic');
      h.realSize = parseGnuRealSize(b, s, at);
      this.spans = parseSparseSlots(b, s + F.gnuSparse[0], 4, at);
      this.sparseBytes = 0;
      if (b[s + F.gnuIsExtended[0]] !== 0) this.state = S.sparseExt;
      else this.startData();
      return;
    }
    const ps = this.paxGuard(at, () => paxSparse(h.pax, decodeName));
    if (ps === null) return this.startData();
    if (isHeaderOnly(h.type)) throw bad(at, `${h.type} "${h.name}" has a sparse map`);
    if (ps.name !== null) h.name = ps.name;
    if (ps.realSize !== null) h.realSize = ps.realSize;
    if (!ps.inData) {
      this.spans = ps.spans;
      return this.startData();
    }
    this.sparseMap = new SparseMapReader();
    this.remaining = h.size;
    if (this.remaining < BLOCK) throw bad(at, `sparse file "${h.name}" has no room for its sparse map`);
    this.state = S.sparseMap;
  }

  private onSparseMapBlock(b: Buffer, s: number, at: number): void {
    const reader = this.sparseMap as SparseMapReader;
    this.remaining -= BLOCK;
    const spans = this.paxGuard(at, () => reader.push(b, s));
    if (spans !== null) {
      this.sparseMap = null;
      this.spans = spans;
      (this.current as TarHeader).size = this.remaining;
      return this.startData();
    }
    if (reader.bytes >= this.maxHeaderBytes) throw this.tooBig('sparse map', at, reader.bytes);
    if (this.remaining < BLOCK) throw bad(at, `the sparse map of "${this.current?.name}" runs past its data`);
  }

  private startData(): void {
    const h = this.current as TarHeader;
    if (this.spans !== null) {
      const spans = this.spans;
      this.paxGuard(h.headerOffset, () => validateSparse(spans, h.realSize, h.size));
      h.sparse = spans;
    }
    h.dataOffset = this.consumed;
    this.count += 1;
    this.handler.entry(h);
    this.remaining = h.size;
    this.state = S.data;
    if (h.size === 0) this.endData();
  }

  private endData(): void {
    this.handler.entryEnd();
    this.remaining = padding((this.current as TarHeader).size);
    this.state = S.skip;
    if (this.remaining === 0) {
      this.current = null;
      this.state = S.header;
    }
  }

  private endPayload(): void {
    const buf = this.payload as Buffer;
    const at = this.payloadOffset;
    this.payload = null;
    const pending = this.pending as Pending;
    switch (this.payloadType) {
      case 'x':
        pending.pax = this.paxGuard(at, () => parsePaxRecords(buf));
        break;
      case 'g': {
        const records = this.paxGuard(at, () => parsePaxRecords(buf));
        this.pending = null; // Go: a global header ends any pending extension headers
        this.handler.global?.(records, at);
        break;
      }
      case 'L':
        pending.longName = decodeName(fieldBytes(buf, 0, buf.length));
        break;
      case 'K':
        pending.longLink = decodeName(fieldBytes(buf, 0, buf.length));
        break;
    }
    this.remaining = padding(buf.length);
    this.state = this.remaining === 0 ? S.header : S.skip;
  }

  private paxGuard<T>(at: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PaxError) throw bad(at, e.message);
      throw e;
    }
  }

  private tooBig(what: string, at: number, size: number): EngineError {
    return new EngineError(
      'LIMIT_EXCEEDED',
      `${what} at offset ${at} is ${size} bytes; the limit is ${this.maxHeaderBytes} bytes`,
    );
  }
}
