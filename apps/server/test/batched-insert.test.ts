import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchedInsert } from '../src/store/sqlite/batched-insert.js';
import { Conn } from '../src/store/sqlite/conn.js';

/**
 * Rows a BatchedInsert holds back (a statement not yet full) are in the table when the
 * transaction they were added in commits, whichever way it was opened, and never when it rolls
 * back: the Conn writes or drops them, no caller has to.
 */
describe('SQLite: rows held by a BatchedInsert go with their transaction', () => {
  let db: Database.Database;
  let conn: Conn;
  const count = () => db.prepare('SELECT count(*) FROM t').pluck().get() as number;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER NOT NULL, label TEXT NOT NULL)');
    conn = Conn.open(db);
  });
  afterEach(() => db.close());

  it('a write commits every row added in it, a full statement and the rest', async () => {
    const insert = new BatchedInsert(conn, 't', ['n', 'label']);
    await conn.write(() => {
      for (let i = 0; i < 33; i++) insert.add([i, `row ${i}`]);
    });
    expect(count()).toBe(33);
    expect(db.prepare('SELECT max(n) FROM t').pluck().get()).toBe(32);
  });

  it('chunks of a synchronous source: each commit holds all its rows', async () => {
    const seen: number[] = [];
    const rows = Array.from({ length: 45 }, (_, i) => i);
    await conn.insertChunked(new BatchedInsert(conn, 't', ['n', 'label']), rows, (n) => [n, String(n)], 10, () => seen.push(count()));
    expect(seen).toEqual([10, 20, 30, 40]);
    expect(count()).toBe(45);
  });

  it('chunks of an asynchronous source: each commit holds all its rows', async () => {
    async function* batches(): AsyncGenerator<number[]> {
      for (let b = 0; b < 5; b++) yield Array.from({ length: 7 }, (_, i) => b * 7 + i);
    }
    const seen: number[] = [];
    const insert = new BatchedInsert(conn, 't', ['n', 'label']);
    await conn.runChunked(batches(), (n) => insert.add([n, String(n)]), 10, () => seen.push(count()));
    // Committed after 14 and 28 rows (batches of 7, chunks of at least 10), then the last 7.
    expect(seen.slice(0, 2)).toEqual([14, 28]);
    expect(count()).toBe(35);
  });

  it('a store transaction commits the rows its writes added', async () => {
    await conn.transaction(async (inside) => {
      const insert = new BatchedInsert(inside, 't', ['n', 'label']);
      await inside.write(() => insert.add([1, 'one']));
      await inside.insertChunked(insert, [2, 3, 4], (n) => [n, String(n)], 2);
      expect(count()).toBe(0);
    });
    expect(count()).toBe(4);
  });

  it('a rollback drops the rows held back: the next commit does not write them', async () => {
    const insert = new BatchedInsert(conn, 't', ['n', 'label']);
    const kept: Array<{ n: number; label: string }> = [];
    const keepOne = async () => {
      const n = kept.length;
      await conn.write(() => insert.add([n, 'kept']));
      kept.push({ n, label: 'kept' });
      expect(db.prepare('SELECT n, label FROM t ORDER BY n').all()).toEqual(kept);
    };
    await expect(conn.write(() => {
      for (let i = 0; i < 5; i++) insert.add([i, 'doomed']);
      throw new Error('fails inside the write');
    })).rejects.toThrow('fails inside the write');
    await keepOne();
    await expect(conn.transaction(async (inside) => {
      await inside.write(() => insert.add([9, 'doomed too']));
      throw new Error('fails inside the transaction');
    })).rejects.toThrow('fails inside the transaction');
    await keepOne();
    async function* failing(): AsyncGenerator<number[]> {
      yield [1, 2, 3];
      throw new Error('the source fails');
    }
    await expect(conn.runChunked(failing(), (n) => insert.add([n, 'doomed']), 10)).rejects.toThrow('the source fails');
    await keepOne();
  });
});
