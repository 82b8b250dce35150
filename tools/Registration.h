//===- Registration.h - what the mgc tools register -------------*- C++ -*-===//
//
// The dialects and passes every mgc tool knows, registered in one place so
// mgc and mgc-opt accept the same IR.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_REGISTRATION_H
#define MGC_TOOLS_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace mgc {

/// Adds the mgc dialect and the upstream dialects mgc IR uses (func for the
/// model's entry points) to `registry`.
void registerDialects(mlir::DialectRegistry &registry);

/// Registers every mgc pass with the global pass registry.
void registerPasses();

} // namespace mgc

#endif // MGC_TOOLS_REGISTRATION_H
