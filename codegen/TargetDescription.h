//===- TargetDescription.h - the machines mgc compiles for ------*- C++ -*-===//
//
// Describes a compilation target: its name, the explicit Halide target string
// kernels are compiled with, and the machine figures the scheduler's cost
// model reads. Plain C++ (no MLIR, no Halide), shared by the passes and by
// codegen.
//
// Named targets carry the figures of a *reference machine*, not of whatever
// machine the compiler happens to run on; they are documented below and can be
// overridden (applyTargetOverrides, or the mgc-set-target options). Only
// `host` describes the running machine, by detection and measurement.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_TARGETDESCRIPTION_H
#define MGC_CODEGEN_TARGETDESCRIPTION_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc {

/// One compilation target. All figures are positive once resolved.
struct TargetDescription {
  std::string isa;          // mgc target name: "x86-64-avx512", "arm64", ...
  std::string halideTarget; // explicit Halide target string, never "host"
  int vectorBits = 0;       // SIMD register width: 128, 256 or 512
  int cores = 0;            // cores kernels are scheduled for
  int64_t l1Bytes = 0;      // L1 data cache per core
  int64_t l2Bytes = 0;      // L2 cache per core
  int64_t l3Bytes = 0;      // last-level cache, shared (0: none)
  double bandwidthGbps = 0; // sustained DRAM read bandwidth, all cores, GB/s
  double peakGflops = 0;    // FP32 FMA peak, all cores, GFLOP/s
};

// Halide target strings of the named targets. They list every feature
// explicitly, in Halide's canonical order, so that
// Halide::Target(s).to_string() == s. Halide 14's own "host" is never used:
// on Zen 4 it detects avx512_sapphirerapids and LLVM may then emit AVX512-FP16
// instructions Zen 4 lacks (SIGILL).
//
// Skylake-AVX512 set (F, CD, VL, BW, DQ; LLVM cpu "skylake-avx512"): runs on
// every AVX-512 CPU since Skylake-SP, Zen 4 included.
inline constexpr const char *kHalideX86Avx512 =
    "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41";
// Sapphire Rapids set: the Skylake-SP set plus AVX512-BF16 (vdpbf16ps dot
// products), VNNI, IFMA, VBMI and AVX512-FP16 (LLVM cpu "sapphirerapids",
// which may emit FP16 instructions). Runs on Intel Xeon since Sapphire
// Rapids; not on Zen 4 or Zen 5 (no AVX512-FP16).
inline constexpr const char *kHalideX86Avx512Bf16 =
    "x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-"
    "avx512_skylake-f16c-fma-sse41";

/// Whether kernels compiled for Halide target string `halideTarget` have
/// the BF16 dot-product instructions (Halide's avx512_sapphirerapids).
inline bool hasBf16DotProducts(std::string_view halideTarget) {
  constexpr std::string_view feature = "-avx512_sapphirerapids";
  size_t at = halideTarget.find(feature);
  return at != std::string_view::npos &&
         (at + feature.size() == halideTarget.size() ||
          halideTarget[at + feature.size()] == '-');
}

// Haswell-level set (AVX2, FMA3, F16C; LLVM cpu "haswell").
inline constexpr const char *kHalideX86Avx2 =
    "x86-64-linux-avx-avx2-f16c-fma-sse41";
// Baseline ARMv8-A with NEON. Dot-product and FP16 extensions are left off so
// the code runs on any 64-bit Arm Linux board.
inline constexpr const char *kHalideArm64 = "arm-64-linux";

/// The names resolveTarget accepts, in the order error messages list them:
/// host, x86-64-avx2, x86-64-avx512, x86-64-avx512-bf16, arm64.
const std::vector<std::string> &targetNames();

/// The accepted names joined for a message: "host, x86-64-avx2, ...".
std::string acceptedTargetNames();

/// Resolves a target name into its description.
///
/// Reference figures of the named targets (override them for other machines):
/// - x86-64-avx512: the 2-core Zen 4 class machine this project is measured
///   on. L1d 32 KiB and L2 1 MiB per core, L3 32 MiB; ~40 GB/s read bandwidth
///   on two cores; 230 GFLOP/s FP32 peak (2 cores x 16 lanes x 2 flop/FMA x
///   1 512-bit FMA/cycle x ~3.6 GHz).
/// - x86-64-avx512-bf16: the same figures, for a CPU that also has BF16 dot
///   products and AVX512-FP16 (Sapphire Rapids class, kHalideX86Avx512Bf16).
///   Decode products of bf16 weights round activations to bf16 and use
///   vdpbf16ps: one instruction per 32 weights.
/// - x86-64-avx2: the same machine class restricted to 256-bit vectors. The
///   FP32 peak stays 230 GFLOP/s: Zen 4 splits a 512-bit FMA over its two
///   256-bit FMA pipes, so two 256-bit FMAs per cycle reach the same
///   32 flop/cycle/core. AVX-512 buys registers and fewer instructions, not
///   a higher peak, on this class.
/// - arm64: a modest 4-core Cortex-A76-class board (Raspberry Pi 5 class:
///   BCM2712 at 2.4 GHz). L1d 64 KiB and L2 512 KiB per core, L3 2 MiB;
///   ~10 GB/s read bandwidth (LPDDR4X); 154 GFLOP/s FP32 peak (4 cores x
///   4 lanes x 2 flop/FMA x 2 128-bit FMA/cycle x 2.4 GHz).
/// - host: the running machine; see detectHostTarget.
///
/// On an unknown name, or a host mgc cannot target, returns std::nullopt and
/// sets *error (when non-null) to a message naming the accepted targets.
std::optional<TargetDescription> resolveTarget(std::string_view name,
                                               std::string *error = nullptr);

/// Describes the running machine: ISA from the CPU's feature bits (mapped to
/// a named target), cores from the process's CPU affinity, caches from sysfs,
/// FP32 peak measured by measureFmaPeakGflops (else from the cores, vector
/// width and maximum clock), and bandwidth by measureReadBandwidthGbps. Detection runs once per process; later calls
/// return the cached result. Returns std::nullopt with *error set when the CPU
/// is neither x86-64 with AVX2+FMA nor AArch64.
std::optional<TargetDescription> detectHostTarget(std::string *error = nullptr);

/// Measures sustained read bandwidth in GB/s (1e9 bytes/s) with `threads`
/// threads streaming through a buffer of `workingSet` bytes (0: 64 MiB;
/// clamped to 64 MiB - 2 GiB): the best of the timed passes, 30-60 ms for
/// 64 MiB, about a second for 1 GiB. What a working set reads at depends on
/// how much of it the last-level cache holds, so a roofline for a model
/// measures at the size of the weights it reads per token. Returns 0 if the
/// buffer cannot be allocated.
double measureReadBandwidthGbps(int threads, uint64_t workingSet = 0);

/// Measures the FP32 FMA throughput in GFLOP/s of `threads` threads issuing
/// independent `vectorBits`-wide FMAs (512: AVX-512, 256: AVX2), the best of
/// a few millisecond-long passes. Returns 0 where the CPU cannot run them.
double measureFmaPeakGflops(int threads, int vectorBits);

/// Applies user overrides; a value of 0 keeps the target's own figure.
/// Overriding `cores` rescales peakGflops proportionally (the peak is per
/// core times cores). Returns false with *error set for negative or
/// non-finite values.
bool applyTargetOverrides(TargetDescription &target, int64_t cores,
                          double bandwidthGbps, std::string *error = nullptr);

} // namespace mgc

#endif // MGC_CODEGEN_TARGETDESCRIPTION_H
