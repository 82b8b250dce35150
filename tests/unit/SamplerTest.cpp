//===- SamplerTest.cpp - next-token sampling ------------------------------===//
//
// Greedy picks the argmax; temperature sampling follows the softmax; top-k
// and top-p restrict the candidates as specified; a seed reproduces a run.
//
//===----------------------------------------------------------------------===//

#include "runtime/sampler/Sampler.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <vector>

using namespace mgc;

namespace {

const std::vector<float> kLogits = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

std::vector<int> histogram(const SamplerOptions &options, int draws) {
  Sampler sampler(options);
  std::vector<int> counts(kLogits.size(), 0);
  for (int i = 0; i < draws; ++i)
    ++counts[size_t(sampler.sample(kLogits.data(), int32_t(kLogits.size())))];
  return counts;
}

TEST(Sampler, GreedyPicksTheFirstLargestLogit) {
  Sampler sampler(SamplerOptions{});
  EXPECT_EQ(sampler.sample(kLogits.data(), 5), 1); // 3.0 at ids 1 and 3
}

TEST(Sampler, TemperatureFollowsTheSoftmax) {
  const int draws = 40000;
  std::vector<int> counts = histogram({/*temperature=*/1.0f, 0, 1.0f, 7}, draws);
  double total = 0;
  for (float l : kLogits)
    total += std::exp(l);
  for (size_t i = 0; i < kLogits.size(); ++i) {
    double p = std::exp(kLogits[i]) / total;
    double sd = std::sqrt(draws * p * (1 - p));
    // Five standard deviations: a fixed seed makes this deterministic.
    EXPECT_NEAR(counts[i], draws * p, 5 * sd + 1) << "token " << i;
  }
}

TEST(Sampler, TopKKeepsTheMostLikely) {
  std::vector<int> counts = histogram({1.0f, /*topK=*/2, 1.0f, 3}, 5000);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[3], 0);
  EXPECT_EQ(counts[0] + counts[2] + counts[4], 0);
  EXPECT_EQ(histogram({1.0f, 1, 1.0f, 3}, 100)[1], 100);
}

TEST(Sampler, TopPKeepsTheSmallestSetWithThatMass) {
  // Probabilities ~ [0.08, 0.40, 0.15, 0.40, 0.01]: ids 1 and 3 hold 0.80.
  std::vector<int> counts = histogram({1.0f, 0, /*topP=*/0.75f, 5}, 5000);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[3], 0);
  EXPECT_EQ(counts[0] + counts[2] + counts[4], 0);
  // Just above 0.80 the third most likely (id 2) joins.
  std::vector<int> wider = histogram({1.0f, 0, 0.85f, 5}, 5000);
  EXPECT_GT(wider[2], 0);
  EXPECT_EQ(wider[0] + wider[4], 0);
}

TEST(Sampler, ASeedReproducesARun) {
  SamplerOptions options{0.8f, 0, 0.9f, 1234};
  Sampler a(options), b(options);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(a.sample(kLogits.data(), 5), b.sample(kLogits.data(), 5));
}

TEST(Sampler, RejectsImpossibleOptions) {
  EXPECT_EQ(Sampler::validate({0.7f, 40, 0.9f, 0}), "");
  EXPECT_NE(Sampler::validate({-1.0f, 0, 1.0f, 0}).find("--temp"),
            std::string::npos);
  EXPECT_NE(Sampler::validate({NAN, 0, 1.0f, 0}).find("--temp"),
            std::string::npos);
  EXPECT_NE(Sampler::validate({1.0f, 0, 0.0f, 0}).find("--top-p"),
            std::string::npos);
  EXPECT_NE(Sampler::validate({1.0f, 0, 1.5f, 0}).find("--top-p"),
            std::string::npos);
  EXPECT_NE(Sampler::validate({1.0f, -3, 1.0f, 0}).find("--top-k"),
            std::string::npos);
}

} // namespace
