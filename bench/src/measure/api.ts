import { encodePathParam, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from '@peel/api';
import type { ImageFacts } from '../gen/facts.js';
import { median, percentile } from '../util/stats.js';

export interface ApiCall {
  name: string;
  url: string;
  /** Not one of the calls the issue's target lists (shown for context). */
  extra?: boolean;
  /** A paged listing read to its end: one timing is every page, each following the last one's `next`. */
  allPages?: boolean;
  /** The page after this many hits, asked for by the cursor a page ending there gave (fetched before timing). */
  cursorAt?: number;
}

export interface ApiStat {
  name: string;
  url: string;
  extra?: boolean;
  p50: number;
  p95: number;
  max: number;
  /** Bytes of one response body (every page's, for a call read through all its pages). */
  bytes: number;
  /** What the reply held (entries listed, matches found…), as a check that it was the real thing. */
  items: number;
}

/** What the web UI asks for when a folder opens or a changes list shows: the first page (apps/web FIRST_PAGE). */
const FIRST_PAGE = `paged=1&limit=${PAGE_DEFAULT_LIMIT}`;
/** The page the Files tab asks for as its search results scroll (apps/web SEARCH_PAGE). */
const SEARCH_PAGE = 500;
/** How deep into a search's hits the deep pages are. */
const DEEP = 10_000;

/**
 * The calls the issue lists, as the web UI makes them (the first page of a folder or of a
 * changes list; further pages come as rows scroll into view), plus for context: the longest
 * changes list (the layer with the most entries), the wide directory read whole through every
 * page and in one unpaged reply (what the UI asked for before paging), and a glob search.
 */
export function apiCalls(id: string, f: ImageFacts, layerEntries: number[]): ApiCall[] {
  const img = `/api/images/${id}`;
  const most = layerEntries.indexOf(Math.max(...layerEntries));
  const wide = `${img}/fs?path=${encodePathParam(f.wideDir)}`;
  const entries = f.wideDirEntries.toLocaleString('en');
  const wideName = f.wideDir.slice(f.wideDir.lastIndexOf('/') + 1);
  const [endFolder, endName] = f.endFile.split('/').slice(-2);
  const topFolder = f.editPath.replace(/^\//, '').split('/')[0];
  // The one-match search less its last character: ten times the hits, spread through the image.
  const sparse = encodeURIComponent(f.search.slice(0, -1));
  return [
    { name: 'merged root listing (first page)', url: `${img}/fs?path=/&${FIRST_PAGE}` },
    { name: `directory of ${entries} entries (first page)`, url: `${wide}&${FIRST_PAGE}` },
    { name: `directory of ${entries} entries, every page of ${PAGE_MAX_LIMIT}`, url: `${wide}&paged=1&limit=${PAGE_MAX_LIMIT}`, allPages: true, extra: true },
    { name: `directory of ${entries} entries, unpaged`, url: wide, extra: true },
    { name: `changes of layer ${f.changesLayer} (most deletions, first page)`, url: `${img}/layers/${f.changesLayer}/changes?${FIRST_PAGE}` },
    { name: `changes of layer ${most} (most entries, first page)`, url: `${img}/layers/${most}/changes?${FIRST_PAGE}`, extra: true },
    { name: `changes of layer ${most} (most entries), unpaged`, url: `${img}/layers/${most}/changes`, extra: true },
    { name: `file at the end of the largest layer (${f.largestLayer})`, url: `${img}/content?path=${encodePathParam(f.endFile)}&layer=${f.largestLayer}` },
    { name: 'search (substring, one match)', url: `${img}/search?q=${encodeURIComponent(f.search)}` },
    { name: 'search (glob, first 100)', url: `${img}/search?q=${encodeURIComponent('*.json')}`, extra: true },
    // Where a pattern can lie besides a name: a folder's part of the path, across the last '/'.
    { name: 'search (a folder\'s part of the path)', url: `${img}/search?q=${encodeURIComponent(`${wideName}/`)}`, extra: true },
    // The top folder of the edited file: every folder below it holds the pattern in its part.
    { name: `search (a folder part every folder below /${topFolder} holds)`, url: `${img}/search?q=${encodeURIComponent(`${topFolder}/`)}`, extra: true },
    { name: 'search (across the last /)', url: `${img}/search?q=${encodeURIComponent(`${endFolder}/${endName.slice(0, 3)}`)}`, extra: true },
    { name: 'search (glob on the name)', url: `${img}/search?q=${encodeURIComponent(`${f.search}*`)}`, extra: true },
    // As the Files tab scrolls down a long list of sparse matches: its pages follow cursors.
    { name: `search (${sparse}), the page of ${SEARCH_PAGE} after ${DEEP.toLocaleString('en')} hits by offset`, url: `${img}/search?q=${sparse}&limit=${SEARCH_PAGE}&offset=${DEEP}`, extra: true },
    { name: `search (${sparse}), the same page by cursor`, url: `${img}/search?q=${sparse}&limit=${SEARCH_PAGE}`, cursorAt: DEEP, extra: true },
  ];
}

/** Sequential requests over one keep-alive connection: `warmup` unmeasured, then `n` measured (full body read). */
export async function measureApi(address: string, calls: ApiCall[], n: number, warmup = 3): Promise<ApiStat[]> {
  const out: ApiStat[] = [];
  for (const call of calls) {
    let url = new URL(call.url, address).href;
    if (call.cursorAt !== undefined) {
      // The page of one hit ending where the deep page starts gives that page's cursor.
      const before = new URL(url);
      before.searchParams.set('limit', '1');
      before.searchParams.set('offset', String(call.cursorAt - 1));
      const { next } = (await (await fetch(before)).json()) as { next: string | null };
      url = next === null ? `${url}&offset=${call.cursorAt}` : `${url}&cursor=${next}`;
    }
    const times: number[] = [];
    let bytes = 0;
    let items = 0;
    for (let i = 0; i < warmup + n; i++) {
      const t0 = performance.now();
      let next: string | null = null;
      bytes = 0;
      items = 0;
      do {
        const res: Response = await fetch(next === null ? url : `${url}&cursor=${next}`);
        const body: Buffer = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`${call.url} answered ${res.status}: ${body.toString('utf8', 0, 300)}`);
        bytes += body.length;
        items += countItems(res.headers.get('content-type'), body);
        next = call.allPages ? (JSON.parse(body.toString('utf8')) as { next: string | null }).next : null;
      } while (next !== null);
      const ms = performance.now() - t0;
      if (i >= warmup) times.push(ms);
    }
    out.push({ name: call.name, url: call.url, extra: call.extra, p50: median(times), p95: percentile(times, 95), max: Math.max(...times), bytes, items });
  }
  return out;
}

function countItems(type: string | null, body: Buffer): number {
  if (!type?.includes('json')) return 1;
  const v = JSON.parse(body.toString('utf8')) as unknown;
  if (Array.isArray(v)) return v.length;
  const items = (v as { items?: unknown[] }).items;
  return Array.isArray(items) ? items.length : 1;
}
