// RUN: mgc-opt %s --mgc-fuse-projections | FileCheck %s

// Linear ops of one block that read the same input with weights of the
// same width and type become one linear op by the concatenated weights
// (a param with parts) and a slice per original result.

// CHECK-LABEL: func.func @qkv
// CHECK: %[[W:.*]] = mgc.param "layers.0.attn.q+k+v.weight" {part_rows = array<i64: 8, 4, 4>, parts = ["layers.0.attn.q.weight", "layers.0.attn.k.weight", "layers.0.attn.v.weight"]} : tensor<16x8xf32>
// CHECK-NEXT: %[[Y:.*]] = mgc.linear %arg0, %[[W]] : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[Q:.*]] = mgc.slice %[[Y]] {offset = 0 : i64} : tensor<?x16xf32> -> tensor<?x8xf32>
// CHECK-NEXT: %[[K:.*]] = mgc.slice %[[Y]] {offset = 8 : i64} : tensor<?x16xf32> -> tensor<?x4xf32>
// CHECK-NEXT: %[[V:.*]] = mgc.slice %[[Y]] {offset = 12 : i64} : tensor<?x16xf32> -> tensor<?x4xf32>
// CHECK-NOT: mgc.linear
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %wq = mgc.param "layers.0.attn.q.weight" : tensor<8x8xf32>
  %q = mgc.linear %x, %wq : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wk = mgc.param "layers.0.attn.k.weight" : tensor<4x8xf32>
  %k = mgc.linear %x, %wk : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %wv = mgc.param "layers.0.attn.v.weight" : tensor<4x8xf32>
  %v = mgc.linear %x, %wv : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  func.return %q, %k, %v : tensor<?x8xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// Biases are concatenated too when every op has one; an op without a bias,
// one with another input and one with bf16 weights stay as they are.
// CHECK-LABEL: func.func @groups
// CHECK: mgc.param "a.w" : tensor<4x8xf32>
// CHECK: mgc.param "a+b.weight" {part_rows = array<i64: 4, 4>, parts = ["a.weight", "b.weight"]} : tensor<8x8xf32>
// CHECK-NEXT: mgc.param "a+b.bias" {part_rows = array<i64: 4, 4>, parts = ["a.bias", "b.bias"]} : tensor<8xf32>
// CHECK-NEXT: mgc.linear %arg0, %{{.*}} bias %{{.*}} : (tensor<?x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
// CHECK: mgc.param "c.weight" : tensor<4x8xbf16>
// CHECK: mgc.param "d.weight" : tensor<4x8xf32>
// CHECK-NEXT: mgc.linear %arg1, %{{.*}} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
func.func @groups(%x: tensor<?x8xf32>, %z: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %w0 = mgc.param "a.w" : tensor<4x8xf32>
  %n = mgc.linear %x, %w0 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %wa = mgc.param "a.weight" : tensor<4x8xf32>
  %ba = mgc.param "a.bias" : tensor<4xf32>
  %a = mgc.linear %x, %wa bias %ba : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %wb = mgc.param "b.weight" : tensor<4x8xf32>
  %bb = mgc.param "b.bias" : tensor<4xf32>
  %b = mgc.linear %x, %wb bias %bb : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %wc = mgc.param "c.weight" : tensor<4x8xbf16>
  %c = mgc.linear %x, %wc : (tensor<?x8xf32>, tensor<4x8xbf16>) -> tensor<?x4xf32>
  %wd = mgc.param "d.weight" : tensor<4x8xf32>
  %d = mgc.linear %z, %wd : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  func.return %n, %a, %b, %c, %d : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// Two groups whose short names would be the same: the second is named by
// its parts' whole names.
// CHECK-LABEL: func.func @names
// CHECK: mgc.param "x.a+b.c" {part_rows = array<i64: 4, 4>, parts = ["x.a", "x.b.c"]}
// CHECK: mgc.param "x.a.c+x.b.c" {part_rows = array<i64: 4, 4>, parts = ["x.a.c", "x.b.c"]}
func.func @names(%x: tensor<?x8xf32>, %z: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %w1 = mgc.param "x.a" : tensor<4x8xf32>
  %a = mgc.linear %x, %w1 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %w2 = mgc.param "x.b.c" : tensor<4x8xf32>
  %b = mgc.linear %x, %w2 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %w3 = mgc.param "x.a.c" : tensor<4x8xf32>
  %c = mgc.linear %z, %w3 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %d = mgc.linear %z, %w2 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  func.return %a, %b, %c, %d : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}
