#!/usr/bin/env bash
# Starts (or stops) a private Docker engine for the interop tests, beside any other one:
# own data root, exec root, pidfile and socket; no networking (containers run --network none).
# Usage: scripts/dockerd.sh start|stop|host. Prints the DOCKER_HOST to use.
set -euo pipefail
ROOT=${PEEL_DOCKERD_ROOT:-/tmp/peel-dockerd}
SOCK="$ROOT/docker.sock"
HOST="unix://$SOCK"
DRIVER=${PEEL_DOCKERD_DRIVER:-overlay2}
case "${1:-start}" in
  host) echo "$HOST" ;;
  start)
    mkdir -p "$ROOT"
    if DOCKER_HOST="$HOST" docker version >/dev/null 2>&1; then echo "$HOST"; exit 0; fi
    command -v dockerd >/dev/null || { echo "dockerd is not installed: run scripts/setup.sh" >&2; exit 1; }
    # A daemon that is still starting (another caller launched it) is waited for, not doubled.
    if [ "$(cat "/proc/$(cat "$ROOT/dockerd.pid" 2>/dev/null || echo none)/comm" 2>/dev/null)" != dockerd ]; then
      # setsid + no inherited stdio: the daemon outlives the caller and is not killed with its
      # process group (Ctrl-C on a test run, a job runner ending the test command).
      setsid dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver="$DRIVER" \
        --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$ROOT/dockerd.pid" \
        --host "$HOST" </dev/null >"$ROOT/dockerd.log" 2>&1 &
    fi
    for _ in $(seq 1 100); do
      if DOCKER_HOST="$HOST" docker version >/dev/null 2>&1; then echo "$HOST"; exit 0; fi
      sleep 0.2
    done
    echo "dockerd did not start; see $ROOT/dockerd.log" >&2; tail -20 "$ROOT/dockerd.log" >&2; exit 1 ;;
  stop)
    if [ -f "$ROOT/dockerd.pid" ]; then
      kill "$(cat "$ROOT/dockerd.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do [ -f "$ROOT/dockerd.pid" ] || break; sleep 0.2; done
    fi ;;
  *) echo "usage: $0 start|stop|host" >&2; exit 2 ;;
esac
