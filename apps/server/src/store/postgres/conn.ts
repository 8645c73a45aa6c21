import { createHash } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import type { Rows } from '../types.js';
import { insertRows } from './bulk.js';
import { currentTransaction, inTransaction, oneAtATime, type PgClient, type PgPool, type Queryable } from './pool.js';

/** Statement names by SQL text: each text is parsed and planned once per connection. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `peel_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
}

/**
 * `@name` placeholders (as the SQLite store writes them) → PostgreSQL's `$n`, the same name
 * the same number. Compiled once per text.
 */
const compiled = new Map<string, { text: string; order: string[] }>();
export function named(sql: string): { text: string; order: string[] } {
  let c = compiled.get(sql);
  if (!c) {
    const order: string[] = [];
    const text = sql.replace(/@([a-zA-Z_][a-zA-Z0-9_]*)/g, (_, name: string) => {
      let i = order.indexOf(name);
      if (i < 0) i = order.push(name) - 1;
      return `$${i + 1}`;
    });
    compiled.set(sql, (c = { text, order }));
  }
  return c;
}

/**
 * Where a repository's statements run: the pool (each statement, or each `tx`, on a connection
 * of its own) or one transaction's client (everything joins that transaction).
 */
export class PgConn {
  constructor(readonly pool: PgPool, private readonly own: PgClient | null) {}

  /** The transaction's client: this conn's own, or that of the transaction the caller runs inside. */
  get client(): PgClient | null {
    return this.own ?? currentTransaction(this.pool);
  }

  get db(): Queryable {
    const client = this.client;
    return client ? oneAtATime(client) : this.pool;
  }

  get inTransaction(): boolean {
    return this.client !== null;
  }

  async rows<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>({ name: statementName(text), text, values })).rows;
  }

  async one<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, values))[0];
  }

  /** Rows as arrays of column values (positional, no object per row). */
  async arrays(text: string, values: unknown[] = []): Promise<unknown[][]> {
    return (await this.db.query<unknown[]>({ name: statementName(text), text, values, rowMode: 'array' })).rows;
  }

  /** `sql` with `@name` placeholders, bound from `params`. */
  async namedArrays(sql: string, params: Record<string, unknown>): Promise<unknown[][]> {
    const { text, order } = named(sql);
    return this.arrays(text, order.map((n) => params[n]));
  }

  async run(text: string, values: unknown[] = []): Promise<number> {
    return (await this.db.query({ name: statementName(text), text, values })).rowCount ?? 0;
  }

  /** Runs `fn` in one transaction: this one when inside one, else a new one on a pooled client. */
  async tx<T>(fn: (c: PgConn) => Promise<T>, isolation?: 'repeatable read'): Promise<T> {
    const client = this.client;
    if (client) return fn(this.own ? this : new PgConn(this.pool, client));
    return inTransaction(this.pool, (client) => fn(new PgConn(this.pool, client)), { isolation });
  }

  /** Multi-row INSERTs of `chunk` rows (each its own statement, committed as it goes unless inside a transaction). */
  insert<T>(table: string, columns: readonly string[], rows: Rows<T>, bind: (row: T) => unknown[], opts: { chunkRows: number; check?: () => void }, suffix = ''): Promise<number> {
    return insertRows(this.db, table, columns, mapRows(rows, bind), opts, suffix);
  }

  /** Deletes the rows `where` selects, `chunk` at a time, each chunk its own statement. */
  async deleteChunked(table: string, where: string, values: unknown[], chunk: number): Promise<void> {
    const text = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${chunk}))`;
    while ((await this.run(text, values)) > 0);
  }
}

function mapRows<T>(rows: Rows<T>, bind: (row: T) => unknown[]): Iterable<unknown[]> | AsyncIterable<unknown[]> {
  if (Symbol.asyncIterator in rows) {
    return (async function* () {
      for await (const batch of rows) for (const r of batch) yield bind(r);
    })();
  }
  return (function* () {
    for (const r of rows) yield bind(r);
  })();
}
