import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImagePackage, PackagesPage, PackagesResponse } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { expectedPackages, expectedUnowned, makeDpkgImage, queryStage, type DpkgImage, type ExpectedPackage } from './dpkg-image.js';
import { generateDockerArchive } from './generate-image.js';

/** The fields the oracle (dpkg-query over each layer's database) answers. */
const view = (p: ImagePackage | ExpectedPackage) => ({
  name: p.name, version: p.version, arch: p.arch, layer: p.layer, upgrades: p.upgrades, removedIn: p.removedIn,
  installedSize: p.installedSize, files: p.files, size: p.size,
});

async function uploaded(app: FastifyInstance, archive: string): Promise<string> {
  const res = await upload(app, archive);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

describe('GET /api/images/:id/packages', () => {
  let dir: string;
  let app: FastifyInstance;
  let img: DpkgImage;
  let expected: ExpectedPackage[];
  let id: string;
  let hostile: string;

  beforeAll(async () => {
    dir = await tempDir('peel-packages-');
    const archive = join(dir, 'dpkg.tar');
    img = await makeDpkgImage(archive, dir);
    expected = expectedPackages(img);
    // A database no reader should trust: a line of 10 MiB, invalid UTF-8, .list paths that climb out.
    const hostileArchive = join(dir, 'hostile.tar');
    const status = Buffer.concat([
      Buffer.from('Package: long\nStatus: install ok installed\nVersion: 1\nArchitecture: all\nDescription: '),
      Buffer.alloc(10 * 1024 * 1024, 0x61),
      Buffer.from('\n\nPackage: bad\xff\xfe\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n', 'latin1'),
      Buffer.from('Package: climber\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n\n'),
    ]);
    await generateDockerArchive(hostileArchive, [{
      files: [
        { path: 'var/lib/dpkg/status', content: status },
        { path: 'var/lib/dpkg/info/climber.list', content: '/../../../../etc/passwd\n/usr/../../../x/../..\n/a/b/../../..\n' },
        { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
      ],
    }], 'peel-test/hostile-dpkg:latest');
    app = await build(join(dir, 'data'));
    id = await uploaded(app, archive);
    hostile = await uploaded(app, hostileArchive);
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('attributes each package to the layers that installed, upgraded and removed it, as dpkg-query reads each layer', async () => {
    const res = await getJson<PackagesResponse>(app, `/api/images/${id}/packages`);
    expect(res.warnings).toEqual([]);
    expect(res.packages.every((p) => p.ecosystem === 'deb' && p.database === '/var/lib/dpkg/status')).toBe(true);
    const got = [...res.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(view);
    expect(got).toEqual(expected.map(view));
    // The fixture does what it says: something installed in layers 0 and 1, upgraded in 2, removed in 4.
    expect(expected.filter((p) => p.layer === 1)).toHaveLength(3);
    expect(expected.filter((p) => p.upgrades.length === 1 && p.upgrades[0].layer === 2)).toHaveLength(1);
    expect(expected.filter((p) => p.removedIn === 4)).toHaveLength(1);
  });

  it('counts per layer what dpkg-query says changed there, and the files no package owns', async () => {
    const res = await getJson<PackagesResponse>(app, `/api/images/${id}/packages`);
    const counts = img.stages.map((_, layer) => ({
      layer,
      installed: expected.filter((p) => p.layer === layer).length,
      upgraded: expected.filter((p) => p.upgrades.some((u) => u.layer === layer)).length,
      removed: expected.filter((p) => p.removedIn === layer).length,
      bytes: expected.filter((p) => p.layer === layer).reduce((n, p) => n + p.size, 0),
    }));
    expect(res.layers).toEqual(counts);
    const unowned = expectedUnowned(img);
    expect({ files: res.unowned.files, bytes: res.unowned.bytes }).toEqual(unowned);
    expect(res.unowned.folders.find((f) => f.path === '/srv/app')).toEqual({ path: '/srv/app', files: 1, bytes: 12_345 });
  });

  it('pages by name and by size, filtered by name, layer and ecosystem', async () => {
    const walk = async (query: string, limit: number) => {
      const items: ImagePackage[] = [];
      let cursor: string | null = null;
      let pages = 0;
      let total = -1;
      do {
        const page: PackagesPage = await getJson<PackagesPage>(app, `/api/images/${id}/packages?paged=1&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        expect(page.layers).toHaveLength(img.stages.length);
        items.push(...page.items);
        total = page.total;
        cursor = page.next;
        pages++;
      } while (cursor !== null);
      expect(items).toHaveLength(total);
      return { names: items.map((p) => p.name), items, pages };
    };
    const all = await walk('', 3);
    expect(all.names).toEqual(expected.map((p) => p.name));
    expect(all.pages).toBe(Math.ceil(expected.length / 3));

    const bySize = await walk('&sort=size', 4);
    expect(bySize.items.map((p) => p.size)).toEqual(expected.map((p) => p.size).sort((a, b) => b - a));
    expect([...bySize.names].sort()).toEqual(expected.map((p) => p.name).sort());

    const q = expected[3].name.slice(1, 4).toUpperCase();
    expect((await walk(`&q=${encodeURIComponent(q)}`, 2)).names).toEqual(expected.filter((p) => p.name.toLowerCase().includes(q.toLowerCase())).map((p) => p.name));
    for (const layer of [1, 2, 3, 4]) {
      const touched = expected.filter((p) => p.layer === layer || p.removedIn === layer || p.upgrades.some((u) => u.layer === layer));
      expect((await walk(`&layer=${layer}`, 2)).names).toEqual(touched.map((p) => p.name));
    }
    expect((await walk('&ecosystem=deb,npm', 5)).names).toEqual(expected.map((p) => p.name));
    expect((await walk('&ecosystem=apk', 5)).names).toEqual([]);
  });

  it('names the packages owning a file (path=), as dpkg-query -S does', async () => {
    const admin = join(dir, 'admin-4');
    const owned = [...img.stages[4].keys()].filter((p) => !p.startsWith('var/lib/dpkg/')).slice(0, 40);
    let asked = 0;
    for (const path of [...owned, 'srv/app/data.bin']) {
      let owners: string[] = [];
      try {
        // "name:arch, other: /path" (a Multi-Arch: same package is named with its architecture).
        const out = execFileSync('dpkg-query', [`--admindir=${admin}`, '-S', `/${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        owners = out.split('\n').filter(Boolean).flatMap((line) => line.slice(0, line.lastIndexOf(': ')).split(', ').map((n) => n.split(':')[0]));
      } catch {
        // exit 1: no package owns it
      }
      const page = await getJson<PackagesPage>(app, `/api/images/${id}/packages?paged=1&path=${encodeURIComponent(`/${path}`)}`);
      expect(page.items.map((p) => p.name).sort(), path).toEqual([...new Set(owners)].sort());
      if (owners.length) asked++;
    }
    expect(asked).toBeGreaterThan(10);
  });

  it('answers 400 for a bad filter or cursor, and for paging parameters without paged=1', async () => {
    for (const url of ['?paged=1&ecosystem=dpkg', '?paged=1&limit=0', '?paged=1&cursor=nonsense', '?sort=size', '?q=lib', '?path=/etc', '?paged=1&sort=version']) {
      const res = await app.inject(`/api/images/${id}/packages${url}`);
      expect(res.statusCode, url).toBe(400);
    }
  });

  it('answers 404 for an unknown image', async () => {
    expect((await app.inject('/api/images/sha256:0000/packages')).statusCode).toBe(404);
    expect((await app.inject('/api/images/nope/packages?paged=1')).statusCode).toBe(404);
  });

  it('gives a hostile database as warnings, not a failure, and leaves other images alone', async () => {
    const [bad, good] = await Promise.all([
      app.inject(`/api/images/${hostile}/packages`),
      app.inject(`/api/images/${id}/packages`),
    ]);
    expect(bad.statusCode).toBe(200);
    const res = bad.json() as PackagesResponse;
    expect(res.warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(res)).not.toContain('a'.repeat(1_000_000));
    // No package owns a file outside what its paths name once normalised inside the image.
    expect(res.packages.every((p) => p.size < 10 * 1024 * 1024)).toBe(true);
    expect(good.statusCode).toBe(200);
    expect([...(good.json() as PackagesResponse).packages].sort((a, b) => (a.name < b.name ? -1 : 1)).map(view)).toEqual(expected.map(view));
    // The hostile image itself is still browsable.
    expect((await app.inject(`/api/images/${hostile}/fs?path=/var/lib/dpkg`)).statusCode).toBe(200);
  });

  it('sees a whiteout of a folder above the database as the removal of every package, as dpkg-query reads what is left', async () => {
    const base = img.stages[0];
    const gone = new Map([...base].filter(([path]) => !path.startsWith('var/lib/')));
    const listed = [queryStage(base, join(dir, 'wh-0')).packages, queryStage(gone, join(dir, 'wh-1')).packages];
    expect(listed[0].length).toBeGreaterThan(0);
    expect(listed[1]).toEqual([]);
    const archive = join(dir, 'whiteout.tar');
    await generateDockerArchive(archive, [
      { files: [...base].map(([path, content]) => ({ path, content })) },
      { files: [{ path: 'etc/hostname', content: 'peel\n' }], whiteouts: ['var/lib'] },
    ], 'peel-test/dpkg-whiteout:latest');
    const res = await getJson<PackagesResponse>(app, `/api/images/${await uploaded(app, archive)}/packages`);
    expect(res.packages.map((p) => [p.name, p.layer, p.removedIn]).sort()).toEqual(listed[0].map((p) => [p.name, 0, 1]).sort());
    expect(res.layers.map((l) => l.removed)).toEqual([0, listed[0].length]);
  });

  it('leaves a status file over the size limit unread, with a warning naming it', async () => {
    const big = join(dir, 'big-status.tar');
    // 65 MiB of stanzas: past the 64 MiB a database file is read up to.
    const stanza = Buffer.from('Package: filler\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n');
    const status = Buffer.alloc(65 * 1024 * 1024);
    for (let at = 0; at < status.length; at += stanza.copy(status, at));
    await generateDockerArchive(big, [{ files: [{ path: 'var/lib/dpkg/status', content: status }] }], 'peel-test/big-status:latest');
    const res = await getJson<PackagesResponse>(app, `/api/images/${await uploaded(app, big)}/packages`);
    expect(res.packages).toEqual([]);
    expect(res.warnings.some((w) => w.includes('/var/lib/dpkg/status') && w.includes(String(status.length)))).toBe(true);
  });

  it('computes once for concurrent first requests, keeps the answer, and drops it when the image is deleted', async () => {
    const third = join(dir, 'third.tar');
    await generateDockerArchive(third, [{ files: [{ path: 'var/lib/dpkg/status', content: img.stages[0].get('var/lib/dpkg/status')! }] }], 'peel-test/third:latest');
    // Each computation walks the image's files once: count the walks' first pages, from the
    // upload on (the upload starts one in the background, which the requests then share).
    const fs = app.peel.index.fs;
    const original = fs.nodesOfTypes.bind(fs);
    let fileWalks = 0;
    let thirdId = '';
    fs.nodesOfTypes = (id, types, after, limit) => {
      if (id === thirdId && types.includes('file') && after === null) fileWalks++;
      return original(id, types, after, limit);
    };
    try {
      thirdId = await uploaded(app, third);
      const answers = await Promise.all([1, 2, 3].map(() => app.inject(`/api/images/${thirdId}/packages`)));
      expect(fileWalks).toBe(1);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect((answers[0].json() as PackagesResponse).packages.map((p) => p.name).sort()).toEqual(img.oracle[0].packages.map((p) => p.name).sort());
      expect((await app.inject(`/api/images/${thirdId}/packages`)).statusCode).toBe(200);
      expect(fileWalks).toBe(1);
      expect((await app.inject({ method: 'DELETE', url: `/api/images/${thirdId}` })).statusCode).toBe(204);
      expect((await app.inject(`/api/images/${thirdId}/packages`)).statusCode).toBe(404);
      // Uploaded again (the same id): what was kept went with the delete, so it is computed anew.
      expect(await uploaded(app, third)).toBe(thirdId);
      expect((await app.inject(`/api/images/${thirdId}/packages`)).statusCode).toBe(200);
      expect(fileWalks).toBe(2);
    } finally {
      fs.nodesOfTypes = original;
    }
  });

  it('finds npm packages layer by layer, as npm ls reads each layer', async () => {
    const stages: Array<Record<string, string>> = [
      {
        'srv/web/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }),
        'srv/web/node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
        'srv/web/node_modules/@scope/util/package.json': JSON.stringify({ name: '@scope/util', version: '2.0.1' }),
      },
      {
        'srv/web/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.1', license: 'WTFPL' }),
        'srv/web/node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
      },
    ];
    // npm ls over each stage's tree: the versions it lists, by name.
    const listed = stages.map((files, i) => {
      const root = join(dir, `npm-${i}`);
      rmSync(root, { recursive: true, force: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const out = JSON.parse(execFileSync('npm', ['ls', '--json', '--offline'], { cwd: join(root, 'srv/web'), encoding: 'utf8' })) as { dependencies?: Record<string, { version: string }> };
      return new Map(Object.entries(out.dependencies ?? {}).map(([name, d]) => [name, d.version]));
    });
    const archive = join(dir, 'npm.tar');
    await generateDockerArchive(archive, [
      { files: Object.entries(stages[0]).map(([path, content]) => ({ path, content })) },
      { files: [{ path: 'srv/web/node_modules/left-pad/package.json', content: stages[1]['srv/web/node_modules/left-pad/package.json'] }], whiteouts: ['srv/web/node_modules/@scope'] },
    ], 'peel-test/npm:latest');
    const res = await getJson<PackagesResponse>(app, `/api/images/${await uploaded(app, archive)}/packages`);
    const npm = res.packages.filter((p) => p.ecosystem === 'npm').sort((a, b) => (a.name < b.name ? -1 : 1));
    const expectedNpm = [...listed[0].keys()].sort().map((name) => ({
      name,
      version: listed[1].get(name) ?? listed[0].get(name),
      layer: 0,
      upgrades: listed[1].has(name) && listed[1].get(name) !== listed[0].get(name) ? [{ layer: 1, from: listed[0].get(name), to: listed[1].get(name) }] : [],
      removedIn: listed[1].has(name) ? null : 1,
    }));
    expect(expectedNpm.map((p) => [p.name, p.removedIn, p.upgrades.length])).toEqual([['@scope/util', 1, 0], ['left-pad', null, 1]]);
    expect(npm.map((p) => ({ name: p.name, version: p.version, layer: p.layer, upgrades: p.upgrades, removedIn: p.removedIn }))).toEqual(expectedNpm);
  });
});
