import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageDetail } from '@peel/api';
import { expect, expectAccessible, fixturePath, imageIdOf, shot, test } from './helpers.js';
import { formatSize } from '../../apps/web/src/lib/format-size.js';
import { layeredImage, randomFileImage, tar } from './make-image.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REGISTRY = 'e2e-open';

/** skopeo's view of a reference in the plain-HTTP test registry. */
const skopeo = (...args: string[]) => JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', ...args], { encoding: 'utf8' })) as Record<string, unknown>;

/**
 * A TCP relay to the registry that lets at most `bytesPerSecond` through towards Peel: a real
 * download slow enough to watch (the tiny fixture would otherwise arrive between two polls).
 */
async function slowRelay(target: string, bytesPerSecond: number): Promise<{ host: string; close: () => Promise<void> }> {
  const [targetHost, targetPort] = target.split(':');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(targetPort), targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      client.write(chunk);
      setTimeout(() => upstream.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

test.describe('Registry: open an image straight from a registry', () => {
  let host: string;
  test.beforeAll(() => {
    const info = JSON.parse(execFileSync('bash', ['scripts/registry.sh', 'start', REGISTRY, 'open'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!) as { host: string; dir: string };
    host = info.host;
    // What a person has before opening Peel: the image in a registry (put there by skopeo).
    for (const tag of ['v1', 'v2']) {
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixturePath('tiny-docker-legacy.tar')}`, `docker://${host}/e2e/tiny:${tag}`]);
    }
    execFileSync('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', `oci-archive:${fixturePath('tiny-multiarch-oci.tar')}`, `docker://${host}/e2e/tiny:multi`]);
    // A tag whose manifest the registry lost: its link names a digest never pushed.
    const link = join(info.dir, 'data/docker/registry/v2/repositories/e2e/tiny/_manifests/tags/broken/current');
    mkdirSync(link, { recursive: true });
    writeFileSync(join(link, 'link'), `sha256:${'0'.repeat(64)}`);
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
    await section.getByRole('button', { name: 'Show', exact: true }).click();
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
    await expect(tags.getByRole('button', { name: /^Show / })).toHaveCount(4);
    // Each tag's digest, platforms and size, as skopeo reads its manifest; the lost one says so.
    const rowOf = (tag: string) => tags.getByRole('row').filter({ has: page.getByRole('button', { name: `Show ${host}/e2e/tiny:${tag}`, exact: true }) });
    const sizeOf = (m: { config: { size: number }; layers: Array<{ size: number }> }) => m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0);
    await expect(rowOf('v1').getByTitle(inspected.Digest, { exact: true })).toBeVisible();
    await expect(rowOf('v1')).toContainText('single image');
    await expect(rowOf('v1').getByRole('cell').last()).toHaveText(formatSize(sizeOf(raw as unknown as Parameters<typeof sizeOf>[0])));
    const index = skopeo('--raw', `docker://${host}/e2e/tiny:multi`) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> };
    const amd64 = index.manifests.find((d) => d.platform.architecture === 'amd64')!;
    const amd64Raw = skopeo('--raw', `docker://${host}/e2e/tiny@${amd64.digest}`) as unknown as Parameters<typeof sizeOf>[0];
    await expect(rowOf('multi')).toContainText(index.manifests.filter((d) => d.platform.os !== 'unknown').map((d) => `${d.platform.os}/${d.platform.architecture}`).join(', '));
    await expect(rowOf('multi').getByRole('cell').last()).toHaveText(`${formatSize(sizeOf(amd64Raw))} (linux/amd64)`);
    await expect(rowOf('broken')).toContainText('answered 404');
    await shot(page, '50b-registry-tags');

    // Open, through a relay slow enough (about 250 kB/s) to watch the layer come in: an image of
    // its own (random bytes), as a layer another spec stored already is read from the store.
    const archive = join(mkdtempSync(join(tmpdir(), 'peel-e2e-registry-')), 'fresh.tar');
    writeFileSync(archive, randomFileImage(1_200_000, 'e2e/fresh:1'));
    const fresh = `${host}/e2e/fresh:${Date.now()}`;
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${fresh}`]);
    rmSync(dirname(archive), { recursive: true, force: true });
    const freshRaw = skopeo('--raw', `docker://${fresh}`) as { layers: Array<{ digest: string; size: number }> };
    const freshDigest = (skopeo(`docker://${fresh}`) as { Digest: string }).Digest;
    const relay = await slowRelay(host, 250_000);
    const slowRef = fresh.replace(host, relay.host);
    try {
      await section.getByRole('textbox', { name: 'Reference' }).fill(slowRef);
      await section.getByRole('button', { name: 'Show', exact: true }).click();
      await section.getByLabel(`Manifest of ${slowRef}`).getByRole('button', { name: 'Open' }).click();
      const card = page.getByRole('region', { name: 'Opening from a registry' });
      await expect(card.getByRole('progressbar', { name: `Opening ${slowRef}` })).toBeVisible();
      const layerRows = card.getByRole('list', { name: 'Layers' }).getByRole('listitem');
      await expect(layerRows).toHaveCount(freshRaw.layers.length);
      // Bytes, rate and time left of the layer while it downloads.
      await expect(layerRows.first()).toContainText(/[1-9][\d.]* [kM]B of 1\.\d+ MB · [\d.]+ [kM]B\/s, .* left/, { timeout: 20_000 });
      await shot(page, '50c-registry-open-progress');
      await page.waitForURL(/\/images\/[^/]+\/layers/, { timeout: 60_000 });
    } finally {
      await relay.close();
    }
    const id = imageIdOf(page.url());
    const detail = (await (await request.get(`/api/images/${id}`)).json()) as ImageDetail;
    expect(detail.manifestDigest).toBe(freshDigest);
    expect(detail.layers.map((l) => l.digest)).toEqual(freshRaw.layers.map((l) => l.digest));
    await shot(page, '50d-registry-opened');
  });

  test("a layer's tree is browsable as soon as it is indexed, while the next layer still downloads", async ({ page }) => {
    // Layer 0: a few folders and files; layer 1: random bytes, slow through the relay.
    const first = [
      { path: 'etc', type: 'dir' as const },
      { path: 'etc/os-release', type: 'file' as const, content: Buffer.from('ID=peel-e2e\n') },
      { path: 'etc/hostname', type: 'file' as const, content: Buffer.from('browse\n') },
      { path: 'usr', type: 'dir' as const },
      { path: 'usr/bin', type: 'dir' as const },
      { path: 'usr/bin/hello', type: 'file' as const, content: Buffer.from('#!/bin/sh\necho hi\n') },
    ];
    const layer0 = tar(first);
    const archive = join(mkdtempSync(join(tmpdir(), 'peel-e2e-registry-')), 'layers.tar');
    writeFileSync(archive, layeredImage([first, [{ path: 'data', type: 'dir' }, { path: 'data/random.bin', type: 'file', content: randomBytes(1_500_000) }]], 'e2e/layers:1', 'generated: two layers'));
    const ref = `${host}/e2e/layers:${Date.now()}`;
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${ref}`]);
    rmSync(dirname(archive), { recursive: true, force: true });
    // What GNU tar lists in layer 0: its top folders, and what /etc holds.
    const names = execFileSync('tar', ['-t'], { input: layer0, encoding: 'utf8' }).trim().split('\n').map((n) => n.replace(/\/$/, ''));
    const top = names.filter((n) => !n.includes('/'));
    const inEtc = names.filter((n) => n.startsWith('etc/')).map((n) => n.slice(4));
    const relay = await slowRelay(host, 100_000);
    const slowRef = ref.replace(host, relay.host);
    try {
      await page.goto('/');
      const section = page.getByRole('region', { name: 'Open from a registry' });
      await section.getByRole('textbox', { name: 'Reference' }).fill(slowRef);
      await section.getByRole('button', { name: 'Show', exact: true }).click();
      await section.getByLabel(`Manifest of ${slowRef}`).getByRole('button', { name: 'Open' }).click();
      const card = page.getByRole('region', { name: 'Opening from a registry' });
      const rows = card.getByRole('list', { name: 'Layers' }).getByRole('listitem');
      await expect(rows).toHaveCount(2);
      // Layer 0 is indexed while layer 1 is still coming: Browse shows its tree.
      await card.getByRole('button', { name: 'Browse layer 0' }).click({ timeout: 20_000 });
      await expect(card.getByRole('button', { name: 'Browse layer 1' })).toHaveCount(0);
      await expect(rows.nth(0)).toContainText('done, indexed');
      const tree = card.getByRole('tree', { name: 'Files of layer 0' });
      for (const name of top) await expect(tree.getByRole('treeitem', { name, exact: true })).toBeVisible();
      await expect(tree.getByRole('treeitem')).toHaveCount(top.length);
      await tree.getByRole('treeitem', { name: 'etc', exact: true }).click();
      for (const name of inEtc) await expect(tree.getByRole('treeitem', { name, exact: true })).toBeVisible();
      await expect(tree.getByRole('treeitem')).toHaveCount(top.length + inEtc.length);
      // All that while layer 1 was still downloading, and the open still going on.
      await expect(rows.nth(1)).toHaveAttribute('data-state', 'fetching', { timeout: 1 });
      await expect(rows.nth(1)).toContainText(/kB\/s, .* left/, { timeout: 1 });
      await shot(page, '50g-registry-browse-layer');
      await expectAccessible(page);
      await page.waitForURL(/\/images\/[^/]+\/layers/, { timeout: 60_000 });
    } finally {
      await relay.close();
    }
  });

  test('a tag the registry does not have is said plainly', async ({ page }) => {
    await page.goto('/');
    const section = page.getByRole('region', { name: 'Open from a registry' });
    await section.getByRole('textbox', { name: 'Reference' }).fill(`${host}/e2e/tiny:nope`);
    await section.getByRole('button', { name: 'Show', exact: true }).click();
    await expect(section.getByRole('alert')).toContainText('nope');
    await shot(page, '50e-registry-missing-tag');
  });

  test('a registry that wants a password: refused plainly, then read once signed in for the session', async ({ page }) => {
    const info = JSON.parse(execFileSync('bash', ['scripts/registry.sh', 'start', 'e2e-basic', 'basic'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!) as { host: string; username: string; password: string };
    try {
      const ref = `${info.host}/e2e/private:v1`;
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `${info.username}:${info.password}`, `docker-archive:${fixturePath('tiny-docker-legacy.tar')}`, `docker://${ref}`]);
      await page.goto('/');
      const section = page.getByRole('region', { name: 'Open from a registry' });
      await section.getByRole('textbox', { name: 'Reference' }).fill(ref);
      await section.getByRole('button', { name: 'Show', exact: true }).click();
      await expect(section.getByRole('alert')).toContainText('needs a user name and password');
      await section.getByText('Sign in to a registry').click();
      const login = section.getByRole('form', { name: 'Sign in to a registry' });
      await expect(login.getByRole('textbox', { name: 'Registry' })).toHaveValue(info.host);
      await login.getByRole('textbox', { name: 'User' }).fill(info.username);
      await login.getByLabel('Password or token').fill(info.password);
      await login.getByRole('button', { name: 'Sign in' }).click();
      await expect(section.getByLabel(`Manifest of ${ref}`)).toBeVisible();
      await expect(section.getByRole('list', { name: 'Signed in' })).toContainText(info.host);
      expect(await page.content()).not.toContain(info.password);
      await shot(page, '50f-registry-signed-in');
      await section.getByRole('button', { name: `Forget ${info.host}` }).click();
      await expect(section.getByRole('list', { name: 'Signed in' })).toHaveCount(0);
    } finally {
      execFileSync('bash', ['scripts/registry.sh', 'stop', 'e2e-basic'], { cwd: root });
    }
  });
});
