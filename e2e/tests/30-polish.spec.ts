import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSummary } from '@peel/api';
import { docker, dockerHost, dockerLoad, uniqueTag } from './docker.js';
import { expect, fixturePath, shot, test, treeItem, uploadViaApi } from './helpers.js';
import { tar } from './make-image.js';
import { startPeel } from './peel-server.js';

/** A file's bytes inside an archive, read by GNU tar (not by Peel). */
function tarRead(archive: string, member: string): Buffer {
  return execFileSync('tar', ['-xOf', archive, member], { maxBuffer: 64 * 1024 * 1024 });
}

/** A `docker save`-shaped image with one layer of one file, built at the given time, tagged `tag`. */
function oneLayerImage(created: string, tag: string): Buffer {
  const layer = tar([
    { path: 'etc', type: 'dir' },
    { path: 'etc/os-release', type: 'file', content: Buffer.from('ID=epoch\n') },
  ]);
  const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created,
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: 'COPY os-release /etc/' }],
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ['layer/layer.tar'] }]));
  return tar([
    { path: configName, type: 'plain', content: config },
    { path: 'layer', type: 'dir' },
    { path: 'layer/layer.tar', type: 'plain', content: layer },
    { path: 'manifest.json', type: 'plain', content: manifest },
  ]);
}

const EPOCH = '1970-01-01T00:00:00Z';
const epochTag = uniqueTag('peel-polish-epoch');
let epochImage: ImageSummary;
let legacy: ImageSummary;

test.beforeAll(async ({ request }) => {
  const response = await request.post('/api/images?name=epoch.tar', { data: oneLayerImage(EPOCH, epochTag), headers: { 'Content-Type': 'application/x-tar' } });
  expect([200, 201], await response.text()).toContain(response.status());
  epochImage = (await response.json()) as ImageSummary;
  legacy = await uploadViaApi(request, 'multi-docker-legacy.tar');
});

test('one of a thing is singular: 1 layer, 1 diff ID, 1 item', async ({ page }) => {
  await page.goto(`/images/${epochImage.id}/findings`);
  await expect(page.getByRole('region', { name: 'Findings' })).toContainText('stored in 1 layer');
  await expect(page.getByRole('region', { name: 'Findings' })).not.toContainText(/\b1 layers\b/);

  await page.goto(`/images/${epochImage.id}/config`);
  const main = page.getByRole('main');
  await expect(main).toContainText('1 diff ID');
  await expect(main).not.toContainText(/\b1 diff IDs\b/);
  // The config JSON: rootfs.diff_ids is an array of one.
  await page.getByRole('region', { name: 'Raw config JSON' }).locator('summary').click();
  const json = page.getByRole('tree', { name: 'Image config JSON' });
  await expect(json.getByRole('treeitem', { name: '"diff_ids"', exact: true }).getByRole('button', { name: '1 item', exact: true })).toBeVisible();
  await expect(json).not.toContainText(/\b1 items\b/);
});

test('an epoch build date reads as the epoch, not as a local time or "58 years ago"', async ({ page }) => {
  // docker load and a second Peel talking to the engine.
  test.setTimeout(180_000);
  // The oracle for what the date is: Docker's own reading of the image.
  const archive = join(mkdtempSync(join(tmpdir(), 'peel-e2e-epoch-')), 'epoch.tar');
  writeFileSync(archive, oneLayerImage(EPOCH, epochTag));
  try {
    expect(await dockerLoad(archive)).toContain(epochTag);
  } finally {
    rmSync(archive, { force: true });
  }
  try {
    expect((await docker(['image', 'inspect', '--format', '{{.Created}}', epochTag])).trim()).toMatch(/^1970-01-01T00:00:00/);

    await page.goto(`/images/${epochImage.id}/layers`);
    const facts = page.locator('.image-facts');
    await expect(facts.locator('div').filter({ hasText: 'Built' }).locator('dd')).toHaveText('1970-01-01 (epoch)');
    await page.goto(`/images/${epochImage.id}/config`);
    await expect(page.getByRole('main')).toContainText('1970-01-01 (epoch)');

    // The Docker list of the home page, from a Peel that talks to the test engine.
    const peel = await startPeel({ DOCKER_HOST: dockerHost() });
    try {
      await page.goto(peel.url);
      const section = page.getByRole('region', { name: /^In Docker/ });
      const row = section.getByRole('row').filter({ hasText: epochTag });
      await expect(row).toContainText('1970-01-01 (epoch)');
      await expect(row).not.toContainText(/years ago/);
      await shot(page, '70-home-docker-epoch');
    } finally {
      await peel.stop();
    }
  } finally {
    await docker(['image', 'rm', epochTag]);
  }
});

test('"deleted by layer 6" is a plain badge; only the name is struck through', async ({ page }) => {
  await page.goto(`/images/${legacy.id}/files?path=/opt/app&deleted=1`);
  const tree = page.getByRole('tree', { name: 'Merged filesystem' });
  await treeItem(tree, 'app').click();
  const env = treeItem(tree, '.env');
  await expect(env).toContainText('deleted by layer 6');
  await expect(env.locator('.entry-name')).toHaveCSS('text-decoration-line', 'line-through');
  const badge = env.getByText('deleted by layer 6', { exact: true });
  await expect(badge).toHaveCSS('text-decoration-line', 'none');
  // Text decoration is drawn by an ancestor's box too: nothing from the row down to the badge strikes it.
  const struck = await badge.evaluate((el) => {
    const lines: string[] = [];
    for (let node: Element | null = el; node && node.getAttribute('role') !== 'tree'; node = node.parentElement) {
      const line = getComputedStyle(node).textDecorationLine;
      if (line !== 'none') lines.push(`${node.className}: ${line}`);
    }
    return lines;
  });
  expect(struck).toEqual([]);
  await shot(page, '71-tree-deleted-badge');
});

test('page titles name the image and the view', async ({ page }) => {
  // The image's name as the archive's own manifest.json has it, read by GNU tar.
  const manifest = JSON.parse(tarRead(fixturePath('multi-docker-legacy.tar'), 'manifest.json').toString('utf8')) as Array<{ RepoTags?: string[] }>;
  const name = manifest[0].RepoTags?.[0] ?? 'multi-docker-legacy.tar';

  await page.goto('/');
  await expect(page).toHaveTitle('Images — Peel');
  await page.goto(`/images/${legacy.id}/layers`);
  await expect(page).toHaveTitle(`${name} · Layers — Peel`);
  await page.getByRole('navigation', { name: 'Image views' }).getByRole('link', { name: 'Files' }).click();
  await expect(page).toHaveTitle(`${name} · Files — Peel`);
  await page.goto(`/images/${legacy.id}/layers/5/changes`);
  await expect(page).toHaveTitle(`${name} · Layer 5 changes — Peel`);
  await page.goto(`/images/${legacy.id}/archive`);
  await expect(page).toHaveTitle(`${name} · Archive — Peel`);
  await page.goto('/no/such/view');
  await expect(page).toHaveTitle('Not found — Peel');
});

test('a digest has a copy button that copies the full value', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const oci = await uploadViaApi(page.request, 'multi-oci.tar');
  const blobs = execFileSync('tar', ['-tf', fixturePath('multi-oci.tar')], { encoding: 'utf8' })
    .split('\n')
    .filter((p) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(p));
  // The biggest blob is a layer; its digest is the sha256 of its bytes, computed here.
  const sizes = blobs.map((p) => ({ p, bytes: tarRead(fixturePath('multi-oci.tar'), p) })).sort((a, b) => b.bytes.length - a.bytes.length);
  const blob = sizes[0];
  const digest = `sha256:${createHash('sha256').update(blob.bytes).digest('hex')}`;

  await page.goto(`/images/${oci.id}/archive?path=${blob.p}`);
  const copy = page.getByRole('button', { name: `Copy digest ${digest.slice(0, 'sha256:'.length + 12)}` });
  await expect(copy).toBeVisible();
  await expect(copy).toHaveAttribute('title', `Copy ${digest}`);
  await expect(page.locator('.digest code', { hasText: digest.slice(0, 19) })).toHaveAttribute('title', digest);
  await copy.click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(digest);
  await shot(page, '72-archive-digest-copied');
});

test('the archive lists what describes the image first: manifest.json, then configs, then layers', async ({ page }) => {
  // The archive's top level as GNU tar lists it.
  const top = [...new Set(execFileSync('tar', ['-tf', fixturePath('multi-docker-legacy.tar')], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => p.split('/')[0]))];
  const folders = top.filter((n) => /^[0-9a-f]{64}$/.test(n));
  const config = top.find((n) => /^[0-9a-f]{64}\.json$/.test(n));
  expect(folders.length).toBeGreaterThan(10);
  expect(config).toBeDefined();

  await page.goto(`/images/${legacy.id}/archive`);
  const tree = page.getByRole('tree', { name: 'Archive files' });
  const topLevel = tree.locator('[role="treeitem"][aria-level="1"]');
  await expect(topLevel).toHaveCount(top.length);
  const names = await topLevel.evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')));
  expect(names[0]).toBe('manifest.json');
  const roles = top.filter((n) => n === 'repositories');
  expect(names.slice(1, 1 + roles.length)).toEqual(roles);
  expect(names[1 + roles.length]).toBe(config);
  expect(new Set(names.slice(2 + roles.length))).toEqual(new Set(folders));
  await shot(page, '73-archive-order');
});

test('the hex view shows all 16 ASCII characters of each row, unclipped', async ({ page }) => {
  await page.goto(`/images/${legacy.id}/files?path=/var/lib/app/big.bin`);
  const detail = page.getByRole('region', { name: 'Selected entry' });
  await detail.getByRole('button', { name: 'Hex' }).click();
  const dump = detail.getByLabel('Hex dump');
  const firstRow = dump.locator('.hex-row:not(.pending)').first();
  await expect(firstRow).toBeVisible();
  // The file's first 16 bytes as GNU tar extracts them from layer 8 (which wrote the final
  // version), printed the way hexdump -C prints its ASCII column.
  const manifest = JSON.parse(tarRead(fixturePath('multi-docker-legacy.tar'), 'manifest.json').toString('utf8')) as Array<{ Layers: string[] }>;
  const scratch = mkdtempSync(join(tmpdir(), 'peel-e2e-hex-'));
  const layerTar = join(scratch, 'layer.tar');
  writeFileSync(layerTar, tarRead(fixturePath('multi-docker-legacy.tar'), manifest[0].Layers[8]));
  const member = execFileSync('tar', ['-tf', layerTar], { encoding: 'utf8' }).split('\n').find((p) => p.replace(/^\.\//, '') === 'var/lib/app/big.bin');
  const bytes = tarRead(layerTar, member!);
  rmSync(scratch, { recursive: true, force: true });
  const expected = Array.from(bytes.subarray(0, 16), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  await expect(firstRow.locator('.hex-ascii')).toHaveText(expected);
  const geometry = await dump.locator('.hex-row:not(.pending) .hex-ascii').evaluateAll((cells) =>
    cells.slice(0, 20).map((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const text = range.getBoundingClientRect();
      const box = cell.getBoundingClientRect();
      const scroller = cell.closest('.hex-scroll')!.getBoundingClientRect();
      return { textRight: text.right, boxRight: box.right, scrollerRight: scroller.right, overflow: cell.scrollWidth - cell.clientWidth };
    }),
  );
  await shot(page, '74-hex-view');
  for (const g of geometry) {
    expect(g.overflow).toBeLessThanOrEqual(0);
    expect(g.textRight).toBeLessThanOrEqual(g.boxRight + 0.5);
    expect(g.textRight).toBeLessThanOrEqual(g.scrollerRight + 0.5);
  }
});
