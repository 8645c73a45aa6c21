import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSummary } from '@peel/api';
import { clearDraft, expect, fixturePath, shot, test, treeItem, uploadViaApi } from './helpers.js';
import { diffFilesystems, mergedFilesystem } from './tar-merge.js';
import { wideImage } from './make-image.js';

// Two versions of an image compared in the browser: the tiny fixture, and its export after a
// draft that rewrites /etc/os-release to ALPYNE, deletes /etc/shells, makes /etc/hostname 0600,
// points /bin/sh elsewhere, replaces /bin/busybox with a few binary bytes and adds an
// environment variable. The expected numbers come from GNU tar reading both
// archives, never from Peel.
const FIXTURE = 'tiny-docker-legacy.tar';
const ALPYNE = 'NAME="ALPYNE Linux"\nID=alpyne\nVERSION_ID=0.0.1\nPRETTY_NAME="ALPYNE Linux v0"\n';
const TAG = 'peel-e2e-compare:edited';
/** The new /bin/busybox: an ELF magic, then bytes no text has. */
const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);

let original: ImageSummary;

/** GNU tar reads a file out of the fixture's only layer. */
function originalFile(path: string): string {
  const fixture = fixturePath(FIXTURE);
  const layer = execFileSync('tar', ['-tf', fixture], { encoding: 'utf8' }).split('\n').find((name) => name.endsWith('/layer.tar'));
  if (!layer) throw new Error('no layer.tar in the fixture');
  return execFileSync('tar', ['-xOf', '-', path.slice(1)], { input: execFileSync('tar', ['-xOf', fixture, layer], { maxBuffer: 64 * 1024 * 1024 }), encoding: 'utf8' });
}
let edited: string;
let scratch: string;
let archive: string;

test.beforeAll(async ({ browser, request }) => {
  // An export built, downloaded and saved on a machine shared with other work.
  test.setTimeout(120_000);
  original = await uploadViaApi(request, FIXTURE);
  await clearDraft(request, original.id);
  const draft = `/api/images/${original.id}/draft`;
  const ok = async (response: Promise<{ status(): number; text(): Promise<string> }>) => {
    const r = await response;
    expect(r.status(), await r.text()).toBe(200);
  };
  await ok(request.put(`${draft}/content?path=/etc/os-release`, { data: ALPYNE, headers: { 'Content-Type': 'application/octet-stream' } }));
  await ok(request.delete(`${draft}/content?path=/etc/shells`));
  await ok(request.post(`${draft}/ops`, { data: { op: 'chmod', path: '/etc/hostname', mode: 0o600 } }));
  await ok(request.delete(`${draft}/content?path=/bin/sh`));
  await ok(request.post(`${draft}/ops`, { data: { op: 'symlink', path: '/bin/sh', target: '/bin/ash' } }));
  await ok(request.put(`${draft}/content?path=/bin/busybox`, { data: BINARY, headers: { 'Content-Type': 'application/octet-stream' } }));
  await ok(request.patch(`${draft}/config`, { data: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=hello'] } }));

  // The export, downloaded (for GNU tar) and saved into Peel from the dialog, which then leads to the comparison.
  scratch = await mkdtemp(join(tmpdir(), 'peel-e2e-compare-'));
  const page = await browser.newPage();
  try {
    await page.goto(`/images/${original.id}/layers`);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await dialog.getByRole('radio', { name: /^Append a layer/ }).check();
    await dialog.getByLabel('Name and tag of the result').fill(TAG);
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    archive = join(scratch, 'edited.tar');
    await (await downloading).saveAs(archive);
    await dialog.getByRole('button', { name: 'Save as new image' }).click();
    await dialog.getByRole('link', { name: 'Compare with the exported result' }).click();
    await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=[0-9a-f]+$`));
    edited = new URL(page.url()).searchParams.get('b') ?? '';
  } finally {
    await page.close();
  }
  // The archive GNU tar reads is the very image Peel compares: uploading it again finds it stored.
  const again = await request.post(`/api/images?name=edited.tar`, { data: await readFile(archive), headers: { 'Content-Type': 'application/octet-stream' } });
  expect(again.status(), await again.text()).toBe(200);
  expect(((await again.json()) as ImageSummary).id).toBe(edited);
});

test.afterAll(async ({ request }) => {
  await clearDraft(request, original.id);
  await request.delete(`/api/images/${edited}`);
  await rm(scratch, { recursive: true, force: true });
});

const summaryToggle = (page: import('@playwright/test').Page) => page.getByRole('region', { name: 'Summary' }).getByLabel(/^Show mtime-only changes/);

/** A file's size in the fixture, as GNU tar lists it. */
function oracleSize(path: string): number {
  return mergedFilesystem(fixturePath(FIXTURE)).get(path)?.size ?? -1;
}

test('two versions picked on the image list compare as GNU tar says; os-release reads as a diff; reload keeps the view', async ({ page }) => {
  // A long walk through many views (each checked by axe afterwards) on a shared machine.
  test.setTimeout(150_000);
  const oracle = diffFilesystems(mergedFilesystem(fixturePath(FIXTURE)), mergedFilesystem(archive));
  // The draft's edits, as GNU tar sees them in the two archives.
  expect(oracle.modified.sort()).toEqual(['/bin/busybox', '/bin/sh', '/etc/os-release']);
  expect(oracle.removed).toEqual(['/etc/shells']);
  expect(oracle.metadata).toContain('/etc/hostname');
  expect(oracle.added).toEqual([]);

  await page.goto('/');
  const images = page.getByRole('table');
  // By the row that links to each image: other specs' images may carry the same name or tag.
  const pick = (id: string) => images.getByRole('row').filter({ has: page.locator(`a[href^="/images/${id}/"]`) }).getByRole('checkbox', { name: /^Pick .* to compare$/ });
  await pick(original.id).check();
  await pick(edited).check();
  await page.getByRole('group', { name: 'Compare two images' }).getByRole('link', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=${edited}$`));

  const summary = page.getByRole('region', { name: 'Summary' });
  const count = (label: string) => summary.locator('.compare-count').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) }).locator('.count-number');
  await expect(count('Added')).toHaveText(String(oracle.added.length));
  await expect(count('Removed')).toHaveText(String(oracle.removed.length));
  await expect(count('Modified')).toHaveText(String(oracle.modified.length));
  await expect(count('Type changed')).toHaveText(String(oracle.type.length));
  await expect(count('Metadata only')).toHaveText(String(oracle.metadata.length));
  await expect(summary.getByLabel(/^Show mtime-only changes/)).not.toBeChecked();
  await expect(summary.getByText(/^Show mtime-only changes/)).toHaveText(`Show mtime-only changes (${oracle.mtimeOnly.length})`);
  // Bytes of both merged filesystems, exact in the net change's tooltip; B is far smaller (busybox is gone).
  const bytes = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'byte' : 'bytes'}`;
  const net = summary.locator('div').filter({ has: page.getByRole('term').filter({ hasText: /^Net size change$/ }) }).getByRole('definition');
  await expect(net).toHaveAttribute('title', `${bytes(oracle.bytesA)} → ${bytes(oracle.bytesB)}`);
  expect(oracle.bytesB).toBeLessThan(oracle.bytesA);
  await expect(net).toHaveText(/^−/);
  // The edit is one appended layer on top of the original's only layer.
  await expect(summary).toContainText(/layer 0 identical|layers 0–0 identical/);
  await shot(page, '40-compare-summary');

  const tree = page.getByRole('tree', { name: 'Tree of differences' });
  await treeItem(tree, 'etc').click();
  const osRelease = treeItem(tree, 'os-release');
  await expect(osRelease).toContainText('modified');
  await expect(osRelease).toContainText(`${Buffer.byteLength(originalFile('/etc/os-release'))} B`);
  await expect(osRelease).toContainText(`${ALPYNE.length} B`);
  await expect(treeItem(tree, 'shells')).toContainText('removed');
  await expect(treeItem(tree, 'hostname')).toContainText('metadata: mode');
  // Unchanged files stay folded away until asked for.
  await expect(treeItem(tree, 'passwd')).toHaveCount(0);
  await shot(page, '41-compare-tree');

  await osRelease.click();
  await expect(page).toHaveURL(/path=\/etc\/os-release/);
  const detail = page.getByRole('region', { name: 'Selected path' });
  const diff = detail.getByRole('table', { name: 'Side-by-side diff' });
  const was = originalFile('/etc/os-release').trimEnd().split('\n');
  const now = ALPYNE.trimEnd().split('\n');
  await expect(diff.locator('.diff-side.old.line-del .diff-text')).toHaveText(was.filter((line) => !now.includes(line)));
  await expect(diff.locator('.diff-side.new.line-add .diff-text')).toHaveText(now.filter((line) => !was.includes(line)));
  await shot(page, '42-compare-text-diff');

  await page.reload();
  await expect(detail.getByRole('table', { name: 'Side-by-side diff' }).locator('.diff-side.new.line-add .diff-text').first()).toHaveText('NAME="ALPYNE Linux"');
  await expect(treeItem(tree, 'os-release')).toHaveAttribute('aria-selected', 'true');

  await treeItem(tree, 'hostname').click();
  await expect(detail.getByRole('region', { name: 'What changed' })).toContainText('Mode: 0644 → 0600');

  // A symlink pointed elsewhere: both targets.
  await treeItem(tree, 'bin').click();
  await treeItem(tree, 'sh').click();
  await expect(detail.getByRole('region', { name: 'What changed' })).toContainText('Link target: busybox → /bin/ash');
  // A binary: sizes, digests and the hex of both.
  await treeItem(tree, 'busybox').click();
  await expect(detail).toContainText(`${(oracleSize('/bin/busybox') / 1e6).toPrecision(3)} MB → ${BINARY.length} B`);
  await expect(detail).toContainText('different bytes');
  const hexB = detail.getByRole('region', { name: /^Hex of B/ });
  await expect(hexB.locator('.hex-row').first()).toContainText('7f 45 4c 46 02 01 01 00  00 ff fe 10 20 30 40 50');
  await expect(detail.getByRole('region', { name: /^Hex of A/ }).locator('.hex-row').first()).toContainText('7f 45 4c 46');
  await shot(page, '45-compare-binary');

  // Unchanged entries come back with one toggle; a search lists matching changed paths only.
  await expect(treeItem(tree, 'ash')).toHaveCount(0);
  await page.getByLabel('Show unchanged').check();
  await expect(treeItem(tree, 'ash')).toHaveAttribute('aria-description', 'unchanged');
  await page.getByLabel('Show unchanged').uncheck();
  await expect(treeItem(tree, 'ash')).toHaveCount(0);
  await page.getByRole('group', { name: 'Change kinds' }).getByRole('button', { name: /^modified/ }).click();
  await expect(treeItem(tree, 'os-release')).toHaveCount(0);
  await expect(treeItem(tree, 'shells')).toBeVisible();
  await page.getByRole('group', { name: 'Change kinds' }).getByRole('button', { name: /^modified/ }).click();
  // Sorting by size change and showing mtime-only changes are part of the address too.
  await page.getByRole('button', { name: 'By size change' }).click();
  await expect(page).toHaveURL(/sort=delta/);
  await expect(treeItem(tree, 'busybox')).toBeVisible();
  await summaryToggle(page).check();
  await expect(page).toHaveURL(/mtime=1/);
  await page.reload();
  await expect(summaryToggle(page)).toBeChecked();
  await expect(page.getByRole('button', { name: 'By size change' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Search changed paths').fill('etc/');
  const matches = page.getByRole('listbox', { name: 'Matching changes' });
  await expect(matches.getByRole('option')).toHaveText([/\/etc\/hostname/, /\/etc\/os-release/, /\/etc\/shells/]);
  await expect(page).toHaveURL(/q=etc/);
});

test('the draft against its image before any export: what GNU tar finds in the export; an edit shows on reload', async ({ page, request }) => {
  test.setTimeout(120_000);
  const oracle = diffFilesystems(mergedFilesystem(fixturePath(FIXTURE)), mergedFilesystem(archive));
  await page.goto(`/images/${original.id}/draft`);
  await page.getByRole('link', { name: 'Compare with the image' }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=${original.id}&bDraft=1$`));
  await expect(page.getByLabel('Layers of B')).toHaveValue('draft');

  const summary = page.getByRole('region', { name: 'Summary' });
  const count = (label: string) => summary.locator('.compare-count').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) }).locator('.count-number');
  await expect(count('Added')).toHaveText(String(oracle.added.length));
  await expect(count('Removed')).toHaveText(String(oracle.removed.length));
  await expect(count('Modified')).toHaveText(String(oracle.modified.length));
  await expect(count('Type changed')).toHaveText(String(oracle.type.length));
  await expect(count('Metadata only')).toHaveText(String(oracle.metadata.length));
  await shot(page, '46-compare-draft');

  // The draft's bytes: its text through the draft's own filesystem, its binary's hex too.
  const tree = page.getByRole('tree', { name: 'Tree of differences' });
  const detail = page.getByRole('region', { name: 'Selected path' });
  await treeItem(tree, 'etc').click();
  await treeItem(tree, 'os-release').click();
  await expect(detail.getByRole('table', { name: 'Side-by-side diff' }).locator('.diff-side.new.line-add .diff-text').first()).toHaveText('NAME="ALPYNE Linux"');
  await expect(detail).toContainText('with its draft');
  await treeItem(tree, 'bin').click();
  await treeItem(tree, 'busybox').click();
  await expect(detail.getByRole('region', { name: /^Hex of B/ }).locator('.hex-row').first()).toContainText('7f 45 4c 46 02 01 01 00  00 ff fe 10 20 30 40 50');

  // Another edit is another draft: the comparison shows it when next read.
  const motd = await request.put(`/api/images/${original.id}/draft/content?path=/etc/motd`, { data: 'hello\n', headers: { 'Content-Type': 'application/octet-stream' } });
  expect(motd.status(), await motd.text()).toBe(200);
  try {
    await page.reload();
    await expect(count('Added')).toHaveText(String(oracle.added.length + 1));
    await page.getByLabel('Search changed paths').fill('motd');
    await expect(page.getByRole('listbox', { name: 'Matching changes' }).getByRole('option')).toHaveText([/\/etc\/motd/]);
  } finally {
    await request.delete(`/api/images/${original.id}/draft/content?path=/etc/motd`);
  }
});

test('sides: picked from an image page, swapped, and one taken as of a layer', async ({ page }) => {
  const oracle = diffFilesystems(mergedFilesystem(fixturePath(FIXTURE)), mergedFilesystem(archive));
  await page.goto(`/images/${original.id}/layers`);
  await page.getByRole('link', { name: 'Compare with…' }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}$`));
  await page.getByLabel('Image B').selectOption(edited);
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=${edited}$`));
  const summary = page.getByRole('region', { name: 'Summary' });
  const count = (label: string) => summary.locator('.compare-count').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) }).locator('.count-number');
  await expect(count('Removed')).toHaveText(String(oracle.removed.length));

  // Swapped, what B lacks is what it adds.
  await page.getByRole('button', { name: /Swap/ }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${edited}&b=${original.id}$`));
  await expect(count('Added')).toHaveText(String(oracle.removed.length));
  await expect(count('Removed')).toHaveText(String(oracle.added.length));

  // The edited image as of its first layer is the original's filesystem again (its config still has the new variable).
  await page.getByLabel('Layers of A').selectOption({ label: 'As of layer 0' });
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${edited}&aLayer=0&b=${original.id}$`));
  await expect(summary.locator('.compare-layers-text')).toContainText('the same layers');
  for (const label of ['Added', 'Removed', 'Modified', 'Type changed', 'Metadata only']) await expect(count(label)).toHaveText('0');
});

test('config and history differences: the added variable, the appended step', async ({ page }) => {
  await page.goto(`/compare/config?a=${original.id}&b=${edited}`);
  const config = page.getByRole('table', { name: 'Config differences' });
  await expect(config.getByRole('row').filter({ hasText: 'GREETING' })).toHaveText(/Env GREETING\s*not set\s*hello/);
  await page.getByRole('navigation', { name: 'Comparison views' }).getByRole('link', { name: /^History/ }).click();
  await expect(page).toHaveURL(new RegExp(`/compare/history\\?a=${original.id}&b=${edited}$`));
  const history = page.getByRole('table', { name: 'Histories aligned step by step' });
  // Every step of the original is still there, then the export's own step on B alone.
  await expect(history.getByRole('row').last().getByRole('cell').first()).toHaveText('only B');
  await expect(history.getByRole('row').filter({ hasText: 'only A' })).toHaveCount(0);
  await shot(page, '43-compare-history');
});

test('a layer out of range and an unknown image show the API message and a way back', async ({ page }) => {
  await page.goto(`/compare?a=${original.id}&aLayer=9&b=${edited}`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Could not compare these two');
  await expect(alert).toContainText(/layer/i);
  await expect(alert).toContainText('(400');
  await shot(page, '44-compare-bad-layer');
  await page.getByRole('link', { name: 'Compare the whole images' }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${original.id}&b=${edited}$`));
  await expect(page.getByRole('region', { name: 'Summary' })).toBeVisible();

  await page.goto(`/compare?a=${original.id}&b=0000000000000000`);
  await expect(page.getByRole('alert')).toContainText('(404');
  await page.getByRole('link', { name: 'Back to the image list' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('a folder of added files bigger than a page opens with its first page, scrolls to its end, and deep-links far down', async ({ page, request }) => {
  // More rows than the biggest page (5,000): the tree of differences needs several pages.
  const count = 6_000;
  const upload = await request.post('/api/images?name=compare-wide.tar', { data: wideImage(count), headers: { 'Content-Type': 'application/x-tar' }, timeout: 120_000 });
  expect([200, 201], await upload.text()).toContain(upload.status());
  const wide = (await upload.json()) as ImageSummary;
  const last = `f${String(count - 1).padStart(5, '0')}`;
  const calls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/compare/fs?')) calls.push(decodeURIComponent(r.url()));
  });

  await page.goto(`/compare?a=${original.id}&b=${wide.id}`);
  const tree = page.getByRole('tree', { name: 'Tree of differences' });
  await treeItem(tree, 'big').click();
  await expect(treeItem(tree, 'f00000')).toHaveAttribute('aria-setsize', String(count));
  const bigCalls = () => calls.filter((u) => /[?&]path=\/big(&|$)/.test(u));
  expect(bigCalls()).toHaveLength(1);
  expect(bigCalls()[0]).toMatch(/limit=500/);
  await page.evaluate(() => {
    const el = document.querySelector('.tree-scroll') as HTMLElement;
    el.scrollTop = el.scrollHeight;
  });
  await expect(treeItem(tree, last)).toBeVisible();
  await expect(treeItem(tree, last)).toContainText('added');
  expect(bigCalls().length).toBeGreaterThan(1);
  await expect(tree.locator('.tree-row.pending')).toHaveCount(0);

  await page.goto(`/compare?a=${original.id}&b=${wide.id}&path=/big/f05500`);
  await expect(treeItem(tree, 'f05500')).toHaveAttribute('aria-selected', 'true');
  await expect(treeItem(tree, 'f05500')).toBeInViewport();
  await expect(page.getByRole('region', { name: 'Selected path' }).getByRole('heading', { name: 'f05500' })).toBeVisible();
  await shot(page, '46-compare-paged-folder');

  // The same path deep-linked from a search whose matches span several pages of the flat list:
  // the list loads on until it holds the path, selects it and scrolls it into view.
  const listed: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/compare/changes?')) listed.push(decodeURIComponent(r.url()));
  });
  await page.goto(`/compare?a=${original.id}&b=${wide.id}&q=big/f&path=/big/f05500`);
  await expect(page.getByRole('status').filter({ hasText: 'match' })).toHaveText(`${count.toLocaleString('en-US')} changed paths match “big/f”`);
  const matches = page.getByRole('listbox', { name: 'Matching changes' });
  const option = matches.getByRole('option', { name: 'added /big/f05500', exact: true });
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await expect(option).toBeInViewport();
  await expect(page.getByRole('region', { name: 'Selected path' }).getByRole('heading', { name: 'f05500' })).toBeVisible();
  expect(listed.length).toBeGreaterThan(1);
  await shot(page, '47-compare-search-deep-link');
  await request.delete(`/api/images/${wide.id}`);
});
