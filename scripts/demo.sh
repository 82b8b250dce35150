#!/usr/bin/env bash
# Bootstraps, builds, and compiles the bundled tiny Llama description to
# optimized mgc IR for the x86-64 AVX-512 target, and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
./build/bin/mgc compile examples/llama.toml --target x86-64-avx512
