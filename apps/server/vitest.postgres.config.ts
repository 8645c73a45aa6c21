import { defineConfig } from 'vitest/config';

/*
 * The PostgreSQL store's tests, on the server PEEL_TEST_DATABASE_URL names (scripts/postgres.sh
 * start prints one); every app data folder and every test gets its own database
 * (test/postgres/databases.ts), dropped when its file ends.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/postgres/**/*.test.ts'],
    setupFiles: ['test/postgres/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    allowOnly: false,
  },
});
