// RUN: mgc-opt %s --mgc-outline-kernels | FileCheck %s

// Each compute op becomes one kernel; weights, state and the return stay
// outside, constants are copied in, and kernels are named after the weight
// they apply or, within its layer, after the op.

mgc.state kv_cache @layers.0.attn.k_cache : tensor<1x8x4xf32>
mgc.state kv_cache @layers.0.attn.v_cache : tensor<1x8x4xf32>

// CHECK-LABEL: func.func @decode
func.func @decode(%x: tensor<1x4xf32>, %pos: index) -> tensor<1x4xf32> {
  // CHECK: %[[W:.*]] = mgc.param "layers.0.attn.q.weight" : tensor<4x4xf32>
  // CHECK: %[[Q:.*]] = mgc.kernel "decode.layers.0.attn.q" ins(%{{.*}}, %[[W]] : tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<1x4xf32>, %[[B:.*]]: tensor<4x4xf32>):
  // CHECK-NEXT:   %[[L:.*]] = mgc.linear %[[A]], %[[B]]
  // CHECK-NEXT:   mgc.yield %[[L]] : tensor<1x4xf32>
  // CHECK-NEXT: }
  %w = mgc.param "layers.0.attn.q.weight" : tensor<4x4xf32>
  %q = mgc.linear %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  // CHECK: %[[KC:.*]] = mgc.state_read @layers.0.attn.k_cache
  // CHECK: %[[VC:.*]] = mgc.state_read @layers.0.attn.v_cache
  // An operand used several times is one input.
  // CHECK: %[[ATT:.*]]:3 = mgc.kernel "decode.layers.0.attention" ins(%[[Q]], %[[KC]], %[[VC]], %{{.*}} : {{.*}}) -> tensor<1x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32> {
  // CHECK:   mgc.attention causal
  // CHECK: mgc.state_write %[[ATT]]#1, @layers.0.attn.k_cache
  %kc = mgc.state_read @layers.0.attn.k_cache : tensor<1x8x4xf32>
  %vc = mgc.state_read @layers.0.attn.v_cache : tensor<1x8x4xf32>
  %o, %kc1, %vc1 = mgc.attention causal %q, %q, %q cache(%kc, %vc) at %pos {num_heads = 1, num_kv_heads = 1, head_dim = 4} : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>, index) -> (tensor<1x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>)
  mgc.state_write %kc1, @layers.0.attn.k_cache : tensor<1x8x4xf32>
  mgc.state_write %vc1, @layers.0.attn.v_cache : tensor<1x8x4xf32>
  // The constant is copied into the kernel and removed outside.
  // CHECK-NOT: mgc.constant
  // CHECK: mgc.kernel "decode.layers.0.mul" ins(%[[ATT]]#0 : tensor<1x4xf32>) -> tensor<1x4xf32> {
  // CHECK-NEXT: ^bb0(%[[M:.*]]: tensor<1x4xf32>):
  // CHECK-NEXT:   %[[C:.*]] = mgc.constant 5.000000e-01 : tensor<1xf32>
  // CHECK-NEXT:   mgc.mul %[[M]], %[[C]]
  %half = mgc.constant 0.5 : tensor<1xf32>
  %m = mgc.mul %o, %half : tensor<1x4xf32>, tensor<1xf32>
  // Repeated ops in one layer get distinct names.
  // CHECK: mgc.kernel "decode.layers.0.add" ins
  // CHECK: mgc.kernel "decode.layers.0.add.1" ins
  // CHECK: return
  %a = mgc.add %m, %x : tensor<1x4xf32>, tensor<1x4xf32>
  %b = mgc.add %a, %x : tensor<1x4xf32>, tensor<1x4xf32>
  return %b : tensor<1x4xf32>
}
