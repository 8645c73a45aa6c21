import type { LayerEntry } from '../types.js';
import type { ContentRef } from '../fs/merge.js';
import { isBelow } from '../fs/path-order.js';
import { SortedRuns } from '../fs/sorted-runs.js';
import { StreamMerge } from '../fs/stream-merge.js';

/** One layer's entries for the analysis, in tar order; read again each time it is asked. */
export interface FindingsLayer {
  entries(): AsyncIterable<readonly LayerEntry[]>;
}

/** Layers held in arrays (what an archive opened whole has) as the analysis reads layers. */
export function layersFromArrays(layers: ReadonlyArray<readonly LayerEntry[]>): FindingsLayer[] {
  return layers.map((entries) => ({
    async *entries() {
      yield entries;
    },
  }));
}

/** One file's bytes as one layer wrote them: entry `seq` (tar order) of `layer`. */
export interface Copy {
  entry: LayerEntry;
  layer: number;
  seq: number;
  /** The layer where no path reached these bytes any more; null while the final filesystem still has them. */
  endedIn: number | null;
  /** How the copy's own path lost it, and where; null when the path still holds this copy. */
  removedIn: number | null;
  how: 'deleted' | 'overwritten' | null;
}

/** The final-filesystem node that carries a copy's bytes: the file itself, or a hard link to it. */
export interface Owner {
  path: string;
  layer: number;
}

/** What the tracing tells, each copy exactly once. */
export interface CopySink {
  /** Every file entry of every layer, in layer and tar order, before its fate is known. */
  wrote(entry: LayerEntry, layer: number, seq: number): void;
  /** A copy whose bytes are in the final filesystem. */
  reachable(copy: Copy, owner: Owner): void;
  /** A copy whose bytes no path reaches any more (`endedIn` set). */
  ended(copy: Copy): void;
  /**
   * What the final filesystem has at `path`, told for every path one of whose copies ended or
   * was removed (right after its copies; folders after what they hold); `node` null when nothing.
   */
  survivor(path: string, node: { layer: number; size: number } | null): void;
}

export interface TraceOptions {
  /** Where sorted runs are written (the system's temp folder by default). */
  tempRoot?: string;
  /** Records per sorted run (smaller only in tests). */
  chunkRecords?: number;
}

const key = (layer: number, seq: number): string => `${layer}/${seq}`;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every file copy of every layer and its fate in the final filesystem, out of core: each layer's
 * entries are sorted by path into runs on disk, and the engine's streaming merge replays the
 * layers path by path; the copies a path held are decided when the merge passes it. Hard links
 * keep bytes alive: a copy whose path was deleted still ends only when the last link to it goes,
 * so copies at paths a hard link names wait until the merge has passed every link (memory
 * follows the number of hard links). Memory otherwise follows the depth of the tree and the
 * number of layers, plus a bit per entry.
 */
export async function traceCopies(layers: readonly FindingsLayer[], sink: CopySink, o: TraceOptions = {}): Promise<void> {
  const runs: SortedRuns[] = [];
  const files: number[] = [];
  const counts: number[] = [];
  try {
    for (let layer = 0; layer < layers.length; layer++) {
      const r = new SortedRuns({ chunkRecords: o.chunkRecords, tempRoot: o.tempRoot });
      runs.push(r);
      let seq = 0;
      let fileCount = 0;
      for await (const batch of layers[layer].entries()) {
        for (const e of batch) {
          r.add(e);
          if (e.type === 'file') {
            sink.wrote(e, layer, seq);
            fileCount++;
          }
          seq++;
        }
      }
      r.finish();
      files.push(fileCount);
      counts.push(seq);
      await turn();
    }
    await new Tracer(layers, runs, files, counts, sink).run();
  } finally {
    for (const r of runs) r.dispose();
  }
}

class Tracer {
  private readonly linkTargets = new Set<string>();
  /** Per layer, a bit per entry: the merge told this copy's fate. */
  private readonly told: Uint8Array[];
  private readonly toldFiles: number[];
  /** Copies at paths a hard link names, whose own file is in the final filesystem. */
  private readonly selfOwned = new Set<string>();
  /** Copies held by hard links of the final filesystem: the first link in path order. */
  private readonly linkOwners = new Map<string, { owner: Owner; content: ContentRef; seq: number }>();
  /** Removed copies at paths a hard link names: they end when the last link to them goes. */
  private readonly waiting = new Map<string, Copy>();
  /** The latest layer that removed a hard link to a copy. */
  private readonly linkEnds = new Map<string, number>();
  /** Paths whose copies were told as removed, awaiting their final node (a chain of folders). */
  private readonly open: Array<{ path: string; node: { layer: number; size: number } | null }> = [];

  constructor(
    private readonly layers: readonly FindingsLayer[],
    private readonly runs: readonly SortedRuns[],
    private readonly files: readonly number[],
    private readonly counts: readonly number[],
    private readonly sink: CopySink,
  ) {
    for (const r of runs) for (const t of r.linkTargets) this.linkTargets.add(t);
    this.told = counts.map((n) => new Uint8Array((n + 7) >> 3));
    this.toldFiles = counts.map(() => 0);
  }

  async run(): Promise<void> {
    const merge = new StreamMerge(this.runs.map((r, i) => ({ records: () => r.records(), entryCount: this.counts[i], linkTargets: r.linkTargets })));
    for await (const batch of merge.items()) {
      for (const item of batch) {
        if (item.kind === 'change') continue;
        this.closeBefore(item.node.path);
        if (item.kind === 'node') {
          const n = item.node;
          this.finalNode(n.path, n.layer, n.entry, n.content);
        } else {
          const s = item.node;
          this.shadowed(s.path, s.layer, s.seq ?? -1, s.entry, s.content, s.deletedBy ?? s.overwrittenBy, s.deletedBy !== null ? 'deleted' : 'overwritten');
        }
      }
      await turn();
    }
    this.closeBefore(null);
    this.afterMerge();
    await this.untold();
  }

  private mark(layer: number, seq: number): void {
    const bits = this.told[layer];
    const bit = 1 << (seq & 7);
    if (bits[seq >> 3] & bit) return;
    bits[seq >> 3] |= bit;
    this.toldFiles[layer]++;
  }

  /** Paths the merge has left behind (it has moved to `path`, not below them) get their survivor. */
  private closeBefore(path: string | null): void {
    const open = this.open;
    while (open.length) {
      const top = open[open.length - 1];
      if (path !== null && (path === top.path || isBelow(top.path, path))) return;
      open.pop();
      this.sink.survivor(top.path, top.node);
    }
  }

  private finalNode(path: string, layer: number, entry: LayerEntry, content: ContentRef | null): void {
    const top = this.open[this.open.length - 1];
    if (top?.path === path) top.node = { layer, size: content ? content.entry.size : 0 };
    if (!content) return;
    const seq = content.seq ?? -1;
    if (entry.type === 'file') {
      this.mark(content.layer, seq);
      if (this.linkTargets.has(path)) this.selfOwned.add(key(content.layer, seq));
      this.sink.reachable({ entry: content.entry, layer: content.layer, seq, endedIn: null, removedIn: null, how: null }, { path, layer });
      return;
    }
    const k = key(content.layer, seq);
    if (!this.linkOwners.has(k)) this.linkOwners.set(k, { owner: { path, layer }, content, seq });
  }

  private shadowed(path: string, layer: number, seq: number, entry: LayerEntry, content: ContentRef | null, removedIn: number | null, how: 'deleted' | 'overwritten'): void {
    if (removedIn === null) return;
    if (entry.type === 'hardlink' && content) {
      const k = key(content.layer, content.seq ?? -1);
      this.linkEnds.set(k, Math.max(this.linkEnds.get(k) ?? -1, removedIn));
      return;
    }
    if (entry.type !== 'file') return;
    this.mark(layer, seq);
    const copy: Copy = { entry, layer, seq, endedIn: null, removedIn, how };
    if (this.open[this.open.length - 1]?.path !== path) this.open.push({ path, node: null });
    if (this.linkTargets.has(path)) this.waiting.set(key(layer, seq), copy);
    else this.sink.ended({ ...copy, endedIn: removedIn });
  }

  /** Every link has been seen: copies only hard links hold are reachable, the rest of the waiting end. */
  private afterMerge(): void {
    for (const [k, { owner, content, seq }] of this.linkOwners) {
      if (this.selfOwned.has(k)) continue;
      const own = this.waiting.get(k);
      this.waiting.delete(k);
      this.mark(content.layer, seq);
      this.sink.reachable({ entry: content.entry, layer: content.layer, seq, endedIn: null, removedIn: own?.removedIn ?? null, how: own?.how ?? null }, owner);
    }
    for (const [k, copy] of this.waiting) {
      this.sink.ended({ ...copy, endedIn: Math.max(copy.removedIn ?? copy.layer, this.linkEnds.get(k) ?? -1) });
    }
  }

  /** File entries the merge told nothing of (none are known to exist): ended in their own layer. */
  private async untold(): Promise<void> {
    for (let layer = 0; layer < this.layers.length; layer++) {
      if (this.toldFiles[layer] >= this.files[layer]) continue;
      let seq = 0;
      for await (const batch of this.layers[layer].entries()) {
        for (const e of batch) {
          if (e.type === 'file' && !(this.told[layer][seq >> 3] & (1 << (seq & 7)))) {
            this.sink.ended({ entry: e, layer, seq, endedIn: layer, removedIn: null, how: null });
          }
          seq++;
        }
      }
    }
  }
}
