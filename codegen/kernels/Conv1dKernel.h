//===- Conv1dKernel.h - depthwise convolution over tokens ------*- C++ -*-===//
//
// Halide generator for mgc.conv1d: a causal depthwise convolution over the
// tokens of [T, C] activations that continues from a rolling state of the
// previous W - 1 tokens (Mamba's short convolution), or a centered one
// without state (Hydra).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_CONV1DKERNEL_H
#define MGC_CODEGEN_KERNELS_CONV1DKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One mgc.conv1d of width W over C channels:
///
///   causal:   y[t, c] = bias[c] + sum_j weight[c, j] * x[t - (W - 1) + j, c]
///   centered: y[t, c] = bias[c] + sum_j weight[c, j] * x[t - (W - 1) / 2 + j, c]
///
/// where, causal, the tokens before the first are the W - 1 rows of the
/// state (row i is token i - (W - 1)), zeros without a state; centered,
/// tokens outside [0, T) are zeros. With a state the kernel also writes the
/// state after the last token: the last W - 1 rows of [state; x], so decode
/// (T = 1) continues a prefill exactly.
struct Conv1dKernelSpec {
  int64_t tokens = kDynamicExtent; // T: dynamic, or static (1 for decode)
  int64_t channels = 0;            // C
  int64_t width = 0;               // W; odd when centered
  bool hasBias = false;
  bool hasState = false; // causal only, W >= 2
  bool centered = false;
  // Storage type of weight and bias: f32, f16 or bf16, widened to f32.
  Halide::Type weightType = Halide::Float(32);
};

/// Builds the convolution kernel. Inputs in call order:
///   x [T, C] f32, weight [C, W], [bias [C]], [state [W - 1, C] f32]
/// outputs: result [T, C] f32, then [state_out [W - 1, C] f32].
/// state_out may be the same buffer as state (updated in place): each
/// channel tile computes its results, reading its state columns, before it
/// writes them.
///
/// Loop dimensions [rows, features] as for the row-wise kernels
/// (checkRowSchedule): channel tiles of tiles[1] outermost, run in parallel
/// when parallelDims holds 1; within a channel tile, token tiles of
/// tiles[0] (one for decode), in parallel when parallelDims holds 0, then
/// the tile's channels, vectorized by vectorWidth, `unroll` vectors at a
/// time (as one vector of unroll x vectorWidth lanes, which LLVM splits
/// into native ones: Halide 14 mis-handles an unrolled split of guarded
/// vectors in a ragged tile when another stage is computed per tile). Each
/// output is a W-term sum, unrolled, over weights laid out once per call
/// with channels contiguous. Ragged tiles are guarded, never shifted
/// inwards (a shifted tile would read state its neighbour has updated).
KernelPipelineResult buildConv1dKernel(const Conv1dKernelSpec &spec,
                                       const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_CONV1DKERNEL_H
