import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';

export { expect };

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', '..', 'fixtures');
const SCREENSHOTS = join(here, '..', 'screenshots');

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

/** Stores a fixture through the real API (for tests that are not about uploading). */
export async function uploadViaApi(request: APIRequestContext, name: string): Promise<ImageSummary> {
  const response = await request.post(`/api/images?name=${encodeURIComponent(name)}`, {
    data: readFileSync(fixturePath(name)),
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  // 201 when stored now, 200 when the same archive was already stored.
  expect([200, 201], await response.text()).toContain(response.status());
  return (await response.json()) as ImageSummary;
}

/** Saves a full-window screenshot into e2e/screenshots/ (git-ignored) for a person to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/**
 * A real drag and drop: builds a DataTransfer holding the fixture's bytes inside the page and
 * dispatches dragenter, dragover and drop with it, as the browser does for a file from the desktop.
 */
export async function dropFixture(page: Page, target: Locator, name: string): Promise<void> {
  await dropBytes(page, target, name, readFileSync(fixturePath(name)), 'application/x-tar');
}

/** Drops a file with the given name and bytes onto an element (see dropFixture). */
export async function dropBytes(page: Page, target: Locator, name: string, bytes: Uint8Array, type = 'application/octet-stream'): Promise<void> {
  const base64 = Buffer.from(bytes).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, type }) => {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type }));
      return transfer;
    },
    { base64, name, type },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Slows uploads down (DevTools network emulation) so progress can be watched and cancelled. */
export async function throttleUpload(page: Page, bytesPerSecond: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  };
}

/** The tree item for a name inside a tree (exact accessible name). */
export function treeItem(tree: Locator, name: string): Locator {
  return tree.getByRole('treeitem', { name, exact: true });
}

/** The image id in a page URL like /images/<id>/files. */
export function imageIdOf(url: string): string {
  const match = /\/images\/([^/?#]+)/.exec(url);
  if (!match) throw new Error(`no image id in ${url}`);
  return decodeURIComponent(match[1]);
}

/** Throws an image's draft away through the API, so a test starts (and leaves) it empty. */
export async function clearDraft(request: APIRequestContext, imageId: string): Promise<void> {
  const response = await request.delete(`/api/images/${encodeURIComponent(imageId)}/draft`);
  expect(response.status(), await response.text()).toBe(200);
}

/** The axe impacts that fail a test: a person using a screen reader or a keyboard is stuck. */
const BLOCKING = new Set(['serious', 'critical']);

/** The serious and critical axe-core violations on the page as it is now, one line per rule and its elements. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => {
      // A few elements say what is wrong; the same rule broken on every row of a tree adds nothing.
      const nodes = v.nodes.slice(0, 3).map((n) => `    ${n.target.join(' ')}  ${n.failureSummary?.split('\n').slice(1).join('; ') ?? ''}`);
      if (v.nodes.length > 3) nodes.push(`    … and ${v.nodes.length - 3} more`);
      return `${v.impact} ${v.id}: ${v.help}\n${nodes.join('\n')}`;
    });
}

/**
 * Fails on serious and critical axe-core violations of the page as it is now. Call it for a state
 * no URL reaches (an open dialog, an expanded form); every page a test visits is checked anyway
 * (see `test`).
 */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  expect(await axeViolations(page), `axe found serious or critical violations on ${where}`).toEqual([]);
}

/**
 * Waits (a bounded time) for a page to drop its loading placeholders; a page just opened by URL
 * first waits for its requests to stop (the page a test ends on has already been waited for by
 * the test's own assertions).
 */
async function settle(page: Page, opened: boolean): Promise<void> {
  if (opened) await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
}

/**
 * Which view a URL shows, for checking each view once per worker: the path with image ids and
 * layer numbers taken out, and the names (not values) of its query parameters; so
 * /images/ab12/layers/3/files?path=/etc and …/layers/5/files?path=/usr are one view, and
 * …/files (no selection) and …/files?path=… (a file open beside the tree) are two.
 */
export function viewOf(href: string): string {
  const url = new URL(href);
  const path = url.pathname.replace(/^\/images\/[^/]+/, '/images/:id').replace(/\/layers\/\d+/, '/layers/:n');
  return `${path}?${[...new Set(url.searchParams.keys())].sort().join('&')}`;
}

/** Views already checked by this worker, keyed by colour scheme and view. */
const checked = new Set<string>();

/**
 * Playwright's `test` with an accessibility check after every test that uses `page` and passed:
 * axe runs on the page as the test left it (a dialog open, a form filled), then on each other
 * view the test's page navigated to that this worker has not checked yet (opened again by URL and
 * settled). Specs get it by importing `test` (and `expect`) from this file instead of from
 * '@playwright/test'.
 */
export const test = base.extend({
  page: async ({ page, colorScheme, baseURL }, use, testInfo) => {
    const visited: string[] = [];
    const record = (frame: { url(): string }) => {
      if (frame !== page.mainFrame()) return;
      const url = new URL(frame.url());
      // Only the suite's own server: a test may also drive a Peel it started and has stopped since.
      if (url.origin === new URL(baseURL ?? url.href).origin && !url.pathname.startsWith('/api/') && !visited.includes(url.href)) visited.push(url.href);
    };
    page.on('framenavigated', record);
    await use(page);
    page.off('framenavigated', record);
    // A failed test already says what went wrong; its page may be half-way through anything.
    if (testInfo.status !== testInfo.expectedStatus || page.isClosed()) return;
    const key = (href: string) => `${colorScheme}|${viewOf(href)}`;
    const toVisit = visited.filter((href) => href !== page.url() && !checked.has(key(href)));
    // axe takes a second or more per page (much more on a busy machine); the test's budget is for the test.
    testInfo.setTimeout(testInfo.timeout + 30_000 * (toVisit.length + 1));
    const found: string[] = [];
    const check = async (where: string, opened: boolean) => {
      await settle(page, opened);
      for (const violation of await axeViolations(page)) found.push(`${where}\n  ${violation}`);
    };
    if (page.url().startsWith('http')) {
      checked.add(key(page.url()));
      await check(`${page.url()} (as the test left it)`, false);
    }
    for (const href of toVisit) {
      if (checked.has(key(href))) continue;
      checked.add(key(href));
      await page.goto(href);
      await check(href, true);
    }
    expect(found, 'axe found serious or critical violations').toEqual([]);
  },
});
