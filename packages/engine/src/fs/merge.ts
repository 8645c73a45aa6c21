import { EngineError } from '../errors.js';
import type { LayerEntry, Problem } from '../types.js';
import { baseName, joinPath, parentOf } from '../layer/normalize.js';
import { ChangeRecorder, type LayerChange } from './changes.js';

/** Where a file's bytes are: its own entry, or for a hard link the entry it was linked to. */
export interface ContentRef {
  layer: number;
  entry: LayerEntry;
  /** The entry's position in its layer's entries (tar order), when MergedFs made the reference. */
  seq?: number;
}

/** An entry of the merged filesystem. */
export interface FsNode {
  path: string;
  name: string;
  /** The entry as written by `layer` (never a whiteout). */
  entry: LayerEntry;
  /** The layer that provided this entry. */
  layer: number;
  content: ContentRef | null;
  /** A parent directory that no layer declared (created implicitly, as Docker does). */
  implicit: boolean;
  /** The entry's position in its layer's entries (tar order); -1 for implicit directories. */
  seq?: number;
}

/** A node's byte count: a hard link's are its target's. */
export function nodeSize(node: FsNode): number {
  return node.content ? node.content.entry.size : node.entry.size;
}

/** Something a lower layer had that a later layer deleted or overwrote; still readable from its layer. */
export interface ShadowedNode extends FsNode {
  deletedBy: number | null;
  overwrittenBy: number | null;
}

export interface MergedFsOptions {
  /**
   * Hands every shadowed node over as it is made instead of keeping it (an ingest that stores
   * them at once); `shadowed`, `hasShadowed` and `allShadowed` then know none.
   */
  onShadowed?: (node: ShadowedNode) => void;
  /** Keep each layer's changes for `changes(n)` (default); applyLayer returns them either way. */
  keepChanges?: boolean;
}

/**
 * The merged filesystem of a stack of layers, with OCI overlay semantics (image-spec layer.md):
 * - whiteouts (`.wh.x`) and opaque markers apply to lower layers only, whatever their position
 *   in the layer; entries of the same layer survive them;
 * - an entry over an existing path replaces it (and its subtree), except directory over
 *   directory, which merges and takes the new attributes;
 * - missing parents are created implicitly; a non-directory parent is replaced by a directory
 *   (what overlay drivers show; Docker's vfs driver would write through a symlinked parent);
 * - a hard link shares its target's content at the time it is applied, so it keeps the bytes
 *   when the target is deleted or replaced later.
 * Everything removed is kept as a ShadowedNode, so deleted secrets stay findable and readable.
 */
export class MergedFs {
  private readonly byPath = new Map<string, FsNode>();
  private readonly kids = new Map<string, Map<string, FsNode>>();
  private readonly shadowByParent = new Map<string, ShadowedNode[]>();
  private readonly changesByLayer: LayerChange[][] = [];
  readonly problems: Problem[] = [];
  private readonly problemCounts = new Map<string, number>();
  private readonly summaries = new Map<string, Problem>();
  private implicitCount = 0;
  private explicitCount = 0;
  private applied = 0;

  constructor(private readonly options: MergedFsOptions = {}) {}

  get layerCount(): number {
    return this.applied;
  }

  get(path: string): FsNode | undefined {
    return this.byPath.get(path);
  }

  /** Entries directly in `dir` ('' is the root), in the order they were created. */
  children(dir: string): FsNode[] {
    return [...(this.kids.get(dir)?.values() ?? [])];
  }

  /** What lower layers had directly in `dir` and was deleted or overwritten. */
  shadowed(dir: string): ShadowedNode[] {
    return this.shadowByParent.get(dir) ?? [];
  }

  /** A lower layer held `path` and a later one deleted or overwrote it. */
  hasShadowed(path: string): boolean {
    return this.shadowed(parentOf(path)).some((s) => s.path === path);
  }

  allShadowed(): ShadowedNode[] {
    return [...this.shadowByParent.values()].flat();
  }

  nodes(): IterableIterator<FsNode> {
    return this.byPath.values();
  }

  get size(): number {
    return this.byPath.size;
  }

  /** What layer `n` added, modified and deleted against the filesystem below it. */
  changes(n: number): LayerChange[] {
    return this.changesByLayer[n] ?? [];
  }

  /** Applies the next layer's entries (tar order) and returns its changes. */
  applyLayer(entries: readonly LayerEntry[]): LayerChange[] {
    const layer = this.applied++;
    const rec = new ChangeRecorder();
    this.explicitCount += entries.length;
    // Where each path is written in this layer: only whiteouts ask, and most layers have none.
    const added = new Map<string, number>();
    if (entries.some((e) => e.type === 'whiteout')) {
      entries.forEach((e, i) => {
        if (e.type !== 'whiteout' && e.type !== 'opaque') added.set(e.path, i);
      });
    }
    // Whiteouts first: they only ever hide what lower layers had.
    entries.forEach((e, i) => {
      if (e.type === 'whiteout') {
        const before = added.get(e.path);
        if (before !== undefined && before < i) this.problem(layer, e.path, mergeProblems.sameLayerWhiteout(e.path));
        const node = this.byPath.get(e.path);
        if (!node) return;
        this.remove(node, layer, 'deleted');
        rec.deleted(node);
      } else if (e.type === 'opaque') {
        for (const child of this.children(e.path)) {
          this.remove(child, layer, 'deleted');
          rec.deleted(child);
        }
      }
    });
    for (let seq = 0; seq < entries.length; seq++) {
      const e = entries[seq];
      if (e.type === 'whiteout' || e.type === 'opaque') {
        if (e.type === 'opaque') this.ensureParents(joinPath(e.path, '_'), layer, rec);
        continue;
      }
      this.ensureParents(e.path, layer, rec);
      const existing = this.byPath.get(e.path);
      const node = entryNode(e, layer, seq);
      if (e.type === 'hardlink') node.content = this.linkContent(e, layer);
      if (existing && existing.entry.type === 'dir' && e.type === 'dir') {
        this.replaceNode(node);
        rec.dirUpdated(existing, node);
        continue;
      }
      if (existing) this.remove(existing, layer, 'overwritten');
      this.insert(node);
      rec.written(node, existing);
    }
    const changes = rec.result();
    if (this.options.keepChanges !== false) this.changesByLayer[layer] = changes;
    return changes;
  }

  private linkContent(e: LayerEntry, layer: number): ContentRef | null {
    const target = this.byPath.get(e.linkTarget ?? '');
    if (!target) {
      this.problem(layer, e.path, mergeProblems.missingLinkTarget(e.path, e.linkTarget));
      return null;
    }
    if (target.layer !== layer) this.problem(layer, e.path, mergeProblems.linkToLowerLayer(e.path, e.linkTarget, target.layer));
    return target.content;
  }

  private ensureParents(path: string, layer: number, rec: ChangeRecorder): void {
    const parts = path.split('/');
    let dir = '';
    for (let i = 0; i < parts.length - 1; i++) {
      dir = joinPath(dir, parts[i]);
      const node = this.byPath.get(dir);
      if (node && node.entry.type === 'dir') continue;
      if (node) {
        this.problem(layer, path, mergeProblems.writeThrough(path, node));
        this.remove(node, layer, 'overwritten');
      }
      this.countImplicit(dir);
      const implicit = impliedNode(dir, layer);
      this.insert(implicit);
      rec.written(implicit, node);
    }
  }

  private insert(node: FsNode): void {
    this.byPath.set(node.path, node);
    const parent = parentOf(node.path);
    let siblings = this.kids.get(parent);
    if (!siblings) this.kids.set(parent, (siblings = new Map()));
    siblings.set(node.name, node);
  }

  private replaceNode(next: FsNode): void {
    this.byPath.set(next.path, next);
    this.kids.get(parentOf(next.path))!.set(next.name, next);
  }

  /** Removes a node and its subtree, keeping them as shadowed entries. */
  private remove(node: FsNode, layer: number, how: 'deleted' | 'overwritten'): void {
    this.shadow(node, how === 'deleted' ? layer : null, how === 'overwritten' ? layer : null);
    this.kids.get(parentOf(node.path))?.delete(node.name);
    this.byPath.delete(node.path);
    if (node.entry.type !== 'dir') return;
    const stack = [node.path];
    while (stack.length) {
      const dir = stack.pop()!;
      const children = this.kids.get(dir);
      if (!children) continue;
      this.kids.delete(dir);
      for (const child of children.values()) {
        this.shadow(child, layer, null);
        this.byPath.delete(child.path);
        if (child.entry.type === 'dir') stack.push(child.path);
      }
    }
  }

  private shadow(node: FsNode, deletedBy: number | null, overwrittenBy: number | null): void {
    if (this.options.onShadowed) {
      this.options.onShadowed({ ...node, deletedBy, overwrittenBy });
      return;
    }
    const parent = parentOf(node.path);
    let list = this.shadowByParent.get(parent);
    if (!list) this.shadowByParent.set(parent, (list = []));
    list.push({ ...node, deletedBy, overwrittenBy });
  }

  /** The first MAX_PROBLEMS_PER_CODE problems of a kind, then one summary that keeps count. */
  private problem(layer: number, path: string, { code, severity, message }: MergeProblem): void {
    const count = (this.problemCounts.get(code) ?? 0) + 1;
    this.problemCounts.set(code, count);
    if (count <= MAX_PROBLEMS_PER_CODE) {
      this.problems.push({ code, severity, message, layer, path });
      return;
    }
    let summary = this.summaries.get(code);
    if (!summary) this.problems.push((summary = { code, severity, message: '' }));
    this.summaries.set(code, summary);
    summary.message = notListedMessage(code, count);
  }

  /** Parents no layer declared cost memory the input did not pay for: a deep path implies one per level. */
  private countImplicit(path: string): void {
    if (++this.implicitCount <= this.explicitCount + MAX_EXTRA_IMPLICIT_DIRS) return;
    throw new EngineError('LIMIT_EXCEEDED', `the layers imply ${this.implicitCount} parent directories that no entry declares (at ${path.slice(0, 80)}); refusing the image (at most ${MAX_EXTRA_IMPLICIT_DIRS} more than its ${this.explicitCount} entries)`, { subject: path });
  }
}

export const MAX_PROBLEMS_PER_CODE = 100;
export const MAX_EXTRA_IMPLICIT_DIRS = 100_000;

/** The entry of a folder no layer declared. */
export function impliedDir(path: string): LayerEntry {
  return { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: '', gname: '', size: 0, mtime: 0, linkTarget: null, devMajor: 0, devMinor: 0, xattrs: null, dataOffset: 0, headerOffset: 0, digest: null };
}

// The rules below are the merge's, shared by MergedFs and StreamMerge (which must agree node for
// node and problem for problem).

/** The node entry `e` (at `seq` in `layer`'s tar) makes; a hard link's content is the caller's to set. */
export function entryNode(e: LayerEntry, layer: number, seq: number): FsNode {
  // Linux has no symlink permissions: whatever the header says, a runtime shows 0777.
  const entry = e.type === 'symlink' && e.mode !== 0o777 ? { ...e, mode: 0o777 } : e;
  const node: FsNode = { path: e.path, name: baseName(e.path), entry, layer, content: null, implicit: false, seq };
  // A file's bytes are its own entry's: the node is its own ContentRef (no object per file).
  if (e.type === 'file') node.content = node;
  return node;
}

/** The folder `layer` makes at `path` by writing below it when no layer declared one there. */
export function impliedNode(path: string, layer: number): FsNode {
  return { path, name: baseName(path), entry: impliedDir(path), layer, content: null, implicit: true, seq: -1 };
}

export type MergeProblem = Pick<Problem, 'code' | 'severity' | 'message'>;

/** The problems a merge finds, worded once. */
export const mergeProblems = {
  sameLayerWhiteout: (path: string): MergeProblem => ({ code: 'SAME_LAYER_WHITEOUT', severity: 'warning', message: `${path} and its whiteout are in the same layer; per the OCI spec the file stays, but Docker's vfs driver deletes it and overlay drivers fail` }),
  /** `written` goes below `held`, which is not a folder. */
  writeThrough: (written: string, held: FsNode): MergeProblem => ({ code: 'WRITE_THROUGH_NON_DIRECTORY', severity: 'warning', message: `${written} is written under ${held.path}, which is a ${held.entry.type} in layer ${held.layer}; shown as a directory (overlay drivers do this; Docker's vfs driver would follow a symlink)` }),
  missingLinkTarget: (path: string, target: string | null): MergeProblem => ({ code: 'HARDLINK_MISSING_TARGET', severity: 'error', message: `hard link ${path} points at ${target}, which does not exist at that point; docker load fails on it ("no such file or directory")` }),
  linkToLowerLayer: (path: string, target: string | null, targetLayer: number): MergeProblem => ({ code: 'HARDLINK_TO_LOWER_LAYER', severity: 'warning', message: `hard link ${path} points at ${target} in layer ${targetLayer}; overlay snapshotters (containerd overlayfs) fail on links across layers` }),
};

/** The summary that stands for a code's problems past the first MAX_PROBLEMS_PER_CODE. */
export function notListedMessage(code: string, count: number): string {
  return `${count - MAX_PROBLEMS_PER_CODE} more ${code} problems are not listed (${count} in all)`;
}

/** The merged filesystem after applying `layers` (base first). */
export function mergeLayers(layers: ReadonlyArray<readonly LayerEntry[]>): MergedFs {
  const fs = new MergedFs();
  for (const entries of layers) fs.applyLayer(entries);
  return fs;
}

