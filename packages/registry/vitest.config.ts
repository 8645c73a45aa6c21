import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { conditions: ['source'] },
  // allowOnly: false — a stray `.only` fails the run instead of silently skipping the rest.
  test: { include: ['test/**/*.test.ts'], exclude: ['test/interop/**'], testTimeout: 60_000, allowOnly: false },
});
