import { defineConfig } from 'vitest/config';
// One suite: command tests on the fixtures plus the Docker interop tests; globalSetup starts (or
// reuses) the repository's private dockerd, as the engine's interop suite does.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/interop/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
