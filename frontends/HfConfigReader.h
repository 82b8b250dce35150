//===- HfConfigReader.h - Hugging Face config.json reader -------*- C++ -*-===//
//
// Reads the `config.json` of a Hugging Face model into a finalized ModelSpec
// whose source positions point into that file. Every key that changes the
// computation is mapped exactly as transformers' modeling code uses it; a
// setting mgc cannot honour is an error, never silently dropped, and keys that
// do not change the computation (dtype, token ids, dropout, ...) come back as
// warnings.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_HFCONFIGREADER_H
#define MGC_FRONTENDS_HFCONFIGREADER_H

#include "frontends/ModelSpec.h"

#include <string>
#include <vector>

namespace mgc {

/// A message about a place in an input file; line and column are 1-based, 0
/// when the message concerns the file as a whole.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

/// "file:line:col: severity: message" (or "file: severity: message" without
/// a position).
std::string formatDiagnostic(const Diagnostic &diagnostic,
                             const char *severity = "error");

/// The `model_type` values readHfConfig accepts, in the order messages list
/// them.
const std::vector<std::string> &supportedHfModelTypes();

/// Reads `path` (a directory holding config.json, or the config.json itself)
/// into `spec` and finalizes it (finalizeModelSpec). On success returns true;
/// keys that do not change the computation and are ignored go to `warnings`.
/// On failure returns false with one error naming file:line:col, the key,
/// what is wrong and what would be accepted.
bool readHfConfig(const std::string &path, ModelSpec &spec,
                  std::vector<Diagnostic> &warnings, Diagnostic &error);

} // namespace mgc

#endif // MGC_FRONTENDS_HFCONFIGREADER_H
