/**
 * The `peel diff --json` document, shape "peel-diff/1" (README "peel diff --json"): stable —
 * fields are only ever added. Paths are absolute (`/etc/passwd`; the root folder is `/`).
 */
import type { CompareNode, ImageComparison, PathChange } from '@peel/engine';

export const DIFF_FORMAT = 'peel-diff/1';

export interface SideInfo {
  /** What the command line named (`-` for stdin). */
  source: string;
  tags: string[];
  /** The config digest. */
  imageId: string;
  /** How many layers this side is made of. */
  layers: number;
  /** The layer this side stops at (--since-layer), or null for the whole image. */
  asOfLayer: number | null;
}

export interface DiffOptionsShown {
  root: string;
  includeMtime: boolean;
}

export const absolute = (path: string) => `/${path}`;

export function diffJson(sides: [SideInfo, SideInfo], r: ImageComparison, o: DiffOptionsShown) {
  const entry = (n: CompareNode | null) => (n === null ? null : {
    type: n.type, size: n.size, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime,
    digest: n.digest, linkTarget: n.linkTarget, device: n.device, xattrs: n.xattrs,
  });
  const change = (c: PathChange) => ({ path: absolute(c.path), change: c.change, fields: c.fields, mtimeOnly: c.mtimeOnly, a: entry(c.a), b: entry(c.b) });
  return {
    format: DIFF_FORMAT,
    equal: r.equal,
    a: sides[0],
    b: sides[1],
    path: absolute(o.root),
    includeMtime: o.includeMtime,
    summary: r.summary,
    layers: r.layers,
    config: r.config,
    history: r.history,
    changes: r.changes.map(change),
    folders: r.folders.map((f) => ({ ...f, path: absolute(f.path) })),
  };
}
