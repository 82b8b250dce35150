//===- Routing.cpp - the MoE routing steps the runtime does itself --------===//

#include "runtime/engine/Routing.h"

#include <cmath>

using namespace mgc;

int64_t mgc::limitCapacity(const int32_t *indices, float *weights,
                           int64_t tokens, int64_t k, int64_t experts,
                           double factor) {
  const int64_t capacity = int64_t(
      std::ceil(factor * double(tokens) * double(k) / double(experts)));
  std::vector<int64_t> taken(size_t(experts), 0);
  int64_t dropped = 0;
  for (int64_t j = 0; j < k; ++j)
    for (int64_t t = 0; t < tokens; ++t) {
      const int64_t route = t * k + j;
      const int32_t e = indices[route];
      if (e < 0 || e >= experts)
        return -1;
      if (weights[route] == 0.0f)
        continue;
      if (taken[size_t(e)] < capacity) {
        ++taken[size_t(e)];
      } else {
        weights[route] = 0.0f;
        ++dropped;
      }
    }
  return dropped;
}

bool mgc::dispatchRoutes(const int32_t *indices, const float *weights,
                         int64_t tokens, int64_t k, int64_t experts,
                         int32_t *rows, int32_t *slots, int32_t *offsets,
                         uint64_t *load) {
  // Counting sort by expert; a route of weight 0 adds nothing and is skipped.
  std::vector<int32_t> next(size_t(experts) + 1, 0);
  const int64_t routes = tokens * k;
  for (int64_t r = 0; r < routes; ++r) {
    if (indices[r] < 0 || indices[r] >= experts)
      return false;
    if (weights[r] != 0.0f)
      ++next[size_t(indices[r]) + 1];
  }
  for (int64_t e = 0; e < experts; ++e)
    next[size_t(e) + 1] += next[size_t(e)];
  for (int64_t e = 0; e <= experts; ++e)
    offsets[e] = next[size_t(e)];
  for (int64_t r = 0; r < routes; ++r) {
    if (weights[r] == 0.0f) {
      slots[r] = -1;
      continue;
    }
    int32_t position = next[size_t(indices[r])]++;
    rows[position] = int32_t(r / k);
    slots[r] = position;
  }
  if (load)
    for (int64_t e = 0; e < experts; ++e)
      load[e] += uint64_t(offsets[e + 1] - offsets[e]);
  return true;
}
