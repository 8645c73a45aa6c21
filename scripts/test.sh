#!/usr/bin/env bash
# The test command: sets up a fresh machine, then lint, typecheck, unit tests, the interop suites
# against a real Docker engine (started here), and the browser tests. Ends with a summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0
bash scripts/setup.sh || { echo "setup: 0 passed, 1 failed"; exit 1; }
DOCKER_HOST="$(bash scripts/dockerd.sh start)" || { echo "dockerd: 0 passed, 1 failed"; exit 1; }
export DOCKER_HOST

logs=$(mktemp -d)
passed=0; failed=0; tests_passed=0; tests_failed=0; failures=()
step() {
  local name=$1; shift
  echo "=== $name: $*"
  if "$@" 2>&1 | tee "$logs/$name.log"; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$name"); fi
  # vitest: "Tests  12 passed | 1 failed (13)"; playwright: "  22 passed (31.2s)" / "  1 failed"
  local p f
  p=$(grep -hoE 'Tests +[0-9][^(]*' "$logs/$name.log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  f=$(grep -hoE 'Tests +[0-9][^(]*' "$logs/$name.log" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
  if [ "$name" = e2e ]; then
    p=$(grep -hoE '^\s+[0-9]+ passed' "$logs/$name.log" | awk '{s+=$1} END {print s+0}')
    f=$(grep -hoE '^\s+[0-9]+ failed' "$logs/$name.log" | awk '{s+=$1} END {print s+0}')
  fi
  tests_passed=$((tests_passed+p)); tests_failed=$((tests_failed+f))
}
step lint pnpm run lint
step typecheck pnpm run typecheck
step unit pnpm run test:unit
step interop pnpm run test:interop
step e2e pnpm run test:e2e
rm -rf "$logs"
[ ${#failures[@]} -gt 0 ] && echo "failed steps: ${failures[*]}"
echo "steps: $passed passed, $failed failed"
echo "tests: $tests_passed passed, $tests_failed failed"
[ "$failed" = 0 ]
