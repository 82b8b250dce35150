//===- LayoutKernel.cpp - Halide kernels that only move data --------------===//
//
// This file implements buildLayoutKernel: the index map of each kind, after
// checking that the shapes agree with it.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/LayoutKernel.h"

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "layout kernel";

[[noreturn]] void fail(const std::string &what) {
  throw KernelError(std::string(kKernel) + ": " + what);
}

/// Checks the inputs against the result for `spec.kind`.
void checkShapes(const LayoutKernelSpec &spec) {
  const std::vector<int64_t> &out = spec.resultShape;
  checkShape(out, 1, 4, "the result", kKernel);
  const size_t rank = out.size();
  const size_t inputs = spec.inputShapes.size();
  if (inputs == 0 || (spec.kind != LayoutKernelSpec::Kind::concat && inputs != 1))
    fail("wrong number of inputs");
  for (const std::vector<int64_t> &in : spec.inputShapes) {
    checkShape(in, rank, rank, "an input", kKernel);
    if ((in[0] == kDynamicExtent) != (out[0] == kDynamicExtent))
      fail("inputs and result must agree on a token dimension");
  }
  switch (spec.kind) {
  case LayoutKernelSpec::Kind::slice: {
    const std::vector<int64_t> &in = spec.inputShapes[0];
    if (spec.dim < 0 || size_t(spec.dim) >= rank ||
        (spec.dim == 0 && out[0] == kDynamicExtent))
      fail("cannot slice dimension " + std::to_string(spec.dim));
    for (size_t d = 0; d < rank; ++d)
      if (int64_t(d) == spec.dim
              ? spec.offset < 0 || spec.offset + out[d] > in[d]
              : in[d] != out[d])
        fail("the slice does not fit its input");
    break;
  }
  case LayoutKernelSpec::Kind::concat: {
    int64_t total = 0;
    for (const std::vector<int64_t> &in : spec.inputShapes) {
      for (size_t d = 0; d + 1 < rank; ++d)
        if (in[d] != out[d])
          fail("concatenated inputs differ outside the last dimension");
      total += in.back();
    }
    if (total != out.back())
      fail("concatenated inputs do not add up to the result");
    break;
  }
  case LayoutKernelSpec::Kind::broadcast:
    for (size_t d = 0; d < rank; ++d)
      if (spec.inputShapes[0][d] != out[d] && spec.inputShapes[0][d] != 1)
        fail("only size-1 dimensions broadcast");
    break;
  }
}

KernelPipeline build(const LayoutKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkShapes(spec);
  const size_t rank = spec.resultShape.size();

  KernelSignature signature;
  std::vector<ImageParam> inputs;
  for (size_t i = 0; i < spec.inputShapes.size(); ++i)
    inputs.push_back(signature.tensor(Float(32), "in" + std::to_string(i),
                                      spec.inputShapes[i]));
  // Halide dimension h is mgc dimension rank - 1 - h.
  std::vector<Var> vars;
  for (size_t h = 0; h < rank; ++h)
    vars.emplace_back("d" + std::to_string(h));
  std::vector<Expr> at(vars.begin(), vars.end());
  Func result("result");
  switch (spec.kind) {
  case LayoutKernelSpec::Kind::slice: {
    std::vector<Expr> from = at;
    from[rank - 1 - size_t(spec.dim)] += int(spec.offset);
    result(vars) = inputs[0](from);
    break;
  }
  case LayoutKernelSpec::Kind::concat: {
    // Innermost index c: input i covers [start_i, start_i + extent_i).
    Expr value = 0.0f;
    int64_t start = 0;
    std::vector<std::pair<Expr, Expr>> pieces;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<Expr> from = at;
      const int64_t extent = spec.inputShapes[i].back();
      from[0] = clamp(vars[0] - int(start), 0, int(extent) - 1);
      pieces.emplace_back(vars[0] < int(start + extent), inputs[i](from));
      start += extent;
    }
    value = pieces.back().second;
    for (size_t i = pieces.size() - 1; i-- > 0;)
      value = select(pieces[i].first, pieces[i].second, value);
    result(vars) = value;
    break;
  }
  case LayoutKernelSpec::Kind::broadcast: {
    std::vector<Expr> from = at;
    for (size_t d = 0; d < rank; ++d)
      if (spec.inputShapes[0][d] == 1 && spec.resultShape[d] != 1)
        from[rank - 1 - d] = 0;
    result(vars) = inputs[0](from);
    break;
  }
  }
  constrainTensor(result.output_buffer(), spec.resultShape);

  // Row-wise: the innermost dimension in vectorized tiles, the outermost
  // (tokens) in row tiles, the ones between as plain loops.
  tileFeatures(result, vars[0], spec.resultShape.back(), rows,
               /*pureStage=*/true);
  if (rank > 1)
    tileRows(result, vars[rank - 1], rows);
  return signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildLayoutKernel(const LayoutKernelSpec &spec,
                                       const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
