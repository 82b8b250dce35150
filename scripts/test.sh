#!/usr/bin/env bash
# Bootstraps, builds, and runs every test (lit + FileCheck and GoogleTest,
# all under ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure -j "${MGC_JOBS:-2}"
