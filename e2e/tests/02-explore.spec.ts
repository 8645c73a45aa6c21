import type { ImageSummary } from '@peel/api';
import { expect, shot, test, treeItem, uploadViaApi } from './helpers.js';

// multi-docker-legacy.tar (fixtures/README.md): 13 layers, numbered from 0 by the API. Layer 1 appends
// to /etc/passwd, layer 3 holds whiteouts (opt/app/legacy …), layer 5 adds the .env secret that
// layer 6 deletes, layer 8 overwrites big.bin, layer 9 adds links and a setuid helper.
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'multi-docker-legacy.tar');
});

test('layers and history read top-down from the base, with 0 B steps', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers`);
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(25); // header + 24 history steps
  const firstStep = table.getByRole('row').nth(1);
  await expect(firstStep).toContainText('ADD file:');
  await expect(firstStep.getByRole('link', { name: 'Layer 0' })).toBeVisible();
  const nothingToSee = table.getByRole('row').filter({ hasText: 'echo "nothing to see"' });
  await expect(nothingToSee).toContainText('0 B');
  await expect(nothingToSee).toContainText('no layer');
  await expect(table.getByRole('row').filter({ hasText: 'CMD ["server"]' })).toContainText('0 B');
  await shot(page, '10-layers');

  await table.getByRole('link', { name: 'Layer 5' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/layers/5/files$`));
  await expect(page.getByRole('region', { name: 'Layer 5', exact: true })).toContainText('COPY');
});

test('/etc/os-release in the merged tree and in its own layer', async ({ page }) => {
  await page.goto(`/images/${image.id}/files`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'etc').click();
  const osRelease = treeItem(tree, 'os-release');
  await expect(osRelease).toHaveAttribute('aria-level', '2');
  await osRelease.click();
  await expect(page).toHaveURL(/\/files\?path=\/etc\/os-release$/);
  await expect(osRelease).toHaveAttribute('aria-selected', 'true');
  await expect(osRelease).toContainText('-rw-r--r--');
  await expect(osRelease).toContainText('L0');
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await expect(detail.getByRole('textbox', { name: 'Contents of os-release' })).toContainText('PRETTY_NAME="Tiny Linux v1"');
  await shot(page, '11-merged-os-release');

  await detail.getByRole('link', { name: 'Open in layer 0' }).click();
  await expect(page).toHaveURL(new RegExp(`/layers/0/files\\?path=/etc/os-release$`));
  const layerTree = page.getByRole('tree', { name: 'Files of layer 0' });
  await expect(treeItem(layerTree, 'os-release')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('textbox', { name: 'Contents of os-release' })).toContainText('NAME="Tiny Linux"');
  await shot(page, '12-layer0-os-release');
});

test("a modified file's diff against the layer below", async ({ page }) => {
  await page.goto(`/images/${image.id}/layers/1/changes`);
  const list = page.getByRole('listbox', { name: 'Changed paths' });
  await expect(list.getByRole('option')).toHaveCount(3);
  await list.getByRole('option', { name: 'modified /etc/passwd' }).click();
  const diff = page.getByRole('table', { name: 'Side-by-side diff' });
  await expect(diff).toContainText('redis:x:999:999');
  await expect(diff.locator('.line-add')).toContainText(['redis:x:999:999']);
  await expect(page.getByRole('region', { name: 'Selected change' })).toContainText('+1');
  await shot(page, '13-diff-split');
  await page.getByRole('button', { name: 'Unified' }).click();
  await expect(page).toHaveURL(/view=unified/);
  await expect(page.getByRole('table', { name: 'Unified diff' }).locator('.line-add')).toContainText(['redis:x:999:999']);
  await shot(page, '14-diff-unified');

  await page.getByRole('button', { name: /^Added/ }).click();
  await expect(list.getByRole('option')).toHaveCount(2);
  await expect(list.getByRole('option', { name: 'added /home/redis' })).toHaveCount(0);
});

test('a binary change shows size and hash', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers/8/changes?path=/var/lib/app/big.bin`);
  const detail = page.getByRole('region', { name: 'Selected change' });
  await expect(detail).toContainText('2.1 MB');
  await expect(detail).toContainText('65.5 kB');
  await expect(detail).toContainText('The bytes differ.');
});

test('whiteouts show as deletions in their layer', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers/3/files?path=/opt/app/legacy`);
  const tree = page.getByRole('tree', { name: 'Files of layer 3' });
  const legacy = treeItem(tree, 'legacy');
  await expect(legacy).toHaveAttribute('aria-selected', 'true');
  await expect(legacy).toContainText('deleted here');
  await expect(legacy.locator('.entry-name')).toHaveCSS('text-decoration-line', 'line-through');
  await treeItem(tree, 'conf').click();
  await expect(treeItem(tree, 'old.conf')).toContainText('deleted here');
  await legacy.click();
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await expect(detail).toContainText('This layer deletes /opt/app/legacy from the layers below.');
  await shot(page, '15-layer-whiteouts');

  await page.getByRole('link', { name: 'Changes' }).click();
  await expect(page.getByRole('option', { name: 'deleted /opt/app/legacy' })).toBeVisible();
});

test('a deleted secret is struck through in the merged tree and still opens', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/opt/app`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'app').click();
  await expect(treeItem(tree, 'conf')).toBeVisible();
  await expect(treeItem(tree, '.env')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Show deleted and overwritten' }).check();
  await expect(page).toHaveURL(/deleted=1/);
  const env = treeItem(tree, '.env');
  await expect(env).toContainText('deleted by layer 6');
  await expect(env.locator('.entry-name')).toHaveCSS('text-decoration-line', 'line-through');
  await env.click();
  await expect(page).toHaveURL(/path=\/opt\/app\/\.env&deleted=1&at=5/);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await expect(detail).toContainText('This version came from layer 5 and was deleted by layer 6');
  await expect(detail.getByRole('textbox', { name: 'Contents of .env' })).toContainText('API_KEY=sk_test_FIXTURE_0123456789abcdef');
  await shot(page, '16-merged-deleted-secret');
});

test('keyboard: arrows, Enter and Backspace move through the tree', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/bin`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'bin')).toHaveAttribute('aria-selected', 'true');
  await tree.focus();
  await page.keyboard.press('Enter');
  await expect(treeItem(tree, 'bin')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/path=\/bin\/[^/&]+$/);
  await page.keyboard.press('Backspace');
  await expect(page).toHaveURL(/path=\/bin$/);
  await page.keyboard.press('ArrowLeft');
  await expect(treeItem(tree, 'bin')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/path=\/data$/);
});

test('sorting by size puts the largest files first', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/etc/passwd`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  const etcFiles = () => tree.locator('[role="treeitem"][aria-level="2"]:not([aria-expanded])');
  await expect(etcFiles().first()).toHaveAttribute('aria-label', 'app.conf');
  await page.getByRole('button', { name: /Size/ }).click();
  await expect(page).toHaveURL(/sort=size/);
  await expect(etcFiles().first()).toHaveAttribute('aria-label', 'passwd');
  await expect(etcFiles().nth(1)).toHaveAttribute('aria-label', 'os-release');
});

test('symlinks and hard links are followed inside the image; binaries show as hex', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/etc/app.conf`);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await expect(detail).toContainText('/opt/app/conf/keep.conf');
  await detail.getByRole('link', { name: 'Follow link' }).click();
  await expect(page).toHaveURL(/path=\/opt\/app\/conf\/keep\.conf$/);
  await expect(treeItem(page.getByRole('tree', { name: 'Merged filesystem' }), 'keep.conf')).toHaveAttribute('aria-selected', 'true');
  await expect(detail).toContainText('-rw-r-----');

  await page.goto(`/images/${image.id}/files?path=/usr/local/bin/suid-helper`);
  await expect(treeItem(page.getByRole('tree', { name: 'Merged filesystem' }), 'suid-helper')).toContainText('-rwsr-xr-x');
  await expect(treeItem(page.getByRole('tree', { name: 'Merged filesystem' }), 'suid-helper')).toContainText('setuid');

  await page.goto(`/images/${image.id}/files?path=/var/lib/app/big.bin`);
  const hex = page.getByRole('region', { name: 'Selected entry' }).locator('.hex-view');
  await expect(hex).toContainText('00000000');
  await expect(page.getByRole('button', { name: 'Hex' })).toHaveAttribute('aria-pressed', 'true');
  await shot(page, '17-hex-view');
  await expect(page.getByRole('link', { name: 'Download' })).toHaveAttribute('href', /content\?path=%2Fvar%2Flib%2Fapp%2Fbig\.bin/);
});

test('the config reads like settings, not only JSON', async ({ page }) => {
  await page.goto(`/images/${image.id}/config`);
  await expect(page.getByRole('region', { name: 'How it runs' })).toContainText('docker-entrypoint.sh server');
  await expect(page.getByRole('region', { name: 'How it runs' })).toContainText('/data');
  await expect(page.getByRole('region', { name: 'Platform' })).toContainText('amd64');
  await expect(page.getByRole('region', { name: 'Ports and volumes' })).toContainText('6379/tcp');
  const env = page.getByRole('region', { name: /Environment/ });
  await expect(env.getByRole('row', { name: /REDIS_VERSION/ })).toContainText('7.2.4');
  await expect(page.getByRole('region', { name: /Labels/ })).toContainText('org.opencontainers.image');
  await shot(page, '18-config');
});

test('inside the box: archive files with roles, JSON with clickable digests', async ({ page }) => {
  await page.goto(`/images/${image.id}/archive?path=manifest.json`);
  const tree = page.getByRole('tree', { name: 'Archive files' });
  await expect(treeItem(tree, 'manifest.json')).toHaveAttribute('aria-selected', 'true');
  await expect(treeItem(tree, 'layer.tar').first()).toContainText(/layer \d+/);
  await expect(tree.getByRole('treeitem').filter({ hasText: 'image config' })).toHaveCount(1);
  const manifest = page.getByRole('tree', { name: 'manifest.json JSON' });
  await expect(manifest).toContainText('"RepoTags"');
  await shot(page, '19-archive-manifest');

  // manifest.json names the config by its path in the archive: that path is a link.
  await manifest.getByRole('link', { name: /^[0-9a-f]{64}\.json$/ }).click();
  await expect(page).toHaveURL(/archive\?path=[0-9a-f]{64}\.json$/);
  const config = page.getByRole('tree', { name: /^[0-9a-f]{64}\.json JSON$/ });
  await expect(config).toContainText('"diff_ids"');
  // rootfs.diff_ids name layers: the first one opens layer 0's files.
  await config.getByRole('link', { name: /^sha256:/ }).first().click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/layers/0/files$`));
});

test('deep links survive a reload, and back/forward walk the views', async ({ page }) => {
  const url = `/images/${image.id}/layers/9/files?path=/opt/app/conf/data.hardlink`;
  await page.goto(url);
  const tree = page.getByRole('tree', { name: 'Files of layer 9' });
  await expect(treeItem(tree, 'data.hardlink')).toHaveAttribute('aria-selected', 'true');
  await page.reload();
  await expect(treeItem(page.getByRole('tree', { name: 'Files of layer 9' }), 'data.hardlink')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Selected entry' })).toContainText('Hard link to');

  await page.getByRole('link', { name: 'Config' }).click();
  await expect(page).toHaveURL(/\/config$/);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(url.replace(/[.?]/g, '\\$&') + '$'));
  await expect(treeItem(page.getByRole('tree', { name: 'Files of layer 9' }), 'data.hardlink')).toHaveAttribute('aria-selected', 'true');
  await page.goForward();
  await expect(page.getByRole('region', { name: 'How it runs' })).toBeVisible();
});

test.describe('dark system theme', () => {
  test.use({ colorScheme: 'dark' });
  test('the views follow the system colour scheme', async ({ page }) => {
    await page.goto(`/images/${image.id}/files?path=/usr/local/bin/docker-entrypoint.sh`);
    await expect(page.getByRole('textbox', { name: 'Contents of docker-entrypoint.sh' })).toContainText('#!/bin/sh');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 19, 24)');
    await shot(page, '22-dark-merged-script');
    await page.goto(`/images/${image.id}/layers`);
    await shot(page, '23-dark-layers');
  });
});
