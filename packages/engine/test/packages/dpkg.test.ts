import { describe, expect, it } from 'vitest';
import { DEFAULT_PACKAGE_LIMITS, readDpkg, type PackageLimits } from '../../src/index.js';
import { memoryFiles } from './memory-files.js';

const limits: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS };

const STATUS = [
  'Package: libc6',
  'Status: install ok installed',
  'Priority: optional',
  'Installed-Size: 12987',
  'Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>',
  'Architecture: amd64',
  'Multi-Arch: same',
  'Source: glibc (2.36-9+deb12u4)',
  'Version: 2.36-9+deb12u4',
  'Conffiles:',
  ' /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab',
  'Description: GNU C Library: Shared libraries',
  ' Contains the standard libraries that are used by nearly all programs on',
  ' .',
  ' the system.',
  '',
  '',
  'Package: held-pkg',
  'Status: hold ok installed',
  'Architecture: all',
  'Version: 1:2.0~rc1',
  'Installed-Size: garbage',
  '',
  'Package: gone',
  'Status: deinstall ok config-files',
  'Architecture: amd64',
  'Version: 1.0',
  '',
  'Package: half',
  'Status: install reinstreq half-installed',
  'Architecture: amd64',
  'Version: 1.0',
  '',
  'Package: crlf',
  'Status: install ok installed',
  'Architecture: amd64',
  'Version: 3',
  'Installed-Size: 1',
].join('\n').replace('Version: 3\n', 'Version: 3\r\n');

describe('dpkg status', () => {
  it('keeps installed packages only, with their fields, multi-line fields and file lists', async () => {
    const files = memoryFiles({
      '/var/lib/dpkg/status': `${STATUS}\n`,
      '/var/lib/dpkg/info/libc6:amd64.list': '/.\n/etc\n/etc/ld.so.conf.d/x86_64-linux-gnu.conf\n/lib/x86_64-linux-gnu/libc.so.6\n',
      '/var/lib/dpkg/info/libc6.list': '/wrong\n',
      '/var/lib/dpkg/info/held-pkg.list': '/usr/bin/held\n',
    });
    const db = (await readDpkg(files, limits))!;
    expect(db.location).toBe('/var/lib/dpkg/status');
    expect(db.warnings).toEqual([]);
    expect(db.packages.map((p) => p.name)).toEqual(['libc6', 'held-pkg', 'crlf']);
    const [libc, held, crlf] = db.packages;
    expect(libc).toEqual({
      ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u4', arch: 'amd64', source: 'glibc (2.36-9+deb12u4)', license: null,
      installedSize: 12987 * 1024, files: ['/etc', '/etc/ld.so.conf.d/x86_64-linux-gnu.conf', '/lib/x86_64-linux-gnu/libc.so.6'],
    });
    expect(held).toMatchObject({ version: '1:2.0~rc1', arch: 'all', installedSize: null, files: ['/usr/bin/held'], source: null });
    expect(crlf).toMatchObject({ version: '3', installedSize: 1024, files: [] });
  });

  it('reads distroless status.d stanzas with their md5sums file lists', async () => {
    const files = memoryFiles({
      '/var/lib/dpkg/status.d/base-files': 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nInstalled-Size: 341\n',
      '/var/lib/dpkg/status.d/base-files.md5sums': 'f1e8f0b0e8d3e1a0b6c2d0e1f2a3b4c5  etc/debian_version\n0123456789abcdef0123456789abcdef  usr/share/../lib/os-release\n',
      '/var/lib/dpkg/status.d/tzdata': 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n',
    });
    const db = (await readDpkg(files, limits))!;
    expect(db.location).toBe('/var/lib/dpkg/status.d/');
    expect(db.packages.map((p) => [p.name, p.version, p.installedSize, p.files])).toEqual([
      ['base-files', '12.4+deb12u5', 341 * 1024, ['/etc/debian_version', '/usr/lib/os-release']],
      ['tzdata', '2024a-0+deb12u1', null, []],
    ]);
  });

  it('is null when the image has no dpkg database', async () => {
    expect(await readDpkg(memoryFiles({ '/etc/os-release': 'ID=alpine\n' }), limits)).toBeNull();
  });
});

describe('dpkg hostile input', () => {
  it('does not read a status file over maxDatabaseBytes (200 MB) and says so', async () => {
    const files = memoryFiles({});
    const huge = { ...files, read: async (path: string, maxBytes: number) => { files.reads.push({ path, maxBytes }); return path === '/var/lib/dpkg/status' ? { tooBig: 200_000_000 } : null; } };
    const db = (await readDpkg(huge, { ...limits, maxDatabaseBytes: 64 * 1024 * 1024 }))!;
    expect(db.packages).toEqual([]);
    expect(db.warnings).toEqual(['/var/lib/dpkg/status is 200000000 bytes, over the limit of 67108864: not read']);
    expect(files.reads.every((r) => r.maxBytes <= 64 * 1024 * 1024)).toBe(true);
  });

  it('skips the stanza holding a 10 MB line and keeps the others', async () => {
    const long = `Description: ${'x'.repeat(10 * 1024 * 1024)}`;
    const status = `Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: install ok installed\n${long}\nVersion: 2\n\nPackage: c\nStatus: install ok installed\nVersion: 3\n`;
    const db = (await readDpkg(memoryFiles({ '/var/lib/dpkg/status': status }), limits))!;
    expect(db.packages.map((p) => p.name)).toEqual(['a', 'c']);
    expect(db.warnings).toEqual([`/var/lib/dpkg/status: line 7 is longer than ${limits.maxLineBytes} bytes; its stanza is skipped`]);
  });

  it('skips a stanza whose continuation lines add up past the line limit', async () => {
    const cont = Array.from({ length: 20 }, () => ` ${'y'.repeat(1000)}`).join('\n');
    const status = `Package: a\nStatus: install ok installed\nVersion: 1\nDescription: d\n${cont}\n\nPackage: c\nStatus: install ok installed\nVersion: 3\n`;
    const db = (await readDpkg(memoryFiles({ '/var/lib/dpkg/status': status }), { ...limits, maxLineBytes: 10_000 }))!;
    expect(db.packages.map((p) => p.name)).toEqual(['c']);
    expect(db.warnings).toHaveLength(1);
  });

  it('normalises .. in .list paths and drops those climbing above the root', async () => {
    const list = ['/usr/bin/../lib/x', '/../../etc/passwd', '/a/b/../../../../..', '/usr/./share//doc/', '/'.concat('../'.repeat(1000), 'x')].join('\n');
    const db = (await readDpkg(memoryFiles({ '/var/lib/dpkg/status': 'Package: p\nStatus: install ok installed\nVersion: 1\n', '/var/lib/dpkg/info/p.list': list }), limits))!;
    expect(db.packages[0].files).toEqual(['/usr/lib/x', '/usr/share/doc']);
    expect(db.warnings).toEqual(['/var/lib/dpkg/info/p.list: 3 paths climbing above the root (..) dropped']);
  });

  it('replaces invalid UTF-8 and warns', async () => {
    const status = Buffer.concat([Buffer.from('Package: p\nStatus: install ok installed\nVersion: 1\nMaintainer: J'), Buffer.from([0xff, 0xfe]), Buffer.from('rg\nSource: s\xe9\n', 'latin1')]);
    const db = (await readDpkg(memoryFiles({ '/var/lib/dpkg/status': status }), limits))!;
    expect(db.packages[0]).toMatchObject({ name: 'p', version: '1', source: 's\uFFFD' });
    expect(db.warnings).toEqual(['/var/lib/dpkg/status is not valid UTF-8: the bytes that are not were replaced with U+FFFD']);
  });

  it('keeps at most maxPackages packages', async () => {
    const status = Array.from({ length: 50 }, (_, i) => `Package: p${i}\nStatus: install ok installed\nVersion: 1\n`).join('\n');
    const db = (await readDpkg(memoryFiles({ '/var/lib/dpkg/status': status }), { ...limits, maxPackages: 10 }))!;
    expect(db.packages).toHaveLength(10);
    expect(db.warnings).toEqual(['/var/lib/dpkg/status: more than 10 packages; only the first 10 are kept']);
  });

  it('stops reading file lists past their total bound', async () => {
    const files: Record<string, string> = { '/var/lib/dpkg/status': Array.from({ length: 10 }, (_, i) => `Package: p${i}\nStatus: install ok installed\nVersion: 1\n`).join('\n') };
    for (let i = 0; i < 10; i++) files[`/var/lib/dpkg/info/p${i}.list`] = `/usr/share/p${i}/${'f'.repeat(900)}\n`;
    const db = (await readDpkg(memoryFiles(files), { ...limits, maxDatabaseBytes: 1000 }))!;
    expect(db.packages.filter((p) => p.files.length > 0)).toHaveLength(4);
    expect(db.warnings.some((w) => w.includes('the packages from p4 on have no files'))).toBe(true);
  });
});
