import type { LayerEntry } from '../types.js';
import type { FsNode, MergedFs } from '../fs/merge.js';

/** One file's bytes as one layer wrote them. */
export interface Copy {
  entry: LayerEntry;
  layer: number;
  /** The layer where no path reached these bytes any more; null while the final filesystem still has them. */
  endedIn: number | null;
  /** How the copy's own path lost it, and where; null when the path still holds this copy. */
  removedIn: number | null;
  how: 'deleted' | 'overwritten' | null;
  /** The final-filesystem node that carries these bytes (the file itself, or a hard link to it). */
  owner: FsNode | null;
}

/**
 * Every file copy of every layer and its fate in the final filesystem. A copy is keyed by
 * (layer, entry): one layer blob can appear twice in an image, with the very same entries.
 * Hard links keep bytes alive: a copy whose path was deleted still ends only when the last
 * link to it goes.
 */
export class CopyLedger {
  readonly copies: Copy[] = [];
  private readonly byLayer: Array<Map<LayerEntry, Copy>> = [];

  constructor(layers: ReadonlyArray<readonly LayerEntry[]>, fs: MergedFs) {
    layers.forEach((entries, layer) => {
      const map = new Map<LayerEntry, Copy>();
      this.byLayer.push(map);
      for (const entry of entries) {
        if (entry.type !== 'file') continue;
        const copy: Copy = { entry, layer, endedIn: null, removedIn: null, how: null, owner: null };
        map.set(entry, copy);
        this.copies.push(copy);
      }
    });
    const lastEnd = new Map<Copy, number>();
    for (const s of fs.allShadowed()) {
      const removedIn = s.deletedBy ?? s.overwrittenBy;
      if (removedIn === null) continue;
      const own = s.entry.type === 'file' ? this.get(s.layer, s.entry) : undefined;
      if (own) {
        own.removedIn = removedIn;
        own.how = s.deletedBy !== null ? 'deleted' : 'overwritten';
      }
      const held = s.content ? this.get(s.content.layer, s.content.entry) : undefined;
      if (held) lastEnd.set(held, Math.max(lastEnd.get(held) ?? -1, removedIn));
    }
    for (const node of fs.nodes()) {
      const held = node.content ? this.get(node.content.layer, node.content.entry) : undefined;
      // The file's own node wins over a hard link to it.
      if (held && (!held.owner || node.entry === held.entry)) held.owner = node;
    }
    for (const copy of this.copies) {
      if (!copy.owner) copy.endedIn = lastEnd.get(copy) ?? copy.layer;
    }
  }

  get(layer: number, entry: LayerEntry): Copy | undefined {
    return this.byLayer[layer]?.get(entry);
  }

  /** Copies whose bytes are in the final filesystem. */
  reachable(): Copy[] {
    return this.copies.filter((c) => c.owner !== null);
  }
}
