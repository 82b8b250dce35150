//===- fuzz_description.cpp - fuzzes the TOML description reader ----------===//
//
// Input: a model description (.toml); detectInputKind and readDescription
// see it. readDescription must either accept it
// or fail with a message; an accepted description must build into verified
// IR and survive `mgc inspect`'s statistics.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"

#include "frontends/DescriptionReader.h"
#include "frontends/InputKind.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("model.toml", data, size);
  // `mgc compile` first tells the kind of input from its content.
  mgc::DetectedInput kind = mgc::detectInputKind(path);
  if (!kind.ok && kind.error.empty())
    mgcfuzz::violated("detectInputKind failed without a message");
  mgc::ModelSpec spec;
  mgc::ReadError error;
  if (!mgc::readDescription(path, spec, error)) {
    if (error.message.empty())
      mgcfuzz::violated("readDescription failed without a message");
    return 0;
  }
  mgcfuzz::buildAndInspect(spec, "readDescription");
  return 0;
}
