// RUN: mgc-opt %s --mgc-schedule | FileCheck %s
// RUN: mgc-opt %s --mgc-set-target="target=arm64" --mgc-schedule | FileCheck %s --check-prefix=ARM
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx2 cores=4" --mgc-schedule | FileCheck %s --check-prefix=AVX2
// RUN: mgc-opt %s --mgc-schedule="naive=true" | FileCheck %s --check-prefix=NAIVE
// RUN: mgc-opt %S/Inputs/untargeted.mlir --mgc-schedule --verify-diagnostics

// The schedule follows the target's vector width and cores, the phase of the
// entry point, and the kind of kernel; with naive=true (-O0) every kernel
// is a scalar, serial loop nest whatever the target. Inputs/untargeted.mlir checks the
// error for a module without a target.

module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512", halide = "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41", vector_bits = 512, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {

// CHECK-LABEL: func.func @prefill
func.func @prefill(%x: tensor<?x64xf32>, %w: tensor<256x64xf32>) -> tensor<?x256xf32> {
  // Matrix products: 6 rows x 4 vectors (2 on AVX2's 16 registers), parallel
  // over column panels.
  // CHECK: mgc.kernel "prefill.up" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [1], threads = 2>}
  // NAIVE: mgc.kernel "prefill.up" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  // ARM: #mgc.schedule<prefill, tiles = [6, 16], vector = 4, unroll = 4, parallel = [1], threads = 4>
  // AVX2: #mgc.schedule<prefill, tiles = [6, 16], vector = 8, unroll = 4, parallel = [1], threads = 4>
  %y = mgc.kernel "prefill.up" ins(%x, %w : tensor<?x64xf32>, tensor<256x64xf32>) -> tensor<?x256xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<256x64xf32>):
    %r = mgc.linear %a, %b : (tensor<?x64xf32>, tensor<256x64xf32>) -> tensor<?x256xf32>
    mgc.yield %r : tensor<?x256xf32>
  }
  // Row-wise ops: blocks of rows across cores.
  // CHECK: mgc.kernel "prefill.act" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [8, 64], vector = 16, unroll = 1, parallel = [0], threads = 2>}
  // NAIVE: mgc.kernel "prefill.act" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  %z = mgc.kernel "prefill.act" ins(%y : tensor<?x256xf32>) -> tensor<?x256xf32> {
  ^bb0(%a: tensor<?x256xf32>):
    %r = mgc.activation silu %a : tensor<?x256xf32>
    mgc.yield %r : tensor<?x256xf32>
  }
  return %z : tensor<?x256xf32>
}

// CHECK-LABEL: func.func @decode
// NAIVE-LABEL: func.func @decode
func.func @decode(%x: tensor<1x64xf32>, %w: tensor<256x64xf32>, %w16: tensor<256x64xbf16>, %h: tensor<1x2x16xf32>, %dt: tensor<1x2xf32>, %a: tensor<2xf32>, %bc: tensor<1x1x8xf32>) -> tensor<1x256xf32> {
  // One token, f32 weights: read from the prefill's panels (4 vectors of 16
  // on AVX-512, 2 of 8 on AVX2), a panel per task.
  // CHECK: mgc.kernel "decode.up" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 64], vector = 16, unroll = 1, parallel = [1], threads = 2>}
  // NAIVE: mgc.kernel "decode.up" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  // AVX2: #mgc.schedule<decode, tiles = [1, 16], vector = 8, unroll = 1, parallel = [1], threads = 4>
  %y = mgc.kernel "decode.up" ins(%x, %w : tensor<1x64xf32>, tensor<256x64xf32>) -> tensor<1x256xf32> {
  ^bb0(%p: tensor<1x64xf32>, %q: tensor<256x64xf32>):
    %r = mgc.linear %p, %q : (tensor<1x64xf32>, tensor<256x64xf32>) -> tensor<1x256xf32>
    mgc.yield %r : tensor<1x256xf32>
  }
  // bf16 weights are read as rows: 256 columns in blocks of 256 / (4 * 2
  // cores) = 32, rounded up to whole vectors.
  // CHECK: mgc.kernel "decode.up_bf16" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 32], vector = 16, unroll = 1, parallel = [1], threads = 2>}
  // NAIVE: mgc.kernel "decode.up_bf16" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  // AVX2: #mgc.schedule<decode, tiles = [1, 16], vector = 8, unroll = 1, parallel = [1], threads = 4>
  %y16 = mgc.kernel "decode.up_bf16" ins(%x, %w16 : tensor<1x64xf32>, tensor<256x64xbf16>) -> tensor<1x256xf32> {
  ^bb0(%p: tensor<1x64xf32>, %q: tensor<256x64xbf16>):
    %r = mgc.linear %p, %q : (tensor<1x64xf32>, tensor<256x64xbf16>) -> tensor<1x256xf32>
    mgc.yield %r : tensor<1x256xf32>
  }
  // A single row stays on one core.
  // CHECK: mgc.kernel "decode.act" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 64], vector = 16, unroll = 1, parallel = [], threads = 1>}
  // NAIVE: mgc.kernel "decode.act" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  %z = mgc.kernel "decode.act" ins(%y : tensor<1x256xf32>) -> tensor<1x256xf32> {
  ^bb0(%p: tensor<1x256xf32>):
    %r = mgc.activation silu %p : tensor<1x256xf32>
    mgc.yield %r : tensor<1x256xf32>
  }
  // Scans run over time, in parallel over heads.
  // CHECK: mgc.kernel "decode.scan" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 16], vector = 16, unroll = 1, parallel = [0], threads = 2>}
  // NAIVE: mgc.kernel "decode.scan" {{.*}} attributes {schedule = #mgc.schedule<decode, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  %s = mgc.kernel "decode.scan" ins(%h, %dt, %a, %bc : tensor<1x2x16xf32>, tensor<1x2xf32>, tensor<2xf32>, tensor<1x1x8xf32>) -> tensor<1x2x16xf32> {
  ^bb0(%p: tensor<1x2x16xf32>, %q: tensor<1x2xf32>, %r: tensor<2xf32>, %t: tensor<1x1x8xf32>):
    %y2 = mgc.scan ssd forward %p dt(%q) decay(%r) b(%t) c(%t) : (tensor<1x2x16xf32>, tensor<1x2xf32>, tensor<2xf32>, tensor<1x1x8xf32>, tensor<1x1x8xf32>) -> tensor<1x2x16xf32>
    mgc.yield %y2 : tensor<1x2x16xf32>
  }
  return %z : tensor<1x256xf32>
}

// CHECK-LABEL: func.func @attention
// NAIVE-LABEL: func.func @attention
func.func @attention(%q: tensor<?x64xf32>, %kv: tensor<?x32xf32>) -> tensor<?x64xf32> {
  // The heads tile is one GQA group: 4 query heads share each of 2 KV heads.
  // CHECK: mgc.kernel "prefill.attention" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [2, 32], vector = 16, unroll = 8, parallel = [0], threads = 2>}
  // NAIVE: mgc.kernel "prefill.attention" {{.*}} attributes {schedule = #mgc.schedule<prefill, tiles = [1, 1], vector = 1, unroll = 1, parallel = [], threads = 1>}
  %o = mgc.kernel "prefill.attention" ins(%q, %kv : tensor<?x64xf32>, tensor<?x32xf32>) -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<?x32xf32>):
    %r = mgc.attention causal %a, %b, %b {num_heads = 4, num_kv_heads = 2, head_dim = 16} : (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x64xf32>
    mgc.yield %r : tensor<?x64xf32>
  }
  return %o : tensor<?x64xf32>
}

}
