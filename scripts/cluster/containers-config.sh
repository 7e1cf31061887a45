#!/usr/bin/env bash
# Writes the private containers.conf and storage.conf that cluster-env.sh points buildah and podman at.
set -euo pipefail
# shellcheck source=scripts/cluster/cluster-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster-env.sh"
runroot="/run/agricarta-containers/$(basename "$AGRICARTA_CACHE")"
mkdir -p "$AGRICARTA_CACHE/containers/storage" "$runroot"
cat > "$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "vfs"
graphroot = "$AGRICARTA_CACHE/containers/storage"
runroot = "$runroot"
CONF
cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
