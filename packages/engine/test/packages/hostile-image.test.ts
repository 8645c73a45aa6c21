import { describe, expect, it } from 'vitest';
import { findPackages } from '../../src/index.js';
import { packageImageOf } from './archive-image.js';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;

describe('findPackages over hostile databases in an image', () => {
  it('keeps the packages of the layer below when a later copy of the database is too big to read', async () => {
    const { image, dispose } = await packageImageOf([
      [{ name: 'var/lib/dpkg/status', data: `${stanza('a', '1')}\n${stanza('b', '1')}` }],
      [{ name: 'var/lib/dpkg/status', data: `${stanza('a', '2')}\n${'Description: filler\n'.repeat(200_000)}` }],
      [{ name: 'var/lib/dpkg/status', data: stanza('a', '3') }],
    ]);
    try {
      const inv = await findPackages(image, { limits: { maxDatabaseBytes: 1024 * 1024 } });
      expect(inv.packages.map((p) => [p.name, p.version, p.layer, p.upgrades.map((u) => u.layer), p.removedIn])).toEqual([
        ['a', '3', 0, [2], null],
        ['b', '1', 0, [], 2],
      ]);
      expect(inv.warnings).toEqual([
        'layer 1: /var/lib/dpkg/status is 4000072 bytes, over the limit of 1048576: not read',
        'layer 1: /var/lib/dpkg/status could not be read; its packages are kept as the layer below had them',
      ]);
    } finally {
      await dispose();
    }
  });

  it('reads .list files with .. cycles and invalid UTF-8 without owning anything outside the root', async () => {
    const list = Buffer.concat([Buffer.from('/usr/bin/../../../../../../etc/shadow\n/usr/lib/../lib/../lib/p.so\n/usr/share/'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const { image, dispose } = await packageImageOf([[
      { name: 'var/lib/dpkg/status', data: stanza('p', '1') },
      { name: 'var/lib/dpkg/info/p.list', data: list },
      { name: 'usr/lib/p.so', data: Buffer.alloc(64) },
      { name: 'etc/shadow', data: 'root:*:' },
    ]]);
    try {
      const inv = await findPackages(image);
      expect(inv.packages).toMatchObject([{ name: 'p', files: 1, size: 64 }]);
      expect(inv.warnings).toEqual([
        'layer 0: /var/lib/dpkg/info/p.list is not valid UTF-8: the bytes that are not were replaced with U+FFFD',
        'layer 0: /var/lib/dpkg/info/p.list: 1 path climbing above the root (..) dropped',
      ]);
      expect(inv.unowned.folders.find((f) => f.path === '/etc')).toEqual({ path: '/etc', files: 1, bytes: 7 });
    } finally {
      await dispose();
    }
  });

  it('reads a file list again in the layer that rewrote it', async () => {
    const { image, dispose } = await packageImageOf([
      [{ name: 'var/lib/dpkg/status', data: stanza('p', '1') }, { name: 'var/lib/dpkg/info/p.list', data: '/usr/bin/p1\n' }, { name: 'usr/bin/p1', data: 'x' }],
      [{ name: 'var/lib/dpkg/status', data: stanza('p', '2') }, { name: 'var/lib/dpkg/info/p.list', data: '/usr/bin/p2\n' }, { name: 'usr/bin/p2', data: 'yyy' }],
      [{ name: 'var/lib/dpkg/status', data: `${stanza('p', '2')}\n${stanza('q', '1')}` }],
    ]);
    try {
      const inv = await findPackages(image);
      expect(inv.packages.map((p) => [p.name, p.version, p.files, p.size])).toEqual([['p', '2', 1, 3], ['q', '1', 0, 0]]);
    } finally {
      await dispose();
    }
  });

  it('treats a deleted database as every package removed', async () => {
    const { image, dispose } = await packageImageOf([
      [{ name: 'var/lib/dpkg/status', data: stanza('a', '1') }],
      [{ name: 'var/lib/.wh.dpkg' }],
    ]);
    try {
      const inv = await findPackages(image);
      expect(inv.packages).toMatchObject([{ name: 'a', removedIn: 1 }]);
      expect(inv.layers.map((l) => l.removed)).toEqual([0, 1]);
    } finally {
      await dispose();
    }
  });
});
