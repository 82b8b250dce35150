//===- Conv1dKernelTest.cpp - conv1d kernels against a reference ----------===//
//
// JIT-compiles the mgc.conv1d kernel for the explicit AVX-512 target (AVX2
// where the CPU lacks AVX-512) under prefill, decode and tiled schedules and
// compares it on random data with a double-precision reference written from
// the op's definition: causal with and without a rolling state and a bias,
// centered (Hydra), f32 and bf16 weights. A prefill split in two with the
// state carried, and decode steps that update the state in place, must give
// the outputs and final state of one prefill.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/Conv1dKernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;

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

constexpr int kTokenCounts[] = {1, 5, 37};

/// A random [rows, cols] tensor (Halide dims cols, rows).
Buffer<float> randomRows(int rows, int cols, std::mt19937 &rng) {
  Buffer<float> b(cols, rows);
  std::uniform_real_distribution<float> dist(-1, 1);
  b.for_each_value([&](float &x) { x = dist(rng); });
  return b;
}

/// Rows [first, first + count) copied to a buffer of their own.
Buffer<float> rowsOf(const Buffer<float> &b, int first, int count) {
  Buffer<float> out(b.dim(0).extent(), count);
  for (int t = 0; t < count; ++t)
    for (int c = 0; c < b.dim(0).extent(); ++c)
      out(c, t) = b(c, first + t);
  return out;
}

/// Weights as stored (f32 or bf16) and as the reference reads them.
struct Weights {
  Buffer<> stored; // [C, W] or [C]
  std::vector<double> values;
};

Weights randomWeights(const Halide::Type &type, std::vector<int> sizes,
                      std::mt19937 &rng) {
  Buffer<float> f(sizes);
  std::uniform_real_distribution<float> dist(-1, 1);
  f.for_each_value([&](float &x) { x = dist(rng); });
  Weights w;
  if (type == Halide::BFloat(16)) {
    Buffer<Halide::bfloat16_t> b(sizes);
    b.for_each_element([&](const int *at) {
      b(at) = Halide::bfloat16_t(f(at));
    });
    Buffer<Halide::bfloat16_t> dense = b.copy();
    for (size_t i = 0; i < dense.number_of_elements(); ++i)
      w.values.push_back(float(dense.data()[i]));
    w.stored = b;
  } else {
    Buffer<float> dense = f.copy();
    w.values.assign(dense.data(), dense.data() + dense.number_of_elements());
    w.stored = f;
  }
  return w;
}

/// mgc.conv1d from its definition, in double: y [T][C] and, causal, the
/// state after the last token [W - 1][C].
struct Reference {
  std::vector<double> y, state;
};

Reference reference(const Conv1dKernelSpec &spec, const Buffer<float> &x,
                    const std::vector<double> &weight,
                    const std::vector<double> &bias,
                    const std::vector<double> &state) {
  const int C = int(spec.channels), W = int(spec.width);
  const int T = x.dim(1).extent();
  auto input = [&](int s, int c) -> double {
    if (s >= 0 && s < T)
      return x(c, s);
    if (s < 0 && !spec.centered && !state.empty())
      return state[size_t(s + W - 1) * C + c];
    return 0.0;
  };
  const int first = spec.centered ? -(W - 1) / 2 : -(W - 1);
  Reference r;
  for (int t = 0; t < T; ++t)
    for (int c = 0; c < C; ++c) {
      double sum = bias.empty() ? 0.0 : bias[c];
      for (int j = 0; j < W; ++j)
        sum += weight[size_t(c) * W + j] * input(t + first + j, c);
      r.y.push_back(sum);
    }
  if (spec.hasState)
    for (int i = 0; i < W - 1; ++i)
      for (int c = 0; c < C; ++c)
        r.state.push_back(input(T - (W - 1) + i, c));
  return r;
}

void expectNear(const Buffer<float> &got, const std::vector<double> &want,
                const std::string &what) {
  Buffer<float> dense = got.copy();
  ASSERT_EQ(dense.number_of_elements(), want.size()) << what;
  // Sums of W <= 7 products of values below 1 in magnitude.
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(dense.data()[i] - want[i]) <= 1e-5 * (1 + std::fabs(want[i])))) {
      ADD_FAILURE() << what << ": element " << i << " is " << dense.data()[i]
                    << ", expected " << want[i];
      return;
    }
}

KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

/// One layer's convolution: its weights, and the kernel under a schedule.
struct Conv {
  Conv1dKernelSpec spec;
  Weights weight, bias;

  Conv(const Conv1dKernelSpec &spec, std::mt19937 &rng)
      : spec(spec),
        weight(randomWeights(spec.weightType,
                             {int(spec.width), int(spec.channels)}, rng)) {
    if (spec.hasBias)
      bias = randomWeights(spec.weightType, {int(spec.channels)}, rng);
  }

  /// Runs `kernel` on x; with a state, from `state` into `stateOut` (which
  /// may be `state`).
  Buffer<float> run(KernelPipeline &kernel, const Buffer<float> &x,
                    Buffer<float> state = {}, Buffer<float> stateOut = {}) {
    size_t index = 0;
    kernel.bind(index++, x);
    kernel.bind(index++, weight.stored);
    if (spec.hasBias)
      kernel.bind(index++, bias.stored);
    Buffer<float> y(x.dim(0).extent(), x.dim(1).extent());
    if (spec.hasState) {
      kernel.bind(index++, state);
      Halide::Realization outputs(y, stateOut);
      kernel.pipeline.realize(outputs, kernel.target);
    } else {
      kernel.pipeline.realize(y, kernel.target);
    }
    return y;
  }

  Reference want(const Buffer<float> &x, const Buffer<float> &state) const {
    std::vector<double> s;
    if (spec.hasState) {
      Buffer<float> dense = state.copy();
      s.assign(dense.data(), dense.data() + dense.number_of_elements());
    }
    return reference(spec, x, weight.values, bias.values, s);
  }
};

std::string describe(const Conv1dKernelSpec &spec, const std::string &what,
                     int T) {
  return std::string(spec.centered ? "centered" : "causal") +
         " C=" + std::to_string(spec.channels) +
         " W=" + std::to_string(spec.width) + (spec.hasBias ? " bias" : "") +
         (spec.hasState ? " state" : "") + ", " + what +
         ", T=" + std::to_string(T);
}

void checkAgainstReference(const Conv1dKernelSpec &spec, std::mt19937 &rng) {
  Conv conv(spec, rng);
  const int C = int(spec.channels), W = int(spec.width);
  for (const auto &[name, schedule] :
       {std::pair{"prefill", prefill()}, std::pair{"tiled", tiled()}}) {
    KernelPipeline kernel = built(buildConv1dKernel(spec, schedule));
    for (int T : kTokenCounts) {
      Buffer<float> x = randomRows(T, C, rng);
      Buffer<float> state = randomRows(std::max(W - 1, 1), C, rng);
      Buffer<float> stateOut(C, std::max(W - 1, 1));
      Buffer<float> y = conv.run(kernel, x, state, stateOut);
      Reference want = conv.want(x, state);
      const std::string what = describe(spec, name, T);
      expectNear(y, want.y, what + ": y");
      if (spec.hasState)
        expectNear(stateOut, want.state, what + ": state");
    }
  }
}

TEST(Conv1dKernel, CausalWithStateMamba) {
  std::mt19937 rng(1);
  Conv1dKernelSpec spec;
  spec.channels = 72; // a ragged channel tile
  spec.width = 4;
  for (bool bias : {false, true}) {
    spec.hasBias = bias;
    spec.hasState = true;
    checkAgainstReference(spec, rng);
  }
  // Wide windows (H3's shift convolution has W = state size).
  spec.width = 9;
  checkAgainstReference(spec, rng);
}

TEST(Conv1dKernel, CausalWithoutState) {
  std::mt19937 rng(2);
  Conv1dKernelSpec spec;
  spec.channels = 40;
  spec.width = 4;
  spec.hasBias = true;
  checkAgainstReference(spec, rng);
  spec.width = 1;
  checkAgainstReference(spec, rng);
}

TEST(Conv1dKernel, CenteredHydra) {
  std::mt19937 rng(3);
  Conv1dKernelSpec spec;
  spec.centered = true;
  spec.channels = 48;
  for (int64_t width : {7, 3, 1}) {
    spec.width = width;
    spec.hasBias = width != 3;
    checkAgainstReference(spec, rng);
  }
}

TEST(Conv1dKernel, Bf16Weights) {
  std::mt19937 rng(4);
  Conv1dKernelSpec spec;
  spec.channels = 32;
  spec.width = 4;
  spec.hasBias = true;
  spec.hasState = true;
  spec.weightType = Halide::BFloat(16);
  checkAgainstReference(spec, rng);
}

TEST(Conv1dKernel, PrefillInPartsAndDecodeStepsEqualOnePrefill) {
  std::mt19937 rng(5);
  Conv1dKernelSpec spec;
  spec.channels = 40;
  spec.width = 4;
  spec.hasBias = true;
  spec.hasState = true;
  Conv conv(spec, rng);
  const int C = 40, T = 11;
  Buffer<float> x = randomRows(T, C, rng);
  Buffer<float> start = randomRows(3, C, rng);
  Reference want = conv.want(x, start);
  KernelPipeline prefillKernel = built(buildConv1dKernel(spec, prefill()));
  Conv1dKernelSpec one = spec;
  one.tokens = 1;
  KernelPipeline decodeKernel = built(buildConv1dKernel(one, decode()));

  // Two prefills (the first shorter than the window, so the state mixes
  // old rows and new tokens), the state carried in place.
  for (int first : {1, 2, 6}) {
    Buffer<float> state = start.copy();
    Buffer<float> y1 = conv.run(prefillKernel, rowsOf(x, 0, first), state,
                                state);
    Buffer<float> y2 = conv.run(prefillKernel, rowsOf(x, first, T - first),
                                state, state);
    Buffer<float> joined(C, T);
    for (int t = 0; t < T; ++t)
      for (int c = 0; c < C; ++c)
        joined(c, t) = t < first ? y1(c, t) : y2(c, t - first);
    const std::string what =
        describe(spec, "split after " + std::to_string(first), T);
    expectNear(joined, want.y, what + ": y");
    expectNear(state, want.state, what + ": state");
  }

  // A prompt, then one token at a time with the decode kernel, in place.
  const int prompt = 5;
  Buffer<float> state = start.copy();
  Buffer<float> y = conv.run(prefillKernel, rowsOf(x, 0, prompt), state, state);
  Buffer<float> joined(C, T);
  for (int t = 0; t < prompt; ++t)
    for (int c = 0; c < C; ++c)
      joined(c, t) = y(c, t);
  for (int t = prompt; t < T; ++t) {
    Buffer<float> step = conv.run(decodeKernel, rowsOf(x, t, 1), state, state);
    for (int c = 0; c < C; ++c)
      joined(c, t) = step(c, 0);
  }
  expectNear(joined, want.y, describe(spec, "decode steps", T) + ": y");
  expectNear(state, want.state, describe(spec, "decode steps", T) + ": state");
}

TEST(Conv1dKernel, ImpossibleSpecsAndSchedulesAreErrors) {
  Conv1dKernelSpec spec;
  spec.channels = 16;
  spec.width = 4;
  spec.centered = true;
  EXPECT_NE(buildConv1dKernel(spec, prefill()).error.find("odd width"),
            std::string::npos);
  spec.width = 5;
  spec.hasState = true;
  EXPECT_NE(buildConv1dKernel(spec, prefill()).error.find("no state"),
            std::string::npos);
  spec.centered = false;
  spec.width = 1;
  EXPECT_NE(buildConv1dKernel(spec, prefill()).error.find("width-1"),
            std::string::npos);
  spec.width = 4;
  spec.weightType = Halide::Int(8);
  EXPECT_NE(buildConv1dKernel(spec, prefill()).error.find("f32, f16 or bf16"),
            std::string::npos);
  spec.weightType = Halide::Float(32);
  KernelSchedule s = decode();
  s.tiles = {4, 4 * lanes()};
  EXPECT_NE(buildConv1dKernel(spec, s).error.find("one token per row tile"),
            std::string::npos);
  s = prefill();
  s.tiles = {8, lanes() + 1};
  EXPECT_NE(buildConv1dKernel(spec, s).error.find("not a multiple"),
            std::string::npos);
  s = prefill();
  s.halideTarget = "host";
  EXPECT_NE(buildConv1dKernel(spec, s).error.find("host"), std::string::npos);
}

} // namespace
