//===- SsdChunkScan.h - chunked prefill form of the ssd scan ----*- C++ -*-===//
//
// Mamba-2's scan (variant ssd) has a scalar decay per head and token, so a
// prompt splits into chunks of L tokens whose work is matrix products
// ("state-space duality"). Within chunk k, with A_i = sum_{s <= i} dt_s a
// (the decay's log, accumulated from the chunk's start) and S_k the state
// before the chunk:
//
//   y_i   = sum_{j <= i} (c_i . b_j) exp(A_i - A_j) dt_j x_j      (in chunk)
//         + exp(A_i) S_k c_i                                    (carried)
//         + d x_i
//   S_k+1 = exp(A_{L-1}) S_k + sum_j exp(A_{L-1} - A_j) dt_j x_j (x) b_j
//
// The only serial part is the recurrence over chunks, one [P, N] update
// per chunk instead of one per token. No token's state is stored; each
// head keeps the states entering its chunks, (T / L + 1) P N floats (4 MB
// for P = 64, N = 128, L = 32 and 4096 tokens).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_SSDCHUNKSCAN_H
#define MGC_CODEGEN_KERNELS_SSDCHUNKSCAN_H

#include "codegen/kernels/ScanKernel.h"

namespace mgc {

/// Builds the chunked form of a forward ssd scan (spec.chunk tokens per
/// chunk, at least 2); operands, outputs and in-place state exactly as
/// buildScanKernel documents. The last chunk is padded with steps dt = 0,
/// which neither decay the state nor add to it. Heads run in parallel when
/// `parallelHeads`; channels of a head are vectors of `vectorWidth` lanes.
/// Called by buildScanKernel after it has checked the spec and target.
KernelPipeline buildSsdChunkScan(const ScanKernelSpec &spec,
                                 const Halide::Target &target, int vectorWidth,
                                 bool parallelHeads);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_SSDCHUNKSCAN_H
