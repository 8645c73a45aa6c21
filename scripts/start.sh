#!/usr/bin/env bash
# Sets up (if needed), builds the web UI and starts Peel on http://127.0.0.1:7777 (PORT, HOST,
# PEEL_DATA_DIR override). Data lives in ~/.local/share/peel by default.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ "$(pnpm --version 2>/dev/null || true)" != 12.4.2 ]; then
  PEEL_SETUP_SYSTEM=${PEEL_SETUP_SYSTEM:-0} bash scripts/setup.sh
fi
pnpm --filter @peel/web run build >/dev/null
node apps/server/scripts/build.mjs
# The server takes this process's place (no pnpm or sh in between that would swallow a TERM):
# Ctrl-C, a process manager or `docker stop` reaches Node, which closes the server and exits.
# Two malloc arenas (see apps/server/README.md): buffers made on the inflate and I/O threads and
# freed on the main one otherwise leave each thread's arena at its high-water mark.
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} exec node --max-semi-space-size=4 apps/server/dist/main.mjs
