import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';
import { clearDraft, expect, shot, test, uploadViaApi } from './helpers.js';

// The same draft exported twice from the browser downloads the same bytes in every mode (so the
// same image ID once loaded): no clock, no random in an export.
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'tiny-containerd-export.tar');
});
test.beforeEach(async ({ request }) => clearDraft(request, image.id));
test.afterEach(async ({ request }) => clearDraft(request, image.id));

/** Exports from the dialog in `mode` and returns the sha256 of the whole download. */
async function downloadFromDialog(page: Page, mode: RegExp, screenshot?: string): Promise<string> {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await dialog.getByRole('radio', { name: mode }).check();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download' }).click();
  const file = await (await downloading).path();
  if (screenshot) await shot(page, screenshot);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toBeHidden();
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

test('the same draft downloads as the same bytes, twice, in every mode', async ({ page, request }) => {
  test.setTimeout(120_000);
  const put = await request.put(`/api/images/${image.id}/draft/content?path=/etc/os-release`, { data: 'NAME="ALPYNE Linux"\nID=alpyne\n', headers: { 'Content-Type': 'application/octet-stream' } });
  expect(put.status(), await put.text()).toBe(200);
  expect((await request.post(`/api/images/${image.id}/draft/ops`, { data: { op: 'mkdir', path: '/srv/www' } })).status()).toBe(200);
  expect((await request.patch(`/api/images/${image.id}/draft/config`, { data: { Cmd: ['cat', '/etc/os-release'] } })).status()).toBe(200);

  await page.goto(`/images/${image.id}/draft`);
  const seen = new Map<string, string>();
  for (const [mode, label] of [['append', /^Append a layer/], ['flatten', /^Flatten/], ['rewrite', /^Rewrite layers/]] as const) {
    const first = await downloadFromDialog(page, label, mode === 'flatten' ? '90-reproducible-flatten-downloaded' : undefined);
    const second = await downloadFromDialog(page, label);
    expect(second, `${mode}: the second download`).toBe(first);
    seen.set(mode, first);
  }
  expect(new Set(seen.values()).size).toBe(3);
});
