import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import type { DraftState, FsEntry, ImageDetail, ImageSummary } from '@peel/api';
import { docker, dockerLoad, uniqueTag } from './docker.js';
import { clearDraft, dropBytes, expect, shot, test, treeItem, uploadViaApi } from './helpers.js';

// Edits on tiny-docker-legacy.tar (busybox FROM scratch: /bin, /etc with 5 files, /usr with 3
// entries …). Every test starts and ends with an empty draft.
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'tiny-docker-legacy.tar');
});
test.beforeEach(async ({ request }) => clearDraft(request, image.id));
test.afterEach(async ({ request }) => clearDraft(request, image.id));

async function draftOf(request: APIRequestContext): Promise<DraftState> {
  return (await (await request.get(`/api/images/${image.id}/draft`)).json()) as DraftState;
}

async function draftDir(request: APIRequestContext, path: string, deleted = false): Promise<FsEntry[]> {
  return (await (await request.get(`/api/images/${image.id}/fs?path=${path}&draft=1${deleted ? '&deleted=1' : ''}`)).json()) as FsEntry[];
}

test('delete a whole folder', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files?path=/usr`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'usr')).toHaveAttribute('aria-selected', 'true');
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await detail.getByRole('button', { name: 'Delete folder' }).click();
  const confirm = detail.getByRole('group', { name: 'Delete' });
  await expect(confirm).toContainText('the 3 entries in it');
  await confirm.getByRole('button', { name: 'Delete folder' }).click();

  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/files\\?path=/$`));
  await expect(treeItem(tree, 'usr')).toHaveCount(0);
  await expect(treeItem(tree, 'var')).toBeVisible();
  await expect(page.getByRole('link', { name: '1 pending change' })).toBeVisible();
  expect((await draftDir(request, '/')).map((e) => e.name)).not.toContain('usr');
  expect((await draftOf(request)).changes).toEqual([expect.objectContaining({ path: '/usr', kind: 'deleted', type: 'dir' })]);

  // With deleted files shown, the folder is there, struck through, and says who deleted it.
  await page.getByRole('checkbox', { name: 'Show deleted and overwritten' }).check();
  await expect(treeItem(tree, 'usr')).toContainText('deleted by the draft');
  await shot(page, '37-folder-deleted');
});

test('create a file, a folder and a symlink; upload by dropping onto a folder; change permissions', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files?path=/etc`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  const adder = page.getByRole('group', { name: 'Add to this folder' });
  await expect(adder).toContainText('Add to /etc');

  await adder.getByRole('button', { name: 'New file' }).click();
  const newFile = page.getByRole('form', { name: 'New file' });
  await newFile.getByLabel('File name').fill('motd');
  await expect(newFile).toContainText('Creates /etc/motd');
  await newFile.getByRole('button', { name: 'Create file' }).click();
  await expect(page).toHaveURL(/path=\/etc\/motd&edit=1$/);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  const editor = detail.getByRole('textbox', { name: 'Edit motd' });
  await editor.click();
  await page.keyboard.insertText('Welcome to ALPYNE\n');
  await page.keyboard.press('ControlOrMeta+s');
  await expect(detail).toContainText('saved to the draft');
  expect(await (await request.get(`/api/images/${image.id}/content?path=/etc/motd&draft=1`)).text()).toBe('Welcome to ALPYNE\n');
  await expect(treeItem(tree, 'motd')).toContainText('edited');
  await detail.getByRole('button', { name: 'Close editor' }).click();
  await expect(page).toHaveURL(/path=\/etc\/motd$/);

  await adder.getByRole('button', { name: 'New folder' }).click();
  await page.getByRole('form', { name: 'New folder' }).getByLabel('Folder name').fill('peel.d');
  await page.getByRole('form', { name: 'New folder' }).getByRole('button', { name: 'Create folder' }).click();
  await expect(page).toHaveURL(/path=\/etc\/peel\.d$/);
  await expect(adder).toContainText('Add to /etc/peel.d');

  await adder.getByRole('button', { name: 'New symlink' }).click();
  const newLink = page.getByRole('form', { name: 'New symlink' });
  await newLink.getByLabel('Link name').fill('release');
  await newLink.getByLabel('Points to').fill('../os-release');
  await newLink.getByRole('button', { name: 'Create symlink' }).click();
  await expect(page).toHaveURL(/path=\/etc\/peel\.d\/release$/);
  await expect(treeItem(tree, 'release')).toContainText('→ ../os-release');

  // A file dragged from the desktop onto a folder of the tree goes into that folder.
  await dropBytes(page, treeItem(tree, 'peel.d'), 'hello.txt', new TextEncoder().encode('dropped in\n'));
  await expect(page.getByRole('status').filter({ hasText: 'Added /etc/peel.d/hello.txt to the draft' })).toBeVisible();
  await expect(treeItem(tree, 'hello.txt')).toBeVisible();
  expect(await (await request.get(`/api/images/${image.id}/content?path=/etc/peel.d/hello.txt&draft=1`)).text()).toBe('dropped in\n');

  // Permissions through the rwx grid: 0644 → 0755.
  await treeItem(tree, 'motd').click();
  await detail.getByRole('button', { name: 'Permissions' }).click();
  const grid = detail.getByRole('form', { name: 'Permissions' });
  for (const who of ['Owner', 'Group', 'Others']) await grid.getByRole('checkbox', { name: `${who} execute` }).check();
  await expect(grid.getByLabel('Octal')).toHaveValue('0755');
  await expect(grid.getByLabel('Result')).toHaveText('-rwxr-xr-x');
  await shot(page, '33-permissions');
  await grid.getByRole('button', { name: 'Apply permissions' }).click();
  await expect(treeItem(tree, 'motd')).toContainText('-rwxr-xr-x');

  const etc = await draftDir(request, '/etc');
  expect(etc.find((e) => e.name === 'motd')).toMatchObject({ type: 'file', mode: 0o755, size: 18, edited: true });
  expect(etc.find((e) => e.name === 'peel.d')).toMatchObject({ type: 'dir', edited: true });
  const draft = await draftOf(request);
  expect(draft.ops.map((op) => op.op)).toEqual(['write', 'write', 'mkdir', 'symlink', 'write', 'chmod']);
  await shot(page, '34-tree-edited');
});

test('rename a file and change its owner', async ({ page, request }) => {
  await page.goto(`/images/${image.id}/files?path=/etc/hostname`);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await detail.getByRole('button', { name: 'Rename / move' }).click();
  const rename = detail.getByRole('form', { name: 'Rename or move' });
  await rename.getByLabel('New name or path').fill('/opt/hostname.old');
  await rename.getByRole('button', { name: 'Rename / move' }).click();
  await expect(page).toHaveURL(/path=\/opt\/hostname\.old$/);

  await detail.getByRole('button', { name: 'Owner' }).click();
  const owner = detail.getByRole('form', { name: 'Owner' });
  await owner.getByLabel('User id (uid)').fill('1000');
  await owner.getByLabel('Group id (gid)').fill('100');
  await owner.getByRole('button', { name: 'Change owner' }).click();
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await expect(treeItem(tree, 'hostname.old')).toContainText('1000:100');
  expect((await draftDir(request, '/etc')).map((e) => e.name)).not.toContain('hostname');
  expect((await draftDir(request, '/opt')).find((e) => e.name === 'hostname.old')).toMatchObject({ uid: 1000, gid: 100, size: 5 });
});

test('edit Cmd in the config editor; the exported image runs it', async ({ page, request }) => {
  test.setTimeout(120_000);
  const tag = uniqueTag('peel-cmd');
  const scratch = await mkdtemp(join(tmpdir(), 'peel-e2e-export-'));
  try {
    await page.goto(`/images/${image.id}/config`);
    await page.getByRole('link', { name: 'Edit config' }).click();
    await expect(page).toHaveURL(/\/config\?edit=1$/);
    const form = page.getByRole('form', { name: 'Edit config' });
    const cmd = form.getByLabel('Cmd', { exact: true });
    await expect(cmd).toHaveValue('/bin/sh');
    await cmd.fill(`sh -c 'echo from peel; cat /etc/os-release'`);
    await expect(form).toContainText('Stored as ["sh","-c","echo from peel; cat /etc/os-release"]');
    await form.getByRole('group', { name: 'Env' }).getByRole('button', { name: 'Add variable' }).click();
    await form.getByLabel('Variable 2 name').fill('GREETING');
    await form.getByLabel('Variable 2 value').fill('hello');
    await form.getByLabel('name:tag').fill(tag);
    await shot(page, '35-config-editor');
    await form.getByRole('button', { name: 'Save to draft' }).click();

    await expect(page).toHaveURL(new RegExp(`/images/${image.id}/config$`));
    const cmdRow = page.locator('.config-row').filter({ hasText: /^Cmd/ });
    await expect(cmdRow).toContainText('edited');
    await expect(cmdRow).toContainText('["sh","-c","echo from peel; cat /etc/os-release"]');
    await shot(page, '36-config-edited');
    const draft = await draftOf(request);
    expect(draft.resultConfig.Cmd).toEqual(['sh', '-c', 'echo from peel; cat /etc/os-release']);
    expect(draft.resultConfig.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=hello']);
    expect(draft.tag).toBe(tag);

    // Append keeps the original layer; the new Cmd is what docker run runs.
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await expect(dialog.getByLabel('Name and tag of the result')).toHaveValue(tag);
    await dialog.getByRole('radio', { name: /^Append a layer/ }).check();
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const download = await downloading;
    const archive = join(scratch, download.suggestedFilename());
    await download.saveAs(archive);
    await dockerLoad(archive);
    const original = await (await request.get(`/api/images/${image.id}/content?path=/etc/os-release`)).text();
    expect(await docker(['run', '--rm', '--network', 'none', tag])).toBe(`from peel\n${original}`);
    expect(await docker(['run', '--rm', '--network', 'none', tag, 'sh', '-c', 'echo $GREETING'])).toBe('hello\n');
    const layers = JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag])) as string[];
    const detail = (await (await request.get(`/api/images/${image.id}`)).json()) as ImageDetail;
    expect(layers[0]).toBe(detail.layers[0].diffId);
  } finally {
    await docker(['rmi', '--force', tag]).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
});

test('discard one change, undo the last, discard all', async ({ page, request }) => {
  const put = (path: string, body: string) => request.put(`/api/images/${image.id}/draft/content?path=${path}`, { data: body, headers: { 'Content-Type': 'application/octet-stream' } });
  expect((await put('/etc/a.txt', 'a\n')).status()).toBe(200);
  expect((await put('/etc/b.txt', 'bb\n')).status()).toBe(200);
  expect((await request.post(`/api/images/${image.id}/draft/ops`, { data: { op: 'mkdir', path: '/srv/www' } })).status()).toBe(200);
  expect((await request.patch(`/api/images/${image.id}/draft/config`, { data: { WorkingDir: '/srv/www' } })).status()).toBe(200);

  await page.goto(`/images/${image.id}/draft`);
  await expect(page.getByRole('heading', { name: '4 pending changes' })).toBeVisible();
  const files = page.getByRole('region', { name: 'File changes (3)' });
  await expect(files.getByRole('row')).toHaveCount(4);
  await expect(files.getByRole('row').filter({ hasText: '/etc/b.txt' })).toContainText('+3 B');
  const config = page.getByRole('region', { name: /^Config changes/ });
  await expect(config.getByRole('row').filter({ hasText: 'WorkingDir' })).toContainText('/srv/www');

  await files.getByRole('button', { name: 'Discard: added /etc/a.txt' }).click();
  await expect(page.getByRole('heading', { name: '3 pending changes' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'File changes (2)' })).not.toContainText('/etc/a.txt');
  expect((await draftOf(request)).ops.map((op) => op.path)).toEqual(['/etc/b.txt', '/srv/www']);

  await page.getByRole('button', { name: 'Undo last change' }).click();
  await expect(page.getByRole('heading', { name: '2 pending changes' })).toBeVisible();
  expect((await draftOf(request)).ops.map((op) => op.path)).toEqual(['/etc/b.txt']);

  await config.getByRole('button', { name: 'Discard: WorkingDir' }).click();
  await expect(page.getByRole('heading', { name: '1 pending change' })).toBeVisible();
  await expect(config).toBeHidden();

  await page.getByRole('button', { name: 'Discard all' }).click();
  await page.getByRole('alertdialog', { name: 'Discard all changes' }).getByRole('button', { name: 'Discard all changes' }).click();
  await expect(page.getByRole('heading', { name: 'No pending changes' })).toBeVisible();
  expect((await draftOf(request)).empty).toBe(true);
  await expect(page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Draft', exact: true })).toBeVisible();
});

test('the API says why an edit is refused, next to where it was made', async ({ page }) => {
  await page.goto(`/images/${image.id}/files?path=/etc/passwd`);
  const adder = page.getByRole('group', { name: 'Add to this folder' });
  await adder.getByRole('button', { name: 'New folder' }).click();
  const form = page.getByRole('form', { name: 'New folder' });
  // /etc/passwd is a file: a folder cannot go under it.
  await form.getByLabel('Folder name').fill('/etc/passwd/sub');
  await form.getByRole('button', { name: 'Create folder' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('Could not create the folder');
  await expect(alert).toContainText(/\(4\d\d /);
});

test.describe('dark system theme', () => {
  test.use({ colorScheme: 'dark' });

  test('the editor, the draft panel and the export dialog follow it', async ({ page, request }) => {
    const put = await request.put(`/api/images/${image.id}/draft/content?path=/etc/shells`, { data: '/bin/sh\n/bin/ash\n', headers: { 'Content-Type': 'application/octet-stream' } });
    expect(put.status()).toBe(200);
    await page.goto(`/images/${image.id}/files?path=/etc/shells&edit=1`);
    const editor = page.getByRole('textbox', { name: 'Edit shells' });
    await expect(editor).toContainText('/bin/ash');
    await expect(page.getByRole('region', { name: 'Selected entry' })).toContainText('as saved in the draft');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 19, 24)');
    await shot(page, '38-dark-editor');
    await page.goto(`/images/${image.id}/draft`);
    await page.getByRole('button', { name: 'Export…' }).click();
    await expect(page.getByRole('dialog', { name: /^Export/ })).toBeVisible();
    await shot(page, '39-dark-export');
  });
});
