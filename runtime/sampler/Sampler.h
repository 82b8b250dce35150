//===- Sampler.h - choosing the next token from logits ----------*- C++ -*-===//
//
// Greedy, temperature, top-k and top-p (nucleus) sampling over one row of
// logits, with a seeded generator so a run is reproducible. Sampling is
// runtime logic, not a kernel: it sorts and draws, which Halide does not do.
//
// Thread safety: a Sampler owns its random state; use one per sequence.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_SAMPLER_SAMPLER_H
#define MGC_RUNTIME_SAMPLER_SAMPLER_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace mgc {

struct SamplerOptions {
  float temperature = 0.0f; // 0: greedy (argmax)
  int32_t topK = 0;         // keep the k most likely tokens; 0: all
  float topP = 1.0f;        // keep the smallest set with this much mass
  uint64_t seed = 0;        // seeds the generator
};

class Sampler {
public:
  /// Checks the options; returns an error message for impossible ones
  /// (negative temperature, top_p outside (0, 1], negative top_k).
  static std::string validate(const SamplerOptions &options);

  explicit Sampler(const SamplerOptions &options);

  /// The next token for `logits` [vocab].
  int32_t sample(const float *logits, int32_t vocab);

  /// The index of the largest logit; the lowest index wins ties.
  static int32_t argmax(const float *logits, int32_t vocab);

private:
  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::pair<float, int32_t>> candidates_; // (probability, token)
};

} // namespace mgc

#endif // MGC_RUNTIME_SAMPLER_SAMPLER_H
