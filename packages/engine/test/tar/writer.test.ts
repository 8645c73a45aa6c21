/**
 * TarWriter round trips: what it writes reads back through TarParser exactly, lists the same in
 * GNU tar, and extracts with GNU tar to the same bytes, names and xattrs.
 */
import { readFileSync, writeFileSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeName } from '../../src/tar/names.js';
import { TarWriter, type TarWriteHeader } from '../../src/tar/writer.js';
import { asListed, expectBytes, gnuTar, listWithGnuTar, makeTmpDir, parseEveryWay } from './helpers.js';

const tmp = makeTmpDir();
afterAll(() => tmp.remove());

function memorySink(): { sink: { write(c: Buffer): Promise<void> }; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  return { sink: { write: async (c) => void parts.push(Buffer.from(c)) }, bytes: () => Buffer.concat(parts) };
}

async function* chunks(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

const NON_UTF8 = `raw-${String.fromCharCode(0xdcff, 0xdcfe)}`;
// VFS_CAP_REVISION_2, effective, permitted = cap_net_bind_service + cap_setfcap (bit 31: byte 0x80).
const CAP = Buffer.from([1, 0, 0, 2, 0, 4, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const XATTRS = { 'security.capability': CAP, 'user.bin': Buffer.from([0, 0xff, 0x80, 0x0a, 0xfe]) };
const LONG = `${'segment-of-a-long-path/'.repeat(9)}leaf-${'x'.repeat(110)}.bin`; // > 255 bytes
const BIG_DATA = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff));
const base = { mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1_704_067_200 };

const ENTRIES: Array<[TarWriteHeader, Buffer | null]> = [
  [{ ...base, name: 'dir', type: 'dir', size: 0, mode: 0o755 }, null],
  [{ ...base, name: 'dir/file.txt', type: 'file', size: 6 }, Buffer.from('hello\n')],
  [{ ...base, name: 'dir/empty', type: 'file', size: 0 }, Buffer.alloc(0)],
  [{ ...base, name: 'dir/streamed', type: 'file', size: BIG_DATA.length, mode: 0o4755 }, BIG_DATA],
  [{ ...base, name: LONG, type: 'file', size: 4 }, Buffer.from('long')],
  [{ ...base, name: 'ünïcødé/日本語.txt', type: 'file', size: 7, uname: 'ユーザー' }, Buffer.from('unicode')],
  [{ ...base, name: NON_UTF8, type: 'file', size: 3 }, Buffer.from('raw')],
  [{ ...base, name: 'capped', type: 'file', size: 2, xattrs: XATTRS }, Buffer.from('ok')],
  [{ ...base, name: 'big-ids', type: 'file', size: 1, uid: 3_000_000, gid: 3_000_001, uname: 'big', gname: 'big' }, Buffer.from('i')],
  [{ ...base, name: 'fraction', type: 'file', size: 1, mtime: 1_704_067_200.5 }, Buffer.from('f')],
  [{ ...base, name: 'dir/hard', type: 'hardlink', size: 0, linkName: 'dir/file.txt' }, null],
  [{ ...base, name: 'dir/sym', type: 'symlink', size: 0, linkName: `../${'t'.repeat(140)}`, mode: 0o777 }, null],
  [{ ...base, name: 'devs/null', type: 'char', size: 0, devMajor: 1, devMinor: 3, mode: 0o666 }, null],
  [{ ...base, name: 'devs/sda', type: 'block', size: 0, devMajor: 8, devMinor: 0, mode: 0o660 }, null],
  [{ ...base, name: 'devs/pipe', type: 'fifo', size: 0 }, null],
];

async function writeAll(): Promise<{ buf: Buffer; writer: TarWriter }> {
  const out = memorySink();
  const writer = new TarWriter(out.sink);
  for (const [h, data] of ENTRIES) {
    if (h.name === 'dir/streamed') await writer.add(h, chunks(data as Buffer, 4093));
    else await writer.add(h, data ?? undefined);
  }
  await writer.finish();
  return { buf: out.bytes(), writer };
}

describe('TarWriter', () => {
  it('reads back through TarParser: every field, data and offset', async () => {
    const { buf, writer } = await writeAll();
    expect(writer.bytes).toBe(buf.length);
    expect(buf.length % 512).toBe(0);
    expect(buf.subarray(-1024).every((c) => c === 0)).toBe(true);
    const parsed = parseEveryWay(buf);
    expect(parsed.finished).toBe(true);
    expect(parsed.offset).toBe(buf.length);
    parsed.entries.forEach(({ header: got, data }, i) => {
      const [want, body] = ENTRIES[i];
      expect(got).toMatchObject({
        name: want.type === 'dir' ? `${want.name}/` : want.name,
        type: want.type, mode: want.mode, uid: want.uid, gid: want.gid, uname: want.uname, gname: want.gname,
        size: want.size, mtime: want.mtime, linkName: want.linkName ?? '', devMajor: want.devMajor ?? 0, devMinor: want.devMinor ?? 0,
      });
      expect(got.xattrs ?? undefined).toEqual(want.xattrs);
      expectBytes(data, body ?? Buffer.alloc(0), want.name);
      expectBytes(buf.subarray(got.dataOffset, got.dataOffset + got.size), body ?? Buffer.alloc(0), `${want.name} by offset`);
    });
  });

  it('lists the same in GNU tar, and GNU tar extracts the same bytes, names and xattrs', async () => {
    const { buf } = await writeAll();
    const file = join(tmp.dir, 'written.tar');
    writeFileSync(file, buf);
    expect(listWithGnuTar(file)).toEqual(parseEveryWay(buf).entries.map((e) => asListed(e.header)));

    // Devices need privileges to create, so they are only listed.
    const out = join(tmp.dir, 'out');
    mkdirSync(out);
    gnuTar(['-xf', file, '--xattrs', '--xattrs-include=*', '--exclude=devs', '-C', out]);
    for (const [h, data] of ENTRIES) {
      const path = Buffer.from(encodeName(join(out, h.name)));
      if (h.type === 'file') expectBytes(readFileSync(path), data as Buffer, h.name);
      if (h.type === 'symlink') expect(readlinkSync(path, 'utf8')).toBe(h.linkName);
      if (h.type === 'hardlink') expect(statSync(path).ino).toBe(statSync(join(out, h.linkName ?? '')).ino);
    }
    // GNU tar wrote the xattrs to disk; archive the file again and read the values back.
    const again = gnuTar(['-cf', '-', '--xattrs', '--xattrs-include=*', '--format=pax', '-C', out, 'capped']);
    expect(parseEveryWay(again).entries[0].header.xattrs).toEqual(XATTRS);
  });

  it('checks body sizes and refuses misuse', async () => {
    const w = new TarWriter(memorySink().sink);
    const f = { ...base, name: 'f', type: 'file' as const, size: 4 };
    await expect(w.add(f, Buffer.from('abc'))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    await expect(w.add(f, chunks(Buffer.from('abcdef'), 2))).rejects.toThrow(/declares 4 bytes but its body has at least 6/);
    await expect(w.add(f, chunks(Buffer.from('ab'), 1))).rejects.toThrow(/declares 4 bytes but its body has 2/);
    await expect(w.add(f)).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    await expect(w.add({ ...base, name: 'd', type: 'dir', size: 0 }, Buffer.from('x'))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    await expect(w.add({ ...base, name: 'l', type: 'symlink', size: 3, linkName: 'x' })).rejects.toThrow(/has no data/);
    const slow = new TarWriter({ write: () => new Promise((r) => setTimeout(r, 5)) });
    const first = slow.add({ ...f, size: 0 });
    await expect(slow.add({ ...f, size: 0 })).rejects.toThrow(/before the previous add/);
    await first;
  });
});
