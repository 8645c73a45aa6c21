import { inTransaction, type PgPool } from './pool.js';

/** Any constant: the advisory lock all Peel processes on one database take to migrate it. */
const MIGRATION_LOCK = 0x7065656c; // "peel"

/**
 * Brings the database's schema up to `migrations.length` versions. Several processes may start
 * at once on one database: each waits for the migration lock, so exactly one applies each version
 * and the others find it applied. Every version commits with its number or not at all.
 */
export async function migratePostgres(pool: PgPool, migrations: readonly string[]): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`the database was written by a newer Peel (schema ${current}, this one knows ${migrations.length})`);
    }
    for (let v = current; v < migrations.length; v++) await client.query(migrations[v]);
    if (rows.length === 0) await client.query('INSERT INTO schema_version VALUES ($1)', [migrations.length]);
    else await client.query('UPDATE schema_version SET version = $1', [migrations.length]);
  });
}
