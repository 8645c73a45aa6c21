import { basename } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The flags e2e/playwright.config.ts gives Debian's Chromium. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface BrowserRun {
  /** From the drop event to the image page showing every layer (after two animation frames). */
  dropToInteractiveMs: number;
  /** From the click on the wide directory to its first rows painted. */
  wideDirPaintedMs: number[];
  imageId: string;
}

export async function withBrowser<T>(fn: (b: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** A page ready for the measurements. tsx (esbuild keepNames) wraps the functions passed to evaluate() in `__name(…)`: define it in the page. */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript('window.__name = (f) => f;');
  // evaluate() (the drop) has no timeout; locators fail after a minute instead of hanging.
  page.setDefaultTimeout(60_000);
  return page;
}

/**
 * Drops the archive on the home page as a person would (a File backed by the file on disk, so
 * the browser streams it like one dragged from the desktop) and waits for the image page.
 */
export async function dropToInteractive(page: Page, address: string, archive: string, layers: number): Promise<{ ms: number; imageId: string }> {
  await page.goto(`${address}/`);
  await page.getByRole('heading', { name: 'Open a container image' }).waitFor();
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    input.style.display = 'none';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', archive);
  const ms = await page.evaluate(async (want: number) => {
    const file = (document.getElementById('bench-file') as HTMLInputElement).files![0];
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const target = document.querySelector('[aria-label="Open an image"]') ?? document.body;
    const t0 = performance.now();
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
    await new Promise<void>((resolve) => {
      const check = () => {
        const ready = /\/images\/[0-9a-f]+\/layers$/.test(location.pathname) && document.querySelectorAll('tr.history-row.has-layer').length >= want;
        if (ready) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  }, layers);
  const imageId = /\/images\/([0-9a-f]+)\//.exec(page.url())![1];
  if (!(await page.getByRole('heading', { level: 1 }).textContent())?.includes(basename(archive))) {
    throw new Error(`the image page does not name ${basename(archive)}`);
  }
  return { ms, imageId };
}

/**
 * Opens the image's files page with `dir` selected (its ancestors open, the row scrolled into
 * view, the folder itself closed), then times a click on it until its first child rows are painted.
 * The tree asks for the folder's first page (`paged=1`); the time covers that request, as a person
 * clicking would wait for it. Throws if the click fetched the folder whole.
 */
export async function clickDirToPainted(page: Page, address: string, imageId: string, dir: string): Promise<number> {
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  const listings: string[] = [];
  const onRequest = (r: { url(): string }) => {
    if (r.url().includes('/fs?')) listings.push(r.url());
  };
  await page.goto(`${address}/images/${imageId}/files?path=${encodeURIComponent(dir)}`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  const item = tree.getByRole('treeitem', { name, exact: true });
  await item.waitFor();
  if ((await item.getAttribute('aria-expanded')) === 'true') throw new Error(`${dir} is already open`);
  // Let the page settle (the selected entry's details load) before the timed click.
  await page.waitForLoadState('networkidle');
  const handle = await item.elementHandle();
  page.on('request', onRequest);
  const ms = await handle!.evaluate(async (el: Element) => {
    // Children of the clicked folder are the only rows one level deeper than it.
    const level = `${Number(el.getAttribute('aria-level')) + 1}`;
    const childRows = () => document.querySelectorAll(`[role="treeitem"][aria-level="${level}"]`).length;
    if (childRows() > 0) throw new Error('rows one level below the folder are already shown');
    const t0 = performance.now();
    (el as HTMLElement).click();
    await new Promise<void>((resolve) => {
      const check = () => (childRows() > 0 ? resolve() : requestAnimationFrame(check));
      check();
    });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  page.off('request', onRequest);
  const whole = listings.filter((u) => !u.includes('paged=1'));
  if (whole.length > 0) throw new Error(`the click listed a folder whole: ${whole[0]}`);
  return ms;
}

/**
 * After clickDirToPainted: scrolls the tree down a screen at a time (as a user holding Page
 * Down would, the rows not yet loaded fetched page by page) and times until the open folder's
 * last row (`lastName`) is painted. Gives up after a minute rather than waiting forever.
 */
export async function scrollDirToEnd(page: Page, lastName: string): Promise<number> {
  return page.evaluate(async (name: string) => {
    const scroller = document.querySelector('.tree-scroll') as HTMLElement;
    const shown = () => Array.from(document.querySelectorAll('[role="treeitem"]')).some((el) => el.getAttribute('aria-label') === name || el.textContent?.includes(name));
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const step = () => {
        if (shown()) return resolve();
        if (performance.now() - t0 > 60_000) return reject(new Error(`the folder's last row ${name} was not painted within a minute`));
        // Only move on once the rows in view are loaded (no "Loading…" placeholder left).
        const loading = scroller.textContent?.includes('Loading…') ?? false;
        if (!loading) scroller.scrollTop = Math.min(scroller.scrollTop + scroller.clientHeight * 20, scroller.scrollHeight);
        requestAnimationFrame(step);
      };
      step();
    });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  }, lastName);
}
