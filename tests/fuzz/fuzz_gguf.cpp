//===- fuzz_gguf.cpp - fuzzes the GGUF reader ------------------------------===//
//
// Input: a GGUF file. WeightFile::openGguf must accept it or fail with a
// message; an accepted file must keep WeightFile's promises (FuzzWeights.h).
// Then what `mgc compile x.gguf` does: the architecture from the metadata,
// the IR built from it, and the weights checked against the IR.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"
#include "FuzzWeights.h"

#include "frontends/WeightInputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("model.gguf", data, size);
  std::string error;
  std::unique_ptr<mgc::WeightFile> file = mgc::WeightFile::openGguf(path, error);
  if (!file) {
    if (error.empty())
      mgcfuzz::violated("openGguf failed without a message");
    return 0;
  }
  mgcfuzz::checkWeightFile(*file);
  mgc::ModelSpec spec;
  if (!mgc::ggufArchitecture(*file, spec, error)) {
    if (error.empty())
      mgcfuzz::violated("ggufArchitecture failed without a message");
    return 0;
  }
  mgcfuzz::buildAndInspect(spec, "ggufArchitecture", [&](mlir::ModuleOp m) {
    std::string weightError;
    (void)mgc::checkWeights(m, *file, weightError);
  });
  return 0;
}
