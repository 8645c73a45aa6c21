import type { BrowserContext, Page } from '@playwright/test';
import type { ImageSummary } from '@peel/api';
import { EVIL_CONFIG, EVIL_FILES, EVIL_NAMES, PWNED, deepConfigImage, hostileImage } from './hostile-image.js';
import { expect, test } from './helpers.js';

/**
 * Image content is never executed in Peel's origin, and image data is never rendered as HTML.
 * Every payload in the test image would alert(), write localStorage and call /api/__pwned/…
 * if it ran; the tests watch for all three from outside the page.
 */
interface Watch {
  dialogs: string[];
  beacons: string[];
}

function watch(context: BrowserContext): Watch {
  const w: Watch = { dialogs: [], beacons: [] };
  const onPage = (page: Page) => {
    page.on('dialog', (d) => {
      w.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  context.on('request', (r) => {
    if (r.url().includes(PWNED)) w.beacons.push(r.url());
  });
  return w;
}

/** No element a payload could have made: injected images, frames, inline handlers, foreign scripts. */
async function expectNoInjectedMarkup(page: Page, where: string): Promise<void> {
  const injected = await page.evaluate(() => {
    const found: string[] = [];
    document.querySelectorAll('img[src="x"], iframe, svg[onload], [onerror], [onload]').forEach((el) => found.push(el.outerHTML.slice(0, 120)));
    document.querySelectorAll('script').forEach((s) => {
      if (s.textContent?.includes('alert(')) found.push(s.outerHTML.slice(0, 120));
    });
    return found;
  });
  expect(injected, where).toEqual([]);
}

async function expectNothingRan(page: Page, w: Watch): Promise<void> {
  await page.waitForTimeout(300);
  expect(w.dialogs, 'no alert() ran').toEqual([]);
  expect(w.beacons, 'no payload called home').toEqual([]);
  await page.goto('/');
  expect(await page.evaluate(() => localStorage.getItem('pwned')), "nothing wrote Peel's localStorage").toBeNull();
}

test.describe('hostile image content in the browser', () => {
  let id: string;

  test.beforeAll(async ({ request }) => {
    const res = await request.post(`/api/images?name=${encodeURIComponent(`<img src=x onerror=alert('upload')>.tar`)}`, {
      data: hostileImage(),
      headers: { 'Content-Type': 'application/x-tar' },
    });
    expect([200, 201], await res.text()).toContain(res.status());
    id = ((await res.json()) as ImageSummary).id;
  });

  test('HTML, SVG and JS files from an image, viewed and downloaded, run nothing', async ({ page, context }) => {
    const w = watch(context);
    for (const name of Object.keys(EVIL_FILES)) {
      await page.goto(`/images/${id}/files?path=/${name}`);
      // The viewer shows the file's text as text.
      await expect(page.locator('main')).toContainText(EVIL_FILES[name].slice(0, 12));
      await expectNoInjectedMarkup(page, name);
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(name.split('/').pop());
    }
    await expectNothingRan(page, w);
  });

  test('opening a file URL directly: served inert (octet-stream or a raster type, sandboxed)', async ({ page, context, request }) => {
    const w = watch(context);
    for (const name of Object.keys(EVIL_FILES)) {
      const url = `/api/images/${id}/content?path=${encodeURIComponent(`/${name}`)}`;
      const res = await request.get(url);
      expect(res.headers()['content-type'], name).toMatch(/^(application\/octet-stream|image\/png)$/);
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
      expect(res.headers()['content-security-policy']).toMatch(/^sandbox;/);
      // A browser tab on it: a download, or a broken image; never a page that runs.
      const tab = await context.newPage();
      await tab.goto(url).catch(() => undefined);
      await tab.waitForTimeout(200);
      await tab.close();
    }
    await expectNothingRan(page, w);
  });

  test('file names, the image name, tags and config values are shown as text, never as HTML', async ({ page, context }) => {
    const w = watch(context);
    await page.goto('/');
    await expect(page.getByText(`<img src=x onerror=alert('upload')>.tar`).first()).toBeVisible();
    await expectNoInjectedMarkup(page, 'home');

    // Selecting a file in /names opens the folder: all four names are rows of the tree.
    await page.goto(`/images/${id}/files?path=${encodeURIComponent(`/${EVIL_NAMES[0]}`)}`);
    for (const path of EVIL_NAMES) {
      await expect(page.getByText(path.split('/').pop()!, { exact: true }).first(), path).toBeVisible();
    }
    await expectNoInjectedMarkup(page, 'files');

    await page.goto(`/images/${id}/layers`);
    // The history shows the command (Docker's "/bin/sh -c #(nop)" prefix trimmed) and the tag, as text.
    await expect(page.locator('main')).toContainText(EVIL_CONFIG.history.replace('/bin/sh -c #(nop) ', ''));
    await expect(page.locator('main')).toContainText('hostile/xss:<b>1</b>');
    await expectNoInjectedMarkup(page, 'layers');

    await page.goto(`/images/${id}/config`);
    await expect(page.locator('main')).toContainText(EVIL_CONFIG.label);
    // Env is shown as a name/value table.
    await expect(page.locator('main')).toContainText(EVIL_CONFIG.env.slice(EVIL_CONFIG.env.indexOf('=') + 1));
    await expect(page.locator('main')).toContainText('<b>bold</b>');
    await expectNoInjectedMarkup(page, 'config');

    for (const url of [`/images/${id}/archive`, `/images/${id}/layers/0/changes`, `/images/${id}/layers/0/files?path=/names`, `/images/${id}/files?q=${encodeURIComponent('<img')}`]) {
      await page.goto(url);
      await page.waitForLoadState('networkidle');
      await expectNoInjectedMarkup(page, url);
    }
    await expectNothingRan(page, w);
  });

  test('a config nested 500 levels deep opens and expands without breaking the page', async ({ page, request }) => {
    const res = await request.post('/api/images?name=deep.tar', { data: deepConfigImage(), headers: { 'Content-Type': 'application/x-tar' } });
    expect([200, 201], await res.text()).toContain(res.status());
    const deepId = ((await res.json()) as ImageSummary).id;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/images/${deepId}/config`);
    await page.getByText('Raw config JSON', { exact: true }).click();
    await page.getByRole('button', { name: 'Expand all' }).click();
    await expect(page.locator('main')).toContainText('Healthcheck');
    await page.goto(`/images/${deepId}/layers`);
    await expect(page.locator('main')).toContainText('deep');
    expect(errors).toEqual([]);
  });
});
