import { encodePathParam } from '@peel/api';
import type { ImageFacts } from '../gen/facts.js';
import { median, percentile } from '../util/stats.js';

export interface ApiCall {
  name: string;
  url: string;
  /** Not one of the calls the target lists (shown for context). */
  extra?: boolean;
}

export interface ApiStat {
  name: string;
  url: string;
  extra?: boolean;
  p50: number;
  p95: number;
  max: number;
  /** Bytes of one response body. */
  bytes: number;
  /** What the reply held (entries listed, matches found…), as a check that it was the real thing. */
  items: number;
}

/**
 * The calls the issue lists, as the web UI makes them (whole directory, whole changes list),
 * plus the longest changes list (the layer with the most entries) and a glob search.
 */
export function apiCalls(id: string, f: ImageFacts, layerEntries: number[]): ApiCall[] {
  const img = `/api/images/${id}`;
  const most = layerEntries.indexOf(Math.max(...layerEntries));
  return [
    { name: 'merged root listing', url: `${img}/fs?path=/` },
    { name: `directory of ${f.wideDirEntries.toLocaleString('en')} entries`, url: `${img}/fs?path=${encodePathParam(f.wideDir)}` },
    { name: `changes of layer ${f.changesLayer} (most deletions)`, url: `${img}/layers/${f.changesLayer}/changes` },
    { name: `changes of layer ${most} (most entries)`, url: `${img}/layers/${most}/changes`, extra: true },
    { name: `file at the end of the largest layer (${f.largestLayer})`, url: `${img}/content?path=${encodePathParam(f.endFile)}&layer=${f.largestLayer}` },
    { name: 'search (substring, one match)', url: `${img}/search?q=${encodeURIComponent(f.search)}` },
    { name: 'search (glob, first 100)', url: `${img}/search?q=${encodeURIComponent('*.json')}`, extra: true },
  ];
}

/** Sequential requests over one keep-alive connection: `warmup` unmeasured, then `n` measured (full body read). */
export async function measureApi(address: string, calls: ApiCall[], n: number, warmup = 3): Promise<ApiStat[]> {
  const out: ApiStat[] = [];
  for (const call of calls) {
    const url = new URL(call.url, address).href;
    const times: number[] = [];
    let bytes = 0;
    let items = 0;
    for (let i = 0; i < warmup + n; i++) {
      const t0 = performance.now();
      const res = await fetch(url);
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${call.url} answered ${res.status}: ${body.toString('utf8', 0, 300)}`);
      if (i >= warmup) times.push(ms);
      bytes = body.length;
      items = countItems(res.headers.get('content-type'), body);
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
