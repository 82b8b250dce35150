// MoE examples lower to route + expert with the scheme's options.

// Mixtral: softmax top-2 of 8 SwiGLU experts, renormalized.
// RUN: mgc compile %mgc_src_root/examples/mixtral.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MIXTRAL
// MIXTRAL-LABEL: func.func @prefill
// MIXTRAL: %[[IDX:.*]], %[[W:.*]] = mgc.route softmax %{{.*}}, %{{.*}} {normalize, top_k = 2 : i64} : (tensor<?x64xf32>, tensor<8x64xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
// MIXTRAL: mgc.expert swiglu %{{.*}}, %[[IDX]], %[[W]] gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) : (tensor<?x64xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x128x64xf32>, tensor<8x128x64xf32>, tensor<8x64x128xf32>) -> tensor<?x64xf32>

// Switch: top-1 with a capacity factor, ReLU experts on every other layer.
// RUN: mgc compile %mgc_src_root/examples/switch.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=SWITCH
// SWITCH-LABEL: func.func @prefill
// SWITCH: mgc.param "layers.0.ffn.up.weight"
// SWITCH-NOT: mgc.route
// SWITCH: mgc.route softmax {{.*}} {capacity_factor = 1.250000e+00 : f64, top_k = 1 : i64}
// SWITCH: mgc.expert relu {{.*}} up(
// SWITCH: mgc.param "layers.2.ffn.up.weight"
// SWITCH: mgc.route softmax

// GShard: top-2 with a capacity factor, GELU experts.
// RUN: mgc compile %mgc_src_root/examples/gshard.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=GSHARD
// GSHARD: mgc.route softmax {{.*}} {capacity_factor = 2.000000e+00 : f64, normalize, top_k = 2 : i64}
// GSHARD: mgc.expert gelu

// Qwen2-MoE: a shared expert gated per token by a sigmoid.
// RUN: mgc compile %mgc_src_root/examples/qwen2-moe.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=QWEN
// QWEN: mgc.linear {{.*}} bias
// QWEN: %[[ROUTED:.*]] = mgc.expert swiglu
// QWEN: mgc.param "layers.0.ffn.shared.up.weight" : tensor<128x64xf32>
// QWEN: %[[SHARED:.*]] = mgc.linear {{.*}} -> tensor<?x64xf32>
// QWEN: mgc.param "layers.0.ffn.shared_gate.weight" : tensor<1x64xf32>
// QWEN: %[[G:.*]] = mgc.activation sigmoid %{{.*}} : tensor<?x1xf32>
// QWEN: %[[GATED:.*]] = mgc.mul %[[SHARED]], %[[G]] : tensor<?x64xf32>, tensor<?x1xf32>
// QWEN: mgc.add %[[ROUTED]], %[[GATED]]

// DeepSeek-V3: MLA (the cache holds the latent: one key head of
// kv_lora_rank + rope dims, one value head of kv_lora_rank; kv_b absorbed
// into the queries and the output), sigmoid routing with correction bias,
// group-limited top-k and scaling, a shared expert, a dense first layer.
// RUN: mgc compile %mgc_src_root/examples/deepseek-v3.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=DSV3
// DSV3: mgc.state kv_cache @layers.0.attn.k_cache : tensor<1x256x24xf32>
// DSV3: mgc.state kv_cache @layers.0.attn.v_cache : tensor<1x256x16xf32>
// DSV3-LABEL: func.func @prefill
// DSV3: mgc.param "layers.0.attn.q_a.weight" : tensor<32x64xf32>
// DSV3: mgc.param "layers.0.attn.kv_a.weight" : tensor<24x64xf32>
// DSV3: mgc.rope {{.*}} {head_dim = 8 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = interleaved, scaling = yarn, factor = 4.000000e+00 : f64, original_context = 64>}
// DSV3: %[[KVB:.*]] = mgc.param "layers.0.attn.kv_b.weight" : tensor<128x16xf32>
// DSV3: mgc.head_linear %{{.*}}, %[[KVB]] {block = 32 : i64, offset = 0 : i64, transpose} : (tensor<?x4x16xf32>, tensor<128x16xf32>) -> tensor<?x4x16xf32>
// DSV3: mgc.attention causal {{.*}} {head_dim = 24 : i64, num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 0.20412414523193154 : f64, v_head_dim = 16 : i64}
// DSV3: mgc.head_linear %{{.*}}, %[[KVB]] {block = 32 : i64, offset = 16 : i64} : (tensor<?x4x16xf32>, tensor<128x16xf32>) -> tensor<?x4x16xf32>
// DSV3: mgc.param "layers.0.ffn.up.weight" : tensor<160x64xf32>
// DSV3-NOT: layers.0.ffn.router
// DSV3: mgc.param "layers.1.ffn.router.correction_bias" : tensor<16xf32>
// DSV3: mgc.route sigmoid {{.*}} bias {{.*}} {n_group = 4 : i64, normalize, scale = 2.500000e+00 : f64, top_k = 4 : i64, topk_group = 2 : i64}
// DSV3: mgc.expert swiglu
// DSV3: mgc.param "layers.1.ffn.shared.up.weight" : tensor<32x64xf32>

// Kimi K2: full-rank MLA queries, one expert group.
// RUN: mgc compile %mgc_src_root/examples/kimi-k2.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=KIMI
// KIMI-NOT: q_a
// KIMI: mgc.param "layers.0.attn.q.weight" : tensor<96x64xf32>
// KIMI: mgc.route sigmoid {{.*}} {n_group = 1 : i64, normalize, scale = 2.827000e+00 : f64, top_k = 6 : i64, topk_group = 1 : i64}
