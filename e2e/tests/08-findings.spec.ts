import { readFileSync } from 'node:fs';
import type { FindingsResponse, ImageSummary } from '@peel/api';
import { clearDraft, expect, fixturePath, shot, test, treeItem, uploadViaApi } from './helpers.js';
import { bytesFoundIn } from './secret-search.js';
import { startPeel } from './peel-server.js';

/** The fixture's fake secrets, as bytes to look for. */
const SECRETS = ['sk_test_FIXTURE_0123456789abcdef', 'correct-horse-battery-staple'];
const secretsIn = (archive: string) => bytesFoundIn(archive, SECRETS);

// multi-docker-legacy.tar (fixtures/README.md, layers numbered from 0 here): layer 5 COPYs a fake
// .env (API_KEY=sk_test_FIXTURE_…, DB_PASSWORD=…) that layer 6 deletes; layer 7 adds a 2 MiB
// big.bin that layer 8 overwrites with 64 KiB of zeros. Its draft is emptied before and after.
let multi: ImageSummary;

test.beforeAll(async ({ request }) => {
  multi = await uploadViaApi(request, 'multi-docker-legacy.tar');
  await clearDraft(request, multi.id);
});
test.afterAll(async ({ request }) => clearDraft(request, multi.id));

test('the multi fixture: the deleted .env secret, the waste with its formula, the size picture', async ({ page }) => {
  await page.goto(`/images/${multi.id}/layers`);
  await page.getByRole('link', { name: 'Findings' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${multi.id}/findings$`));

  const secrets = page.getByRole('list', { name: 'Secrets' });
  const apiKey = secrets.getByRole('listitem').filter({ hasText: 'API_KEY in a .env file' });
  await expect(apiKey).toContainText('deleted in layer 6 but still shipped in layer 5');
  await expect(apiKey).toContainText('API_KEY=sk_t************');
  await expect(apiKey).toContainText('COPY');
  await expect(secrets.getByRole('listitem').filter({ hasText: 'DB_PASSWORD in a .env file' })).toContainText('deleted in layer 6');
  await expect(page.getByRole('region', { name: 'Findings' })).not.toContainText('0123456789abcdef');

  const waste = page.getByRole('list', { name: 'Waste' });
  const big = waste.getByRole('listitem').filter({ hasText: '/var/lib/app/big.bin' });
  await expect(big).toContainText('2.1 MB');
  await expect(big).toContainText('layer 7 wrote 2.1 MB, layer 8 overwrote it');
  await expect(page.getByLabel('How waste is counted')).toContainText('Reclaimable = shipped − unique');
  await expect(page.getByLabel('How waste is counted')).toContainText('Efficiency = unique ÷ shipped = 49.4%');

  await shot(page, '30-findings-top');
  const treemap = page.getByRole('group', { name: /Treemap of the final filesystem/ });
  await expect(treemap).toBeVisible();
  await expect(treemap.locator('a')).not.toHaveCount(0);
  await page.locator('figure.treemap').screenshot({ path: 'screenshots/31-findings-treemap.png' });
  await page.locator('table.layer-bars').screenshot({ path: 'screenshots/32-findings-layer-bars.png' });
  await page.getByRole('heading', { name: 'Waste' }).scrollIntoViewIfNeeded();
  await shot(page, '33-findings-waste');

  // The secret's link opens layer 5's own copy of the file.
  await apiKey.getByRole('link', { name: '/opt/app/.env:2' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${multi.id}/layers/5/files\\?path=/opt/app/.env$`));
  const layerTree = page.getByRole('tree', { name: 'Files of layer 5' });
  await expect(treeItem(layerTree, '.env')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('textbox', { name: 'Contents of .env' })).toContainText('DB_PASSWORD=');
});

test('a treemap box opens its file, and each layer has a bar', async ({ page }) => {
  await page.goto(`/images/${multi.id}/findings`);
  const layerBars = page.locator('table.layer-bars');
  await expect(layerBars.getByRole('row')).toHaveCount(14); // header + 13 layers
  await expect(layerBars.getByRole('row').filter({ hasText: 'Layer 8' })).toContainText('−2.03 MB');
  await page.locator('figure.treemap a').filter({ has: page.locator('title', { hasText: '/bin/busybox —' }) }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${multi.id}/files\\?path=/bin/busybox$`));
  await expect(treeItem(page.getByRole('tree', { name: 'Merged filesystem' }), 'busybox')).toHaveAttribute('aria-selected', 'true');
});

test('"Remove from all layers" feeds the rewrite export, whose image has the secret in no layer', async ({ page, request }) => {
  // The search finds both secrets where they are: the fixture ships them in layer 5.
  expect(await secretsIn(fixturePath('multi-docker-legacy.tar'))).toEqual([...SECRETS].sort());
  await page.goto(`/images/${multi.id}/findings`);
  const apiKey = page.getByRole('list', { name: 'Secrets' }).getByRole('listitem').filter({ hasText: 'API_KEY in a .env file' });
  await apiKey.getByRole('button', { name: 'Remove from all layers' }).click();
  const done = apiKey.getByRole('status');
  await expect(done).toContainText('/opt/app/.env is deleted in the draft');
  const download = done.getByRole('link', { name: 'Download rewritten image' });
  await expect(download).toHaveAttribute('href', new RegExp(`/api/images/${multi.id}/export\\?mode=rewrite`));
  await shot(page, '34-findings-removed');

  const downloading = page.waitForEvent('download');
  await download.click();
  // Named as a new tag, not the source's: loading it must not take the original's name.
  expect((await downloading).suggestedFilename()).toMatch(/multi-edited\.tar$/);
  const file = await (await downloading).path();
  expect(await secretsIn(file)).toEqual([]);
  const rewritten = await request.post('/api/images?name=multi-rewritten.tar', { data: readFileSync(file), headers: { 'Content-Type': 'application/octet-stream' } });
  expect(rewritten.status(), await rewritten.text()).toBe(201);
  const id = ((await rewritten.json()) as ImageSummary).id;
  const findings = (await (await request.get(`/api/images/${id}/findings`)).json()) as FindingsResponse;
  expect(findings.secrets).toEqual([]);
  const before = (await (await request.get(`/api/images/${multi.id}/findings`)).json()) as FindingsResponse;
  expect(before.waste.bytes - findings.waste.bytes).toBe(143); // the .env copy, 143 bytes, no longer ships
  await request.delete(`/api/images/${id}`);
});

test('after "Remove from all layers" the export dialog chooses Rewrite and says Append keeps the bytes (and it does)', async ({ page }) => {
  await clearDraft(page.request, multi.id);
  await page.goto(`/images/${multi.id}/findings`);
  const apiKey = page.getByRole('list', { name: 'Secrets' }).getByRole('listitem').filter({ hasText: 'API_KEY in a .env file' });
  await apiKey.getByRole('button', { name: 'Remove from all layers' }).click();
  await apiKey.getByRole('status').getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog.getByRole('radio', { name: /^Rewrite layers/ })).toBeChecked();
  await expect(dialog.getByRole('note')).toContainText('Rewrite layers is chosen because the draft removes /opt/app/.env from every layer');
  await dialog.screenshot({ path: 'screenshots/35-export-rewrite-chosen.png' });

  await dialog.getByRole('radio', { name: /^Append a layer/ }).check();
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('Append keeps the bytes.');
  await expect(alert).toContainText('/opt/app/.env is gone from the filesystem but still stored in the lower layer');
  await dialog.screenshot({ path: 'screenshots/36-export-append-keeps-bytes.png' });

  // What the warning says is true: the append export still carries the secret's bytes.
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download' }).click();
  expect(await secretsIn(await (await downloading).path())).toEqual([...SECRETS].sort());
  await clearDraft(page.request, multi.id);
});

test('a clean image: no secrets, nothing wasted', async ({ page, request }) => {
  const tiny = await uploadViaApi(request, 'tiny-docker-legacy.tar');
  await page.goto(`/images/${tiny.id}/findings`);
  await expect(page.getByRole('region', { name: 'Findings' })).toContainText('No secrets found in any layer');
  await expect(page.getByLabel('How waste is counted')).toContainText('Efficiency = unique ÷ shipped = 100%');
});

test('an image past the findings limit: the page says which limit and how to raise it, and offers no retry', async ({ page }) => {
  // A server of its own with a limit the fixture is past (it has 140 layer entries).
  const peel = await startPeel({ DOCKER_HOST: 'unix:///nonexistent/peel-e2e/docker.sock', PEEL_MAX_FINDINGS_ENTRIES: '10' });
  try {
    const res = await page.request.post(`${peel.url}/api/images?name=multi-docker-legacy.tar`, { data: readFileSync(fixturePath('multi-docker-legacy.tar')), headers: { 'content-type': 'application/x-tar' } });
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as ImageSummary;
    await page.goto(`${peel.url}/images/${id}/findings`);
    const alert = page.getByRole('region', { name: 'Findings' }).getByRole('alert');
    await expect(alert).toContainText('Could not compute the findings');
    await expect(alert).toContainText('PEEL_MAX_FINDINGS_ENTRIES');
    await expect(alert).toContainText('413 LIMIT_EXCEEDED');
    await expect(alert.getByRole('button', { name: 'Try again' })).toHaveCount(0);
    await shot(page, '37-findings-limit');
  } finally {
    await peel.stop();
  }
});
