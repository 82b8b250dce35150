//===- TargetDescription.cpp - the machines mgc compiles for --------------===//
//
// Resolves target names into TargetDescriptions: the documented reference
// figures of the named targets, and detection plus measurement of the host.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include <sched.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include <unistd.h>

namespace mgc {

//===----------------------------------------------------------------------===//
// Named targets
//===----------------------------------------------------------------------===//

static constexpr int64_t kKiB = 1024;
static constexpr int64_t kMiB = 1024 * kKiB;

// The reference machines documented in TargetDescription.h. Fields in order:
// isa, Halide target, vector bits, cores, L1d, L2, L3, GB/s, FP32 GFLOP/s.
static TargetDescription x86Avx512Reference() {
  return {"x86-64-avx512", kHalideX86Avx512, 512, 2,
          32 * kKiB,       1 * kMiB,         32 * kMiB,
          40.0,            230.0};
}

static TargetDescription x86Avx512Bf16Reference() {
  TargetDescription target = x86Avx512Reference();
  target.isa = "x86-64-avx512-bf16";
  target.halideTarget = kHalideX86Avx512Bf16;
  return target;
}

static TargetDescription x86Avx2Reference() {
  return {"x86-64-avx2", kHalideX86Avx2, 256, 2,
          32 * kKiB,     1 * kMiB,       32 * kMiB,
          40.0,          230.0};
}

static TargetDescription arm64Reference() {
  return {"arm64",   kHalideArm64, 128, 4,
          64 * kKiB, 512 * kKiB,   2 * kMiB,
          10.0,      153.6};
}

const std::vector<std::string> &targetNames() {
  static const std::vector<std::string> names = {
      "host", "x86-64-avx2", "x86-64-avx512", "x86-64-avx512-bf16", "arm64"};
  return names;
}

std::string acceptedTargetNames() {
  std::string joined;
  for (const std::string &name : targetNames())
    joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

std::optional<TargetDescription> resolveTarget(std::string_view name,
                                               std::string *error) {
  if (name == "host")
    return detectHostTarget(error);
  if (name == "x86-64-avx512")
    return x86Avx512Reference();
  if (name == "x86-64-avx512-bf16")
    return x86Avx512Bf16Reference();
  if (name == "x86-64-avx2")
    return x86Avx2Reference();
  if (name == "arm64")
    return arm64Reference();
  if (error)
    *error = "unknown target '" + std::string(name) +
             "'; expected one of: " + acceptedTargetNames();
  return std::nullopt;
}

bool applyTargetOverrides(TargetDescription &target, int64_t cores,
                          double bandwidthGbps, std::string *error) {
  if (cores < 0 || cores > std::numeric_limits<int>::max()) {
    if (error)
      *error = std::string(cores < 0 ? "cores must not be negative"
                                     : "cores is out of range") +
               " (0 keeps the target's " + std::to_string(target.cores) +
               "), got " + std::to_string(cores);
    return false;
  }
  if (!std::isfinite(bandwidthGbps) || bandwidthGbps < 0) {
    std::ostringstream os;
    os << "bandwidth-gbps must be a non-negative number of GB/s (0 keeps "
          "the target's "
       << target.bandwidthGbps << "), got " << bandwidthGbps;
    if (error)
      *error = os.str();
    return false;
  }
  if (cores > 0) {
    // The FP32 peak is cores x per-core peak, so it scales with the cores.
    target.peakGflops = target.peakGflops * double(cores) / target.cores;
    target.cores = int(cores);
  }
  if (bandwidthGbps > 0)
    target.bandwidthGbps = bandwidthGbps;
  return true;
}

//===----------------------------------------------------------------------===//
// Host detection
//===----------------------------------------------------------------------===//

/// Reads the first whitespace-delimited token of a small sysfs/procfs file.
static std::string readToken(const std::string &path) {
  std::ifstream in(path);
  std::string token;
  in >> token;
  return token;
}

/// Parses a sysfs cache size such as "48K", "2048K" or "32M" into bytes.
static int64_t parseCacheSize(const std::string &text) {
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || value <= 0)
    return 0;
  switch (*end) {
  case 'K':
    return value * kKiB;
  case 'M':
    return value * kMiB;
  case 'G':
    return value * 1024 * kMiB;
  default:
    return value;
  }
}

/// Cores this process may run on: the affinity mask, which honours taskset
/// and container CPU sets, rather than every CPU the machine has.
static int detectCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Fills l1Bytes/l2Bytes/l3Bytes from the cache hierarchy sysfs reports for
/// CPU 0 (data or unified caches; instruction caches are skipped), falling
/// back to sysconf where sysfs is missing. L1 and L2 are per core; L3 is the
/// shared last level, as large as the OS reports it.
static void detectCaches(TargetDescription &target) {
  const std::string base = "/sys/devices/system/cpu/cpu0/cache/index";
  for (int index = 0; index < 8; ++index) {
    std::string dir = base + std::to_string(index) + "/";
    std::string level = readToken(dir + "level");
    if (level.empty())
      break;
    if (readToken(dir + "type") == "Instruction")
      continue;
    int64_t bytes = parseCacheSize(readToken(dir + "size"));
    if (level == "1")
      target.l1Bytes = bytes;
    else if (level == "2")
      target.l2Bytes = bytes;
    else if (level == "3")
      target.l3Bytes = bytes;
  }
#ifdef _SC_LEVEL1_DCACHE_SIZE
  if (target.l1Bytes <= 0)
    target.l1Bytes = std::max(0L, sysconf(_SC_LEVEL1_DCACHE_SIZE));
  if (target.l2Bytes <= 0)
    target.l2Bytes = std::max(0L, sysconf(_SC_LEVEL2_CACHE_SIZE));
  if (target.l3Bytes <= 0)
    target.l3Bytes = std::max(0L, sysconf(_SC_LEVEL3_CACHE_SIZE));
#endif
}

/// Maximum core clock in GHz: cpufreq's cpuinfo_max_freq (kHz) where the
/// kernel exposes it, else the highest "cpu MHz" in /proc/cpuinfo (virtual
/// machines often have no cpufreq, and report the base clock there, which
/// makes the peak conservative). Returns 0 when neither is available.
static double detectMaxGhz() {
  std::string khz =
      readToken("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!khz.empty() && std::atof(khz.c_str()) > 0)
    return std::atof(khz.c_str()) / 1e6;
  double maxMhz = 0;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("cpu MHz", 0) != 0)
      continue;
    size_t colon = line.find(':');
    if (colon != std::string::npos)
      maxMhz = std::max(maxMhz, std::atof(line.c_str() + colon + 1));
  }
  return maxMhz / 1e3;
}

/// Whether the CPU has every extension LLVM's "sapphirerapids" may use in
/// vector code (see kHalideX86Avx512Bf16).
static bool hasSapphireRapidsVectorSet() {
#if defined(__x86_64__)
  // AVX512-FP16 is CPUID leaf 7 EDX bit 23 (not every compiler's
  // __builtin_cpu_supports knows its name).
  unsigned a, b, c, d;
  const bool fp16 = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (d & (1u << 23));
  return fp16 && __builtin_cpu_supports("avx512bf16") &&
         __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx512ifma") &&
         __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("avx512vbmi2") &&
         __builtin_cpu_supports("avx512bitalg") &&
         __builtin_cpu_supports("avx512vpopcntdq");
#else
  return false;
#endif
}

/// Maps the running CPU to a named target. x86-64 needs AVX2 and FMA; the
/// AVX-512 target also needs the Skylake-SP subset (F, BW, VL, DQ) that its
/// Halide string enables, and the BF16 target the Sapphire Rapids vector set.
/// A CPU with some but not all of those (Zen 4: BF16 but no FP16) gets the
/// Skylake-SP set (see kHalideX86Avx512).
static std::optional<TargetDescription> hostReference(std::string *error) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return hasSapphireRapidsVectorSet() ? x86Avx512Bf16Reference()
                                        : x86Avx512Reference();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return x86Avx2Reference();
  if (error)
    *error = "host CPU lacks AVX2 and FMA, which every x86-64 mgc target "
             "needs; accepted targets: " +
             acceptedTargetNames();
  return std::nullopt;
#elif defined(__aarch64__)
  (void)error;
  return arm64Reference();
#else
  if (error)
    *error = "host CPU architecture is not one mgc targets; name a target "
             "explicitly: " +
             acceptedTargetNames();
  return std::nullopt;
#endif
}

/// FMA instructions of the full vector width issued per cycle per core.
/// AVX-512: 1, what the Zen 4 class measures (~115 GFLOP/s/core at ~3.6 GHz,
/// a 512-bit FMA split over two 256-bit pipes); conservative on Intel server
/// cores with two 512-bit FMA units. AVX2 and NEON: 2 (two FMA pipes).
static int fmaPerCycle(int vectorBits) { return vectorBits == 512 ? 1 : 2; }

static std::optional<TargetDescription> detectHostOnce(std::string *error) {
  std::optional<TargetDescription> host = hostReference(error);
  if (!host)
    return std::nullopt;
  const TargetDescription reference = *host;

  host->cores = detectCores();
  host->l1Bytes = host->l2Bytes = host->l3Bytes = 0;
  detectCaches(*host);
  // Where the OS reports no cache size, the reference machine's stands in.
  if (host->l1Bytes <= 0)
    host->l1Bytes = reference.l1Bytes;
  if (host->l2Bytes <= 0)
    host->l2Bytes = reference.l2Bytes;

  // The FMA throughput is measured where the CPU runs the target's vectors;
  // else peak = cores x FP32 lanes x 2 flop per FMA x FMAs per cycle x GHz,
  // and with no clock reported the reference per-core peak stands in.
  double ghz = detectMaxGhz();
  double measured = measureFmaPeakGflops(host->cores, host->vectorBits);
  if (measured > 0)
    host->peakGflops = measured;
  else if (ghz > 0)
    host->peakGflops = host->cores * (host->vectorBits / 32) * 2.0 *
                       fmaPerCycle(host->vectorBits) * ghz;
  else
    host->peakGflops = reference.peakGflops / reference.cores * host->cores;

  // No OS interface reports memory bandwidth, so it is measured; only if the
  // buffer cannot be allocated does the reference figure stand in.
  double bandwidth = measureReadBandwidthGbps(host->cores);
  if (bandwidth > 0)
    host->bandwidthGbps = bandwidth;

  // Both figures are rounded to 0.1, well below run-to-run noise, so that IR
  // dumps stay readable.
  host->bandwidthGbps = std::round(host->bandwidthGbps * 10) / 10;
  host->peakGflops = std::round(host->peakGflops * 10) / 10;
  return host;
}

std::optional<TargetDescription> detectHostTarget(std::string *error) {
  // Detection (and its bandwidth measurement) runs once per process.
  struct Detected {
    std::optional<TargetDescription> target;
    std::string error;
  };
  static const Detected host = [] {
    Detected detected;
    detected.target = detectHostOnce(&detected.error);
    return detected;
  }();
  if (!host.target && error)
    *error = host.error;
  return host.target;
}

//===----------------------------------------------------------------------===//
// Bandwidth measurement
//===----------------------------------------------------------------------===//

#if defined(__x86_64__)
// Whole vectors per load, as the matrix kernels load them: the lines in
// flight are bounded by the loads in the instruction window, so 8-byte
// loads measure less bandwidth than the kernels reach (11.5 against 16 GB/s
// on one core of a 2-core AVX-512 Xeon over 400 MB; 15.2 with these).
__attribute__((target("avx512f"))) static uint64_t
sumSliceAvx512(const uint64_t *begin, const uint64_t *end) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  for (; begin + 32 <= end; begin += 32) {
    s0 = _mm512_add_epi64(s0, _mm512_loadu_si512(begin));
    s1 = _mm512_add_epi64(s1, _mm512_loadu_si512(begin + 8));
    s2 = _mm512_add_epi64(s2, _mm512_loadu_si512(begin + 16));
    s3 = _mm512_add_epi64(s3, _mm512_loadu_si512(begin + 24));
  }
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, _mm512_add_epi64(_mm512_add_epi64(s0, s1),
                                             _mm512_add_epi64(s2, s3)));
  uint64_t sum = 0;
  for (uint64_t lane : lanes)
    sum += lane;
  for (; begin < end; ++begin)
    sum += *begin;
  return sum;
}

__attribute__((target("avx2"))) static uint64_t
sumSliceAvx2(const uint64_t *begin, const uint64_t *end) {
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (; begin + 16 <= end; begin += 16) {
    const __m256i *at = reinterpret_cast<const __m256i *>(begin);
    s0 = _mm256_add_epi64(s0, _mm256_loadu_si256(at));
    s1 = _mm256_add_epi64(s1, _mm256_loadu_si256(at + 1));
    s2 = _mm256_add_epi64(s2, _mm256_loadu_si256(at + 2));
    s3 = _mm256_add_epi64(s3, _mm256_loadu_si256(at + 3));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes),
                     _mm256_add_epi64(_mm256_add_epi64(s0, s1),
                                      _mm256_add_epi64(s2, s3)));
  uint64_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (; begin < end; ++begin)
    sum += *begin;
  return sum;
}
#endif

/// Sums a slice with independent accumulators, so the loop is bound by loads.
static uint64_t sumSlice(const uint64_t *begin, const uint64_t *end) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f"))
    return sumSliceAvx512(begin, end);
  if (__builtin_cpu_supports("avx2"))
    return sumSliceAvx2(begin, end);
#endif
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; begin + 4 <= end; begin += 4) {
    s0 += begin[0];
    s1 += begin[1];
    s2 += begin[2];
    s3 += begin[3];
  }
  for (; begin < end; ++begin)
    s0 += *begin;
  return s0 + s1 + s2 + s3;
}

double measureReadBandwidthGbps(int threads, uint64_t workingSet) {
  // What a stream of `workingSet` bytes reaches (64 MiB by default, 64 MiB
  // to 2 GiB): a working set the last-level cache holds in part is read
  // partly from it (on a machine with a 480 MiB L3, 64 MiB read at 38 GB/s
  // on 2 threads, 512 MiB at 24 and 2 GiB at 29). The best of the timed
  // passes after one warm-up pass filters out noisy neighbours: 9 of 64 MiB
  // (30-60 ms with set-up), 5 of a larger buffer (about a second for 1 GiB).
  // The host target's figure uses the default: where the last-level cache
  // is large it over-estimates DRAM (override it with bandwidth-gbps);
  // mgc bench measures at each model's own working set.
  const size_t bytes = std::clamp<size_t>(
      workingSet ? size_t(workingSet) : 64 * kMiB, 64 * kMiB, 2048 * kMiB);
  const int passes = bytes > 64 * kMiB ? 5 : 10;
  const size_t words = bytes / sizeof(uint64_t);
  threads = std::max(1, threads);

  // Ordinary 4 KiB pages, as mmapped weights get: advising huge pages would
  // make set-up faster, but with the kernel's default THP defrag policy a
  // fault may stall for direct compaction, well beyond this time budget.
  std::unique_ptr<uint64_t[]> buffer(new (std::nothrow) uint64_t[words]);
  if (!buffer)
    return 0;
  // Written, not just allocated: untouched pages all map the kernel's zero
  // page, which would be read from cache and flatter the result.
  std::memset(buffer.get(), 1, bytes);

  std::atomic<uint64_t> sink{0};
  auto worker = [&](int index) {
    size_t begin = words * index / threads;
    size_t end = words * (index + 1) / threads;
    sink += sumSlice(buffer.get() + begin, buffer.get() + end);
  };

  double bestSeconds = 0;
  for (int pass = 0; pass < passes; ++pass) {
    // Helpers start before the clock and spin on `go`; the calling thread
    // reads slice 0, so `threads` threads read in all.
    std::atomic<bool> go{false};
    std::vector<std::thread> helpers;
    for (int index = 1; index < threads; ++index)
      helpers.emplace_back([&, index] {
        while (!go.load(std::memory_order_acquire))
          std::this_thread::yield();
        worker(index);
      });
    auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    worker(0);
    for (std::thread &helper : helpers)
      helper.join();
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    if (pass > 0 && (bestSeconds == 0 || seconds < bestSeconds))
      bestSeconds = seconds; // Pass 0 warms the TLB and is not counted.
  }
  if (sink.load() == 0 || bestSeconds <= 0)
    return 0; // Unreachable (the buffer is non-zero); keeps the sums live.
  return double(bytes) / bestSeconds / 1e9;
}

} // namespace mgc
