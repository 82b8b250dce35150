//===- InspectModel.h - `mgc inspect` on a compiled model -------*- C++ -*-===//
//
// Prints what a compiled model file holds: its header (target, section
// sizes), the kernels, weights and states of its plan, and per entry point
// the arena slots and the ordered kernel calls with their bindings — the
// memory plan and execution plan the runtime follows. Runtime only.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_INSPECTMODEL_H
#define MGC_TOOLS_MGC_INSPECTMODEL_H

#include <string>

namespace mgc {

/// Whether `path` starts with the compiled model magic number.
bool isCompiledModel(const std::string &path);

/// Prints the plan of the compiled model at `path` to stdout; returns the
/// process exit status (errors go to stderr).
int inspectCompiledModel(const std::string &path);

} // namespace mgc

#endif // MGC_TOOLS_MGC_INSPECTMODEL_H
