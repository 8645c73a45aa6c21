import { defineConfig } from 'vitest/config';
// Interop: exports loaded by a real Docker engine, podman, containerd, skopeo and umoci, and the
// Docker features (open from Docker, run) against a real engine. The engine's global setup starts
// (or reuses) our private dockerd; the registry suites start Debian's docker-registry themselves (scripts/dockerd.sh); podman and containerd are started by the
// suite that uses them (scripts/podman.sh, scripts/containerd.sh).
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/interop/**/*.test.ts', 'test/docker/docker-interop.test.ts', 'test/registry/**/*.test.ts'],
    globalSetup: ['../../packages/engine/test/interop/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two files at a time on two cores: a file here mostly waits on Docker, podman, containerd or a
    // registry, each private to the file that starts it (images tagged per run, ports from the
    // OS). One at a time left a core idle: 398 s against 333 s two at a time (185 s against 257 s
    // on PostgreSQL).
    maxWorkers: 2,
    // A stray `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
  },
});
