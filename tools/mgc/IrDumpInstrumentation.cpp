//===- IrDumpInstrumentation.cpp - IR files after every pass ----*- C++ -*-===//

#include "tools/mgc/IrDumpInstrumentation.h"

#include "tools/mgc/OutputFile.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {

/// Prints the top-level module that encloses `op`.
std::string printModule(Operation *op) {
  while (Operation *parent = op->getParentOp())
    op = parent;
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  return text;
}

class IrDumpInstrumentation : public PassInstrumentation {
public:
  explicit IrDumpInstrumentation(std::string dir) : dir(std::move(dir)) {}

  void runAfterPass(Pass *pass, Operation *op) override { dump(pass, op); }
  void runAfterPassFailed(Pass *pass, Operation *op) override {
    dump(pass, op, "-failed");
  }

private:
  void dump(Pass *pass, Operation *op, llvm::StringRef suffix = "") {
    std::string name = pass->getArgument().str();
    if (name.empty())
      name = pass->getName().str();
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(
        path, llvm::formatv("{0:d2}-{1}{2}.mlir", ++count, name, suffix).str());
    std::string error;
    if (!mgc::writeFileAtomically(path, printModule(op), error))
      llvm::errs() << "mgc compile: warning: " << error << "\n";
  }

  std::string dir;
  int count = 0;
};

} // namespace

bool mgc::addIrDumpInstrumentation(PassManager &pm, ModuleOp module,
                                   const std::string &dir,
                                   std::string &error) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = dir + ": cannot create the IR dump directory: " + ec.message();
    return false;
  }
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "00-input.mlir");
  if (!writeFileAtomically(path, printModule(module), error))
    return false;
  // Passes run one at a time so dumps are numbered in pipeline order.
  module.getContext()->disableMultithreading();
  pm.addInstrumentation(std::make_unique<IrDumpInstrumentation>(dir));
  return true;
}
