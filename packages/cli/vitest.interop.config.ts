import { defineConfig } from 'vitest/config';
// Interop: what peel builds and edits, loaded and run by a real Docker engine. globalSetup
// starts (or reuses) the repository's private dockerd, as the engine's interop suite does.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/interop/**/*.test.ts'],
    globalSetup: ['test/interop/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A stray `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
  },
});
