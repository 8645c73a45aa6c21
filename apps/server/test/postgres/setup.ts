import { afterAll } from 'vitest';
import { dropTestDatabases, testServerUrl } from './databases.js';

// The PostgreSQL run must not pass by quietly running on SQLite.
if (!testServerUrl()) throw new Error('vitest.postgres.config.ts needs PEEL_TEST_DATABASE_URL (scripts/postgres.sh start prints one)');

afterAll(dropTestDatabases);
