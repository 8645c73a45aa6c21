import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;
/** Anything that runs a query: the pool (one statement, auto-commit) or a transaction's client. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const serialized = new WeakMap<PgClient, Queryable>();
/**
 * A transaction's client, one statement at a time: code inside a transaction may ask several
 * things at once (Promise.all), and a pg client runs one query at a time (pg 8 queues the rest
 * with a deprecation warning; pg 9 refuses them).
 */
export function oneAtATime(client: PgClient): Queryable {
  let q = serialized.get(client);
  if (!q) {
    let tail: Promise<unknown> = Promise.resolve();
    const run = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const query = (...args: unknown[]): Promise<unknown> => {
      const next = tail.then(() => run(...args));
      tail = next.catch(() => undefined);
      return next;
    };
    serialized.set(client, (q = { query: query as PgClient['query'] }));
  }
  return q;
}

const INT8 = 20;
const NUMERIC = 1700;

/*
 * BIGINT columns hold sizes, offsets, counts and row keys: all below 2^53, so they come back as
 * numbers as on SQLite. The driver's default (strings) would leak into every domain type; a value
 * past 2^53 is an error here, never a silently rounded size.
 */
function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && !/[.eE]/.test(text)) throw new RangeError(`a stored integer is beyond 2^53: ${text}`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/**
 * A pool on the database `url` names. Several Peel processes share the database, each with its
 * own pool; `max` bounds this process's share of the server's connections.
 */
export function openPool(url: string, max = 10): PgPool {
  const pool = new pg.Pool({ connectionString: url, max, types, application_name: `peel ${process.pid}` });
  // An idle client whose connection drops (server restart) reports here; without a listener
  // that would be an uncaught error. The next checkout opens a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `fn` in one transaction on one client: committed when it resolves, rolled back when it
 * throws. A serialization failure or deadlock (another process won a race) is retried afresh,
 * up to `retries` times: `fn` must therefore only touch the database and its own locals.
 */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>, opts: { isolation?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number } = {}): Promise<T> {
  // Already inside one: join it. Waiting for a second client while holding one is how a full
  // pool deadlocks (every holder waiting for a client only a holder can give back).
  const outer = currentTransaction(pool);
  if (outer) return fn(outer);
  const retries = opts.retries ?? 5;
  const busyUntil = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    const open: OpenTransaction = { pool, client, done: false };
    try {
      await oneAtATime(client).query(opts.isolation ? `BEGIN ISOLATION LEVEL ${opts.isolation.toUpperCase()}` : 'BEGIN');
      const result = await transactions.run(open, () => fn(client));
      open.done = true;
      await oneAtATime(client).query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      open.done = true;
      // A client whose ROLLBACK fails is broken: destroy it instead of giving it back.
      let broken: unknown;
      await oneAtATime(client).query('ROLLBACK').catch((e: unknown) => {
        broken = e;
      });
      client.release(broken instanceof Error ? broken : undefined);
      if (attempt < retries && isRetryable(err)) continue;
      // Another transaction holds what this one needs: try again shortly, its connection given back meanwhile.
      if (err instanceof LockBusy && Date.now() < busyUntil) {
        await sleep(5 + Math.random() * Math.min(100, 5 * attempt));
        continue;
      }
      throw err;
    }
  }
}

interface OpenTransaction {
  readonly pool: PgPool;
  readonly client: PgClient;
  done: boolean;
}

/*
 * The transaction the running code is inside, whichever path it took to get there: a service
 * holding `store.transaction`'s repos may still call the store's own repos (a memoised lookup,
 * a size) while the transaction runs. Those statements go to the transaction's client, never to
 * a second pooled one, and see what the transaction sees.
 */
const transactions = new AsyncLocalStorage<OpenTransaction>();

/** The client of the transaction on `pool` the calling code runs inside, while it is open. */
export function currentTransaction(pool: PgPool): PgClient | null {
  const open = transactions.getStore();
  return open && !open.done && open.pool === pool ? open.client : null;
}

/** 40001 serialization_failure, 40P01 deadlock_detected: the transaction lost a race and may run again. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/** How long a transaction keeps trying for a lock another one holds (LockBusy) before it fails. */
const LOCK_WAIT_MS = 60_000;

/** A lock this transaction tried for is held by another: inTransaction runs the work again. */
export class LockBusy extends Error {
  readonly code = 'LOCK_BUSY';
}
