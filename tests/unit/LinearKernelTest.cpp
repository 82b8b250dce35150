//===- LinearKernelTest.cpp - linear/logits kernels against a reference ---===//
//
// JIT-compiles the prefill (packed-panel GEMM) and decode (GEMV) linear
// kernels for an explicit x86 target this CPU runs, and compares them with a
// plain double-precision reference on random data for awkward sizes and
// token counts; also checks the panel packing formula and that schedules the
// generator cannot honour are refused.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/LinearKernel.h"
#include "codegen/kernels/HalideHelpers.h"
#include "codegen/TargetDescription.h"
#include "codegen/kernels/WeightPacking.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <vector>

namespace {

/// The explicit target kernels are JIT-compiled for: the AVX-512 string when
/// this CPU has its Skylake-AVX512 subset, else the AVX2 one. Never "host".
const char *testTarget() {
  __builtin_cpu_init();
  bool avx512 =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  return avx512 ? mgc::kHalideX86Avx512 : mgc::kHalideX86Avx2;
}

/// Whether this CPU runs kernels compiled for kHalideX86Avx512Bf16: the host
/// target is that one exactly when the CPU has its whole feature set.
bool hasBf16DotTarget() {
  std::optional<mgc::TargetDescription> host = mgc::resolveTarget("host");
  return host && host->isa == "x86-64-avx512-bf16";
}

std::vector<float> randomValues(size_t count, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float &v : values)
    v = dist(rng);
  return values;
}

struct LinearCase {
  bool decode;
  int64_t K, N;
  int64_t rows, columns; // schedule tiles
  int64_t lanes, unroll;
  bool bias;
  bool parallel;
};

std::ostream &operator<<(std::ostream &os, const LinearCase &c) {
  return os << (c.decode ? "decode" : "prefill") << " K=" << c.K << " N=" << c.N
            << " tiles={" << c.rows << "," << c.columns << "} V=" << c.lanes
            << " unroll=" << c.unroll << (c.bias ? " bias" : "")
            << (c.parallel ? " parallel" : "");
}

mgc::KernelSchedule scheduleFor(const LinearCase &c,
                                const char *target = testTarget()) {
  mgc::KernelSchedule schedule;
  schedule.decode = c.decode;
  schedule.tiles = {c.rows, c.columns};
  schedule.vectorWidth = c.lanes;
  schedule.unroll = c.unroll;
  schedule.parallelDims =
      c.parallel ? std::vector<int64_t>{1} : std::vector<int64_t>{};
  schedule.threads = 2;
  schedule.halideTarget = target;
  return schedule;
}

/// `w` rounded to `type` (f32, f16 or bf16) by Halide's own conversions,
/// as a buffer of that type and of (Halide) `shape`.
template <typename T>
Halide::Buffer<> storeAs(std::vector<float> &w, const std::vector<int> &shape) {
  Halide::Buffer<T> buffer(shape);
  T *data = buffer.data();
  for (size_t i = 0; i < w.size(); ++i) {
    data[i] = T(w[i]);
    w[i] = float(data[i]); // the reference multiplies the stored values
  }
  return buffer;
}

Halide::Buffer<> weightsAs(Halide::Type type, std::vector<float> &w,
                           const std::vector<int> &shape) {
  if (type == Halide::BFloat(16))
    return storeAs<Halide::bfloat16_t>(w, shape);
  if (type == Halide::Float(16))
    return storeAs<Halide::float16_t>(w, shape);
  return storeAs<float>(w, shape);
}

/// Runs case `c` with weights stored as `weightType`, compiled for `target`,
/// and compares it with a double-precision product of the stored weight
/// values and of x, rounded to bf16 first where `bf16Activations`. Decode
/// reads panels of the case's column tile where `decodePanels`. With
/// `epilogue` the kernel applies silu to each output and adds a residual.
void checkAgainstReference(const LinearCase &c, Halide::Type weightType,
                           const char *target = testTarget(),
                           bool bf16Activations = false,
                           bool decodePanels = false, bool epilogue = false) {
  const int K = static_cast<int>(c.K), N = static_cast<int>(c.N);
  mgc::LinearKernelSpec spec{c.K, c.N, c.bias};
  spec.weightType = weightType;
  spec.bf16Activations = bf16Activations;
  spec.decodePanels = decodePanels;
  if (epilogue) {
    spec.activation = mgc::ElementwiseKernelSpec::Activation::silu;
    spec.hasResidual = true;
  }
  mgc::LinearKernelResult built =
      mgc::buildLinearKernel(spec, scheduleFor(c, target));
  ASSERT_TRUE(built.kernel) << built.error;
  mgc::LinearKernel &kernel = *built.kernel;
  kernel.pipeline.compile_jit(kernel.target);

  std::mt19937 rng(1234 + K * 7 + N);
  std::vector<float> w = randomValues(size_t(N) * K, rng); // [N][K]
  std::vector<float> bias = randomValues(N, rng);
  Halide::Buffer<> wBuffer;
  if (c.decode && !decodePanels) {
    ASSERT_EQ(kernel.weightLayout, mgc::LinearWeightLayout::rowMajor);
    wBuffer = weightsAs(weightType, w, {K, N});
  } else {
    ASSERT_EQ(kernel.weightLayout, mgc::LinearWeightLayout::panels);
    const int P = static_cast<int>(kernel.panel);
    std::vector<float> packed(mgc::packedPanelElements(N, K, P));
    weightsAs(weightType, w, {K, N}); // rounds w
    mgc::packForPanels(w.data(), N, K, P, packed.data());
    wBuffer = weightsAs(weightType, packed,
                        {P, K, int(mgc::panelCount(N, P))});
  }
  kernel.w.set(wBuffer);
  Halide::Buffer<float> biasBuffer(bias.data(), N);
  if (c.bias)
    kernel.bias.set(biasBuffer);

  for (int T : {1, 5, 6, 7, 13, 64}) {
    SCOPED_TRACE("T = " + std::to_string(T));
    std::vector<float> x = randomValues(size_t(T) * K, rng); // [T][K]
    kernel.x.set(Halide::Buffer<float>(x.data(), K, T));
    if (bf16Activations) // what the kernel multiplies, from here on
      for (float &v : x)
        v = float(Halide::bfloat16_t(v));
    std::vector<float> residual = randomValues(size_t(T) * N, rng);
    if (epilogue)
      kernel.residual.set(Halide::Buffer<float>(residual.data(), N, T));
    Halide::Buffer<float> y(N, T);
    y.fill(std::numeric_limits<float>::quiet_NaN()); // unwritten shows up
    kernel.pipeline.realize(y, kernel.target);

    for (int t = 0; t < T; ++t)
      for (int n = 0; n < N; ++n) {
        double sum = c.bias ? bias[n] : 0.0;
        double magnitude = c.bias ? std::fabs(bias[n]) : 0.0;
        for (int k = 0; k < K; ++k) {
          double term = double(x[size_t(t) * K + k]) * w[size_t(n) * K + k];
          sum += term;
          magnitude += std::fabs(term);
        }
        // A float sum of K+1 terms in any order (FMA or not) is off by at
        // most about (K+1) * 2^-24 * sum|terms|; K <= 64 here, so that is
        // below 4e-6 * magnitude and 1e-5 leaves margin without hiding a
        // wrong or missing term (each is ~1/K of the magnitude). silu's
        // slope is below 1.1, and its own rounding adds a few ulps.
        if (epilogue) {
          sum = sum / (1 + std::exp(-sum)) + residual[size_t(t) * N + n];
          magnitude = 1.1 * magnitude + 1e-6 * std::fabs(sum);
        }
        ASSERT_NEAR(y(n, t), sum, 1e-5 * magnitude + 1e-30)
            << "y[" << t << "][" << n << "]";
      }
  }
}

// The kernels' own f16 widening (HalideHelpers.h) is exact for every
// finite half, subnormals and signed zeros included.
TEST(WidenToF32, EveryFiniteHalf) {
  Halide::Buffer<Halide::float16_t> halves(1 << 16);
  for (int bits = 0; bits < (1 << 16); ++bits)
    halves(bits) = Halide::float16_t::make_from_bits(uint16_t(bits));
  Halide::Var i("i");
  Halide::Func widened("widened");
  widened(i) = mgc::widenToF32(halves(i));
  widened.vectorize(i, 16);
  Halide::Buffer<float> out =
      widened.realize({1 << 16}, Halide::Target(testTarget()));
  for (int bits = 0; bits < (1 << 16); ++bits) {
    const double want = double(halves(bits));
    if (std::isfinite(want))
      ASSERT_TRUE(out(bits) == want && std::signbit(out(bits)) ==
                                           std::signbit(want))
          << "half 0x" << std::hex << bits << ": " << out(bits) << ", "
          << want;
  }
}

class LinearKernelMatches : public testing::TestWithParam<LinearCase> {};

TEST_P(LinearKernelMatches, Reference) {
  checkAgainstReference(GetParam(), Halide::Float(32));
}

// 16-bit weights, widened to f32 as they are loaded: the product of the
// stored values, to f32 accuracy.
TEST_P(LinearKernelMatches, ReferenceWithBf16Weights) {
  checkAgainstReference(GetParam(), Halide::BFloat(16));
}

// Decode over the prefill's panels (how f32 weights are read, one copy for
// both phases); for prefill cases the same as Reference.
TEST_P(LinearKernelMatches, ReferenceWithPanelsInDecode) {
  checkAgainstReference(GetParam(), Halide::Float(32), testTarget(), false,
                        GetParam().decode);
}

// On a target with bf16 dot products, products of bf16 weights read
// activations rounded to bf16: decode with vdpbf16ps, prefill (f32 panels)
// alike so that both agree; sums in f32.
TEST_P(LinearKernelMatches, ReferenceWithBf16DotProducts) {
  if (!hasBf16DotTarget())
    GTEST_SKIP() << "this CPU cannot run " << mgc::kHalideX86Avx512Bf16;
  const LinearCase &c = GetParam();
  checkAgainstReference(c, c.decode ? Halide::BFloat(16) : Halide::Float(32),
                        mgc::kHalideX86Avx512Bf16, true);
}

TEST_P(LinearKernelMatches, ReferenceWithF16Weights) {
  checkAgainstReference(GetParam(), Halide::Float(16));
}

// The epilogue mgc-fuse-epilogues fuses (an activation, a residual add) in
// every form: prefill panels, decode rows (f32 and bf16) and decode panels.
TEST_P(LinearKernelMatches, ReferenceWithEpilogue) {
  const LinearCase &c = GetParam();
  checkAgainstReference(c, Halide::Float(32), testTarget(), false, false,
                        true);
  if (c.decode) {
    checkAgainstReference(c, Halide::Float(32), testTarget(), false, true,
                          true);
    checkAgainstReference(c, Halide::BFloat(16), testTarget(), false, false,
                          true);
  }
}

// Prefill: N not a multiple of the panel (72 = 64 + 8, or N < P), K not a
// multiple of the vector width or of the unroll factor, panels of 4 vectors
// of 16 and of 8 lanes. Decode: K tails (37 = 2*16 + 5), K < V (no vector
// part), K a multiple of V with an unroll not dividing K/V, N not a multiple
// of the block and N below the block and the interleave.
INSTANTIATE_TEST_SUITE_P(
    Linear, LinearKernelMatches,
    testing::Values(LinearCase{false, 37, 72, 6, 64, 16, 4, true, true},
                    LinearCase{false, 37, 72, 6, 64, 16, 4, false, true},
                    LinearCase{false, 37, 72, 6, 32, 8, 1, true, false},
                    LinearCase{false, 37, 20, 6, 32, 8, 4, false, true},
                    LinearCase{false, 16, 20, 6, 64, 16, 1, true, true},
                    LinearCase{true, 37, 72, 1, 16, 16, 1, true, true},
                    LinearCase{true, 37, 72, 1, 16, 16, 2, false, true},
                    LinearCase{true, 37, 13, 1, 8, 8, 4, true, false},
                    LinearCase{true, 5, 3, 1, 16, 16, 1, false, true},
                    LinearCase{true, 64, 24, 1, 32, 16, 3, false, true},
                    // -O0's naive schedule: scalar, untiled, serial.
                    LinearCase{false, 37, 20, 1, 1, 1, 1, true, false},
                    LinearCase{true, 37, 13, 1, 1, 1, 1, true, false}));

/// The assembly of a decode kernel with bf16 weights compiled for `target`.
std::string decodeAssembly(const char *target, const std::string &name) {
  const LinearCase c{true, 768, 256, 1, 64, 16, 1, false, true};
  mgc::LinearKernelSpec spec{c.K, c.N, false};
  spec.weightType = Halide::BFloat(16);
  spec.bf16Activations = mgc::hasBf16DotProducts(target);
  mgc::LinearKernelResult built =
      mgc::buildLinearKernel(spec, scheduleFor(c, target));
  EXPECT_TRUE(built.kernel) << built.error;
  if (!built.kernel)
    return "";
  const std::string path = testing::TempDir() + name + ".s";
  built.kernel->pipeline.compile_to_assembly(path, built.kernel->arguments,
                                             name, built.kernel->target);
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The dot-product form really is what the bf16 target runs (cross-compiled,
// so this holds on any CPU), and only there.
TEST(LinearKernel, Bf16DecodeUsesDotProductsWhereTheTargetHasThem) {
  EXPECT_NE(decodeAssembly(mgc::kHalideX86Avx512Bf16, "decode_bf16_dot")
                .find("vdpbf16ps"),
            std::string::npos);
  const std::string widened =
      decodeAssembly(mgc::kHalideX86Avx512, "decode_bf16_widened");
  EXPECT_FALSE(widened.empty());
  EXPECT_EQ(widened.find("vdpbf16ps"), std::string::npos);
}

/// Halide's lowered statement of case `c` (f32 weights) for the AVX-512
/// target: the loop nest as the schedule made it.
std::string loweredStatement(const LinearCase &c, const std::string &name) {
  mgc::LinearKernelResult built = mgc::buildLinearKernel(
      {c.K, c.N, c.bias}, scheduleFor(c, mgc::kHalideX86Avx512));
  EXPECT_TRUE(built.kernel) << built.error;
  if (!built.kernel)
    return "";
  const std::string path = testing::TempDir() + name + ".stmt";
  built.kernel->pipeline.compile_to_lowered_stmt(
      path, built.kernel->arguments, Halide::Text, built.kernel->target);
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// -O0's schedule really is the naive loop nest: no loop is vectorized or run
// in parallel, where the optimized schedule of the same product has both.
// (LLVM may still vectorize a scalar loop on its own; that is not the
// schedule's doing.)
TEST(LinearKernel, NaiveScheduleIsAPlainLoopNest) {
  for (bool decode : {false, true}) {
    SCOPED_TRACE(decode ? "decode" : "prefill");
    const std::string naive = loweredStatement(
        {decode, 768, 256, 1, 1, 1, 1, true, false}, "naive_linear");
    ASSERT_FALSE(naive.empty());
    EXPECT_EQ(naive.find("vectorized"), std::string::npos);
    EXPECT_EQ(naive.find("parallel"), std::string::npos);
    EXPECT_EQ(naive.find("ramp("), std::string::npos);
    const std::string tuned = loweredStatement(
        {decode, 768, 256, decode ? 1 : 6, 64, 16, 1, true, true},
        "tuned_linear");
    EXPECT_NE(tuned.find("parallel"), std::string::npos);
    EXPECT_NE(tuned.find("ramp("), std::string::npos);
  }
}

TEST(WeightPacking, LayoutMatchesFormula) {
  const int64_t N = 10, K = 3, P = 4;
  std::vector<float> w(N * K);
  for (int64_t i = 0; i < N * K; ++i)
    w[i] = float(i + 1); // no zero, so padding is told apart
  EXPECT_EQ(mgc::panelCount(N, P), 3);
  EXPECT_EQ(mgc::packedPanelElements(N, K, P), 3 * K * P);
  std::vector<float> packed(mgc::packedPanelElements(N, K, P), -1.0f);
  mgc::packForPanels(w.data(), N, K, P, packed.data());
  for (int64_t n = 0; n < 3 * P; ++n)
    for (int64_t k = 0; k < K; ++k)
      EXPECT_EQ(packed[(n / P) * K * P + k * P + n % P],
                n < N ? w[n * K + k] : 0.0f)
          << "n = " << n << ", k = " << k;
}

TEST(LinearKernel, DescribesArgumentsAndLayout) {
  LinearCase prefill{false, 37, 72, 6, 64, 16, 1, true, true};
  mgc::LinearKernelResult built =
      mgc::buildLinearKernel({37, 72, true}, scheduleFor(prefill));
  ASSERT_TRUE(built.kernel) << built.error;
  const mgc::LinearKernel &kernel = *built.kernel;
  ASSERT_EQ(kernel.arguments.size(), 3u);
  EXPECT_EQ(kernel.arguments[0].name, "x");
  EXPECT_EQ(kernel.arguments[1].name, "w");
  EXPECT_EQ(kernel.arguments[2].name, "bias");
  EXPECT_EQ(kernel.panel, 64);
  EXPECT_EQ(kernel.weightShape, (std::vector<int64_t>{2, 37, 64}));
  EXPECT_EQ(kernel.weightLayoutText,
            "panels of 64 columns: [2][37][64], zero-padded (packForPanels)");

  LinearCase decode{true, 37, 72, 1, 16, 16, 1, false, true};
  built = mgc::buildLinearKernel({37, 72, false}, scheduleFor(decode));
  ASSERT_TRUE(built.kernel) << built.error;
  EXPECT_EQ(built.kernel->arguments.size(), 2u);
  EXPECT_EQ(built.kernel->weightShape, (std::vector<int64_t>{72, 37}));
  EXPECT_EQ(built.kernel->weightLayoutText, "row-major [72][37]");
}

TEST(LinearKernel, RefusesSchedulesItCannotHonour) {
  const LinearCase good{false, 37, 72, 6, 64, 16, 1, false, true};
  auto errorOf = [](const mgc::LinearKernelSpec &spec,
                    const mgc::KernelSchedule &schedule) {
    mgc::LinearKernelResult result = mgc::buildLinearKernel(spec, schedule);
    EXPECT_FALSE(result.kernel);
    return result.error;
  };
  const mgc::LinearKernelSpec spec{37, 72, false};

  mgc::KernelSchedule s = scheduleFor(good);
  s.tiles = {6, 60}; // 60 columns are not whole 16-lane vectors
  EXPECT_NE(errorOf(spec, s).find("16-lane vectors"), std::string::npos);

  s = scheduleFor(good);
  s.tiles = {6};
  EXPECT_NE(errorOf(spec, s).find("2 tiles"), std::string::npos);

  s = scheduleFor(good);
  s.tiles = {32, 64}; // 32 x 4 accumulator vectors
  EXPECT_NE(errorOf(spec, s).find("accumulators"), std::string::npos);

  s = scheduleFor(good);
  s.parallelDims = {0};
  EXPECT_NE(errorOf(spec, s).find("loop dimension 0"), std::string::npos);

  s = scheduleFor({true, 37, 72, 1, 16, 16, 1, false, true});
  s.tiles = {2, 16}; // decode is one row at a time
  EXPECT_NE(errorOf(spec, s).find("tiles[0]"), std::string::npos);

  for (const char *target : {"host", "host-avx512", "", "x86-64-bogus"}) {
    s = scheduleFor(good);
    s.halideTarget = target;
    EXPECT_FALSE(errorOf(spec, s).empty()) << target;
  }

  mgc::LinearKernelSpec rounded = spec;
  rounded.bf16Activations = true;
  s = scheduleFor(good, mgc::kHalideX86Avx512);
  EXPECT_NE(errorOf(rounded, s).find("bf16 dot products"), std::string::npos);
  s = scheduleFor({true, 37, 72, 1, 16, 16, 1, false, true},
                  mgc::kHalideX86Avx512Bf16);
  EXPECT_NE(errorOf(rounded, s).find("needs bf16 weights"), std::string::npos);

  mgc::LinearKernelSpec f64 = spec;
  f64.weightType = Halide::Float(64);
  EXPECT_NE(errorOf(f64, scheduleFor(good)).find("f32, f16 or bf16"),
            std::string::npos);

  EXPECT_NE(errorOf({0, 72, false}, scheduleFor(good)).find("K >= 1"),
            std::string::npos);
}

} // namespace
