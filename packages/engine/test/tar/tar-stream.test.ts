/**
 * Cross-check with tar-stream 3: archives its pack() writes read the same through TarParser and
 * through its extract(); and TarWriter output reads back through extract() too. Where the two
 * differ on purpose (PAX globals), the test says so.
 */
import { describe, expect, it } from 'vitest';
import { extract, pack, type Header } from 'tar-stream';
import { TarWriter } from '../../src/tar/writer.js';
import { pax } from './craft.js';
import { parseEveryWay } from './helpers.js';

interface Seen {
  header: Header;
  data: Buffer;
}

async function readWithTarStream(buf: Buffer): Promise<Seen[]> {
  const ex = extract();
  ex.end(buf);
  const seen: Seen[] = [];
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const chunk of entry) parts.push(chunk as Buffer);
    seen.push({ header: entry.header, data: Buffer.concat(parts) });
  }
  return seen;
}

async function packWithTarStream(add: (p: ReturnType<typeof pack>) => void): Promise<Buffer> {
  const p = pack();
  add(p);
  p.finalize();
  const parts: Buffer[] = [];
  for await (const chunk of p) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const TYPE: Record<string, string> = {
  file: 'file', directory: 'dir', symlink: 'symlink', link: 'hardlink', 'character-device': 'char', 'block-device': 'block', fifo: 'fifo',
};

function compare(ours: ReturnType<typeof parseEveryWay>, theirs: Seen[]): void {
  expect(ours.entries.length).toBe(theirs.length);
  ours.entries.forEach(({ header: h, data }, i) => {
    const t = theirs[i].header;
    expect([h.name, h.type, h.size, h.mode, h.uid, h.gid, h.uname, h.gname, h.mtime], t.name).toEqual([
      t.name, TYPE[t.type ?? 'file'], t.size, t.mode, t.uid, t.gid, t.uname, t.gname, (t.mtime as Date).getTime() / 1000,
    ]);
    expect(h.linkName).toBe(t.linkname ?? '');
    if (h.type === 'char' || h.type === 'block') expect([h.devMajor, h.devMinor]).toEqual([t.devmajor, t.devminor]);
    expect(data?.equals(theirs[i].data)).toBe(true);
  });
}

const when = new Date(1_704_067_200_000);
const longName = `${'deep/'.repeat(30)}${'n'.repeat(120)}`;

describe('tar-stream cross-check', () => {
  it('reads what tar-stream pack() writes, as tar-stream extract() does', async () => {
    const buf = await packWithTarStream((p) => {
      const o = { mtime: when, uid: 1000, gid: 1000, uname: 'user', gname: 'group' };
      p.entry({ ...o, name: 'd', type: 'directory', mode: 0o755 });
      p.entry({ ...o, name: 'd/a.txt', mode: 0o640 }, 'hello');
      p.entry({ ...o, name: 'd/ln', type: 'symlink', linkname: 'a.txt', mode: 0o777 });
      p.entry({ ...o, name: 'd/hard', type: 'link', linkname: 'd/a.txt', mode: 0o640 });
      p.entry({ ...o, name: longName, mode: 0o644 }, Buffer.alloc(1500, 3));
      p.entry({ ...o, name: 'ünïcødé/ファイル', mode: 0o644 }, 'utf8');
      p.entry({ ...o, name: 'with-pax', mode: 0o644, pax: { 'SCHILY.xattr.user.k': 'v' } }, 'x');
      p.entry({ ...o, name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 });
      p.entry({ ...o, name: 'sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 });
      p.entry({ ...o, name: 'pipe', type: 'fifo', mode: 0o644 });
    });
    const ours = parseEveryWay(buf);
    compare(ours, await readWithTarStream(buf));
    expect(ours.entries.find((e) => e.header.name === 'with-pax')?.header.xattrs).toEqual({ 'user.k': Buffer.from('v') });
  });

  it('differs from tar-stream on purpose: a PAX global header is not merged into later entries', async () => {
    // tar-stream's pack() takes no body for a 'g' entry, so that header is made by hand.
    const packed = await packWithTarStream((p) => {
      p.entry({ name: 'after', mtime: when, pax: { 'SCHILY.xattr.user.own': 'o' } }, 'data');
    });
    const buf = Buffer.concat([pax('g', [['SCHILY.xattr.user.global', 'g']]), packed]);
    const ours = parseEveryWay(buf);
    expect(ours.globals).toHaveLength(1);
    expect(ours.entries[0].header.xattrs).toEqual({ 'user.own': Buffer.from('o') });
    const theirs = await readWithTarStream(buf);
    const after = theirs.find((e) => e.header.name === 'after');
    expect(after?.header.pax).toMatchObject({ 'SCHILY.xattr.user.global': 'g', 'SCHILY.xattr.user.own': 'o' });
  });

  it('tar-stream extract() reads what TarWriter writes', async () => {
    const parts: Buffer[] = [];
    const w = new TarWriter({ write: async (c) => void parts.push(Buffer.from(c)) });
    const o = { mode: 0o644, uid: 5, gid: 6, uname: 'u', gname: 'g', mtime: 1_704_067_200 };
    await w.add({ ...o, name: 'dir', type: 'dir', size: 0, mode: 0o755 });
    await w.add({ ...o, name: 'dir/f', type: 'file', size: 3 }, Buffer.from('abc'));
    await w.add({ ...o, name: longName, type: 'file', size: 700 }, Buffer.alloc(700, 1));
    await w.add({ ...o, name: 'ünïcødé', type: 'symlink', size: 0, linkName: `${'t'.repeat(120)}` });
    await w.add({ ...o, name: 'hard', type: 'hardlink', size: 0, linkName: 'dir/f' });
    await w.add({ ...o, name: 'null', type: 'char', size: 0, devMajor: 1, devMinor: 3 });
    await w.finish();
    const buf = Buffer.concat(parts);
    compare(parseEveryWay(buf), await readWithTarStream(buf));
  });
});
