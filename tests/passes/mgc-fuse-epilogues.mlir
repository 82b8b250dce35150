// RUN: mgc-opt %s --mgc-outline-kernels --mgc-fuse-epilogues | FileCheck %s
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx512 cores=2" --mgc-outline-kernels --mgc-fuse-epilogues --mgc-schedule | FileCheck %s --check-prefix=SCHED

// A product with an epilogue is scheduled as the product: the register
// tile of the GEMM, parallel over column panels.
// SCHED: mgc.kernel "residual.layers.0.attn.o" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [1], threads = 2>}

// A residual add of a product's result joins the product's kernel, which
// keeps the product's name, takes the residual as one more input and
// yields the sum.
// CHECK-LABEL: func.func @residual
// CHECK: %[[W:.*]] = mgc.param "layers.0.attn.o.weight"
// CHECK-NEXT: %[[K:.*]] = mgc.kernel "residual.layers.0.attn.o" ins(%arg0, %[[W]], %arg1 : tensor<?x8xf32>, tensor<4x8xf32>, tensor<?x4xf32>) -> tensor<?x4xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x8xf32>, %[[KW:.*]]: tensor<4x8xf32>, %[[R:.*]]: tensor<?x4xf32>):
// CHECK-NEXT: %[[Y:.*]] = mgc.linear %[[X]], %[[KW]]
// CHECK-NEXT: %[[S:.*]] = mgc.add %[[R]], %[[Y]]
// CHECK-NEXT: mgc.yield %[[S]]
// CHECK-NEXT: }
// CHECK-NEXT: return %[[K]]
func.func @residual(%x: tensor<?x8xf32>, %r: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = mgc.param "layers.0.attn.o.weight" : tensor<4x8xf32>
  %y = mgc.linear %x, %w : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %s = mgc.add %r, %y : tensor<?x4xf32>, tensor<?x4xf32>
  func.return %s : tensor<?x4xf32>
}

// An activation, then a residual add of it (with the bias of the product):
// one kernel of three ops. The add's order of operands is kept.
// CHECK-LABEL: func.func @activation_then_residual
// CHECK: mgc.kernel "activation_then_residual.fc1" ins(%arg0, %{{.*}}, %{{.*}}, %arg1 :
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: %[[Y:.*]] = mgc.linear %{{.*}}, %{{.*}} bias %{{.*}}
// CHECK-NEXT: %[[A:.*]] = mgc.activation gelu %[[Y]]
// CHECK-NEXT: %[[S:.*]] = mgc.add %[[A]], %{{.*}}
// CHECK-NEXT: mgc.yield %[[S]]
// CHECK-NOT: mgc.kernel
// CHECK: return
func.func @activation_then_residual(%x: tensor<?x8xf32>, %r: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = mgc.param "fc1.weight" : tensor<4x8xf32>
  %b = mgc.param "fc1.bias" : tensor<4xf32>
  %y = mgc.linear %x, %w bias %b : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %a = mgc.activation gelu %y : tensor<?x4xf32>
  %s = mgc.add %a, %r : tensor<?x4xf32>, tensor<?x4xf32>
  func.return %s : tensor<?x4xf32>
}

// Left alone: a product whose result is used twice, an add that
// broadcasts, a second activation, softplus (strict float would cost the
// product its FMAs), the logits, and a product of a [B, T, K] input.
// (Kernel names are unique in the module, hence the suffixes.)
// CHECK-LABEL: func.func @left_alone
// CHECK: mgc.kernel "left_alone.twice" ins
// CHECK: mgc.kernel "left_alone.add" ins
// CHECK: mgc.kernel "left_alone.bcast" ins
// CHECK: mgc.kernel "left_alone.add.1" ins
// CHECK: mgc.kernel "left_alone.act" ins
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: mgc.linear
// CHECK-NEXT: mgc.activation silu
// CHECK-NEXT: mgc.yield
// CHECK: mgc.kernel "left_alone.activation.1" ins
// CHECK: mgc.kernel "left_alone.dt" ins
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: mgc.linear
// CHECK-NEXT: mgc.yield
// CHECK: mgc.kernel "left_alone.activation.2" ins
// CHECK: mgc.kernel "left_alone.output" ins
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: mgc.logits
// CHECK-NEXT: mgc.yield
// CHECK: mgc.kernel "left_alone.add.2" ins
// CHECK: mgc.kernel "left_alone.batched" ins
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: mgc.linear
// CHECK-NEXT: mgc.yield
// CHECK: mgc.kernel "left_alone.activation.3" ins
func.func @left_alone(%x: tensor<?x8xf32>, %r: tensor<?x4xf32>, %v: tensor<4xf32>, %xb: tensor<2x?x8xf32>)
    -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x16xf32>, tensor<2x?x4xf32>) {
  %w1 = mgc.param "twice.weight" : tensor<4x8xf32>
  %y1 = mgc.linear %x, %w1 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %s1 = mgc.add %y1, %y1 : tensor<?x4xf32>, tensor<?x4xf32>
  %w2 = mgc.param "bcast.weight" : tensor<4x8xf32>
  %y2 = mgc.linear %x, %w2 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %s2 = mgc.add %y2, %v : tensor<?x4xf32>, tensor<4xf32>
  %w3 = mgc.param "act.weight" : tensor<4x8xf32>
  %y3 = mgc.linear %x, %w3 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %a3 = mgc.activation silu %y3 : tensor<?x4xf32>
  %b3 = mgc.activation tanh %a3 : tensor<?x4xf32>
  %w4 = mgc.param "dt.weight" : tensor<4x8xf32>
  %y4 = mgc.linear %x, %w4 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %a4 = mgc.activation softplus %y4 : tensor<?x4xf32>
  %w5 = mgc.param "output.weight" : tensor<16x8xf32>
  %y5 = mgc.logits %x, %w5 : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  %s5 = mgc.add %y5, %y5 : tensor<?x16xf32>, tensor<?x16xf32>
  %w6 = mgc.param "batched.weight" : tensor<4x8xf32>
  %y6 = mgc.linear %xb, %w6 : (tensor<2x?x8xf32>, tensor<4x8xf32>) -> tensor<2x?x4xf32>
  %a6 = mgc.activation relu %y6 : tensor<2x?x4xf32>
  func.return %s1, %s2, %b3, %a4, %s5, %a6 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x16xf32>, tensor<2x?x4xf32>
}
