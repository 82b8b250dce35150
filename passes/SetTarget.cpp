//===- SetTarget.cpp - attach the #mgc.target of a module -----------------===//
//
// This file implements the mgc-set-target pass, which resolves a target name
// (host, x86-64-avx2, x86-64-avx512, arm64) into the machine figures of
// codegen/TargetDescription.h, applies the cores / bandwidth-gbps overrides,
// and stores the result as the module's `mgc.target` attribute, replacing any
// target already there. Scheduling and codegen read that attribute.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "codegen/TargetDescription.h"

#include "mlir/IR/Builders.h"

namespace mgc {
#define GEN_PASS_DEF_SETTARGETPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

struct SetTargetPass : impl::SetTargetPassBase<SetTargetPass> {
  using SetTargetPassBase::SetTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();

    // Resolve the name; `host` detects and measures the running machine.
    std::string error;
    std::optional<TargetDescription> target =
        resolveTarget(targetName.getValue(), &error);
    if (!target) {
      module.emitError() << "mgc-set-target: " << error;
      return signalPassFailure();
    }
    // 0 keeps the target's figure; a cores override rescales the peak.
    if (!applyTargetOverrides(*target, cores, bandwidthGbps, &error)) {
      module.emitError() << "mgc-set-target: " << error;
      return signalPassFailure();
    }

    // getChecked runs TargetAttr's verifier, so a figure the host could not
    // detect is reported here rather than producing an invalid attribute.
    Builder builder(&getContext());
    auto attr = TargetAttr::getChecked(
        [&] { return module.emitError() << "mgc-set-target: "; },
        &getContext(), StringRef(target->isa), StringRef(target->halideTarget),
        int64_t(target->vectorBits), int64_t(target->cores), target->l1Bytes,
        target->l2Bytes, target->l3Bytes,
        builder.getF64FloatAttr(target->bandwidthGbps),
        builder.getF64FloatAttr(target->peakGflops));
    if (!attr)
      return signalPassFailure();
    module->setAttr(MgcDialect::kTargetAttrName, attr);
  }
};

} // namespace
} // namespace mgc
