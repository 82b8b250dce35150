//===- SequenceKernel.cpp - kernels that move tokens ----------------------===//
//
// This file implements buildSequenceKernel: the index map of each kind along
// the token dimension, and for a token shift with state the new state, the
// last input token, written per channel tile after the tile's outputs.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/SequenceKernel.h"

#include <algorithm>

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "sequence kernel";
using Kind = SequenceKernelSpec::Kind;

[[noreturn]] void fail(const std::string &message) {
  throw KernelError(std::string(kKernel) + ": " + message);
}

void checkSpec(const SequenceKernelSpec &spec) {
  if (spec.kind == Kind::tokenShift) {
    checkShape(spec.shape, 2, 2, "a token shift's input [T, channels]",
               kKernel);
  } else {
    checkShape(spec.shape, 2, 4, "a reversed tensor [T, features...]",
               kKernel);
    if (spec.hasState)
      fail("a reversal reads the whole sequence and carries no state");
  }
}

/// y[t] = x[t - 1], the first row from the state (or zeros); the state
/// after the call is the last row of x.
KernelPipeline buildTokenShift(const SequenceKernelSpec &spec,
                               const RowSchedule &rows, const Target &target) {
  const int C = int(spec.shape[1]);
  KernelSignature signature;
  ImageParam x = signature.tensor(Float(32), "x", spec.shape);
  ImageParam state;
  if (spec.hasState)
    state = signature.tensor(Float(32), "state", {1, C});

  // The algorithm. Halide dimensions: c (channel), t (token), i (the
  // state's one row).
  Var c("c"), t("t"), i("i");
  Expr tokens = x.dim(1).extent();
  Expr before = spec.hasState ? state(c, 0) : Expr(0.0f);
  Func y("y");
  y(c, t) = select(t == 0, before, x(c, max(t - 1, 0)));
  constrainTensor(y.output_buffer(), spec.shape);
  std::vector<Func> outputs{y};
  Func stateOut("state_out");
  if (spec.hasState) {
    stateOut(c, i) = x(c, tokens - 1 + i);
    constrainTensor(stateOut.output_buffer(), {1, C});
    outputs.push_back(stateOut);
  }

  // The schedule: channel tiles outermost, so a tile reads its state
  // columns (at token 0) before it writes them; then token tiles, tokens,
  // and the tile's channel vectors. `unroll` vectors run as one vector of
  // unroll x vectorWidth lanes, which LLVM splits into native ones.
  // Ragged tiles are guarded, never shifted inwards (a shifted tile would
  // read state its neighbour has updated).
  const TailStrategy guard = TailStrategy::GuardWithIf;
  const int featuresTile = int(std::min<int64_t>(rows.featuresTile, C));
  const int lanesPerVector = int(rows.vectorWidth * rows.unroll);
  Var tile("c_tile"), in("c_in"), vecs("c_vecs"), lanes("c_lanes"),
      rowTile("t_tile"), row("t_in");
  auto tileChannels = [&](Func f) {
    f.split(c, tile, in, featuresTile, guard)
        .split(in, vecs, lanes, lanesPerVector, guard)
        .vectorize(lanes);
    if (rows.parallelFeatures)
      f.parallel(tile);
  };
  tileChannels(y);
  y.split(t, rowTile, row, int(rows.rowsTile), guard)
      .reorder(lanes, vecs, row, rowTile, tile);
  if (rows.parallelRows)
    y.parallel(rowTile);
  if (spec.hasState) {
    tileChannels(stateOut);
    stateOut.reorder(lanes, vecs, i, tile).compute_with(y, tile);
  }
  return signature.finish(outputs, target);
}

/// y[t, ...] = x[T - 1 - t, ...].
KernelPipeline buildReverse(const SequenceKernelSpec &spec,
                            const RowSchedule &rows, const Target &target) {
  const size_t rank = spec.shape.size();
  KernelSignature signature;
  ImageParam x = signature.tensor(Float(32), "x", spec.shape);
  // Halide dimension h is mgc dimension rank - 1 - h; the tokens are the
  // last Halide dimension.
  std::vector<Var> vars;
  for (size_t h = 0; h < rank; ++h)
    vars.emplace_back("d" + std::to_string(h));
  std::vector<Expr> from(vars.begin(), vars.end());
  from[rank - 1] = x.dim(int(rank) - 1).extent() - 1 - vars[rank - 1];
  Func y("y");
  y(vars) = x(from);
  constrainTensor(y.output_buffer(), spec.shape);

  // Row-wise, as the layout kernels: the innermost dimension in vectorized
  // tiles, the tokens in row tiles, the dimensions between as plain loops.
  tileFeatures(y, vars[0], spec.shape.back(), rows, /*pureStage=*/true);
  tileRows(y, vars[rank - 1], rows);
  return signature.finish({y}, target);
}

KernelPipeline build(const SequenceKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkSpec(spec);
  return spec.kind == Kind::tokenShift ? buildTokenShift(spec, rows, target)
                                       : buildReverse(spec, rows, target);
}

} // namespace

KernelPipelineResult buildSequenceKernel(const SequenceKernelSpec &spec,
                                         const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
