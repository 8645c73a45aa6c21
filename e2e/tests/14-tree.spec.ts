import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FsEntry, FsPage, ImageSummary } from '@peel/api';
import { docker, dockerLoad, uniqueTag } from './docker.js';
import { clearDraft, expect, fixturePath, shot, test, treeItem, uploadViaApi } from './helpers.js';
import { layeredImage } from './make-image.js';

// multi-docker-legacy.tar (fixtures/README.md), layers numbered from 0: layer 3 deletes
// /opt/app/conf/old.conf, layer 5 adds /opt/app/.env and layer 6 deletes it, layer 7 adds the
// 2 MiB /var/lib/app/big.bin. Oracles: GNU tar's listing of the fixture, and docker export's sum
// of the files below /opt (90 bytes; apps/server/test/interop/as-of.test.ts checks every folder).
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'multi-docker-legacy.tar');
});

/** Docker's way of writing a size: decimal units, three significant digits ("2.1 MB"). */
function dockerSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

/** The byte size of each layer tar in the fixture's `docker save` archive, per GNU tar, base first. */
function layerTarSizes(): number[] {
  const file = fixturePath('multi-docker-legacy.tar');
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as Array<{ Layers: string[] }>;
  const sizes = new Map<string, number>();
  for (const line of execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length >= 6) sizes.set(parts.at(-1)!, Number(parts[2]));
  }
  return manifest[0].Layers.map((l) => sizes.get(l)!);
}

test('folders show the bytes below them, and sorting by size puts the heaviest folder first', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'opt')).toContainText('90 B');
  await expect(treeItem(tree, 'opt')).not.toContainText('items');
  await shot(page, '14-tree-folder-sizes');

  await page.getByRole('button', { name: /Size/ }).click();
  await expect(page).toHaveURL(/sort=size/);
  const root = (await (await request.get(`/api/images/${image.id}/fs?path=/&paged=1`)).json()) as FsPage;
  const heaviest = root.items.filter((e) => e.type === 'dir').sort((a, b) => (b.bytesBelow ?? 0) - (a.bytesBelow ?? 0))[0];
  // big.bin (2 MiB in layer 7, 64 KiB after layer 8) and the base's files: /var or /bin, whichever holds more.
  await expect(tree.getByRole('treeitem').first()).toHaveAccessibleName(heaviest.name);
  await expect(tree.getByRole('treeitem').first()).toContainText(dockerSize(heaviest.bytesBelow!));
  await shot(page, '14-tree-sorted-by-size');
});

test('with a pending draft, folders still show the bytes below them as the draft leaves them, and sort by them', async ({ page, request }) => {
  // 3 MB written below /opt makes it the heaviest folder: docker export's 90 bytes plus these.
  const heavy = 3_000_000;
  const put = await request.put(`/api/images/${image.id}/draft/content?path=/opt/app/heavy.bin`, { data: Buffer.alloc(heavy, 0x61), headers: { 'Content-Type': 'application/octet-stream' } });
  expect(put.status(), await put.text()).toBe(200);
  try {
    const drafted = (await (await request.get(`/api/images/${image.id}/fs?path=/&draft=1&paged=1&sort=size`)).json()) as FsPage;
    expect(drafted.items[0]).toMatchObject({ name: 'opt', bytesBelow: 90 + heavy });
    await page.goto(`/images/${image.id}/files?sort=size`);
    const tree = page.getByRole('tree', { name: 'Merged filesystem' });
    await expect(tree.getByRole('treeitem').first()).toHaveAccessibleName('opt');
    await expect(treeItem(tree, 'opt')).toContainText(dockerSize(90 + heavy));
    await expect(treeItem(tree, 'opt')).not.toContainText('items');
    await expect(treeItem(tree, 'etc')).not.toContainText('items');
    await shot(page, '14-tree-draft-sorted-by-size');
  } finally {
    await clearDraft(request, image.id);
  }
});

test('a layer shows the filesystem as of it, with what it wrote marked, and a deep link to it', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers/5/files?path=/opt/app`);
  await expect(page.getByRole('tree', { name: 'Files of layer 5' })).toBeVisible();
  await page.getByRole('button', { name: 'Filesystem as of this layer' }).click();
  await expect(page).toHaveURL(/view=as-of/);
  const tree = page.getByRole('tree', { name: 'Filesystem as of layer 5' });
  // The selected folder stays selected and open across the switch.
  await expect(treeItem(tree, 'app')).toHaveAttribute('aria-selected', 'true');
  await treeItem(tree, 'app').click();
  const env = treeItem(tree, '.env');
  await expect(env).toContainText('this layer');
  // Written by lower layers: in the view, not marked.
  await expect(treeItem(tree, 'conf')).toBeVisible();
  await expect(treeItem(tree, 'etc')).toBeVisible();
  await env.click();
  await expect(page.getByRole('region', { name: 'Selected entry' })).toContainText('API_KEY=sk_test_FIXTURE_0123456789abcdef');
  await shot(page, '14-as-of-layer-5');

  // The deep link: as of layer 6, .env is gone (layer 6 deleted it) unless asked for.
  await page.goto(`/images/${image.id}/layers/6/files?view=as-of&path=/opt/app/conf`);
  const at6 = page.getByRole('tree', { name: 'Filesystem as of layer 6' });
  await expect(treeItem(at6, 'conf')).toBeVisible();
  await expect(treeItem(at6, '.env')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Show what layer 6 deleted or overwrote' }).check();
  await expect(page).toHaveURL(/deleted=1/);
  await expect(treeItem(at6, '.env')).toContainText('deleted by layer 6');
  // Layer 3's view still has old.conf, which it deletes: as of layer 2 it is there.
  await page.goto(`/images/${image.id}/layers/2/files?view=as-of&path=/opt/app/conf/old.conf`);
  await expect(treeItem(page.getByRole('tree', { name: 'Filesystem as of layer 2' }), 'old.conf')).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'This layer’s entries' }).click();
  await expect(page).not.toHaveURL(/view=as-of/);
  await expect(page.getByRole('tree', { name: 'Files of layer 2' })).toBeVisible();
});

/**
 * `docker history` of the fixture loaded into the test engine, one human size per layer, base
 * first ("2.1MB"): its steps (newest first) joined with the config's history, whose empty_layer
 * marks the steps that made no layer.
 */
async function dockerHistorySizes(): Promise<string[]> {
  const file = fixturePath('multi-docker-legacy.tar');
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  const config = JSON.parse(execFileSync('tar', ['-xOf', file, manifest[0].Config], { encoding: 'utf8' })) as { history: Array<{ empty_layer?: boolean }> };
  // Loaded under a tag of this test's own: the fixture's archive, its manifest naming that tag.
  const ref = uniqueTag('peel-tree/multi');
  const dir = mkdtempSync(join(tmpdir(), 'peel-tree-e2e-'));
  try {
    execFileSync('tar', ['-xf', file, '-C', dir]);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ ...manifest[0], RepoTags: [ref] }]));
    execFileSync('tar', ['-cf', join(dir, 'load.tar'), '-C', dir, 'manifest.json', manifest[0].Config, ...new Set(manifest[0].Layers.map((l) => l.split('/')[0]))]);
    expect(await dockerLoad(join(dir, 'load.tar'))).toEqual([ref]);
    const steps = (await docker(['history', '--format', '{{.Size}}', ref])).trim().split('\n').reverse();
    expect(steps).toHaveLength(config.history.length);
    return steps.filter((_, i) => !config.history[i].empty_layer);
  } finally {
    await docker(['image', 'rm', ref]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a layer row leads with its uncompressed tar, then the bytes in its files, in Docker’s decimal units', async ({ page }) => {
  const tars = layerTarSizes();
  // The classic (overlay2) store's docker history counts the bytes in a layer's files.
  const history = await dockerHistorySizes();
  await page.goto(`/images/${image.id}/layers`);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Layer 7', exact: true }) });
  await expect(row.locator('.size-main')).toHaveText(dockerSize(tars[7]));
  expect(history[7]).toBe('2.1MB');
  await expect(row.locator('.size-detail')).toContainText(`${history[7].replace(/([\d.]+)(\D+)/, '$1 $2')} in files`);
  await expect(page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Layer 1', exact: true }) }).locator('.size-detail')).toContainText(`${history[1].replace(/([\d.]+)(\D+)/, '$1 $2')} in files`);
  const base = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Layer 0', exact: true }) });
  await expect(base.locator('.size-main')).toHaveText(dockerSize(tars[0]));
  await expect(page.getByText(/24 history steps, 13 layers/)).toBeVisible();
  await shot(page, '14-layer-rows');
  await page.getByRole('link', { name: 'Layer 7', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Layer 7', exact: true }).locator('.layer-facts')).toContainText(dockerSize(tars[7]));
});

test('a filter says how many deleted matches it hides, and shows them on request', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?q=old.conf`);
  await expect(page.getByText('1 deleted match hidden')).toBeVisible();
  await shot(page, '14-filter-hidden');
  await page.getByRole('button', { name: 'show' }).click();
  await expect(page).toHaveURL(/deleted=1/);
  await expect(page.getByRole('tree', { name: 'Matching paths' }).getByRole('treeitem', { name: 'old.conf' })).toContainText('deleted by layer 3');
});

test('a filter lists the live matches first, however many deleted ones sort before them', async ({ page, request }) => {
  // /a-old's 600 logs (deleted by the second layer) come before /z-new's 3 in path order: a page
  // of matches read with the deleted ones would hold none of the 3.
  const old = Array.from({ length: 600 }, (_, i) => ({ path: `a-old/f${String(i).padStart(3, '0')}.log`, type: 'file' as const }));
  const archive = layeredImage([
    [{ path: 'a-old', type: 'dir' }, ...old, { path: 'z-new', type: 'dir' }, ...['one', 'two', 'three'].map((n) => ({ path: `z-new/${n}.log`, type: 'file' as const }))],
    [{ path: '.wh.a-old', type: 'file' }],
  ], 'e2e/deleted-first:latest', 'generated');
  const response = await request.post('/api/images?name=deleted-first.tar', { data: archive, headers: { 'Content-Type': 'application/x-tar' } });
  expect([200, 201], await response.text()).toContain(response.status());
  const id = ((await response.json()) as ImageSummary).id;
  await page.goto(`/images/${id}/files?q=.log`);
  const matches = page.getByRole('tree', { name: 'Matching paths' });
  await expect(page.getByText('3 matches · 600 deleted matches hidden')).toBeVisible();
  await expect(matches.getByRole('treeitem')).toHaveText([/\/z-new\/one\.log/, /\/z-new\/three\.log/, /\/z-new\/two\.log/]);
  await expect(page.getByRole('button', { name: 'Load more matches' })).toHaveCount(0);
  await shot(page, '14-filter-live-first');
  await page.getByRole('button', { name: 'show' }).click();
  await expect(page).toHaveURL(/deleted=1/);
  await expect(page.getByText(/^500 matches among the first 500 of 603 in the image/)).toBeVisible();
  await expect(matches.getByRole('treeitem', { name: 'f000.log' })).toContainText('deleted by layer 1');
});

test('the tree has the keyboard on arrival, and typing a name jumps to it', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'etc')).toBeVisible();
  await expect(tree).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const root = (await (await request.get(`/api/images/${image.id}/fs?path=/&paged=1`)).json()) as FsPage;
  await expect(treeItem(tree, root.items[0].name)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.type('et');
  await expect(treeItem(tree, 'etc')).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/path=\/etc$/);
  // After a pause, a new word: "o" goes to /opt; "u" then to /usr.
  await page.waitForTimeout(900);
  await page.keyboard.press('o');
  await expect(treeItem(tree, 'opt')).toHaveAttribute('aria-selected', 'true');
  await page.waitForTimeout(900);
  await page.keyboard.press('u');
  await expect(treeItem(tree, 'usr')).toHaveAttribute('aria-selected', 'true');
  const names = root.items.map((e: FsEntry) => e.name);
  expect(names).toContain('usr');
});
