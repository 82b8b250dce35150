//===- NormKernel.h - RMS and layer normalization kernels ------*- C++ -*-===//
//
// Halide generator for mgc.norm: RMS or layer normalization over the last
// dimension of [T, F] or per-head [T, H, P] activations, with an optional
// weight and bias of shape [P] or [H, P], statistics computed once per row.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_NORMKERNEL_H
#define MGC_CODEGEN_KERNELS_NORMKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One mgc.norm. With x a row (the last dimension, P features):
///   rms:   x / sqrt(mean(x^2) + eps) * weight
///   layer: (x - mean(x)) / sqrt(var(x) + eps) * weight + bias
/// where var is the biased variance sum((x - mean)^2) / P, taken in a
/// second pass over the row (not E[x^2] - mean^2).
struct NormKernelSpec {
  /// Same cases, in the same order, as mgc's NormKind (ir/MgcAttrs.td).
  enum class Kind { rms, layer };

  Kind kind = Kind::rms;
  std::vector<int64_t> shape; // input and result: [T, P] or [T, H, P]
  // Empty for none; else a suffix of `shape` that includes its last
  // dimension: [P], or [H, P] for per-head weights of a [T, H, P] input.
  std::vector<int64_t> weightShape;
  std::vector<int64_t> biasShape; // layer norm only; same rule as weight
  double eps = 1e-5;
  // Storage type of weight and bias: f32, f16 or bf16, widened to f32.
  Halide::Type weightType = Halide::Float(32);
};

/// Builds the norm kernel: (input, [weight], [bias]) -> (result), input and
/// result f32. Loop dimensions [rows, features]: a row is one token (one
/// token and head for [T, H, P]); its statistics are computed once, before
/// its features, which are tiled and vectorized by the schedule.
KernelPipelineResult buildNormKernel(const NormKernelSpec &spec,
                                     const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_NORMKERNEL_H
