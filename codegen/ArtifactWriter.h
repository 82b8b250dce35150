//===- ArtifactWriter.h - a lowered model to one model file -----*- C++ -*-===//
//
// Packages a lowered model into one compiled model file (runtime/model/
// ModelFile.h): compiles and links its kernels (KernelCompiler.h) into the
// code section, writes the weights section (WeightsSection.h), embeds a
// tokenizer (given, or a GGUF model's own), and writes the plan. Plain C++: the
// MLIR-facing lowering has already run.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_ARTIFACTWRITER_H
#define MGC_CODEGEN_ARTIFACTWRITER_H

#include "codegen/LoweredModel.h"
#include "codegen/WeightsSection.h"

#include <string>

namespace mgc {

struct ArtifactOptions {
  std::string output; // the model file to write (atomically)
  // Tokenizer to embed: a llama2.c tokenizer.bin or a GGUF file's
  // vocabulary. "": a GGUF weight file's own tokenizer, when it has one.
  std::string tokenizerPath;
  WeightSource weights;
  std::string cacheDir; // kernel object cache; "" disables it
  int jobs = 2;         // kernels compiled at once
};

/// What writing an artifact did, for reports and tests.
struct ArtifactStats {
  int functions = 0;        // distinct compiled functions
  int compiled = 0;         // objects compiled now
  int cached = 0;           // objects taken from the cache
  double kernelSeconds = 0; // compiling and linking
  double weightSeconds = 0; // reading and packing weights
  double writeSeconds = 0;  // writing the model file
  bool libraryCached = false; // the linked kernel library was cached
  uint64_t codeBytes = 0, weightBytes = 0, planBytes = 0;
};

/// Writes `model` to options.output. Returns "" on success, else one
/// message. The model's plan gets its weight offsets and tokenizer.
std::string writeArtifact(LoweredModel &model, const ArtifactOptions &options,
                          ArtifactStats *stats = nullptr);

} // namespace mgc

#endif // MGC_CODEGEN_ARTIFACTWRITER_H
