//===- MoeKernelTest.cpp - MoE Halide kernels against references ----------===//
//
// JIT-compiles the route selection, row gather and expert combination
// kernels (MoeKernels.h) for the explicit AVX-512 target (AVX2 where the CPU
// lacks AVX-512) and compares them on random data with plain references
// written from mgc.route's and mgc.expert's definitions: the routing schemes
// of Mixtral, Qwen2-MoE, Switch and DeepSeek-V3 (sigmoid scores, correction
// bias, group-limited top-k, routed scaling).
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/MoeKernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;
using Scoring = RouteSelectKernelSpec::Scoring;

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }
int lanes() { return hasAvx512() ? 16 : 8; }

/// mgc-schedule's row-wise rule for the phase.
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

template <typename T> Buffer<T> tensor(std::vector<int> shape) {
  std::reverse(shape.begin(), shape.end());
  return Buffer<T>(shape);
}

KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

//===----------------------------------------------------------------------===//
// Route selection
//===----------------------------------------------------------------------===//

struct Routes {
  std::vector<int> index;     // [T][k]
  std::vector<double> weight; // [T][k]
};

/// Indices of `values` by descending value, ties by ascending index.
std::vector<int> ranked(const std::vector<double> &values) {
  std::vector<int> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return values[a] > values[b]; });
  return order;
}

Routes referenceRoutes(const RouteSelectKernelSpec &spec,
                       const Buffer<float> &scores, const Buffer<float> &bias,
                       int tokens) {
  const int E = int(spec.experts), K = int(spec.topK);
  Routes out;
  for (int t = 0; t < tokens; ++t) {
    std::vector<double> prob(E), choice(E);
    double top = -INFINITY, total = 0;
    for (int e = 0; e < E; ++e)
      top = std::max(top, double(scores(e, t)));
    for (int e = 0; e < E; ++e)
      total += std::exp(double(scores(e, t)) - top);
    for (int e = 0; e < E; ++e) {
      double s = scores(e, t);
      prob[e] = spec.scoring == Scoring::softmax ? std::exp(s - top) / total
                                                 : 1 / (1 + std::exp(-s));
      choice[e] = prob[e] + (spec.bias ? double(bias(e)) : 0.0);
    }
    std::vector<bool> eligible(E, true);
    if (spec.groups > 0) {
      const int size = E / int(spec.groups);
      std::vector<double> groupScore(spec.groups);
      for (int g = 0; g < spec.groups; ++g) {
        std::vector<double> members(choice.begin() + g * size,
                                    choice.begin() + (g + 1) * size);
        std::sort(members.rbegin(), members.rend());
        groupScore[g] = members[0] + (size > 1 ? members[1] : 0.0);
      }
      std::vector<int> groups = ranked(groupScore);
      for (int e = 0; e < E; ++e)
        eligible[e] = std::find(groups.begin(),
                                groups.begin() + spec.topkGroups,
                                e / size) != groups.begin() + spec.topkGroups;
    }
    std::vector<double> masked(E);
    for (int e = 0; e < E; ++e)
      masked[e] = eligible[e] ? choice[e] : -INFINITY;
    std::vector<int> best = ranked(masked);
    double sum = 0;
    for (int j = 0; j < K; ++j)
      sum += prob[best[j]];
    for (int j = 0; j < K; ++j) {
      out.index.push_back(best[j]);
      out.weight.push_back(prob[best[j]] * spec.scale /
                           (spec.normalize ? sum : 1.0));
    }
  }
  return out;
}

struct RouteCase {
  const char *name;
  RouteSelectKernelSpec spec;
};

RouteSelectKernelSpec routeSpec(Scoring scoring, int experts, int topK,
                                bool normalize, bool bias = false,
                                double scale = 1.0, int groups = 0,
                                int topkGroups = 0) {
  RouteSelectKernelSpec s;
  s.scoring = scoring;
  s.experts = experts;
  s.topK = topK;
  s.normalize = normalize;
  s.bias = bias;
  s.scale = scale;
  s.groups = groups;
  s.topkGroups = topkGroups;
  return s;
}

class RouteSelect : public ::testing::TestWithParam<RouteCase> {};

TEST_P(RouteSelect, MatchesReference) {
  const RouteSelectKernelSpec spec = GetParam().spec;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> logit(-3, 3), offset(-0.3f, 0.3f);
  for (bool decode : {false, true})
    for (int tokens : {1, 5, 37}) {
      if (decode && tokens != 1)
        continue;
      KernelPipeline k = built(buildRouteSelectKernel(spec, schedule(decode)));
      Buffer<float> scores = tensor<float>({tokens, int(spec.experts)});
      scores.for_each_value([&](float &x) { x = logit(rng); });
      Buffer<float> bias = tensor<float>({int(spec.experts)});
      bias.for_each_value([&](float &x) { x = offset(rng); });
      k.bind(0, scores);
      if (spec.bias)
        k.bind(1, bias);
      Buffer<int32_t> indices = tensor<int32_t>({tokens, int(spec.topK)});
      Buffer<float> weights = tensor<float>({tokens, int(spec.topK)});
      k.pipeline.realize(Halide::Realization({indices, weights}), k.target);
      Routes want = referenceRoutes(spec, scores, bias, tokens);
      for (int t = 0; t < tokens; ++t)
        for (int j = 0; j < spec.topK; ++j) {
          size_t i = size_t(t * spec.topK + j);
          ASSERT_EQ(indices(j, t), want.index[i])
              << "token " << t << " choice " << j << ", " << tokens
              << " tokens";
          ASSERT_NEAR(weights(j, t), want.weight[i],
                      1e-6 + 1e-5 * std::fabs(want.weight[i]))
              << "token " << t << " choice " << j;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, RouteSelect,
    ::testing::Values(
        RouteCase{"mixtral", routeSpec(Scoring::softmax, 8, 2, true)},
        RouteCase{"qwen2_moe", routeSpec(Scoring::softmax, 60, 4, false)},
        RouteCase{"switch", routeSpec(Scoring::softmax, 8, 1, false)},
        RouteCase{"deepseek_v3",
                  routeSpec(Scoring::sigmoid, 16, 4, true, true, 2.5, 4, 2)},
        RouteCase{"sigmoid_groups_of_one",
                  routeSpec(Scoring::sigmoid, 6, 2, false, true, 1.0, 6, 3)}),
    [](const auto &info) { return std::string(info.param.name); });

TEST(RouteSelect, RejectsImpossibleSpecs) {
  auto error = [](RouteSelectKernelSpec s) {
    return buildRouteSelectKernel(s, schedule(false)).error;
  };
  EXPECT_NE(error(routeSpec(Scoring::softmax, 4, 5, true)).find("top_k 5"),
            std::string::npos);
  EXPECT_NE(error(routeSpec(Scoring::sigmoid, 10, 2, true, false, 1, 4, 2))
                .find("4 groups do not divide 10 experts"),
            std::string::npos);
  EXPECT_NE(error(routeSpec(Scoring::sigmoid, 16, 6, true, false, 1, 4, 1))
                .find("fewer than top_k"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Gather and combine
//===----------------------------------------------------------------------===//

TEST(GatherRows, CopiesTheNamedRows) {
  const int T = 9, F = 70, R = 13;
  KernelPipeline k = built(buildGatherRowsKernel({F}, schedule(false)));
  std::mt19937 rng(3);
  Buffer<float> x = tensor<float>({T, F});
  x.for_each_value([&](float &v) { v = float(rng() % 1000); });
  Buffer<int32_t> rows = tensor<int32_t>({R});
  for (int i = 0; i < R; ++i)
    rows(i) = int32_t((i * 5 + 2) % T);
  k.bind(0, x);
  k.bind(1, rows);
  Buffer<float> out = tensor<float>({R, F});
  k.pipeline.realize(out, k.target);
  for (int i = 0; i < R; ++i)
    for (int f = 0; f < F; ++f)
      ASSERT_EQ(out(f, i), x(f, rows(i))) << "row " << i;
}

TEST(CombineExperts, SumsWeightedExpertRows) {
  const int T = 7, F = 40, K = 3, R = T * K;
  for (bool decode : {false, true}) {
    const int tokens = decode ? 1 : T;
    KernelPipeline k =
        built(buildCombineExpertsKernel({F, K}, schedule(decode)));
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> dist(-1, 1);
    Buffer<float> ys = tensor<float>({R, F});
    ys.for_each_value([&](float &v) { v = dist(rng); });
    Buffer<int32_t> slots = tensor<int32_t>({tokens, K});
    Buffer<float> weights = tensor<float>({tokens, K});
    for (int t = 0; t < tokens; ++t)
      for (int j = 0; j < K; ++j) {
        // Every third route dropped (slot -1; its weight must not matter).
        bool dropped = (t + j) % 3 == 2;
        slots(j, t) = dropped ? -1 : int32_t((t * 7 + j * 3) % R);
        weights(j, t) = dropped ? 1e30f : dist(rng);
      }
    k.bind(0, ys);
    k.bind(1, slots);
    k.bind(2, weights);
    Buffer<float> out = tensor<float>({tokens, F});
    k.pipeline.realize(out, k.target);
    for (int t = 0; t < tokens; ++t)
      for (int f = 0; f < F; ++f) {
        double want = 0;
        for (int j = 0; j < K; ++j)
          if (slots(j, t) >= 0)
            want += double(weights(j, t)) * ys(f, slots(j, t));
        ASSERT_NEAR(out(f, t), want, 1e-5) << "token " << t << " f " << f;
      }
  }
}

} // namespace
