/**
 * TarParser against archives GNU tar writes at test time, in every format it has: the entries
 * must match `tar -tvf`, file data must match the source files, and every offset must work.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeName } from '../../src/tar/names.js';
import { asListed, expandSparse, expectBytes, gnuTar, listWithGnuTar, parseEveryWay, parseTar, makeTmpDir, type Parsed } from './helpers.js';

const LONG_DIR = `${'long-directory-name-'.repeat(6)}end`;
const LONG_FILE = `${LONG_DIR}/${'f'.repeat(110)}.txt`;
const LONG_TARGET = `../${'t'.repeat(150)}`;
const NON_UTF8 = String.fromCharCode(0xdcff, 0xdcfe); // bytes ff fe on disk
const MTIME = 1_704_067_200; // 2024-01-01

let dir = '';
let cleanup: () => void = () => {};

/** A small tree with every kind of entry GNU tar can archive without special privileges. */
function makeTree(root: string): void {
  const p = (name: string): string => join(root, name);
  mkdirSync(p('d'));
  writeFileSync(p('d/a.txt'), 'hello\n');
  symlinkSync('a.txt', p('d/ln'));
  linkSync(p('d/a.txt'), p('d/hard'));
  mkdirSync(p(LONG_DIR));
  writeFileSync(p(LONG_FILE), 'x'.repeat(1000));
  symlinkSync(LONG_TARGET, p('d/long-link'));
  writeFileSync(Buffer.from(encodeName(`${root}/${NON_UTF8}`)), 'bytes');
  writeFileSync(p('café-日本.txt'), 'unicode\n');
  writeFileSync(p('empty'), '');
  writeFileSync(p('block512'), Buffer.alloc(512, 7));
  writeFileSync(p('block513'), Buffer.alloc(513, 9));
  execFileSync('mkfifo', [p('fifo')]);
  const fd = openSync(p('sparse'), 'w');
  writeSync(fd, Buffer.from('head'), 0, 4, 0);
  writeSync(fd, Buffer.from('middle'), 0, 6, 2 << 20);
  writeSync(fd, Buffer.from('tail'), 0, 4, (5 << 20) - 4);
  closeSync(fd);
  // 150 data regions: old GNU 'S' needs extension blocks, a PAX 1.0 map needs several blocks.
  const holes = openSync(p('many-holes'), 'w');
  for (let i = 0; i < 150; i++) writeSync(holes, `region ${i}`, i * 65536 + 100);
  closeSync(holes);
  writeFileSync(p('old'), 'from 1960');
  utimesSync(p('old'), -315_619_200, -315_619_200);
}

beforeAll(() => {
  const tmp = makeTmpDir();
  dir = tmp.dir;
  cleanup = tmp.remove;
  mkdirSync(join(dir, 'src'));
  makeTree(join(dir, 'src'));
});
afterAll(() => cleanup());

/** Archives `src` plus /dev/null with GNU tar, parses it every way and cross-checks everything. */
function check(name: string, args: string[]): Parsed {
  const file = join(dir, `${name}.tar`);
  gnuTar(['-cf', file, '--sparse', '--mtime=@' + MTIME, ...args, '-C', join(dir, 'src'), '.', '-C', '/', 'dev/null']);
  const buf = readFileSync(file);
  const parsed = parseEveryWay(buf);
  expect(parsed.entries.map((e) => asListed(e.header))).toEqual(listWithGnuTar(file));
  expect(parsed.finished).toBe(true);
  for (const { header: h, data } of parsed.entries) {
    // The indexed offsets read the same bytes back, and parsing can restart at headerOffset.
    expectBytes(buf.subarray(h.dataOffset, h.dataOffset + h.size), data as Buffer, `${h.name} by offset`);
    expect(parseTar(buf.subarray(h.headerOffset)).entries[0].header.name).toBe(h.name);
    if (h.type === 'file' || h.type === 'sparse') {
      const onDisk = readFileSync(Buffer.from(encodeName(join(dir, 'src', h.name))));
      expectBytes(h.sparse ? expandSparse(h, data as Buffer) : data, onDisk, h.name);
    }
  }
  return parsed;
}

const byName = (p: Parsed, name: string) => {
  const e = p.entries.find((x) => x.header.name === name);
  if (!e) throw new Error(`no entry ${name} in ${p.entries.map((x) => x.header.name).join(', ')}`);
  return e.header;
};

describe('TarParser reads GNU tar archives', () => {
  it('--format=gnu: L/K long names, links, devices, fifo, base-256 uid and negative mtime', () => {
    const p = check('gnu', ['--format=gnu', '--owner=big:3000000', '--mtime=@' + MTIME]);
    expect(byName(p, `./${LONG_FILE}`)).toMatchObject({ type: 'file', size: 1000, uid: 3_000_000, uname: 'big' });
    expect(byName(p, './d/long-link')).toMatchObject({ type: 'symlink', linkName: LONG_TARGET, size: 0 });
    expect(byName(p, './d/a.txt')).toMatchObject({ type: 'hardlink', linkName: './d/hard', size: 0 });
    expect(byName(p, `./${NON_UTF8}`).type).toBe('file');
    expect(byName(p, 'dev/null')).toMatchObject({ type: 'char', devMajor: 1, devMinor: 3 });
    expect(byName(p, './fifo').type).toBe('fifo');
    const sparse = byName(p, './sparse');
    expect(sparse).toMatchObject({ typeflag: 'S', type: 'sparse', realSize: 5 << 20 });
    expect(sparse.size).toBeLessThan(64 * 1024);
    const holes = byName(p, './many-holes');
    expect(holes.sparse?.length).toBeGreaterThanOrEqual(150);
    expect(holes.dataOffset - holes.headerOffset).toBeGreaterThan(512); // extension blocks
    // The long name's headerOffset points at its ././@LongLink header, not the entry's own block.
    const long = byName(p, `./${LONG_FILE}`);
    expect(long.dataOffset - long.headerOffset).toBeGreaterThan(512);
  });

  it('--format=pax: PAX path/linkpath/uid/gid, fractional mtimes, globals reported but not applied', () => {
    const p = check('pax', [
      '--format=pax',
      '--owner=big:3000000',
      '--group=grp:3000001',
      '--pax-option=SCHILY.xattr.user.global=1,SCHILY.xattr.user.local:=2',
      '--mtime=@1704067200.25',
    ]);
    const f = byName(p, `./${LONG_FILE}`);
    expect(f).toMatchObject({ uid: 3_000_000, gid: 3_000_001, mtime: 1_704_067_200.25 });
    expect(f.pax?.get('path')?.toString()).toBe(`./${LONG_FILE}`);
    expect(f.xattrs).toEqual({ 'user.local': Buffer.from('2') });
    expect(p.globals).toHaveLength(1);
    expect(p.globals[0].headerOffset).toBe(0);
    expect(p.globals[0].records.get('SCHILY.xattr.user.global')?.toString()).toBe('1');
    expect(byName(p, './d/long-link').linkName).toBe(LONG_TARGET);
    expect(byName(p, `./${NON_UTF8}`).pax?.get('path')).toEqual(encodeName(`./${NON_UTF8}`));
    expect(byName(p, './sparse')).toMatchObject({ type: 'file', realSize: 5 << 20 });
    expect(byName(p, './old').mtime).toBe(1_704_067_200.25);
  });

  for (const version of ['0.0', '0.1', '1.0']) {
    it(`--format=pax --sparse-version=${version}: sparse map and real size`, () => {
      const p = check(`sparse-${version}`, ['--format=pax', `--sparse-version=${version}`]);
      const h = byName(p, './sparse');
      expect(h).toMatchObject({ type: 'file', realSize: 5 << 20 });
      expect(h.sparse?.length).toBeGreaterThanOrEqual(3);
      expect(h.size).toBe(h.sparse?.reduce((n, s) => n + s.length, 0));
      expect(byName(p, './many-holes').sparse?.length).toBeGreaterThanOrEqual(150);
    });
  }

  it('--format=ustar and --format=v7 (short names only)', () => {
    for (const format of ['ustar', 'v7']) {
      const file = join(dir, `${format}.tar`);
      gnuTar(['-cf', file, `--format=${format}`, '-C', join(dir, 'src'), './d/a.txt', './d/ln', './empty', './block513']);
      const p = parseEveryWay(readFileSync(file));
      expect(p.entries.map((e) => asListed(e.header))).toEqual(listWithGnuTar(file));
      expect(byName(p, './block513').size).toBe(513);
    }
  });
});
