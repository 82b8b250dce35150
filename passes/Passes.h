//===- Passes.h - mgc passes ------------------------------------*- C++ -*-===//
//
// Declares every mgc pass and their registration with the pass manager.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_PASSES_PASSES_H
#define MGC_PASSES_PASSES_H

#include "ir/MgcDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mgc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace mgc

#endif // MGC_PASSES_PASSES_H
