import type { MergedFs } from '../fs/merge.js';
import type { Copy, CopyLedger } from './copies.js';
import type { RemovedCopy, WasteItem, WasteReport } from './types.js';

/** The definition, shown to people next to the numbers. */
export const WASTE_FORMULA =
  'reclaimable = shipped − unique, where shipped = the sum of the sizes of every file copy in every layer, and ' +
  'unique = the sum of the sizes of the distinct file contents (by sha256) in the final filesystem. ' +
  'So every copy that a later layer deleted or overwrote counts once, and a file that survives in n identical copies counts (n − 1) times; ' +
  'the surviving copy never counts. efficiency = unique ÷ shipped.';

/**
 * Bytes that ship but need not: copies a later layer deleted or overwrote, and identical
 * contents that survive more than once. Each byte of each copy is counted at most once, so
 * removed + duplicate = shipped − unique exactly (dive counts an overwritten path's surviving
 * copy as waste too, wagoodman/dive#684).
 */
export function measureWaste(ledger: CopyLedger, fs: MergedFs, maxItems: number): WasteReport {
  let shipped = 0;
  const removedByPath = new Map<string, Copy[]>();
  const byDigest = new Map<string, Copy[]>();
  let unique = 0;
  for (const c of ledger.copies) {
    shipped += c.entry.size;
    if (c.owner === null) {
      let list = removedByPath.get(c.entry.path);
      if (!list) removedByPath.set(c.entry.path, (list = []));
      list.push(c);
      continue;
    }
    const key = c.entry.digest ?? `copy:${c.layer}:${c.entry.path}`;
    const same = byDigest.get(key);
    if (same) same.push(c);
    else {
      byDigest.set(key, [c]);
      unique += c.entry.size;
    }
  }

  const items: WasteItem[] = [];
  let removed = 0;
  for (const [path, copies] of removedByPath) {
    const list: RemovedCopy[] = copies.map((c) => ({ layer: c.layer, size: c.entry.size, digest: c.entry.digest, removedIn: c.removedIn ?? c.endedIn!, how: c.how ?? 'deleted' }));
    const bytes = list.reduce((s, c) => s + c.size, 0);
    removed += bytes;
    if (bytes === 0) continue;
    const now = fs.get(path);
    const survivor = now ? { layer: now.layer, size: now.content?.entry.size ?? 0 } : null;
    items.push({ kind: 'removed', path, bytes, copies: list, survivor });
  }
  let duplicate = 0;
  for (const [digest, copies] of byDigest) {
    const size = copies[0].entry.size;
    if (copies.length < 2 || size === 0) continue;
    const bytes = (copies.length - 1) * size;
    duplicate += bytes;
    items.push({ kind: 'duplicate', digest, size, bytes, copies: copies.map((c) => ({ path: c.owner!.path, layer: c.layer })) });
  }
  items.sort((a, b) => b.bytes - a.bytes || itemKey(a).localeCompare(itemKey(b)));
  return {
    bytes: shipped - unique,
    shipped,
    unique,
    removed,
    duplicate,
    efficiency: shipped === 0 ? 1 : unique / shipped,
    formula: WASTE_FORMULA,
    items: items.slice(0, maxItems),
    itemCount: items.length,
  };
}

const itemKey = (i: WasteItem): string => (i.kind === 'removed' ? i.path : i.digest);
