// RUN: mgc-opt %s -split-input-file -verify-diagnostics

// Errors raised while parsing the mgc attributes: the verifiers of
// #mgc.rope, #mgc.target and #mgc.schedule and the custom #mgc.schedule
// syntax. Each attribute is shown where it is used.

//===----------------------------------------------------------------------===//
// #mgc.rope
//===----------------------------------------------------------------------===//

// The RoPE base must be positive.
func.func @rope_theta(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope theta must be positive, got 0.000000e+00}}
    rope = #mgc.rope<theta = 0.0, rotary_dim = 64, style = half>} : tensor<?x768xf32>
  return
}

// -----

// A negative base is no better.
func.func @rope_theta_negative(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope theta must be positive, got -1.000000e+04}}
    rope = #mgc.rope<theta = -10000.0, rotary_dim = 64, style = half>} : tensor<?x768xf32>
  return
}

// -----

// At least one pair of dimensions rotates.
func.func @rope_rotary_dim_zero(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope rotary_dim must be a positive even number, got 0}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 0, style = half>} : tensor<?x768xf32>
  return
}

// -----

// rotary_dim is not negative.
func.func @rope_rotary_dim_negative(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope rotary_dim must be a positive even number, got -64}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = -64, style = half>} : tensor<?x768xf32>
  return
}

// -----

// Dimensions rotate in pairs.
func.func @rope_rotary_dim_odd(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope rotary_dim must be a positive even number, got 63}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 63, style = interleaved>} : tensor<?x768xf32>
  return
}

// -----

// The scaling factor must be positive.
func.func @rope_factor(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope factor must be positive, got 0.000000e+00}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half, scaling = linear, factor = 0.0>} : tensor<?x768xf32>
  return
}

// -----

// A factor other than 1 needs a scaling kind.
func.func @rope_factor_without_scaling(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope factor 4.000000e+00 needs a scaling kind (linear, ntk, yarn or llama3)}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half, factor = 4.0>} : tensor<?x768xf32>
  return
}

// -----

// The trained context is not negative.
func.func @rope_original_context(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope original_context must not be negative, got -1}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half, scaling = ntk, factor = 2.0, original_context = -1>} : tensor<?x768xf32>
  return
}

// -----

// YaRN scales relative to the trained context.
func.func @rope_yarn_context(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope scaling 'yarn' needs original_context (the trained context length)}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half, scaling = yarn, factor = 4.0>} : tensor<?x768xf32>
  return
}

// -----

// Llama 3 scaling is relative to the trained context too.
func.func @rope_llama3_context(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope scaling 'llama3' needs original_context (the trained context length)}}
    rope = #mgc.rope<theta = 500000.0, rotary_dim = 64, style = half, scaling = llama3, factor = 8.0>} : tensor<?x768xf32>
  return
}

// -----

// Llama 3 frequency factors are ordered.
func.func @rope_llama3_order(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope llama3 scaling needs 0 < low_freq_factor < high_freq_factor, got 4.000000e+00 and 1.000000e+00}}
    rope = #mgc.rope<theta = 500000.0, rotary_dim = 64, style = half, scaling = llama3, factor = 8.0, original_context = 8192, low_freq_factor = 4.0, high_freq_factor = 1.0>} : tensor<?x768xf32>
  return
}

// -----

// Llama 3 frequency factors are positive.
func.func @rope_llama3_low(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{rope llama3 scaling needs 0 < low_freq_factor < high_freq_factor, got 0.000000e+00 and 4.000000e+00}}
    rope = #mgc.rope<theta = 500000.0, rotary_dim = 64, style = half, scaling = llama3, factor = 8.0, original_context = 8192, low_freq_factor = 0.0>} : tensor<?x768xf32>
  return
}

// -----

// The pairing style is required (generated struct parser).
func.func @rope_missing_style(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+1 {{struct is missing required parameter: style}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64>} : tensor<?x768xf32>
  return
}

// -----

// Pairing styles are keywords (generated enum parser).
func.func @rope_unknown_style(%q: tensor<?x768xf32>, %pos: index) {
  %r = mgc.rope %q at %pos {head_dim = 64,
    // expected-error @+2 {{invalid RoPE pairing convention specification: neox}}
    // expected-error @+1 {{failed to parse Mgc_RopeAttr parameter 'style'}}
    rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = neox>} : tensor<?x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// #mgc.target
//===----------------------------------------------------------------------===//

// -----

// The target is named.
// expected-error @+1 {{target isa must not be empty}}
module attributes {mgc.target = #mgc.target<isa = "", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// Kernels need a Halide target string.
// expected-error @+1 {{target halide string must not be empty}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// Vector registers are 128, 256 or 512 bits wide.
// expected-error @+1 {{target vector_bits must be 128, 256 or 512, got 384}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 384, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// There is at least one core.
// expected-error @+1 {{target cores must be positive, got 0}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 0, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// There is an L1 cache.
// expected-error @+1 {{target cache sizes must be positive (l3 may be 0)}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 0, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// There is an L2 cache.
// expected-error @+1 {{target cache sizes must be positive (l3 may be 0)}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = -1, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// The L3 size may be 0, but not negative.
// expected-error @+1 {{target cache sizes must be positive (l3 may be 0)}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = -1, bandwidth_gbps = 40.0, peak_gflops = 230.0>} {
}

// -----

// Memory bandwidth is positive.
// expected-error @+1 {{target bandwidth_gbps and peak_gflops must be positive}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 0.0, peak_gflops = 230.0>} {
}

// -----

// Peak compute is positive.
// expected-error @+1 {{target bandwidth_gbps and peak_gflops must be positive}}
module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432, bandwidth_gbps = 40.0, peak_gflops = -1.0>} {
}

//===----------------------------------------------------------------------===//
// #mgc.schedule
//===----------------------------------------------------------------------===//

// -----

// A schedule serves prefill or decode.
func.func @schedule_phase(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{unknown schedule phase 'train'; expected prefill or decode}}
      schedule = #mgc.schedule<train, tiles = [6, 64], vector = 16, unroll = 4, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Tile sizes are positive.
func.func @schedule_tile(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule tile sizes must be positive, got 0}}
      schedule = #mgc.schedule<prefill, tiles = [6, 0], vector = 16, unroll = 4, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The vector width is a power of two.
func.func @schedule_vector(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule vector width must be a power of two, got 12}}
      schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 12, unroll = 4, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The vector width is at least 1.
func.func @schedule_vector_zero(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule vector width must be a power of two, got 0}}
      schedule = #mgc.schedule<decode, tiles = [1, 64], vector = 0, unroll = 1, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The unroll factor is positive.
func.func @schedule_unroll(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule unroll must be positive, got 0}}
      schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 0, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Parallel dimensions index the tiled loops.
func.func @schedule_parallel_range(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule parallel dimension 2 is not one of the 2 tiled dimensions}}
      schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [0, 2], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Parallel dimensions are not negative, even without tiles.
func.func @schedule_parallel_negative(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule parallel dimension -1 is not one of the 0 tiled dimensions}}
      schedule = #mgc.schedule<prefill, tiles = [], vector = 16, unroll = 4, parallel = [-1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Without tiles there is no dimension to run in parallel.
func.func @schedule_parallel_untiled(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule parallel dimension 0 is not one of the 0 tiled dimensions}}
      schedule = #mgc.schedule<decode, tiles = [], vector = 16, unroll = 1, parallel = [0], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// There is at least one thread.
func.func @schedule_threads(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{schedule threads must be positive, got 0}}
      schedule = #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4, parallel = [], threads = 0>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Schedule fields come in a fixed order (custom parser).
func.func @schedule_field_order(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {
      // expected-error @+1 {{expected 'vector'}}
      schedule = #mgc.schedule<prefill, tiles = [6, 64], unroll = 4, vector = 16, parallel = [1], threads = 2>} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The yarn attention factor belongs to yarn scaling.
func.func @rope_attention_factor(%x: tensor<?x64xf32>, %pos: index) {
  // expected-error @+1 {{rope attention_factor belongs to yarn scaling and must be positive, got 1.2}}
  %y = mgc.rope %x at %pos {head_dim = 64, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half, attention_factor = 1.2>} : tensor<?x64xf32>
  return
}
