import type { EntryType } from '../types.js';

/**
 * A draft: edits to an image, kept as data (the server persists it; the CLI builds one from
 * flags). Paths are relative (no leading '/'), like the engine's. Ops apply in order.
 */
export type DraftOp =
  /** Write a file; its bytes are the store blob `blob`. Missing parents are created. */
  | { op: 'write'; path: string; blob: string; size: number; mode?: number; uid?: number; gid?: number }
  /** Delete a file or a whole folder. On a path only lower layers still hold (a deleted secret),
   *  it changes nothing in the filesystem but the rewrite export removes those copies.
   *  `fromEveryLayer`: the person asked for its bytes to leave every layer (a secret), which only
   *  rewrite and flatten do; the filesystem effect is the same delete. */
  | { op: 'delete'; path: string; fromEveryLayer?: boolean }
  | { op: 'mkdir'; path: string; mode?: number; uid?: number; gid?: number }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'chown'; path: string; uid: number; gid: number };

export interface Draft {
  ops: DraftOp[];
  /** Keys of the config's `config` object to set; `null` removes the key. */
  config: Record<string, unknown>;
  /** name:tag of the result, or null to keep the image's first tag. */
  tag: string | null;
}

export const emptyDraft = (): Draft => ({ ops: [], config: {}, tag: null });

/** Where a draft node's bytes come from. */
export type DraftSource =
  | { kind: 'image'; layer: number; entry: import('../types.js').LayerEntry }
  | { kind: 'blob'; blob: string }
  | { kind: 'none' };

/** One entry of the filesystem a draft produces. */
export interface DraftNode {
  path: string;
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkTarget: string | null;
  devMajor: number;
  devMinor: number;
  xattrs: Record<string, string> | null;
  /** Layer that provided it in the image, or null for what the draft made. */
  layer: number | null;
  source: DraftSource;
  /** The draft wrote or changed this entry. */
  edited: boolean;
}

export interface DraftChange {
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  type: EntryType;
  /** Bytes the change adds to the final filesystem (negative for deletions). */
  sizeDelta: number;
  /** A delete of a path that is not in the final filesystem: removes lower-layer copies on rewrite only. */
  purgeOnly?: boolean;
  /** A folder moved here: everything under it is part of this change (and of sizeDelta). */
  tree?: boolean;
  /** What the image held at this path is gone whole: a folder deleted and made again, or a file a folder replaced. */
  replacesTree?: boolean;
  /** A delete of something the draft had moved here: the image's layers hold nothing at this path. */
  moved?: boolean;
}
