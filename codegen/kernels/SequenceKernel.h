//===- SequenceKernel.h - kernels that move tokens --------------*- C++ -*-===//
//
// Halide generators for the data movement along the token dimension that
// recurrent mixers need: mgc.token_shift (RWKV's previous-token features,
// continuing from a one-token state) and mgc.reverse (the reversed token
// order bidirectional mixers such as Hydra scan over).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_SEQUENCEKERNEL_H
#define MGC_CODEGEN_KERNELS_SEQUENCEKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One token-moving op over an f32 tensor whose dimension 0 is the tokens:
///
///   tokenShift  y[t, c] = x[t - 1, c], with x[-1] the state's one row (zero
///               without a state); the state after the call is x[T - 1]
///   reverse     y[t, ...] = x[T - 1 - t, ...]
struct SequenceKernelSpec {
  enum class Kind { tokenShift, reverse };
  Kind kind = Kind::tokenShift;
  // x and y, mgc order: [T, C] for tokenShift, [T, features...] (rank 2 to
  // 4) for reverse; T dynamic or static (1 for decode).
  std::vector<int64_t> shape;
  bool hasState = false; // tokenShift only: state [1, C] in, state_out out
};

/// Builds the kernel. Inputs in call order: x, then [state [1, C]] (token
/// shift with a state); outputs: y, then [state_out [1, C]].
/// state_out may be the same buffer as state (updated in place): each
/// channel tile computes its rows of y, reading its state columns, before it
/// writes them.
///
/// Loop dimensions [rows, features] as for the row-wise kernels
/// (checkRowSchedule). Token shift: channel tiles of tiles[1] (vectorized by
/// vectorWidth, `unroll` vectors as one) outermost, in parallel when
/// parallelDims holds 1, then token tiles of tiles[0], in parallel when it
/// holds 0. Reverse: like the layout kernels, token tiles outermost, the
/// innermost dimension in vectorized feature tiles.
KernelPipelineResult buildSequenceKernel(const SequenceKernelSpec &spec,
                                         const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_SEQUENCEKERNEL_H
