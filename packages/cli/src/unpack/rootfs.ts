/**
 * Writes the merged filesystem into DIR/rootfs: what a container would see, whiteouts applied.
 * Hard links are made after everything else (their target may sort later); a link whose target
 * was replaced or deleted by a later layer gets its own copy of the bytes it had.
 */
import { join } from 'node:path';
import type { FsNode } from '@peel/engine';
import { entryBytes } from '../entry-bytes.js';
import type { OpenedImage } from '../image-source.js';
import { attrs, writeEntry } from './layers.js';
import type { UnpackOptions } from './options.js';
import { SafeTree } from './safe-tree.js';

export async function unpackRootfs(img: OpenedImage, dir: string, o: UnpackOptions): Promise<{ entries: number }> {
  const fs = img.merged();
  const tree = await SafeTree.create(join(dir, 'rootfs'), o.tree);
  const links: FsNode[] = [];
  let entries = 0;
  o.progress.step('merged filesystem');
  const walk = async (d: string): Promise<void> => {
    const kids = fs.children(d).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const n of kids) {
      o.signal.throwIfAborted();
      entries++;
      if (n.entry.type === 'hardlink') {
        links.push(n);
        continue;
      }
      const ref = n.content;
      await writeEntry(tree, { ...n.entry, path: n.path }, () => entryBytes(img.store, img.image.layers[ref!.layer].tarBlob, ref!.entry));
      if (ref) o.progress.add(ref.entry.size);
      if (n.entry.type === 'dir') await walk(n.path);
    }
  };
  await walk('');
  for (const n of links) {
    const target = fs.get(n.entry.linkTarget ?? '');
    const ref = n.content;
    if (target && ref && target.content?.entry === ref.entry && (await tree.hardlink(n.path, target.path))) continue;
    if (!ref) {
      o.tree.warn(`hard link /${n.path} points at /${n.entry.linkTarget}, which is missing: skipped`);
      continue;
    }
    await tree.file(n.path, attrs({ ...ref.entry, mode: n.entry.mode, uid: n.entry.uid, gid: n.entry.gid }), entryBytes(img.store, img.image.layers[ref.layer].tarBlob, ref.entry));
  }
  await tree.finish();
  return { entries };
}
