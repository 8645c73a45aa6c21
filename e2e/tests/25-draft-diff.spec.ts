import { execFileSync } from 'node:child_process';
import type { ImageSummary } from '@peel/api';
import { clearDraft, expect, fixturePath, shot, test, uploadViaApi } from './helpers.js';

// The Draft tab shows an edit as a diff (the image's version against the draft's) and a config
// change as the variables, labels, ports and arguments that changed, not two whole JSON arrays.
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'tiny-docker-legacy.tar');
});
test.beforeEach(async ({ request }) => clearDraft(request, image.id));
test.afterEach(async ({ request }) => clearDraft(request, image.id));

/** GNU tar reads the file out of the fixture's only layer: the oracle for "original". */
function originalFile(path: string): string {
  const archive = fixturePath('tiny-docker-legacy.tar');
  const layer = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n').find((name) => name.endsWith('/layer.tar'));
  if (!layer) throw new Error('no layer.tar in the fixture');
  const layerBytes = execFileSync('tar', ['-xOf', archive, layer], { maxBuffer: 64 * 1024 * 1024 });
  return execFileSync('tar', ['-xOf', '-', path.slice(1)], { input: layerBytes, encoding: 'utf8' });
}

/** GNU tar again, for the image config the fixture ships. */
function originalConfig(): Record<string, unknown> {
  const archive = fixturePath('tiny-docker-legacy.tar');
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' })) as Array<{ Config: string }>;
  return (JSON.parse(execFileSync('tar', ['-xOf', archive, manifest[0].Config], { encoding: 'utf8' })) as { config: Record<string, unknown> }).config;
}

test('an edited file opens as a diff of the image version against the draft', async ({ page, request }) => {
  const original = originalFile('/etc/os-release');
  const edited = original.replace(/^PRETTY_NAME=.*$/m, 'PRETTY_NAME="ALPYNE Linux v0"');
  expect(edited).not.toBe(original);
  const put = (path: string, body: string) => request.put(`/api/images/${image.id}/draft/content?path=${path}`, { data: body, headers: { 'Content-Type': 'application/octet-stream' } });
  expect((await put('/etc/os-release', edited)).status()).toBe(200);
  expect((await put('/etc/motd', 'new file\n')).status()).toBe(200);

  await page.goto(`/images/${image.id}/draft`);
  const files = page.getByRole('region', { name: 'File changes (2)' });
  // Only an edit of a file the image has can be compared; a new file has no "before" and shows as it is.
  await expect(files.getByRole('link', { name: 'Show the diff of /etc/motd' })).toHaveCount(0);
  await files.getByRole('link', { name: 'Show /etc/motd' }).click();
  const newFile = page.getByRole('region', { name: 'New file /etc/motd' });
  await expect(newFile.getByRole('textbox', { name: 'Contents of motd' })).toHaveText('new file');
  await files.getByRole('link', { name: 'Show the diff of /etc/os-release' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/draft\\?diff=/etc/os-release$`));

  const diffCard = page.getByRole('region', { name: 'Your edit of /etc/os-release' });
  const diff = diffCard.getByRole('table', { name: 'Side-by-side diff' });
  await expect(diff.getByRole('columnheader')).toHaveText(['Image (before)', 'Draft (after)']);
  const removed = original.split('\n').find((line) => line.startsWith('PRETTY_NAME='));
  await expect(diff.locator('.diff-side.old.line-del .diff-text')).toHaveText([removed ?? '']);
  await expect(diff.locator('.diff-side.new.line-add .diff-text')).toHaveText(['PRETTY_NAME="ALPYNE Linux v0"']);
  await expect(diffCard).toContainText('+1 −1');
  await shot(page, '61-draft-diff');

  await diffCard.getByRole('button', { name: 'Unified' }).click();
  const unified = diffCard.getByRole('table', { name: 'Unified diff' });
  await expect(unified.locator('.line-del .diff-text')).toHaveText([removed ?? '']);
  await expect(unified.locator('.line-add .diff-text')).toHaveText(['PRETTY_NAME="ALPYNE Linux v0"']);

  await diffCard.getByRole('link', { name: 'Close diff' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/draft$`));
  await expect(diffCard).toHaveCount(0);
});

test('config changes read per variable, label, port and argument', async ({ page, request }) => {
  const config = originalConfig();
  const env = config.Env as string[];
  expect(env.length).toBeGreaterThan(0);
  const patch = {
    Env: [...env, 'GREETING=hello'],
    Labels: { 'org.opencontainers.image.title': 'alpyne', maintainer: 'peel' },
    ExposedPorts: { '8080/tcp': {} },
    Cmd: ['sh', '-c', 'echo from peel; cat /etc/os-release'],
  };
  expect((await request.patch(`/api/images/${image.id}/draft/config`, { data: patch })).status()).toBe(200);

  await page.goto(`/images/${image.id}/draft`);
  const section = page.getByRole('region', { name: /^Config changes/ });
  const envChanges = section.getByRole('list', { name: 'Env changes' });
  await expect(envChanges.getByRole('listitem')).toHaveText(['+GREETING = hello added', `${env.length} other ${env.length === 1 ? 'variable' : 'variables'} unchanged`]);
  // The variables that did not change are not repeated (the image's PATH value is nowhere in the row).
  const path = env.find((line) => line.startsWith('PATH='));
  if (path) await expect(section.getByRole('row').filter({ hasText: /^Env/ })).not.toContainText(path.slice('PATH='.length));

  const labels = section.getByRole('list', { name: 'Labels changes' });
  await expect(labels.getByRole('listitem')).toHaveText(['+org.opencontainers.image.title = alpyne added', '+maintainer = peel added']);
  await expect(section.getByRole('list', { name: 'ExposedPorts changes' }).getByRole('listitem')).toHaveText(['+8080/tcp added']);

  const cmdRow = section.getByRole('row').filter({ hasText: /^Cmd/ });
  const before = config.Cmd as string[];
  await expect(cmdRow.getByRole('list').first().getByRole('listitem')).toHaveText(before);
  await expect(cmdRow.getByRole('list').last().getByRole('listitem')).toHaveText(patch.Cmd);
  await expect(cmdRow.getByRole('list').last()).toHaveAccessibleName(`sh -c 'echo from peel; cat /etc/os-release'`);
  await shot(page, '62-draft-config-changes');

  // Changing one variable of several shows that one, before and after.
  const changed = { Env: env.map((line) => (line.startsWith('PATH=') ? 'PATH=/opt/bin:/usr/bin:/bin' : line)) };
  expect((await request.patch(`/api/images/${image.id}/draft/config`, { data: changed })).status()).toBe(200);
  await page.reload();
  await expect(envChanges.getByRole('listitem')).toHaveText([`~PATH ${path?.slice('PATH='.length)} → /opt/bin:/usr/bin:/bin changed`]);
  await shot(page, '63-draft-config-env-changed');
});
