import { defineConfig } from 'vitest/config';
// Interop: a real Docker engine, skopeo and umoci. globalSetup starts our own dockerd.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/interop/**/*.test.ts'],
    globalSetup: ['test/interop/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // A stray `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
  },
});
