//===- NormKernel.cpp - RMS and layer normalization kernels ---------------===//
//
// This file implements buildNormKernel: per-row statistics as vectorized
// reductions computed once per row, then the normalized row, tiled and
// vectorized by the schedule.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/NormKernel.h"

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "norm kernel";

bool isFloatStorage(const Type &type) {
  return type == Float(32) || type == Float(16) || type == BFloat(16);
}

/// Checks that `param` (weight or bias) is absent or a suffix of `shape`
/// that includes its last dimension, never the token dimension.
void checkParamShape(const std::vector<int64_t> &param,
                     const std::vector<int64_t> &shape, const char *what) {
  if (param.empty())
    return;
  bool suffix = param.size() < shape.size();
  for (size_t i = 0; suffix && i < param.size(); ++i)
    suffix = param[param.size() - 1 - i] == shape[shape.size() - 1 - i];
  if (!suffix)
    throw KernelError(std::string(kKernel) + ": " + what +
                      " must have the shape of a suffix of the input that "
                      "includes its last dimension ([P], or [H, P] for a "
                      "[T, H, P] input)");
}

/// Reads weight or bias `param` (of mgc shape `shape`) at feature p of head
/// h, widened to f32.
Expr paramAt(const ImageParam &param, const std::vector<int64_t> &shape,
             const Var &p, const Expr &h) {
  return cast<float>(shape.size() == 1 ? param(p) : param(p, h));
}

KernelPipeline build(const NormKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkShape(spec.shape, 2, 3, "input", kKernel);
  checkParamShape(spec.weightShape, spec.shape, "weight");
  checkParamShape(spec.biasShape, spec.shape, "bias");
  if (!spec.biasShape.empty() && spec.kind == NormKernelSpec::Kind::rms)
    throw KernelError(std::string(kKernel) +
                      ": rms norm takes no bias; use layer norm");
  if (!(spec.eps > 0))
    throw KernelError(std::string(kKernel) + ": eps must be positive");
  if (!isFloatStorage(spec.weightType))
    throw KernelError(std::string(kKernel) +
                      ": weights must be stored as f32, f16 or bf16");

  // The algorithm. Halide dimensions: p (features of a row), [h (heads)], t.
  const bool perHead = spec.shape.size() == 3;
  const int P = int(spec.shape.back());
  KernelSignature signature;
  ImageParam input = signature.tensor(Float(32), "input", spec.shape);
  ImageParam weight, bias;
  if (!spec.weightShape.empty())
    weight = signature.tensor(spec.weightType, "weight", spec.weightShape);
  if (!spec.biasShape.empty())
    bias = signature.tensor(spec.weightType, "bias", spec.biasShape);

  Var p("p"), h("h"), t("t");
  std::vector<Var> row = perHead ? std::vector<Var>{h, t} : std::vector<Var>{t};
  Expr head = perHead ? Expr(h) : Expr(0);
  auto x = [&](const Expr &feature) {
    std::vector<Expr> at{feature};
    at.insert(at.end(), row.begin(), row.end());
    return input(at);
  };

  // Per-row statistics: the mean (layer norm), then the sum of squares of
  // the centred (layer) or raw (rms) row in a second pass.
  RDom r(0, P, "r");
  Func total("total"), squares("squares"), inverse("inverse");
  Expr mean = 0.0f;
  if (spec.kind == NormKernelSpec::Kind::layer) {
    total(row) = 0.0f;
    total(row) += x(r);
    mean = total(row) / float(P);
  }
  squares(row) = 0.0f;
  squares(row) += (x(r) - mean) * (x(r) - mean);
  inverse(row) = 1.0f / sqrt(squares(row) / float(P) + float(spec.eps));

  std::vector<Var> all{p};
  all.insert(all.end(), row.begin(), row.end());
  Expr value = (x(p) - mean) * inverse(row);
  if (weight.defined())
    value *= paramAt(weight, spec.weightShape, p, head);
  if (bias.defined())
    value += paramAt(bias, spec.biasShape, p, head);
  Func result("result");
  result(all) = value;
  constrainTensor(result.output_buffer(), spec.shape);

  // The schedule: rows in tiles, each row's features in vectorized tiles;
  // the statistics of a row are computed just before its features.
  tileFeatures(result, p, P, rows, /*pureStage=*/true);
  TokenLoops tokens = tileRows(result, t, rows);
  LoopLevel perRow =
      perHead ? LoopLevel(result, h) : LoopLevel(result, tokens.token);
  if (spec.kind == NormKernelSpec::Kind::layer)
    scheduleVectorReduction(total, r, rows.vectorWidth, perRow);
  scheduleVectorReduction(squares, r, rows.vectorWidth, perRow);
  inverse.compute_at(perRow);
  return signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildNormKernel(const NormKernelSpec &spec,
                                     const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
