import { defineConfig } from 'vitest/config';
// Interop: exports loaded by a real Docker engine, skopeo and umoci. The engine's global setup
// starts (or reuses) our private dockerd (scripts/dockerd.sh).
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/interop/**/*.test.ts'],
    globalSetup: ['../../packages/engine/test/interop/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // A stray `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
  },
});
