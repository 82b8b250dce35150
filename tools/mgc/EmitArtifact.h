//===- EmitArtifact.h - `mgc compile --emit=artifact` -----------*- C++ -*-===//
//
// The last step of `mgc compile` for a compiled model: lowers the scheduled
// module to a plan and kernel requests, finds the weights (the input's
// weight file, or --random-weights), and writes the model file.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_EMITARTIFACT_H
#define MGC_TOOLS_MGC_EMITARTIFACT_H

#include "tools/mgc/CompileCommand.h"
#include "tools/mgc/CompileTimeReport.h"

#include "mlir/IR/BuiltinOps.h"

namespace mgc {

/// Writes the compiled model of the scheduled `module` to options.output.
/// Returns the process exit status; errors go to stderr. Each phase
/// (lowering, weights, kernels, writing) ends with a lap of `times`.
int emitArtifact(mlir::ModuleOp module, const CompileOptions &options,
                 CompileTimeReport &times);

} // namespace mgc

#endif // MGC_TOOLS_MGC_EMITARTIFACT_H
