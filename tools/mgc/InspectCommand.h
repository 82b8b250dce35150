//===- InspectCommand.h - `mgc inspect` -------------------------*- C++ -*-===//
//
// Parses the options of `mgc inspect` and runs it: read a model description
// or mgc IR, compute its size and cost figures analytically, and print them
// as a table or as one JSON object.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_INSPECTCOMMAND_H
#define MGC_TOOLS_MGC_INSPECTCOMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

/// What `mgc inspect` was asked to do.
struct InspectOptions {
  std::string input;
  bool json = false;                                 // --json: one JSON object
  std::vector<int64_t> contexts = {128, 1024, 4096}; // --context N,N,...
};

/// Parses the arguments after `inspect`. Returns false after printing a
/// message to stderr when they are malformed.
bool parseInspectOptions(const std::vector<std::string> &args,
                         InspectOptions &options);

/// Inspects the model; returns the process exit status.
int runInspect(const InspectOptions &options);

/// The usage text of `mgc inspect`.
const char *inspectUsage();

} // namespace mgc

#endif // MGC_TOOLS_MGC_INSPECTCOMMAND_H
