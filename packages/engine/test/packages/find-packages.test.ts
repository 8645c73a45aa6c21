import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackages, findPackagesLazily, packageVersionAt, unownedFiles, type PackageInventory } from '../../src/index.js';
import type { TarItem } from '../build.js';
import { packageImageOf } from './archive-image.js';

const stanza = (name: string, version: string, extra = '') => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nInstalled-Size: 4\n${extra}`;
const status = (...stanzas: string[]): TarItem => ({ name: 'var/lib/dpkg/status', data: stanzas.join('\n') });
const file = (name: string, bytes: number): TarItem => ({ name, data: Buffer.alloc(bytes, 1) });

const LAYERS: TarItem[][] = [
  // 0: a and b installed; /bin is a link to usr/bin (merged /usr), b's list says /bin/b.
  [
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    status(stanza('a', '1.0', 'Source: a-src (0.9)\n'), stanza('b', '1.0')),
    { name: 'var/lib/dpkg/info/a.list', data: '/.\n/usr\n/usr/bin\n/usr/bin/a\n/usr/share/doc/a/copyright\n' },
    { name: 'var/lib/dpkg/info/b.list', data: '/bin/b\n' },
    file('usr/bin/a', 100), file('usr/share/doc/a/copyright', 10), file('usr/bin/b', 50),
  ],
  // 1: a COPY: no package database touched.
  [file('app/big.bin', 1000), file('app/x/y.txt', 5)],
  // 2: c installed.
  [status(stanza('a', '1.0', 'Source: a-src (0.9)\n'), stanza('b', '1.0'), stanza('c', '3')), { name: 'var/lib/dpkg/info/c.list', data: '/bin/c\n' }, file('usr/bin/c', 20)],
  // 3: a upgraded.
  [status(stanza('a', '2.0'), stanza('b', '1.0'), stanza('c', '3')), file('usr/bin/a', 200)],
  // 4: b removed (status rewritten, its list and file deleted).
  [status(stanza('a', '2.0'), stanza('c', '3')), { name: 'var/lib/dpkg/info/.wh.b.list' }, { name: 'usr/bin/.wh.b' }],
  // 5: a downgraded.
  [status(stanza('a', '1.5'), stanza('c', '3'))],
  // 6: language packages.
  [
    { name: 'app/node_modules/left-pad/package.json', data: JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }) },
    file('app/node_modules/left-pad/index.js', 30),
    { name: 'app/node_modules/@scope/x/package.json', data: JSON.stringify({ name: '@scope/x', version: '0.1.0', licenses: [{ type: 'MIT' }] }) },
    { name: 'app/node_modules/left-pad/node_modules/y/package.json', data: JSON.stringify({ name: 'y', version: '2.0.0' }) },
    { name: 'app/node_modules/left-pad/test/package.json', data: '{"name":"not-a-package","version":"0"}' },
    { name: 'usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA', data: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\nbody\n' },
    { name: 'usr/lib/python3/site-packages/requests-2.31.0.dist-info/RECORD', data: 'requests/__init__.py,sha256=x,7\nrequests-2.31.0.dist-info/METADATA,,\nrequests-2.31.0.dist-info/RECORD,,\n"requests/we,ird.py",,\n../../../bin/req,,\n' },
    file('usr/lib/python3/site-packages/requests/__init__.py', 7),
    file('usr/lib/python3/site-packages/requests/we,ird.py', 3),
    file('usr/bin/req', 4),
  ],
];

describe('findPackages over a built image', () => {
  let inv: PackageInventory;
  let asked: number[];
  const ownedFiles = new Map<string, string[]>();
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const built = await packageImageOf(LAYERS);
    dispose = built.dispose;
    const owners = new Map<string, number[]>();
    inv = await findPackages(built.image, { onOwnedFile: (path, packages) => owners.set(path, [...packages]) });
    for (const [path, packages] of owners) ownedFiles.set(path, packages.map((i) => inv.packages[i].name));
    asked = built.image.asked;
  });
  afterAll(() => dispose());

  const pkg = (name: string) => inv.packages.find((p) => p.name === name)!;

  it('attributes installs, upgrades, downgrades and removals to their layers', () => {
    expect(pkg('a')).toMatchObject({ ecosystem: 'deb', layer: 0, version: '1.5', removedIn: null, upgrades: [{ layer: 3, from: '1.0', to: '2.0' }, { layer: 5, from: '2.0', to: '1.5' }], database: '/var/lib/dpkg/status', installedSize: 4096, source: null });
    expect(pkg('b')).toMatchObject({ layer: 0, version: '1.0', removedIn: 4, upgrades: [], size: 0, files: 0 });
    expect(pkg('c')).toMatchObject({ layer: 2, version: '3', removedIn: null, size: 20, files: 1 });
  });

  it('gives the version of each package as of any layer', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => ['a', 'b', 'c'].map((name) => packageVersionAt(pkg(name), n)))).toEqual([
      ['1.0', '1.0', null], ['1.0', '1.0', null], ['1.0', '1.0', '3'], ['2.0', '1.0', '3'], ['2.0', null, '3'], ['1.5', null, '3'], ['1.5', null, '3'],
    ]);
  });

  it('reads a database only in the layers that touch it', () => {
    expect(asked).toEqual([0, 2, 3, 4, 5, 6]);
  });

  it('sizes a package by the final files it owns, through symlinked folders', () => {
    expect(pkg('a')).toMatchObject({ size: 210, files: 2 });
  });

  it('counts each layer', () => {
    expect(inv.layers.map((l) => [l.layer, l.installed, l.upgraded, l.removed, l.bytes])).toEqual([
      [0, 2, 0, 0, 210], [1, 0, 0, 0, 0], [2, 1, 0, 0, 20], [3, 0, 1, 0, 0], [4, 0, 0, 1, 0], [5, 0, 1, 0, 0],
      [6, 4, 0, 0, pkg('left-pad').size + pkg('@scope/x').size + pkg('y').size + pkg('requests').size],
    ]);
  });

  it('finds npm and Python packages with their folders and RECORD files', () => {
    const lang = inv.packages.filter((p) => p.ecosystem !== 'deb').map((p) => [p.ecosystem, p.name, p.version, p.license, p.files, p.database]);
    expect(lang).toEqual([
      ['npm', '@scope/x', '0.1.0', 'MIT', 1, '/app/node_modules/@scope/x/package.json'],
      ['npm', 'left-pad', '1.3.0', 'WTFPL', 3, '/app/node_modules/left-pad/package.json'],
      ['npm', 'y', '2.0.0', null, 1, '/app/node_modules/left-pad/node_modules/y/package.json'],
      ['pypi', 'requests', '2.31.0', 'Apache 2.0', 5, '/usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA'],
    ]);
    expect(pkg('requests').size).toBe(7 + 3 + 4 + LAYERS[6][5].data!.length + LAYERS[6][6].data!.length);
  });

  it('names the packages owning each final file', () => {
    expect(Object.fromEntries([...ownedFiles].filter(([p]) => p.startsWith('/usr/bin/') || p.includes('left-pad')).sort())).toEqual({
      '/app/node_modules/left-pad/index.js': ['left-pad'],
      '/app/node_modules/left-pad/node_modules/y/package.json': ['y'],
      '/app/node_modules/left-pad/package.json': ['left-pad'],
      '/app/node_modules/left-pad/test/package.json': ['left-pad'],
      '/usr/bin/a': ['a'],
      '/usr/bin/c': ['c'],
      '/usr/bin/req': ['requests'],
    });
    expect(ownedFiles.size).toBe(inv.packages.reduce((n, p) => n + p.files, 0));
  });

  it('groups what no package owns by folder, largest first', () => {
    const dbBytes = (n: number) => inv.unowned.folders.find((f) => f.path === '/var/lib/dpkg')?.bytes ?? n;
    expect(inv.unowned.folders[0]).toEqual({ path: '/app', files: 1, bytes: 1000 });
    expect(inv.unowned.folders.find((f) => f.path === '/app/x')).toEqual({ path: '/app/x', files: 1, bytes: 5 });
    expect(inv.unowned.folders.map((f) => f.path).sort()).toEqual(['/app', '/app/x', '/var/lib/dpkg', '/var/lib/dpkg/info']);
    expect(inv.unowned.bytes).toBe(1005 + dbBytes(0) + inv.unowned.folders.find((f) => f.path === '/var/lib/dpkg/info')!.bytes);
    expect(inv.warnings).toEqual([]);
  });
});

describe('findPackagesLazily over an image without a package database', () => {
  const NO_DATABASE: TarItem[][] = [
    [file('bin/busybox', 900), file('etc/passwd', 30)],
    [file('app/a.js', 200), file('app/lib/b.js', 50), { name: 'etc/.wh.passwd' }],
  ];

  it('says so after the layers without walking the final files; unownedFiles lists them when asked', async () => {
    const built = await packageImageOf(NO_DATABASE);
    try {
      let walks = 0;
      const image = { ...built.image, layerCount: built.image.layerCount, asOf: built.image.asOf, finalFiles: () => {
        walks++;
        return built.image.finalFiles();
      } };
      const lazy = await findPackagesLazily(image);
      expect(lazy).toEqual({ packages: [], layers: [0, 1].map((layer) => ({ layer, installed: 0, upgraded: 0, removed: 0, bytes: 0 })), unowned: null, warnings: [] });
      expect(walks).toBe(0);
      const { unowned, warnings } = await unownedFiles(image);
      expect(walks).toBe(1);
      expect(warnings).toEqual([]);
      expect(unowned).toEqual({ files: 3, bytes: 1150, folders: [
        { path: '/bin', files: 1, bytes: 900 },
        { path: '/app', files: 1, bytes: 200 },
        { path: '/app/lib', files: 1, bytes: 50 },
      ] });
      // findPackages answers the same in one call.
      expect(await findPackages(image)).toEqual({ ...lazy, unowned });
    } finally {
      await built.dispose();
    }
  });

  it('walks the final files at once when a database lists packages', async () => {
    const built = await packageImageOf(LAYERS.slice(0, 2));
    try {
      let walks = 0;
      const image = { ...built.image, layerCount: built.image.layerCount, asOf: built.image.asOf, finalFiles: () => {
        walks++;
        return built.image.finalFiles();
      } };
      const lazy = await findPackagesLazily(image);
      expect(walks).toBe(1);
      expect(lazy.unowned?.folders.map((f) => f.path)).toContain('/app');
    } finally {
      await built.dispose();
    }
  });
});
