//===- Registration.cpp - what the mgc tools register -----------*- C++ -*-===//

#include "tools/Registration.h"

#include "ir/MgcDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

void mgc::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<mgc::MgcDialect, mlir::func::FuncDialect>();
}

void mgc::registerPasses() { registerMgcPasses(); }
