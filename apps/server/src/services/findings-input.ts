import type { AnalyzeInput, HistoryStep, ImageConfig, LayerEntry, LayerEntryType } from '@peel/engine';
import type { Db } from '../store/db.js';
import type { ImageLayerRow, ImageRow } from '../store/images-repo.js';
import { decodeName } from '@peel/engine';
import { joinPath } from '../store/image-path.js';
import { dataRegions } from './entries.js';

type Row = [Buffer, Buffer, string, number, number, number, number, Buffer | null, string | null, number, number, string | null];

/**
 * The engine's analysis input, read back from the store: each layer's own entries in tar order
 * (the directories the store adds for browsing, `implicit`, left out), the layers' sizes and
 * tars, the history and the config. Only the columns the analysis uses are read, as arrays, and
 * each folder name is decoded once: this read is most of a large image's cost before analysis.
 * A layer used twice is read once.
 */
export class FindingsInputReader {
  private readonly entriesStmt;

  constructor(db: Db) {
    this.entriesStmt = db.prepare(`SELECT parent, name, type, mode, uid, gid, size, link_target, digest, data_offset, header_offset, sparse
      FROM layer_entries WHERE layer = ? AND implicit = 0 ORDER BY seq`).raw(true);
  }

  /** Reads layer by layer, letting other requests in between (a large image has 100k+ rows). */
  async read(row: ImageRow, layers: ImageLayerRow[]): Promise<Omit<AnalyzeInput, 'store' | 'options'>> {
    const byKey = new Map<number, LayerEntry[]>();
    const entries: LayerEntry[][] = [];
    for (const l of layers) {
      let list = byKey.get(l.layer);
      if (!list) {
        byKey.set(l.layer, (list = this.layerEntries(l.layer)));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      entries.push(list);
    }
    return {
      layers: entries,
      layerFacts: layers.map((l) => ({ size: l.size, uncompressedSize: l.uncompressed_size, tarBlob: l.tar_blob })),
      history: JSON.parse(row.history) as HistoryStep[],
      config: JSON.parse(row.config.toString('utf8')) as ImageConfig,
    };
  }

  private layerEntries(layerKey: number): LayerEntry[] {
    const parents = new Map<string, string>();
    const out: LayerEntry[] = [];
    for (const r of this.entriesStmt.iterate(layerKey) as IterableIterator<Row>) {
      const [parentRaw, name, type, mode, uid, gid, size, link, digest, dataOffset, headerOffset, sparse] = r;
      const key = parentRaw.toString('latin1');
      let parent = parents.get(key);
      if (parent === undefined) parents.set(key, (parent = decodeName(parentRaw)));
      out.push({
        path: joinPath(parent, decodeName(name)),
        type: type as LayerEntryType,
        mode,
        uid,
        gid,
        uname: '',
        gname: '',
        size,
        mtime: 0,
        linkTarget: link === null ? null : decodeName(link),
        devMajor: 0,
        devMinor: 0,
        xattrs: null,
        dataOffset,
        headerOffset,
        digest,
        sparse: dataRegions(sparse),
      });
    }
    return out;
  }
}
