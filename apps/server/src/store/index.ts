import { join } from 'node:path';
import { openSqliteStore } from './sqlite/index.js';
import type { Store, StoreConfig } from './types.js';

export type * from './types.js';
export { DraftRevisionConflict } from './types.js';

/** PEEL_DATABASE_URL (postgres://…) picks PostgreSQL; without it the embedded SQLite file in the data folder. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl) throw new Error(`PEEL_DATABASE_URL is set (${config.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')}), but this Peel has no PostgreSQL store`);
  return openSqliteStore(join(config.dataDir, 'peel.db'));
}
