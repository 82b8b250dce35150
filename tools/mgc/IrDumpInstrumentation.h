//===- IrDumpInstrumentation.h - IR files after every pass ------*- C++ -*-===//
//
// Implements --dump-ir-dir: the IR before the pipeline and after each pass is
// written to DIR/NN-<pass>.mlir, numbered in pipeline order, so a user can
// diff what each pass changed.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_IRDUMPINSTRUMENTATION_H
#define MGC_TOOLS_MGC_IRDUMPINSTRUMENTATION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace mgc {

/// Creates `dir`, writes `module` as 00-input.mlir, and adds an
/// instrumentation to `pm` that writes the module after each pass. Returns
/// false with `error` set when the directory or first file cannot be written.
bool addIrDumpInstrumentation(mlir::PassManager &pm, mlir::ModuleOp module,
                              const std::string &dir, std::string &error);

} // namespace mgc

#endif // MGC_TOOLS_MGC_IRDUMPINSTRUMENTATION_H
