//===- AttentionKernelTest.cpp - attention kernels against a reference ----===//
//
// JIT-compiles the KV-cache append and attention kernels for the explicit
// AVX-512 target (AVX2 where the CPU lacks AVX-512) and compares them with a
// double-precision reference written from mgc.attention's definition: MHA,
// GQA and MQA, with and without a cache (and a cache prefix), sliding
// window, soft cap, bidirectional masking, and decode after prefill.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/AttentionKernel.h"
#include "codegen/TargetDescription.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;
using Mask = AttentionKernelSpec::Mask;

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }

/// What mgc-schedule picks for attention prefill: one head, 32 queries per
/// tile, heads in parallel.
KernelSchedule prefill() {
  KernelSchedule s;
  s.tiles = {1, 32};
  s.vectorWidth = hasAvx512() ? 16 : 8;
  s.parallelDims = {0};
  s.threads = 2;
  s.halideTarget = hasAvx512() ? kHalideX86Avx512 : kHalideX86Avx2;
  return s;
}

/// What mgc-schedule picks for attention decode.
KernelSchedule decode() {
  KernelSchedule s = prefill();
  s.decode = true;
  s.tiles = {1, 1};
  return s;
}

/// Ragged head and query tiles, both parallel, value vectors unrolled.
KernelSchedule tiled() {
  KernelSchedule s = prefill();
  s.tiles = {3, 4};
  s.unroll = 2;
  s.parallelDims = {0, 1};
  return s;
}

constexpr int kTokenCounts[] = {1, 3, 17};

/// A random [rows, cols] activation tensor (Halide dims cols, rows).
Buffer<float> randomRows(int rows, int cols, std::mt19937 &rng) {
  Buffer<float> b(cols, rows);
  std::uniform_real_distribution<float> dist(-1, 1);
  if (rows > 0)
    b.for_each_value([&](float &x) { x = dist(rng); });
  return b;
}

/// Rows [min, min + extent) of dimension 1, sharing `b`'s memory.
Buffer<float> rowsOf(const Buffer<float> &b, int min, int extent) {
  return Buffer<float>(b.get()->cropped(1, min, extent));
}

KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

void expectNear(const Buffer<float> &got, const std::vector<double> &want,
                const std::string &what) {
  ASSERT_EQ(size_t(got.number_of_elements()), want.size()) << what;
  // f32 dot products of <= 20 terms and softmax sums of <= 26 keys against
  // double: ~1e-6 of the (convex-combination, |v| < 1) outputs.
  const float *g = got.data();
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(g[i] - want[i]) <= 3e-6 + 1e-5 * std::fabs(want[i]))) {
      ADD_FAILURE() << what << ": element " << i << " is " << g[i]
                    << ", expected " << want[i];
      return;
    }
}

/// mgc.attention from its definition, in double. keys/values hold every key
/// position 0 .. N - 1 as rows [N, Hkv * D] / [N, Hkv * Dv]; query t sits at
/// start + t.
std::vector<double> reference(const AttentionKernelSpec &spec,
                              const Buffer<float> &q, const Buffer<float> &keys,
                              const Buffer<float> &values, int start) {
  const int H = int(spec.numHeads), Hkv = int(spec.numKvHeads);
  const int D = int(spec.headDim);
  const int Dv = int(spec.valueHeadDim ? spec.valueHeadDim : spec.headDim);
  const int T = q.dim(1).extent(), N = keys.dim(1).extent();
  const double scale = spec.scale > 0 ? spec.scale : 1 / std::sqrt(double(D));
  std::vector<double> out(size_t(T) * H * Dv);
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < H; ++h) {
      const int g = h / (H / Hkv), p = start + t;
      int lo = 0, hi = N - 1;
      if (spec.mask == Mask::causal) {
        hi = p;
        if (spec.window > 0)
          lo = std::max(0, p - int(spec.window) + 1);
      }
      std::vector<double> s;
      for (int j = lo; j <= hi; ++j) {
        double dot = 0;
        for (int d = 0; d < D; ++d)
          dot += double(q(h * D + d, t)) * keys(g * D + d, j);
        dot *= scale;
        if (spec.softCap > 0)
          dot = spec.softCap * std::tanh(dot / spec.softCap);
        s.push_back(dot);
      }
      double top = *std::max_element(s.begin(), s.end()), sum = 0;
      for (double &x : s)
        sum += (x = std::exp(x - top));
      for (int e = 0; e < Dv; ++e) {
        double acc = 0;
        for (int j = lo; j <= hi; ++j)
          acc += s[j - lo] * values(g * Dv + e, j);
        out[(size_t(t) * H + h) * Dv + e] = acc / sum;
      }
    }
  return out;
}

/// The runtime's side of the cache contract: append this call's k and v to
/// the caches (through crops at rows position .. position + T - 1), then run
/// attention over the updated caches.
struct CachedAttention {
  KernelPipeline append, attend;
  Buffer<float> kCache, vCache; // [Hkv, C, D], [Hkv, C, Dv]

  CachedAttention(const AttentionKernelSpec &spec,
                  const KernelSchedule &schedule)
      : append(built(buildKvCacheAppendKernel(spec, schedule))),
        attend(built(buildAttentionKernel(spec, schedule))),
        kCache(int(spec.headDim), int(spec.capacity), int(spec.numKvHeads)),
        vCache(int(spec.valueHeadDim ? spec.valueHeadDim : spec.headDim),
               int(spec.capacity), int(spec.numKvHeads)) {
    kCache.fill(-7.0f); // never-written rows keep this
    vCache.fill(-7.0f);
  }

  Buffer<float> run(const Buffer<float> &q, const Buffer<float> &k,
                    const Buffer<float> &v, int position, int outCols) {
    const int T = q.dim(1).extent();
    append.bind(0, k);
    append.bind(1, v);
    append.bind(2, int32_t(position));
    Buffer<float> kRows = rowsOf(kCache, position, T);
    Buffer<float> vRows = rowsOf(vCache, position, T);
    Halide::Realization rows(kRows, vRows);
    append.pipeline.realize(rows, append.target);
    attend.bind(0, q);
    attend.bind(1, kCache);
    attend.bind(2, vCache);
    attend.bind(3, int32_t(position));
    Buffer<float> out(outCols, T);
    attend.pipeline.realize(out, attend.target);
    return out;
  }
};

/// The rows of a cache as [N, Hkv * width] (the reference's key layout).
Buffer<float> cacheRows(const Buffer<float> &cache, int rows) {
  const int width = cache.dim(0).extent(), Hkv = cache.dim(2).extent();
  Buffer<float> out(Hkv * width, rows);
  for (int j = 0; j < rows; ++j)
    for (int g = 0; g < Hkv; ++g)
      for (int d = 0; d < width; ++d)
        out(g * width + d, j) = cache(d, j, g);
  return out;
}

//===----------------------------------------------------------------------===//
// Without a cache
//===----------------------------------------------------------------------===//

void checkUncached(const AttentionKernelSpec &spec,
                   const KernelSchedule &schedule, std::mt19937 &rng) {
  KernelPipeline k = built(buildAttentionKernel(spec, schedule));
  const int H = int(spec.numHeads), Hkv = int(spec.numKvHeads);
  const int D = int(spec.headDim);
  const int Dv = int(spec.valueHeadDim ? spec.valueHeadDim : D);
  for (int T : kTokenCounts) {
    Buffer<float> q = randomRows(T, H * D, rng),
                  kk = randomRows(T, Hkv * D, rng),
                  v = randomRows(T, Hkv * Dv, rng), out(H * Dv, T);
    k.bind(0, q);
    k.bind(1, kk);
    k.bind(2, v);
    k.pipeline.realize(out, k.target);
    expectNear(out, reference(spec, q, kk, v, 0),
               "uncached mask " + std::to_string(int(spec.mask)) +
                   " T = " + std::to_string(T));
  }
}

TEST(AttentionKernel, CausalWithoutCache) {
  std::mt19937 rng(1);
  AttentionKernelSpec spec;
  spec.numHeads = spec.numKvHeads = 2;
  spec.headDim = 16;
  checkUncached(spec, prefill(), rng);
  // A window, and a head size of one vector plus a ragged rest.
  spec.window = 4;
  spec.headDim = 20;
  checkUncached(spec, tiled(), rng);
}

TEST(AttentionKernel, BidirectionalEncoder) {
  std::mt19937 rng(2);
  AttentionKernelSpec spec;
  spec.mask = Mask::bidirectional;
  spec.numHeads = 3;
  spec.numKvHeads = 1; // MQA
  spec.headDim = 12;   // less than a vector
  spec.valueHeadDim = 20;
  spec.scale = 0.3;
  checkUncached(spec, prefill(), rng);
}

//===----------------------------------------------------------------------===//
// With a cache
//===----------------------------------------------------------------------===//

/// Runs T new tokens at `position` over a cache whose rows [0, position)
/// already hold random keys and values; checks the output and the cache.
void checkCached(const AttentionKernelSpec &spec, int position, int T,
                 CachedAttention &attention, std::mt19937 &rng) {
  const int H = int(spec.numHeads), Hkv = int(spec.numKvHeads);
  const int D = int(spec.headDim), C = int(spec.capacity);
  const int Dv = int(spec.valueHeadDim ? spec.valueHeadDim : D);
  attention.kCache.fill(-7.0f);
  attention.vCache.fill(-7.0f);
  Buffer<float> prefixK = randomRows(position, Hkv * D, rng);
  Buffer<float> prefixV = randomRows(position, Hkv * Dv, rng);
  for (int j = 0; j < position; ++j)
    for (int g = 0; g < Hkv; ++g) {
      for (int d = 0; d < D; ++d)
        attention.kCache(d, j, g) = prefixK(g * D + d, j);
      for (int e = 0; e < Dv; ++e)
        attention.vCache(e, j, g) = prefixV(g * Dv + e, j);
    }
  Buffer<float> q = randomRows(T, H * D, rng), k = randomRows(T, Hkv * D, rng),
                v = randomRows(T, Hkv * Dv, rng);
  Buffer<float> out = attention.run(q, k, v, position, H * Dv);

  // The caches: the prefix kept, the new rows appended, the rest untouched.
  Buffer<float> keys = cacheRows(attention.kCache, C);
  Buffer<float> values = cacheRows(attention.vCache, C);
  for (int j = 0; j < C; ++j)
    for (int x = 0; x < Hkv * D; ++x) {
      float want = j < position       ? prefixK(x, j)
                   : j < position + T ? k(x, j - position)
                                      : -7.0f;
      ASSERT_EQ(keys(x, j), want) << "k cache row " << j;
    }
  for (int j = position; j < position + T; ++j)
    for (int x = 0; x < Hkv * Dv; ++x)
      ASSERT_EQ(values(x, j), v(x, j - position)) << "v cache row " << j;
  expectNear(out,
             reference(spec, q, cacheRows(attention.kCache, position + T),
                       cacheRows(attention.vCache, position + T), position),
             "cached position " + std::to_string(position) +
                 " T = " + std::to_string(T));
}

TEST(AttentionKernel, GqaOverCacheWithPrefix) {
  std::mt19937 rng(3);
  AttentionKernelSpec spec;
  spec.numHeads = 4;
  spec.numKvHeads = 2; // GQA 4:2
  spec.headDim = 16;
  spec.capacity = 32;
  for (const KernelSchedule &schedule : {prefill(), tiled()}) {
    CachedAttention attention(spec, schedule);
    for (int position : {0, 5})
      for (int T : kTokenCounts)
        checkCached(spec, position, T, attention, rng);
  }
}

TEST(AttentionKernel, MqaSlidingWindowSoftCap) {
  std::mt19937 rng(4);
  AttentionKernelSpec spec;
  spec.numHeads = 4;
  spec.numKvHeads = 1; // MQA
  spec.headDim = 16;
  spec.valueHeadDim = 8;
  spec.capacity = 32;
  spec.window = 4;
  spec.softCap = 0.5; // scores reach ~1: the cap bends them
  CachedAttention attention(spec, prefill());
  for (int T : kTokenCounts)
    checkCached(spec, 9, T, attention, rng);
}

TEST(AttentionKernel, DecodeAfterPrefillEqualsPrefillOfAll) {
  std::mt19937 rng(5);
  for (int64_t window : {0, 4}) {
    AttentionKernelSpec spec;
    spec.numHeads = 4;
    spec.numKvHeads = 2;
    spec.headDim = 16;
    spec.capacity = 16;
    spec.window = window;
    const int N = 10, T0 = 7, H = 4, Hkv = 2, D = 16;
    Buffer<float> q = randomRows(N, H * D, rng),
                  k = randomRows(N, Hkv * D, rng),
                  v = randomRows(N, Hkv * D, rng);

    // One prefill of all N tokens.
    CachedAttention prefilled(spec, prefill());
    Buffer<float> all = prefilled.run(q, k, v, 0, H * D);

    // A prefill of T0 tokens (into fresh caches), then one decode step per
    // remaining token with the decode kernels.
    prefilled.kCache.fill(-7.0f);
    prefilled.vCache.fill(-7.0f);
    prefilled.run(rowsOf(q, 0, T0), rowsOf(k, 0, T0), rowsOf(v, 0, T0), 0,
                  H * D);
    AttentionKernelSpec oneToken = spec; // decode's static T = 1
    oneToken.tokens = 1;
    CachedAttention steps(oneToken, decode());
    steps.kCache.copy_from(prefilled.kCache);
    steps.vCache.copy_from(prefilled.vCache);
    for (int t = T0; t < N; ++t) {
      auto row = [&](const Buffer<float> &b) {
        Buffer<float> r(b.dim(0).extent(), 1);
        for (int x = 0; x < b.dim(0).extent(); ++x)
          r(x, 0) = b(x, t);
        return r;
      };
      Buffer<float> out = steps.run(row(q), row(k), row(v), t, H * D);
      std::vector<double> want;
      for (int x = 0; x < H * D; ++x)
        want.push_back(all(x, t));
      expectNear(out, want,
                 "decode step " + std::to_string(t) + " window " +
                     std::to_string(window));
    }
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(AttentionKernel, ImpossibleSpecsAndSchedulesAreErrors) {
  AttentionKernelSpec spec;
  spec.numHeads = 4;
  spec.numKvHeads = 2;
  spec.headDim = 16;
  spec.capacity = 16;
  spec.mask = Mask::bidirectional;
  EXPECT_NE(buildAttentionKernel(spec, prefill())
                .error.find("cannot use a KV "
                            "cache"),
            std::string::npos);
  spec.mask = Mask::causal;
  spec.numKvHeads = 3;
  EXPECT_NE(buildAttentionKernel(spec, prefill()).error.find("multiple"),
            std::string::npos);
  spec.numKvHeads = 2;
  spec.capacity = 0;
  EXPECT_NE(buildKvCacheAppendKernel(spec, prefill())
                .error.find("needs a KV "
                            "cache"),
            std::string::npos);
  KernelSchedule s = prefill();
  s.parallelDims = {0, 0};
  EXPECT_NE(buildAttentionKernel(spec, s).error.find("listed twice"),
            std::string::npos);
  s = prefill();
  s.tiles = {1};
  EXPECT_NE(buildAttentionKernel(spec, s).error.find("expected 2 tiles"),
            std::string::npos);
  s = decode();
  s.tiles = {1, 4};
  EXPECT_NE(buildAttentionKernel(spec, s).error.find("one query per tile"),
            std::string::npos);
  s = prefill();
  s.halideTarget = "host-avx2";
  EXPECT_NE(buildAttentionKernel(spec, s).error.find("host"),
            std::string::npos);
}

TEST(AttentionKernel, CacheOverflowFailsTheCall) {
  AttentionKernelSpec spec;
  spec.numHeads = spec.numKvHeads = 1;
  spec.headDim = 8;
  spec.capacity = 4;
  KernelPipeline append = built(buildKvCacheAppendKernel(spec, prefill()));
  // Rows 3..5 of a 4-row cache: a crop of the right strides over a larger
  // allocation, so a kernel that wrongly wrote would stay in bounds here.
  std::vector<float> memory(8 * 8, 0.0f);
  halide_dimension_t dims[3] = {{0, 8, 1}, {3, 3, 8}, {0, 1, 8 * 4}};
  Buffer<float> kRows(memory.data() + 3 * 8, 3, dims);
  std::vector<float> memoryV(8 * 8, 0.0f);
  Buffer<float> vRows(memoryV.data() + 3 * 8, 3, dims);
  Buffer<float> k(8, 3), v(8, 3);
  k.fill(1.0f);
  v.fill(1.0f);
  append.bind(0, k);
  append.bind(1, v);
  append.bind(2, int32_t(3));
  Halide::Realization rows(kRows, vRows);
  EXPECT_ANY_THROW(append.pipeline.realize(rows, append.target));
  EXPECT_EQ(*std::max_element(memory.begin(), memory.end()), 0.0f);
}

} // namespace
