import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';

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
