import { defineConfig } from 'vitest/config';
// The command tests on the fixtures; the Docker interop tests have their own config
// (vitest.interop.config.ts) and step.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A stray `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
  },
});
