import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageSummary } from '@peel/api';
import { docker } from './docker.js';
import { clearDraft, expect, FIXTURES, shot, test, uploadViaApi } from './helpers.js';

// The export dialog's "Push to registry" against Debian's docker-registry (scripts/registry.sh,
// open mode on loopback): the digest the dialog shows is the one skopeo reads back, and Docker
// pulls and runs the pushed image with the edited file.
const run = promisify(execFile);
const SCRIPT = join(FIXTURES, '..', 'scripts', 'registry.sh');
const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'));
let host: string;
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  const { stdout } = await run('bash', [SCRIPT, 'start', 'e2e-push', 'open']);
  host = (JSON.parse(stdout.trim().split('\n').pop()!) as { host: string }).host;
  image = await uploadViaApi(request, 'tiny-docker-legacy.tar');
});
test.afterAll(async ({ request }) => {
  await clearDraft(request, image.id);
  await run('bash', [SCRIPT, 'stop', 'e2e-push']);
});

test('push the edited image (flatten) to the registry: progress, then the digest skopeo and docker see', async ({ page }) => {
  await clearDraft(page.request, image.id);
  const put = await page.request.put(`/api/images/${image.id}/draft/content?path=/etc/os-release`, { data: ALPYNE, headers: { 'Content-Type': 'application/octet-stream' } });
  expect(put.status(), await put.text()).toBe(200);
  await page.goto(`/images/${image.id}/layers`);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await dialog.getByRole('radio', { name: /^Flatten/ }).check();
  const ref = `${host}/team/app:2`;
  await dialog.getByLabel('Reference (host[:port]/repository:tag)').fill(ref);
  await shot(page, '41-registry-push-ready');
  await dialog.getByRole('button', { name: 'Push (flatten)' }).click();
  const job = dialog.getByTestId('push-job');
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(job.getByRole('status')).toContainText(/Pushed .* of .* · 2 uploaded/);
  const digest = (await dialog.getByTestId('push-digest').textContent())!;
  await shot(page, '41-registry-push-done');

  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
  expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(digest);
  const pinned = `${host}/team/app@${digest}`;
  await docker(['pull', '-q', pinned]);
  try {
    expect(await docker(['run', '--rm', '--network', 'none', pinned, 'cat', '/etc/os-release'])).toBe(ALPYNE.toString());
  } finally {
    await docker(['rmi', pinned]);
  }
});

test('a push the registry cannot take says why, in the dialog', async ({ page }) => {
  await page.goto(`/images/${image.id}/layers`);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  // Nothing listens on port 1 of loopback: the connection is refused.
  await dialog.getByLabel('Reference (host[:port]/repository:tag)').fill('127.0.0.1:1/team/app:2');
  await dialog.getByRole('button', { name: /^Push/ }).click();
  await expect(dialog.getByTestId('push-job')).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(dialog.getByRole('alert')).toContainText('Could not push 127.0.0.1:1/team/app:2');
  await expect(dialog.getByRole('alert')).toContainText('Check the host name and port of the reference.');
  await shot(page, '41-registry-push-refused');
});
