import type { ImageSummary } from '@peel/api';
import { docker, dockerHost, uniqueTag } from './docker.js';
import { randomFileImage } from './make-image.js';
import { startPeel, type PeelServer } from './peel-server.js';
import { expect, test } from './helpers.js';

// 96 MiB of random bytes: about a hundred waits for the engine to take the next MiB of the
// archive, each of which once left a listener behind on the stream (a warning after ten).
const RANDOM_BYTES = 96 * 1024 * 1024;

test.describe('Load into Docker: a big image', () => {
  let peel: PeelServer;
  const source = uniqueTag('peel-e2e/big-source');
  const loaded = uniqueTag('peel-e2e/big-loaded');

  test.beforeAll(async () => {
    peel = await startPeel({ DOCKER_HOST: dockerHost() });
  });
  test.afterAll(async () => {
    await peel?.stop();
    await docker(['rmi', '--force', loaded]).catch(() => undefined);
  });

  test('streams 96 MiB into the engine with no warning in the server log', async ({ page }) => {
    test.setTimeout(240_000);
    const upload = await page.request.post(`${peel.url}/api/images?name=big.tar`, {
      data: randomFileImage(RANDOM_BYTES, source),
      headers: { 'Content-Type': 'application/x-tar' },
      timeout: 120_000,
    });
    expect(upload.status(), await upload.text()).toBe(201);
    const image = (await upload.json()) as ImageSummary;

    await page.goto(`${peel.url}/images/${image.id}/layers`);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await dialog.getByLabel('Name and tag of the result').fill(loaded);
    await dialog.getByRole('button', { name: 'Load into Docker' }).click();
    await expect(dialog.getByTestId('docker-loaded')).toHaveText(loaded, { timeout: 180_000 });

    // The engine has the whole file (its own count of the image's bytes).
    expect(Number(await docker(['image', 'inspect', '--format', '{{.Size}}', loaded]))).toBeGreaterThanOrEqual(RANDOM_BYTES);
    expect(peel.stderr()).not.toContain('MaxListenersExceededWarning');
    expect(peel.stderr()).not.toMatch(/\(node:\d+\) \w*Warning/);
  });
});
