import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { ImagePackage, PackagesPage } from '@peel/api';
import { getPackagesNamed, getPackagesProgress, loadPackagesRows, packagesQueryOptions, type PackagesFilter } from './get-packages.js';

/** A server of `count` packages named p00000…, answering `?paged=1` pages the way the contract says; it records each URL. */
function serve(count: number) {
  const urls: string[] = [];
  const all: ImagePackage[] = Array.from({ length: count }, (_, i) => ({
    ecosystem: 'deb',
    name: `p${String(i).padStart(5, '0')}`,
    version: '1',
    arch: 'amd64',
    layer: 0,
    upgrades: [],
    removedIn: null,
    size: i,
    installedSize: null,
    files: 1,
    source: null,
    license: null,
    database: '/var/lib/dpkg/status',
  }));
  vi.stubGlobal('fetch', async (input: string) => {
    urls.push(input);
    const url = new URL(input, 'http://peel');
    const q = url.searchParams.get('q') ?? '';
    const items = all.filter((p) => p.name.includes(q));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit'));
    const end = Math.min(items.length, start + limit);
    const page: PackagesPage = {
      items: items.slice(start, end),
      total: items.length,
      next: end < items.length ? String(end) : null,
      layers: [{ layer: 0, installed: count, upgraded: 0, removed: 0, bytes: 0 }],
      unowned: { files: 0, bytes: 0, folders: [] },
      warnings: [],
    };
    return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return urls;
}

afterEach(() => vi.unstubAllGlobals());

const filter: PackagesFilter = { q: '', layer: 2, ecosystems: ['rpm', 'deb'], sort: 'size' };

describe('the packages list, page by page', () => {
  it('asks for the filtered first page as the contract spells it', async () => {
    const urls = serve(10);
    const client = new QueryClient();
    const list = await client.fetchQuery(packagesQueryOptions('img1', filter));
    expect(urls).toEqual(['/api/images/img1/packages?paged=1&layer=2&ecosystem=deb%2Crpm&sort=size&limit=500']);
    expect(list.items).toHaveLength(10);
  });

  it('grows the cached list by the next pages as rows come into view, following the cursor', async () => {
    const urls = serve(1800);
    const client = new QueryClient();
    const options = packagesQueryOptions('img1', filter);
    await client.fetchQuery(options);
    await loadPackagesRows(client, 'img1', filter, 1500);
    const list = client.getQueryData<PackagesPage>(options.queryKey);
    expect(list?.items.map((p) => p.name).slice(498, 502)).toEqual(['p00498', 'p00499', 'p00500', 'p00501']);
    expect(list?.items).toHaveLength(1500);
    expect(list?.next).toBe('1500');
    expect(urls.slice(1)).toEqual(['/api/images/img1/packages?paged=1&layer=2&ecosystem=deb%2Crpm&sort=size&limit=1000&cursor=500']);
    // The list is whole: nothing more is asked for.
    await loadPackagesRows(client, 'img1', filter, 1800);
    await loadPackagesRows(client, 'img1', filter, 5000);
    expect(client.getQueryData<PackagesPage>(options.queryKey)?.items).toHaveLength(1800);
    expect(urls).toHaveLength(3);
  });

  it('finds a deep-linked package by searching its name', async () => {
    const urls = serve(30);
    const found = await getPackagesNamed('img1', 'p00012');
    expect(found.items.map((p) => p.name)).toEqual(['p00012']);
    expect(urls).toEqual(['/api/images/img1/packages?paged=1&q=p00012&limit=5000']);
  });
});

describe('whether the inventory is ready', () => {
  const answer = (status: number, body: unknown) => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (input: string) => {
      urls.push(input);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    });
    return urls;
  };

  it('asks with wait=0 for one package, and gives the progress of a 202', async () => {
    const urls = answer(202, { state: 'computing', layer: 2, layers: 5 });
    expect(await getPackagesProgress('img1')).toEqual({ state: 'computing', layer: 2, layers: 5 });
    expect(urls).toEqual(['/api/images/img1/packages?paged=1&limit=1&wait=0']);
  });

  it('gives null once the server answers 200, and throws the error of a failure', async () => {
    answer(200, { items: [], total: 0, next: null, layers: [], unowned: { files: 0, bytes: 0, folders: [] }, warnings: [] });
    expect(await getPackagesProgress('img1')).toBeNull();
    answer(404, { error: { code: 'NOT_FOUND', message: 'no image "img1"' } });
    await expect(getPackagesProgress('img1')).rejects.toThrow('no image "img1"');
  });
});
