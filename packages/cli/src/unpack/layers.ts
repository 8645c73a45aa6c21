/**
 * Writes each layer's own entries into DIR/LAYER_n (tar order, so a later duplicate wins) and its
 * whiteout/opaque markers, by their tar names, into DIR/LAYER_n.whiteouts instead of applying them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeLayers, type LayerEntry, type MergedFs } from '@peel/engine';
import { entryBytes } from '../entry-bytes.js';
import type { OpenedImage } from '../image-source.js';
import { markerPath } from '../view/markers.js';
import { nameBytes } from '../fs-name.js';
import { SafeTree } from './safe-tree.js';
import type { UnpackOptions } from './options.js';

export async function unpackLayers(img: OpenedImage, dir: string, o: UnpackOptions): Promise<{ whiteouts: number }> {
  let whiteouts = 0;
  // Built layer by layer only to find the bytes of hard links into lower layers.
  const below = new LazyStack(img.layers);
  for (let i = 0; i < img.layers.length; i++) {
    o.signal.throwIfAborted();
    o.progress.step(`layer ${i + 1}/${img.layers.length}`);
    const folder = join(dir, `LAYER_${i}`);
    const tree = await SafeTree.create(folder, o.tree);
    const markers: string[] = [];
    const tarBlob = img.image.layers[i].tarBlob;
    for (const e of img.layers[i]) {
      o.signal.throwIfAborted();
      if (e.type === 'whiteout' || e.type === 'opaque') {
        markers.push(markerPath(e));
        continue;
      }
      if (e.type === 'hardlink') {
        if (await tree.hardlink(e.path, e.linkTarget ?? '')) continue;
        const ref = below.upTo(i).get(e.path)?.content;
        if (!ref) {
          o.tree.warn(`layer ${i}: hard link /${e.path} points at /${e.linkTarget}, which is missing: skipped`);
          continue;
        }
        await tree.file(e.path, attrs(e), entryBytes(img.store, img.image.layers[ref.layer].tarBlob, ref.entry));
        o.progress.add(ref.entry.size);
        continue;
      }
      await writeEntry(tree, e, () => entryBytes(img.store, tarBlob, e));
      if (e.type === 'file') o.progress.add(e.size);
    }
    await tree.finish();
    if (markers.length) {
      await writeFile(`${folder}.whiteouts`, Buffer.concat(markers.map((m) => Buffer.concat([nameBytes(escapeLine(m)), Buffer.from('\n')]))));
      whiteouts += markers.length;
    }
  }
  return { whiteouts };
}

/** One entry that is not a whiteout or hard link. */
export async function writeEntry(tree: SafeTree, e: Pick<LayerEntry, 'path' | 'type' | 'mode' | 'uid' | 'gid' | 'mtime' | 'linkTarget' | 'devMajor' | 'devMinor'>, content: () => import('node:stream').Readable): Promise<void> {
  switch (e.type) {
    case 'dir':
      return tree.dir(e.path, attrs(e));
    case 'file':
      return tree.file(e.path, attrs(e), content());
    case 'symlink':
      return tree.symlink(e.path, e.linkTarget ?? '', attrs(e));
    case 'char':
    case 'block':
    case 'fifo':
      return tree.special(e.path, e.type, { major: e.devMajor, minor: e.devMinor }, attrs(e));
    default:
      return undefined;
  }
}

export function attrs(e: { mode: number; uid: number; gid: number; mtime: number }) {
  return { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
}

/** A name with a newline or backslash stays one line: `\n` and `\\` (documented in the README). */
function escapeLine(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

class LazyStack {
  private fs: MergedFs | null = null;
  private applied = 0;
  constructor(private readonly layers: LayerEntry[][]) {}
  upTo(n: number): MergedFs {
    if (!this.fs || this.applied > n + 1) {
      this.fs = mergeLayers([]);
      this.applied = 0;
    }
    while (this.applied <= n) this.fs.applyLayer(this.layers[this.applied++]);
    return this.fs;
  }
}
