import { setImmediate as nextTick } from 'node:timers/promises';
import { ExternalSort } from '@peel/engine';
import type { ImageId, SearchIndexRepo } from '../types.js';
import { BatchedInsert } from './batched-insert.js';
import type { Conn } from './conn.js';

/** Names remembered as seen: a repeated name (index.js, f0001.txt) then costs nothing more. */
const RECENT_NAMES = 8192;
/** Names written per transaction once the rows are in. */
const NAMES_CHUNK = 4096;

/**
 * Fills an image's fs_folders and fs_names (the substring search's index, see migrations.ts) as
 * its merged rows are written. Rows come a folder at a time, so a parent is written (inside the
 * row writer's transaction) once per run of its rows. Names come in no useful order: written as
 * they come, a million names unlike each other (content hashes) cost SQLite a random b-tree
 * insert each, 110 s for 3 million here against 4 s in order; so the names not seen lately
 * are sorted on disk, and written in order, each once, after the rows.
 */
export class SearchIndexWriter {
  /** The folder of the live and of the shadowed rows being noted, and how many rows it has had so far in this run. */
  private readonly runs = [{ folder: undefined as Buffer | undefined, rows: 0 }, { folder: undefined as Buffer | undefined, rows: 0 }];
  private readonly recentNames = new Set<string>();
  /** Names as latin1 strings: one character per byte, so that string order is byte order. */
  private readonly names = new ExternalSort<string>({
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    encode: (name) => [name],
    decode: ([name]) => name as string,
  });

  constructor(private readonly c: Conn, private readonly image: number) {}

  /** Called for every fs_nodes row and (`shadowed`) fs_shadowed row, inside a transaction of the rows' writer. */
  note(parent: Buffer, name: Buffer, shadowed: boolean): void {
    const run = this.runs[shadowed ? 1 : 0];
    if (run.folder === undefined || !run.folder.equals(parent)) {
      this.endRun(shadowed ? 1 : 0);
      run.folder = parent;
    }
    run.rows++;
    const key = name.toString('latin1');
    if (this.recentNames.has(key)) return;
    if (this.recentNames.size >= RECENT_NAMES) this.recentNames.clear();
    this.recentNames.add(key);
    this.names.add(key);
  }

  /** A folder's run of rows of one kind (0: live, 1: shadowed) counted into fs_folders (a folder's rows may come in several runs). */
  private endRun(kind: 0 | 1): void {
    const run = this.runs[kind];
    if (run.folder === undefined) return;
    this.c.stmt(`INSERT INTO fs_folders (image, folder, live, shadowed, live_rows, shadowed_rows) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (image, folder) DO UPDATE SET live = max(live, excluded.live), shadowed = max(shadowed, excluded.shadowed),
        live_rows = live_rows + excluded.live_rows, shadowed_rows = shadowed_rows + excluded.shadowed_rows`)
      .run(this.image, run.folder, 1 - kind, kind, kind === 0 ? run.rows : 0, kind === 1 ? run.rows : 0);
    run.folder = undefined;
    run.rows = 0;
  }

  /** Once every row is written: the last runs' folders, then the names. */
  async writeNames(check?: () => void): Promise<void> {
    await this.c.write(() => {
      this.endRun(0);
      this.endRun(1);
    });
    const insert = this.c.stmt(`INSERT OR IGNORE INTO fs_names (image, name) VALUES (?, ?)`);
    let chunk: Buffer[] = [];
    const flush = async () => {
      check?.();
      const names = chunk;
      chunk = [];
      await this.c.write(() => {
        for (const name of names) insert.run(this.image, name);
      });
    };
    let last: string | undefined;
    for await (const batch of this.names.sorted()) {
      for (const name of batch) {
        if (name === last) continue;
        last = name;
        chunk.push(Buffer.from(name, 'latin1'));
      }
      if (chunk.length >= NAMES_CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  }

  /** Removes the sort's files (whether or not the names were written). */
  dispose(): void {
    this.names.dispose();
  }
}

/** A row of fs_by_name: name and parent as latin1 strings (string order is then byte order), deleted, seq. */
type ByName = [string, string, number, number];
const byNameOrder = (a: ByName, b: ByName): number =>
  (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2] || a[3] - b[3]);

/** Rows of fs_nodes and fs_shadowed read per keyset page while the rows by name are sorted. */
const READ_PAGE = 4096;
/**
 * Rows per run of the sort: a run is sorted and written in one synchronous step, which requests
 * wait behind (16,384 short rows: about 10–20 ms here).
 */
const SORT_RUN_ROWS = 16_384;

/**
 * Builds an image's fs_by_name after its ingest: its rows read in key order a page at a time,
 * sorted on disk by name, written in order (a b-tree filled in key order; written as the merge
 * emitted them, the same rows cost SQLite a random insert each), and each name's rows counted
 * into fs_name_counts as they go by. Each transaction first checks
 * that the image is still the stored one, so a delete midway stops the build, and the ready
 * mark is written last.
 */
export class SqliteSearchIndex implements SearchIndexRepo {
  constructor(private readonly c: Conn) {}

  async pending(): Promise<ImageId[]> {
    return this.c.stmt(`SELECT id FROM images WHERE state = 'ready' AND key NOT IN (SELECT image FROM fs_by_name_ready) ORDER BY key`)
      .pluck().all() as ImageId[];
  }

  async build(id: ImageId, opts: { signal: AbortSignal; chunkRows: number }): Promise<void> {
    const image = this.c.stmt(`SELECT key, created_at AS createdAt FROM images WHERE id = ? AND state = 'ready'`).get(id) as { key: number; createdAt: string } | undefined;
    if (image === undefined) return;
    const { key, createdAt } = image;
    // Still the image whose rows are read: deleted and stored again (same id, and SQLite may give
    // it the same key) it is another, whose own build follows.
    const stored = () => this.c.stmt(`SELECT 1 FROM images WHERE key = ? AND id = ? AND created_at = ? AND state = 'ready'`).pluck().get(key, id, createdAt) === 1;
    if (this.c.stmt(`SELECT 1 FROM fs_by_name_ready WHERE image = ?`).pluck().get(key) === 1) return;
    // A build a stop interrupted left some rows: start again from none.
    await this.c.deleteChunked('fs_by_name', 'image, name, parent, deleted, seq', 'image = ?', [key], opts.chunkRows);
    await this.c.deleteChunked('fs_name_counts', 'image, name', 'image = ?', [key], opts.chunkRows);
    const sort = new ExternalSort<ByName>({
      compare: byNameOrder,
      encode: (r) => r,
      decode: (a) => a as ByName,
      chunkRows: SORT_RUN_ROWS,
    });
    try {
      await this.readRows(key, sort, opts.signal, stored);
      if (!stored()) return;
      const insert = new BatchedInsert(this.c, 'fs_by_name', ['image', 'name', 'parent', 'deleted', 'seq']);
      const insertCount = new BatchedInsert(this.c, 'fs_name_counts', ['image', 'name', 'live', 'shadowed']);
      let chunk: ByName[] = [];
      // The name whose rows are being counted (its rows come one after another), and its counts.
      let name: string | null = null;
      let nameBytes = Buffer.alloc(0);
      let counts = [0, 0];
      const flush = async (last: boolean): Promise<boolean> => {
        // Requests are served between transactions: the lock alone would hand the connection
        // straight back to the build.
        await nextTick();
        opts.signal.throwIfAborted();
        const rows = chunk;
        chunk = [];
        return this.c.write(() => {
          if (!stored()) return false;
          for (const [rowName, parent, deleted, seq] of rows) {
            if (rowName !== name) {
              if (name !== null) insertCount.add([key, nameBytes, counts[0], counts[1]]);
              name = rowName;
              nameBytes = Buffer.from(rowName, 'latin1');
              counts = [0, 0];
            }
            counts[deleted]++;
            insert.add([key, nameBytes, Buffer.from(parent, 'latin1'), deleted, seq]);
          }
          if (last && name !== null) insertCount.add([key, nameBytes, counts[0], counts[1]]);
          return true;
        });
      };
      for await (const batch of sort.sorted()) {
        for (const r of batch) chunk.push(r);
        if (chunk.length >= opts.chunkRows && !(await flush(false))) return;
      }
      if (!(await flush(true))) return;
      await this.c.write(() => {
        if (stored()) this.c.stmt(`INSERT OR IGNORE INTO fs_by_name_ready (image) VALUES (?)`).run(key);
      });
    } finally {
      sort.dispose();
    }
  }

  /** Every fs_nodes and fs_shadowed row's key of the image into `sort`, a keyset page at a time. */
  private async readRows(key: number, sort: ExternalSort<ByName>, signal: AbortSignal, stored: () => boolean): Promise<void> {
    for (const [table, cols, deleted] of [['fs_nodes', ['parent', 'name'], 0], ['fs_shadowed', ['parent', 'name', 'seq'], 1]] as const) {
      const list = cols.join(', ');
      const first = this.c.stmt(`SELECT ${list} FROM ${table} WHERE image = ? ORDER BY ${list} LIMIT ${READ_PAGE}`).raw();
      const next = this.c.stmt(`SELECT ${list} FROM ${table} WHERE image = ? AND (${list}) > (${cols.map(() => '?').join(', ')})
        ORDER BY ${list} LIMIT ${READ_PAGE}`).raw();
      let after: unknown[] | null = null;
      for (;;) {
        signal.throwIfAborted();
        const rows = (after ? next.all(key, ...after) : first.all(key)) as Array<[Buffer, Buffer, number?]>;
        for (const [parent, name, seq] of rows) sort.add([name.toString('latin1'), parent.toString('latin1'), deleted, seq ?? 0]);
        if (rows.length < READ_PAGE) break;
        after = rows[rows.length - 1];
        await nextTick();
        // Pages read across a delete and a new upload of the same image would mix the two.
        if (!stored()) return;
      }
    }
  }
}
