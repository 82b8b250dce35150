//===- OutputFile.h - all-or-nothing output files ---------------*- C++ -*-===//
//
// Writes an output file through a temporary in the same directory and renames
// it into place only once complete, so a failed or interrupted run never
// leaves a partial file under the requested name.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_OUTPUTFILE_H
#define MGC_TOOLS_MGC_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mgc {

/// Writes `contents` to `path` atomically ("-" writes to stdout). On failure
/// returns false and sets `error` to a message naming the path.
bool writeFileAtomically(llvm::StringRef path, llvm::StringRef contents,
                         std::string &error);

} // namespace mgc

#endif // MGC_TOOLS_MGC_OUTPUTFILE_H
