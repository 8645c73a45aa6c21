import { defineConfig } from 'vitest/config';
// Routes, store and services; what needs a real Docker engine runs in vitest.interop.config.ts,
// what needs a PostgreSQL server in vitest.postgres.config.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  // allowOnly: false — a stray `.only` fails the run instead of silently skipping the rest.
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/docker/docker-interop.test.ts', 'test/registry/**', 'test/postgres/**', 'test/two-process.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    allowOnly: false,
    // Two files at a time even on two cores (vitest would run one): this suite outlasts every other
    // package's in the unit step, and on its own it left a core idle for minutes.
    maxWorkers: 2,
  },
});
