import type { DraftState, ImageSummary } from '@peel/api';
import { clearDraft, expect, shot, test } from './helpers.js';
import { singleLayerImage } from './make-image.js';
import { bytesFoundIn } from './secret-search.js';

// A secret the final filesystem still holds (no later layer deleted it): removing it is a plain
// delete in the draft, so only "Remove from all layers" says it is meant to leave every layer.
const LIVE_SECRET = 'sk_test_E2E_LIVE_9f8e7d6c5b4a3210';
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  const archive = singleLayerImage(
    [
      { path: 'etc', type: 'dir' },
      { path: 'etc/os-release', type: 'file', content: Buffer.from('ID=live\n') },
      { path: 'app', type: 'dir' },
      { path: 'app/.env', type: 'file', content: Buffer.from(`API_KEY=${LIVE_SECRET}\n`) },
    ],
    'peel-e2e/live-secret:v1',
    'generated: an app with its .env',
  );
  const upload = await request.post('/api/images?name=live-secret.tar', { data: archive, headers: { 'Content-Type': 'application/x-tar' } });
  expect([200, 201], await upload.text()).toContain(upload.status());
  image = (await upload.json()) as ImageSummary;
});
test.afterAll(async ({ request }) => clearDraft(request, image.id));

test('a live secret removed from all layers: the dialog chooses Rewrite, whose archive has its bytes nowhere; Append would ship them', async ({ page }) => {
  await clearDraft(page.request, image.id);
  await page.goto(`/images/${image.id}/findings`);
  const secret = page.getByRole('list', { name: 'Secrets' }).getByRole('listitem').filter({ hasText: 'API_KEY in a .env file' });
  await secret.getByRole('button', { name: 'Remove from all layers' }).click();
  await secret.getByRole('status').getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog.getByRole('radio', { name: /^Rewrite layers/ })).toBeChecked();
  await expect(dialog.getByRole('note')).toContainText('Rewrite layers is chosen because the draft removes /app/.env from every layer');
  await expect(dialog.getByLabel('Name and tag of the result')).toHaveValue('peel-e2e/live-secret:edited');

  let downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download' }).click();
  expect(await bytesFoundIn(await (await downloading).path(), [LIVE_SECRET])).toEqual([]);

  await dialog.getByRole('radio', { name: /^Append a layer/ }).check();
  await expect(dialog.getByRole('alert')).toContainText('Append keeps the bytes. /app/.env is gone from the filesystem but still stored in the lower layer');
  downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download' }).click();
  expect(await bytesFoundIn(await (await downloading).path(), [LIVE_SECRET])).toEqual([LIVE_SECRET]);

  // The draft itself says so: another tab (or person) opening the export later gets Rewrite too.
  const draft = (await (await page.request.get(`/api/images/${image.id}/draft`)).json()) as DraftState;
  expect(draft.changes.filter((c) => c.fromEveryLayer).map((c) => c.path)).toEqual(['/app/.env']);
  const elsewhere = await page.context().browser()!.newContext();
  try {
    const tab = await elsewhere.newPage();
    await tab.goto(`${new URL(page.url()).origin}/images/${image.id}/draft`);
    await tab.getByRole('button', { name: /^Export/ }).first().click();
    await expect(tab.getByRole('dialog', { name: /^Export/ }).getByRole('radio', { name: /^Rewrite layers/ })).toBeChecked();
  } finally {
    await elsewhere.close();
  }
  await clearDraft(page.request, image.id);
});

test('a plain delete: Append stays the default, and the dialog says the deleted bytes still ship with it', async ({ page }) => {
  await clearDraft(page.request, image.id);
  const deleted = await page.request.delete(`/api/images/${image.id}/draft/content?path=/etc/os-release`);
  expect(deleted.status(), await deleted.text()).toBe(200);
  await page.goto(`/images/${image.id}/layers`);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog.getByRole('radio', { name: /^Append a layer/ })).toBeChecked();
  await expect(dialog.getByRole('note')).toHaveText('Append hides what the draft deletes (/etc/os-release) but its bytes still ship in the lower layers; Rewrite layers or Flatten drops them.');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await shot(page, '37-export-append-plain-delete');
  await dialog.getByRole('radio', { name: /^Flatten/ }).check();
  await expect(dialog.getByRole('note')).toHaveCount(0);
  await clearDraft(page.request, image.id);
});
