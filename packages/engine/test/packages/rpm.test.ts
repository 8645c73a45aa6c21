import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPMTAG, parseRpmHeader } from '../../src/packages/rpm-header.js';
import { readRpmSqlite, rpmReader } from '../../src/packages/rpm.js';
import { SqliteFile } from '../../src/packages/sqlite-file.js';
import type { ParsedDatabase } from '../../src/packages/types.js';
import { rpmWorkspace, type RpmWorkspace } from './rpm-build.js';
import { LIMITS, memoryLayer } from './rpm-apk-layer-files.js';

const SQLITE_AT = '/var/lib/rpm/rpmdb.sqlite';

let ws: RpmWorkspace;
/** An rpmdb.sqlite made by rpm itself: 41 packages of a few files, one of 404 files (overflow pages). */
let database: Buffer;
let full: ParsedDatabase;

beforeAll(async () => {
  ws = await rpmWorkspace(['deep', 'many']);
  await ws.rpm(['-i', '--nodeps', '--noscripts', '--justdb', ...ws.rpms.deep!, ...ws.rpms.many!]);
  database = await readFile(join(ws.dbDir, 'rpmdb.sqlite'));
  full = readRpmSqlite(database, SQLITE_AT, LIMITS);
}, 120_000);

afterAll(() => ws?.dispose());

/** A header blob as rpm stores it: entry count, data length, the index entries, the data store. */
function header(entries: { tag: number; type: number; count: number; data: Buffer; offset?: number }[], options: { entryCount?: number; dataLength?: number } = {}): Buffer {
  const index = Buffer.alloc(entries.length * 16);
  const store: Buffer[] = [];
  let length = 0;
  entries.forEach((entry, i) => {
    index.writeUInt32BE(entry.tag, i * 16);
    index.writeUInt32BE(entry.type, i * 16 + 4);
    index.writeUInt32BE(entry.offset ?? length, i * 16 + 8);
    index.writeUInt32BE(entry.count, i * 16 + 12);
    store.push(entry.data);
    length += entry.data.length;
  });
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(options.entryCount ?? entries.length, 0);
  preamble.writeUInt32BE(options.dataLength ?? length, 4);
  return Buffer.concat([preamble, index, ...store]);
}
const str = (tag: number, value: string) => ({ tag, type: 6, count: 1, data: Buffer.from(`${value}\0`) });
const strs = (tag: number, values: string[]) => ({ tag, type: 8, count: values.length, data: Buffer.from(values.map((v) => `${v}\0`).join('')) });
const int32s = (tag: number, values: number[]) => {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeUInt32BE(v, i * 4));
  return { tag, type: 4, count: values.length, data };
};
const nevr = [str(RPMTAG.NAME, 'p'), str(RPMTAG.VERSION, '1'), str(RPMTAG.RELEASE, '2')];

describe('rpm database formats', () => {
  it('is null without any rpm database, and watches the three database folders', async () => {
    expect(await rpmReader.read(memoryLayer({ '/lib/apk/db/installed': 'P:x\n' }), LIMITS)).toBeNull();
    expect(rpmReader.watches).toEqual(['/var/lib/rpm/', '/usr/lib/sysimage/rpm/', '/usr/share/rpm/']);
  });

  it('names a Berkeley DB or ndb database, by its file name as rpm does, without reading it', async () => {
    const bdbFiles = memoryLayer({ '/var/lib/rpm/Packages': Buffer.alloc(20 << 20) });
    expect(await rpmReader.read(bdbFiles, LIMITS)).toEqual({
      location: '/var/lib/rpm/Packages',
      packages: [],
      warnings: ['/var/lib/rpm/Packages (20971520 bytes) is a Berkeley DB rpm database (rpm < 4.16: CentOS 7/8, RHEL/UBI 8, Amazon Linux 2); Peel reads only rpmdb.sqlite (rpm ≥ 4.16), so its packages are not listed'],
    });
    expect(bdbFiles.maxBytesAsked).toEqual([LIMITS.maxDatabaseBytes, LIMITS.maxDatabaseBytes, LIMITS.maxDatabaseBytes, 0]);
    expect(await rpmReader.read(memoryLayer({ '/usr/lib/sysimage/rpm/Packages.db': Buffer.alloc(64) }), LIMITS)).toEqual({
      location: '/usr/lib/sysimage/rpm/Packages.db',
      packages: [],
      warnings: ["/usr/lib/sysimage/rpm/Packages.db (64 bytes) is a ndb rpm database (rpm's own format, openSUSE and SLE); Peel reads only rpmdb.sqlite (rpm ≥ 4.16), so its packages are not listed"],
    });
  });

  it('reads the rpm-ostree / bootc location, /usr/share/rpm', async () => {
    expect(await rpmReader.read(memoryLayer({ '/usr/share/rpm/rpmdb.sqlite': database }), LIMITS)).toEqual({ ...full, location: '/usr/share/rpm/rpmdb.sqlite' });
  });

  it('reads rpmdb.sqlite when an old Packages file lies beside it', async () => {
    const parsed = await rpmReader.read(memoryLayer({ '/var/lib/rpm/Packages': Buffer.alloc(4096), [SQLITE_AT]: database }), LIMITS);
    expect(parsed).toEqual(full);
    expect(full.packages).toHaveLength(42);
    expect(full.warnings).toEqual([]);
  });

  it('warns of a write-ahead log not copied into the database, and of a database over the size limit', async () => {
    const withWal = await rpmReader.read(memoryLayer({ [SQLITE_AT]: database, [`${SQLITE_AT}-wal`]: Buffer.alloc(4152) }), LIMITS);
    expect(withWal!.packages).toEqual(full.packages);
    expect(withWal!.warnings).toEqual([`${SQLITE_AT}-wal holds 4152 bytes of write-ahead log not yet copied into the database; packages changed by the last transactions may be missing or stale`]);
    const tooBig = await rpmReader.read(memoryLayer({ [SQLITE_AT]: database }), { ...LIMITS, maxDatabaseBytes: 1000 });
    expect(tooBig).toEqual({ location: SQLITE_AT, packages: [], warnings: [`${SQLITE_AT} is ${database.length} bytes, over the limit of 1000; not read`] });
  });

  it('keeps at most maxPackages packages, saying so', () => {
    const parsed = readRpmSqlite(database, SQLITE_AT, { ...LIMITS, maxPackages: 5 });
    expect(parsed.packages).toEqual(full.packages.slice(0, 5));
    expect(parsed.warnings).toEqual([`${SQLITE_AT}: more than 5 packages; only the first 5 are kept`]);
  });
});

describe('rpmdb.sqlite, hostile', () => {
  it('warns of a file that is not SQLite, or has no Packages table', () => {
    expect(readRpmSqlite(Buffer.from('not a database at all, just words'), SQLITE_AT, LIMITS)).toEqual({
      location: SQLITE_AT,
      packages: [],
      warnings: [`${SQLITE_AT} is not a readable SQLite database (not an SQLite 3 database (no "SQLite format 3" header)); 0 package(s) read before the problem`],
    });
    const badPageSize = Buffer.from(database);
    badPageSize.writeUInt16BE(1000, 16);
    expect(readRpmSqlite(badPageSize, SQLITE_AT, LIMITS).warnings).toEqual([`${SQLITE_AT} is not a readable SQLite database (invalid page size 1000); 0 package(s) read before the problem`]);
    const renamed = Buffer.from(database);
    // The schema row's name, "Packages", becomes "Packagez" (in every copy of the row, stale
    // pages included): the table is then not found.
    let renames = 0;
    for (let at = renamed.indexOf('tablePackagesPackages'); at >= 0; at = renamed.indexOf('tablePackagesPackages', at + 1), renames++) renamed.write('tablePackagezPackages', at);
    expect(renames).toBeGreaterThan(0);
    expect(readRpmSqlite(renamed, SQLITE_AT, LIMITS).warnings).toEqual([`${SQLITE_AT} has no Packages table; not an rpm database`]);
  });

  it('ends a cycle of b-tree pages and a child pointer outside the file with a warning', () => {
    const db = new SqliteFile(database);
    const root = db.tableRoot('Packages')!;
    const rootStart = (root - 1) * db.pageSize;
    expect(database[rootStart]).toBe(0x05); // an interior page: 42 rows do not fit one leaf
    const cycle = Buffer.from(database);
    cycle.writeUInt32BE(root, rootStart + 8);
    const parsedCycle = readRpmSqlite(cycle, SQLITE_AT, LIMITS);
    expect(parsedCycle.warnings).toHaveLength(1);
    expect(parsedCycle.warnings[0]).toMatch(new RegExp(`is not a readable SQLite database \\(b-tree page ${root} is reached twice \\(a cycle\\)\\); \\d+ package\\(s\\) read before the problem$`));
    const outside = Buffer.from(database);
    outside.writeUInt32BE(0x7fffffff, rootStart + 8);
    expect(readRpmSqlite(outside, SQLITE_AT, LIMITS).warnings[0]).toMatch(/b-tree page 2147483647 is outside the file/);
  });

  it('refuses a cell claiming a payload larger than the file before allocating it', () => {
    // A one-page database (512-byte pages) whose schema leaf holds one cell of payload size 2^30 − 1.
    const page = Buffer.alloc(512);
    page.write('SQLite format 3\0', 0, 'latin1');
    page.writeUInt16BE(512, 16);
    page[18] = 1;
    page[19] = 1;
    page.writeUInt32BE(1, 56);
    page[100] = 0x0d;
    page.writeUInt16BE(1, 103);
    page.writeUInt16BE(300, 105);
    page.writeUInt16BE(300, 108);
    Buffer.from([0x83, 0xff, 0xff, 0xff, 0x7f, 0x01]).copy(page, 300);
    expect(readRpmSqlite(page, SQLITE_AT, LIMITS).warnings).toEqual([
      `${SQLITE_AT} is not a readable SQLite database (page 1: a cell's payload of 1073741823 bytes is larger than the file); 0 package(s) read before the problem`,
    ]);
  });

  it('skips a header whose counts are absurd, keeping the other packages', () => {
    const copy = Buffer.from(database);
    const rows = [...new SqliteFile(copy).rows(new SqliteFile(copy).tableRoot('Packages')!)];
    const victim = rows.find((row) => (row.values[1] as Buffer).includes('peel-sub-5\0'))!;
    const blob = victim.values[1] as Buffer;
    const blobAt = blob.byteOffset - copy.byteOffset;
    copy.writeUInt32BE(0xffffffff, blobAt);
    const parsed = readRpmSqlite(copy, SQLITE_AT, LIMITS);
    expect(parsed.packages).toEqual(full.packages.filter((p) => p.name !== 'peel-sub-5'));
    expect(parsed.warnings).toEqual([`${SQLITE_AT}: 1 package header(s) unreadable and skipped (hnum ${victim.rowid}: header claims 4294967295 index entries)`]);

    // Every header broken: one warning, counting them all and naming the first five.
    const allBroken = Buffer.from(database);
    const allRows = [...new SqliteFile(allBroken).rows(new SqliteFile(allBroken).tableRoot('Packages')!)];
    for (const row of allRows) {
      const rowBlob = row.values[1] as Buffer;
      // Headers larger than a page sit partly in overflow pages: their first bytes are still on the leaf.
      if (rowBlob.buffer === allBroken.buffer) allBroken.writeUInt32BE(0, rowBlob.byteOffset - allBroken.byteOffset);
    }
    const broken = allRows.filter((row) => (row.values[1] as Buffer).buffer === allBroken.buffer);
    expect(broken.length).toBeGreaterThan(5);
    const parsedBroken = readRpmSqlite(allBroken, SQLITE_AT, LIMITS);
    expect(parsedBroken.packages).toHaveLength(42 - broken.length);
    const named = broken.slice(0, 5).map((row) => `hnum ${row.rowid}: header claims 0 index entries`).join('; ');
    expect(parsedBroken.warnings).toEqual([`${SQLITE_AT}: ${broken.length} package header(s) unreadable and skipped (${named}; …)`]);
  });

  it('survives truncation and random corruption without throwing or reading past the file', () => {
    for (const size of [100, 4096, 4097, database.length >> 1, database.length - 1]) {
      const parsed = readRpmSqlite(database.subarray(0, size), SQLITE_AT, LIMITS);
      for (const pkg of parsed.packages) expect(full.packages).toContainEqual(pkg);
    }
    const half = readRpmSqlite(database.subarray(0, database.length >> 1), SQLITE_AT, LIMITS);
    expect(half.warnings.join('\n')).toMatch(/is outside the file/);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
    for (let round = 0; round < 300; round++) {
      const mutated = Buffer.from(database);
      for (let i = 0; i < 16; i++) mutated[Math.floor(random() * Math.min(mutated.length, 64 * 4096))] = Math.floor(random() * 256);
      const parsed = readRpmSqlite(mutated, SQLITE_AT, LIMITS);
      expect(parsed.packages.length).toBeLessThanOrEqual(42);
    }
  });
});

describe('RPM header blobs, hostile', () => {
  it('reads old-style file names (OLDFILENAMES), clamping `..`', () => {
    const blob = header([...nevr, int32s(RPMTAG.EPOCH, [0]), strs(RPMTAG.OLDFILENAMES, ['/etc/a', '/usr/../../b', 'rel/c'])]);
    expect(parseRpmHeader(blob)).toEqual({ name: 'p', version: '1', release: '2', epoch: 0, arch: null, size: null, license: null, sourceRpm: null, files: ['/etc/a', '/b', '/rel/c'] });
  });

  it('prefers LONGSIZE (64-bit, packages over 4 GiB) to SIZE', () => {
    const longSize = Buffer.alloc(8);
    longSize.writeBigUInt64BE(5_000_000_000n);
    const blob = header([...nevr, int32s(RPMTAG.SIZE, [1234]), { tag: RPMTAG.LONGSIZE, type: 5, count: 1, data: longSize }]);
    expect(parseRpmHeader(blob).size).toBe(5_000_000_000);
    expect(parseRpmHeader(header([...nevr, int32s(RPMTAG.SIZE, [1234])])).size).toBe(1234);
  });

  it('refuses counts and offsets that do not fit the header', () => {
    const cases: [Buffer, string][] = [
      [Buffer.alloc(5), 'header of 5 bytes is shorter than its preamble'],
      [header(nevr, { entryCount: 0 }), 'header claims 0 index entries'],
      [header(nevr, { entryCount: 0x10000 }), 'header claims 65536 index entries'],
      [header(nevr, { dataLength: 0x7fffffff }), 'header claims a data store of 2147483647 bytes'],
      [header(nevr, { entryCount: 1000 }), 'header claims 1000 entries and 6 bytes of data, more than its 62 bytes'],
      [header([...nevr, { ...str(RPMTAG.ARCH, 'x'), offset: 99 }]), 'tag 1022: offset 99 is past the data store (8 bytes)'],
      [header([...nevr, { tag: RPMTAG.LICENSE, type: 6, count: 1, data: Buffer.from('no end') }]), 'tag 1014: a string runs past the data store'],
      [header([...nevr, { ...strs(RPMTAG.BASENAMES, ['a']), count: 0x7fffffff }]), 'tag 1117 claims 2147483647 strings in 2 bytes'],
      [header([...nevr, { ...int32s(RPMTAG.DIRINDEXES, [0]), count: 0x40000000 }, strs(RPMTAG.BASENAMES, ['a']), strs(RPMTAG.DIRNAMES, ['/'])]), 'tag 1116 claims 1073741824 integers past the data store'],
      [header([...nevr, int32s(RPMTAG.DIRINDEXES, [3]), strs(RPMTAG.BASENAMES, ['a']), strs(RPMTAG.DIRNAMES, ['/'])]), 'file a names folder 3 of 1'],
      [header([...nevr, int32s(RPMTAG.DIRINDEXES, [0, 0]), strs(RPMTAG.BASENAMES, ['a']), strs(RPMTAG.DIRNAMES, ['/'])]), '1 file names but 2 folder indexes'],
      [header([str(RPMTAG.NAME, 'p'), str(RPMTAG.VERSION, '1')]), 'header has no NAME, VERSION or RELEASE'],
      [header([int32s(RPMTAG.NAME, [7]), str(RPMTAG.VERSION, '1'), str(RPMTAG.RELEASE, '1')]), 'tag 1000 has type 4, not a string'],
    ];
    for (const [blob, message] of cases) expect(() => parseRpmHeader(blob), message).toThrow(message);
  });
});
