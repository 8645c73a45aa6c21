import { expect } from 'vitest';
import type { DraftOp } from '../src/index.js';

/** One entry of the model: what a path shows, and where its bytes come from. */
export interface ModelEntry {
  /** Hard links count as files: they show their target's bytes. */
  type: string;
  size: number;
  mode: number;
  origin: string;
}

const strip = (path: string) => path.replace(/^\/+/, '');

/**
 * A draft applied the plain way, as a reference for DraftView: every entry of the image copied
 * into one map, each op applied to it eagerly (a rename moves every path below), and the rules
 * that make an op impossible written out from the op's meaning: a folder is not written over,
 * a missing path is not deleted, changed or moved, nothing moves into itself or onto a path in
 * use, no path goes below something that is not a folder, and the root stays.
 */
export class DraftModel {
  readonly entries: Map<string, ModelEntry>;

  /** `shadowed`: paths only the image's lower layers still hold (a delete of one purges them). */
  constructor(entries: Iterable<readonly [string, ModelEntry]>, private readonly shadowed: (path: string) => boolean = () => false) {
    this.entries = new Map(entries);
  }

  /** Why the op cannot apply now, or null when it can. */
  refusal(op: DraftOp): string | null {
    const paths = op.op === 'rename' ? [strip(op.from), strip(op.to)] : [strip(op.path)];
    if (paths.includes('')) return 'the root cannot be changed';
    const [path, to] = paths;
    const here = this.entries.get(path);
    switch (op.op) {
      case 'write':
      case 'symlink':
        return here?.type === 'dir' ? `${path} is a folder` : this.blockedParent(path);
      case 'mkdir':
        return here && here.type !== 'dir' ? `${path} is not a folder` : this.blockedParent(path);
      case 'delete':
        return here || this.shadowed(path) ? null : `${path} does not exist`;
      case 'chmod':
      case 'chown':
        return here ? null : `${path} does not exist`;
      case 'rename':
        if (!here) return `${path} does not exist`;
        if (to === path || to.startsWith(`${path}/`)) return `${path} cannot move into itself`;
        if (this.entries.has(to)) return `${to} already exists`;
        return this.blockedParent(to);
    }
  }

  /** Applies an op the model accepts (see `refusal`). */
  apply(op: DraftOp): void {
    const why = this.refusal(op);
    if (why !== null) throw new Error(`the model refuses ${JSON.stringify(op)}: ${why}`);
    const m = this.entries;
    if (op.op === 'rename') {
      const [from, to] = [strip(op.from), strip(op.to)];
      this.makeParents(to);
      const moved = [from, ...this.below(from)].map((k) => [k, m.get(k)!] as const);
      for (const [k] of moved) m.delete(k);
      for (const [k, v] of moved) m.set(`${to}${k.slice(from.length)}`, v);
      return;
    }
    const p = strip(op.path);
    const prev = m.get(p);
    if (op.op === 'write') {
      this.makeParents(p);
      m.set(p, { type: 'file', size: op.size, mode: op.mode ?? prev?.mode ?? 0o644, origin: `blob:${op.size}` });
    } else if (op.op === 'mkdir') {
      this.makeParents(p);
      m.set(p, { type: 'dir', size: 0, mode: op.mode ?? prev?.mode ?? 0o755, origin: 'dir' });
    } else if (op.op === 'symlink') {
      this.makeParents(p);
      m.set(p, { type: 'symlink', size: 0, mode: 0o777, origin: `link:${op.target}` });
    } else if (op.op === 'chmod') {
      m.set(p, { ...prev!, mode: op.mode & 0o7777 });
    } else if (op.op === 'delete') {
      for (const k of this.below(p)) m.delete(k);
      m.delete(p);
    }
  }

  /** Bytes of the files below a folder. */
  bytesBelow(dir: string): number {
    let total = 0;
    for (const [p, e] of this.entries) if (e.type === 'file' && (dir === '' || p.startsWith(`${dir}/`))) total += e.size;
    return total;
  }

  below(dir: string): string[] {
    return [...this.entries.keys()].filter((k) => k.startsWith(`${dir}/`));
  }

  /** The nearest ancestor that is there and is not a folder, as a refusal. */
  private blockedParent(path: string): string | null {
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      const parent = this.entries.get(path.slice(0, i));
      if (parent && parent.type !== 'dir') return `${path.slice(0, i)} is a ${parent.type}, not a folder`;
    }
    return null;
  }

  private makeParents(path: string): void {
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (!this.entries.has(path.slice(0, i))) this.entries.set(path.slice(0, i), { type: 'dir', size: 0, mode: 0o755, origin: 'dir' });
    }
  }
}

/**
 * Offers `op` to the code under test (`attempt` throws when it refuses the ops so far plus this
 * one) and to the model: they must agree. A refusal the model does not expect fails the test, and
 * so does an op accepted that the model says cannot apply. Returns whether the op applied (the
 * model then has it applied too).
 */
export function offer(model: DraftModel, attempt: () => void, op: DraftOp, label: string): boolean {
  const refusal = model.refusal(op);
  let error: Error | null = null;
  try {
    attempt();
  } catch (e) {
    error = e as Error;
  }
  expect(error ? 'refused' : 'accepted', `${label}: ${JSON.stringify(op)} (model: ${refusal ?? 'applies'}; code: ${error?.message ?? 'applied'})`).toBe(refusal === null ? 'accepted' : 'refused');
  if (refusal === null) model.apply(op);
  return refusal === null;
}
