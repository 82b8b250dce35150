//===- MgcDialect.cpp - mgc dialect registration ----------------*- C++ -*-===//
//
// Registers the dialect's attributes and ops, and verifies the attributes the
// dialect places on other ops (the module's `mgc.target`).
//
//===----------------------------------------------------------------------===//

#include "ir/MgcDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mgc;

#include "ir/MgcDialect.cpp.inc"

void MgcDialect::initialize() {
  registerAttributes();
  registerOps();
}

LogicalResult MgcDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() != kTargetAttrName)
    return op->emitError() << "unknown mgc attribute '"
                           << attr.getName().getValue()
                           << "'; the only discardable mgc attribute is '"
                           << kTargetAttrName << "'";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << kTargetAttrName
                           << "' may only be placed on a builtin.module";
  if (!isa<TargetAttr>(attr.getValue()))
    return op->emitError() << "'" << kTargetAttrName
                           << "' must be a #mgc.target attribute";
  return success();
}
