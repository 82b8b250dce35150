//===- MoeKernels.h - Halide kernels of mgc.route and mgc.expert -*- C++ -*-===//
//
// A mixture-of-experts layer runs as
//
//   scores  = linear(x, router)                   LinearKernel.h
//   indices, weights = select(scores, [bias])     buildRouteSelectKernel
//   (runtime: capacity limit, grouping of routes by expert, Plan.h)
//   for every expert e with routes:               one call each, only e's
//     xs = gather(x, rows of e)                   buildGatherRowsKernel
//     ys = ffn_e(xs)                              LinearKernel.h, elementwise
//   y = combine(ys, slots, weights)               buildCombineExpertsKernel
//
// so each expert's weights are read once per step for all its tokens, and a
// decode step reads only the experts its token chose. Shapes and the layout
// convention follow KernelSchedule.h; all three are row-wise kernels (loop
// dimensions [rows, features], checkRowSchedule).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_MOEKERNELS_H
#define MGC_CODEGEN_KERNELS_MOEKERNELS_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// mgc.route after the router projection: per token, score the experts'
/// logits (softmax over all experts, or sigmoid each), optionally add a
/// score-correction bias for the choice only, optionally keep only the
/// `topkGroups` best of `groups` expert groups (a group's score is the sum
/// of its two best choice scores, as DeepSeek-V3), pick the `topK` best, and
/// weigh each by its score (without the bias), renormalized to sum to one
/// when `normalize`, times `scale`.
struct RouteSelectKernelSpec {
  enum class Scoring { softmax, sigmoid }; // mgc's RouteScoring order
  Scoring scoring = Scoring::softmax;
  int64_t tokens = kDynamicExtent;
  int64_t experts = 0, topK = 0;
  bool bias = false; // a score-correction bias input [experts]
  bool normalize = false;
  double scale = 1.0;
  int64_t groups = 0, topkGroups = 0; // 0: no group limit
};

/// (scores f32 [T, E], [bias f32 [E]]) -> (indices i32 [T, k],
/// weights f32 [T, k]); rows are tokens, features the k choices.
KernelPipelineResult buildRouteSelectKernel(const RouteSelectKernelSpec &spec,
                                            const KernelSchedule &schedule);

/// Copies rows of a token matrix: result[i] = x[rows[i]] (rows clamped into
/// x). (x f32 [T, features], rows i32 [R]) -> result f32 [R, features]; T and
/// R are the run-time extents of x and rows.
struct GatherRowsKernelSpec {
  int64_t features = 0;
};
KernelPipelineResult buildGatherRowsKernel(const GatherRowsKernelSpec &spec,
                                           const KernelSchedule &schedule);

/// Sums each token's expert outputs: result[t] = sum_j weights[t, j] *
/// ys[slots[t, j]] over the routes with slots[t, j] >= 0 (0 without any).
/// (ys f32 [R, features], slots i32 [T, k], weights f32 [T, k]) ->
/// result f32 [T, features].
struct CombineExpertsKernelSpec {
  int64_t features = 0, topK = 0;
};
KernelPipelineResult
buildCombineExpertsKernel(const CombineExpertsKernelSpec &spec,
                          const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_MOEKERNELS_H
