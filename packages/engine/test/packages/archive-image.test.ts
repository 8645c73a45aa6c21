import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageImage } from '../../src/index.js';
import { packageImageOf } from './archive-image.js';

describe('archivePackageImage: the filesystem as of each layer', () => {
  let image: PackageImage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ image, dispose } = await packageImageOf([
      [{ name: 'etc/v', data: 'one' }, { name: 'etc/big', data: Buffer.alloc(100) }, { name: 'usr/bin/x', data: 'x' }, { name: 'bin', type: 'symlink', linkname: 'usr/bin' }],
      [{ name: 'etc/v', data: 'two!' }, { name: 'etc/new', data: 'n' }, { name: 'etc/.wh.big' }],
      [{ name: 'etc/.wh.v' }, { name: 'app/node_modules/m/package.json', data: '{}' }],
    ]));
  });
  afterAll(() => dispose());

  const text = async (layer: number, path: string) => {
    const got = await image.asOf(layer).read(path, 1000);
    return Buffer.isBuffer(got) ? got.toString() : got;
  };

  it('reads each layer its own version of a file, and nothing once deleted', async () => {
    expect([await text(0, '/etc/v'), await text(1, '/etc/v'), await text(2, '/etc/v')]).toEqual(['one', 'two!', null]);
    expect(await text(0, '/etc/new')).toBeNull();
    expect(await text(1, '/bin/x')).toBe('x');
  });

  it('does not read a file over maxBytes', async () => {
    expect(await image.asOf(0).read('/etc/big', 99)).toEqual({ tooBig: 100 });
    expect(await image.asOf(1).read('/etc/big', 99)).toBeNull();
  });

  it('lists a folder as each layer had it', async () => {
    expect(await Promise.all([0, 1, 2].map((n) => image.asOf(n).list('/etc')))).toEqual([['big', 'v'], ['new', 'v'], ['new']]);
  });

  it('says which layers touch a path, a folder below or a folder above', async () => {
    expect(await Promise.all([0, 1, 2].map((n) => image.touches(n, ['/etc/v'])))).toEqual([true, true, true]);
    expect(await Promise.all([0, 1, 2].map((n) => image.touches(n, ['/etc/big'])))).toEqual([true, true, false]);
    expect(await Promise.all([0, 1, 2].map((n) => image.touches(n, ['/app/']))).then((r) => r)).toEqual([false, false, true]);
    expect(await image.touches(0, ['/usr/bin/x/y'])).toBe(true);
  });

  it('resolves folders through links, streams the final files and finds files by name', async () => {
    expect([await image.realDir('/bin'), await image.realDir('/'), await image.realDir('/nope'), await image.realDir('/etc/new')]).toEqual(['/usr/bin', '/', null, null]);
    const files: string[] = [];
    for await (const f of image.finalFiles()) files.push(`${f.path} ${f.size}`);
    expect(files.sort()).toEqual(['/app/node_modules/m/package.json 2', '/etc/new 1', '/usr/bin/x 1']);
    const found: string[] = [];
    for await (const p of image.findByName!(['package.json', 'v'], 10)) found.push(p);
    expect(found.sort()).toEqual(['/app/node_modules/m/package.json', '/etc/v']);
  });
});
