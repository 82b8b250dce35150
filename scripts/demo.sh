#!/usr/bin/env bash
# Bootstraps, builds, and runs a model end to end: the real TinyStories model
# from ../shared/models when it is there (its greedy story), else the bundled
# tiny Llama description with synthesized weights. Also prints the IR of the
# description, to show what the compiler works on.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
mkdir -p build/demo

echo "== model-level IR of examples/llama.toml (first lines)"
./build/bin/mgc compile examples/llama.toml --target x86-64-avx512 | head -n 24

stories=../shared/models/stories260K
if [ -f "$stories/stories260K.bin" ]; then
  echo "== compiling $stories/stories260K.bin"
  ./build/bin/mgc compile "$stories/stories260K.bin" \
      --tokenizer "$stories/tok512.bin" -o build/demo/stories260K.mgc
  echo "== greedy story"
  ./build/bin/mgc run build/demo/stories260K.mgc --prompt "Once upon a time" -n 120
else
  echo "== compiling examples/llama.toml with synthesized weights"
  ./build/bin/mgc compile examples/llama.toml --random-weights \
      -o build/demo/llama.mgc
  ./build/bin/mgc run build/demo/llama.mgc --tokens 1,2,3 -n 16
fi
