import { describe, expect, it } from 'vitest';
import { APK_INSTALLED, APK_INSTALLED_USR, apkReader, parseApkInstalled } from '../../src/packages/apk.js';
import { LIMITS, memoryLayer } from './rpm-apk-layer-files.js';

// Written by hand the way apk-tools writes lib/apk/db/installed (apk_db_fdb_write): the package's
// index fields, then r:/q:/s:/f:, then each owned folder (F:, its M: ACL) and the files in it
// (R:, their a: ACL and Z: digest), and a blank line after each package.
const MUSL = `C:Q1Ssn0sw5zb0Vrmu8g2jdOkEgDCuk=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:667648
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1700000000
c:0123456789abcdef0123456789abcdef01234567
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1yv3bMxT3SlTRy6gZ6ZQ0+hQ8Uv4=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=
`;

const BUSYBOX = `C:Q1Q7yLyEfAqt2o1MYf0NWOehCHtDg=
P:busybox
V:1.36.1-r15
A:x86_64
S:509253
I:946176
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700000001
D:so:libc.musl-x86_64.so.1
r:busybox-initscripts
F:bin
R:busybox
a:0:0:755
Z:Q1rWCd4mGuHuPX0ZYlgSqRVFEEy3A=
F:etc
R:securetty
Z:Q1KN6SoBVgTA/5MUGMCdTSmZzf6xY=
F:etc/logrotate.d
M:0:0:750
R:acpid
F:usr/share/udhcpc
R:default.script
`;

// A virtual package from `apk add --virtual`: index fields only, no folders, no files.
const VIRTUAL = `P:.build-deps
V:20261206.120000
A:noarch
S:0
I:0
T:virtual meta package
D:gcc make
`;

const expected = [
  {
    ecosystem: 'apk',
    name: 'musl',
    version: '1.2.4_git20230717-r4',
    arch: 'x86_64',
    source: 'musl',
    license: 'MIT',
    installedSize: 667648,
    files: ['/lib', '/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1'],
  },
  {
    ecosystem: 'apk',
    name: 'busybox',
    version: '1.36.1-r15',
    arch: 'x86_64',
    source: 'busybox',
    license: 'GPL-2.0-only',
    installedSize: 946176,
    files: ['/bin', '/bin/busybox', '/etc', '/etc/securetty', '/etc/logrotate.d', '/etc/logrotate.d/acpid', '/usr/share/udhcpc', '/usr/share/udhcpc/default.script'],
  },
  { ecosystem: 'apk', name: '.build-deps', version: '20261206.120000', arch: 'noarch', source: null, license: null, installedSize: 0, files: [] },
];

const database = `${MUSL}\n${BUSYBOX}\n${VIRTUAL}\n`;

describe('apk installed database', () => {
  it('reads name, version, arch, origin, licence, installed size and owned folders and files', async () => {
    const parsed = await apkReader.read(memoryLayer({ [APK_INSTALLED]: database }), LIMITS);
    expect(parsed).toEqual({ location: APK_INSTALLED, packages: expected, warnings: [] });
  });

  it('is null where the image has no apk database', async () => {
    expect(await apkReader.read(memoryLayer({ '/var/lib/dpkg/status': 'Package: x\n' }), LIMITS)).toBeNull();
    expect(apkReader.watches).toEqual([APK_INSTALLED, APK_INSTALLED_USR]);
  });

  it('reads /usr/lib/apk/db/installed where only the merged-/usr path is there', async () => {
    const parsed = await apkReader.read(memoryLayer({ [APK_INSTALLED_USR]: database }), LIMITS);
    expect(parsed).toEqual({ location: APK_INSTALLED_USR, packages: expected, warnings: [] });
  });

  it('reads CRLF line ends, a missing trailing newline and extra blank lines alike', async () => {
    const crlf = database.replace(/\n/g, '\r\n');
    expect(parseApkInstalled(Buffer.from(crlf), LIMITS).packages).toEqual(expected);
    const noTrailingNewline = `${MUSL}\n${BUSYBOX}\n${VIRTUAL.trimEnd()}`;
    expect(parseApkInstalled(Buffer.from(noTrailingNewline), LIMITS)).toEqual({ location: APK_INSTALLED, packages: expected, warnings: [] });
    const extraBlanks = `\n\n${MUSL}\n\n\n${BUSYBOX}\n\r\n${VIRTUAL}\n\n`;
    expect(parseApkInstalled(Buffer.from(extraBlanks), LIMITS).packages).toEqual(expected);
  });

  it('skips a continuation line (apk has none) with a warning, keeping the package whole', async () => {
    const multiLine = MUSL.replace('T:the musl c library (libc) implementation\n', 'T:the musl c library\n  (libc) implementation\nwrapped again\n');
    const parsed = parseApkInstalled(Buffer.from(`${multiLine}\n${VIRTUAL}`), LIMITS);
    expect(parsed.packages).toEqual([expected[0], expected[2]]);
    expect(parsed.warnings).toEqual([`${APK_INSTALLED}: 2 line(s) not of the form X:value skipped (apk has no continuation lines) (first: line 8)`]);
  });

  it('keeps the first of a package listed twice, and warns of blocks without a name and files without a folder', () => {
    const text = `${MUSL}\nV:1.0\nA:x86_64\n\nP:musl\nV:9.9\n\nP:orphan\nV:1\nR:lost\nF:ok\nR:found\n`;
    const parsed = parseApkInstalled(Buffer.from(text), LIMITS);
    expect(parsed.packages.map((p) => [p.name, p.version, p.files])).toEqual([
      ['musl', '1.2.4_git20230717-r4', expected[0]!.files],
      ['orphan', '1', ['/ok', '/ok/found']],
    ]);
    expect(parsed.warnings).toEqual([
      `${APK_INSTALLED}: 1 block(s) without P: (package name) skipped (first: ending at line 25)`,
      `${APK_INSTALLED}: 1 package(s) listed twice, the first kept (first: musl)`,
      `${APK_INSTALLED}: 1 file(s) before any F: folder skipped (first: line 31)`,
    ]);
  });
});

describe('apk installed database, hostile', () => {
  it('clamps `..` in folders and files at the root', () => {
    const text = 'P:evil\nV:1\nF:../../etc\nR:../../../shadow\nF:usr/./lib//x/..\nR:a/../b\n';
    expect(parseApkInstalled(Buffer.from(text), LIMITS).packages[0]!.files).toEqual(['/etc', '/shadow', '/usr/lib', '/usr/lib/b']);
  });

  it('skips lines over the line limit and stops at the package limit, saying so', () => {
    const long = `P:big\nV:1\nT:${'x'.repeat(5000)}\nF:usr\nR:${'y'.repeat(5000)}\nR:ok\n`;
    const many = Array.from({ length: 50 }, (_, i) => `P:p${i}\nV:1\n`).join('\n');
    const parsed = parseApkInstalled(Buffer.from(`${long}\n${many}`), { ...LIMITS, maxLineBytes: 4096, maxPackages: 10 });
    expect(parsed.packages).toHaveLength(10);
    expect(parsed.packages[0]).toMatchObject({ name: 'big', files: ['/usr', '/usr/ok'] });
    expect(parsed.warnings).toEqual([
      `${APK_INSTALLED}: 2 line(s) longer than 4096 bytes skipped (first: line 3)`,
      `${APK_INSTALLED}: more than 10 packages; only the first 10 are kept`,
    ]);
  });

  it('counts a problem repeated a hundred thousand times in one warning', () => {
    const text = 'V:1\n\nR:x\n\n'.repeat(50_000) + 'P:dup\nV:1\n\n'.repeat(3);
    const parsed = parseApkInstalled(Buffer.from(text), LIMITS);
    expect(parsed.packages.map((p) => p.name)).toEqual(['dup']);
    expect(parsed.warnings).toEqual([
      `${APK_INSTALLED}: 100000 block(s) without P: (package name) skipped (first: ending at line 2)`,
      `${APK_INSTALLED}: 50000 file(s) before any F: folder skipped (first: line 3)`,
      `${APK_INSTALLED}: 2 package(s) listed twice, the first kept (first: dup)`,
    ]);
  });

  it('does not read a database over the size limit', async () => {
    const parsed = await apkReader.read(memoryLayer({ [APK_INSTALLED]: database }), { ...LIMITS, maxDatabaseBytes: 100 });
    expect(parsed).toEqual({ location: APK_INSTALLED, packages: [], warnings: [`${APK_INSTALLED} is ${Buffer.byteLength(database)} bytes, over the limit of 100; not read`] });
  });

  it('survives invalid UTF-8, NUL bytes, a bad size and random bytes', () => {
    const bytes = Buffer.concat([Buffer.from('P:caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\nV:1\x00\nI:-12\nI:1e9\nF:\xff\nR:x\n')]);
    const parsed = parseApkInstalled(bytes, LIMITS);
    expect(parsed.packages).toHaveLength(1);
    expect(parsed.packages[0]).toMatchObject({ name: 'caf\ufffd\ufffd', version: '1\x00', installedSize: null });
    let seed = 7;
    const random = Buffer.from(Uint8Array.from({ length: 200_000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
    const parsedRandom = parseApkInstalled(random, LIMITS);
    expect(parsedRandom.packages.length).toBeLessThan(1000);
  });
});
