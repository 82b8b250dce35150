//===- LoweredModel.h - a model between lowering and packaging --*- C++ -*-===//
//
// What the MLIR-facing lowering (lowering/ModelLowering.h) hands to the
// plain-C++ packaging (ArtifactWriter.h): the execution plan, the kernel
// requests its calls name, and the model's shape of every weight. No MLIR
// and no Halide, so both halves can include it.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_LOWEREDMODEL_H
#define MGC_CODEGEN_LOWEREDMODEL_H

#include "codegen/KernelRequest.h"
#include "codegen/WeightsSection.h"
#include "runtime/model/Plan.h"

#include <optional>
#include <string>
#include <vector>

namespace mgc {

/// A model ready for the Halide-facing compiler and the weights writer.
struct LoweredModel {
  std::string targetName;   // mgc target name (model file header)
  std::string halideTarget; // explicit Halide target string
  // The plan, with every weight's offset and size still 0 (the weights
  // writer lays them out) and no tokenizer.
  Plan plan;
  std::vector<KernelRequest> kernels; // plan.kernels[i] is kernels[i]
  // The shape the model gives each plan weight (plan.weights[i]), before
  // any packing: what the weight file must hold.
  std::vector<std::vector<int64_t>> weightSourceShapes;
  // For plan weights that hold an mgc.constant, its value (every element);
  // empty for weights read from the model (parallel to plan.weights).
  std::vector<std::optional<double>> weightSplats;
  // The precision of each plan weight's values (f32, f16 or bf16: the
  // model's element type); the weights writer rounds them to it before
  // storing them as the weight's type (which may be wider).
  std::vector<PlanType> weightPrecisions;
  // Weights that concatenate model weights (mgc.param `parts`), by name.
  WeightParts weightParts;
};

} // namespace mgc

#endif // MGC_CODEGEN_LOWEREDMODEL_H
