import type { ImageSummary, SearchResult } from '@peel/api';
import { wideImage } from './make-image.js';
import { expect, shot, test, treeItem } from './helpers.js';

const COUNT = 50_000;
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  const response = await request.post('/api/images?name=wide-50k.tar', { data: wideImage(COUNT), headers: { 'Content-Type': 'application/x-tar' }, timeout: 120_000 });
  expect([200, 201], await response.text()).toContain(response.status());
  image = (await response.json()) as ImageSummary;
});

test('a directory with 50,000 entries opens, scrolls and navigates smoothly', async ({ page }) => {
  await page.goto(`/images/${image.id}/files`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  const big = treeItem(tree, 'big');
  // Its files are empty: the size column says so, and its title how many entries it holds.
  await expect(big).toContainText('0 B');
  await expect(big.getByTitle(/50,000 entries/)).toHaveCount(1);

  const started = Date.now();
  await big.click();
  await expect(treeItem(tree, 'f00000')).toBeVisible();
  const openMs = Date.now() - started;

  // Virtualised: only the rows in view (plus a little overscan) are in the DOM.
  const rendered = await tree.getByRole('treeitem').count();
  expect(rendered).toBeLessThan(120);
  await expect(treeItem(tree, 'f00000')).toHaveAttribute('aria-setsize', String(COUNT));

  // Row i sits at i * ROW_HEIGHT below the sticky header: /big, then f00000…f49999, then /etc.
  const ROW_HEIGHT = 28;
  const HEADER_HEIGHT = 30;
  const nameOf = (i: number) => (i === 0 ? 'big' : i <= COUNT ? `f${String(i - 1).padStart(5, '0')}` : 'etc');
  /** The rows in view, top to bottom (a row not loaded yet by its text), and the rows the view should show. */
  const viewport = async () => {
    const v = await page.evaluate(() => {
      const scroller = document.querySelector('.tree-scroll') as HTMLElement;
      const top = (scroller.querySelector('.tree-header') as HTMLElement).getBoundingClientRect().bottom;
      const bottom = scroller.getBoundingClientRect().top + scroller.clientTop + scroller.clientHeight;
      const rows = Array.from(scroller.querySelectorAll<HTMLElement>('.tree-row'));
      const names = rows
        .map((row) => ({ row, box: row.getBoundingClientRect() }))
        .filter(({ box }) => box.bottom > top && box.top < bottom)
        .sort((a, b) => a.box.top - b.box.top)
        .map(({ row }) => (row.getAttribute('role') === 'treeitem' ? row.getAttribute('aria-label') : `(${row.textContent})`));
      return { names, rowsInDom: rows.length, scrollTop: scroller.scrollTop, height: scroller.clientHeight };
    });
    const first = Math.floor(v.scrollTop / ROW_HEIGHT);
    const last = Math.min(COUNT + 1, Math.ceil((v.scrollTop + v.height - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    return { ...v, want: Array.from({ length: last - first + 1 }, (_, k) => nameOf(first + k)) };
  };
  // Scroll through the list in big jumps: after each, the view fills with the rows that belong
  // there (pages not loaded yet arrive), and the DOM still holds only the rows near the view.
  for (let i = 1; i <= 20; i += 1) {
    await page.evaluate((share) => {
      const scroller = document.querySelector('.tree-scroll') as HTMLElement;
      scroller.scrollTop = scroller.scrollHeight * share;
    }, i / 20);
    await expect
      .poll(async () => {
        const v = await viewport();
        return v.names.length > 0 && JSON.stringify(v.names) === JSON.stringify(v.want) ? 'the rows that belong there' : { got: v.names, want: v.want };
      }, { message: `rows in view after a jump to ${i}/20 of the list` })
      .toBe('the rows that belong there');
    expect((await viewport()).rowsInDom, `rows in the DOM at ${i}/20 of the list`).toBeLessThan(120);
  }
  await expect(treeItem(tree, 'f49999')).toBeVisible();

  await tree.focus();
  const endStarted = Date.now();
  // The last row is /etc (after /big and its 50,000 children); one up is the last file in /big.
  await page.keyboard.press('End');
  await expect(page).toHaveURL(/path=\/etc$/);
  await page.keyboard.press('ArrowUp');
  await expect(page).toHaveURL(/path=\/big\/f49999$/);
  await expect(treeItem(tree, 'f49999')).toHaveAttribute('aria-selected', 'true');
  const endMs = Date.now() - endStarted;
  await page.keyboard.press('Home');
  await expect(page).toHaveURL(/path=\/big$/);
  await shot(page, '20-wide-directory');

  // Speed is measured by the benchmark (bench/), not asserted here: this machine is shared.
  test.info().annotations.push({ type: 'timing', description: `open ${openMs} ms, End+Up ${endMs} ms` });
  console.log(`50k directory: open ${openMs} ms, End+Up keys ${endMs} ms, ${rendered} rows in the DOM`);
});

test('filtering finds paths across the image', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files?q=f4999*`);
  const results = page.getByRole('tree', { name: 'Matching paths' });
  await expect(results.getByRole('treeitem')).toHaveCount(10);
  await results.getByRole('treeitem', { name: 'f49990' }).click();
  await expect(page).toHaveURL(/path=\/big\/f49990/);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/big/f0*');
  await expect(page).toHaveURL(/q=%2Fbig%2Ff0\*|q=\/big\/f0\*/);
  await expect(results.getByRole('treeitem')).toHaveCount(500);
  await expect(page.getByText('500 matches among the first 500 of 10,000 in the image')).toBeVisible();
  const pages: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/search?')) pages.push(new URL(r.url()).search);
  });
  await page.getByRole('button', { name: 'Load more matches' }).click();
  await expect(results.getByRole('treeitem')).toHaveCount(1000);
  // The second page follows the first's cursor (sought, however deep) and goes on where it ended.
  expect(pages.filter((q) => q.includes('deleted=0'))).toEqual([expect.stringMatching(/[?&]cursor=[\w-]+/)]);
  const hit = async (offset: number) => ((await (await request.get(`/api/images/${image.id}/search?q=${encodeURIComponent('/big/f0*')}&deleted=0&limit=1&offset=${offset}`)).json()) as SearchResult).items[0].path;
  await expect(results.getByRole('treeitem').nth(500)).toHaveAccessibleDescription(await hit(500));
  await expect(results.getByRole('treeitem').nth(999)).toHaveAccessibleDescription(await hit(999));
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('');
  await expect(page).not.toHaveURL(/q=/);
  await expect(treeItem(page.getByRole('tree', { name: 'Merged filesystem' }), 'f49990')).toHaveAttribute('aria-selected', 'true');
});

test('a large text file is read in pages with Range requests', async ({ page }) => {
  const ranges: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/content?path=%2Fetc%2Flong.txt')) ranges.push(request.headers().range ?? 'none');
  });
  await page.goto(`/images/${image.id}/files?path=/etc/long.txt`);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await expect(detail.getByRole('textbox', { name: 'Contents of long.txt' })).toContainText('line 00001: lorem ipsum');
  await expect(detail).toContainText('Showing 262 kB of');
  await detail.getByRole('button', { name: 'Load next 262 kB' }).click();
  await expect(detail).toContainText('Showing 524 kB of');
  await shot(page, '21-paged-text');
  expect(ranges).toEqual(['bytes=0-262143', 'bytes=262144-524287']);
});
