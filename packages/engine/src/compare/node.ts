import type { FsNode } from '../fs/merge.js';
import type { EntryType } from '../types.js';
import type { CompareNode } from './types.js';

/** A merged-filesystem node as a comparison sees it: a hard link becomes the file it shares. */
export function compareNodeOf(n: FsNode): CompareNode {
  const own = n.entry;
  const isLink = own.type === 'hardlink';
  // A hard link is one inode with its target: the target's bytes and attributes. One whose
  // target was missing has neither; it is still a file.
  const e = isLink ? (n.content?.entry ?? own) : own;
  const type: EntryType = isLink ? 'file' : (own.type as EntryType);
  const hasBytes = type === 'file';
  return {
    path: n.path,
    type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    // A PAX mtime has a fraction; a comparison counts whole seconds, as docker export does.
    mtime: Math.floor(e.mtime),
    size: hasBytes && e.type === 'file' ? e.size : 0,
    digest: hasBytes && e.type === 'file' ? e.digest : null,
    linkTarget: type === 'symlink' ? own.linkTarget : null,
    device: type === 'char' || type === 'block' ? `${own.devMajor},${own.devMinor}` : null,
    xattrs: e.xattrs && Object.keys(e.xattrs).length ? e.xattrs : null,
    layer: n.layer,
  };
}
