//===- HeadLinearKernel.cpp - Halide kernel of mgc.head_linear ------------===//

#include "codegen/kernels/HeadLinearKernel.h"

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "head_linear kernel";

KernelPipeline build(const HeadLinearKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkShape({spec.tokens, spec.heads, spec.in, spec.out}, 4, 4,
             "[tokens, heads, in, out]", kKernel);
  const int64_t used = spec.transpose ? spec.in : spec.out;
  const int64_t contracted = spec.transpose ? spec.out : spec.in;
  if (spec.block < 1 || spec.offset < 0 || spec.offset + used > spec.block ||
      spec.columns != contracted)
    throw KernelError(std::string(kKernel) +
                      ": the rows or columns used do not fit the weight");

  KernelSignature signature;
  ImageParam x =
      signature.tensor(Float(32), "x", {spec.tokens, spec.heads, spec.in});
  ImageParam w = signature.tensor(Float(32), "w",
                                  {spec.heads * spec.block, spec.columns});
  Var n("n"), h("h"), t("t");
  RDom k(0, int(spec.in), "k");
  Expr base = h * int(spec.block) + int(spec.offset);
  Func sum("sum"), y("y");
  sum(n, h, t) = 0.0f;
  if (spec.transpose)
    sum(n, h, t) += x(k, h, t) * w(n, base + k);
  else
    sum(n, h, t) += x(k, h, t) * w(k, base + n);
  y(n, h, t) = sum(n, h, t);
  constrainTensor(y.output_buffer(), {spec.tokens, spec.heads, spec.out});

  // (token, head) pairs are the units of work.
  Var th("th");
  y.fuse(h, t, th);
  if (rows.parallelRows || rows.parallelFeatures)
    y.parallel(th);
  const int lanes = int(rows.vectorWidth);
  if (spec.transpose) {
    // Vectors of outputs accumulate over k: each step one broadcast x value
    // times a contiguous row piece of w.
    sum.compute_at(y, th);
    if (spec.out >= lanes) {
      sum.vectorize(n, lanes, TailStrategy::GuardWithIf);
      sum.update().reorder(n, k).vectorize(n, lanes, TailStrategy::GuardWithIf);
      y.vectorize(n, lanes, TailStrategy::GuardWithIf);
    }
  } else {
    // Each output is a dot product over k in vector partial sums.
    if (spec.in >= lanes)
      scheduleVectorReduction(sum, k, lanes, LoopLevel(y, n));
    else
      sum.compute_at(y, n);
  }
  return signature.finish({y}, target);
}

} // namespace

KernelPipelineResult buildHeadLinearKernel(const HeadLinearKernelSpec &spec,
                                           const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
