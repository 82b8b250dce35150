// The reference models of tests/goldens (config.json files written by
// transformers 5, see README.md) compile to the model-level IR of what
// transformers computes: each key op with the attributes of its scheme.
// Every key these configs hold is understood: none is unknown, none rejected.

// RUN: mgc compile %S/mixtral --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// RUN: mgc compile %S/qwen2_moe --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// RUN: mgc compile %S/deepseek_v3 --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// RUN: mgc compile %S/mamba --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// RUN: mgc compile %S/mamba2 --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// RUN: mgc compile %S/jamba --emit=mlir -O0 --target x86-64-avx512 -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEYS --allow-empty
// KEYS-NOT: error
// KEYS-NOT: unknown key

// Mixtral: softmax top-2 of 8 SwiGLU experts, renormalized; GQA with RoPE.
// RUN: mgc compile %S/mixtral --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=MIXTRAL
// MIXTRAL: mgc.state kv_cache @layers.0.attn.k_cache : tensor<2x256x8xf32>
// MIXTRAL-LABEL: func.func @prefill
// MIXTRAL: mgc.norm rms {{.*}} {eps = 1.000000e-05 : f64}
// MIXTRAL: mgc.attention causal {{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = half>}
// MIXTRAL: mgc.param "layers.0.ffn.router.weight" : tensor<8x32xf32>
// MIXTRAL: %[[IDX:.*]], %[[W:.*]] = mgc.route softmax %{{.*}}, %{{.*}} {normalize, top_k = 2 : i64} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
// MIXTRAL: mgc.expert swiglu %{{.*}}, %[[IDX]], %[[W]] gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) : (tensor<?x32xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x32x32xf32>, tensor<8x32x32xf32>, tensor<8x32x32xf32>) -> tensor<?x32xf32>
// MIXTRAL: mgc.param "layers.1.ffn.router.weight"
// MIXTRAL: mgc.route softmax {{.*}} {normalize, top_k = 2 : i64}
// MIXTRAL: mgc.param "output.weight" : tensor<256x32xf32>
// MIXTRAL-LABEL: func.func @decode
// MIXTRAL: mgc.route softmax {{.*}} {normalize, top_k = 2 : i64}

// Qwen2-MoE: q/k/v biases; softmax top-2 of 8 not renormalized
// (norm_topk_prob false) plus a shared expert scaled by a per-token sigmoid
// gate; layer 1 is dense (mlp_only_layers).
// RUN: mgc compile %S/qwen2_moe --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=QWEN
// QWEN-LABEL: func.func @prefill
// QWEN: mgc.norm rms {{.*}} {eps = 9.9999999999999995E-7 : f64}
// QWEN: mgc.param "layers.0.attn.q.bias" : tensor<32xf32>
// QWEN: mgc.param "layers.0.attn.k.bias" : tensor<16xf32>
// QWEN: mgc.param "layers.0.attn.v.bias" : tensor<16xf32>
// QWEN: mgc.attention causal {{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = half>}
// QWEN-NOT: attn.o.bias
// QWEN: %[[IDX:.*]], %[[W:.*]] = mgc.route softmax %{{.*}}, %{{.*}} {top_k = 2 : i64} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
// QWEN: %[[ROUTED:.*]] = mgc.expert swiglu %{{.*}}, %[[IDX]], %[[W]] {{.*}} tensor<8x24x32xf32>, tensor<8x24x32xf32>, tensor<8x32x24xf32>) -> tensor<?x32xf32>
// QWEN: mgc.param "layers.0.ffn.shared.up.weight" : tensor<48x32xf32>
// QWEN: %[[SHARED:.*]] = mgc.linear {{.*}} : (tensor<?x48xf32>, tensor<32x48xf32>) -> tensor<?x32xf32>
// QWEN: mgc.param "layers.0.ffn.shared_gate.weight" : tensor<1x32xf32>
// QWEN: %[[G:.*]] = mgc.activation sigmoid %{{.*}} : tensor<?x1xf32>
// QWEN: %[[GATED:.*]] = mgc.mul %[[SHARED]], %[[G]] : tensor<?x32xf32>, tensor<?x1xf32>
// QWEN: mgc.add %[[ROUTED]], %[[GATED]]
// QWEN-NOT: mgc.route
// QWEN: mgc.param "layers.1.ffn.up.weight" : tensor<64x32xf32>
// QWEN-NOT: mgc.route
// QWEN: mgc.param "layers.2.ffn.router.weight" : tensor<8x32xf32>
// QWEN: mgc.route softmax {{.*}} {top_k = 2 : i64}
// QWEN-LABEL: func.func @decode
// QWEN: mgc.route softmax {{.*}} {top_k = 2 : i64}

// DeepSeek-V3: multi-head latent attention (low-rank q and kv with their
// RMSNorms, interleaved RoPE on 8 of 16 query/key dims, values of 12);
// layer 0 dense (first_k_dense_replace); sigmoid top-3 of 16 with the
// correction bias among the best 2 of 4 groups, renormalized, times 2.5,
// plus one shared expert without a gate.
// RUN: mgc compile %S/deepseek_v3 --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=DSV3
// DSV3: mgc.state kv_cache @layers.0.attn.k_cache : tensor<1x256x24xf32>
// DSV3: mgc.state kv_cache @layers.0.attn.v_cache : tensor<1x256x16xf32>
// DSV3-LABEL: func.func @prefill
// DSV3: mgc.param "layers.0.attn.q_a.weight" : tensor<24x32xf32>
// DSV3: mgc.param "layers.0.attn.q_a_norm.weight" : tensor<24xf32>
// DSV3: mgc.param "layers.0.attn.q_b.weight" : tensor<64x24xf32>
// DSV3: mgc.param "layers.0.attn.kv_a.weight" : tensor<24x32xf32>
// DSV3: mgc.param "layers.0.attn.kv_a_norm.weight" : tensor<16xf32>
// DSV3: mgc.rope {{.*}} {head_dim = 8 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = interleaved>} : tensor<?x32xf32>
// DSV3: mgc.rope {{.*}} {head_dim = 8 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = interleaved>} : tensor<?x8xf32>
// DSV3: mgc.param "layers.0.attn.kv_b.weight" : tensor<80x16xf32>
// DSV3: mgc.head_linear {{.*}} {block = 20 : i64, offset = 0 : i64, transpose} : (tensor<?x4x8xf32>, tensor<80x16xf32>) -> tensor<?x4x16xf32>
// DSV3: mgc.attention causal {{.*}} {head_dim = 24 : i64, num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 2.500000e-01 : f64, v_head_dim = 16 : i64}
// DSV3: mgc.head_linear {{.*}} {block = 20 : i64, offset = 8 : i64} : (tensor<?x4x16xf32>, tensor<80x16xf32>) -> tensor<?x4x12xf32>
// DSV3: mgc.param "layers.0.attn.o.weight" : tensor<32x48xf32>
// DSV3-NOT: mgc.route
// DSV3: mgc.param "layers.0.ffn.up.weight" : tensor<48x32xf32>
// DSV3-NOT: mgc.route
// DSV3: mgc.param "layers.1.ffn.router.weight" : tensor<16x32xf32>
// DSV3: mgc.param "layers.1.ffn.router.correction_bias" : tensor<16xf32>
// DSV3: %[[IDX:.*]], %[[W:.*]] = mgc.route sigmoid %{{.*}}, %{{.*}} bias %{{.*}} {n_group = 4 : i64, normalize, scale = 2.500000e+00 : f64, top_k = 3 : i64, topk_group = 2 : i64} : (tensor<?x32xf32>, tensor<16x32xf32>, tensor<16xf32>) -> (tensor<?x3xi32>, tensor<?x3xf32>)
// DSV3: %[[ROUTED:.*]] = mgc.expert swiglu %{{.*}}, %[[IDX]], %[[W]] {{.*}} tensor<16x16x32xf32>, tensor<16x16x32xf32>, tensor<16x32x16xf32>) -> tensor<?x32xf32>
// DSV3: mgc.param "layers.1.ffn.shared.up.weight" : tensor<16x32xf32>
// DSV3-NOT: shared_gate
// DSV3: %[[SHARED:.*]] = mgc.linear {{.*}} : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
// DSV3: mgc.add %[[ROUTED]], %[[SHARED]]
// DSV3: mgc.param "layers.2.ffn.router.correction_bias" : tensor<16xf32>
// DSV3: mgc.route sigmoid
// DSV3-LABEL: func.func @decode
// DSV3: mgc.route sigmoid {{.*}} bias {{.*}} {n_group = 4 : i64, normalize, scale = 2.500000e+00 : f64, top_k = 3 : i64, topk_group = 2 : i64}

// Mamba: the selective scan (x and gate z from in_proj, causal conv1d with
// bias, dt from a rank-2 projection with bias through softplus, A =
// -exp(A_log), D skip); no attention; the output head is the embedding.
// RUN: mgc compile %S/mamba --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=MAMBA
// MAMBA: mgc.state conv @layers.0.mixer.conv_state : tensor<3x64xf32>
// MAMBA: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<1x64x16xf32>
// MAMBA-LABEL: func.func @prefill
// MAMBA-NOT: mgc.attention
// MAMBA: mgc.norm rms {{.*}} {eps = 1.000000e-05 : f64}
// MAMBA: mgc.param "layers.0.mixer.in_proj.weight" : tensor<128x32xf32>
// MAMBA: mgc.conv1d %{{.*}}, %{{.*}} bias %{{.*}} state(%{{.*}}) : (tensor<?x64xf32>, tensor<64x4xf32>, tensor<64xf32>, tensor<3x64xf32>)
// MAMBA: mgc.param "layers.0.mixer.x_proj.weight" : tensor<34x64xf32>
// MAMBA: mgc.param "layers.0.mixer.dt_proj.bias" : tensor<64xf32>
// MAMBA: mgc.activation softplus
// MAMBA: mgc.param "layers.0.mixer.A_log" : tensor<64x16xf32>
// MAMBA: mgc.param "layers.0.mixer.D" : tensor<64xf32>
// MAMBA: mgc.scan selective forward %{{.*}} dt(%{{.*}}) decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) d(%{{.*}}) state(%{{.*}}) : (tensor<?x1x64xf32>, tensor<?x1x64xf32>, tensor<1x64x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<1x64xf32>, tensor<1x64x16xf32>)
// MAMBA: mgc.param "layers.0.mixer.out_proj.weight" : tensor<32x64xf32>
// MAMBA-NOT: mgc.attention
// MAMBA-NOT: output.weight
// MAMBA: %[[HEAD:.*]] = mgc.param "embed.tokens.weight" : tensor<256x32xf32>
// MAMBA-NEXT: mgc.logits %{{.*}}, %[[HEAD]]
// MAMBA-LABEL: func.func @decode
// MAMBA: mgc.scan selective forward

// Mamba-2: the SSD scan over 4 heads of 16 channels with B and C in 2 groups,
// dt through dt_bias and softplus, and the gated RMSNorm over each group of
// 32 channels before out_proj.
// RUN: mgc compile %S/mamba2 --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=MAMBA2
// MAMBA2: mgc.state conv @layers.0.mixer.conv_state : tensor<3x128xf32>
// MAMBA2: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<4x16x16xf32>
// MAMBA2-LABEL: func.func @prefill
// MAMBA2-NOT: mgc.attention
// MAMBA2: mgc.param "layers.0.mixer.in_proj.weight" : tensor<196x32xf32>
// MAMBA2: mgc.conv1d %{{.*}}, %{{.*}} bias %{{.*}} state(%{{.*}}) : (tensor<?x128xf32>, tensor<128x4xf32>, tensor<128xf32>, tensor<3x128xf32>)
// MAMBA2: mgc.param "layers.0.mixer.dt_bias" : tensor<4xf32>
// MAMBA2: mgc.activation softplus %{{.*}} : tensor<?x4xf32>
// MAMBA2: mgc.scan ssd forward %{{.*}} dt(%{{.*}}) decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) d(%{{.*}}) state(%{{.*}}) : (tensor<?x4x16xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<4xf32>, tensor<4x16x16xf32>)
// MAMBA2: mgc.param "layers.0.mixer.norm.weight" : tensor<64xf32>
// MAMBA2: mgc.norm rms %{{.*}} weight %{{.*}} {eps = 1.000000e-05 : f64} : (tensor<?x2x32xf32>, tensor<2x32xf32>) -> tensor<?x2x32xf32>
// MAMBA2: mgc.param "layers.0.mixer.out_proj.weight" : tensor<32x64xf32>
// MAMBA2: mgc.param "output.weight" : tensor<256x32xf32>
// MAMBA2-LABEL: func.func @decode
// MAMBA2: mgc.scan ssd forward

// Jamba: Mamba mixers with RMS-normalized dt, B and C on layers 0 and 2,
// attention without positions on layers 1 and 3; softmax top-2 of 8 (not
// renormalized) on layers 0 and 3, dense MLPs on layers 1 and 2.
// RUN: mgc compile %S/jamba --emit=mlir -O0 --target x86-64-avx512 2>/dev/null | FileCheck %s --check-prefix=JAMBA
// JAMBA: mgc.state conv @layers.0.mixer.conv_state : tensor<3x64xf32>
// JAMBA: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<1x64x16xf32>
// JAMBA: mgc.state kv_cache @layers.1.attn.k_cache : tensor<2x256x8xf32>
// JAMBA: mgc.state recurrent @layers.2.mixer.ssm_state : tensor<1x64x16xf32>
// JAMBA: mgc.state kv_cache @layers.3.attn.k_cache : tensor<2x256x8xf32>
// JAMBA-LABEL: func.func @prefill
// JAMBA: mgc.norm rms {{.*}} {eps = 9.9999999999999995E-7 : f64}
// JAMBA: mgc.param "layers.0.mixer.dt_layernorm.weight" : tensor<2xf32>
// JAMBA: mgc.param "layers.0.mixer.b_layernorm.weight" : tensor<16xf32>
// JAMBA: mgc.param "layers.0.mixer.c_layernorm.weight" : tensor<16xf32>
// JAMBA: mgc.scan selective forward
// JAMBA: mgc.route softmax %{{.*}}, %{{.*}} {top_k = 2 : i64} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
// JAMBA: mgc.expert swiglu {{.*}} tensor<8x32x32xf32>, tensor<8x32x32xf32>, tensor<8x32x32xf32>) -> tensor<?x32xf32>
// JAMBA: mgc.attention causal {{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64} :
// JAMBA-NOT: mgc.route
// JAMBA: mgc.param "layers.1.ffn.up.weight" : tensor<32x32xf32>
// JAMBA-NOT: mgc.route
// JAMBA: mgc.scan selective forward
// JAMBA-NOT: mgc.route
// JAMBA: mgc.param "layers.2.ffn.up.weight" : tensor<32x32xf32>
// JAMBA-NOT: mgc.route
// JAMBA: mgc.attention causal {{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64} :
// JAMBA: mgc.route softmax {{.*}} {top_k = 2 : i64}
// JAMBA: mgc.expert swiglu
// JAMBA: mgc.param "output.weight" : tensor<256x32xf32>
// JAMBA-LABEL: func.func @decode
// JAMBA: mgc.scan selective forward
// JAMBA: mgc.route softmax
