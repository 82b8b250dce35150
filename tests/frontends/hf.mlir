// Hugging Face configs lower to the same IR as the equivalent native
// description (one model per family; the module name line differs).

// RUN: mgc compile %S/Inputs/hf/llama --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-llama.mlir
// RUN: mgc compile %S/Inputs/equivalent/llama.toml --target arm64 -O0 | sed 1d > %t.native-llama.mlir
// RUN: diff %t.hf-llama.mlir %t.native-llama.mlir

// RUN: mgc compile %S/Inputs/hf/gpt2 --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-gpt2.mlir
// RUN: mgc compile %S/Inputs/equivalent/gpt2.toml --target arm64 -O0 | sed 1d > %t.native-gpt2.mlir
// RUN: diff %t.hf-gpt2.mlir %t.native-gpt2.mlir

// RUN: mgc compile %S/Inputs/hf/mixtral --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-mixtral.mlir
// RUN: mgc compile %S/Inputs/equivalent/mixtral.toml --target arm64 -O0 | sed 1d > %t.native-mixtral.mlir
// RUN: diff %t.hf-mixtral.mlir %t.native-mixtral.mlir

// RUN: mgc compile %S/Inputs/hf/mamba --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-mamba.mlir
// RUN: mgc compile %S/Inputs/equivalent/mamba.toml --target arm64 -O0 | sed 1d > %t.native-mamba.mlir
// RUN: diff %t.hf-mamba.mlir %t.native-mamba.mlir

// RUN: mgc compile %S/Inputs/hf/jamba --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-jamba.mlir
// RUN: mgc compile %S/Inputs/equivalent/jamba.toml --target arm64 -O0 | sed 1d > %t.native-jamba.mlir
// RUN: diff %t.hf-jamba.mlir %t.native-jamba.mlir

// RUN: mgc compile %S/Inputs/hf/phi --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-phi.mlir
// RUN: mgc compile %S/Inputs/equivalent/phi.toml --target arm64 -O0 | sed 1d > %t.native-phi.mlir
// RUN: diff %t.hf-phi.mlir %t.native-phi.mlir

// RUN: mgc compile %S/Inputs/hf/qwen3_moe --target arm64 -O0 2>/dev/null | sed 1d > %t.hf-qwen3-moe.mlir
// RUN: mgc compile %S/Inputs/equivalent/qwen3_moe.toml --target arm64 -O0 | sed 1d > %t.native-qwen3-moe.mlir
// RUN: diff %t.hf-qwen3-moe.mlir %t.native-qwen3-moe.mlir

// The comparison is not vacuous: the IR has the model's ops.
// RUN: FileCheck %s --check-prefix=LLAMA < %t.hf-llama.mlir
// LLAMA: mgc.attention causal {{.*}}rope = #mgc.rope<theta = 5.000000e+05 : f64, rotary_dim = 16, style = half, scaling = llama3, factor = 8.000000e+00 : f64, original_context = 8192>
// RUN: FileCheck %s --check-prefix=JAMBA < %t.hf-jamba.mlir
// JAMBA: mgc.param "layers.0.mixer.dt_layernorm.weight" : tensor<4xf32>
// JAMBA: mgc.param "layers.0.mixer.b_layernorm.weight" : tensor<16xf32>
// JAMBA: mgc.scan selective
// JAMBA: mgc.route softmax {{.*}} {top_k = 2 : i64}
// JAMBA: mgc.attention causal {{.*}} {head_dim = 16 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64}
// RUN: FileCheck %s --check-prefix=PHI < %t.hf-phi.mlir
// PHI: mgc.param "output.bias" : tensor<256xf32>
// RUN: FileCheck %s --check-prefix=QWEN3 < %t.hf-qwen3-moe.mlir
// QWEN3: mgc.param "layers.0.attn.q_norm.weight" : tensor<16xf32>
// QWEN3: mgc.norm rms {{.*}} : (tensor<?x4x16xf32>, tensor<16xf32>) -> tensor<?x4x16xf32>

// Keys that do not change the computation are reported, not silently dropped.
// RUN: mgc compile %S/Inputs/hf/llama --target arm64 -O0 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN
// WARN: llama/config.json:2:3: warning: 'architectures' is ignored: metadata that does not change the computation

// Settings mgc cannot honour are errors.
// RUN: not mgc compile %S/Inputs/hf-bad/unknown-type 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: unknown-type/config.json:2:3: error: model_type 'llama4' is not supported; supported: llama, mistral, qwen2, mixtral, qwen2_moe, qwen3, qwen3_moe, deepseek_v3, mamba, mamba2, jamba, gpt2, bert, phi
// RUN: not mgc compile %S/Inputs/hf-bad/longrope 2>&1 | FileCheck %s --check-prefix=ROPE
// ROPE: longrope/config.json:{{[0-9]+}}:{{[0-9]+}}: error: {{.*}}longrope
