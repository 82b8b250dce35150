//===- fuzz_rwkv_cpp.cpp - fuzzes the rwkv.cpp model file reader ----------===//
//
// Input: an rwkv.cpp model file. WeightFile::openRwkvCpp must accept it or
// fail with a message; an accepted file must keep WeightFile's promises
// (FuzzWeights.h), its derived tensors (decoded blocks, RWKV-5 log decays,
// RWKV-7 mix rows) included. Then what `mgc compile x.bin` does: the
// architecture from the tensors, the IR built from it, the weights checked
// against the IR. Seeds (corpus/rwkv_cpp) are one-layer RWKV-4, 5.1, 5.2,
// 6 (with Q5_1 matrices) and 7 files of width 32.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"
#include "FuzzWeights.h"

#include "frontends/WeightInputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("model.bin", data, size);
  std::string error;
  std::unique_ptr<mgc::WeightFile> file =
      mgc::WeightFile::openRwkvCpp(path, error);
  if (!file) {
    if (error.empty())
      mgcfuzz::violated("openRwkvCpp failed without a message");
    return 0;
  }
  mgcfuzz::checkWeightFile(*file);
  mgc::ModelSpec spec;
  if (!mgc::rwkvCppArchitecture(*file, spec, error)) {
    if (error.empty())
      mgcfuzz::violated("rwkvCppArchitecture failed without a message");
    return 0;
  }
  mgcfuzz::buildAndInspect(spec, "rwkvCppArchitecture", [&](mlir::ModuleOp m) {
    std::string weightError;
    (void)mgc::checkWeights(m, *file, weightError);
  });
  return 0;
}
