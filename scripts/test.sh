#!/usr/bin/env bash
# The test command: sets up a fresh machine, then lint, typecheck, the unit tests of every
# package, the server's suites again on a private PostgreSQL (scripts/postgres.sh), the interop
# suites of the engine, the server (on SQLite, then on PostgreSQL), the registry client and the CLI against real tools (Docker
# started here; private registries by the registry suite; podman
# and containerd started by the server's suite, each private), and the browser tests. Ends with
# a summary: skipped tests, then `steps: …` and `tests: …` lines.
# A skipped (or todo, or not run) test fails its step: nothing may pass by not running.
set -uo pipefail
# A log named relative to where the caller stands (--count), before moving to the repo root.
[ "${1:-}" = --count ] && set -- --count "$(realpath "$2")"
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0

# Prints "passed failed skipped" for one step's log. vitest ends each run with a line like
# " Tests  1 failed | 12 passed | 2 skipped | 1 todo (16)" (after pnpm's package prefix when
# several run); Playwright (list reporter) with lines
# "  22 passed (31.2s)", "  1 failed", "  2 skipped", "  3 did not run".
count_tests() {
  local log=$1 summary
  sum() { grep -oE "[0-9]+ ($1)" | awk '{s+=$1} END {print s+0}'; }
  if grep -qE 'Running [0-9]+ tests? using [0-9]+ workers?' "$log"; then
    summary=$(grep -E '^ +[0-9]+ (passed|failed|flaky|skipped|did not run|interrupted)( \(|$)' "$log")
    echo "$(sum passed <<<"$summary") $(sum 'failed|flaky|interrupted' <<<"$summary") $(sum 'skipped|did not run' <<<"$summary")"
  else
    summary=$(grep -oE 'Tests +[0-9][^(]*' "$log")
    echo "$(sum passed <<<"$summary") $(sum failed <<<"$summary") $(sum 'skipped|todo' <<<"$summary")"
  fi
}

# `scripts/test.sh --count LOG` prints what the summary counts in one step's log, and stops.
if [ "${1:-}" = --count ]; then count_tests "$2"; exit 0; fi

bash scripts/setup.sh || { echo "setup: 0 passed, 1 failed"; exit 1; }
DOCKER_HOST="$(bash scripts/dockerd.sh start)" || { echo "dockerd: 0 passed, 1 failed"; exit 1; }
export DOCKER_HOST

logs=$(mktemp -d)
passed=0; failed=0; tests_passed=0; tests_failed=0; tests_skipped=0; failures=()
# The machine's busy and total CPU ticks so far (user, nice, system, irq, softirq; + idle, iowait).
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
step() {
  local name=$1; shift
  echo "=== $name: $*"
  local ok=1 p f s start=$SECONDS busy0 total0 busy1 total1
  read -r busy0 total0 < <(cpu_ticks)
  "$@" 2>&1 | tee "$logs/$name.log" || ok=0
  read -r busy1 total1 < <(cpu_ticks)
  # How long each step took and how busy it kept the machine's cores: where npm test's time goes.
  echo "=== $name: $((SECONDS - start)) s, cores busy $(( (busy1 - busy0) * 100 / (total1 - total0 > 0 ? total1 - total0 : 1) ))%"
  read -r p f s < <(count_tests "$logs/$name.log")
  if [ "$s" -gt 0 ]; then echo "$name: $s test(s) skipped: a test that does not run is a failure here"; ok=0; fi
  if [ "$ok" = 1 ]; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$name"); fi
  tests_passed=$((tests_passed+p)); tests_failed=$((tests_failed+f)); tests_skipped=$((tests_skipped+s))
}

step lint pnpm run lint
step typecheck pnpm run typecheck
step unit pnpm run test:unit
step unit-postgres pnpm run test:unit-postgres
step interop-engine pnpm run test:interop-engine
step interop-server pnpm run test:interop-server
step interop-server-postgres pnpm run test:interop-server-postgres
step interop-registry pnpm run test:interop-registry
step interop-cli pnpm run test:interop-cli
step e2e pnpm run test:e2e
rm -rf "$logs"
# The private PostgreSQL is ours alone (nothing else starts it): it goes with its data.
bash scripts/postgres.sh stop
[ ${#failures[@]} -gt 0 ] && echo "failed steps: ${failures[*]}"
echo "time: $SECONDS s"
echo "skipped tests: $tests_skipped"
echo "steps: $passed passed, $failed failed"
echo "tests: $tests_passed passed, $tests_failed failed"
[ "$failed" = 0 ]
