import type { Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';
import { wideImage } from './make-image.js';
import { clearDraft, expect, shot, test, treeItem } from './helpers.js';

// More rows than the biggest page (5,000), so the tree and the list need several pages.
const COUNT = 12_000;
const LAST = `f${String(COUNT - 1).padStart(5, '0')}`;
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  const response = await request.post('/api/images?name=paged-12k.tar', { data: wideImage(COUNT), headers: { 'Content-Type': 'application/x-tar' }, timeout: 120_000 });
  expect([200, 201], await response.text()).toContain(response.status());
  image = (await response.json()) as ImageSummary;
});

test.afterAll(async ({ request }) => {
  await clearDraft(request, image.id);
});

/** The API calls the page makes, decoded. */
function record(page: Page, what: RegExp): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (what.test(r.url())) urls.push(decodeURIComponent(r.url()));
  });
  return urls;
}

const scrollToEnd = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement;
    el.scrollTop = el.scrollHeight;
  }, selector);

test('a folder bigger than a page opens with its first page, and scrolling to the end shows the last entry', async ({ page }) => {
  const calls = record(page, /\/api\/images\/[^/]+\/fs\?/);
  await page.goto(`/images/${image.id}/files`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'big').click();
  await expect(treeItem(tree, 'f00000')).toBeVisible();
  await expect(treeItem(tree, 'f00000')).toHaveAttribute('aria-setsize', String(COUNT));
  const bigCalls = () => calls.filter((u) => u.includes('path=/big&') || u.endsWith('path=/big'));
  // The click asked for one page of 500 rows, not the whole folder.
  expect(bigCalls()).toHaveLength(1);
  expect(bigCalls()[0]).toMatch(/paged=1&limit=500$/);

  await scrollToEnd(page, '.tree-scroll');
  await expect(treeItem(tree, LAST)).toBeVisible();
  // The rows in between came in pages of at most 5,000, each following the last one's cursor.
  expect(bigCalls().length).toBeGreaterThan(2);
  for (const url of bigCalls()) expect(url).toMatch(/paged=1&limit=(\d{3}|[1-4]\d{3}|5000)(&cursor=.+)?$/);
  await expect(tree.locator('.tree-row.pending')).toHaveCount(0);
  await shot(page, '50-paged-folder-end');

  // Selecting an entry looks it up by name; its folder is not listed whole.
  await treeItem(tree, LAST).click();
  await expect(page).toHaveURL(new RegExp(`path=%2Fbig%2F${LAST}$|path=/big/${LAST}$`));
  await expect(page.getByRole('region', { name: 'Selected entry' }).getByRole('heading', { name: LAST })).toBeVisible();
  expect(calls.some((u) => u.includes(`name=${LAST}`))).toBe(true);
  expect(calls.every((u) => u.includes('paged=1'))).toBe(true);
  await tree.focus();
  await page.keyboard.press('ArrowUp');
  await expect(treeItem(tree, `f${String(COUNT - 2).padStart(5, '0')}`)).toHaveAttribute('aria-selected', 'true');
});

test('a deep link to an entry far down a big folder loads the pages up to it and shows it selected', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/big/f11000`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'f11000')).toHaveAttribute('aria-selected', 'true');
  await expect(treeItem(tree, 'f11000')).toBeInViewport();
  await expect(page.getByRole('region', { name: 'Selected entry' }).getByRole('heading', { name: 'f11000' })).toBeVisible();
});

test('the draft view and the deleted view page the same way', async ({ page, request }) => {
  const put = await request.put(`/api/images/${image.id}/draft/content?path=/big/zz-new.txt`, { data: 'new\n', headers: { 'Content-Type': 'application/octet-stream' } });
  expect(put.status(), await put.text()).toBe(200);
  const del = await request.delete(`/api/images/${image.id}/draft/content?path=/big/f00003`);
  expect(del.status(), await del.text()).toBe(200);

  await page.goto(`/images/${image.id}/files?path=/big`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'big').click();
  await expect(treeItem(tree, 'f00002')).toBeVisible();
  await expect(treeItem(tree, 'f00003')).toHaveCount(0);
  await scrollToEnd(page, '.tree-scroll');
  await expect(treeItem(tree, 'zz-new.txt')).toBeVisible();
  await expect(treeItem(tree, 'zz-new.txt')).toHaveAttribute('aria-setsize', String(COUNT));

  await page.getByRole('checkbox', { name: 'Show deleted and overwritten' }).check();
  await page.evaluate(() => ((document.querySelector('.tree-scroll') as HTMLElement).scrollTop = 0));
  await expect(treeItem(tree, 'f00003')).toContainText('deleted by the draft');
  await expect(treeItem(tree, 'f00003')).toHaveAttribute('aria-setsize', String(COUNT + 1));
  await shot(page, '51-paged-draft-deleted');
});

test('a layer’s changes list pages too: counts, the end of the list, filters and a deep link', async ({ page }) => {
  const calls = record(page, /\/changes\?/);
  await page.goto(`/images/${image.id}/layers/0/changes`);
  const added = COUNT + 4;
  await expect(page.getByRole('button', { name: `Added ${added}` })).toBeVisible();
  const list = page.getByRole('listbox', { name: 'Changed paths' });
  await expect(list.getByRole('option', { name: 'added /big', exact: true })).toBeVisible();
  await scrollToEnd(page, '.change-scroll');
  await expect(list.getByRole('option', { name: `added /big/${LAST}` })).toBeVisible();
  expect(calls.length).toBeGreaterThan(1);
  expect(calls.every((u) => u.includes('paged=1'))).toBe(true);
  await shot(page, '52-paged-changes-end');

  await page.getByRole('searchbox', { name: 'Filter changed paths' }).fill('F1199');
  await expect(list.getByRole('option')).toHaveCount(10);

  await page.goto(`/images/${image.id}/layers/0/changes?path=/big/f11500`);
  const detail = page.getByRole('region', { name: 'Selected change' });
  await expect(detail.getByRole('heading', { name: 'f11500' })).toBeVisible();
  await expect(detail.getByText('Added by layer 0.')).toBeVisible();
});
