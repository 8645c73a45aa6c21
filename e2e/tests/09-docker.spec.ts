import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { DockerImageLookup, DockerRun } from '@peel/api';
import { docker, dockerHost, dockerLoad, uniqueTag } from './docker.js';
import { expect, expectAccessible, fixturePath, imageIdOf, shot, test, treeItem } from './helpers.js';
import { startPeel, type PeelServer } from './peel-server.js';

const ALPYNE = readFileSync(fixturePath('tiny-alpyne-expected.txt'), 'utf8');
const TERMINAL_SHOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots', '43-terminal-alpyne.png');

/** The run the page just created, read from the API reply the page got. */
async function runCreatedBy(page: Page, click: () => Promise<void>): Promise<DockerRun> {
  const reply = page.waitForResponse((r) => r.url().endsWith('/api/docker/runs') && r.request().method() === 'POST');
  await click();
  const response = await reply;
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as DockerRun;
}

test.describe('Docker: open from the engine, load back, run in the browser', () => {
  let peel: PeelServer;
  const source = uniqueTag('peel-e2e/tiny');
  const alpyne = uniqueTag('peel-e2e/alpyne');

  test.beforeAll(async () => {
    const host = dockerHost();
    // What a person has before opening Peel: the image in their engine.
    expect(await dockerLoad(fixturePath('tiny-docker-legacy.tar'))).toContain('fixtures/tiny:latest');
    await docker(['tag', 'fixtures/tiny:latest', source]);
    peel = await startPeel({ DOCKER_HOST: host });
  });
  test.afterAll(async () => {
    await peel?.stop();
    await docker(['rmi', '--force', source, alpyne]).catch(() => undefined);
  });

  test('open from Docker, edit to ALPYNE, load into Docker, cat it and run /bin/sh -l in the terminal', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(peel.url);
    const section = page.getByRole('region', { name: /^In Docker/ });
    await expect(section).toBeVisible();
    const row = section.getByRole('row').filter({ hasText: source });
    await expect(row).toHaveCount(1);
    await shot(page, '40-docker-home');
    await expectAccessible(page);

    // Open: docker save streamed into the ingest, then the image page.
    // One row per image id: the fixture's image may carry other tags (other tests') besides ours.
    // The tiny image opens in a blink; the job's polls are held back a little to see the card.
    await page.route('**/api/docker/open-jobs/*', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await row.getByRole('button', { name: /^Open .* from Docker$/ }).click();
    const card = page.getByRole('region', { name: 'Open from Docker' });
    await expect(card.getByRole('progressbar', { name: /^Opening .* from Docker$/ })).toBeVisible();
    await expect(card).toContainText(/Reading from Docker|Indexing/);
    await shot(page, '40b-docker-open-progress');
    await expect(page).toHaveURL(/\/images\/[0-9a-f]+\/layers$/, { timeout: 30_000 });
    await page.unroute('**/api/docker/open-jobs/*');
    const id = imageIdOf(page.url());
    await expect(page.getByRole('main').getByText(source, { exact: true })).toBeVisible();

    // Edit /etc/os-release in the editor, as in the walkthrough.
    await page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Files' }).click();
    const tree = page.getByRole('tree', { name: 'Merged filesystem' });
    await treeItem(tree, 'etc').click();
    await treeItem(tree, 'os-release').click();
    const detail = page.getByRole('region', { name: 'Selected entry' });
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    const editor = detail.getByRole('textbox', { name: 'Edit os-release' });
    await expect(editor).toContainText('Tiny Linux');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(ALPYNE);
    await detail.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(detail).toContainText('saved to the draft');
    expect(await (await page.request.get(`${peel.url}/api/images/${id}/content?path=/etc/os-release&draft=1`)).text()).toBe(ALPYNE);

    // Export, flattened, straight into Docker.
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await dialog.getByRole('radio', { name: /^Flatten/ }).check();
    // The result is not named after the source (loading it would take the original's name over),
    // and the dialog says so when a name Docker already has is typed.
    const name = dialog.getByLabel('Name and tag of the result');
    const original = (await docker(['image', 'inspect', '--format', '{{.Id}}', source])).trim();
    const originalTags = JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RepoTags}}', source])) as string[];
    const proposed = await name.inputValue();
    expect(proposed).toMatch(/:edited$/);
    expect(originalTags.map((t) => t.replace(/:[^:/]+$/, ':edited'))).toContain(proposed);
    expect(originalTags).not.toContain(proposed);
    const taken = dialog.getByTestId('docker-name-taken');
    await name.fill(source);
    await expect(taken).toContainText(`Docker already has an image named ${source} (${original.replace('sha256:', '').slice(0, 12)}, built`);
    await expect(taken).toContainText('takes the name over');
    await dialog.screenshot({ path: 'screenshots/41a-export-name-taken.png' });
    // The dialog and its note exist only here, on this test's own server: check them now.
    await expectAccessible(page);
    await name.fill(alpyne);
    await expect(taken).toHaveCount(0);
    // After the load the dialog asks again, and Docker now has the name: by the image this dialog
    // loaded, which is nothing to warn about.
    const askedAgain = page.waitForResponse(async (r) => r.url().includes('/api/docker/images/lookup') && ((await r.json()) as DockerImageLookup).image !== null);
    await dialog.getByRole('button', { name: 'Load into Docker' }).click();
    await expect(dialog.getByTestId('docker-loaded')).toHaveText(alpyne, { timeout: 30_000 });
    expect(((await (await askedAgain).json()) as DockerImageLookup).ref).toBe(alpyne);
    await expect(taken).toHaveCount(0);
    await shot(page, '41-loaded-into-docker');
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', source])).trim()).toBe(original);
    expect(JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', alpyne]))).toHaveLength(1);

    // Run it without a TTY: the output and the exit code.
    await dialog.getByRole('link', { name: 'Run it' }).click();
    await expect(page).toHaveURL(/\/docker\/run\?ref=/);
    const form = page.getByRole('form', { name: 'Run a container' });
    await expect(form.getByLabel('Image')).toHaveValue(alpyne);
    await form.getByLabel('Command').fill('cat /etc/os-release');
    await form.getByLabel('Interactive terminal (TTY)').uncheck();
    const plain = await runCreatedBy(page, () => form.getByRole('button', { name: 'Run' }).click());
    await expect(page.getByTestId('exit-code')).toHaveText('exit code 0', { timeout: 30_000 });
    expect(await page.getByTestId('run-output').textContent()).toBe(ALPYNE);
    await shot(page, '42-run-output');
    await expectAccessible(page);
    expect((await docker(['ps', '-aq', '--filter', `id=${plain.containerId}`])).trim()).toBe('');

    // Run /bin/sh -l on a TTY and type into the terminal.
    await page.getByRole('button', { name: 'New run' }).click();
    await form.getByLabel('Command').fill('/bin/sh -l');
    await expect(form.getByLabel('Interactive terminal (TTY)')).toBeChecked();
    const shell = await runCreatedBy(page, () => form.getByRole('button', { name: 'Run' }).click());
    const terminal = page.getByTestId('terminal');
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible({ timeout: 30_000 });
    await expect(terminal).toContainText('/ #', { timeout: 30_000 });
    await terminal.click();
    await page.keyboard.type('cat /etc/os-release');
    await page.keyboard.press('Enter');
    await expect(terminal).toContainText('PRETTY_NAME="ALPYNE Linux v0"', { timeout: 30_000 });
    for (const line of ALPYNE.trim().split('\n')) await expect(terminal).toContainText(line);
    await terminal.screenshot({ path: TERMINAL_SHOT });
    await shot(page, '44-run-terminal');
    const live = JSON.parse(await docker(['inspect', '--format', '{{json .HostConfig}}', shell.containerId])) as Record<string, unknown>;
    expect(live).toMatchObject({ NetworkMode: 'none', AutoRemove: true, Privileged: false });

    // Stop: the container ends and is removed.
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByRole('region', { name: `Run of ${alpyne}` }).getByText('stopped', { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect.poll(async () => (await docker(['ps', '-aq', '--filter', `id=${shell.containerId}`])).trim(), { timeout: 15_000 }).toBe('');
  });

  test('a command that exits 3 gets a failing badge with its code; exit 0 a success badge', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`${peel.url}/docker/run?ref=${encodeURIComponent(source)}`);
    const form = page.getByRole('form', { name: 'Run a container' });
    const badge = page.getByTestId('run-state');
    for (const [code, label, tone] of [[0, 'exited', 'badge-added'], [3, 'failed: exit 3', 'badge-deleted']] as const) {
      await form.getByLabel('Command').fill(`sh -c "exit ${code}"`);
      await form.getByLabel('Interactive terminal (TTY)').uncheck();
      await runCreatedBy(page, () => form.getByRole('button', { name: 'Run' }).click());
      await expect(page.getByTestId('exit-code')).toHaveText(`exit code ${code}`, { timeout: 30_000 });
      await expect(badge).toHaveText(label);
      await expect(badge.locator('xpath=..')).toHaveClass(new RegExp(`\\b${tone}\\b`));
      await shot(page, `46-run-exit-${code}`);
      await page.getByRole('button', { name: 'New run' }).click();
    }
  });

  test('closing the tab stops the terminal\'s container', async ({ browser }) => {
    const page = await browser.newPage();
    await page.goto(`${peel.url}/docker/run?ref=${encodeURIComponent(source)}`);
    const form = page.getByRole('form', { name: 'Run a container' });
    await form.getByLabel('Command').fill('/bin/sh');
    const run = await runCreatedBy(page, () => form.getByRole('button', { name: 'Run' }).click());
    await expect(page.getByTestId('terminal')).toContainText('/ #', { timeout: 30_000 });
    expect((await docker(['ps', '-q', '--filter', `id=${run.containerId}`])).trim()).not.toBe('');
    await page.close();
    await expect
      .poll(async () => ((await (await fetch(`${peel.url}/api/docker/runs/${run.id}`)).json()) as DockerRun).state, { timeout: 15_000 })
      .toBe('stopped');
    await expect.poll(async () => (await docker(['ps', '-aq', '--filter', `id=${run.containerId}`])).trim(), { timeout: 15_000 }).toBe('');
  });
});

test.describe('Docker: no engine', () => {
  let peel: PeelServer;
  test.beforeAll(async () => {
    peel = await startPeel({ DOCKER_HOST: 'unix:///nonexistent/peel-e2e/docker.sock' });
  });
  test.afterAll(async () => {
    await peel?.stop();
  });

  test('shows no Docker actions, says why, and the API answers 503', async ({ page }) => {
    const upload = await page.request.post(`${peel.url}/api/images?name=tiny.tar`, {
      data: readFileSync(fixturePath('tiny-docker-legacy.tar')),
      headers: { 'Content-Type': 'application/x-tar' },
    });
    expect(upload.status()).toBe(201);
    const id = ((await upload.json()) as { id: string }).id;

    await page.goto(peel.url);
    await expect(page.getByTestId('docker-off')).toHaveText(
      'Docker is not available: cannot reach the engine at unix:///nonexistent/peel-e2e/docker.sock (no socket there; set DOCKER_HOST to its socket)',
    );
    await expect(page.getByRole('region', { name: /^In Docker/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /from Docker$/ })).toHaveCount(0);
    await expect(page.getByRole('link', { name: /^Run / })).toHaveCount(0);
    await shot(page, '45-docker-off');

    await page.goto(`${peel.url}/images/${id}/layers`);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await expect(dialog.getByRole('button', { name: 'Download' })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Load into Docker' })).toHaveCount(0);

    await page.goto(`${peel.url}/docker/run?ref=alpine`);
    await expect(page.getByTestId('docker-off')).toBeVisible();
    await expect(page.getByRole('form', { name: 'Run a container' })).toHaveCount(0);

    for (const [method, path] of [['GET', '/api/docker/images'], ['POST', `/api/images/${id}/export/docker?mode=flatten`]] as const) {
      const res = await page.request.fetch(`${peel.url}${path}`, { method });
      expect(res.status(), path).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DOCKER_UNAVAILABLE');
    }
  });
});
