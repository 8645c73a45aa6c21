/**
 * Hostile layer entries: names that climb out, symlinks that point away, links to nowhere,
 * duplicates, whiteouts that contradict, device nodes, huge names and numbers, sparse files.
 * Each layer is wrapped in an otherwise honest `docker save` archive.
 */
import type { HostileCase } from './cases.js';
import { dockerArchive } from './image.js';
import { base256, dir, file, hardlink, header, item, pad, pax, symlink, tar, type Item, END } from './tar.js';

/** A marker no real file has: the tests look for it on the host after every ingest. */
export const ESCAPE_MARKER = 'PEEL_ESCAPE_MARKER_5f1c2e';

const one = (items: Item[]): (() => Buffer) => () => dockerArchive([tar(items)]);
const layers = (...ls: Item[][]): (() => Buffer) => () => dockerArchive(ls.map((l) => tar(l)));
const raw = (...blocks: Buffer[]): (() => Buffer) => () => dockerArchive([Buffer.concat([...blocks, END])]);

/** A GNU old-style sparse entry: `realSize` bytes with one data region at `offset`. */
function gnuSparse(name: string, data: Buffer, offset: number, realSize: number): Buffer {
  const sparse = Buffer.alloc(24);
  sparse.write(`${offset.toString(8).padStart(11, '0')}\0`, 0, 'latin1');
  sparse.write(`${data.length.toString(8).padStart(11, '0')}\0`, 12, 'latin1');
  const h = header({ name, type: 'S', size: data.length, magic: 'gnu', edits: [[386, sparse], [483, `${realSize.toString(8).padStart(11, '0')}\0`]] });
  return Buffer.concat([h, data, pad(data.length)]);
}

export const entryCases: HostileCase[] = [
  {
    name: 'dotdot-names',
    about: 'entry names with ../',
    bytes: one([file(`../../../../../../tmp/${ESCAPE_MARKER}`, 'escaped?'), file(`a/../../../${ESCAPE_MARKER}-2`, 'x')]),
    expect: { ingest: ['PATH_ESCAPE'] },
    merged: { has: [`tmp/${ESCAPE_MARKER}`, `${ESCAPE_MARKER}-2`] },
  },
  {
    name: 'absolute-names',
    about: 'absolute paths',
    bytes: one([dir('/etc/'), file(`/tmp/${ESCAPE_MARKER}-abs`, 'abs'), file('//double/slash', 'x')]),
    expect: { ingest: [] },
    merged: { has: ['etc', `tmp/${ESCAPE_MARKER}-abs`, 'double/slash'] },
  },
  {
    name: 'dot-and-empty-names',
    about: '`.` and empty names',
    bytes: one([dir('.'), dir('./'), file('', 'nameless'), file('./.', 'dot file'), file('a/./b/.//c', 'c')]),
    expect: { ingest: ['EMPTY_NAME'] },
    merged: { has: ['a/b/c'] },
  },
  {
    name: 'symlink-to-etc-passwd',
    about: 'symlinks to /etc/passwd',
    bytes: one([symlink('passwd-link', '/etc/passwd'), symlink('shadow-link', '../../../../etc/shadow')]),
    expect: { ingest: [] },
    merged: { has: ['passwd-link', 'shadow-link'], lacks: ['etc/passwd'] },
  },
  {
    name: 'symlink-to-dotdot',
    about: 'symlinks to ../../..',
    bytes: one([symlink('up', '../../..'), symlink('root', '/'), file('up/escaped', 'x')]),
    expect: { ingest: ['WRITE_THROUGH_NON_DIRECTORY'] },
    merged: { has: ['root', 'up/escaped'] },
  },
  {
    name: 'symlink-chains-and-loops',
    about: 'chains and loops of symlinks',
    bytes: one([
      file('target', 'end of the chain'),
      ...Array.from({ length: 50 }, (_, i) => symlink(`chain${i}`, i === 49 ? 'target' : `chain${i + 1}`)),
      symlink('loop-a', 'loop-b'),
      symlink('loop-b', 'loop-a'),
      symlink('self', 'self'),
      symlink('dir-loop', '.'),
    ]),
    expect: { ingest: [] },
    merged: { has: ['chain0', 'loop-a', 'self'] },
  },
  {
    name: 'write-through-symlinked-parent',
    about: 'a file written "through" a symlinked parent',
    bytes: layers(
      [symlink('etc', `/tmp/${ESCAPE_MARKER}-dir`), symlink('lib', '/')],
      [file('etc/passwd', 'root::0:0::/:/bin/sh\n'), file('lib/usr/escape', 'x')],
    ),
    expect: { ingest: ['WRITE_THROUGH_NON_DIRECTORY'] },
    merged: { has: ['etc/passwd', 'lib/usr/escape'] },
  },
  {
    name: 'write-through-symlink-same-layer',
    about: 'a file written "through" a symlinked parent (same layer)',
    bytes: one([symlink('sub', '/'), file('sub/etc/shadow', 'x')]),
    expect: { ingest: ['WRITE_THROUGH_NON_DIRECTORY'] },
    merged: { has: ['sub/etc/shadow'] },
  },
  {
    name: 'hardlinks-to-nowhere',
    about: 'hard links to missing targets, to later entries, to outside the root',
    bytes: one([
      hardlink('to-missing', 'no/such/file'),
      hardlink('to-later', 'later'),
      file('later', 'later content'),
      hardlink('to-outside', '../../../../etc/passwd'),
      hardlink('to-absolute', '/etc/hostname'),
      hardlink('to-self', 'to-self'),
    ]),
    expect: { ingest: ['HARDLINK_MISSING_TARGET'] },
    merged: { has: ['to-missing', 'to-later', 'later', 'to-outside'] },
  },
  {
    name: 'hardlink-to-directory',
    about: 'hard links to outside the root (a directory target)',
    bytes: one([dir('d/'), file('d/f', 'x'), hardlink('d-link', 'd')]),
    expect: { ingest: [] },
    merged: { has: ['d/f', 'd-link'] },
  },
  {
    name: 'deep-path',
    about: '10,000-level deep paths',
    bytes: one([file(`${'a/'.repeat(10_000)}deep.txt`, 'deep')]),
    expect: { refuse: ['LIMIT_EXCEEDED'] },
  },
  {
    name: 'long-name',
    about: '64 KiB names',
    bytes: one([file('n'.repeat(64 * 1024), 'long name')]),
    expect: { refuse: ['LIMIT_EXCEEDED'] },
  },
  {
    name: 'long-component',
    about: 'a 300-byte name component (past NAME_MAX, under PATH_MAX)',
    bytes: one([file(`d/${'c'.repeat(300)}`, 'x')]),
    expect: { ingest: ['NAME_TOO_LONG'] },
    merged: { has: [`d/${'c'.repeat(300)}`] },
  },
  {
    name: 'negative-size',
    about: 'negative sizes',
    bytes: raw(header({ name: 'neg', sizeField: base256(-1) })),
    expect: { refuse: ['BAD_TAR_HEADER'] },
  },
  {
    name: 'base256-size',
    about: 'base-256 sizes',
    bytes: raw(header({ name: 'b256', sizeField: base256(5) }), Buffer.from('hello'), pad(5)),
    expect: { ingest: [] },
    merged: { has: ['b256'] },
  },
  {
    name: 'base256-overflow',
    about: 'base-256 sizes past 2^53',
    bytes: raw(header({ name: 'big', sizeField: base256(2n ** 90n) })),
    expect: { refuse: ['BAD_TAR_HEADER'] },
  },
  {
    name: 'declared-8gib-missing',
    about: 'a single file of 8 GiB declared size that is not there',
    bytes: () => dockerArchive([Buffer.concat([header({ name: 'huge.bin', size: 8 * 1024 ** 3 }), Buffer.alloc(4096, 0x42)])]),
    expect: { refuse: ['TRUNCATED'] },
  },
  {
    name: 'sparse-gnu',
    about: 'sparse entries (old GNU)',
    bytes: raw(gnuSparse('sparse.bin', Buffer.from('DATA'.repeat(128)), 4096, 1024 * 1024)),
    expect: { ingest: ['SPARSE_FILE'] },
    merged: { has: ['sparse.bin'] },
    // Holes read as zeros, as Docker extracts them: 4096 zeros, the data, zeros up to 1 MiB.
    content: [{ path: 'sparse.bin', bytes: () => Buffer.concat([Buffer.alloc(4096), Buffer.from('DATA'.repeat(128)), Buffer.alloc(1024 * 1024 - 4096 - 512)]) }],
  },
  {
    name: 'sparse-pax',
    about: 'sparse entries (PAX 0.1)',
    bytes: raw(pax([['GNU.sparse.major', '0'], ['GNU.sparse.minor', '1'], ['GNU.sparse.name', 'pax-sparse.bin'], ['GNU.sparse.realsize', '65536'], ['GNU.sparse.numblocks', '1'], ['GNU.sparse.map', '1024,512']]), item(file('GNUSparseFile.0/pax-sparse.bin', Buffer.alloc(512, 0x53)))),
    expect: { ingest: ['SPARSE_FILE'] },
    merged: { has: ['pax-sparse.bin'] },
    content: [{ path: 'pax-sparse.bin', bytes: () => Buffer.concat([Buffer.alloc(1024), Buffer.alloc(512, 0x53), Buffer.alloc(65536 - 1024 - 512)]) }],
  },
  {
    name: 'sparse-lies',
    about: 'sparse entries whose map lies',
    bytes: raw(pax([['GNU.sparse.major', '0'], ['GNU.sparse.minor', '1'], ['GNU.sparse.name', 'liar.bin'], ['GNU.sparse.realsize', '100'], ['GNU.sparse.numblocks', '1'], ['GNU.sparse.map', '4096,512']]), item(file('GNUSparseFile.0/liar.bin', Buffer.alloc(512)))),
    expect: { refuse: ['BAD_TAR_HEADER'] },
  },
  {
    name: 'duplicate-in-layer',
    about: 'duplicate entries in a layer (`./x` and `x`)',
    bytes: one([file('./x', 'first'), file('x', 'second'), file('./x', 'third')]),
    expect: { ingest: ['DUPLICATE_PATH'] },
    merged: { has: ['x'] },
  },
  {
    name: 'path-and-whiteout',
    about: 'a path and its whiteout in one layer',
    bytes: layers([file('keep', 'base')], [file('gone', 'new'), file('.wh.gone'), file('.wh.keep')]),
    expect: { ingest: ['SAME_LAYER_WHITEOUT'] },
    merged: { has: ['gone'], lacks: ['keep'] },
  },
  {
    name: 'empty-whiteouts',
    about: 'whiteouts with empty names',
    bytes: one([file('.wh.'), file('d/.wh.'), file('.wh..'), file('.wh...')]),
    expect: { ingest: ['BAD_WHITEOUT'] },
  },
  {
    name: 'char-device-0-0',
    about: 'char devices 0:0',
    bytes: layers([file('secret', 'x')], [{ name: 'secret', type: '3', devMajor: 0, devMinor: 0 }, { name: 'dev/null', type: '3', devMajor: 1, devMinor: 3 }]),
    expect: { ingest: ['CHAR_DEVICE_0_0'] },
    merged: { has: ['secret', 'dev/null'] },
  },
  {
    name: 'fifos-and-devices',
    about: 'fifos',
    bytes: one([{ name: 'pipe', type: '6' }, { name: 'disk', type: '4', devMajor: 8, devMinor: 0 }, { name: 'odd', type: 'Z' }]),
    expect: { ingest: ['UNSUPPORTED_ENTRY'] },
    merged: { has: ['pipe', 'disk'] },
  },
  {
    name: 'size-on-header-only-types',
    about: 'header-only types that claim data',
    bytes: raw(header({ name: 'd', type: '5', size: 1024 }), header({ name: 'f', size: 0 })),
    expect: { ingest: [] },
    merged: { has: ['d', 'f'] },
  },
];
