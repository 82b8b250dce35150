// RUN: mgc-opt %s | mgc-opt | FileCheck %s
// RUN: mgc-opt %s --mlir-print-op-generic | mgc-opt | FileCheck %s

// Every op and attribute of the mgc dialect, in each of its variants, parses,
// verifies, prints, and parses back to the same IR (in custom and generic form).

// CHECK: module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512", halide = "x86-64-linux-avx512", vector_bits = 512, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 4.000000e+01 : f64, peak_gflops = 2.300000e+02 : f64>}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512",
    halide = "x86-64-linux-avx512", vector_bits = 512, cores = 2,
    l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432,
    bandwidth_gbps = 40.0, peak_gflops = 230.0>} {

// CHECK: mgc.state kv_cache @layers.0.k_cache : tensor<2x16x8xf32>
// CHECK: mgc.state recurrent @layers.1.ssm : tensor<4x8x16xf32>
// CHECK: mgc.state conv @layers.1.conv : tensor<3x32xbf16>
mgc.state kv_cache @layers.0.k_cache : tensor<2x16x8xf32>
mgc.state recurrent @layers.1.ssm : tensor<4x8x16xf32>
mgc.state conv @layers.1.conv : tensor<3x32xbf16>

// CHECK-LABEL: func.func @weights_and_state
func.func @weights_and_state() {
  // CHECK: %[[W:.*]] = mgc.param "layers.0.attn.wq" : tensor<32x32xbf16>
  %w = mgc.param "layers.0.attn.wq" : tensor<32x32xbf16>
  // CHECK: mgc.constant -1.000000e+00 : tensor<1xf32>
  %m = mgc.constant -1.0 : tensor<1xf32>
  // CHECK: mgc.constant 5.000000e-01 : tensor<4x8xbf16>
  %h = mgc.constant 0.5 : tensor<4x8xbf16>
  // CHECK: %[[K:.*]] = mgc.state_read @layers.0.k_cache : tensor<2x16x8xf32>
  %k = mgc.state_read @layers.0.k_cache : tensor<2x16x8xf32>
  // CHECK: mgc.state_write %[[K]], @layers.0.k_cache : tensor<2x16x8xf32>
  mgc.state_write %k, @layers.0.k_cache : tensor<2x16x8xf32>
  return
}

// CHECK-LABEL: func.func @supporting_ops
func.func @supporting_ops(%tokens: tensor<?xi32>, %pos: index,
                          %table: tensor<64x32xf32>, %w: tensor<32xf32>,
                          %b: tensor<32xf32>, %wl: tensor<48x32xf32>,
                          %bl: tensor<48xf32>, %wc: tensor<32x4xf32>,
                          %sc: tensor<3x32xf32>) {
  // CHECK: %[[H:.*]] = mgc.embed %{{.*}}, %{{.*}} : (tensor<?xi32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  %h = mgc.embed %tokens, %table : (tensor<?xi32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.positions %{{.*}} at %{{.*}} : tensor<?xi32>
  %positions = mgc.positions %tokens at %pos : tensor<?xi32>
  // CHECK: mgc.norm rms %[[H]] weight %{{.*}} {eps = 1.000000e-05 : f64}
  %n0 = mgc.norm rms %h weight %w {eps = 1.0e-5} : (tensor<?x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.norm layer %[[H]] weight %{{.*}} bias %{{.*}} {eps = 9.9999999999999995E-7 : f64}
  %n1 = mgc.norm layer %h weight %w bias %b {eps = 1.0e-6} : (tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.norm layer %[[H]] {eps = 1.000000e-05 : f64} : (tensor<?x32xf32>) -> tensor<?x32xf32>
  %n2 = mgc.norm layer %h {eps = 1.0e-5} : (tensor<?x32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.linear %{{.*}}, %{{.*}} : (tensor<?x32xf32>, tensor<48x32xf32>) -> tensor<?x48xf32>
  %l0 = mgc.linear %n0, %wl : (tensor<?x32xf32>, tensor<48x32xf32>) -> tensor<?x48xf32>
  // CHECK: mgc.linear %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<?x32xf32>, tensor<48x32xf32>, tensor<48xf32>) -> tensor<?x48xf32>
  %l1 = mgc.linear %n1, %wl bias %bl : (tensor<?x32xf32>, tensor<48x32xf32>, tensor<48xf32>) -> tensor<?x48xf32>
  // CHECK: mgc.head_linear %{{.*}}, %{{.*}} {block = 16 : i64, offset = 4 : i64, transpose} : (tensor<?x3x8xf32>, tensor<48x32xf32>) -> tensor<?x3x32xf32>
  %l0h = mgc.reshape %l0 : tensor<?x48xf32> -> tensor<?x3x16xf32>
  %l0n = mgc.slice %l0h {offset = 0} : tensor<?x3x16xf32> -> tensor<?x3x8xf32>
  %hl0 = mgc.head_linear %l0n, %wl {block = 16, offset = 4, transpose} : (tensor<?x3x8xf32>, tensor<48x32xf32>) -> tensor<?x3x32xf32>
  // CHECK: mgc.head_linear %{{.*}}, %{{.*}} {block = 16 : i64, offset = 8 : i64} : (tensor<?x3x32xf32>, tensor<48x32xf32>) -> tensor<?x3x8xf32>
  %hl1 = mgc.head_linear %hl0, %wl {block = 16, offset = 8} : (tensor<?x3x32xf32>, tensor<48x32xf32>) -> tensor<?x3x8xf32>
  // CHECK: mgc.rope %{{.*}} at %{{.*}} {head_dim = 16 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 16, style = half>} : tensor<?x48xf32>
  %r0 = mgc.rope %l0 at %pos {head_dim = 16, rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = half>} : tensor<?x48xf32>
  // Partial rotary, interleaved pairs, llama3 context scaling.
  // CHECK: #mgc.rope<theta = 5.000000e+05 : f64, rotary_dim = 8, style = interleaved, scaling = llama3, factor = 8.000000e+00 : f64, original_context = 8192>
  %r1 = mgc.rope %l1 at %pos {head_dim = 16, rope = #mgc.rope<theta = 500000.0, rotary_dim = 8, style = interleaved, scaling = llama3, factor = 8.0, original_context = 8192>} : tensor<?x48xf32>
  // CHECK: #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 16, style = half, scaling = yarn, factor = 4.000000e+00 : f64, original_context = 4096, low_freq_factor = 3.200000e+01 : f64, high_freq_factor = 6.400000e+01 : f64>
  %r2 = mgc.rope %l1 at %pos {head_dim = 16, rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = half, scaling = yarn, factor = 4.0, original_context = 4096, low_freq_factor = 32.0, high_freq_factor = 64.0>} : tensor<?x48xf32>
  // CHECK: #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 16, style = half, scaling = yarn, factor = 4.000000e+00 : f64, original_context = 4096, attention_factor = 1.000000e+00 : f64>
  %r3 = mgc.rope %l1 at %pos {head_dim = 16, rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = half, scaling = yarn, factor = 4.0, original_context = 4096, attention_factor = 1.0>} : tensor<?x48xf32>
  // CHECK: mgc.conv1d %[[H]], %{{.*}} : (tensor<?x32xf32>, tensor<32x4xf32>) -> tensor<?x32xf32>
  %c0 = mgc.conv1d %h, %wc : (tensor<?x32xf32>, tensor<32x4xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.conv1d %[[H]], %{{.*}} bias %{{.*}} state(%{{.*}}) : (tensor<?x32xf32>, tensor<32x4xf32>, tensor<32xf32>, tensor<3x32xf32>) -> (tensor<?x32xf32>, tensor<3x32xf32>)
  %c1, %s1 = mgc.conv1d %h, %wc bias %b state(%sc) : (tensor<?x32xf32>, tensor<32x4xf32>, tensor<32xf32>, tensor<3x32xf32>) -> (tensor<?x32xf32>, tensor<3x32xf32>)
  // A centered (non-causal) convolution of odd width, without state.
  // CHECK: mgc.conv1d %[[H]], %{{.*}} bias %{{.*}} {centered} : (tensor<?x32xf32>, tensor<32x5xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  %wc5 = mgc.param "wc5" : tensor<32x5xf32>
  %c2 = mgc.conv1d %h, %wc5 bias %b {centered} : (tensor<?x32xf32>, tensor<32x5xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.activation silu
  // CHECK: mgc.activation gelu
  // CHECK: mgc.activation gelu_tanh
  // CHECK: mgc.activation relu
  // CHECK: mgc.activation relu_squared
  // CHECK: mgc.activation sigmoid
  // CHECK: mgc.activation tanh
  // CHECK: mgc.activation softplus
  // CHECK: mgc.activation exp
  %a0 = mgc.activation silu %h : tensor<?x32xf32>
  %a1 = mgc.activation gelu %h : tensor<?x32xf32>
  %a2 = mgc.activation gelu_tanh %h : tensor<?x32xf32>
  %a3 = mgc.activation relu %h : tensor<?x32xf32>
  %a4 = mgc.activation relu_squared %h : tensor<?x32xf32>
  %a5 = mgc.activation sigmoid %h : tensor<?x32xf32>
  %a6 = mgc.activation tanh %h : tensor<?x32xf32>
  %a7 = mgc.activation softplus %h : tensor<?x32xf32>
  %a8 = mgc.activation exp %h : tensor<?x32xf32>
  // CHECK: mgc.add %{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<?x32xf32>
  %e0 = mgc.add %a0, %a1 : tensor<?x32xf32>, tensor<?x32xf32>
  // A per-channel vector broadcast over tokens.
  // CHECK: mgc.sub %{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<32xf32>
  %e1 = mgc.sub %e0, %b : tensor<?x32xf32>, tensor<32xf32>
  // CHECK: mgc.mul %{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<32xf32>
  %e2 = mgc.mul %e1, %w : tensor<?x32xf32>, tensor<32xf32>
  // CHECK: mgc.div %{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<32xf32>
  %e2d = mgc.div %e1, %w : tensor<?x32xf32>, tensor<32xf32>
  // CHECK: mgc.logits %{{.*}}, %{{.*}} : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  %lg0 = mgc.logits %e2, %table : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  // CHECK: mgc.logits %{{.*}}, %{{.*}} {soft_cap = 3.000000e+01 : f64}
  %lg1 = mgc.logits %e2, %table {soft_cap = 30.0} : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  return
}

// CHECK-LABEL: func.func @shape_plumbing
func.func @shape_plumbing(%x: tensor<?x32xf32>, %g: tensor<?x1xf32>, %s: tensor<1x32xf32>, %w: tensor<4x8xf32>) {
  // CHECK: mgc.reshape %{{.*}} : tensor<?x32xf32> -> tensor<?x4x8xf32>
  %x3 = mgc.reshape %x : tensor<?x32xf32> -> tensor<?x4x8xf32>
  // A per-head group norm: statistics over the last dimension, weight [H, P].
  // CHECK: mgc.norm rms %{{.*}} weight %{{.*}} {eps = 1.000000e-05 : f64} : (tensor<?x4x8xf32>, tensor<4x8xf32>) -> tensor<?x4x8xf32>
  %n = mgc.norm rms %x3 weight %w {eps = 1.0e-5} : (tensor<?x4x8xf32>, tensor<4x8xf32>) -> tensor<?x4x8xf32>
  // CHECK: mgc.slice %{{.*}} {offset = 16 : i64} : tensor<?x32xf32> -> tensor<?x16xf32>
  %hi = mgc.slice %x {offset = 16} : tensor<?x32xf32> -> tensor<?x16xf32>
  %lo = mgc.slice %x {offset = 0} : tensor<?x32xf32> -> tensor<?x16xf32>
  // CHECK: mgc.concat %{{.*}}, %{{.*}} : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x32xf32>
  %c = mgc.concat %hi, %lo : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x32xf32>
  // A per-token gate broadcast over features.
  // CHECK: mgc.mul %{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<?x1xf32>
  %m = mgc.mul %c, %g : tensor<?x32xf32>, tensor<?x1xf32>
  // CHECK: mgc.slice %{{.*}} {dim = 0 : i64, offset = 1 : i64} : tensor<4x8xf32> -> tensor<1x8xf32>
  %row = mgc.slice %w {offset = 1, dim = 0} : tensor<4x8xf32> -> tensor<1x8xf32>
  // CHECK: mgc.broadcast %{{.*}} : tensor<1x8xf32> -> tensor<4x8xf32>
  %rows = mgc.broadcast %row : tensor<1x8xf32> -> tensor<4x8xf32>
  // CHECK: mgc.token_shift %{{.*}} : (tensor<?x32xf32>) -> tensor<?x32xf32>
  %p0 = mgc.token_shift %x : (tensor<?x32xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.token_shift %{{.*}} state(%{{.*}}) : (tensor<?x32xf32>, tensor<1x32xf32>) -> (tensor<?x32xf32>, tensor<1x32xf32>)
  %p1, %s1 = mgc.token_shift %x state(%s) : (tensor<?x32xf32>, tensor<1x32xf32>) -> (tensor<?x32xf32>, tensor<1x32xf32>)
  // CHECK: mgc.reverse %{{.*}} : tensor<?x32xf32>
  %rev = mgc.reverse %x : tensor<?x32xf32>
  // CHECK: mgc.reverse %{{.*}} : tensor<4x8xf32>
  %revw = mgc.reverse %w : tensor<4x8xf32>
  return
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<?x32xf32>, %k: tensor<?x16xf32>,
                     %v: tensor<?x16xf32>, %kc: tensor<2x16x8xf32>,
                     %vc: tensor<2x16x8xf32>, %pos: index,
                     %qm: tensor<5x48xf32>, %km: tensor<5x12xf32>,
                     %vm: tensor<5x8xf32>) {
  // Bidirectional multi-head attention without a cache (encoders).
  // CHECK: mgc.attention bidirectional %{{.*}}, %{{.*}}, %{{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<?x32xf32>, tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x32xf32>
  %o0 = mgc.attention bidirectional %q, %k, %v {num_heads = 4, num_kv_heads = 2, head_dim = 8} : (tensor<?x32xf32>, tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x32xf32>
  // GQA over a KV cache with RoPE, a sliding window, a scale and a soft cap.
  // CHECK: %{{.*}}, %{{.*}}:2 = mgc.attention causal %{{.*}}, %{{.*}}, %{{.*}} cache(%{{.*}}, %{{.*}}) at %{{.*}} {head_dim = 8 : i64, num_heads = 4 : i64, num_kv_heads = 2 : i64, rope = #mgc.rope<theta = 1.000000e+04 : f64, rotary_dim = 8, style = half>, scale = 1.250000e-01 : f64, soft_cap = 5.000000e+01 : f64, window = 4 : i64}
  %o1, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 4, num_kv_heads = 2, head_dim = 8, window = 4, scale = 0.125, soft_cap = 50.0, rope = #mgc.rope<theta = 10000.0, rotary_dim = 8, style = half>} : (tensor<?x32xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>, index) -> (tensor<?x32xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>)
  // MQA with separate query/key and value head sizes (MLA).
  // CHECK: mgc.attention causal {{.*}} {head_dim = 12 : i64, num_heads = 4 : i64, num_kv_heads = 1 : i64, v_head_dim = 8 : i64} : (tensor<5x48xf32>, tensor<5x12xf32>, tensor<5x8xf32>) -> tensor<5x32xf32>
  %o2 = mgc.attention causal %qm, %km, %vm {num_heads = 4, num_kv_heads = 1, head_dim = 12, v_head_dim = 8} : (tensor<5x48xf32>, tensor<5x12xf32>, tensor<5x8xf32>) -> tensor<5x32xf32>
  return
}

// CHECK-LABEL: func.func @moe
func.func @moe(%h: tensor<?x32xf32>, %gate: tensor<8x32xf32>,
               %bias: tensor<8xf32>, %wg: tensor<8x48x32xf32>,
               %wu: tensor<8x48x32xf32>, %wd: tensor<8x32x48xf32>) {
  // Mixtral: softmax top-2, renormalized.
  // CHECK: %[[I:.*]], %[[W:.*]] = mgc.route softmax %{{.*}}, %{{.*}} {normalize, top_k = 2 : i64} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  %i0, %w0 = mgc.route softmax %h, %gate {top_k = 2, normalize} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  // DeepSeek-V3: sigmoid scores, correction bias, group-limited top-k, scaling.
  // CHECK: mgc.route sigmoid %{{.*}}, %{{.*}} bias %{{.*}} {n_group = 4 : i64, normalize, scale = 2.500000e+00 : f64, top_k = 2 : i64, topk_group = 2 : i64}
  %i1, %w1 = mgc.route sigmoid %h, %gate bias %bias {top_k = 2, n_group = 4, topk_group = 2, normalize, scale = 2.5} : (tensor<?x32xf32>, tensor<8x32xf32>, tensor<8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  // Switch: top-1 with a capacity factor.
  // CHECK: mgc.route softmax %{{.*}}, %{{.*}} {capacity_factor = 1.250000e+00 : f64, top_k = 1 : i64} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>)
  %i2, %w2 = mgc.route softmax %h, %gate {top_k = 1, capacity_factor = 1.25} : (tensor<?x32xf32>, tensor<8x32xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>)
  // CHECK: mgc.expert swiglu %{{.*}}, %[[I]], %[[W]] gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) : (tensor<?x32xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x48x32xf32>, tensor<8x48x32xf32>, tensor<8x32x48xf32>) -> tensor<?x32xf32>
  %y0 = mgc.expert swiglu %h, %i0, %w0 gate(%wg) up(%wu) down(%wd) : (tensor<?x32xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x48x32xf32>, tensor<8x48x32xf32>, tensor<8x32x48xf32>) -> tensor<?x32xf32>
  // CHECK: mgc.expert gelu %{{.*}}, %{{.*}}, %{{.*}} up(%{{.*}}) down(%{{.*}}) : (tensor<?x32xf32>, tensor<?x1xi32>, tensor<?x1xf32>, tensor<8x48x32xf32>, tensor<8x32x48xf32>) -> tensor<?x32xf32>
  %y1 = mgc.expert gelu %h, %i2, %w2 up(%wu) down(%wd) : (tensor<?x32xf32>, tensor<?x1xi32>, tensor<?x1xf32>, tensor<8x48x32xf32>, tensor<8x32x48xf32>) -> tensor<?x32xf32>
  return
}

// CHECK-LABEL: func.func @scans
func.func @scans(%x: tensor<?x4x8xf32>, %h0: tensor<4x8x16xf32>) {
  // Mamba-1: one head of 8 channels, per-channel step and decay.
  %x1 = mgc.param "x1" : tensor<5x1x8xf32>
  %dt1 = mgc.param "dt1" : tensor<5x1x8xf32>
  %a1 = mgc.param "a1" : tensor<1x8x16xf32>
  %bc1 = mgc.param "bc1" : tensor<5x1x16xf32>
  %d1 = mgc.param "d1" : tensor<1x8xf32>
  %s1 = mgc.param "s1" : tensor<1x8x16xf32>
  // CHECK: mgc.scan selective forward %{{.*}} dt(%{{.*}}) decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) d(%{{.*}}) state(%{{.*}}) : (tensor<5x1x8xf32>, tensor<5x1x8xf32>, tensor<1x8x16xf32>, tensor<5x1x16xf32>, tensor<5x1x16xf32>, tensor<1x8xf32>, tensor<1x8x16xf32>) -> (tensor<5x1x8xf32>, tensor<1x8x16xf32>)
  %y1, %o1 = mgc.scan selective forward %x1 dt(%dt1) decay(%a1) b(%bc1) c(%bc1) d(%d1) state(%s1) : (tensor<5x1x8xf32>, tensor<5x1x8xf32>, tensor<1x8x16xf32>, tensor<5x1x16xf32>, tensor<5x1x16xf32>, tensor<1x8xf32>, tensor<1x8x16xf32>) -> (tensor<5x1x8xf32>, tensor<1x8x16xf32>)

  // Mamba-2 (SSD): scalar decay per head, 2 groups of B/C shared by 4 heads.
  %dt2 = mgc.param "dt2" : tensor<5x4xf32>
  %a2 = mgc.param "a2" : tensor<4xf32>
  %bc2 = mgc.param "bc2" : tensor<5x2x16xf32>
  %d2 = mgc.param "d2" : tensor<4xf32>
  %x2 = mgc.param "x2" : tensor<5x4x8xf32>
  // CHECK: mgc.scan ssd forward %{{.*}} dt(%{{.*}}) decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) d(%{{.*}}) : (tensor<5x4x8xf32>, tensor<5x4xf32>, tensor<4xf32>, tensor<5x2x16xf32>, tensor<5x2x16xf32>, tensor<4xf32>) -> tensor<5x4x8xf32>
  %y2 = mgc.scan ssd forward %x2 dt(%dt2) decay(%a2) b(%bc2) c(%bc2) d(%d2) : (tensor<5x4x8xf32>, tensor<5x4xf32>, tensor<4xf32>, tensor<5x2x16xf32>, tensor<5x2x16xf32>, tensor<4xf32>) -> tensor<5x4x8xf32>
  // Hydra: the same mixer run in both directions.
  // CHECK: mgc.scan ssd bidirectional
  %y3 = mgc.scan ssd bidirectional %x2 dt(%dt2) decay(%a2) b(%bc2) c(%bc2) : (tensor<5x4x8xf32>, tensor<5x4xf32>, tensor<4xf32>, tensor<5x2x16xf32>, tensor<5x2x16xf32>) -> tensor<5x4x8xf32>

  // RWKV-6: data-dependent decay over keys plus the current-token bonus.
  %w6 = mgc.param "w6" : tensor<5x4x16xf32>
  %k6 = mgc.param "k6" : tensor<5x4x16xf32>
  %u6 = mgc.param "u6" : tensor<4x16xf32>
  // CHECK: mgc.scan rwkv forward %{{.*}} decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) bonus(%{{.*}}) state(%{{.*}}) : (tensor<5x4x8xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<4x16xf32>, tensor<4x8x16xf32>) -> (tensor<5x4x8xf32>, tensor<4x8x16xf32>)
  %y4, %o4 = mgc.scan rwkv forward %x2 decay(%w6) b(%k6) c(%k6) bonus(%u6) state(%h0) : (tensor<5x4x8xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<4x16xf32>, tensor<4x8x16xf32>) -> (tensor<5x4x8xf32>, tensor<4x8x16xf32>)
  // RWKV-5: the decay is fixed per head.
  // CHECK: mgc.scan rwkv forward %{{.*}} decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) bonus(%{{.*}}) : (tensor<5x4x8xf32>, tensor<4x16xf32>
  %y5 = mgc.scan rwkv forward %x2 decay(%u6) b(%k6) c(%k6) bonus(%u6) : (tensor<5x4x8xf32>, tensor<4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<4x16xf32>) -> tensor<5x4x8xf32>
  // RWKV-7: diagonal decay plus a rank-1 update, over a dynamic token count.
  %wd = mgc.param "wd" : tensor<4x16xf32>
  // CHECK: mgc.scan delta forward %{{.*}} decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) rank1(%{{.*}}, %{{.*}}) : (tensor<5x4x8xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>) -> tensor<5x4x8xf32>
  %y6 = mgc.scan delta forward %x2 decay(%w6) b(%k6) c(%k6) rank1(%k6, %w6) : (tensor<5x4x8xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>, tensor<5x4x16xf32>) -> tensor<5x4x8xf32>
  // S4D / H3: time-invariant decay, B and C, with a fixed step.
  %al = mgc.param "al" : tensor<4x8x16xf32>
  %bl = mgc.param "bl" : tensor<1x16xf32>
  %dtl = mgc.param "dtl" : tensor<4x8xf32>
  // CHECK: mgc.scan lti forward %{{.*}} dt(%{{.*}}) decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) state(%{{.*}}) : (tensor<?x4x8xf32>, tensor<4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<1x16xf32>, tensor<4x8x16xf32>) -> (tensor<?x4x8xf32>, tensor<4x8x16xf32>)
  %y7, %o7 = mgc.scan lti forward %x dt(%dtl) decay(%al) b(%bl) c(%bl) state(%h0) : (tensor<?x4x8xf32>, tensor<4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<1x16xf32>, tensor<4x8x16xf32>) -> (tensor<?x4x8xf32>, tensor<4x8x16xf32>)
  return
}

// CHECK-LABEL: func.func @kernel
func.func @kernel(%h: tensor<?x32xf32>, %w: tensor<48x32xf32>) -> tensor<?x48xf32> {
  // CHECK: mgc.kernel "layers.0.ffn.up" ins(%{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<48x32xf32>) -> tensor<?x48xf32> attributes {schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [1], threads = 2>} {
  // CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x32xf32>, %[[W:.*]]: tensor<48x32xf32>):
  // CHECK-NEXT:   %[[R:.*]] = mgc.linear %[[X]], %[[W]]
  // CHECK-NEXT:   mgc.yield %[[R]] : tensor<?x48xf32>
  %r = mgc.kernel "layers.0.ffn.up" ins(%h, %w : tensor<?x32xf32>, tensor<48x32xf32>) -> tensor<?x48xf32>
      attributes {schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [1], threads = 2>} {
  ^bb0(%x: tensor<?x32xf32>, %wk: tensor<48x32xf32>):
    %y = mgc.linear %x, %wk : (tensor<?x32xf32>, tensor<48x32xf32>) -> tensor<?x48xf32>
    mgc.yield %y : tensor<?x48xf32>
  }
  // An unscheduled kernel with no inputs, as outlining produces before scheduling.
  // CHECK: mgc.kernel "constant" ins() -> tensor<4xf32> {
  %c = mgc.kernel "constant" ins() -> tensor<4xf32> {
    %p = mgc.param "p" : tensor<4xf32>
    mgc.yield %p : tensor<4xf32>
  }
  return %r : tensor<?x48xf32>
}

}
