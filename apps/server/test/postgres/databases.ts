import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * The route suites run against PostgreSQL with one database per data folder: what a test does to
 * one app's data folder is what it does to that app's database, so two apps on two folders are as
 * apart as on SQLite, and an app rebuilt on the same folder finds its rows again. The databases
 * live on the server PEEL_TEST_DATABASE_URL names (scripts/postgres.sh) and are dropped when the
 * test file ends.
 */
const created = new Set<string>();

export function testServerUrl(): string | undefined {
  return process.env.PEEL_TEST_DATABASE_URL || undefined;
}

/** The database URL for `dataDir`'s app (creating the database on first use). */
export async function databaseFor(dataDir: string): Promise<string> {
  const server = testServerUrl();
  if (!server) throw new Error('PEEL_TEST_DATABASE_URL is not set: start one with scripts/postgres.sh');
  const name = `peel_t_${createHash('sha1').update(dataDir).digest('hex').slice(0, 24)}`;
  if (!created.has(name)) {
    await withAdmin(server, async (c) => {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await c.query(`CREATE DATABASE ${name}`);
    });
    created.add(name);
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database this test file made (connections left open are ended). */
export async function dropTestDatabases(): Promise<void> {
  const server = testServerUrl();
  if (!server || created.size === 0) return;
  await withAdmin(server, async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  created.clear();
}

async function withAdmin<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
