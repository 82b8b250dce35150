//===- mgc-opt.cpp - the mgc optimizer driver -------------------*- C++ -*-===//
//
// Parses, verifies, transforms and prints mgc IR, like mlir-opt, with only the
// dialects and passes mgc uses registered.
//
//===----------------------------------------------------------------------===//

#include "tools/Registration.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mgc::registerDialects(registry);
  mgc::registerPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mgc optimizer driver\n", registry));
}
