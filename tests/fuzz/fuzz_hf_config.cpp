//===- fuzz_hf_config.cpp - fuzzes the Hugging Face config.json reader ----===//
//
// Input: a config.json. readHfConfig must either accept it or fail with a
// message; an accepted config must build into verified IR and survive
// `mgc inspect`'s statistics.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"

#include "frontends/HfConfigReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("config.json", data, size);
  mgc::ModelSpec spec;
  std::vector<mgc::Diagnostic> warnings;
  mgc::Diagnostic error;
  if (!mgc::readHfConfig(path, spec, warnings, error)) {
    if (error.message.empty())
      mgcfuzz::violated("readHfConfig failed without a message");
    (void)mgc::formatDiagnostic(error);
    return 0;
  }
  for (const mgc::Diagnostic &w : warnings)
    (void)mgc::formatDiagnostic(w, "warning");
  mgcfuzz::buildAndInspect(spec, "readHfConfig");
  return 0;
}
