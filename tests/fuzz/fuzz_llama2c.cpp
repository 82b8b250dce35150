//===- fuzz_llama2c.cpp - fuzzes the llama2.c checkpoint reader ------------===//
//
// Input: a llama2.c checkpoint. WeightFile::openLlama2c must accept it or
// fail with a message; an accepted file must keep WeightFile's promises
// (FuzzWeights.h). Then what `mgc compile x.bin` does: the architecture from
// the header, the IR built from it, the weights checked against the IR.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"
#include "FuzzWeights.h"

#include "frontends/WeightInputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("model.bin", data, size);
  std::string error;
  std::unique_ptr<mgc::WeightFile> file =
      mgc::WeightFile::openLlama2c(path, error);
  if (!file) {
    if (error.empty())
      mgcfuzz::violated("openLlama2c failed without a message");
    return 0;
  }
  mgcfuzz::checkWeightFile(*file);
  mgc::ModelSpec spec;
  if (!mgc::llama2cArchitecture(*file, spec, error)) {
    if (error.empty())
      mgcfuzz::violated("llama2cArchitecture failed without a message");
    return 0;
  }
  mgcfuzz::buildAndInspect(spec, "llama2cArchitecture", [&](mlir::ModuleOp m) {
    std::string weightError;
    if (!mgc::checkWeights(m, *file, weightError))
      mgcfuzz::violated("a llama2.c checkpoint's own architecture does not "
                        "match its weights", weightError);
  });
  return 0;
}
