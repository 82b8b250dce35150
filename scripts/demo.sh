#!/usr/bin/env bash
# Bootstraps, builds, and compiles the bundled tiny Llama to optimized mgc IR,
# printing the IR for the x86-64 AVX-512 target.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
./build/bin/mgc compile examples/tiny-llama.mlir --target x86-64-avx512
