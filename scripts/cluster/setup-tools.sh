#!/usr/bin/env bash
# Idempotent set-up of what the cluster suite needs on a Debian 12 machine, cached outside the clone
# (AGRICARTA_CACHE, default /var/cache/agricarta) so that a second run takes seconds:
#   - Debian packages: etcd, Go, buildah and podman (daemonless image builds and runs), runc, debootstrap
#   - kubectl 1.20.2 from Debian's kubernetes-client, unpacked into the cache (not installed: it would clash
#     with a kubectl the machine may already have, and the suite wants the one that matches the API server)
#   - kube-apiserver and kube-controller-manager 1.20.2, built from Debian's kubernetes source package
#     (its dependencies are vendored, so the build is offline; `make` works where a plain `go build` does not)
set -euo pipefail
# shellcheck source=scripts/cluster/cluster-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster-env.sh"

say() { printf '[cluster-setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages.
packages=(etcd-server golang-go rsync jq buildah podman runc debootstrap dpkg-dev ca-certificates curl openssl)
need=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing system packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. kubectl, matching the API server.
if [ ! -x "$K8S_BIN/kubectl" ]; then
  say "unpacking kubectl from Debian's kubernetes-client package"
  as_root mkdir -p "$K8S_BIN"
  as_root chown "$(id -u):$(id -g)" "$AGRICARTA_CACHE" "$K8S_BIN"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq kubernetes-client && dpkg-deb -x kubernetes-client_*.deb root)
  install -m 0755 "$tmp/root/usr/bin/kubectl" "$K8S_BIN/kubectl"
  rm -rf "$tmp"
fi

# 3. The control plane binaries, from the source package of the same kubernetes that gives kubectl.
if [ ! -x "$K8S_BIN/kube-apiserver" ] || [ ! -x "$K8S_BIN/kube-controller-manager" ]; then
  src_list=/etc/apt/sources.list.d/agricarta-deb-src.sources
  if ! apt-get source --print-uris kubernetes >/dev/null 2>&1; then
    say "adding a deb-src entry for bookworm ($src_list)"
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' | as_root tee "$src_list" >/dev/null
    as_root apt-get update -qq
  fi
  as_root mkdir -p "$AGRICARTA_CACHE/src" "$K8S_BIN"
  as_root chown "$(id -u):$(id -g)" "$AGRICARTA_CACHE" "$AGRICARTA_CACHE/src" "$K8S_BIN"
  cd "$AGRICARTA_CACHE/src"
  tree=$(find . -maxdepth 1 -type d -name 'kubernetes-1.20*' | head -n 1)
  if [ -z "$tree" ]; then
    say "fetching Debian's kubernetes source package"
    apt-get source -qq kubernetes >/dev/null
    tree=$(find . -maxdepth 1 -type d -name 'kubernetes-1.20*' | head -n 1)
  fi
  say "building kube-apiserver and kube-controller-manager from $tree (about 5 minutes)"
  started=$SECONDS
  (cd "$tree" && GOFLAGS=-mod=vendor GO111MODULE=on make WHAT='cmd/kube-apiserver cmd/kube-controller-manager' >/dev/null)
  install -m 0755 "$tree/_output/bin/kube-apiserver" "$tree/_output/bin/kube-controller-manager" "$K8S_BIN/"
  say "built in $((SECONDS - started)) s"
fi
