//===- EmitArtifact.cpp - `mgc compile --emit=artifact` -------------------===//

#include "tools/mgc/EmitArtifact.h"

#include "codegen/ArtifactWriter.h"
#include "codegen/KernelCompiler.h"
#include "codegen/lowering/ModelLowering.h"
#include "frontends/InputKind.h"
#include "weights/WeightFile.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <thread>

using namespace mgc;

namespace {

int fail(const std::string &message) {
  llvm::errs() << "mgc compile: error: " << message << "\n";
  return 1;
}

/// Opens the weight file that belongs to `input`, when it has one.
std::unique_ptr<WeightFile> openInputWeights(const std::string &input,
                                             std::string &error) {
  DetectedInput detected = detectInputKind(input);
  if (!detected.ok) {
    error = detected.error;
    return nullptr;
  }
  switch (detected.kind) {
  case InputKind::Gguf:
  case InputKind::Llama2c:
    return WeightFile::open(input, error);
  case InputKind::HuggingFaceDir:
    return WeightFile::openSafetensors(input, error);
  case InputKind::HuggingFaceConfig:
    return WeightFile::openSafetensors(
        llvm::sys::path::parent_path(input).str(), error);
  default:
    error = input + " (" + inputKindName(detected.kind) +
            ") names no weights; compile it with --random-weights, or "
            "give a GGUF file, a llama2.c checkpoint or a Hugging Face "
            "directory with *.safetensors";
    return nullptr;
  }
}

} // namespace

int mgc::emitArtifact(mlir::ModuleOp module, const CompileOptions &options) {
  LoweredModel model;
  if (mlir::failed(lowerModel(module, model)))
    return 1;

  std::unique_ptr<WeightFile> file;
  ArtifactOptions artifact;
  artifact.output = options.output;
  artifact.tokenizerPath = options.tokenizer;
  artifact.weights.random = options.randomWeights;
  artifact.weights.seed = options.seed;
  if (!options.randomWeights) {
    std::string error;
    file = openInputWeights(options.input, error);
    if (!file)
      return fail(error);
    artifact.weights.file = file.get();
  }
  artifact.cacheDir = defaultKernelCacheDir();
  artifact.jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  if (std::string error = writeArtifact(model, artifact); !error.empty())
    return fail(error);
  return 0;
}
