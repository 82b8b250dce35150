//===- RowKernelTest.cpp - row-wise Halide kernels against references -----===//
//
// JIT-compiles the element-wise, norm, RoPE and embedding kernels for the
// explicit AVX-512 target (AVX2 where the CPU lacks AVX-512) under prefill,
// decode and tiled schedules, and compares them on random data with plain
// double-precision references written from the op definitions.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/EmbedKernel.h"
#include "codegen/kernels/NormKernel.h"
#include "codegen/kernels/RopeKernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;
using Activation = ElementwiseKernelSpec::Activation;
using Binary = ElementwiseKernelSpec::Binary;

//===----------------------------------------------------------------------===//
// Targets, schedules, buffers
//===----------------------------------------------------------------------===//

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }
std::string testTarget() {
  return hasAvx512() ? kHalideX86Avx512 : kHalideX86Avx2;
}
int lanes() { return hasAvx512() ? 16 : 8; }

/// What mgc-schedule picks for row-wise prefill kernels.
KernelSchedule prefill() {
  KernelSchedule s;
  s.tiles = {8, 4 * lanes()};
  s.vectorWidth = lanes();
  s.parallelDims = {0};
  s.threads = 2;
  s.halideTarget = testTarget();
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

/// Small ragged tiles, unrolled, parallel over rows and features.
KernelSchedule tiled() {
  KernelSchedule s = prefill();
  s.tiles = {3, 2 * lanes()};
  s.unroll = 2;
  s.parallelDims = {0, 1};
  return s;
}

constexpr int kTokenCounts[] = {1, 3, 17};

/// A Halide buffer for an mgc tensor of `shape` (outermost first).
template <typename T = float> Buffer<T> tensor(std::vector<int> shape) {
  std::reverse(shape.begin(), shape.end());
  return Buffer<T>(shape);
}

/// Fills `b` with uniform values in [lo, hi).
void randomize(Buffer<float> &b, std::mt19937 &rng, float lo = -2,
               float hi = 2) {
  std::uniform_real_distribution<float> dist(lo, hi);
  b.for_each_value([&](float &x) { x = dist(rng); });
}

/// |got - want| <= abs + rel * |want| everywhere; reports the first miss.
void expectNear(const Buffer<float> &got, const std::vector<double> &want,
                double rel, double abs, const std::string &what) {
  ASSERT_EQ(size_t(got.number_of_elements()), want.size()) << what;
  const float *g = got.data();
  for (size_t i = 0; i < want.size(); ++i) {
    double err = std::fabs(double(g[i]) - want[i]);
    if (!(err <= abs + rel * std::fabs(want[i]))) {
      ADD_FAILURE() << what << ": element " << i << " is " << g[i]
                    << ", expected " << want[i] << " (error " << err << ")";
      return;
    }
  }
}

/// Builds a kernel or fails the test with the generator's error.
KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

double referenceActivation(Activation kind, double x) {
  switch (kind) {
  case Activation::silu:
    return x / (1 + std::exp(-x));
  case Activation::gelu:
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  case Activation::gelu_tanh:
    return 0.5 * x *
           (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  case Activation::relu:
    return std::max(x, 0.0);
  case Activation::relu_squared:
    return std::max(x, 0.0) * std::max(x, 0.0);
  case Activation::sigmoid:
    return 1 / (1 + std::exp(-x));
  case Activation::tanh:
    return std::tanh(x);
  case Activation::softplus:
    return x > 20 ? x : std::log1p(std::exp(x));
  case Activation::exp:
    return std::exp(x);
  }
  return 0;
}

/// Random inputs plus the edges of each formula: near 0 (tanh series), the
/// softplus threshold, large magnitudes (saturation, underflow).
Buffer<float> activationInput(int tokens, int features, std::mt19937 &rng) {
  Buffer<float> x = tensor({tokens, features});
  randomize(x, rng, -6, 6);
  const float edges[] = {0.0f,  1e-4f,  -3e-3f, 0.1f,  -0.124f, 0.126f,
                         -0.5f, 12.0f,  -15.0f, 19.9f, 20.5f,   -25.0f,
                         30.0f, -60.0f, 2.5f,   -2.5f};
  for (int i = 0; i < features && i < 16; ++i)
    x(i, 0) = edges[i];
  return x;
}

TEST(ElementwiseKernel, EveryActivationMatchesItsFormula) {
  std::mt19937 rng(1);
  const Activation kinds[] = {
      Activation::silu, Activation::gelu,         Activation::gelu_tanh,
      Activation::relu, Activation::relu_squared, Activation::sigmoid,
      Activation::tanh, Activation::softplus,     Activation::exp};
  for (Activation kind : kinds) {
    ElementwiseKernelSpec spec;
    spec.shape = {kDynamicExtent, 37};
    spec.activation = kind;
    KernelPipeline k = built(buildElementwiseKernel(spec, prefill()));
    for (int T : kTokenCounts) {
      Buffer<float> x = activationInput(T, 37, rng);
      if (kind == Activation::exp) // keep exp finite in f32
        x.for_each_value([](float &v) { v = std::clamp(v, -20.0f, 20.0f); });
      Buffer<float> out = tensor({T, 37});
      k.bind(0, x);
      k.pipeline.realize(out, k.target);
      std::vector<double> want;
      x.for_each_value(
          [&](float v) { want.push_back(referenceActivation(kind, v)); });
      // Halide's exp/log are within a few ulp, erf within 3 bits, tanh from
      // exp ~3e-7: 2e-6 relative. Positive results (exp, sigmoid, softplus)
      // must be relatively accurate even when tiny (softplus(-25) = 1.4e-11
      // needs log1p, not log(1 + x)); results that cross zero get 1e-6
      // absolute.
      bool positive = kind == Activation::exp || kind == Activation::sigmoid ||
                      kind == Activation::softplus;
      expectNear(out, want, 2e-6, positive ? 1e-37 : 1e-6,
                 "activation " + std::to_string(int(kind)) +
                     ", T = " + std::to_string(T));
    }
  }
}

TEST(ElementwiseKernel, DecodeAndTiledSchedules) {
  std::mt19937 rng(2);
  for (const KernelSchedule &schedule : {decode(), tiled()}) {
    ElementwiseKernelSpec spec;
    spec.shape = {kDynamicExtent, 100}; // one ragged tile of 2 or 4 vectors
    spec.activation = Activation::gelu_tanh;
    KernelPipeline k = built(buildElementwiseKernel(spec, schedule));
    for (int T : kTokenCounts) {
      Buffer<float> x = activationInput(T, 100, rng);
      Buffer<float> out = tensor({T, 100});
      k.bind(0, x);
      k.pipeline.realize(out, k.target);
      std::vector<double> want;
      x.for_each_value([&](float v) {
        want.push_back(referenceActivation(Activation::gelu_tanh, v));
      });
      expectNear(out, want, 2e-6, 1e-6, "gelu_tanh T = " + std::to_string(T));
    }
  }
}

/// rhs broadcast to lhs by mgc's rule, flattened in lhs order.
std::vector<double> broadcastReference(const Buffer<float> &lhs,
                                       const Buffer<float> &rhs,
                                       std::optional<Activation> activation,
                                       Binary binary) {
  std::vector<double> want;
  // Halide dimensions 0..2 (missing ones have extent 1), innermost first.
  auto extent = [](const Buffer<float> &b, int i) {
    return i < b.dimensions() ? b.dim(i).extent() : 1;
  };
  auto at = [](const Buffer<float> &b, int x, int y, int z) {
    int pos[3] = {x, y, z};
    return b(pos);
  };
  for (int z = 0; z < extent(lhs, 2); ++z)
    for (int y = 0; y < extent(lhs, 1); ++y)
      for (int x = 0; x < extent(lhs, 0); ++x) {
        double a = at(lhs, x, y, z);
        double b = at(rhs, extent(rhs, 0) == 1 ? 0 : x,
                      extent(rhs, 1) == 1 ? 0 : y, extent(rhs, 2) == 1 ? 0 : z);
        if (activation)
          a = referenceActivation(*activation, a);
        want.push_back(binary == Binary::add   ? a + b
                       : binary == Binary::sub ? a - b
                       : binary == Binary::mul ? a * b
                                               : a / b);
      }
  return want;
}

TEST(ElementwiseKernel, BinaryOpsBroadcastByMgcRule) {
  std::mt19937 rng(3);
  struct Case {
    std::vector<int64_t> lhs, rhs;
    Binary binary;
    std::optional<Activation> activation;
  };
  const int64_t T = kDynamicExtent;
  const Case cases[] = {
      {{T, 37}, {T, 37}, Binary::add, {}},               // residual
      {{T, 37}, {37}, Binary::mul, {}},                  // per channel
      {{T, 37}, {T, 1}, Binary::sub, {}},                // per-token gate
      {{T, 3, 20}, {3, 1}, Binary::mul, {}},             // size 1 + missing
      {{T, 37}, {T, 37}, Binary::mul, Activation::silu}, // SwiGLU
      {{T, 2, 1}, {T, 2, 1}, Binary::div, {}},           // RWKV-4's quotient
      {{T, 37}, {37}, Binary::div, {}},                  // per channel
  };
  for (const Case &c : cases) {
    ElementwiseKernelSpec spec;
    spec.shape = c.lhs;
    spec.rhsShape = c.rhs;
    spec.binary = c.binary;
    spec.activation = c.activation;
    KernelPipeline k = built(buildElementwiseKernel(spec, prefill()));
    for (int tokens : kTokenCounts) {
      auto concrete = [&](std::vector<int64_t> shape) {
        std::vector<int> s;
        for (int64_t d : shape)
          s.push_back(d == kDynamicExtent ? tokens : int(d));
        return s;
      };
      Buffer<float> lhs = tensor(concrete(c.lhs)),
                    rhs = tensor(concrete(c.rhs)),
                    out = tensor(concrete(c.lhs));
      randomize(lhs, rng);
      randomize(rhs, rng);
      k.bind(0, lhs);
      k.bind(1, rhs);
      k.pipeline.realize(out, k.target);
      expectNear(out, broadcastReference(lhs, rhs, c.activation, c.binary),
                 2e-6, 1e-7,
                 "binary " + std::to_string(int(c.binary)) + " of rank " +
                     std::to_string(c.lhs.size()));
    }
  }
}

TEST(ElementwiseKernel, ImpossibleSchedulesAndShapesAreErrors) {
  ElementwiseKernelSpec spec;
  spec.shape = {kDynamicExtent, 64};
  spec.activation = Activation::relu;
  auto errorOf = [&](const KernelSchedule &s) {
    KernelPipelineResult r = buildElementwiseKernel(spec, s);
    EXPECT_FALSE(r.kernel.has_value());
    return r.error;
  };
  KernelSchedule s = prefill();
  s.tiles = {8, 64, 2};
  EXPECT_NE(errorOf(s).find("expected 2 tiles"), std::string::npos);
  s = prefill();
  s.tiles = {8, lanes() + 1};
  EXPECT_NE(errorOf(s).find("not a multiple of vector width"),
            std::string::npos);
  s = decode();
  s.tiles = {8, 64};
  EXPECT_NE(errorOf(s).find("one token per row tile"), std::string::npos);
  s = prefill();
  s.parallelDims = {2};
  EXPECT_NE(errorOf(s).find("parallel dimension 2"), std::string::npos);
  s = prefill();
  s.halideTarget = "host";
  EXPECT_NE(errorOf(s).find("host"), std::string::npos);
  s = prefill();
  s.halideTarget = "";
  EXPECT_FALSE(errorOf(s).empty());

  spec.binary = Binary::add;
  spec.rhsShape = {63};
  KernelPipelineResult r = buildElementwiseKernel(spec, prefill());
  EXPECT_NE(r.error.find("does not broadcast"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Norm
//===----------------------------------------------------------------------===//

/// mgc.norm straight from its definition, in double.
std::vector<double> referenceNorm(const NormKernelSpec &spec,
                                  const Buffer<float> &x,
                                  const Buffer<float> *weight,
                                  const Buffer<float> *bias) {
  const int P = x.dim(0).extent();
  const int H = x.dimensions() == 3 ? x.dim(1).extent() : 1;
  const int T = x.dim(x.dimensions() - 1).extent();
  std::vector<double> out(size_t(T) * H * P);
  auto at = [&](const Buffer<float> &b, int p, int h, int t) {
    return b.dimensions() == 3 ? b(p, h, t) : b(p, t);
  };
  auto param = [&](const Buffer<float> *b, int p, int h, double none) {
    if (!b)
      return none;
    return double(b->dimensions() == 2 ? (*b)(p, h) : (*b)(p));
  };
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < H; ++h) {
      double mean = 0, var = 0;
      for (int p = 0; p < P; ++p)
        mean += at(x, p, h, t) / P;
      if (spec.kind == NormKernelSpec::Kind::rms)
        mean = 0; // rms: mean(x^2), not centred
      for (int p = 0; p < P; ++p)
        var += (at(x, p, h, t) - mean) * (at(x, p, h, t) - mean) / P;
      for (int p = 0; p < P; ++p)
        out[(size_t(t) * H + h) * P + p] = (at(x, p, h, t) - mean) /
                                               std::sqrt(var + spec.eps) *
                                               param(weight, p, h, 1.0) +
                                           param(bias, p, h, 0.0);
    }
  return out;
}

void checkNorm(const NormKernelSpec &spec, const KernelSchedule &schedule,
               std::mt19937 &rng) {
  KernelPipeline k = built(buildNormKernel(spec, schedule));
  auto dims = [](const std::vector<int64_t> &shape) {
    return std::vector<int>(shape.begin(), shape.end());
  };
  Buffer<float> weight, bias;
  size_t next = 1;
  if (!spec.weightShape.empty()) {
    weight = tensor(dims(spec.weightShape));
    randomize(weight, rng, 0.5, 1.5);
    k.bind(next++, weight);
  }
  if (!spec.biasShape.empty()) {
    bias = tensor(dims(spec.biasShape));
    randomize(bias, rng);
    k.bind(next++, bias);
  }
  for (int T : kTokenCounts) {
    std::vector<int> shape = dims(spec.shape);
    shape[0] = T;
    Buffer<float> x = tensor(shape), out = tensor(shape);
    randomize(x, rng);
    // An offset row: the two-pass variance must not cancel.
    x.for_each_value([](float &v) { v += 3.0f; });
    k.bind(0, x);
    k.pipeline.realize(out, k.target);
    // f32 sums of <= 37 terms against double: ~1e-6 relative.
    expectNear(out,
               referenceNorm(spec, x, weight.defined() ? &weight : nullptr,
                             bias.defined() ? &bias : nullptr),
               1e-5, 1e-5, "norm T = " + std::to_string(T));
  }
}

TEST(NormKernel, RmsAndLayerWithAndWithoutParameters) {
  std::mt19937 rng(4);
  using Kind = NormKernelSpec::Kind;
  NormKernelSpec spec;
  spec.shape = {kDynamicExtent, 37};
  spec.kind = Kind::rms;
  spec.weightShape = {37};
  spec.eps = 1e-5;
  checkNorm(spec, prefill(), rng);
  spec.weightShape = {};
  checkNorm(spec, decode(), rng);
  spec.kind = Kind::layer;
  spec.weightShape = {37};
  spec.biasShape = {37};
  spec.eps = 1e-6;
  checkNorm(spec, tiled(), rng);
  spec.weightShape = spec.biasShape = {};
  checkNorm(spec, prefill(), rng);
}

TEST(NormKernel, PerHeadWeights) {
  std::mt19937 rng(5);
  NormKernelSpec spec;
  spec.shape = {kDynamicExtent, 3, 20};
  spec.kind = NormKernelSpec::Kind::rms; // Qwen3 q/k norm: one [P] weight
  spec.weightShape = {20};
  checkNorm(spec, prefill(), rng);
  spec.kind = NormKernelSpec::Kind::layer; // group norm: [H, P] parameters
  spec.weightShape = {3, 20};
  spec.biasShape = {3, 20};
  checkNorm(spec, decode(), rng);
}

TEST(NormKernel, BadSpecsAreErrors) {
  NormKernelSpec spec;
  spec.shape = {kDynamicExtent, 3, 20};
  spec.weightShape = {3, 21};
  EXPECT_NE(buildNormKernel(spec, prefill()).error.find("suffix"),
            std::string::npos);
  spec.weightShape = {20};
  spec.biasShape = {20};
  EXPECT_NE(buildNormKernel(spec, prefill())
                .error.find("rms norm takes no "
                            "bias"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// RoPE
//===----------------------------------------------------------------------===//

/// Inverse frequencies as transformers' modeling_rope_utils.py computes them,
/// for the sequence length `length` (dynamic NTK only).
std::vector<double> referenceInverseFrequencies(const RopeKernelSpec &s,
                                                int length) {
  using Scaling = RopeKernelSpec::Scaling;
  const int dim = int(s.rotaryDim);
  double base = s.theta;
  if (s.scaling == Scaling::ntk) {
    double seq = std::max<double>(length, double(s.originalContext));
    base =
        s.theta * std::pow(s.factor * seq / s.originalContext - (s.factor - 1),
                           double(dim) / (dim - 2));
  }
  std::vector<double> inv;
  for (int i = 0; i < dim; i += 2)
    inv.push_back(1.0 / std::pow(base, double(i) / dim));
  if (s.scaling == Scaling::linear)
    for (double &f : inv)
      f /= s.factor;
  if (s.scaling == Scaling::llama3) {
    double old = double(s.originalContext);
    double lowWavelen = old / s.lowFreqFactor;
    double highWavelen = old / s.highFreqFactor;
    for (double &f : inv) {
      double wavelen = 2 * M_PI / f;
      double scaled = wavelen > lowWavelen ? f / s.factor : f;
      double smooth = (old / wavelen - s.lowFreqFactor) /
                      (s.highFreqFactor - s.lowFreqFactor);
      bool medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
      f = medium ? (1 - smooth) * scaled / s.factor + smooth * scaled : scaled;
    }
  }
  if (s.scaling == Scaling::yarn) {
    auto correctionDim = [&](double rotations) {
      return dim * std::log(s.originalContext / (rotations * 2 * M_PI)) /
             (2 * std::log(base));
    };
    double low = std::max(std::floor(correctionDim(32)), 0.0);
    double high = std::min(std::ceil(correctionDim(1)), double(dim - 1));
    if (low == high)
      high += 0.001;
    for (size_t i = 0; i < inv.size(); ++i) {
      double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
      double extrapolationFactor = 1 - ramp;
      double interpolation = inv[i] / s.factor, extrapolation = inv[i];
      inv[i] = interpolation * (1 - extrapolationFactor) +
               extrapolation * extrapolationFactor;
    }
  }
  return inv;
}

/// mgc.rope from its definition: rotate pairs of the first rotaryDim
/// dimensions of every head by (position + t) * invFreq, cos and sin scaled
/// by yarn's attention factor.
std::vector<double> referenceRope(const RopeKernelSpec &s,
                                  const Buffer<float> &x, int position) {
  const int F = int(s.features), Dh = int(s.headDim), R = int(s.rotaryDim);
  const int T = x.dim(1).extent();
  std::vector<double> inv = referenceInverseFrequencies(s, position + T);
  double mscale = 1.0;
  if (s.scaling == RopeKernelSpec::Scaling::yarn)
    mscale = s.attentionFactor > 0 ? s.attentionFactor
                                   : 0.1 * std::log(s.factor) + 1.0;
  std::vector<double> out(size_t(T) * F);
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < F / Dh; ++h) {
      const int base = h * Dh;
      for (int d = R; d < Dh; ++d)
        out[size_t(t) * F + base + d] = x(base + d, t);
      for (int i = 0; i < R / 2; ++i) {
        double angle = double(position + t) * inv[i];
        double c = std::cos(angle) * mscale, sn = std::sin(angle) * mscale;
        bool inter = s.style == RopeKernelSpec::Style::interleaved;
        int a = base + (inter ? 2 * i : i);
        int b = base + (inter ? 2 * i + 1 : i + R / 2);
        out[size_t(t) * F + a] = x(a, t) * c - x(b, t) * sn;
        out[size_t(t) * F + b] = x(b, t) * c + x(a, t) * sn;
      }
    }
  return out;
}

void checkRope(const RopeKernelSpec &spec, const KernelSchedule &schedule,
               const std::vector<int> &positions, std::mt19937 &rng) {
  KernelPipeline k = built(buildRopeKernel(spec, schedule));
  for (int position : positions)
    for (int T : kTokenCounts) {
      Buffer<float> x = tensor({T, int(spec.features)});
      Buffer<float> out = tensor({T, int(spec.features)});
      randomize(x, rng);
      k.bind(0, x);
      k.bind(1, int32_t(position));
      k.pipeline.realize(out, k.target);
      // Angles and cos/sin in double, rounded to f32, then an f32 rotation:
      // a few ulp of the inputs (|x| < 2, scaled by <= 1.5).
      expectNear(out, referenceRope(spec, x, position), 1e-5, 2e-6,
                 "rope style " + std::to_string(int(spec.style)) + " scaling " +
                     std::to_string(int(spec.scaling)) + " position " +
                     std::to_string(position) + " T = " + std::to_string(T));
    }
}

TEST(RopeKernel, EveryStyleAndScaling) {
  std::mt19937 rng(6);
  using Scaling = RopeKernelSpec::Scaling;
  using Style = RopeKernelSpec::Style;
  for (Style style : {Style::half, Style::interleaved}) {
    RopeKernelSpec spec;
    spec.style = style;

    // none, full rotary.
    spec.features = 2 * 16;
    spec.headDim = spec.rotaryDim = 16;
    checkRope(spec, prefill(), {0, 37}, rng);

    // linear, partial rotary with a head that is no whole number of vectors
    // (and, for half, whose halves do not tile the head).
    spec.features = 3 * 20;
    spec.headDim = 20;
    spec.rotaryDim = 12;
    spec.scaling = Scaling::linear;
    spec.factor = 4;
    checkRope(spec, prefill(), {5}, rng);

    // dynamic NTK: below, at and beyond the trained context of 16.
    spec.features = 2 * 24;
    spec.headDim = 24;
    spec.rotaryDim = 8;
    spec.scaling = Scaling::ntk;
    spec.factor = 2;
    spec.originalContext = 16;
    checkRope(spec, prefill(), {0, 13, 40}, rng);

    // llama3: the pairs fall in all three wavelength bands.
    spec.features = 2 * 32;
    spec.headDim = spec.rotaryDim = 32;
    spec.scaling = Scaling::llama3;
    spec.theta = 500000;
    spec.factor = 8;
    spec.originalContext = 64;
    spec.lowFreqFactor = 1;
    spec.highFreqFactor = 4;
    checkRope(spec, prefill(), {100}, rng);

    // yarn with the default attention factor, then an explicit one.
    spec.scaling = Scaling::yarn;
    spec.theta = 10000;
    spec.factor = 4;
    checkRope(spec, prefill(), {70}, rng);
    spec.attentionFactor = 1.5;
    checkRope(spec, tiled(), {3}, rng);
  }
}

TEST(RopeKernel, DecodeSchedule) {
  std::mt19937 rng(7);
  RopeKernelSpec spec;
  spec.features = 4 * 16;
  spec.headDim = spec.rotaryDim = 16;
  spec.style = RopeKernelSpec::Style::interleaved;
  checkRope(spec, decode(), {0, 255}, rng);
}

TEST(RopeKernel, InverseFrequenciesFollowTransformers) {
  // Spot values computed by hand from the formulas: llama3 keeps high
  // frequencies, divides low ones by the factor; yarn's mscale default.
  RopeKernelSpec spec;
  spec.headDim = spec.rotaryDim = 32;
  spec.features = 32;
  spec.scaling = RopeKernelSpec::Scaling::llama3;
  spec.theta = 500000;
  spec.factor = 8;
  spec.originalContext = 64;
  std::vector<double> inv = ropeInverseFrequencies(spec);
  EXPECT_DOUBLE_EQ(inv[0], 1.0);
  EXPECT_NEAR(inv[15], std::pow(500000.0, -30.0 / 32) / 8, 1e-18);
  spec.scaling = RopeKernelSpec::Scaling::yarn;
  spec.factor = 4;
  EXPECT_NEAR(ropeAttentionFactor(spec), 0.1 * std::log(4.0) + 1, 1e-15);
  spec.attentionFactor = 1.25;
  EXPECT_EQ(ropeAttentionFactor(spec), 1.25);
  spec.scaling = RopeKernelSpec::Scaling::ntk;
  spec.attentionFactor = 0;
  spec.rotaryDim = 2;
  EXPECT_NE(buildRopeKernel(spec, prefill()).error.find("rotary_dim > 2"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

TEST(EmbedKernel, GathersRowsAndClampsBadIds) {
  std::mt19937 rng(8);
  const int V = 50, Hd = 37;
  EmbedKernelSpec spec;
  spec.vocab = V;
  spec.hidden = Hd;
  KernelPipeline k = built(buildEmbedKernel(spec, prefill()));
  Buffer<float> table = tensor({V, Hd});
  randomize(table, rng);
  k.bind(1, table);
  for (int T : kTokenCounts) {
    Buffer<int32_t> ids = tensor<int32_t>({T});
    std::uniform_int_distribution<int> id(0, V - 1);
    ids.for_each_value([&](int32_t &v) { v = id(rng); });
    ids(0) = T > 1 ? -5 : V; // out of range: clamped into the table
    if (T > 2)
      ids(2) = 1000;
    Buffer<float> out = tensor({T, Hd});
    k.bind(0, ids);
    k.pipeline.realize(out, k.target);
    std::vector<double> want;
    for (int t = 0; t < T; ++t)
      for (int x = 0; x < Hd; ++x)
        want.push_back(table(x, std::clamp(ids(t), 0, V - 1)));
    expectNear(out, want, 0, 0, "embed T = " + std::to_string(T));
  }
}

TEST(EmbedKernel, Bf16TableWidensToF32) {
  std::mt19937 rng(9);
  const int V = 20, Hd = 70;
  EmbedKernelSpec spec;
  spec.vocab = V;
  spec.hidden = Hd;
  spec.tokens = 1;
  spec.tableType = Halide::BFloat(16);
  KernelPipeline k = built(buildEmbedKernel(spec, decode()));
  Buffer<Halide::bfloat16_t> table = tensor<Halide::bfloat16_t>({V, Hd});
  std::uniform_real_distribution<float> dist(-2, 2);
  table.for_each_value(
      [&](Halide::bfloat16_t &v) { v = Halide::bfloat16_t(dist(rng)); });
  Buffer<int32_t> ids = tensor<int32_t>({1});
  ids(0) = 7;
  Buffer<float> out = tensor({1, Hd});
  k.bind(0, ids);
  k.bind(1, table);
  k.pipeline.realize(out, k.target);
  std::vector<double> want;
  for (int x = 0; x < Hd; ++x)
    want.push_back(float(table(x, 7)));
  expectNear(out, want, 0, 0, "bf16 embed");
}

} // namespace
