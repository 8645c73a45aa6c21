import { defineConfig } from 'vitest/config';

/*
 * The server's route suites again with the index on PostgreSQL, plus the PostgreSQL store's own
 * tests and the two-process test: on the server PEEL_TEST_DATABASE_URL names (scripts/postgres.sh
 * start prints one); every app data folder gets its own database (test/postgres/databases.ts),
 * dropped when its file ends. Left out: what tests SQLite itself (its query plans, its folder
 * lock, its subtree-size statement, a crash as it leaves a SQLite file, its held-back inserts,
 * its reuse of a deleted image's row key, which PostgreSQL's sequences never do), and what needs
 * a Docker engine.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/docker/docker-interop.test.ts', 'test/query-plans.test.ts', 'test/folder-lock.test.ts',
      'test/subtree-size.test.ts', 'test/persistence.test.ts', 'test/key-reuse.test.ts', 'test/batched-insert.test.ts',
      // It checks pushes with `docker pull` and `docker run`: the interop step, which starts Docker, runs it.
      'test/registry/registry-push.test.ts'],
    setupFiles: ['test/postgres/setup.ts'],
    // Every query is a round trip to a server here: the page-by-page walks take longer than on SQLite.
    testTimeout: 300_000,
    // Two files at a time even on two cores (vitest would run one): a file here mostly waits on
    // PostgreSQL, so the suite took 425 s alone and 245 s two at a time (each file has its own
    // databases and data folders; the servers they start listen on ports the OS picks).
    maxWorkers: 2,
    hookTimeout: 300_000,
    allowOnly: false,
  },
});
