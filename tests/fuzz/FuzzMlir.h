//===- FuzzMlir.h - MLIR side of mgc's fuzz harnesses -----------*- C++ -*-===//
//
// What `mgc compile` and `mgc inspect` do with a ModelSpec a reader accepted:
// build the model-level IR (which verifies it) and compute the inspect
// figures. A spec that a reader finalized must build into IR that verifies,
// or be refused by the builder with a message; a verifier error or a crash
// is a frontend bug (the user would not get a message about their file).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TESTS_FUZZ_FUZZMLIR_H
#define MGC_TESTS_FUZZ_FUZZMLIR_H

#include "FuzzCommon.h"

#include "analysis/ModelStats.h"
#include "frontends/ModelBuilder.h"
#include "frontends/ModelSpec.h"
#include "tools/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace mgcfuzz {

/// The registry of the mgc tools, built once.
inline const mlir::DialectRegistry &registry() {
  static const mlir::DialectRegistry *r = [] {
    auto *reg = new mlir::DialectRegistry();
    mgc::registerDialects(*reg);
    return reg;
  }();
  return *r;
}

/// A context as the mgc tools make one, single-threaded, collecting
/// diagnostics into `diagnostics` instead of printing them.
struct FuzzContext {
  mlir::MLIRContext context;
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler;

  FuzzContext()
      : context(registry(), mlir::MLIRContext::Threading::DISABLED),
        handler(&context, [this](mlir::Diagnostic &d) {
          if (diagnostics.size() < 4096) {
            llvm::raw_string_ostream os(diagnostics);
            os << d.getLocation() << ": " << d << "\n";
          }
          return mlir::success();
        }) {
    context.loadAllAvailableDialects();
    context.printOpOnDiagnostic(false);
  }
};

/// Larger models take long to build and teach the fuzzer nothing new.
inline bool smallEnoughToBuild(const mgc::ModelSpec &spec) {
  return spec.numLayers <= 8 && spec.layers.size() <= 8;
}

/// Builds `spec` (which `reader` finalized) and computes its statistics as
/// `mgc inspect` does. `extra` runs on the built module.
inline void buildAndInspect(
    const mgc::ModelSpec &spec, const char *reader,
    const std::function<void(mlir::ModuleOp)> &extra = nullptr) {
  if (!smallEnoughToBuild(spec))
    return;
  FuzzContext fc;
  mlir::OwningOpRef<mlir::ModuleOp> module = mgc::buildModel(spec, fc.context);
  if (!module) {
    // The builders may refuse a shape they cannot lower, with a message at
    // the description's line; building IR that the verifier rejects is a
    // frontend bug (the user gets a compiler-internal error).
    if (fc.diagnostics.empty())
      violated(reader, "accepted a model that fails to build, silently");
    if (fc.diagnostics.find("' op ") != std::string::npos)
      violated(reader, "accepted a model whose IR does not verify:\n" +
                           fc.diagnostics);
    return;
  }
  int64_t contexts[] = {1, spec.maxContext};
  (void)mgc::computeModelStats(*module, contexts);
  if (extra)
    extra(*module);
}

} // namespace mgcfuzz

#endif // MGC_TESTS_FUZZ_FUZZMLIR_H
