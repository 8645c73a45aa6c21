import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageDetail } from '@peel/api';
import { expect, expectAccessible, fixturePath, imageIdOf, shot, test } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REGISTRY = 'e2e-open';

/** skopeo's view of a reference in the plain-HTTP test registry. */
const skopeo = (...args: string[]) => JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', ...args], { encoding: 'utf8' })) as Record<string, unknown>;

test.describe('Registry: open an image straight from a registry', () => {
  let host: string;
  test.beforeAll(() => {
    const info = JSON.parse(execFileSync('bash', ['scripts/registry.sh', 'start', REGISTRY, 'open'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!) as { host: string };
    host = info.host;
    // What a person has before opening Peel: the image in a registry (put there by skopeo).
    for (const tag of ['v1', 'v2']) {
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixturePath('tiny-docker-legacy.tar')}`, `docker://${host}/e2e/tiny:${tag}`]);
    }
  });
  test.afterAll(() => {
    execFileSync('bash', ['scripts/registry.sh', 'stop', REGISTRY], { cwd: root });
  });

  test('a reference shows its manifest and layers at once; Open streams the layers in, with progress, then shows the image', async ({ page, request }) => {
    const ref = `${host}/e2e/tiny:v1`;
    const raw = skopeo('--raw', `docker://${ref}`) as { mediaType: string; layers: Array<{ digest: string; size: number }> };
    const inspected = skopeo(`docker://${ref}`) as { Digest: string };
    await page.goto('/');
    const section = page.getByRole('region', { name: 'Open from a registry' });
    await section.getByRole('textbox', { name: 'Reference' }).fill(ref);
    await section.getByRole('button', { name: 'Show' }).click();
    const manifest = section.getByLabel(`Manifest of ${ref}`);
    await expect(manifest).toContainText(raw.mediaType);
    await expect(manifest.getByTitle(inspected.Digest).first()).toBeVisible();
    const layers = manifest.getByRole('table', { name: 'Layers' });
    await expect(layers.getByRole('row')).toHaveCount(raw.layers.length + 1);
    for (const l of raw.layers) await expect(layers.getByTitle(l.digest, { exact: true })).toBeVisible();
    await expect(manifest).toContainText(/History: \d+ steps/);
    await shot(page, '50-registry-manifest');
    await expectAccessible(page);

    // Tags of the repository, then back to v1.
    await section.getByRole('button', { name: 'Tags' }).click();
    const tags = section.getByLabel(`Tags of ${host}/e2e/tiny`);
    await expect(tags.getByRole('button', { name: /^Show / })).toHaveCount(2);
    await shot(page, '50b-registry-tags');

    // Open: the job's polls are held back a little to see the per-layer progress.
    await page.route('**/api/registry/open-jobs/*', async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await manifest.getByRole('button', { name: 'Open' }).click();
    const card = page.getByRole('region', { name: 'Opening from a registry' }).getByRole('progressbar', { name: `Opening ${ref}` });
    await expect(card).toBeVisible();
    await expect(page.getByRole('list', { name: 'Layers' })).toBeVisible();
    await shot(page, '50c-registry-open-progress');
    await page.waitForURL(/\/images\/[^/]+\/layers/, { timeout: 60_000 });
    const id = imageIdOf(page.url());
    const detail = (await (await request.get(`/api/images/${id}`)).json()) as ImageDetail;
    expect(detail.manifestDigest).toBe(inspected.Digest);
    expect(detail.layers.map((l) => l.digest)).toEqual(raw.layers.map((l) => l.digest));
    await shot(page, '50d-registry-opened');
  });

  test('a tag the registry does not have is said plainly', async ({ page }) => {
    await page.goto('/');
    const section = page.getByRole('region', { name: 'Open from a registry' });
    await section.getByRole('textbox', { name: 'Reference' }).fill(`${host}/e2e/tiny:nope`);
    await section.getByRole('button', { name: 'Show' }).click();
    await expect(section.getByRole('alert')).toContainText('nope');
    await shot(page, '50e-registry-missing-tag');
  });
});
