import type { Db } from './db.js';
import { encodeName } from '@peel/engine';

/**
 * Bytes of file content below a folder of an image's merged filesystem, in one range scan of
 * fs_nodes: a folder's descendants are the rows whose parent is the folder or starts with
 * "folder/" (paths are stored as bytes, so "folder0" — '/' + 1 — bounds the range). Hard links
 * count with their target's size, as the engine's draft changes count them.
 */
export class SubtreeSizes {
  private readonly inDir;
  private readonly all;

  constructor(db: Db) {
    const sum = (where: string) => db.prepare(`SELECT coalesce(sum(CASE WHEN n.type = 'file' THEN n.size ELSE (
        SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
         WHERE il.image = n.image AND il.idx = n.content_layer) END), 0)
      FROM fs_nodes n
      WHERE n.image = @image AND ${where} AND (n.type = 'file' OR (n.type = 'hardlink' AND n.content_seq IS NOT NULL))`).pluck();
    this.inDir = sum(`(n.parent = @dir OR (n.parent >= @from AND n.parent < @to))`);
    this.all = sum('1');
  }

  /** Content bytes strictly below `dir` ('' is the root). */
  below(image: number, dir: string): number {
    if (dir === '') return this.all.get({ image }) as number;
    return this.inDir.get({ image, dir: encodeName(dir), from: encodeName(`${dir}/`), to: encodeName(`${dir}0`) }) as number;
  }
}
