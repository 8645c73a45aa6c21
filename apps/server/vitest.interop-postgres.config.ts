import { defineConfig, mergeConfig } from 'vitest/config';
import interop from './vitest.interop.config.js';

/*
 * The interop suites again with the index on PostgreSQL (PEEL_TEST_DATABASE_URL, as the route
 * suites' PostgreSQL run): what Docker, podman, containerd, skopeo, umoci and the registry say
 * of Peel's exports and opens must not depend on the store. Left out of this run: the 501,113-entry
 * image Docker builds (big-image.test.ts, three minutes on SQLite alone), to keep `npm test`
 * within its time; PEEL_TEST_BIG_IMAGE=1 runs it here too.
 */
export default mergeConfig(interop, defineConfig({
  test: {
    setupFiles: ['test/postgres/setup.ts'],
    exclude: process.env.PEEL_TEST_BIG_IMAGE === '1' ? [] : ['test/interop/big-image.test.ts'],
  },
}));
