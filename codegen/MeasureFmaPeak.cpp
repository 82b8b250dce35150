//===- MeasureFmaPeak.cpp - the FP32 FMA throughput of this machine -------===//
//
// Clock and core counts do not tell how many vector FMAs a core issues per
// cycle (one 512-bit FMA on Zen 4, two on Intel server cores), nor whether
// two vCPUs share a core's FMA units, so the host's FP32 peak is measured:
// every thread runs independent FMA chains, enough to cover the FMA latency
// on two pipes, for about 10 ms.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

// Independent accumulator chains: FMA latency (4 cycles) x 2 pipes, plus
// slack, within 16 vector registers.
constexpr int kChains = 12;

#if defined(__x86_64__)
__attribute__((target("avx512f"))) float fmaChains512(long iterations) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = _mm512_set1_ps(1.0f + 0.001f * float(i));
  const __m512 scale = _mm512_set1_ps(0.999999f);
  const __m512 shift = _mm512_set1_ps(1e-7f);
  for (long n = 0; n < iterations; ++n)
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
  __m512 sum = acc[0];
  for (int i = 1; i < kChains; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) float fmaChains256(long iterations) {
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = _mm256_set1_ps(1.0f + 0.001f * float(i));
  const __m256 scale = _mm256_set1_ps(0.999999f);
  const __m256 shift = _mm256_set1_ps(1e-7f);
  for (long n = 0; n < iterations; ++n)
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], scale, shift);
  __m256 sum = acc[0];
  for (int i = 1; i < kChains; ++i)
    sum = _mm256_add_ps(sum, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0;
  for (float v : lanes)
    total += v;
  return total;
}
#endif

} // namespace

double mgc::measureFmaPeakGflops(int threads, int vectorBits) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool wide = vectorBits == 512 && __builtin_cpu_supports("avx512f");
  if (!wide && !(vectorBits == 256 && __builtin_cpu_supports("avx2") &&
                 __builtin_cpu_supports("fma")))
    return 0;
  const int lanes = wide ? 16 : 8;
  const long iterations = 2000000; // ~10 ms of FMAs per pass at ~3 GHz
  threads = std::max(1, threads);
  double best = 0;
  for (int pass = 0; pass < 3; ++pass) {
    // Threads start together; each times its own FMAs, and the slowest one
    // bounds the pass (thread creation is not timed).
    std::atomic<int> ready{0};
    std::vector<double> seconds(size_t(threads), 0.0);
    std::vector<float> sink(size_t(threads), 0.0f);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < threads) {
        }
        auto start = std::chrono::steady_clock::now();
        sink[size_t(t)] =
            wide ? fmaChains512(iterations) : fmaChains256(iterations);
        seconds[size_t(t)] = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
      });
    for (std::thread &w : workers)
      w.join();
    double slowest = *std::max_element(seconds.begin(), seconds.end());
    double flops = double(threads) * double(iterations) * kChains * lanes * 2;
    if (slowest > 0)
      best = std::max(best, flops / slowest / 1e9);
  }
  return best;
#else
  (void)threads;
  (void)vectorBits;
  return 0;
#endif
}
