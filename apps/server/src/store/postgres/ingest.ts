import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImageArchive, LayerEntry, ResolvedImage } from '@peel/engine';
import {
  ARCHIVE_INSERT_COLS, archiveEntryValues, CHANGE_INSERT_COLS, changeValues, LAYER_ENTRY_COLS, layerEntryValues, LayerRows, NODE_COLS, nodeValues,
  READY_IMAGE_COLS, readyImageValues, SHADOWED_COLS, shadowedValues,
} from '../ingest-rows.js';
import { isLeftOver } from '../owner.js';
import { LEFTOVER_COLS, rowBatches, type LeftoverRow } from '../rows.js';
import type { ImageFacts, IngestOwner, IngestRepo, LayerFacts, MergeRow, PendingImage, Rows, WriteOptions } from '../types.js';
import { BulkInsert } from './bulk.js';
import type { PgConn } from './conn.js';
import { dropUnusedLayers, DROPPING, finishDrop, purgeImage, WRITING } from './purge.js';

/*
 * The SQLite store's ingest steps (see store/sqlite/ingest.ts), for several processes on one
 * database:
 * - a layer row is claimed with INSERT … ON CONFLICT (digest): of two processes scanning the same
 *   layer, one writes its entries (entry_count = WRITING until they are all in) and the other
 *   waits for it, then links the finished layer; a layer whose writer died is freed by the
 *   stale-owner cleanup the waiting process runs;
 * - finish flips the image to 'ready' in one UPDATE; a second process finishing the same image
 *   meets the unique id and answers with the first one's.
 */

/** An image with this many merged rows has its tables' statistics refreshed at once (see writeMergeRows). */
const ANALYZE_AFTER_ROWS = 10_000;

/** $1 the image's key, $2 its id, then READY_IMAGE_COLS. */
const FLIP_TO_READY = `UPDATE images SET id = $2, state = 'ready', ${READY_IMAGE_COLS.map((c, i) => `${c} = $${i + 3}`).join(', ')},
  owner_pid = NULL, owner_host = NULL, owner_started = NULL, heartbeat_at = NULL WHERE key = $1 AND state = 'pending'`;

/** How long a process waits for another's write of a layer before checking that the writer still runs. */
const LAYER_WAIT_CHECK_MS = 2000;
/** An owner whose heartbeat is older than this counts as gone when a layer wait checks. */
export const STALE_OWNER_MS = 60_000;
const UNIQUE_VIOLATION = '23505';

export class PgIngest implements IngestRepo {
  constructor(private readonly c: PgConn) {}

  private async key(pending: PendingImage): Promise<number> {
    const row = await this.c.one<{ key: number }>(`SELECT key FROM images WHERE id = $1 AND state = 'pending'`, [pending.token]);
    if (!row) throw new Error(`the pending image ${pending.token} is gone`);
    return row.key;
  }

  async begin(owner: IngestOwner): Promise<PendingImage> {
    const token = `pending:${randomUUID()}`;
    const now = new Date().toISOString();
    await this.c.run(`INSERT INTO images (id, state, name, tags, format, platform, platforms, config_digest, config,
        history, problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at,
        owner_pid, owner_host, owner_started, heartbeat_at)
      VALUES ($1, 'pending', '', '[]', '', '{}', '[]', '', '', '[]', '[]', '', 0, 'none', 0, 0, 0, $2, $3, $4, $5, $2)`,
    [token, now, owner.pid, owner.host, owner.started]);
    return { token };
  }

  async heartbeat(pending: PendingImage): Promise<void> {
    await this.c.run(`UPDATE images SET heartbeat_at = $1 WHERE id = $2 AND state = 'pending'`, [new Date().toISOString(), pending.token]);
  }

  async writeLayer(pending: PendingImage, layer: LayerFacts, entries: Rows<LayerEntry>, opts: WriteOptions): Promise<void> {
    // No check of its own here: the bulk insert checks before each of its statements.
    const key = await this.key(pending);
    const { layerKey, fresh } = await this.claimLayer(key, layer, opts);
    if (!fresh) return;
    // The link made with the claim keeps the half-written layer ours: a failure purges it with the pending image.
    const rows = new LayerRows();
    let seq = 0;
    await this.c.insert('layer_entries', LAYER_ENTRY_COLS, rows.rows(entries), (r) => layerEntryValues(layerKey, seq++, r), opts);
    // Marked complete, the layer is linked by other uploads of it: never by an upload that failed
    // meanwhile (its entries may have been cut short, or be none at all: no insert, no check).
    opts.check?.();
    await this.c.run(`UPDATE layers SET entry_count = $1, content_size = $2 WHERE key = $3`, [rows.entries, rows.content, layerKey]);
  }

  async releaseLayer(pending: PendingImage, layerDigest: string, opts: WriteOptions): Promise<void> {
    const key = await this.key(pending);
    const layers = await this.c.tx(async (t) => {
      const linked = (await t.rows<{ layer: number }>(`SELECT image_layers.layer FROM image_layers JOIN layers ON layers.key = image_layers.layer
        WHERE image_layers.image = $1 AND image_layers.idx < 0 AND layers.digest = $2`, [key, layerDigest])).map((r) => r.layer);
      await t.run(`DELETE FROM image_layers WHERE image = $1 AND idx < 0 AND layer = ANY($2::bigint[])`, [key, linked]);
      return linked;
    });
    await dropUnusedLayers(this.c, layers, opts.chunkRows);
  }

  /** Links the layer to the pending image, claiming its row to write (fresh) or waiting until another process has written it. */
  private async claimLayer(image: number, layer: LayerFacts, opts: WriteOptions): Promise<{ layerKey: number; fresh: boolean }> {
    let waitedSince = Date.now();
    for (;;) {
      const claimed = await this.c.tx(async (t) => {
        const inserted = await t.one<{ key: number }>(`INSERT INTO layers (digest, diff_id, compression, size, uncompressed_size, tar_blob,
            entry_count, content_size, problems) VALUES ($1, $2, $3, $4, $5, $6, ${WRITING}, 0, $7)
          ON CONFLICT (digest) DO NOTHING RETURNING key`,
        [layer.digest, layer.diffId, layer.compression, layer.size, layer.uncompressedSize, layer.tarBlob, JSON.stringify(layer.problems)]);
        let found: { key: number; fresh: boolean };
        if (inserted) found = { key: inserted.key, fresh: true };
        else {
          // Locked against a purge dropping it (see purge.ts); one being written or dropped is waited for.
          const row = await t.one<{ key: number; entry_count: number }>(`SELECT key, entry_count FROM layers WHERE digest = $1 FOR SHARE`, [layer.digest]);
          if (!row || row.entry_count < 0) return null;
          found = { key: row.key, fresh: false };
        }
        const { n } = (await t.one<{ n: number }>(`SELECT count(*) AS n FROM image_layers WHERE image = $1 AND idx < 0`, [image]))!;
        await t.run(`INSERT INTO image_layers (image, idx, layer, media_type, archive_path, history) VALUES ($1, $2, $3, '', $4, NULL)`,
          [image, -1 - n, found.key, layer.path]);
        return { layerKey: found.key, fresh: found.fresh };
      });
      if (claimed) return claimed;
      opts.check?.();
      if (Date.now() - waitedSince > LAYER_WAIT_CHECK_MS) {
        await this.cleanupStale(STALE_OWNER_MS, opts);
        waitedSince = Date.now();
      }
      await sleep(50);
    }
  }

  async linkLayers(pending: PendingImage, archive: ImageArchive, image: ResolvedImage, opts: WriteOptions): Promise<void> {
    const key = await this.key(pending);
    const provisional = await this.c.tx(async (t) => {
      const scanned = (await t.rows<{ layer: number }>(`SELECT DISTINCT layer FROM image_layers WHERE image = $1 AND idx < 0`, [key])).map((r) => r.layer);
      await t.run(`DELETE FROM image_layers WHERE image = $1 AND idx < 0`, [key]);
      const keys = new Map((await t.rows<{ key: number; digest: string }>(`SELECT key, digest FROM layers WHERE key = ANY($1::bigint[])`, [scanned])).map((r) => [r.digest, r.key]));
      await t.insert('image_layers', ['image', 'idx', 'layer', 'media_type', 'archive_path', 'history'], image.layers, (l) => {
        const layerKey = keys.get(l.blob);
        // Every layer blob was reported by the scan and claimed by writeLayer.
        if (layerKey === undefined) throw new Error(`layer ${l.blob} was not stored during the scan`);
        const i = image.layers.indexOf(l);
        const history = image.history.findIndex((h) => h.layer === i);
        return [key, i, layerKey, l.mediaType, l.archivePath, history < 0 ? null : history];
      }, { chunkRows: opts.chunkRows });
      const blobs = new Set([...archive.blobs, image.configDigest, ...image.layers.flatMap((l) => [l.blob, l.tarBlob])]);
      await t.insert('image_blobs', ['image', 'digest'], blobs, (d) => [key, d], { chunkRows: opts.chunkRows }, ' ON CONFLICT DO NOTHING');
      return scanned;
    });
    // The layers that were scanned but the image does not list.
    await dropUnusedLayers(this.c, provisional, opts.chunkRows);
  }

  async writeMergeRows(pending: PendingImage, rows: Rows<MergeRow>, opts: WriteOptions): Promise<void> {
    const image = await this.key(pending);
    // Each table gets its own multi-row INSERTs, filled from the one interleaved stream.
    const nodes = new BulkInsert(this.c.db, 'fs_nodes', NODE_COLS, opts);
    const shadowed = new BulkInsert(this.c.db, 'fs_shadowed', SHADOWED_COLS, opts);
    const changes = new BulkInsert(this.c.db, 'layer_changes', CHANGE_INSERT_COLS, opts);
    for await (const batch of rowBatches(rows)) {
      for (const r of batch) {
        if (r.kind === 'node') await nodes.add(nodeValues(image, r.row));
        else if (r.kind === 'shadowed') await shadowed.add(shadowedValues(image, r.row));
        else await changes.add(changeValues(image, r.row));
      }
    }
    const written = await nodes.end() + await shadowed.end();
    await changes.end();
    // Statistics that predate these rows would plan a search of this image as a filter over its
    // rows (each path lowered by a function call) instead of through the trigram index:
    // autovacuum would refresh them, but only later. ANALYZE samples a bounded number of rows.
    if (written >= ANALYZE_AFTER_ROWS) await this.c.run('ANALYZE fs_nodes, fs_shadowed');
  }

  async finish(pending: PendingImage, facts: ImageFacts, opts: WriteOptions): Promise<{ created: boolean; released: string[] }> {
    const key = await this.key(pending);
    let seq = 0;
    await this.c.insert('archive_entries', ARCHIVE_INSERT_COLS, facts.archive.entries, (e) => archiveEntryValues(key, seq++, e), opts);
    opts.check?.();
    const released: string[] = [];
    for (;;) {
      const existing = await this.c.one<{ key: number; state: string }>(`SELECT key, state FROM images WHERE id = $1`, [facts.id]);
      if (existing?.state === 'ready') return { created: false, released: [...released, ...await purgeImage(this.c, key, opts.chunkRows)] };
      // Being deleted while the same archive came in again: finish the delete, then store anew.
      if (existing) released.push(...await purgeImage(this.c, existing.key, opts.chunkRows));
      try {
        if (await this.flip(key, facts) === 0) throw new Error(`the pending image ${pending.token} is gone`);
        return { created: true, released };
      } catch (e) {
        // Another process finished the same image meanwhile: answer with it (next turn).
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
  }

  private flip(key: number, facts: ImageFacts): Promise<number> {
    return this.c.run(FLIP_TO_READY, [key, facts.id, ...readyImageValues(facts)]);
  }

  async abandon(pending: PendingImage, opts: WriteOptions): Promise<string[]> {
    const row = await this.c.one<{ key: number }>(`SELECT key FROM images WHERE id = $1`, [pending.token]);
    return row ? purgeImage(this.c, row.key, opts.chunkRows) : [];
  }

  async cleanupStale(staleMs: number, opts: WriteOptions): Promise<number> {
    const rows = await this.c.rows<LeftoverRow>(`SELECT ${LEFTOVER_COLS} FROM images WHERE state <> 'ready'`);
    let removed = 0;
    for (const r of rows) {
      // A delete another live process is running is finished by that process; finishing it here too would be harmless.
      if (!isLeftOver(r, staleMs)) continue;
      await purgeImage(this.c, r.key, opts.chunkRows);
      removed++;
    }
    // Layers a stopped process was dropping.
    for (const { key } of await this.c.rows<{ key: number }>(`SELECT key FROM layers WHERE entry_count = ${DROPPING}`)) await finishDrop(this.c, key, opts.chunkRows);
    return removed;
  }
}
