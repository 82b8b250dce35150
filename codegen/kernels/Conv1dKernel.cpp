//===- Conv1dKernel.cpp - depthwise convolution over tokens ---------------===//
//
// This file implements buildConv1dKernel: per channel tile, every token's
// W-term window sum (reading the rolling state for the first W - 1 tokens
// of a causal convolution), then the state after the last token.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/Conv1dKernel.h"

#include <algorithm>

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "conv1d kernel";

void fail(const std::string &message) {
  throw KernelError(std::string(kKernel) + ": " + message);
}

void checkSpec(const Conv1dKernelSpec &spec) {
  if (spec.channels < 1 || spec.width < 1)
    fail("channels and width must be positive");
  if (spec.tokens != kDynamicExtent && spec.tokens < 1)
    fail("tokens must be positive or dynamic");
  if (spec.centered && spec.width % 2 == 0)
    fail("a centered convolution needs an odd width, got " +
         std::to_string(spec.width));
  if (spec.centered && spec.hasState)
    fail("a centered convolution reads later tokens and carries no state");
  if (spec.hasState && spec.width < 2)
    fail("a width-1 convolution has no state to carry");
  const Type &w = spec.weightType;
  if (!(w == Float(32) || w == Float(16) || w == BFloat(16)))
    fail("weights must be stored as f32, f16 or bf16");
}

KernelPipeline build(const Conv1dKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkSpec(spec);
  const int C = int(spec.channels), W = int(spec.width);

  KernelSignature signature;
  ImageParam x = signature.tensor(Float(32), "x", {spec.tokens, C});
  ImageParam weight = signature.tensor(spec.weightType, "weight", {C, W});
  ImageParam bias, state;
  if (spec.hasBias)
    bias = signature.tensor(spec.weightType, "bias", {C});
  if (spec.hasState)
    state = signature.tensor(Float(32), "state", {W - 1, C});

  // The algorithm. Halide dimensions: c (channel), t (token), j (tap),
  // i (state row).
  Var c("c"), t("t"), j("j"), i("i");
  Expr tokens = x.dim(1).extent();

  // Token s of the input extended before its start (s < 0) by the state or
  // zeros, and, centered, after its end by zeros.
  auto extended = [&](const Expr &s) {
    Expr inside = likely(x(c, clamp(s, 0, tokens - 1)));
    if (spec.centered)
      return select(s >= 0 && s < tokens, inside, 0.0f);
    Expr before = spec.hasState ? state(c, clamp(s + (W - 1), 0, W - 2))
                                : Expr(0.0f);
    return select(s >= 0, inside, before);
  };

  // The weights with channels contiguous.
  Func taps("taps");
  taps(j, c) = cast<float>(weight(j, c));
  const int first = spec.centered ? -(W - 1) / 2 : -(W - 1);
  std::vector<Expr> terms;
  for (int k = 0; k < W; ++k)
    terms.push_back(taps(k, c) * extended(t + first + k));
  Expr sum = terms[0];
  for (int k = 1; k < W; ++k)
    sum += terms[k];
  if (bias.defined())
    sum = cast<float>(bias(c)) + sum;
  Func result("result");
  result(c, t) = sum;
  constrainTensor(result.output_buffer(), {spec.tokens, C});
  std::vector<Func> outputs{result};
  Func stateOut("state_out");
  if (spec.hasState) {
    // The last W - 1 tokens of [state; x].
    stateOut(c, i) = extended(tokens - (W - 1) + i);
    constrainTensor(stateOut.output_buffer(), {W - 1, C});
    outputs.push_back(stateOut);
  }

  // The schedule: channel tiles outermost (the state of a tile is read by
  // its results before the tile writes it), then token tiles, tokens, and
  // the tile's channel vectors.
  const TailStrategy guard = TailStrategy::GuardWithIf;
  const int vw = int(rows.vectorWidth);
  const int featuresTile = int(std::min<int64_t>(rows.featuresTile, C));
  Var tile("c_tile"), in("c_in"), vecs("c_vecs"), lanes("c_lanes"),
      rowTile("t_tile"), row("t_in");
  auto tileChannels = [&](Func f) {
    // `unroll` vectors at a time, as one vector of unroll x vectorWidth
    // lanes that LLVM splits into native ones. (Unrolling a split of the
    // vectors instead, Halide 14 drops the ragged last tile's results when
    // another stage is computed per tile, as state_out is.)
    f.split(c, tile, in, featuresTile, guard)
        .split(in, vecs, lanes, vw * int(rows.unroll), guard)
        .vectorize(lanes);
    if (rows.parallelFeatures)
      f.parallel(tile);
  };
  tileChannels(result);
  result.split(t, rowTile, row, int(rows.rowsTile), guard);
  result.reorder(lanes, vecs, row, rowTile, tile);
  if (rows.parallelRows)
    result.parallel(rowTile);
  if (spec.hasState) {
    tileChannels(stateOut);
    stateOut.reorder(lanes, vecs, i, tile).compute_with(result, tile);
  }
  // Once per call (C x W floats).
  taps.compute_root().reorder_storage(c, j).vectorize(c, vw, guard);
  return signature.finish(outputs, target);
}

} // namespace

KernelPipelineResult buildConv1dKernel(const Conv1dKernelSpec &spec,
                                       const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
