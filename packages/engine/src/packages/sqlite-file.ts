/**
 * A small read-only reader of the SQLite 3 file format (https://www.sqlite.org/fileformat.html),
 * enough to list the rows of one table: the database header, table b-tree pages (interior and
 * leaf), overflow pages and the record format. No indexes, no WAL, no writes, no SQL.
 *
 * Hostile files are expected: every page number is checked against the file, every page is
 * visited at most once (a cycle of child or overflow pointers ends the walk), and no buffer larger
 * than the file itself is ever allocated. A problem throws `SqliteFormatError`; rows already
 * yielded stay valid.
 */

export class SqliteFormatError extends Error {
  override name = 'SqliteFormatError';
}

export type SqliteValue = null | number | bigint | string | Buffer;

export interface SqliteRow {
  rowid: number;
  values: SqliteValue[];
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const TABLE_LEAF = 0x0d;
const TABLE_INTERIOR = 0x05;

export class SqliteFile {
  readonly pageSize: number;
  readonly usableSize: number;
  readonly pageCount: number;
  private readonly encoding: 'utf8' | 'utf16le' | 'utf16be';

  constructor(private readonly data: Buffer) {
    if (data.length < 100 || !data.subarray(0, 16).equals(MAGIC)) throw new SqliteFormatError('not an SQLite 3 database (no "SQLite format 3" header)');
    const rawPageSize = data.readUInt16BE(16);
    this.pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new SqliteFormatError(`invalid page size ${rawPageSize}`);
    const reserved = data[20]!;
    this.usableSize = this.pageSize - reserved;
    if (this.usableSize < 480) throw new SqliteFormatError(`invalid reserved space ${reserved}`);
    this.pageCount = Math.floor(data.length / this.pageSize);
    if (this.pageCount < 1) throw new SqliteFormatError('truncated: shorter than one page');
    const encoding = data.readUInt32BE(56);
    this.encoding = encoding === 2 ? 'utf16le' : encoding === 3 ? 'utf16be' : 'utf8';
  }

  /** The root page of a table named in the schema (sqlite_schema), or null. */
  tableRoot(name: string): number | null {
    for (const row of this.rows(1)) {
      const [type, rowName, , rootpage] = row.values;
      if (type === 'table' && rowName === name) {
        if (typeof rootpage !== 'number' || rootpage < 1) throw new SqliteFormatError(`table ${name} has an invalid root page`);
        return rootpage;
      }
    }
    return null;
  }

  /** The rows of the table b-tree rooted at `rootPage`, in rowid order. */
  *rows(rootPage: number): Generator<SqliteRow> {
    // Pages already walked (tree or overflow): each is read once per walk, so cycles end and no
    // payload is assembled twice from the same pages.
    const visited = new Set<number>();
    const stack = [rootPage];
    while (stack.length > 0) {
      const page = stack.pop()!;
      const start = this.claimPage(page, 'b-tree', visited);
      const headerAt = page === 1 ? start + 100 : start;
      const kind = this.data[headerAt]!;
      const cells = this.data.readUInt16BE(headerAt + 3);
      const interior = kind === TABLE_INTERIOR;
      if (!interior && kind !== TABLE_LEAF) throw new SqliteFormatError(`page ${page} is not a table b-tree page (type ${kind})`);
      const pointers = headerAt + (interior ? 12 : 8);
      if (pointers + 2 * cells > start + this.usableSize) throw new SqliteFormatError(`page ${page} claims ${cells} cells, more than fit`);
      if (interior) {
        const children: number[] = [];
        for (let i = 0; i < cells; i++) children.push(this.data.readUInt32BE(this.cellAt(page, start, pointers + 2 * i, 4)));
        children.push(this.data.readUInt32BE(headerAt + 8));
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
        continue;
      }
      for (let i = 0; i < cells; i++) yield this.leafCell(page, start, this.cellAt(page, start, pointers + 2 * i, 3), visited);
    }
  }

  private claimPage(page: number, what: string, visited: Set<number>): number {
    if (!Number.isInteger(page) || page < 1 || page > this.pageCount) throw new SqliteFormatError(`${what} page ${page} is outside the file (${this.pageCount} pages)`);
    if (visited.has(page)) throw new SqliteFormatError(`${what} page ${page} is reached twice (a cycle)`);
    visited.add(page);
    return (page - 1) * this.pageSize;
  }

  /** The absolute offset of a cell, checked to leave `minBytes` inside the page. */
  private cellAt(page: number, start: number, pointerAt: number, minBytes: number): number {
    const offset = this.data.readUInt16BE(pointerAt);
    if (offset < 8 || offset + minBytes > this.usableSize) throw new SqliteFormatError(`page ${page} has a cell pointer ${offset} outside the page`);
    return start + offset;
  }

  private leafCell(page: number, start: number, at: number, visited: Set<number>): SqliteRow {
    const end = start + this.usableSize;
    const size = readVarint(this.data, at, end);
    const rowid = readVarint(this.data, size.next, end);
    const payloadSize = size.value;
    if (payloadSize > this.data.length) throw new SqliteFormatError(`page ${page}: a cell's payload of ${payloadSize} bytes is larger than the file`);
    const local = this.localPayload(payloadSize);
    const localStart = rowid.next;
    if (localStart + local > end || (local < payloadSize && localStart + local + 4 > end)) throw new SqliteFormatError(`page ${page}: a cell runs past the page`);
    let payload: Buffer;
    if (local === payloadSize) {
      payload = this.data.subarray(localStart, localStart + local);
    } else {
      payload = Buffer.allocUnsafe(payloadSize);
      this.data.copy(payload, 0, localStart, localStart + local);
      let filled = local;
      let next = this.data.readUInt32BE(localStart + local);
      while (filled < payloadSize) {
        const overflowStart = this.claimPage(next, 'overflow', visited);
        const take = Math.min(this.usableSize - 4, payloadSize - filled);
        this.data.copy(payload, filled, overflowStart + 4, overflowStart + 4 + take);
        filled += take;
        next = this.data.readUInt32BE(overflowStart);
      }
    }
    return { rowid: rowid.value, values: this.decodeRecord(payload, page) };
  }

  /** How much of a table leaf payload is stored on the page itself (the rest in overflow pages). */
  private localPayload(payloadSize: number): number {
    const maxLocal = this.usableSize - 35;
    if (payloadSize <= maxLocal) return payloadSize;
    const minLocal = Math.floor(((this.usableSize - 12) * 32) / 255) - 23;
    const k = minLocal + ((payloadSize - minLocal) % (this.usableSize - 4));
    return k <= maxLocal ? k : minLocal;
  }

  private decodeRecord(payload: Buffer, page: number): SqliteValue[] {
    const headerSize = readVarint(payload, 0, payload.length);
    if (headerSize.value > payload.length || headerSize.value < headerSize.next) throw new SqliteFormatError(`page ${page}: a record header of ${headerSize.value} bytes does not fit its payload`);
    const types: number[] = [];
    for (let at = headerSize.next; at < headerSize.value; ) {
      const type = readVarint(payload, at, headerSize.value);
      types.push(type.value);
      at = type.next;
    }
    const values: SqliteValue[] = [];
    let at = headerSize.value;
    for (const type of types) {
      const length = serialLength(type);
      if (at + length > payload.length) throw new SqliteFormatError(`page ${page}: a record's values run past its payload`);
      values.push(this.decodeValue(payload, at, type, length));
      at += length;
    }
    return values;
  }

  private decodeValue(payload: Buffer, at: number, type: number, length: number): SqliteValue {
    switch (type) {
      case 0:
        return null;
      case 8:
        return 0;
      case 9:
        return 1;
      case 7:
        return payload.readDoubleBE(at);
      case 6: {
        const value = payload.readBigInt64BE(at);
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
        return payload.readIntBE(at, length);
      default:
        if (type % 2 === 0) return payload.subarray(at, at + length);
        return this.decodeText(payload.subarray(at, at + length));
    }
  }

  private decodeText(bytes: Buffer): string {
    if (this.encoding === 'utf8') return bytes.toString('utf8');
    if (this.encoding === 'utf16le') return bytes.toString('utf16le');
    const swapped = Buffer.from(bytes.subarray(0, bytes.length & ~1));
    return swapped.swap16().toString('utf16le');
  }
}

function serialLength(type: number): number {
  if (type >= 12) return Math.floor((type - 12) / 2);
  const lengths = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0];
  if (type > 9) throw new SqliteFormatError(`reserved serial type ${type}`);
  return lengths[type]!;
}

/** SQLite's varint: big-endian groups of 7 bits, the ninth byte whole. Huge values lose precision, which only hostile files have. */
function readVarint(data: Buffer, at: number, end: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) throw new SqliteFormatError('a varint runs past its page or record');
    const byte = data[at + i]!;
    if (i === 8) return { value: value * 256 + byte, next: at + 9 };
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new SqliteFormatError('unreachable varint');
}
