import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeName, type ImageArchive, type ResolvedImage } from '@peel/engine';
import type { LayerEntry } from '@peel/engine';
import type { ChangeRow, ImageFacts, IngestOwner, IngestRepo, LayerFacts, MergedNodeRow, MergeRow, PendingImage, Rows, ShadowedRow, WriteOptions } from '../types.js';
import { LayerRows, type LayerEntryInsert } from '../sqlite/ingest.js';
import { ownerAlive } from '../owner.js';
import { bytesOf, pathCols, sparseJson, xattrsJson } from '../rows.js';
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

const LAYER_ENTRY_COLS = ['layer', 'seq', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime',
  'link_target', 'dev_major', 'dev_minor', 'xattrs', 'data_offset', 'header_offset', 'digest', 'implicit', 'sparse'];
const NODE_COLS = ['image', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'link_target',
  'dev_major', 'dev_minor', 'xattrs', 'layer', 'implicit', 'child_count', 'digest', 'content_layer', 'content_seq', 'bytes_below'];
const SHADOWED_COLS = ['image', 'parent', 'name', 'seq', 'type', 'mode', 'uid', 'gid', 'size', 'mtime', 'link_target',
  'layer', 'deleted_by', 'overwritten_by', 'digest'];
const CHANGE_COLS = ['image', 'layer', 'seq', 'path', 'change', 'type', 'size', 'previous_layer', 'metadata_only', 'previous_size'];
const ARCHIVE_COLS = ['image', 'seq', 'path', 'type', 'size', 'digest', 'link_target', 'role', 'label', 'media_type'];

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
    await this.c.run(`UPDATE layers SET entry_count = $1, content_size = $2 WHERE key = $3`, [rows.entries, rows.content, layerKey]);
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
    const changes = new BulkInsert(this.c.db, 'layer_changes', CHANGE_COLS, opts);
    for await (const r of rows) {
      if (r.kind === 'node') await nodes.add(nodeValues(image, r.row));
      else if (r.kind === 'shadowed') await shadowed.add(shadowedValues(image, r.row));
      else await changes.add(changeValues(image, r.row));
    }
    await nodes.end();
    await shadowed.end();
    await changes.end();
  }

  async finish(pending: PendingImage, facts: ImageFacts, opts: WriteOptions): Promise<{ created: boolean; released: string[] }> {
    const key = await this.key(pending);
    let seq = 0;
    await this.c.insert('archive_entries', ARCHIVE_COLS, facts.archive.entries, (e) => [key, seq++, encodeName(e.path), e.type, e.size,
      e.digest, bytesOf(e.linkTarget), e.role, e.label, e.mediaType], opts);
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
    const { archive, image } = facts;
    const size = image.layers.reduce((sum, l) => sum + l.size, image.configRaw.length);
    return this.c.run(`UPDATE images SET id = $2, state = 'ready', name = $3, tags = $4, format = $5, platform = $6, platforms = $7,
        manifest_digest = $8, manifest_media_type = $9, config_digest = $10, config = $11, history = $12, problems = $13,
        archive_digest = $14, archive_size = $15, outer_compression = $16, size = $17, layer_count = $18, file_count = $19,
        created_at = $20, owner_pid = NULL, owner_host = NULL, owner_started = NULL, heartbeat_at = NULL
      WHERE key = $1 AND state = 'pending'`, [
      key, facts.id, facts.name, JSON.stringify(image.tags), archive.format, JSON.stringify(image.platform), JSON.stringify(archive.platforms),
      image.manifestDigest, image.manifestMediaType, image.configDigest, image.configRaw, JSON.stringify(image.history),
      JSON.stringify([...archive.problems, ...facts.mergeProblems]), archive.archiveDigest, archive.archiveSize, archive.outerCompression,
      size, image.layers.length, facts.fileCount, new Date().toISOString(),
    ]);
  }

  async abandon(pending: PendingImage, opts: WriteOptions): Promise<string[]> {
    const row = await this.c.one<{ key: number }>(`SELECT key FROM images WHERE id = $1`, [pending.token]);
    return row ? purgeImage(this.c, row.key, opts.chunkRows) : [];
  }

  async cleanupStale(staleMs: number, opts: WriteOptions): Promise<number> {
    const rows = await this.c.rows<{ key: number; state: string; owner_pid: number | null; owner_host: string | null; owner_started: string | null; heartbeat_at: string | null }>(
      `SELECT key, state, owner_pid, owner_host, owner_started, heartbeat_at FROM images WHERE state <> 'ready'`);
    let removed = 0;
    for (const r of rows) {
      const owner = r.owner_pid === null || r.owner_host === null ? null : { pid: r.owner_pid, host: r.owner_host, started: r.owner_started ?? '' };
      const beat = r.heartbeat_at === null ? 0 : Date.parse(r.heartbeat_at);
      // A delete another live process is running is finished by that process; finishing it here too would be harmless.
      if (r.state === 'pending' && owner && ownerAlive(owner) && Date.now() - beat < staleMs) continue;
      await purgeImage(this.c, r.key, opts.chunkRows);
      removed++;
    }
    // Layers a stopped process was dropping.
    for (const { key } of await this.c.rows<{ key: number }>(`SELECT key FROM layers WHERE entry_count = ${DROPPING}`)) await finishDrop(this.c, key, opts.chunkRows);
    return removed;
  }
}

function layerEntryValues(layer: number, seq: number, { entry: e, implicit }: LayerEntryInsert): unknown[] {
  const { parent, name } = pathCols(e.path);
  return [layer, seq, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor,
    e.devMinor, xattrsJson(e.xattrs), e.dataOffset, e.headerOffset, e.digest, implicit ? 1 : 0, sparseJson(e)];
}

function nodeValues(image: number, n: MergedNodeRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor,
    e.devMinor, xattrsJson(e.xattrs), n.layer, n.implicit ? 1 : 0, n.childCount, n.digest, n.contentLayer, n.contentSeq, n.bytesBelow];
}

function shadowedValues(image: number, n: ShadowedRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, n.seq, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, bytesOf(e.linkTarget), n.layer, n.deletedBy, n.overwrittenBy, n.digest];
}

function changeValues(image: number, c: ChangeRow): unknown[] {
  return [image, c.layer, c.seq, encodeName(c.path), c.change, c.type, c.size, c.previousLayer, c.metadataOnly ? 1 : 0, c.previousSize];
}
