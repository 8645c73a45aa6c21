#!/usr/bin/env bash
# Starts (or stops) private registries for the tests: Debian's docker-registry (distribution 2.8)
# on 127.0.0.1, each with its own folder under one root, in one of three modes:
#   open   anonymous pull and push, plain HTTP
#   basic  htpasswd (bcrypt) basic auth, plain HTTP
#   token  distribution's auth.token with our token server (packages/registry/test/token-server.mjs,
#          RS256 JWTs), registry and token server over TLS with a CA made at start
#   cdn    basic auth as above, and blob GET/HEAD answered with a 307 to a "CDN" on another port
#          (distribution's redirect storage middleware + packages/registry/test/cdn-server.mjs)
# Ports are picked by the kernel (127.0.0.1:0). Nothing outlives `stop`.
# Usage: scripts/registry.sh start NAME MODE | info NAME | stop [NAME]   (stop without NAME: all)
# `start` and `info` print one JSON line:
#   {"name","mode","host":"127.0.0.1:PORT","url":"http[s]://127.0.0.1:PORT","tls":bool,
#    "ca":PEM path|null,"certDir":dir holding ca.crt (skopeo --cert-dir)|null,
#    "username"|null,"password"|null,"identityToken"|null,"tokenUrl"|null,"cdnUrl"|null,"dir":its folder}
set -euo pipefail
ROOT=${PEEL_REGISTRY_ROOT:-/tmp/peel-registry}
REPO=$(cd "$(dirname "$0")/.." && pwd)
TOKEN_SERVER="$REPO/packages/registry/test/token-server.mjs"
CDN_SERVER="$REPO/packages/registry/test/cdn-server.mjs"

# Whether the process a pidfile names runs, and is ours: its command line names the pidfile's
# folder. A pidfile left by a killed run may hold a pid the system has since given to another
# process, which `stop` must not kill.
alive() {
  [ -f "$1" ] || return 1
  local pid
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(dirname "$1")/"
}

# Waits for "listening on …PORT" in a log and prints PORT.
port_of() {
  local log=$1 pidfile=$2 port
  for _ in $(seq 1 100); do
    port=$(grep -oE 'listening on (127\.0\.0\.1:)?[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' | head -1 || true)
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    alive "$pidfile" || break
    sleep 0.1
  done
  echo "$(basename "$log" .log) did not start; see $log" >&2; tail -20 "$log" >&2; return 1
}

stop_one() {
  local dir=$1
  for pidfile in "$dir/registry.pid" "$dir/token.pid" "$dir/cdn.pid"; do
    if alive "$pidfile"; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pidfile" || break; sleep 0.1; done
    fi
  done
  rm -rf "$dir"
}

json_str() { if [ -n "$1" ]; then printf '"%s"' "$1"; else printf null; fi; }

start() {
  local name=$1 mode=$2 dir="$ROOT/$1"
  [[ "$name" =~ ^[a-zA-Z0-9_-]+$ ]] || { echo "bad registry name: $name" >&2; exit 2; }
  case "$mode" in open|basic|token|cdn) ;; *) echo "mode must be open, basic, token or cdn" >&2; exit 2 ;; esac
  mkdir -p "$ROOT"
  exec 9>"$ROOT/$name.lock"
  flock 9
  if alive "$dir/registry.pid" && [ -f "$dir/info.json" ]; then
    grep -q "\"mode\":\"$mode\"" "$dir/info.json" || { echo "registry $name runs in another mode" >&2; exit 1; }
    cat "$dir/info.json"; return 0
  fi
  stop_one "$dir"
  mkdir -p "$dir"
  local user="" password="" identity="" token_url="" cdn_url="" ca="" cert_dir="" scheme=http auth="" tls="" middleware=""
  if [ "$mode" != open ]; then
    user=alice
    password=$(openssl rand -hex 12)
  fi
  if [ "$mode" = basic ] || [ "$mode" = cdn ]; then
    htpasswd -Bbn -C 4 "$user" "$password" >"$dir/htpasswd"
    auth="auth: {htpasswd: {realm: peel-test, path: $dir/htpasswd}}"
  fi
  if [ "$mode" = cdn ]; then
    mkdir -p "$dir/data"
    setsid node "$CDN_SERVER" "$dir/data" </dev/null >"$dir/cdn.log" 2>&1 &
    echo $! >"$dir/cdn.pid"
    cdn_url="http://127.0.0.1:$(port_of "$dir/cdn.log" "$dir/cdn.pid")"
    middleware="middleware: {storage: [{name: redirect, options: {baseurl: \"$cdn_url\"}}]}"
  fi
  if [ "$mode" = token ]; then
    identity=$(openssl rand -hex 16)
    ( cd "$dir"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj /CN=peel-test-ca \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
      openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 -extfile server.ext
      openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt -days 30 -subj /CN=test-issuer
      mkdir -p certs && cp ca.crt certs/ca.crt ) >"$dir/openssl.log" 2>&1 \
      || { echo "openssl failed; see $dir/openssl.log" >&2; exit 1; }
    cat >"$dir/token-server.json" <<JSON
{"key":"$dir/token.key","cert":"$dir/token.crt","issuer":"test-issuer","service":"test-registry",
 "users":{"$user":"$password"},"identityTokens":{"$identity":"$user"},
 "tls":{"key":"$dir/server.key","cert":"$dir/server.crt"}}
JSON
    setsid node "$TOKEN_SERVER" "$dir/token-server.json" </dev/null >"$dir/token.log" 2>&1 &
    echo $! >"$dir/token.pid"
    token_url="https://127.0.0.1:$(port_of "$dir/token.log" "$dir/token.pid")/token"
    auth="auth: {token: {realm: \"$token_url\", service: test-registry, issuer: test-issuer, rootcertbundle: $dir/token.crt}}"
    tls="  tls: {certificate: $dir/server.crt, key: $dir/server.key}"
    scheme=https ca="$dir/ca.crt" cert_dir="$dir/certs"
  fi
  cat >"$dir/config.yml" <<YAML
version: 0.1
log: {level: info, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:0
  secret: peel-test-$name
$tls
$auth
$middleware
YAML
  REGISTRY_HTTP_ADDR=127.0.0.1:0 setsid docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  local port
  port=$(port_of "$dir/registry.log" "$dir/registry.pid")
  printf '{"name":"%s","mode":"%s","host":"127.0.0.1:%s","url":"%s://127.0.0.1:%s","tls":%s,"ca":%s,"certDir":%s,"username":%s,"password":%s,"identityToken":%s,"tokenUrl":%s,"cdnUrl":%s,"dir":"%s"}\n' \
    "$name" "$mode" "$port" "$scheme" "$port" "$([ "$scheme" = https ] && echo true || echo false)" \
    "$(json_str "$ca")" "$(json_str "$cert_dir")" "$(json_str "$user")" "$(json_str "$password")" \
    "$(json_str "$identity")" "$(json_str "$token_url")" "$(json_str "$cdn_url")" "$dir" >"$dir/info.json"
  cat "$dir/info.json"
}

case "${1:-}" in
  start) [ $# -eq 3 ] || { echo "usage: $0 start NAME open|basic|token|cdn" >&2; exit 2; }; start "$2" "$3" ;;
  info) [ -f "$ROOT/${2:?NAME}/info.json" ] && alive "$ROOT/$2/registry.pid" || { echo "registry $2 is not running" >&2; exit 1; }
        cat "$ROOT/$2/info.json" ;;
  stop)
    if [ -n "${2:-}" ]; then stop_one "$ROOT/$2"
    else for dir in "$ROOT"/*/; do [ -d "$dir" ] && stop_one "${dir%/}"; done; rm -f "$ROOT"/*.lock
    fi ;;
  *) echo "usage: $0 start NAME open|basic|token|cdn | info NAME | stop [NAME]" >&2; exit 2 ;;
esac
