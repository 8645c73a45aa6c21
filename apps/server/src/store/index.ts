import { join } from 'node:path';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store, StoreConfig } from './types.js';

export type * from './types.js';
export { DraftRevisionConflict } from './types.js';

/** A database URL without its password, for logs and messages. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:…@');

/** PEEL_DATABASE_URL (postgres://…) picks PostgreSQL; without it the embedded SQLite file in the data folder. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(join(config.dataDir, 'peel.db'));
}
