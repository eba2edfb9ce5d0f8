#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs a local forum
# session (classroom-8 by default) with bots in every seat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh >&2
exec "${BUILD_DIR:-build}/tools/forumctl" play "$@"
