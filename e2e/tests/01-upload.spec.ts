import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSummary } from '@peel/api';
import { dropFixture, expect, fixturePath, shot, test, throttleUpload } from './helpers.js';

test.describe('opening an image', () => {
  test('a dropped archive uploads with a progress bar and opens', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Open a container image' })).toBeVisible();
    await shot(page, '01-home-empty');

    const restore = await throttleUpload(page, 1_500_000);
    await dropFixture(page, page.getByRole('region', { name: 'Open an image' }), 'multi-docker-legacy.tar');

    const progress = page.getByRole('progressbar', { name: 'Uploading multi-docker-legacy.tar' });
    await expect(progress).toBeVisible();
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(10);
    const panel = page.getByRole('region', { name: 'Upload' });
    await expect(panel).toContainText(/of 4\.\d+ MB/);
    await expect(panel).toContainText(/\/s/);
    await expect(panel).toContainText(/left/);
    await shot(page, '02-upload-progress');
    await restore();

    await expect(page).toHaveURL(/\/images\/[0-9a-f]+\/layers$/, { timeout: 30_000 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('multi-docker-legacy.tar');
    await expect(progress).toBeHidden();
  });

  test('an upload can be cancelled and leaves nothing behind', async ({ page, request }) => {
    const before = (await (await request.get('/api/images')).json()) as ImageSummary[];
    await page.goto('/');
    const restore = await throttleUpload(page, 300_000);
    await dropFixture(page, page.locator('body'), 'multi-oci.tar');
    const progress = page.getByRole('progressbar', { name: 'Uploading multi-oci.tar' });
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await expect(progress).toBeHidden();
    await restore();
    await expect(page).toHaveURL(/\/$/);
    await expect
      .poll(async () => ((await (await request.get('/api/images')).json()) as ImageSummary[]).length)
      .toBe(before.length);
  });

  test('the file picker opens an image', async ({ page }) => {
    await page.goto('/');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload image' }).first().click();
    await (await chooser).setFiles(fixturePath('tiny-docker-legacy.tar'));
    await expect(page).toHaveURL(/\/images\/[0-9a-f]+\/layers$/, { timeout: 30_000 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('tiny-docker-legacy.tar');
  });

  test("a file that is not an image shows the server's message and the page stays usable", async ({ page }) => {
    const bogus = join(tmpdir(), 'not-an-image.tar');
    writeFileSync(bogus, 'this is plain text, not a tar archive\n'.repeat(40));
    await page.goto('/');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload image' }).first().click();
    await (await chooser).setFiles(bogus);
    const panel = page.getByRole('region', { name: 'Upload' });
    await expect(panel.getByRole('alert')).toBeVisible();
    const message = (await panel.getByRole('alert').textContent()) ?? '';
    expect(message.length).toBeGreaterThan(10);
    await shot(page, '03-upload-error');
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await expect(panel).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Stored images' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Upload image' }).first()).toBeEnabled();
  });

  test('another platform of a multi-platform archive opens from the same file', async ({ page }) => {
    await page.goto('/');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload image' }).first().click();
    await (await chooser).setFiles(fixturePath('tiny-multiarch-oci.tar'));
    await expect(page).toHaveURL(/\/layers$/, { timeout: 30_000 });
    const platforms = page.getByRole('group', { name: 'Platforms in this archive' });
    await expect(platforms.locator('[aria-current="true"]')).toHaveText('linux/amd64');
    const firstUrl = page.url();
    await platforms.getByRole('button', { name: 'Open linux/arm64' }).click();
    await expect(page).not.toHaveURL(firstUrl, { timeout: 30_000 });
    await expect(platforms.locator('[aria-current="true"]')).toHaveText('linux/arm64');
    await page.getByRole('link', { name: 'Files' }).click();
    await page.goto(page.url() + '?path=/etc/os-release');
    await expect(page.getByRole('textbox', { name: 'Contents of os-release' })).toContainText('arm64 stub');
    await shot(page, '05-multiarch-arm64');
    // Both platforms are stored now: the switcher links between them.
    await expect(platforms.getByRole('link', { name: 'linux/amd64' })).toBeVisible();
  });

  test('the home page lists stored images with open and delete', async ({ page }) => {
    await page.goto('/');
    const row = page.getByRole('row').filter({ hasText: 'tiny-docker-legacy.tar' });
    await expect(row).toContainText('fixtures/tiny:latest');
    await expect(row).toContainText('linux/amd64');
    await shot(page, '04-home-list');
    await row.getByRole('button', { name: 'Delete tiny-docker-legacy.tar' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(row).toHaveCount(0);
    await page.getByRole('row').filter({ hasText: 'multi-docker-legacy.tar' }).getByRole('link', { name: 'Open' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('multi-docker-legacy.tar');
  });
});
