#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL for the tests and the bench, beside any other one
# (Debian's own cluster included): its own data folder, port and unix socket folder under one
# temporary folder; it listens on 127.0.0.1 only, where every local user is trusted (nothing in it
# outlives `stop`, and no other machine can reach it).
# Usage: scripts/postgres.sh start|stop|url. Prints the URL to use:
#   export PEEL_DATABASE_URL=$(bash scripts/postgres.sh start)
set -euo pipefail
ROOT=${PEEL_POSTGRES_ROOT:-/tmp/peel-postgres}
PORT=${PEEL_POSTGRES_PORT:-55432}
DATA="$ROOT/data"
SOCKETS="$ROOT/run"
URL="postgres://peel@127.0.0.1:$PORT/peel"

# initdb and postgres refuse to run as root: as root they run as Debian's `postgres` user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh" >&2; exit 1; }
  echo "$dir/$1"
}
ready() { [ -d "$SOCKETS" ] && "$(bin pg_isready)" -q -h "$SOCKETS" -p "$PORT" -d peel -U peel 2>/dev/null; }

case "${1:-start}" in
  url) echo "$URL" ;;
  start)
    if ready; then echo "$URL"; exit 0; fi
    mkdir -p "$ROOT"
    # One start at a time: a second caller waits for the first one's server instead of doubling it.
    exec 9>"$ROOT/start.lock"
    flock 9
    if ready; then echo "$URL"; exit 0; fi
    if [ "$(id -u)" = 0 ]; then chown postgres: "$ROOT"; fi
    chmod 700 "$ROOT"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA"
      as_owner "$(bin initdb)" -D "$DATA" -U peel --auth=trust -E UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 \
        || { echo "initdb failed; see $ROOT/initdb.log" >&2; tail -20 "$ROOT/initdb.log" >&2; exit 1; }
      # TCP on loopback only; the socket in our folder, not /var/run/postgresql (Debian's cluster).
      cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = 200
# As SQLite WAL + synchronous=NORMAL: a crash may lose the last commits, never corrupts.
synchronous_commit = off
EOF
      # Trust, but only over the socket in our 700 folder and 127.0.0.1.
      cat >"$DATA/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
    fi
    as_owner mkdir -p "$SOCKETS"
    # setsid + no inherited stdio: the server outlives the caller and its process group.
    as_owner setsid "$(bin pg_ctl)" start -D "$DATA" -l "$ROOT/postgres.log" -w -t 30 </dev/null >/dev/null 2>&1 \
      || { echo "postgres did not start; see $ROOT/postgres.log" >&2; tail -20 "$ROOT/postgres.log" >&2; exit 1; }
    if ! as_owner "$(bin psql)" -h "$SOCKETS" -p "$PORT" -U peel -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'peel'" | grep -q 1; then
      as_owner "$(bin createdb)" -h "$SOCKETS" -p "$PORT" -U peel peel
    fi
    ready || { echo "postgres started but does not answer; see $ROOT/postgres.log" >&2; exit 1; }
    echo "$URL" ;;
  stop)
    if [ -f "$DATA/postmaster.pid" ]; then
      as_owner "$(bin pg_ctl)" stop -D "$DATA" -m fast -w -t 30 >/dev/null 2>&1 || true
    fi
    rm -rf "$ROOT" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
