//===- EmbedKernel.cpp - token embedding lookup kernel --------------------===//
//
// This file implements buildEmbedKernel: a clamped row gather, each row
// copied (and widened to f32) in vectorized feature tiles.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/EmbedKernel.h"

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "embed kernel";

KernelPipeline build(const EmbedKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkShape({spec.tokens, spec.vocab, spec.hidden}, 3, 3,
             "[tokens, vocab, hidden]", kKernel);
  if (spec.vocab * spec.hidden > INT32_MAX)
    throw KernelError(std::string(kKernel) + ": a table of " +
                      std::to_string(spec.vocab * spec.hidden) +
                      " elements exceeds Halide's 32-bit indexing");
  if (spec.tableType != Float(32) && spec.tableType != Float(16) &&
      spec.tableType != BFloat(16))
    throw KernelError(std::string(kKernel) +
                      ": the table must be stored as f32, f16 or bf16");

  // The algorithm: clamp the id, copy the row.
  KernelSignature signature;
  ImageParam tokens = signature.tensor(Int(32), "tokens", {spec.tokens});
  ImageParam table =
      signature.tensor(spec.tableType, "table", {spec.vocab, spec.hidden});
  Var x("x"), t("t");
  Expr id = clamp(tokens(t), 0, int(spec.vocab) - 1);
  Func result("result");
  result(x, t) = widenToF32(table(x, id));
  constrainTensor(result.output_buffer(), {spec.tokens, spec.hidden});

  // The schedule: tokens in tiles, each row in vectorized feature tiles.
  tileFeatures(result, x, spec.hidden, rows, /*pureStage=*/true);
  tileRows(result, t, rows);
  return signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildEmbedKernel(const EmbedKernelSpec &spec,
                                      const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
