import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DraftState } from '@peel/api';
import { docker, dockerHost, dockerLoad, uniqueTag } from './docker.js';
import { clearDraft, dropFixture, expect, fixturePath, imageIdOf, shot, test, treeItem } from './helpers.js';

// The walkthrough of issue 5: drop the tiny image, turn /etc/os-release into ALPYNE in the
// editor, export it flattened (FROM scratch + COPY), and run the download in a real Docker engine.
test('walkthrough: edit os-release to ALPYNE, flatten, download; docker run prints it', async ({ page, request }) => {
  test.setTimeout(180_000);
  dockerHost();
  const expected = readFileSync(fixturePath('tiny-alpyne-expected.txt'), 'utf8');
  const tag = uniqueTag('alpyne');
  const scratch = await mkdtemp(join(tmpdir(), 'peel-e2e-export-'));

  await page.goto('/');
  await dropFixture(page, page.getByRole('region', { name: 'Open an image' }), 'tiny-docker-legacy.tar');
  await expect(page).toHaveURL(/\/images\/[0-9a-f]+\/layers$/, { timeout: 30_000 });
  const id = imageIdOf(page.url());
  await clearDraft(request, id);

  try {
    await page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Files' }).click();
    const tree = page.getByRole('tree', { name: 'Merged filesystem' });
    await treeItem(tree, 'etc').click();
    await treeItem(tree, 'os-release').click();
    const detail = page.getByRole('region', { name: 'Selected entry' });
    await expect(detail.getByRole('textbox', { name: 'Contents of os-release' })).toContainText('Tiny Linux');

    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(/path=\/etc\/os-release&edit=1$/);
    const editor = detail.getByRole('textbox', { name: 'Edit os-release' });
    await expect(editor).toContainText('Tiny Linux');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(expected);
    await expect(detail).toContainText('unsaved changes');
    await shot(page, '30-editor');
    await detail.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(detail).toContainText('saved to the draft');

    // The draft holds exactly the fixture's bytes, and the tree marks the file.
    const saved = await request.get(`/api/images/${id}/content?path=/etc/os-release&draft=1`);
    expect(await saved.text()).toBe(expected);
    await expect(treeItem(tree, 'os-release')).toContainText('edited');
    await expect(treeItem(tree, 'os-release')).toContainText('draft');

    await page.getByRole('link', { name: '1 pending change' }).click();
    await expect(page).toHaveURL(new RegExp(`/images/${id}/draft$`));
    const files = page.getByRole('table').filter({ hasText: '/etc/os-release' });
    await expect(files.getByRole('row')).toHaveCount(2);
    await expect(files.getByRole('row').nth(1)).toContainText('modified');
    await expect(page.getByRole('region', { name: 'Draft summary' })).toContainText('Files after export');
    await shot(page, '31-draft-panel');

    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await expect(dialog).toBeVisible();
    for (const mode of ['Append a layer', 'Flatten', 'Rewrite layers']) await expect(dialog.getByRole('radio', { name: new RegExp(`^${mode}`) })).toBeVisible();
    await dialog.getByRole('radio', { name: /^Flatten/ }).check();
    await dialog.getByLabel('Name and tag of the result').fill(tag);
    await shot(page, '32-export-dialog');
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${tag.replace(':', '-')}.tar`);
    const archive = join(scratch, download.suggestedFilename());
    await download.saveAs(archive);

    const loaded = await dockerLoad(archive);
    expect(loaded.some((ref) => ref === tag || ref.endsWith(`/${tag}`)), loaded.join(', ')).toBe(true);
    expect(await docker(['run', '--rm', '--network', 'none', tag, 'cat', '/etc/os-release'])).toBe(expected);
    // Flatten: one layer.
    expect(JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag]))).toHaveLength(1);

    // The same export kept in Peel shows the edited filesystem.
    await dialog.getByRole('button', { name: 'Save as new image' }).click();
    await dialog.getByRole('link', { name: 'Open the new image' }).click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/\/images\/[0-9a-f]+\/layers$/);
    const copy = imageIdOf(page.url());
    expect(copy).not.toBe(id);
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2); // header + one history step
    const reread = await request.get(`/api/images/${copy}/content?path=/etc/os-release`);
    expect(await reread.text()).toBe(expected);
    const draft = (await (await request.get(`/api/images/${id}/draft`)).json()) as DraftState;
    expect(draft.ops.map((op) => [op.op, op.path])).toEqual([['write', '/etc/os-release']]);
  } finally {
    await docker(['rmi', '--force', tag]).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
    await clearDraft(request, id);
  }
});
