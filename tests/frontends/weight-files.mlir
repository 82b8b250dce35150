// REQUIRES: shared-models
// The stories260K checkpoint in llama2.c and GGUF form gives one architecture
// (the GGUF keeps its own output matrix and a longer context), with every
// weight checked against it.

// RUN: mgc compile %shared_models/stories260K/stories260K.bin --target arm64 -O0 | FileCheck %s --check-prefixes=CHECK,BIN
// RUN: mgc compile %shared_models/stories260K/stories260K.gguf --target arm64 -O0 | FileCheck %s --check-prefixes=CHECK,GGUF
// BIN: mgc.state kv_cache @layers.4.attn.k_cache : tensor<4x512x8xf32>
// GGUF: mgc.state kv_cache @layers.4.attn.k_cache : tensor<4x2048x8xf32>
// CHECK-LABEL: func.func @prefill
// CHECK: mgc.param "embed.tokens.weight" : tensor<512x64xf32>
// CHECK: mgc.attention causal {{.*}} {head_dim = 8 : i64, num_heads = 8 : i64, num_kv_heads = 4 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = interleaved>}
// CHECK: mgc.param "layers.0.ffn.gate.weight" : tensor<172x64xf32>
// BIN-NOT: output.weight
// GGUF: mgc.param "output.weight" : tensor<512x64xf32>

// A truncated checkpoint is refused before anything is built.
// RUN: head -c 1000000 %shared_models/stories260K/stories260K.bin > %t.cut.bin
// RUN: not mgc compile %t.cut.bin 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: mgc compile: error: {{.*}}cut.bin
