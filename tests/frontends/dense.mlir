// Dense examples lower to the expected op structure.

// Llama: GQA attention over a KV cache with RoPE (rotate-half), SwiGLU MLP,
// untied output; prefill over any prompt, decode over one token.
// RUN: mgc compile %mgc_src_root/examples/llama.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=LLAMA
// LLAMA: module @"llama-tiny"
// LLAMA: mgc.state kv_cache @layers.0.attn.k_cache : tensor<2x256x16xf32>
// LLAMA: mgc.state kv_cache @layers.1.attn.v_cache : tensor<2x256x16xf32>
// LLAMA-LABEL: func.func @prefill(%{{.*}}: tensor<?xi32>, %{{.*}}: index) -> tensor<?x512xf32>
// LLAMA: mgc.norm rms
// LLAMA: mgc.attention causal {{.*}} cache({{.*}}) at {{.*}} {head_dim = 16 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 16, style = half>}
// LLAMA: mgc.activation silu
// LLAMA: mgc.mul
// LLAMA: mgc.param "output.weight" : tensor<512x64xf32>
// LLAMA: mgc.logits
// LLAMA-LABEL: func.func @decode(%{{.*}}: tensor<1xi32>, %{{.*}}: index) -> tensor<1x512xf32>
// LLAMA-COUNT-2: mgc.attention causal

// Every op carries the line of the description it came from.
// RUN: mgc compile %mgc_src_root/examples/llama.toml -O0 --target x86-64-avx512 --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// LOC: mgc.attention {{.*}} loc("{{.*}}llama.toml":12:1)
// LOC: mgc.activation silu {{.*}} loc("{{.*}}llama.toml":17:1)

// Mistral: a sliding window.
// RUN: mgc compile %mgc_src_root/examples/mistral.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MISTRAL
// MISTRAL: mgc.attention causal {{.*}}num_kv_heads = 1 : i64{{.*}}window = 32 : i64}

// GPT-2: learned positions, LayerNorm with bias, GELU (tanh), biases, tied
// embeddings.
// RUN: mgc compile %mgc_src_root/examples/gpt2.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=GPT2
// GPT2-LABEL: func.func @prefill
// GPT2: %[[POS:.*]] = mgc.positions %{{.*}} at %{{.*}} : tensor<?xi32>
// GPT2: mgc.param "embed.positions.weight" : tensor<128x64xf32>
// GPT2: mgc.embed %[[POS]]
// GPT2: mgc.norm layer {{.*}} weight {{.*}} bias
// GPT2: mgc.linear {{.*}} bias
// GPT2: mgc.attention causal {{.*}} {head_dim = 16 : i64, num_heads = 4 : i64, num_kv_heads = 4 : i64}
// GPT2: mgc.activation gelu_tanh
// GPT2-NOT: output.weight
// GPT2: mgc.logits

// The BERT encoder: bidirectional attention without a cache, post-norm, segment
// embeddings, MLM head; no decode entry point.
// RUN: mgc compile %mgc_src_root/examples/bert.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=BERT
// BERT-NOT: mgc.state
// BERT: mgc.param "embed.token_types.weight" : tensor<2x64xf32>
// BERT: mgc.slice %{{.*}} {dim = 0 : i64, offset = 0 : i64} : tensor<2x64xf32> -> tensor<1x64xf32>
// BERT: mgc.param "embed.norm.weight"
// BERT: mgc.attention bidirectional
// BERT: mgc.add
// BERT-NEXT: mgc.param "layers.0.mixer_norm.weight"
// BERT: mgc.param "head.transform.weight"
// BERT: mgc.param "output.bias" : tensor<512xf32>
// BERT-NOT: func.func @decode

// Phi-2: one norm feeds attention and MLP in parallel; partial rotary.
// RUN: mgc compile %mgc_src_root/examples/phi2.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=PHI
// PHI: %[[N:.*]] = mgc.norm layer
// PHI: mgc.attention causal {{.*}}rotary_dim = 4, style = half
// PHI: %[[R:.*]] = mgc.add
// PHI: mgc.linear %[[N]]
// PHI-NOT: layers.0.ffn_norm
// PHI: mgc.add %[[R]]
