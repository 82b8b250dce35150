//===- HeadLinearKernel.h - Halide kernel of mgc.head_linear ----*- C++ -*-===//
//
// Per-head matrix products with rows of a weight that stacks one block of
// `block` rows per head (MLA's absorbed key/value up-projection):
//
//   rows mode:  y[t, h, n] = sum_k x[t, h, k] * w[h * block + offset + n, k]
//   transpose:  y[t, h, n] = sum_k x[t, h, k] * w[h * block + offset + k, n]
//
// (x f32 [T, H, K], w f32 [H * block, C]) -> y f32 [T, H, N]. Rows mode
// reads each weight row as a dot product over k (vector partial sums);
// transpose accumulates vectors of n over k (rows of w are contiguous in n).
// Schedule: row-wise (checkRowSchedule); each (token, head) pair is one unit
// of work, pairs run in parallel when parallelDims has dimension 0.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_HEADLINEARKERNEL_H
#define MGC_CODEGEN_KERNELS_HEADLINEARKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

struct HeadLinearKernelSpec {
  int64_t tokens = kDynamicExtent;
  int64_t heads = 0, in = 0, out = 0; // H, K, N
  int64_t block = 0, offset = 0, columns = 0; // w is [H * block, columns]
  bool transpose = false;
};

KernelPipelineResult buildHeadLinearKernel(const HeadLinearKernelSpec &spec,
                                           const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_HEADLINEARKERNEL_H
