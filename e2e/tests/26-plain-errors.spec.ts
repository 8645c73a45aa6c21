import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { dropBytes, expect, fixturePath, shot, test } from './helpers.js';

// Refusals in words a person can act on, the technical account folded away; long messages wrap
// inside the toast; an address naming no image says so and leads back to the list.

/** GNU tar's listing with header block numbers: which entry of the archive a byte offset falls in. */
function entryAt(archive: string, offset: number): string {
  const lines = execFileSync('tar', ['--block-number', '-tvf', archive], { encoding: 'utf8' }).trim().split('\n');
  let found: string | null = null;
  for (const line of lines) {
    const m = /^block (\d+): \S+ \S+\s+\d+ \S+ \S+ (.*)$/.exec(line);
    if (m && (Number(m[1]) + 1) * 512 <= offset) found = m[2];
  }
  if (!found) throw new Error(`no entry before ${offset}`);
  return found;
}

/** Nothing in the box is wider than the box. */
async function expectNoOverflow(box: Locator): Promise<void> {
  const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(scroll, 'the content fits the width of its box').toBeLessThanOrEqual(client);
}

test('a text file dropped: "not a tar archive", with the parser\'s account folded', async ({ page }) => {
  await page.goto('/');
  await dropBytes(page, page.locator('body'), 'notes.txt', new TextEncoder().encode('just some text, not a tar!\n'));
  const panel = page.getByRole('region', { name: 'Upload' });
  await expect(panel.getByRole('alert')).toHaveText('This is not a tar archive: Peel opens the .tar (or .tar.gz) that `docker save` or an OCI export writes');
  await expect(panel.getByText('header block', { exact: false })).toBeHidden();
  await panel.getByText('Technical detail').click();
  await expect(panel.locator('.error-detail code')).toHaveText('400 NOT_A_TAR: archive ends inside a header block at offset 0 at byte 27');
  await expectNoOverflow(panel);
  await shot(page, '64-upload-not-a-tar');
  await panel.getByRole('button', { name: 'Dismiss' }).click();
  await expect(panel).toBeHidden();
});

test('a truncated archive: where it ends, inside which layer, and what to do; the long detail wraps', async ({ page }) => {
  const archive = fixturePath('multi-docker-legacy.tar');
  const cut = 100 * 1024 + 77;
  const layer = entryAt(archive, cut);
  expect(layer).toMatch(/^[0-9a-f]{64}\/layer\.tar$/);
  await page.goto('/');
  await dropBytes(page, page.locator('body'), 'cut.tar', readFileSync(archive).subarray(0, cut));
  const panel = page.getByRole('region', { name: 'Upload' });
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText(`The archive is truncated: it ends at 102 kB, inside layer ${layer.slice(0, 12)}…/layer.tar (`);
  await expect(alert).toContainText('re-run `docker save` (or copy the file again)');
  await panel.getByText('Technical detail').click();
  await expect(panel.locator('.error-detail code')).toHaveText(`400 TRUNCATED: archive ends inside "${layer}" at byte ${cut}`);
  // The 64-hex path has no place to break but must not run out of the 380 px card.
  await expectNoOverflow(panel);
  const card = await panel.boundingBox();
  const code = await panel.locator('.error-detail code').boundingBox();
  expect(card && code && code.x + code.width <= card.x + card.width).toBe(true);
  await shot(page, '65-upload-truncated');
});

test('a missing image explains itself and links back to the list', async ({ page }) => {
  await page.goto('/images/ffffffffffffffff/files?path=/etc');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This image is not in Peel');
  await expect(page.getByRole('main')).toContainText('No stored image has the id ffffffffffffffff');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await shot(page, '66-missing-image');
  await page.getByRole('link', { name: 'Back to the image list' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Open a container image' })).toBeVisible();
});
