# Where the cluster suite keeps what it builds: outside the clone, so repeat runs (and CI on the same machine)
# reuse it. Override with AGRICARTA_CACHE.
# shellcheck shell=bash
export AGRICARTA_CACHE=${AGRICARTA_CACHE:-/var/cache/agricarta}
export K8S_BIN="$AGRICARTA_CACHE/kubernetes-1.20.2/bin"

# buildah and podman read these instead of the machine's /etc/containers files: vfs storage kept in the cache
# (no overlay or fuse needed), runc with cgroupfs (no systemd here), and nofile and nproc limits this kernel
# lets runc set (podman's own defaults for root are refused here).
export CONTAINERS_CONF="$AGRICARTA_CACHE/containers/containers.conf"
export CONTAINERS_STORAGE_CONF="$AGRICARTA_CACHE/containers/storage.conf"
# The stand-in for node:24-bookworm-slim and the service's image, as tagged in that storage.
export NODE_BASE_IMAGE=docker.io/library/node:24-bookworm-slim
export SERVICE_IMAGE=localhost/agricarta-preprocessing:test
