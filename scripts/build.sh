#!/usr/bin/env bash
# Configures and builds mgc into build/ (Release, Ninja, two jobs by default).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${MGC_JOBS:-2}"
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
fi
ninja -C build -j "$jobs"
