#!/usr/bin/env bash
# A private, rootful podman for the interop tests, beside any other one: its own containers.conf
# and storage.conf (nothing read from /etc/containers or ~/.config/containers), storage root,
# run root, temp and network folders under one folder; overlay storage; containers get no network.
# podman has no daemon: `start` writes the configuration and prints the environment to run with:
#   export $(bash scripts/podman.sh start); podman load -i image.tar
# Usage: scripts/podman.sh start|env|stop.
set -euo pipefail
ROOT=${PEEL_PODMAN_ROOT:-/tmp/peel-podman}
DRIVER=${PEEL_PODMAN_DRIVER:-overlay}
ENV="CONTAINERS_CONF=$ROOT/containers.conf CONTAINERS_STORAGE_CONF=$ROOT/storage.conf"

case "${1:-start}" in
  env) echo "$ENV" ;;
  start)
    command -v podman >/dev/null || { echo "podman is not installed: run scripts/setup.sh" >&2; exit 1; }
    mkdir -p "$ROOT/tmp" "$ROOT/networks"
    # Each file written aside and renamed: a podman running now reads the old file or the new one.
    cat >"$ROOT/storage.conf.$$" <<EOF
[storage]
driver = "$DRIVER"
graphroot = "$ROOT/root"
runroot = "$ROOT/runroot"
EOF
    # Podman's rootful defaults raise nofile and nproc to 1M/4M in every container; without
    # CAP_SYS_RESOURCE (a sandboxed or nested host) runc cannot set them, so ask for modest ones.
    cat >"$ROOT/containers.conf.$$" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$ROOT/events.log"
tmp_dir = "$ROOT/tmp"
image_copy_tmp_dir = "$ROOT/tmp"

[network]
network_config_dir = "$ROOT/networks"
EOF
    mv -f "$ROOT/storage.conf.$$" "$ROOT/storage.conf"
    mv -f "$ROOT/containers.conf.$$" "$ROOT/containers.conf"
    # shellcheck disable=SC2086 # $ENV is two assignments
    env $ENV podman info --format '{{.Store.GraphRoot}}' >/dev/null \
      || { echo "podman does not start with $ROOT/containers.conf" >&2; exit 1; }
    echo "$ENV" ;;
  stop)
    # Removes every image and container of this storage (and only of it), then the folder.
    if [ -f "$ROOT/storage.conf" ]; then
      # shellcheck disable=SC2086
      env $ENV podman system reset --force >/dev/null 2>&1 || true
    fi
    rm -rf "$ROOT" ;;
  *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
