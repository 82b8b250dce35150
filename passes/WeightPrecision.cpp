//===- WeightPrecision.cpp - f16 / bf16 matrix weights --------------------===//
//
// This file implements the mgc-weight-precision pass: it retypes the
// mgc.param ops whose every use is a matrix operand of a product or lookup
// (Passes.td lists them) to f16 or bf16. The ops that read them are
// type-agnostic in their weight element type; their results stay f32.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace mgc {
#define GEN_PASS_DEF_WEIGHTPRECISIONPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

/// Whether `use` reads its value as the matrix of a product or lookup.
bool readsAsMatrix(OpOperand &use) {
  Operation *owner = use.getOwner();
  Value value = use.get();
  if (auto linear = dyn_cast<LinearOp>(owner))
    return linear.getWeight() == value && linear.getInput() != value;
  if (auto logits = dyn_cast<LogitsOp>(owner))
    return logits.getWeight() == value && logits.getInput() != value;
  if (auto embed = dyn_cast<EmbedOp>(owner))
    return embed.getTable() == value;
  if (auto expert = dyn_cast<ExpertOp>(owner))
    return value != expert.getInput() && value != expert.getWeights() &&
           (value == expert.getGate() || value == expert.getUp() ||
            value == expert.getDown());
  return false;
}

struct WeightPrecisionPass
    : impl::WeightPrecisionPassBase<WeightPrecisionPass> {
  using WeightPrecisionPassBase::WeightPrecisionPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(&getContext());
    Type element;
    if (type == "f16")
      element = b.getF16Type();
    else if (type == "bf16")
      element = b.getBF16Type();
    else if (type != "f32") {
      module.emitError() << "mgc-weight-precision: unknown weight type '"
                         << type << "' (expected f32, f16 or bf16)";
      return signalPassFailure();
    }
    if (!element)
      return;
    // By name: the entry points each reference a weight with their own
    // mgc.param, and all of them must agree on its type.
    llvm::StringMap<bool> eligible;
    module.walk([&](ParamOp param) {
      auto tensor = cast<RankedTensorType>(param.getType());
      bool matrix = tensor.getRank() >= 2 &&
                    llvm::all_of(param->getUses(), readsAsMatrix);
      auto [it, inserted] = eligible.try_emplace(param.getName(), matrix);
      if (!inserted)
        it->second = it->second && matrix;
    });
    module.walk([&](ParamOp param) {
      if (!eligible.lookup(param.getName()) || param->use_empty())
        return;
      auto tensor = cast<RankedTensorType>(param.getType());
      param.getResult().setType(tensor.clone(element));
    });
  }
};

} // namespace
} // namespace mgc
