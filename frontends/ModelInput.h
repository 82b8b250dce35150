//===- ModelInput.h - reading any model input into mgc IR -------*- C++ -*-===//
//
// The one entry every tool uses to turn an input path into model-level mgc
// IR: detects the input's kind from its content, runs the matching reader
// (native description, Hugging Face config, or mgc IR), and lowers the
// architecture. Errors and warnings name file:line:col.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_MODELINPUT_H
#define MGC_FRONTENDS_MODELINPUT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mgc {

/// Reads `path` into a verified module. Reader errors and warnings are
/// printed to `errs` prefixed by `tool` ("mgc compile"); IR diagnostics go
/// through the context's handler (attach one bound to `sourceMgr`). Returns
/// null on any error.
mlir::OwningOpRef<mlir::ModuleOp> readModelInput(const std::string &path,
                                                 const std::string &tool,
                                                 mlir::MLIRContext &context,
                                                 llvm::SourceMgr &sourceMgr,
                                                 llvm::raw_ostream &errs);

} // namespace mgc

#endif // MGC_FRONTENDS_MODELINPUT_H
