import { encodePathParam, PAGE_DEFAULT_LIMIT, type DraftState } from '@peel/api';
import { measureApi, type ApiStat } from './api.js';

/** A draft that moves a big folder: what the move and the draft's reads cost afterwards. */
export interface DraftMoveResult {
  from: string;
  to: string;
  /** Bytes of file content the move carried (the draft's one change for the folder). */
  bytes: number;
  /** The rename op (one request, answered with the whole draft state), then clearing the draft. */
  renameMs: number;
  clearMs: number;
  reads: ApiStat[];
}

/**
 * Moves the folder that holds the image's widest folder (an edit that once cost a copy of every
 * entry below it on every draft request), measures the draft's reads, then clears the draft.
 * No warm-up: the first read of a folder the draft changed builds its rows (then kept for its
 * next pages), and `max` shows what that first read cost.
 */
export async function measureDraftMove(address: string, id: string, wideDir: string, n: number): Promise<DraftMoveResult> {
  const from = wideDir.slice(0, wideDir.lastIndexOf('/')) || wideDir;
  const to = `/moved-by-bench${from}`;
  const img = `/api/images/${id}`;
  const call = async (method: string, url: string, body?: unknown): Promise<{ ms: number; state: DraftState }> => {
    const t0 = performance.now();
    const res = await fetch(new URL(url, address), { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
    return { ms, state: JSON.parse(text) as DraftState };
  };
  const moved = await call('POST', `${img}/draft/ops`, { op: 'rename', from, to });
  const change = moved.state.changes.find((c) => c.path === to);
  if (!change?.tree) throw new Error(`the draft did not record ${to} as a moved folder: ${JSON.stringify(moved.state.changes).slice(0, 300)}`);
  const wideMoved = `${to}${wideDir.slice(from.length)}`;
  const page = `paged=1&limit=${PAGE_DEFAULT_LIMIT}`;
  const reads = await measureApi(address, [
    { name: 'draft state (ops, changes, sizes)', url: `${img}/draft` },
    { name: 'the moved folder, first page', url: `${img}/fs?path=${encodePathParam(to)}&draft=1&${page}` },
    { name: 'the widest folder where it went, first page', url: `${img}/fs?path=${encodePathParam(wideMoved)}&draft=1&${page}` },
    { name: 'the root, first page', url: `${img}/fs?path=/&draft=1&${page}`, extra: true },
  ], n, 0);
  const cleared = await call('DELETE', `${img}/draft`);
  if (!cleared.state.empty) throw new Error('the draft was not cleared');
  return { from, to, bytes: change.sizeDelta, renameMs: moved.ms, clearMs: cleared.ms, reads };
}
