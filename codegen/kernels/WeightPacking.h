//===- WeightPacking.h - weight layouts the matrix kernels read -*- C++ -*-===//
//
// Plain C++ (no Halide) repacking of a row-major [N][K] weight matrix into the
// column panels the prefill linear kernel reads; done once, at compile time.
//
// Panel layout, for a panel width P: row-major [ceil(N/P)][K][P], i.e.
//
//   packed[(n / P) * K * P + k * P + n % P] = w[n * K + k]
//
// and 0 for the padding columns N <= n < ceil(N/P) * P of the last panel. One
// panel holds the weights of P consecutive outputs for every k, so a
// micro-kernel producing P outputs streams it contiguously, P values per k.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_WEIGHTPACKING_H
#define MGC_CODEGEN_KERNELS_WEIGHTPACKING_H

#include <cstdint>

namespace mgc {

/// Panels of width `panel` needed for N columns: ceil(N / panel).
int64_t panelCount(int64_t N, int64_t panel);

/// Elements of the packed form: panelCount(N, panel) * K * panel.
int64_t packedPanelElements(int64_t N, int64_t K, int64_t panel);

/// Packs w (row-major [N][K]) into out (packedPanelElements(N, K, panel)
/// floats, not overlapping w) with the layout documented above.
void packForPanels(const float *w, int64_t N, int64_t K, int64_t panel,
                   float *out);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_WEIGHTPACKING_H
