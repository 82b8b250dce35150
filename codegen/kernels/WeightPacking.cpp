//===- WeightPacking.cpp - weight layouts the matrix kernels read ---------===//
//
// Implements the panel packing declared in WeightPacking.h.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/WeightPacking.h"

#include <algorithm>

namespace mgc {

int64_t panelCount(int64_t N, int64_t panel) { return (N + panel - 1) / panel; }

int64_t packedPanelElements(int64_t N, int64_t K, int64_t panel) {
  return panelCount(N, panel) * K * panel;
}

void packForPanels(const float *w, int64_t N, int64_t K, int64_t panel,
                   float *out) {
  std::fill(out, out + packedPanelElements(N, K, panel), 0.0f);
  // Walk w in its storage order (row n, then k) so the large source is read
  // sequentially; the writes stride by `panel` within one panel.
  for (int64_t n = 0; n < N; ++n) {
    float *column = out + (n / panel) * K * panel + n % panel;
    const float *row = w + n * K;
    for (int64_t k = 0; k < K; ++k)
      column[k * panel] = row[k];
  }
}

} // namespace mgc
