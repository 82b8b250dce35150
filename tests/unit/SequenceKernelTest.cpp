//===- SequenceKernelTest.cpp - token shift and reverse kernels -----------===//
//
// JIT-compiles the mgc.token_shift and mgc.reverse kernels for the explicit
// AVX-512 target (AVX2 where the CPU lacks AVX-512) under prefill, decode
// and tiled schedules and compares them on random data with the ops'
// definitions. A token shift's state updated in place over a split prefill
// and decode steps must give the outputs and final state of one prefill.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/SequenceKernel.h"

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;
using Kind = SequenceKernelSpec::Kind;

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }
int lanes() { return hasAvx512() ? 16 : 8; }

/// What mgc-schedule picks for row-wise prefill kernels.
KernelSchedule prefill() {
  KernelSchedule s;
  s.tiles = {8, 4 * lanes()};
  s.vectorWidth = lanes();
  s.parallelDims = {0};
  s.threads = 2;
  s.halideTarget = hasAvx512() ? kHalideX86Avx512 : kHalideX86Avx2;
  return s;
}

/// What mgc-schedule picks for row-wise decode kernels.
KernelSchedule decode() {
  KernelSchedule s = prefill();
  s.decode = true;
  s.tiles = {1, 4 * lanes()};
  s.parallelDims = {};
  s.threads = 1;
  return s;
}

/// Small ragged tiles, unrolled, parallel over rows and channels.
KernelSchedule tiled() {
  KernelSchedule s = prefill();
  s.tiles = {3, 2 * lanes()};
  s.unroll = 2;
  s.parallelDims = {0, 1};
  return s;
}

constexpr int kTokenCounts[] = {1, 2, 9, 37};

Buffer<float> randomBuffer(std::vector<int> sizes, std::mt19937 &rng) {
  Buffer<float> b(sizes);
  std::uniform_real_distribution<float> dist(-1, 1);
  b.for_each_value([&](float &x) { x = dist(rng); });
  return b;
}

KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

/// Runs a token shift on x [T, C] (Halide (C, T)); with a state, from
/// `state` into `stateOut` (which may be `state`).
Buffer<float> shift(KernelPipeline &kernel, const Buffer<float> &x,
                    Buffer<float> state = {}, Buffer<float> stateOut = {}) {
  kernel.bind(0, x);
  Buffer<float> y(x.dim(0).extent(), x.dim(1).extent());
  if (state.defined()) {
    kernel.bind(1, state);
    Halide::Realization outputs(y, stateOut);
    kernel.pipeline.realize(outputs, kernel.target);
  } else {
    kernel.pipeline.realize(y, kernel.target);
  }
  return y;
}

/// x [T, C] shifted down one token, row -1 being `before` (C values).
Buffer<float> shifted(const Buffer<float> &x, const std::vector<float> &before) {
  Buffer<float> want(x.dim(0).extent(), x.dim(1).extent());
  for (int t = 0; t < x.dim(1).extent(); ++t)
    for (int c = 0; c < x.dim(0).extent(); ++c)
      want(c, t) = t == 0 ? before[size_t(c)] : x(c, t - 1);
  return want;
}

/// Data movement is exact.
void expectEqual(const Buffer<float> &got, const Buffer<float> &want,
                 const std::string &what) {
  ASSERT_EQ(got.dimensions(), want.dimensions()) << what;
  for (int d = 0; d < got.dimensions(); ++d)
    ASSERT_EQ(got.dim(d).extent(), want.dim(d).extent()) << what;
  bool same = true;
  want.for_each_element([&](const int *at) {
    if (same && got(at) != want(at)) {
      same = false;
      ADD_FAILURE() << what << ": got " << got(at) << ", expected "
                    << want(at);
    }
  });
}

TEST(SequenceKernel, TokenShiftAgainstDefinition) {
  std::mt19937 rng(1);
  for (int C : {72, 5, 64}) // ragged channel tiles, one partial vector
    for (bool hasState : {false, true})
      for (const auto &[name, schedule] :
           {std::pair{"prefill", prefill()}, std::pair{"tiled", tiled()}}) {
        SequenceKernelSpec spec;
        spec.shape = {kDynamicExtent, C};
        spec.hasState = hasState;
        KernelPipeline kernel = built(buildSequenceKernel(spec, schedule));
        for (int T : kTokenCounts) {
          const std::string what = std::string(name) + " C=" +
                                   std::to_string(C) + " T=" +
                                   std::to_string(T) +
                                   (hasState ? " state" : "");
          Buffer<float> x = randomBuffer({C, T}, rng);
          Buffer<float> state = randomBuffer({C, 1}, rng);
          std::vector<float> before(size_t(C), 0.0f);
          if (hasState)
            for (int c = 0; c < C; ++c)
              before[size_t(c)] = state(c, 0);
          Buffer<float> stateOut(C, 1);
          Buffer<float> y = hasState ? shift(kernel, x, state, stateOut)
                                     : shift(kernel, x);
          expectEqual(y, shifted(x, before), what + ": y");
          if (hasState) {
            Buffer<float> last(C, 1);
            for (int c = 0; c < C; ++c)
              last(c, 0) = x(c, T - 1);
            expectEqual(stateOut, last, what + ": state");
          }
        }
      }
}

TEST(SequenceKernel, TokenShiftStateInPlaceOverPrefillAndDecode) {
  std::mt19937 rng(2);
  const int C = 40, T = 11, prompt = 4;
  SequenceKernelSpec spec;
  spec.shape = {kDynamicExtent, C};
  spec.hasState = true;
  KernelPipeline prefillKernel = built(buildSequenceKernel(spec, prefill()));
  SequenceKernelSpec one = spec;
  one.shape[0] = 1;
  KernelPipeline decodeKernel = built(buildSequenceKernel(one, decode()));

  Buffer<float> x = randomBuffer({C, T}, rng);
  Buffer<float> start = randomBuffer({C, 1}, rng);
  std::vector<float> before(start.data(), start.data() + C);
  Buffer<float> want = shifted(x, before);

  // A prompt, then one token at a time, the state updated in place.
  Buffer<float> state = start.copy();
  Buffer<float> head(C, prompt);
  for (int t = 0; t < prompt; ++t)
    for (int c = 0; c < C; ++c)
      head(c, t) = x(c, t);
  Buffer<float> joined(C, T);
  Buffer<float> y = shift(prefillKernel, head, state, state);
  for (int t = 0; t < prompt; ++t)
    for (int c = 0; c < C; ++c)
      joined(c, t) = y(c, t);
  for (int t = prompt; t < T; ++t) {
    Buffer<float> token(C, 1);
    for (int c = 0; c < C; ++c)
      token(c, 0) = x(c, t);
    Buffer<float> step = shift(decodeKernel, token, state, state);
    for (int c = 0; c < C; ++c)
      joined(c, t) = step(c, 0);
  }
  expectEqual(joined, want, "prompt then decode steps: y");
  for (int c = 0; c < C; ++c)
    EXPECT_EQ(state(c, 0), x(c, T - 1)) << "final state, channel " << c;
}

TEST(SequenceKernel, ReverseAgainstDefinition) {
  std::mt19937 rng(3);
  const std::vector<std::vector<int64_t>> shapes = {
      {kDynamicExtent, 72}, {kDynamicExtent, 3, 24}, {kDynamicExtent, 2, 3, 5}};
  for (const std::vector<int64_t> &shape : shapes)
    for (const auto &[name, schedule] :
         {std::pair{"prefill", prefill()}, std::pair{"tiled", tiled()}}) {
      SequenceKernelSpec spec;
      spec.kind = Kind::reverse;
      spec.shape = shape;
      KernelPipeline kernel = built(buildSequenceKernel(spec, schedule));
      for (int T : kTokenCounts) {
        std::vector<int> sizes;
        for (size_t d = shape.size(); d-- > 1;)
          sizes.push_back(int(shape[d]));
        sizes.push_back(T);
        Buffer<float> x = randomBuffer(sizes, rng);
        Buffer<float> y(sizes);
        kernel.bind(0, x);
        kernel.pipeline.realize(y, kernel.target);
        Buffer<float> want(sizes);
        const int last = int(sizes.size()) - 1;
        want.for_each_element([&](const int *at) {
          std::vector<int> from(at, at + sizes.size());
          from[size_t(last)] = T - 1 - at[last];
          want(at) = x(from.data());
        });
        expectEqual(y, want,
                    std::string(name) + " rank " +
                        std::to_string(shape.size()) + " T=" +
                        std::to_string(T));
      }
    }
}

TEST(SequenceKernel, ImpossibleSpecsAndSchedulesAreErrors) {
  SequenceKernelSpec spec;
  spec.shape = {kDynamicExtent, 4, 8};
  EXPECT_NE(buildSequenceKernel(spec, prefill()).error.find("[T, channels]"),
            std::string::npos);
  spec.kind = Kind::reverse;
  spec.hasState = true;
  EXPECT_NE(buildSequenceKernel(spec, prefill()).error.find("no state"),
            std::string::npos);
  spec.hasState = false;
  spec.shape = {kDynamicExtent};
  EXPECT_NE(buildSequenceKernel(spec, prefill()).error.find("rank"),
            std::string::npos);
  spec.kind = Kind::tokenShift;
  spec.shape = {kDynamicExtent, 16};
  KernelSchedule s = decode();
  s.tiles = {4, 4 * lanes()};
  EXPECT_NE(buildSequenceKernel(spec, s).error.find("one token per row tile"),
            std::string::npos);
  s = prefill();
  s.halideTarget = "host";
  EXPECT_NE(buildSequenceKernel(spec, s).error.find("host"),
            std::string::npos);
}

} // namespace
