import type { ImagePlan } from './plan.js';
import type { WrittenLayer } from './layer-writer.js';

/** What the measurements need to know about an image, read off its plan. */
export interface ImageFacts {
  /** The directory with the most entries in the merged view, and how many. */
  wideDir: string;
  wideDirEntries: number;
  /** The largest layer (uncompressed) and its last file: reading it needs random access. */
  largestLayer: number;
  endFile: string;
  /** The layer with the most deletions (whiteouts). */
  changesLayer: number;
  /** A substring that names one file. */
  search: string;
  /** A small file to edit before an export. */
  editPath: string;
}

export function imageFacts(plan: ImagePlan, written: WrittenLayer[]): ImageFacts {
  let largestLayer = 0;
  written.forEach((w, i) => {
    if (w.uncompressedSize > written[largestLayer].uncompressedSize) largestLayer = i;
  });
  if (plan.facts) return { ...plan.facts, largestLayer };
  const layers = plan.layers.map((l) => [...l.entries]);
  const children = new Map<string, Set<string>>();
  for (const layer of layers) {
    for (const e of layer) {
      if (e.type === 'whiteout' || e.type === 'opaque') continue;
      const i = e.path.lastIndexOf('/');
      const dir = i < 0 ? '' : e.path.slice(0, i);
      let set = children.get(dir);
      if (!set) children.set(dir, (set = new Set()));
      set.add(e.path.slice(i + 1));
    }
  }
  let wideDir = '';
  let wideDirEntries = 0;
  for (const [dir, names] of children) {
    if (names.size > wideDirEntries) [wideDir, wideDirEntries] = [dir, names.size];
  }
  const lastFile = (i: number) => [...layers[i]].reverse().find((e) => e.type === 'file')!.path;
  const endFile = lastFile(largestLayer);
  let changesLayer = 0;
  let most = -1;
  layers.forEach((l, i) => {
    const n = l.filter((e) => e.type === 'whiteout' || e.type === 'opaque').length;
    if (n >= most) [changesLayer, most] = [i, n];
  });
  const base = endFile.slice(endFile.lastIndexOf('/') + 1);
  const top = layers[layers.length - 1].find((e) => e.type === 'file' && e.size < 1 << 20);
  return {
    wideDir: `/${wideDir}`,
    wideDirEntries,
    largestLayer,
    endFile: `/${endFile}`,
    changesLayer,
    search: base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base,
    editPath: top ? top.path : endFile,
  };
}
