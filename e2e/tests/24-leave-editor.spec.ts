import type { APIRequestContext, Page } from '@playwright/test';
import type { DraftState, ImageSummary } from '@peel/api';
import { clearDraft, expect, expectAccessible, shot, test, treeItem, uploadViaApi } from './helpers.js';

// Unsaved editor text is never lost silently: leaving the editor by a tab, a link, another file
// in the tree or Back asks first (save / discard / stay); reload and close ask the browser's way.
let image: ImageSummary;

test.beforeAll(async ({ request }) => {
  image = await uploadViaApi(request, 'tiny-docker-legacy.tar');
});
test.beforeEach(async ({ request }) => clearDraft(request, image.id));
test.afterEach(async ({ request }) => clearDraft(request, image.id));

async function draftOf(request: APIRequestContext): Promise<DraftState> {
  return (await (await request.get(`/api/images/${image.id}/draft`)).json()) as DraftState;
}

/** Opens /etc/hostname in the editor (by its Edit button: an in-app step, so Back stays in the app) and types a line. */
async function editHostname(page: Page): Promise<void> {
  await page.goto(`/images/${image.id}/files?path=/etc/hostname`);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await detail.getByRole('group', { name: 'Edit this entry' }).getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page).toHaveURL(/path=\/etc\/hostname&edit=1$/);
  const editor = detail.getByRole('textbox', { name: 'Edit hostname' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('typed but not saved\n');
  await expect(detail).toContainText('unsaved changes');
}

test('another file in the tree asks first; Stay keeps the text; a tab then Save and leave saves it', async ({ page, request }) => {
  await editHostname(page);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'os-release').click();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes to hostname' });
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('Your edits to /etc/hostname are not in the draft yet.');
  await expect(page).toHaveURL(/path=\/etc\/hostname&edit=1$/);
  await shot(page, '60-leave-editor-confirm');
  await expectAccessible(page, 'the leave-editor dialog');

  await ask.getByRole('button', { name: 'Stay here' }).click();
  await expect(ask).toBeHidden();
  const editor = page.getByRole('textbox', { name: 'Edit hostname' });
  await expect(editor).toContainText('typed but not saved');
  expect((await draftOf(request)).ops).toEqual([]);

  await page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Draft' }).click();
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Save and leave' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/draft$`));
  const original = await (await request.get(`/api/images/${image.id}/content?path=/etc/hostname`)).text();
  expect(await (await request.get(`/api/images/${image.id}/content?path=/etc/hostname&draft=1`)).text()).toBe(`${original}typed but not saved\n`);
  expect((await draftOf(request)).ops.map((op) => [op.op, op.path])).toEqual([['write', '/etc/hostname']]);
});

test('Discard changes leaves without saving; filtering the tree does not ask', async ({ page, request }) => {
  await editHostname(page);
  // The filter keeps the file selected and in edit mode: nothing to ask.
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('host');
  await expect(page).toHaveURL(/q=host/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Edit hostname' })).toContainText('typed but not saved');

  await page.getByRole('link', { name: 'Peel' }).click();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes to hostname' });
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Stored images' })).toBeVisible();
  expect((await draftOf(request)).empty).toBe(true);
});

/** The draft's /etc/hostname, read through the API; `original` is the image's own. */
async function hostnames(request: APIRequestContext): Promise<{ original: string; draft: string }> {
  const read = async (query: string) => (await request.get(`/api/images/${image.id}/content?path=/etc/hostname${query}`)).text();
  return { original: await read(''), draft: await read('&draft=1') };
}

test('Close editor, then one click on Discard changes closes it and keeps the draft as it was', async ({ page, request }) => {
  await editHostname(page);
  await page.getByRole('button', { name: 'Close editor' }).click();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes to hostname' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page).toHaveURL(/path=\/etc\/hostname$/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Edit hostname' })).toHaveCount(0);
  expect((await draftOf(request)).empty).toBe(true);
  const { original, draft } = await hostnames(request);
  expect(draft).toBe(original);
});

test('Close editor, then one click on Save and leave saves the text and closes it', async ({ page, request }) => {
  await editHostname(page);
  await page.getByRole('button', { name: 'Close editor' }).click();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes to hostname' });
  await ask.getByRole('button', { name: 'Save and leave' }).click();
  await expect(page).toHaveURL(/path=\/etc\/hostname$/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Edit hostname' })).toHaveCount(0);
  const { original, draft } = await hostnames(request);
  expect(draft).toBe(`${original}typed but not saved\n`);
  expect((await draftOf(request)).ops.map((op) => [op.op, op.path])).toEqual([['write', '/etc/hostname']]);
});

test('Back asks too, and the address stays on the editor until the answer', async ({ page, request }) => {
  await editHostname(page);
  await page.goBack();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes to hostname' });
  await expect(ask).toBeVisible();
  await expect(page).toHaveURL(/path=\/etc\/hostname&edit=1$/);
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Edit hostname' })).toContainText('typed but not saved');

  await page.goBack();
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page).toHaveURL(/path=\/etc\/hostname$/);
  await expect(page.getByRole('textbox', { name: 'Edit hostname' })).toHaveCount(0);
  expect((await draftOf(request)).empty).toBe(true);
});

test('closing the tab asks (beforeunload); a saved editor leaves without asking', async ({ page }) => {
  await editHostname(page);
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toEqual(['beforeunload']);
  expect(page.isClosed()).toBe(false);
  // Saved: the tabs go where they point at once.
  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.getByRole('region', { name: 'Selected entry' })).toContainText('saved to the draft');
  await page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Layers' }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}/layers$`));
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
