//===- DescriptionReader.h - mgc's native model descriptions ----*- C++ -*-===//
//
// Reads a model description in TOML (see README, "Describing a model") into a
// finalized ModelSpec. Every error names file:line:col, the key, and what
// would be accepted; unknown keys are errors, so a typo never silently gives a
// different model.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_DESCRIPTIONREADER_H
#define MGC_FRONTENDS_DESCRIPTIONREADER_H

#include "frontends/ModelSpec.h"
#include "frontends/TomlTable.h"

#include <string>

namespace mgc {

/// Reads and finalizes the description at `path`. Returns false with `error`
/// set on any problem.
bool readDescription(const std::string &path, ModelSpec &spec,
                     ReadError &error);

} // namespace mgc

#endif // MGC_FRONTENDS_DESCRIPTIONREADER_H
