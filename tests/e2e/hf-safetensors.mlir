// The stories260K checkpoint rewritten as a Hugging Face llama directory
// (config.json + model.safetensors, q/k rows permuted for rotate-half RoPE as
// transformers' converter does) compiles to the same model: llama2.c's greedy
// text, exactly.
// REQUIRES: shared-models

// RUN: rm -rf %t.hf && mgc-llama2c-to-hf %shared_models/stories260K/stories260K.bin %t.hf
// RUN: mgc compile %t.hf --tokenizer %shared_models/stories260K/tok512.bin -o %t.mgc 2> %t.warnings
// RUN: mgc run %t.mgc --prompt "Once upon a time" -n 200 > %t.p0.txt
// RUN: diff %t.p0.txt %shared_models/stories260K/refs/run_t0_n200_p0.txt

// The same IR as from the checkpoint, but RoPE in the rotate-half style.
// RUN: mgc compile %t.hf --target arm64 -O0 2>/dev/null | FileCheck %s
// CHECK: mgc.attention causal {{.*}}rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = half>
