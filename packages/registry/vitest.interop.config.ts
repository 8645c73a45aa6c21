import { defineConfig } from 'vitest/config';
// Interop: the real registry (docker-registry, three auth modes), skopeo and Docker. globalSetup
// starts the registries (scripts/registry.sh) and puts the fixture images in them with skopeo.
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
