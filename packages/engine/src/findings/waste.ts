import type { LayerEntry } from '../types.js';
import { ExternalSort } from '../fs/external-sort.js';
import type { Copy, Owner } from './copies.js';
import { Best } from './folders.js';
import type { RemovedCopy, WasteItem, WasteReport } from './types.js';

/** The definition, shown to people next to the numbers. */
export const WASTE_FORMULA =
  'reclaimable = shipped − unique, where shipped = the sum of the sizes of every file copy in every layer, and ' +
  'unique = the sum of the sizes of the distinct file contents (by sha256) in the final filesystem. ' +
  'So every copy that a later layer deleted or overwrote counts once, and a file that survives in n identical copies counts (n − 1) times; ' +
  'the surviving copy never counts. efficiency = unique ÷ shipped.';

/** A copy no path reaches any more, or (survivor) what its path holds now. */
interface RemovedRow {
  path: string;
  /** 0: a removed copy; 1: the path's survivor (after its copies). */
  kind: 0 | 1;
  layer: number;
  seq: number;
  size: number;
  digest: string | null;
  removedIn: number;
  how: 'deleted' | 'overwritten';
  /** A survivor row: whether the path has anything now. */
  present: boolean;
}

/** A copy in the final filesystem with a known content. */
interface ContentRow {
  digest: string;
  layer: number;
  seq: number;
  size: number;
  path: string;
}

export interface WasteOptions {
  maxItems: number;
  /** Where rows are sorted on disk, and how many a run holds (see ExternalSort). */
  tempRoot?: string;
  chunkRows?: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Bytes that ship but need not: copies a later layer deleted or overwrote, and identical
 * contents that survive more than once. Each byte of each copy is counted at most once, so
 * removed + duplicate = shipped − unique exactly (dive counts an overwritten path's surviving
 * copy as waste too, wagoodman/dive#684). Removed copies are grouped by path and surviving
 * contents by digest through sorts on disk: memory follows the items kept, not the copies.
 */
export class WasteTally {
  private shipped = 0;
  private unique = 0;
  private readonly removedRows: ExternalSort<RemovedRow>;
  private readonly contentRows: ExternalSort<ContentRow>;

  constructor(private readonly o: WasteOptions) {
    const sort = { tempRoot: o.tempRoot, chunkRows: o.chunkRows };
    this.removedRows = new ExternalSort<RemovedRow>({
      ...sort,
      compare: (a, b) => cmp(a.path, b.path) || a.kind - b.kind || a.layer - b.layer || a.seq - b.seq,
      encode: (r) => [r.path, r.kind, r.layer, r.seq, r.size, r.digest, r.removedIn, r.how, r.present],
      decode: (v) => ({ path: v[0] as string, kind: v[1] as 0 | 1, layer: v[2] as number, seq: v[3] as number, size: v[4] as number, digest: v[5] as string | null, removedIn: v[6] as number, how: v[7] as 'deleted' | 'overwritten', present: v[8] as boolean }),
    });
    this.contentRows = new ExternalSort<ContentRow>({
      ...sort,
      compare: (a, b) => cmp(a.digest, b.digest) || a.layer - b.layer || a.seq - b.seq,
      encode: (r) => [r.digest, r.layer, r.seq, r.size, r.path],
      decode: (v) => ({ digest: v[0] as string, layer: v[1] as number, seq: v[2] as number, size: v[3] as number, path: v[4] as string }),
    });
  }

  wrote(entry: LayerEntry): void {
    this.shipped += entry.size;
  }

  reachable(copy: Copy, owner: Owner): void {
    const digest = copy.entry.digest;
    // Without a digest a copy is its own content.
    if (digest === null) this.unique += copy.entry.size;
    else this.contentRows.add({ digest, layer: copy.layer, seq: copy.seq, size: copy.entry.size, path: owner.path });
  }

  ended(copy: Copy): void {
    const { entry } = copy;
    this.removedRows.add({ path: entry.path, kind: 0, layer: copy.layer, seq: copy.seq, size: entry.size, digest: entry.digest, removedIn: copy.removedIn ?? copy.endedIn!, how: copy.how ?? 'deleted', present: false });
  }

  survivor(path: string, node: { layer: number; size: number } | null): void {
    this.removedRows.add({ path, kind: 1, layer: node?.layer ?? -1, seq: 0, size: node?.size ?? 0, digest: null, removedIn: -1, how: 'deleted', present: node !== null });
  }

  async report(): Promise<WasteReport> {
    const items = new Best<WasteItem>(this.o.maxItems, (a, b) => b.bytes - a.bytes || itemKey(a).localeCompare(itemKey(b)));
    let itemCount = 0;
    let removed = 0;
    let group = null as { path: string; copies: RemovedCopy[]; bytes: number; survivor: { layer: number; size: number } | null } | null;
    const closeGroup = () => {
      if (!group) return;
      removed += group.bytes;
      if (group.copies.length && group.bytes > 0) {
        itemCount++;
        items.push({ kind: 'removed', path: group.path, bytes: group.bytes, copies: group.copies, survivor: group.survivor });
      }
      group = null;
    };
    for await (const batch of this.removedRows.sorted()) {
      for (const r of batch) {
        if (group?.path !== r.path) {
          closeGroup();
          group = { path: r.path, copies: [], bytes: 0, survivor: null };
        }
        if (r.kind === 1) {
          group!.survivor = r.present ? { layer: r.layer, size: r.size } : null;
          continue;
        }
        group!.copies.push({ layer: r.layer, size: r.size, digest: r.digest, removedIn: r.removedIn, how: r.how });
        group!.bytes += r.size;
      }
    }
    closeGroup();

    let duplicate = 0;
    let same = null as { digest: string; size: number; copies: Array<{ path: string; layer: number }> } | null;
    const closeSame = () => {
      if (!same) return;
      if (same.copies.length >= 2 && same.size > 0) {
        const bytes = (same.copies.length - 1) * same.size;
        duplicate += bytes;
        itemCount++;
        items.push({ kind: 'duplicate', digest: same.digest, size: same.size, bytes, copies: same.copies });
      }
      same = null;
    };
    for await (const batch of this.contentRows.sorted()) {
      for (const r of batch) {
        if (same?.digest !== r.digest) {
          closeSame();
          same = { digest: r.digest, size: r.size, copies: [] };
          this.unique += r.size;
        }
        // Copies of an empty content are never waste: not listed.
        if (same!.size > 0) same!.copies.push({ path: r.path, layer: r.layer });
      }
    }
    closeSame();

    const { shipped, unique } = this;
    return {
      bytes: shipped - unique,
      shipped,
      unique,
      removed,
      duplicate,
      efficiency: shipped === 0 ? 1 : unique / shipped,
      formula: WASTE_FORMULA,
      items: items.result(),
      itemCount,
    };
  }

  dispose(): void {
    this.removedRows.dispose();
    this.contentRows.dispose();
  }
}

const itemKey = (i: WasteItem): string => (i.kind === 'removed' ? i.path : i.digest);
