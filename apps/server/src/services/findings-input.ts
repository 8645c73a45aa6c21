import type { AnalyzeInput, HistoryStep, ImageConfig, LayerEntry } from '@peel/engine';
import type { Db } from '../store/db.js';
import type { LayerEntryRow } from '../store/fs-repo.js';
import type { ImageLayerRow, ImageRow } from '../store/images-repo.js';
import { toLayerEntry } from './entries.js';

/**
 * The engine's analysis input, read back from the store: each layer's own entries in tar order
 * (the directories the store adds for browsing, `implicit`, left out), the layers' sizes and
 * tars, the history and the config. A layer used twice is read once.
 */
export class FindingsInputReader {
  private readonly entriesStmt;

  constructor(db: Db) {
    this.entriesStmt = db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND implicit = 0 ORDER BY seq`);
  }

  read(row: ImageRow, layers: ImageLayerRow[]): Omit<AnalyzeInput, 'store' | 'options'> {
    const byKey = new Map<number, LayerEntry[]>();
    const entries = layers.map((l) => {
      let list = byKey.get(l.layer);
      if (!list) {
        list = [];
        for (const r of this.entriesStmt.iterate(l.layer)) list.push(toLayerEntry(r as LayerEntryRow));
        byKey.set(l.layer, list);
      }
      return list;
    });
    return {
      layers: entries,
      layerFacts: layers.map((l) => ({ size: l.size, uncompressedSize: l.uncompressed_size, tarBlob: l.tar_blob })),
      history: JSON.parse(row.history) as HistoryStep[],
      config: JSON.parse(row.config.toString('utf8')) as ImageConfig,
    };
  }
}
