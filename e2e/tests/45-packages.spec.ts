import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';
import { buildDpkgImage, dpkgFiles, dpkgQuery, type DpkgStage, type QueriedPackage } from './dpkg-image.js';
import { expect, shot, test } from './helpers.js';
import { mergedFilesystem, type TarEntry } from './tar-merge.js';

// The Packages view of an image whose layers install, upgrade and remove real dpkg packages
// (this machine's own stanzas, file lists and files), checked layer by layer against
// `dpkg-query --admindir=…` over each stage's database, and sizes and unowned files against
// the merged filesystem as GNU tar lists it. Never against Peel's own answers.

const STAGES: DpkgStage[] = [
  {
    createdBy: 'RUN apt-get install lsb-release distro-info-data libhttp-date-perl libencode-locale-perl libxshmfence1 javascript-common',
    install: ['lsb-release', 'distro-info-data', 'libhttp-date-perl', 'libencode-locale-perl', 'libxshmfence1', 'javascript-common'],
  },
  { createdBy: 'RUN apt-get install libmodule-find-perl libhtml-tagset-perl libregexp-ipv6-perl', install: ['libmodule-find-perl', 'libhtml-tagset-perl', 'libregexp-ipv6-perl'] },
  { createdBy: 'RUN apt-get install --only-upgrade lsb-release && apt-get remove javascript-common', upgrade: { 'lsb-release': '12.0-2' }, remove: ['javascript-common'] },
  {
    createdBy: 'COPY app /app',
    files: {
      '/app/server.js': 'console.log("hello");\n'.repeat(200),
      '/app/static/index.html': '<!doctype html><title>app</title>\n'.repeat(50),
      '/app/static/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
      '/opt/tool/bin/tool': Buffer.alloc(20_000, 7),
    },
  },
  { createdBy: 'RUN apt-get install cgroupfs-mount && apt-get install --only-upgrade libhttp-date-perl', install: ['cgroupfs-mount'], upgrade: { 'libhttp-date-perl': '6.06-1' } },
];

/** What the stages did to one package, as dpkg-query reads each stage's database. */
interface Expected {
  q: QueriedPackage;
  layer: number;
  upgrades: Array<{ layer: number; from: string; to: string }>;
  removedIn: number | null;
  /** Regular files it owns in the final filesystem (GNU tar), and their bytes. */
  files: number;
  size: number;
}

let scratch: string;
let image: ImageSummary;
let expected: Expected[];
let finalFs: Map<string, TarEntry>;
let owned: Set<string>;
let admindirs: string[];

/** Each package's life, from dpkg-query over each stage's database in turn. */
function lifeOf(admindirs: string[]): Expected[] {
  const byName = new Map<string, Expected>();
  admindirs.forEach((admin, layer) => {
    const listed = dpkgQuery(admin);
    for (const q of listed) {
      const known = byName.get(q.name);
      if (!known) byName.set(q.name, { q, layer, upgrades: [], removedIn: null, files: 0, size: 0 });
      else if (known.q.version !== q.version) {
        known.upgrades.push({ layer, from: known.q.version, to: q.version });
        known.q = q;
      }
    }
    for (const known of byName.values()) if (known.removedIn === null && !listed.some((q) => q.name === known.q.name)) known.removedIn = layer;
  });
  return [...byName.values()].sort((a, b) => (a.q.name < b.q.name ? -1 : 1));
}

const exactBytes = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'byte' : 'bytes'}`;

async function upload(request: APIRequestContext, archive: string, name: string): Promise<ImageSummary> {
  const response = await request.post(`/api/images?name=${name}`, { data: readFileSync(archive), headers: { 'Content-Type': 'application/octet-stream' } });
  expect([200, 201], await response.text()).toContain(response.status());
  return (await response.json()) as ImageSummary;
}

/** The table's rows as the page shows them (every row is in view: the image has a dozen packages). */
async function rows(page: Page) {
  await expect(page.locator('.package-row.pending')).toHaveCount(0);
  return page.locator('.packages-table tbody tr.package-row').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = Array.from(tr.querySelectorAll('td'));
      return {
        name: cells[0].querySelector('a')?.textContent ?? '',
        change: cells[0].querySelector('.badge')?.textContent ?? null,
        version: cells[1].firstChild?.textContent ?? '',
        arch: cells[2].textContent ?? '',
        layer: cells[3].textContent ?? '',
        removed: cells[4].textContent ?? '',
        size: cells[5].getAttribute('title') ?? '',
        declared: cells[6].getAttribute('title') ?? '',
        files: cells[7].textContent ?? '',
        source: cells[8].textContent ?? '',
      };
    }),
  );
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  scratch = mkdtempSync(join(tmpdir(), 'peel-e2e-packages-'));
  const built = buildDpkgImage(join(scratch, 'dpkg'), 'peel-e2e-packages:layers', STAGES);
  admindirs = built.admindirs;
  expected = lifeOf(built.admindirs);
  finalFs = mergedFilesystem(built.archive);
  const finalAdmin = built.admindirs[built.admindirs.length - 1];
  owned = new Set<string>();
  for (const e of expected) {
    if (e.removedIn !== null) continue;
    for (const path of dpkgFiles(finalAdmin, e.q.name)) {
      const entry = finalFs.get(path);
      owned.add(path);
      if (entry?.type === 'file') {
        e.files += 1;
        e.size += entry.size;
      }
    }
  }
  image = await upload(request, built.archive, 'dpkg-layers.tar');
});

test.afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the list names every package dpkg-query lists at some layer, with its layer, versions, size and files', async ({ page }) => {
  await page.goto(`/images/${image.id}/packages`);
  await expect(page.getByRole('link', { name: 'Packages', exact: true }).first()).toHaveAttribute('aria-current', 'page');
  const removed = expected.filter((e) => e.removedIn !== null).length;
  await expect(page.locator('.packages-summary')).toContainText(`${expected.length} packages`);
  await expect(page.locator('.packages-summary')).toContainText(`${removed} of them removed by a later layer`);
  const shown = await rows(page);
  expect(shown.map((r) => r.name)).toEqual(expected.map((e) => e.q.name));
  for (const [i, e] of expected.entries()) {
    const r = shown[i];
    expect(r.version, e.q.name).toBe(e.q.version);
    expect(r.arch, e.q.name).toBe(e.q.arch);
    expect(r.layer, e.q.name).toBe(String(e.layer));
    expect(r.removed, e.q.name).toBe(e.removedIn === null ? '' : String(e.removedIn));
    expect(r.declared, e.q.name).toBe(e.q.installedKib === null ? 'not declared' : exactBytes(e.q.installedKib * 1024));
    expect(r.size, e.q.name).toBe(exactBytes(e.size));
    expect(r.files, e.q.name).toBe(String(e.files));
    expect(r.source, e.q.name).toBe(e.q.sourceField);
  }
  // The table's upgrades say where the version came from.
  const upgraded = expected.find((e) => e.upgrades.length === 1);
  expect(upgraded).toBeDefined();
  await expect(page.locator('.package-row', { hasText: upgraded?.q.name }).locator('td').nth(1)).toContainText(`from ${upgraded?.upgrades[0].from}`);
  await shot(page, 'packages-list');

  // By size, largest first (by GNU tar's sizes).
  await page.getByRole('button', { name: 'By size' }).click();
  await expect(page).toHaveURL(/sort=size/);
  await expect.poll(async () => (await rows(page))[0]?.name).toBe([...expected].sort((a, b) => b.size - a.size)[0].q.name);
  const sizes = (await rows(page)).map((r) => expected.find((e) => e.q.name === r.name)?.size ?? -1);
  expect(sizes).toHaveLength(expected.length);
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  expect(sizes).not.toContain(-1);
});

test('each layer: its counts in the layer filter, and the packages it installed, upgraded or removed', async ({ page }) => {
  await page.goto(`/images/${image.id}/packages`);
  const select = page.getByLabel('Layer');
  for (let layer = 0; layer < STAGES.length; layer += 1) {
    const installed = expected.filter((e) => e.layer === layer);
    const upgraded = expected.filter((e) => e.upgrades.some((u) => u.layer === layer));
    const removed = expected.filter((e) => e.removedIn === layer);
    await select.selectOption(String(layer));
    await expect(page).toHaveURL(new RegExp(`layer=${layer}`));
    const counts = page.locator('.layer-counts');
    const words = [
      installed.length ? `installed ${installed.length} ${installed.length === 1 ? 'package' : 'packages'}` : null,
      upgraded.length ? `upgraded ${upgraded.length}` : null,
      removed.length ? `removed ${removed.length}` : null,
    ].filter((w): w is string => w !== null);
    for (const w of words) await expect(counts).toContainText(w);
    if (words.length === 0) await expect(counts).toContainText('changed no package');
    // The bytes of the packages this layer installed, in the final filesystem.
    await expect(counts).toHaveAttribute('title', `packages it installed: ${exactBytes(installed.reduce((n, e) => n + e.size, 0))} in the final filesystem`);
    // Listed with what the layer did to each.
    const want = [
      ...installed.map((e) => [e.q.name, 'installed']),
      ...upgraded.map((e) => [e.q.name, 'upgraded']),
      ...removed.map((e) => [e.q.name, 'removed']),
    ].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    await expect.poll(async () => (await rows(page)).map((r) => [r.name, r.change])).toEqual(want);
    if (layer === 2) await shot(page, 'packages-layer');
  }
  // The option names the counts too.
  await expect(select.locator('option[value="3"]')).toHaveText('Layer 3: changed no package');
});

test('a package selected: its versions layer by layer, a deep link, and the way to its files', async ({ page }) => {
  const upgraded = expected.find((e) => e.q.name === 'lsb-release');
  expect(upgraded?.upgrades).toHaveLength(1);
  await page.goto(`/images/${image.id}/packages?q=lsb`);
  await page.getByRole('link', { name: 'lsb-release', exact: true }).click();
  await expect(page).toHaveURL(/pkg=deb/);
  const detail = page.getByRole('article', { name: 'Package lsb-release' });
  const history = detail.locator('.package-history li');
  await expect(history).toHaveText([`installed ${upgraded?.upgrades[0].from} in layer 0`, `upgraded ${upgraded?.upgrades[0].from} → ${upgraded?.q.version} in layer 2`]);
  await expect(detail).toContainText(`${upgraded?.files} files of the final filesystem`);
  // Arrow keys step through the list (cleared of the filter, so lsb-release has neighbours).
  await page.getByLabel('Filter packages by name').fill('');
  await expect(page).not.toHaveURL(/q=lsb/);
  const names = expected.map((e) => e.q.name);
  const at = names.indexOf('lsb-release');
  await page.locator('.packages-scroll').focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('article', { name: `Package ${names[at - 1]}` })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('article', { name: 'Package lsb-release' })).toBeVisible();
  await page.getByLabel('Filter packages by name').fill('lsb');
  await expect(page).toHaveURL(/q=lsb/);
  await shot(page, 'packages-selected');
  // A reload lands on the same selection, filters kept.
  await page.reload();
  await expect(page.getByRole('article', { name: 'Package lsb-release' })).toBeVisible();
  await expect(page.getByLabel('Filter packages by name')).toHaveValue('lsb');

  // A deep link to a package outside the filtered list is still found.
  const url = new URL(page.url());
  url.searchParams.set('q', 'perl');
  await page.goto(url.toString());
  await expect(page.getByRole('article', { name: 'Package lsb-release' })).toBeVisible();

  // dpkg's own list of its files, opened in the tree: what dpkg-query -L says it owns.
  await page.getByRole('link', { name: 'Its file list (dpkg)' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/files\\?path=/var/lib/dpkg/info/lsb-release.list`));
  const owns = dpkgFiles(admindirs[admindirs.length - 1], 'lsb-release');
  await expect(page.getByText(owns[owns.length - 1], { exact: true }).first()).toBeVisible();
  await page.goBack();

  // Its layer's changes, and its files in the tree.
  await page.getByRole('article', { name: 'Package lsb-release' }).getByRole('link', { name: 'layer 2' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/layers/2/changes`));
  await page.goBack();
  await page.getByRole('link', { name: 'Search the tree for “lsb-release”' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/files\\?q=lsb-release`));
  await expect(page.getByText('/usr/share/doc/lsb-release', { exact: true }).first()).toBeVisible();

  // A removed package says where it went.
  await page.goto(`/images/${image.id}/packages?q=javascript`);
  await page.getByRole('link', { name: 'javascript-common', exact: true }).click();
  const gone = page.getByRole('article', { name: 'Package javascript-common' });
  await expect(gone.locator('.package-history li').last()).toHaveText('removed in layer 2');
  await expect(gone.getByRole('link', { name: 'Its file list (dpkg)' })).toHaveCount(0);

  // A Multi-Arch: same package's list is NAME:ARCH.list.
  await page.goto(`/images/${image.id}/packages?pkg=${encodeURIComponent('deb:libxshmfence1:amd64@/var/lib/dpkg/status')}`);
  const archList = page.getByRole('link', { name: 'Its file list (dpkg)' });
  await expect(archList).toBeVisible();
  expect(new URL((await archList.getAttribute('href')) ?? '', 'http://x').searchParams.get('path')).toBe('/var/lib/dpkg/info/libxshmfence1:amd64.list');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'packages-dark');
});

test('filters by name and ecosystem agree with dpkg-query', async ({ page }) => {
  await page.goto(`/images/${image.id}/packages`);
  await page.getByLabel('Filter packages by name').fill('perl');
  await expect(page).toHaveURL(/q=perl/);
  await expect.poll(async () => (await rows(page)).map((r) => r.name)).toEqual(expected.filter((e) => e.q.name.includes('perl')).map((e) => e.q.name));
  await page.getByRole('button', { name: 'rpm', exact: true }).click();
  await expect(page).toHaveURL(/ecosystem=rpm/);
  await expect(page.getByText('No package matches these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'deb', exact: true }).click();
  await expect.poll(async () => (await rows(page)).length).toBe(expected.filter((e) => e.q.name.includes('perl')).length);
});

test('unowned files: what no package owns, by folder, each a link to the tree', async ({ page }) => {
  const unowned = [...finalFs].filter(([path, e]) => e.type === 'file' && !owned.has(path));
  const bytes = unowned.reduce((n, [, e]) => n + e.size, 0);
  await page.goto(`/images/${image.id}/packages`);
  await page.getByRole('link', { name: 'Unowned files' }).click();
  await expect(page).toHaveURL(/view=unowned/);
  const section = page.getByRole('region', { name: 'Unowned files' });
  await expect(section.locator('.summary-line')).toContainText(`${unowned.length} files`);
  await expect(page.locator('.packages-summary span[title]').last()).toHaveAttribute('title', exactBytes(bytes));
  // Each folder holding unowned files (GNU tar's), with their count and bytes, largest first.
  const groups = new Map<string, { path: string; files: number; bytes: number }>();
  for (const [path, e] of unowned) {
    const folder = path.slice(0, path.lastIndexOf('/')) || '/';
    const g = groups.get(folder) ?? { path: folder, files: 0, bytes: 0 };
    g.files += 1;
    g.bytes += e.size;
    groups.set(folder, g);
  }
  const want = [...groups.values()].sort((a, b) => b.bytes - a.bytes || b.files - a.files || (a.path < b.path ? -1 : 1)).map((g) => ({ path: g.path, files: String(g.files), bytes: exactBytes(g.bytes) }));
  const listed = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ path: tr.querySelector('a')?.textContent ?? '', files: tr.children[1].textContent ?? '', bytes: tr.children[2].getAttribute('title') ?? '' })));
  expect(listed).toEqual(want);
  const app = listed.find((f) => f.path.startsWith('/app'));
  expect(app).toBeDefined();
  await shot(page, 'packages-unowned');
  await section.getByRole('link', { name: app?.path ?? '', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/files\\?path=${app?.path}`));
});

test('a database that cannot be read fully is a warning above a working view', async ({ page, request }) => {
  const dir = join(scratch, 'hostile');
  const list = readFileSync('/var/lib/dpkg/info/lsb-release.list', 'utf8');
  const built = buildDpkgImage(dir, 'peel-e2e-packages:hostile', [
    {
      createdBy: 'RUN apt-get install lsb-release libhttp-date-perl',
      install: ['lsb-release', 'libhttp-date-perl'],
      raw: { '/var/lib/dpkg/info/lsb-release.list': `${list}/../../../../etc/shadow\n/usr/../../../root/.ssh/id_rsa\n` },
    },
  ]);
  const hostile = await upload(request, built.archive, 'dpkg-hostile.tar');
  await page.goto(`/images/${hostile.id}/packages`);
  const banner = page.locator('.packages-warnings');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('/var/lib/dpkg/info/lsb-release.list');
  // The rest works: dpkg-query's packages are listed.
  await expect.poll(async () => (await rows(page)).map((r) => r.name)).toEqual(dpkgQuery(built.admindirs[0]).map((q) => q.name).sort());
  await shot(page, 'packages-warnings');
});

test('an image with no package database says so, and what was looked for', async ({ page, request }) => {
  const built = buildDpkgImage(join(scratch, 'none'), 'peel-e2e-packages:none', [{ createdBy: 'COPY app /app', files: { '/app/main': 'hello\n', '/app/conf/app.toml': 'x = 1\n' } }]);
  const none = await upload(request, built.archive, 'no-packages.tar');
  await page.goto(`/images/${none.id}/packages`);
  await expect(page.locator('.no-database')).toHaveText(/^No package database found: dpkg .*, apk .*, rpm .* looked for\.$/);
  await expect(page.locator('.packages-table')).toHaveCount(0);
  const files = [...mergedFilesystem(built.archive).values()].filter((e) => e.type === 'file');
  await expect(page.locator('.packages-summary')).toHaveText(`${files.length} files (${files.reduce((n, e) => n + e.size, 0)} B) no package owns`);
  await shot(page, 'packages-empty');
});

test('a file of the tree names the package dpkg-query says owns it, a link to it; a copied file names none', async ({ page }) => {
  const finalAdmin = admindirs[admindirs.length - 1];
  const file = dpkgFiles(finalAdmin, 'lsb-release').find((p) => finalFs.get(p)?.type === 'file');
  expect(file).toBeDefined();
  await page.goto(`/images/${image.id}/files?path=${encodeURIComponent(file!)}`);
  const fact = page.locator('.entry-facts div').filter({ has: page.getByRole('term').filter({ hasText: /^Package$/ }) }).getByRole('definition');
  await expect(fact).toContainText(`lsb-release deb ${expected.find((e) => e.q.name === 'lsb-release')!.q.version}`);
  await shot(page, '45-file-package');
  await fact.getByRole('link', { name: 'lsb-release' }).click();
  await expect(page.getByRole('article', { name: 'Package lsb-release' })).toBeVisible();
  // What COPY put there is nobody's.
  expect(owned.has('/app/server.js')).toBe(false);
  await page.goto(`/images/${image.id}/files?path=${encodeURIComponent('/app/server.js')}`);
  await expect(fact).toHaveText(/^none/);
});

test('the findings\' size picture by package: the largest as GNU tar and dpkg-query -L size them, then what no package owns', async ({ page }) => {
  const kept = expected.filter((e) => e.removedIn === null).sort((a, b) => b.size - a.size || (a.q.name < b.q.name ? -1 : 1));
  let unownedBytes = 0;
  for (const [path, entry] of finalFs) if (entry.type === 'file' && !owned.has(path)) unownedBytes += entry.size;
  await page.goto(`/images/${image.id}/findings`);
  const list = page.locator('.biggest').filter({ has: page.getByRole('heading', { name: 'Biggest packages' }) }).locator('li');
  await expect(list).toHaveCount(Math.min(kept.length, 12) + 1);
  await expect(list.first().locator('a')).toHaveText(kept[0].q.name);
  await expect(list.first().locator('.biggest-size')).toHaveAttribute('title', exactBytes(kept[0].size));
  await expect(list.last().locator('.biggest-size')).toHaveAttribute('title', exactBytes(unownedBytes));
  await list.last().scrollIntoViewIfNeeded();
  await shot(page, '45-findings-packages');
});

test('the compare view: what layers 2.. did to the packages, as dpkg-query and dpkg --compare-versions say', async ({ page }) => {
  const before = new Map(dpkgQuery(admindirs[1]).map((q) => [q.name, q.version]));
  const after = new Map(dpkgQuery(admindirs[admindirs.length - 1]).map((q) => [q.name, q.version]));
  const newer = (a: string, b: string) => spawnSync('dpkg', ['--compare-versions', b, 'gt', a]).status === 0;
  const want: string[] = [];
  for (const [name, v] of before) {
    const w = after.get(name);
    if (w === undefined) want.push(`removed ${name} ${v}`);
    else if (w !== v) want.push(`${newer(v, w) ? 'upgraded' : 'downgraded'} ${name} ${v} → ${w}`);
  }
  for (const [name, w] of after) if (!before.has(name)) want.push(`added ${name} ${w}`);
  expect(want.length).toBeGreaterThan(2);

  await page.goto(`/compare/packages?a=${image.id}&aLayer=1&b=${image.id}`);
  const table = page.getByRole('table', { name: 'Package differences' });
  await expect(table.locator('tbody tr')).toHaveCount(want.length);
  const shown = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const cells = Array.from(tr.querySelectorAll('td, th')).map((c) => c.textContent?.trim() ?? '');
    const [change, pkg, a, b] = cells;
    const name = pkg.replace(/\s+deb$/, '');
    return a !== '–' && b !== '–' ? `${change} ${name} ${a} → ${b}` : `${change} ${name} ${a !== '–' ? a : b}`;
  }));
  expect(shown.sort()).toEqual(want.sort());
  await shot(page, '45-compare-packages');
  // One kind at a time: the others' rows leave.
  await page.getByRole('group', { name: 'Package changes' }).getByRole('button', { name: /^removed/ }).click();
  await expect(table.locator('tbody tr')).toHaveCount(want.length - want.filter((w) => w.startsWith('removed')).length);
});

test('the Layers view says what each layer did to the packages, each a link to them', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers`);
  const table = page.locator('.history-table');
  for (let layer = 0; layer < STAGES.length; layer += 1) {
    const installed = expected.filter((e) => e.layer === layer).length;
    const upgraded = expected.filter((e) => e.upgrades.some((u) => u.layer === layer)).length;
    const removed = expected.filter((e) => e.removedIn === layer).length;
    const cell = table.locator('tr.history-row.has-layer').nth(layer).locator('.layer-packages-cell');
    if (installed + upgraded + removed === 0) {
      await expect(cell).toHaveText('');
      continue;
    }
    const link = cell.getByRole('link');
    await expect(link).toHaveAttribute('href', `/images/${image.id}/packages?layer=${layer}`);
    if (installed) await expect(link).toContainText(`installed ${installed} ${installed === 1 ? 'package' : 'packages'}`);
    else await expect(link).not.toContainText('installed');
    if (upgraded) await expect(link).toContainText(`upgraded ${upgraded}`);
    else await expect(link).not.toContainText('upgraded');
    if (removed) await expect(link).toContainText(`removed ${removed}`);
    else await expect(link).not.toContainText('removed');
  }
  await shot(page, 'packages-layers-view');
  await table.locator('.layer-packages-cell').getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/packages\\?layer=0$`));
  await expect(page.getByLabel('Layer')).toHaveValue('0');
});

test('thousands of packages: the table loads page after page as it scrolls, to the last one dpkg-query lists', async ({ page, request }) => {
  const MANY = 3000;
  const stanzas = Array.from(
    { length: MANY },
    (_, i) => `Package: gen-${String(i).padStart(5, '0')}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: ${i + 1}\nMaintainer: Peel tests <peel@example.invalid>\nArchitecture: all\nVersion: 1.${i}\nDescription: generated package ${i}\n`,
  );
  const built = buildDpkgImage(join(scratch, 'many'), 'peel-e2e-packages:many', [{ createdBy: 'RUN apt-get install lsb-release gen-*', install: ['lsb-release'], stanzas }]);
  const listed = dpkgQuery(built.admindirs[0]).map((q) => q.name).sort();
  expect(listed).toHaveLength(MANY + 1);
  const many = await upload(request, built.archive, 'dpkg-many.tar');
  const pages: string[] = [];
  page.on('request', (r) => {
    // The list's pages, not the asks whether it is ready (wait=0).
    if (r.url().includes('/packages?paged=1') && !r.url().includes('wait=0')) pages.push(r.url());
  });
  await page.goto(`/images/${many.id}/packages`);
  await expect(page.locator('.search-summary')).toHaveText(`${listed.length.toLocaleString('en-US')} packages`);
  await expect(page.locator('.package-row').first()).toContainText(listed[0]);
  const scroller = page.locator('.packages-scroll');
  await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.locator('.package-row').last()).toContainText(listed[listed.length - 1]);
  await expect(page.locator('.package-row.pending')).toHaveCount(0);
  // The rows in view are the last ones dpkg-query lists, in order, none twice.
  const inView = await rows(page);
  expect(inView.map((r) => r.name)).toEqual(listed.slice(-inView.length));
  // More than one page was asked for, each after the one before (the cursor).
  expect(pages.length).toBeGreaterThan(1);
  expect(pages.slice(1).every((u) => u.includes('cursor='))).toBe(true);
  await shot(page, 'packages-many-scrolled');
  // Sorted by size, the largest declared is not the largest owned (generated packages own no file): lsb-release comes first.
  await page.getByRole('button', { name: 'By size' }).click();
  await expect(page.locator('.package-row').first()).toContainText('lsb-release');
});
