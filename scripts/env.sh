# Shared by the set-up and the commands that use it: where the project's own Node lives.
# shellcheck shell=bash
AGRICARTA_NODE_VERSION=24.21.0
AGRICARTA_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AGRICARTA_NODE_HOME="$AGRICARTA_REPO/.tools/node-v$AGRICARTA_NODE_VERSION"
export PATH="$AGRICARTA_NODE_HOME/bin:$PATH"
