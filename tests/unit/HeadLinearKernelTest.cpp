//===- HeadLinearKernelTest.cpp - mgc.head_linear against a reference -----===//
//
// JIT-compiles the per-head block matrix product (HeadLinearKernel.h) in
// both modes, for sizes that fill vectors and sizes that do not, and
// compares it with a plain reference of mgc.head_linear's definition.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/HeadLinearKernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }
int lanes() { return hasAvx512() ? 16 : 8; }

KernelSchedule schedule(bool decode) {
  KernelSchedule s;
  s.decode = decode;
  s.tiles = {decode ? 1 : 8, 4 * lanes()};
  s.vectorWidth = lanes();
  s.parallelDims = decode ? std::vector<int64_t>{} : std::vector<int64_t>{0};
  s.threads = decode ? 1 : 2;
  s.halideTarget = hasAvx512() ? kHalideX86Avx512 : kHalideX86Avx2;
  return s;
}

Buffer<float> tensor(std::vector<int> shape, std::mt19937 &rng) {
  std::reverse(shape.begin(), shape.end());
  Buffer<float> b(shape);
  std::uniform_real_distribution<float> dist(-1, 1);
  b.for_each_value([&](float &v) { v = dist(rng); });
  return b;
}

struct Case {
  int heads, in, out, block, offset;
  bool transpose;
};

class HeadLinear : public ::testing::TestWithParam<Case> {};

TEST_P(HeadLinear, MatchesReference) {
  const Case c = GetParam();
  const int columns = c.transpose ? c.out : c.in;
  std::mt19937 rng(7);
  for (bool decode : {false, true})
    for (int tokens : {1, 5}) {
      if (decode && tokens != 1)
        continue;
      HeadLinearKernelSpec spec;
      spec.heads = c.heads;
      spec.in = c.in;
      spec.out = c.out;
      spec.block = c.block;
      spec.offset = c.offset;
      spec.columns = columns;
      spec.transpose = c.transpose;
      KernelPipelineResult built =
          buildHeadLinearKernel(spec, schedule(decode));
      ASSERT_TRUE(built.kernel) << built.error;
      KernelPipeline k = *built.kernel;
      Buffer<float> x = tensor({tokens, c.heads, c.in}, rng);
      Buffer<float> w = tensor({c.heads * c.block, columns}, rng);
      k.bind(0, x);
      k.bind(1, w);
      Buffer<float> y(c.out, c.heads, tokens);
      k.pipeline.realize(y, k.target);
      for (int t = 0; t < tokens; ++t)
        for (int h = 0; h < c.heads; ++h)
          for (int n = 0; n < c.out; ++n) {
            double want = 0;
            for (int i = 0; i < c.in; ++i) {
              int base = h * c.block + c.offset;
              want += double(x(i, h, t)) *
                      (c.transpose ? w(n, base + i) : w(i, base + n));
            }
            ASSERT_NEAR(y(n, h, t), want, 1e-5)
                << "token " << t << " head " << h << " out " << n;
          }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, HeadLinear,
    ::testing::Values(Case{4, 8, 16, 20, 0, true},   // MLA q_nope -> latent
                      Case{4, 16, 12, 20, 8, false}, // latent -> values
                      Case{3, 40, 35, 90, 50, true}, // ragged vectors
                      Case{2, 37, 5, 12, 7, false},  // fewer outputs than a vector
                      Case{2, 3, 40, 10, 4, true})); // short reduction

TEST(HeadLinear, RejectsRowsOutsideTheBlock) {
  HeadLinearKernelSpec spec;
  spec.heads = 2;
  spec.in = 8;
  spec.out = 4;
  spec.block = 10;
  spec.offset = 4;
  spec.columns = 4;
  spec.transpose = true; // rows 4 .. 12 of a block of 10
  EXPECT_NE(buildHeadLinearKernel(spec, schedule(false)).error.find(
                "do not fit the weight"),
            std::string::npos);
}

} // namespace
