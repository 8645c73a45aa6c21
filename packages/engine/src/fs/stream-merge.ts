import { EngineError } from '../errors.js';
import type { LayerEntry, LayerScan, Problem } from '../types.js';
import { duplicatePathMessage } from '../layer/indexer.js';
import { deletedChange, dirUpdateChange, writtenChange, type LayerChange } from './changes.js';
import { MAX_EXTRA_IMPLICIT_DIRS, MAX_PROBLEMS_PER_CODE, entryNode, impliedNode, mergeProblems, notListedMessage, type ContentRef, type FsNode, type ShadowedNode } from './merge.js';
import { comparePaths, isBelow } from './path-order.js';
import { RecordCursor, sortedRecords, type EntryRecord, type LayerRecord } from './sorted-runs.js';

/** One layer as the streaming merge reads it. */
export interface MergeLayerSource {
  /** The layer's records in path order, then tar order (SortedRuns.records); read twice when the image has hard links. */
  records(): AsyncIterable<LayerRecord[]>;
  /** Entries in the layer (whiteouts and markers included): the implicit-folder limit counts them. */
  entryCount: number;
  /** Paths the layer's hard links point at. */
  linkTargets: Iterable<string>;
  /** Report paths the layer has more than once (DUPLICATE_PATH), when its indexer did not (sorted runs). */
  reportDuplicates?: boolean;
}

/** A layer's scan as a merge source: its runs, or its entries sorted in memory when it kept them in an array. */
export function mergeSourceOf(scan: Pick<LayerScan, 'entries' | 'runs' | 'entryCount'>): MergeLayerSource {
  const runs = scan.runs;
  if (runs) return { entryCount: scan.entryCount, linkTargets: runs.linkTargets, records: () => runs.records(), reportDuplicates: true };
  const entries = scan.entries;
  return {
    entryCount: entries.length,
    linkTargets: entries.flatMap((e) => (e.type === 'hardlink' && e.linkTarget !== null ? [e.linkTarget] : [])),
    records: async function* () {
      yield sortedRecords(entries);
    },
  };
}

/** What the streaming merge yields, in batches. */
export type MergeItem =
  /** A node of the merged filesystem; a folder comes after everything below it, with its totals. */
  | { kind: 'node'; node: FsNode; childCount: number; bytesBelow: number | null }
  /** A change `layer` made (per path and layer, as MergedFs.changes(layer) lists it). */
  | { kind: 'change'; layer: number; change: LayerChange }
  /** Something a layer deleted or overwrote. */
  | { kind: 'shadowed'; node: ShadowedNode };

/**
 * The merged filesystem of a stack of layers, computed in one pass over each layer's records in
 * path order (comparePaths), with the same semantics as MergedFs (see there), so memory follows the
 * depth of the tree and the number of layers, not the number of entries. Per path it replays what
 * MergedFs does to that path layer by layer, on a clock of (layer, phase, tar position): phase 0
 * is a layer's whiteouts and opaque markers, phase 1 its other entries in tar order. A path learns
 * from its parent's frame when the parent died (taking the subtree with it) and when the parent's
 * opaque markers hid lower children; from its below-records when the layer wrote beneath it (which
 * makes it a folder). Hard links need the state of another path at a point in time: when the
 * layers have any, a first pass records the history of every link target (memory follows the
 * number of hard links), and the second pass resolves links against it.
 *
 * Differences from MergedFs: items come in path order (a layer's changes too); problems are the
 * same, in the same order, once `items()` has been read to its end.
 */
export class StreamMerge {
  readonly problems: Problem[] = [];
  /** Nodes in the merged filesystem, once `items()` has been read to its end. */
  nodeCount = 0;

  constructor(private readonly layers: readonly MergeLayerSource[]) {}

  async *items(): AsyncGenerator<MergeItem[]> {
    const targets = new Set<string>();
    for (const l of this.layers) for (const t of l.linkTargets) targets.add(t);
    let history: LinkHistory | null = null;
    if (targets.size) {
      const first = new MergePass(this.layers, { targets, history: null });
      for await (const batch of first.run()) void batch;
      history = new LinkHistory(first.versions);
    }
    const pass = new MergePass(this.layers, { targets: null, history });
    yield* pass.run();
    this.problems.push(...pass.problemList());
    this.nodeCount = pass.nodeCount;
  }
}

/** A node with the time it was made (see `at`). */
interface Version {
  node: FsNode;
  birth: number;
}

interface Lived extends Version {
  death: number;
}

/**
 * A point on the merge's clock: layer, phase (0 whiteouts, 1 entries), tar position, then a step
 * within one entry's application (0: folders made for it, 1: its hard-link lookup, 2: the entry).
 */
function at(layer: number, phase: 0 | 1, seq: number, step: 0 | 1 | 2): number {
  return ((layer * 2 + phase) * 2 ** 31 + seq) * 4 + step;
}

const NONE = Number.POSITIVE_INFINITY;

/** What a folder's children need to know of it, per layer. */
class Frame {
  readonly depth: number;
  /** When the node that came into the layer died in its phase 0 (NONE: it lived, or was none). */
  readonly death0: number[];
  /** Its first opaque marker in the layer (phase 0: hides the children lower layers gave it). */
  readonly opaque: number[];
  /** When, in the layer's phase 1, the folder was removed (taking its subtree). */
  readonly deaths1: Array<number[] | null>;
  childCount = 0;
  bytes = 0;
  final: FsNode | null = null;

  constructor(readonly path: string, layers: number) {
    this.depth = path === '' ? 0 : countSlashes(path) + 1;
    this.death0 = new Array<number>(layers).fill(NONE);
    this.opaque = new Array<number>(layers).fill(NONE);
    this.deaths1 = new Array<number[] | null>(layers).fill(null);
  }
}

/** Every version each hard-link target path had, to answer "what was at this path then". */
class LinkHistory {
  private readonly contents = new Map<Lived, ContentRef | null>();

  constructor(private readonly versions: Map<string, Lived[]>) {}

  /** The version alive at `path` at time `t`. */
  find(path: string, t: number): Lived | undefined {
    const list = this.versions.get(path);
    if (!list) return undefined;
    for (const v of list) if (v.birth < t && t < v.death) return v;
    return undefined;
  }

  /** A version's bytes: its own for a file, its target's (then) for a hard link, none otherwise. */
  content(v: Lived): ContentRef | null {
    if (v.node.entry.type === 'file') return v.node;
    if (v.node.entry.type !== 'hardlink') return null;
    if (this.contents.has(v)) return this.contents.get(v)!;
    const target = this.find(v.node.entry.linkTarget ?? '', v.birth - 1);
    const c = target ? this.content(target) : null;
    this.contents.set(v, c);
    return c;
  }
}

interface PassOptions {
  /** First pass: record the versions of these paths. */
  targets: Set<string> | null;
  /** Second pass: resolve hard links. */
  history: LinkHistory | null;
}

interface KeptProblem {
  problem: Problem;
  key: number[];
}

/** The change one path makes in one layer (MergedFs's ChangeRecorder, for one path). */
class ChangeAtPath {
  change: LayerChange | null = null;
  private removed: FsNode | null = null;

  deleted(node: FsNode): void {
    this.removed = node;
    this.change = deletedChange(node);
  }

  written(node: FsNode, previous: FsNode | null): void {
    this.change = writtenChange(node, previous ?? this.removed);
  }

  dirUpdated(before: FsNode, after: FsNode): void {
    this.change = dirUpdateChange(before, after) ?? this.change;
  }
}

const OUT_BATCH = 1024;
const K = 0;
const D = 1;
const E = 2;

class MergePass {
  readonly versions = new Map<string, Lived[]>();
  nodeCount = 0;
  private readonly n: number;
  private out: MergeItem[] = [];
  private readonly kept = new Map<string, { list: KeptProblem[]; count: number }>();
  /** Per layer: how many more implicit folders the layers up to it may still imply. */
  private readonly slack: number[];

  constructor(private readonly layers: readonly MergeLayerSource[], private readonly opts: PassOptions) {
    this.n = layers.length;
    this.slack = [];
    let explicit = 0;
    for (const l of layers) {
      explicit += l.entryCount;
      this.slack.push(explicit + MAX_EXTRA_IMPLICIT_DIRS);
    }
  }

  async *run(): AsyncGenerator<MergeItem[]> {
    const cursors = this.layers.map((l) => new RecordCursor(l.records()));
    for (const c of cursors) await c.fill();
    const root = new Frame('', this.n);
    const stack: Frame[] = [root];
    const recs: Array<LayerRecord[] | null> = new Array(this.n).fill(null);
    for (;;) {
      let path: string | null = null;
      for (const c of cursors) {
        const h = c.head;
        if (h && (path === null || comparePaths(h.path, path) < 0)) path = h.path;
      }
      if (path === null) break;
      for (let l = 0; l < this.n; l++) {
        const c = cursors[l];
        let list: LayerRecord[] | null = null;
        while (c.head && c.head.path === path) {
          (list ??= []).push(c.head);
          if (c.advance()) await c.fill();
        }
        recs[l] = list;
      }
      if (path === '') {
        this.rootRecords(root, recs);
        continue;
      }
      while (stack.length > 1 && !isBelow(stack[stack.length - 1].path, path)) this.close(stack.pop()!, stack[stack.length - 1]);
      // Folders no layer names at all (nothing can make them, but their children need a frame).
      const top = stack[stack.length - 1];
      let from = top.path === '' ? 0 : top.path.length + 1;
      for (let slash = path.indexOf('/', from); slash >= 0; slash = path.indexOf('/', from)) {
        stack.push(new Frame(path.slice(0, slash), this.n));
        from = slash + 1;
      }
      stack.push(this.visit(path, recs, stack[stack.length - 1]));
      if (this.out.length >= OUT_BATCH) {
        yield this.out;
        this.out = [];
      }
    }
    while (stack.length > 1) this.close(stack.pop()!, stack[stack.length - 1]);
    if (this.out.length) yield this.out;
    this.out = [];
  }

  /** The root only ever has opaque markers (entries naming the root are dropped by the indexer). */
  private rootRecords(root: Frame, recs: Array<LayerRecord[] | null>): void {
    for (let l = 0; l < this.n; l++) {
      for (const r of recs[l] ?? []) {
        if (r.kind === 'entry' && r.entry.type === 'opaque') root.opaque[l] = Math.min(root.opaque[l], r.seq);
      }
    }
  }

  /** A folder's subtree is done: it is emitted with its totals and counted in its parent's. */
  private close(frame: Frame, parent: Frame): void {
    const node = frame.final;
    if (!node) return;
    const isDir = node.entry.type === 'dir';
    this.emit({ kind: 'node', node, childCount: frame.childCount, bytesBelow: isDir ? frame.bytes : null });
    this.nodeCount++;
    parent.childCount++;
    parent.bytes += (node.content ? node.content.entry.size : 0) + (isDir ? frame.bytes : 0);
  }

  /** Replays every layer at `path`; returns its frame (its final node is emitted on close). */
  private visit(path: string, recs: Array<LayerRecord[] | null>, parent: Frame): Frame {
    const frame = new Frame(path, this.n);
    const track = this.opts.targets?.has(path) ? (this.versions.get(path) ?? (this.versions.set(path, []), this.versions.get(path)!)) : null;
    let cur: Version | null = null;
    const end = (v: Version, death: number) => {
      if (track) track.push({ node: v.node, birth: v.birth, death });
    };
    const shadow = (v: Version, deletedBy: number | null, overwrittenBy: number | null, death: number) => {
      end(v, death);
      if (!this.opts.targets) this.emit({ kind: 'shadowed', node: { ...v.node, deletedBy, overwrittenBy } });
    };
    for (let layer = 0; layer < this.n; layer++) {
      const list = recs[layer];
      const parentDeaths = parent.deaths1[layer];
      // Nothing at this path in this layer and nothing above it happened: a fast no-op.
      if (!list && parent.death0[layer] === NONE && parent.opaque[layer] === NONE && !parentDeaths) continue;
      let whiteout = NONE;
      const whiteouts: number[] = [];
      let lastEntry = -1;
      const events: Array<{ seq: number; kind: number; rec: LayerRecord | null }> = [];
      for (const r of list ?? []) {
        if (r.kind === 'below') events.push({ seq: r.seq, kind: D, rec: r });
        else if (r.entry.type === 'whiteout') {
          whiteouts.push(r.seq);
          whiteout = Math.min(whiteout, r.seq);
        } else if (r.entry.type === 'opaque') frame.opaque[layer] = Math.min(frame.opaque[layer], r.seq);
        else {
          events.push({ seq: r.seq, kind: E, rec: r });
          lastEntry = r.seq;
        }
      }
      if (list && this.layers[layer].reportDuplicates) this.duplicates(list, layer, path);
      for (const w of whiteouts) {
        if (lastEntry >= 0 && lastEntry < w) this.problem([layer, 0, w, 0], { ...mergeProblems.sameLayerWhiteout(path), layer, path });
      }
      const change = new ChangeAtPath();
      // Phase 0: whiteouts and opaque markers hide what lower layers had.
      if (cur) {
        const byParent = parent.death0[layer];
        const recorded = Math.min(whiteout, parent.opaque[layer]);
        const kill = Math.min(recorded, byParent);
        if (kill !== NONE) {
          shadow(cur, layer, null, at(layer, 0, kill, 0));
          if (recorded < byParent) change.deleted(cur.node);
          frame.death0[layer] = kill;
          cur = null;
        }
      }
      // Phase 1: the layer's entries in tar order, as they reach this path.
      if (parentDeaths) for (const seq of parentDeaths) events.push({ seq, kind: K, rec: null });
      if (events.length > 1) events.sort((a, b) => a.seq - b.seq);
      for (const ev of events) {
        const seq = ev.seq;
        if (ev.kind === K) {
          if (!cur) continue;
          if (cur.node.entry.type === 'dir') (frame.deaths1[layer] ??= []).push(seq);
          shadow(cur, layer, null, at(layer, 1, seq, 2));
          cur = null;
        } else if (ev.kind === D) {
          if (cur && cur.node.entry.type === 'dir') continue;
          const written = (ev.rec as { written: string }).written;
          if (cur) {
            this.problem([layer, 1, seq, frame.depth], { ...mergeProblems.writeThrough(written, cur.node), layer, path: written });
            shadow(cur, null, layer, at(layer, 1, seq, 0));
          }
          this.countImplicit(layer, path);
          const implicit = impliedNode(path, layer);
          change.written(implicit, cur ? cur.node : null);
          cur = { node: implicit, birth: at(layer, 1, seq, 0) };
        } else {
          const e = (ev.rec as EntryRecord).entry;
          const node = entryNode(e, layer, seq);
          if (e.type === 'hardlink') node.content = this.linkContent(e, layer, seq, path);
          const next: Version = { node, birth: at(layer, 1, seq, 2) };
          if (cur && cur.node.entry.type === 'dir' && e.type === 'dir') {
            change.dirUpdated(cur.node, node);
            end(cur, next.birth);
            cur = next;
            continue;
          }
          if (cur) {
            if (cur.node.entry.type === 'dir') (frame.deaths1[layer] ??= []).push(seq);
            shadow(cur, null, layer, next.birth);
          }
          change.written(node, cur ? cur.node : null);
          cur = next;
        }
      }
      if (change.change && !this.opts.targets) this.emit({ kind: 'change', layer, change: change.change });
    }
    if (cur) {
      end(cur, NONE);
      frame.final = cur.node;
    }
    return frame;
  }

  /** Every record of a kind (entry, whiteout, opaque marker) after the first at this path in the layer. */
  private duplicates(list: readonly LayerRecord[], layer: number, path: string): void {
    let seen = 0;
    for (const r of list) {
      if (r.kind !== 'entry') continue;
      const kind = r.entry.type === 'whiteout' ? 2 : r.entry.type === 'opaque' ? 4 : 1;
      if (seen & kind) this.problem([layer, -1, r.seq, 0], { code: 'DUPLICATE_PATH', severity: 'warning', message: duplicatePathMessage(path), path, layer });
      seen |= kind;
    }
  }

  private linkContent(e: LayerEntry, layer: number, seq: number, path: string): ContentRef | null {
    const history = this.opts.history;
    if (!history) return null;
    const target = history.find(e.linkTarget ?? '', at(layer, 1, seq, 1));
    if (!target) {
      this.problem([layer, 1, seq, NONE], { ...mergeProblems.missingLinkTarget(path, e.linkTarget), layer, path });
      return null;
    }
    if (target.node.layer !== layer) this.problem([layer, 1, seq, NONE], { ...mergeProblems.linkToLowerLayer(path, e.linkTarget, target.node.layer), layer, path });
    return history.content(target);
  }

  /** The same limit as MergedFs: implicit folders up to a layer may exceed its entries so far by MAX_EXTRA_IMPLICIT_DIRS. */
  private countImplicit(layer: number, path: string): void {
    for (let l = layer; l < this.n; l++) {
      if (--this.slack[l] >= 0) continue;
      throw new EngineError('LIMIT_EXCEEDED', `the layers imply more parent directories than entries declare (at ${path.slice(0, 80)}); refusing the image (at most ${MAX_EXTRA_IMPLICIT_DIRS} more than its entries)`, { subject: path });
    }
  }

  private emit(item: MergeItem): void {
    this.out.push(item);
  }

  /** Keeps, per code, the MAX_PROBLEMS_PER_CODE + 1 earliest on the clock (the last places the summary). */
  private problem(key: number[], problem: Problem): void {
    if (this.opts.targets) return;
    let k = this.kept.get(problem.code);
    if (!k) this.kept.set(problem.code, (k = { list: [], count: 0 }));
    k.count++;
    const list = k.list;
    if (list.length > MAX_PROBLEMS_PER_CODE && compareKeys(key, list[list.length - 1].key) >= 0) return;
    let i = list.length;
    while (i > 0 && compareKeys(key, list[i - 1].key) < 0) i--;
    list.splice(i, 0, { problem, key });
    if (list.length > MAX_PROBLEMS_PER_CODE + 1) list.pop();
  }

  /** Problems in MergedFs's order: by the clock, each code's summary where its first unlisted one was. */
  problemList(): Problem[] {
    const all: KeptProblem[] = [];
    for (const [code, { list, count }] of this.kept) {
      all.push(...list.slice(0, MAX_PROBLEMS_PER_CODE));
      if (count > MAX_PROBLEMS_PER_CODE) {
        const first = list[MAX_PROBLEMS_PER_CODE];
        all.push({ key: first.key, problem: { code, severity: first.problem.severity, message: notListedMessage(code, count) } });
      }
    }
    return all.sort((a, b) => compareKeys(a.key, b.key)).map((k) => k.problem);
  }
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function countSlashes(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}
