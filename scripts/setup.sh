#!/usr/bin/env bash
# Sets up a fresh machine (Debian 12 + Node 20 + npm) for Peel: system packages, pnpm, dependencies.
# Idempotent: a second run only checks. PEEL_SETUP_SYSTEM=0 skips the apt part (e.g. no root).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
# Tools the tests drive for real: Chromium (Playwright), Docker, skopeo, umoci, and the other
# engines an export must load into: podman and containerd (`ctr`; docker.io depends on this
# same package and runs its own private instance of it). busybox-static is the only program
# inside the images the interop tests build FROM scratch; libcap2-bin's setcap gives the
# exotic-entries image its security.capability xattr. pigz is the bench's baseline for a flatten
# with a gzip layer (both compress on every core). postgresql: the shared store's tests and
# bench run a private server of it (scripts/postgres.sh). docker-registry (distribution 2.8, the
# reference registry) and apache2-utils (htpasswd -B) are the registries the registry tests run
# privately (scripts/registry.sh); rpm (rpm, rpmbuild) makes and answers the rpm databases the
# package tests check against.
APT_PACKAGES=(chromium docker.io skopeo umoci podman containerd busybox-static libcap2-bin pigz postgresql
  docker-registry apache2-utils rpm)

if [ "${PEEL_SETUP_SYSTEM:-1}" = 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} (apt)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION (npm)"
  npm i -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1
fi

# better-sqlite3 compiles from source here: node-gyp must use the installed Node headers
# instead of downloading them (pnpm ignores nodedir in .npmrc).
NODE_PREFIX=$(node -p "require('path').resolve(process.execPath, '../..')")
export npm_config_nodedir="${npm_config_nodedir:-$NODE_PREFIX}"
pnpm install --frozen-lockfile --reporter=append-only | tail -3
echo "setup: done"
