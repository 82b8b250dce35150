// Tests of mgc-set-target: each named target's reference figures, the
// cores / bandwidth-gbps overrides, replacing a target already set, host
// detection (whose figures vary by machine, so only their shape is checked),
// and the errors for an unknown name and negative overrides.

// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx512" | FileCheck %s --check-prefix=AVX512
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx512-bf16" | FileCheck %s --check-prefix=AVX512BF16
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx2" | FileCheck %s --check-prefix=AVX2
// RUN: mgc-opt %s --mgc-set-target="target=arm64" | FileCheck %s --check-prefix=ARM64
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx512 cores=4 bandwidth-gbps=25.5" | FileCheck %s --check-prefix=OVERRIDE
// RUN: mgc-opt %s --mgc-set-target="target=x86-64-avx2" --mgc-set-target="target=arm64" | FileCheck %s --check-prefix=REPLACE
// RUN: mgc-opt %s --mgc-set-target | FileCheck %s --check-prefix=HOST
// RUN: mgc-opt %s --mgc-set-target="target=host bandwidth-gbps=12" | FileCheck %s --check-prefix=HOST-BW
// RUN: not mgc-opt %s --mgc-set-target="target=x86-64-sse2" 2>&1 | FileCheck %s --check-prefix=ERR-NAME
// RUN: not mgc-opt %s --mgc-set-target="target=arm64 cores=-2" 2>&1 | FileCheck %s --check-prefix=ERR-CORES
// RUN: not mgc-opt %s --mgc-set-target="target=arm64 bandwidth-gbps=-1" 2>&1 | FileCheck %s --check-prefix=ERR-BW

// AVX512: module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512",
// AVX512-SAME: halide = "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41",
// AVX512-SAME: vector_bits = 512, cores = 2,
// AVX512-SAME: l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432,
// AVX512-SAME: bandwidth_gbps = 4.000000e+01 : f64, peak_gflops = 2.300000e+02 : f64>}

// AVX2: module attributes {mgc.target = #mgc.target<isa = "x86-64-avx2",
// AVX2-SAME: halide = "x86-64-linux-avx-avx2-f16c-fma-sse41",
// AVX2-SAME: vector_bits = 256, cores = 2,
// AVX2-SAME: l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432,
// AVX2-SAME: bandwidth_gbps = 4.000000e+01 : f64, peak_gflops = 2.300000e+02 : f64>}

// ARM64: module attributes {mgc.target = #mgc.target<isa = "arm64",
// ARM64-SAME: halide = "arm-64-linux", vector_bits = 128, cores = 4,
// ARM64-SAME: l1_bytes = 65536, l2_bytes = 524288, l3_bytes = 2097152,
// ARM64-SAME: bandwidth_gbps = 1.000000e+01 : f64, peak_gflops = 1.536000e+02 : f64>}

// AVX512BF16: module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512-bf16",
// AVX512BF16-SAME: halide = "x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-avx512_skylake-f16c-fma-sse41",
// AVX512BF16-SAME: vector_bits = 512, cores = 2,

// Twice the cores doubles the peak; the bandwidth is replaced as given.
// OVERRIDE: #mgc.target<isa = "x86-64-avx512",
// OVERRIDE-SAME: vector_bits = 512, cores = 4,
// OVERRIDE-SAME: bandwidth_gbps = 2.550000e+01 : f64, peak_gflops = 4.600000e+02 : f64>

// REPLACE: module attributes {mgc.target = #mgc.target<isa = "arm64",
// REPLACE-NOT: x86-64-avx2

// HOST: module attributes {mgc.target = #mgc.target<isa = "{{x86-64-avx512|x86-64-avx512-bf16|x86-64-avx2|arm64}}",
// HOST-SAME: halide = "{{x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41|x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-avx512_skylake-f16c-fma-sse41|x86-64-linux-avx-avx2-f16c-fma-sse41|arm-64-linux}}",
// HOST-SAME: vector_bits = {{128|256|512}}, cores = {{[1-9][0-9]*}},
// HOST-SAME: l1_bytes = {{[1-9][0-9]*}}, l2_bytes = {{[1-9][0-9]*}}, l3_bytes = {{[0-9]+}},
// HOST-SAME: bandwidth_gbps = {{[0-9.e+]+}} : f64, peak_gflops = {{[0-9.e+]+}} : f64>

// HOST-BW: bandwidth_gbps = 1.200000e+01 : f64

// ERR-NAME: error: mgc-set-target: unknown target 'x86-64-sse2'; expected one of: host, x86-64-avx2, x86-64-avx512, x86-64-avx512-bf16, arm64
// ERR-CORES: error: mgc-set-target: cores must not be negative (0 keeps the target's 4), got -2
// ERR-BW: error: mgc-set-target: bandwidth-gbps must be a non-negative number of GB/s (0 keeps the target's 10), got -1

module {
}
