import { setImmediate as nextTick } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Rows } from '../types.js';
import type { BatchedInsert } from './batched-insert.js';
import type { Db } from './db.js';

/** One writer at a time on the connection: a store transaction holds it across its awaits. */
class WriteLock {
  private tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => next);
    await before;
    return release;
  }
}

/**
 * The one better-sqlite3 connection, and how repositories write on it. Outside a store
 * transaction each write is its own transaction, taken under the write lock; inside one (the
 * lock is held by it) writes join it. The lock is not a queue of work: SQLite has one writer,
 * and an async transaction on a shared connection must not let another write run inside it
 * (it would commit or roll back with it).
 */
export class Conn {
  private insideConn: Conn | undefined;

  private constructor(
    readonly db: Db,
    private readonly lock: WriteLock,
    readonly inTransaction: boolean,
    private readonly statements = new Map<string, Statement>(),
    private readonly holding = new Set<BatchedInsert>(),
  ) {}

  static open(db: Db): Conn {
    return new Conn(db, new WriteLock(), false);
  }

  /**
   * `insert` holds rows not yet written: they are written before the transaction they were added
   * in commits, whoever commits it, and dropped with it if it rolls back.
   */
  hold(insert: BatchedInsert): void {
    this.holding.add(insert);
  }

  private writeHeld(): void {
    for (const insert of this.holding) insert.flush();
    this.holding.clear();
  }

  private dropHeld(): void {
    for (const insert of this.holding) insert.discard();
    this.holding.clear();
  }

  /** Prepared once per connection and SQL text. */
  stmt(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** A synchronous write, in its own transaction (or the surrounding store transaction). */
  async write<T>(fn: () => T): Promise<T> {
    if (this.inTransaction) return fn();
    const release = await this.lock.acquire();
    try {
      return this.db.transaction(() => {
        const result = fn();
        this.writeHeld();
        return result;
      })();
    } catch (e) {
      this.dropHeld();
      throw e;
    } finally {
      release();
    }
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction, with a Conn whose writes join it. */
  async transaction<T>(fn: (inside: Conn) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    const release = await this.lock.acquire();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.inside());
        this.writeHeld();
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        this.dropHeld();
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      release();
    }
  }

  private inside(): Conn {
    return (this.insideConn ??= new Conn(this.db, this.lock, true, this.statements, this.holding));
  }

  /**
   * Inserts `rows` through `insert` in transactions of `chunk` rows, yielding to the event loop
   * between them so that reads of other images keep being served while a big image is written.
   * Rows of a synchronous iterable are pulled one at a time inside the transaction: none outlives
   * its statement (a few dozen rows), so none is promoted to the old generation (a big ingest
   * makes hundreds of thousands).
   */
  async insertChunked<T>(insert: BatchedInsert, rows: Rows<T>, bind: (row: T) => readonly unknown[], chunk: number, check?: () => void): Promise<number> {
    return this.runChunked(rows, (r) => insert.add(bind(r)), chunk, check);
  }

  /** As insertChunked, with `run` writing each row (e.g. rows of several tables in one stream). */
  async runChunked<T>(rows: Rows<T>, run: (row: T) => void, chunk: number, check?: () => void): Promise<number> {
    if (!(Symbol.iterator in rows)) return this.runChunkedAsync(rows, run, chunk, check);
    const it = rows[Symbol.iterator]();
    let done = false;
    const runChunk = (): number => {
      let n = 0;
      while (n < chunk) {
        const r = it.next();
        if (r.done) {
          done = true;
          break;
        }
        run(r.value);
        n++;
      }
      return n;
    };
    let count = 0;
    for (;;) {
      count += await this.write(runChunk);
      if (done) return count;
      await nextTick();
      check?.();
    }
  }

  /**
   * Batches from an asynchronous source are written as they arrive, inside one transaction held
   * (with the write lock) across the waits for the source until `chunk` rows are in: nothing is
   * buffered, so each row dies young. The source must not write on this connection itself.
   */
  private async runChunkedAsync<T>(batches: AsyncIterable<readonly T[]>, run: (row: T) => void, chunk: number, check?: () => void): Promise<number> {
    if (this.inTransaction) {
      let count = 0;
      for await (const batch of batches) {
        for (const r of batch) run(r);
        count += batch.length;
        check?.();
      }
      return count;
    }
    let count = 0;
    let inChunk = 0;
    let release: (() => void) | null = null;
    const commit = () => {
      this.writeHeld();
      this.db.exec('COMMIT');
      release!();
      release = null;
      inChunk = 0;
    };
    try {
      for await (const batch of batches) {
        if (!batch.length) continue;
        if (!release) {
          release = await this.lock.acquire();
          this.db.exec('BEGIN IMMEDIATE');
        }
        for (const r of batch) run(r);
        count += batch.length;
        inChunk += batch.length;
        if (inChunk >= chunk) {
          commit();
          await nextTick();
          check?.();
        }
      }
      if (release) commit();
      check?.();
      return count;
    } finally {
      if (release) {
        this.dropHeld();
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        (release as () => void)();
      }
    }
  }

  /** Deletes the rows `where` selects, `chunk` at a time (keyed by the table's primary key). */
  async deleteChunked(table: string, key: string, where: string, params: unknown[], chunk: number): Promise<void> {
    const stmt = this.stmt(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${chunk})`);
    while ((await this.write(() => stmt.run(...params).changes)) > 0) await nextTick();
  }
}
