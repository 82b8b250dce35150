//===- Sampler.cpp - choosing the next token from logits ------------------===//

#include "runtime/sampler/Sampler.h"

#include <algorithm>
#include <cmath>

using namespace mgc;

std::string Sampler::validate(const SamplerOptions &o) {
  if (!(o.temperature >= 0.0f) || !std::isfinite(o.temperature))
    return "--temp must be a finite number >= 0, got " +
           std::to_string(o.temperature);
  if (!(o.topP > 0.0f && o.topP <= 1.0f))
    return "--top-p must be in (0, 1], got " + std::to_string(o.topP);
  if (o.topK < 0)
    return "--top-k must be >= 0 (0 keeps every token), got " +
           std::to_string(o.topK);
  return {};
}

Sampler::Sampler(const SamplerOptions &options)
    : options_(options), rng_(options.seed) {}

int32_t Sampler::argmax(const float *logits, int32_t vocab) {
  int32_t best = 0;
  for (int32_t i = 1; i < vocab; ++i)
    if (logits[i] > logits[best])
      best = i;
  return best;
}

int32_t Sampler::sample(const float *logits, int32_t vocab) {
  if (options_.temperature == 0.0f || vocab == 1)
    return argmax(logits, vocab);

  // Softmax of logits / temperature, shifted by the maximum for stability.
  float maxLogit = logits[argmax(logits, vocab)];
  candidates_.resize(size_t(vocab));
  for (int32_t i = 0; i < vocab; ++i)
    candidates_[size_t(i)] = {
        std::exp((logits[i] - maxLogit) / options_.temperature), i};

  // Most likely first; ties keep the lower token id first.
  auto byProbability = [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  size_t keep = candidates_.size();
  if (options_.topK > 0 && size_t(options_.topK) < keep) {
    keep = size_t(options_.topK);
    std::partial_sort(candidates_.begin(), candidates_.begin() + keep,
                      candidates_.end(), byProbability);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), byProbability);
  }
  double kept = 0.0;
  for (size_t i = 0; i < keep; ++i)
    kept += candidates_[i].first;
  if (options_.topP < 1.0f) {
    // The smallest prefix holding top_p of what top-k kept.
    double mass = 0.0, target = options_.topP * kept;
    for (size_t i = 0; i < keep; ++i) {
      mass += candidates_[i].first;
      if (mass >= target) {
        keep = i + 1;
        kept = mass;
        break;
      }
    }
  }

  std::uniform_real_distribution<double> uniform(0.0, kept);
  double draw = uniform(rng_), cumulative = 0.0;
  for (size_t i = 0; i < keep; ++i) {
    cumulative += candidates_[i].first;
    if (draw < cumulative)
      return candidates_[i].second;
  }
  return candidates_[keep - 1].second; // rounding left the draw at the end
}
