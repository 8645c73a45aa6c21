#!/usr/bin/env bash
# The test command: sets up a fresh machine, then lint, typecheck, unit tests, the interop suite
# against a real Docker engine (started here), and the browser tests. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
export DOCKER_HOST="$(bash scripts/dockerd.sh start)" || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; failures=()
step() {
  local name=$1; shift
  echo "=== $name: $*"
  if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$name"); fi
}
step lint pnpm run lint
step typecheck pnpm run typecheck
step unit pnpm run test:unit
step interop pnpm run test:interop
step e2e pnpm run test:e2e
[ ${#failures[@]} -gt 0 ] && echo "failed steps: ${failures[*]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" = 0 ]
