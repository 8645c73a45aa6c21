#!/usr/bin/env bash
# Starts (or stops) a private containerd for the interop tests, beside any other one (Docker's
# own included): its own config file, root, state and sockets under one folder; no CRI plugin
# (nothing here is Kubernetes); `ctr run` gives each container a fresh, empty network namespace.
# Usage: scripts/containerd.sh start|stop|address. Prints the address (CONTAINERD_ADDRESS) to use:
#   export CONTAINERD_ADDRESS=$(bash scripts/containerd.sh start) CONTAINERD_NAMESPACE=peel
set -euo pipefail
ROOT=${PEEL_CONTAINERD_ROOT:-/tmp/peel-containerd}
SOCK="$ROOT/containerd.sock"
CONFIG="$ROOT/config.toml"
PIDFILE="$ROOT/containerd.pid"

alive() { ctr --address "$SOCK" version >/dev/null 2>&1; }

case "${1:-start}" in
  address) echo "$SOCK" ;;
  start)
    mkdir -p "$ROOT"
    if alive; then echo "$SOCK"; exit 0; fi
    command -v containerd >/dev/null && command -v ctr >/dev/null \
      || { echo "containerd is not installed: run scripts/setup.sh" >&2; exit 1; }
    # Written every start (aside, then renamed): the file is ours alone, and a changed script must
    # not meet an old one.
    cat >"$CONFIG.$$" <<EOF
version = 2
root = "$ROOT/root"
state = "$ROOT/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$ROOT/containerd.sock.ttrpc"

[debug]
  address = ""
  level = "info"

[plugins."io.containerd.internal.v1.opt"]
  path = "$ROOT/opt"
EOF
    mv -f "$CONFIG.$$" "$CONFIG"
    # Started only if no containerd of ours is already starting (another caller launched it).
    if [ "$(cat "/proc/$(cat "$PIDFILE" 2>/dev/null || echo none)/comm" 2>/dev/null)" != containerd ]; then
      # setsid + no inherited stdio: the daemon outlives the caller and its process group.
      setsid containerd --config "$CONFIG" </dev/null >"$ROOT/containerd.log" 2>&1 &
      echo $! >"$PIDFILE"
    fi
    for _ in $(seq 1 100); do
      if alive; then echo "$SOCK"; exit 0; fi
      sleep 0.2
    done
    echo "containerd did not start; see $ROOT/containerd.log" >&2; tail -20 "$ROOT/containerd.log" >&2; exit 1 ;;
  stop)
    if [ -f "$PIDFILE" ]; then
      pid=$(cat "$PIDFILE")
      if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = containerd ]; then
        kill "$pid"
        for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
      fi
      rm -f "$PIDFILE"
    fi ;;
  *) echo "usage: $0 start|stop|address" >&2; exit 2 ;;
esac
