#!/usr/bin/env bash
# Builds the service's image from the repository's Dockerfile without a daemon (buildah), on the local
# stand-in base image. Prints the image name. A rebuild reuses cached layers.
set -euo pipefail
# shellcheck source=scripts/cluster/cluster-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster-env.sh"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$(dirname "${BASH_SOURCE[0]}")/base-image.sh"
# vfs keeps a whole copy of every layer, and each source change adds layers: bound what the cache may hold.
# Past the limit the build cache's intermediate images go (tagged images stay); the next build starts afresh.
limit_gib=${AGRICARTA_IMAGE_CACHE_GIB:-30}
used_gib=$(du -s --block-size=1G "$AGRICARTA_CACHE/containers/storage" | cut -f1)
if [ "$used_gib" -gt "$limit_gib" ]; then
  printf '[build-image] image storage holds %s GiB (limit %s): pruning the build cache\n' "$used_gib" "$limit_gib" >&2
  buildah rm --all >/dev/null
  buildah rmi --prune >/dev/null
fi
started=$SECONDS
printf '[build-image] buildah bud %s\n' "$SERVICE_IMAGE" >&2
# The machine's CA bundle goes in as a build secret: npm trusts it as the host's npm does (setup.sh), which
# matters behind a TLS-inspecting proxy.
secret=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  secret=(--secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt)
fi
buildah bud --quiet --layers --pull=never --network=host --isolation=oci "${secret[@]}" \
  -f "$repo/Dockerfile" -t "$SERVICE_IMAGE" "$repo" >&2
printf '[build-image] built in %d s\n' "$((SECONDS - started))" >&2
echo "$SERVICE_IMAGE"
