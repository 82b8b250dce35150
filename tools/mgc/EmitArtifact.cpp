//===- EmitArtifact.cpp - `mgc compile --emit=artifact` -------------------===//

#include "tools/mgc/EmitArtifact.h"

#include "analysis/ModelStats.h"

#include "codegen/ArtifactWriter.h"
#include "codegen/KernelCompiler.h"
#include "codegen/lowering/ModelLowering.h"
#include "frontends/InputKind.h"
#include "runtime/model/ModelFile.h"
#include "tools/mgc/ExeFormat.h"
#include "weights/WeightFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

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
  case InputKind::RwkvCpp:
    return WeightFile::open(input, error);
  case InputKind::HuggingFaceDir:
    return WeightFile::openSafetensors(input, error);
  case InputKind::HuggingFaceConfig:
    return WeightFile::openSafetensors(
        llvm::sys::path::parent_path(input).str(), error);
  default:
    error = input + " (" + inputKindName(detected.kind) +
            ") names no weights; compile it with --random-weights, or "
            "give a GGUF file, a llama2.c checkpoint, an rwkv.cpp model "
            "file or a Hugging Face directory with *.safetensors";
    return nullptr;
  }
}

/// The launcher that --emit=exe copies: bin/mgc-exe-stub beside this mgc.
std::string findExeStub(std::string &error) {
  static int anchor;
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  llvm::SmallString<256> stub(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(stub, kExeStubName);
  if (!llvm::sys::fs::can_execute(stub)) {
    error = std::string("--emit=exe needs the launcher ") + kExeStubName +
            " beside the mgc executable, but " + stub.str().str() +
            " is missing or not executable; build it (ninja " + kExeStubName +
            ") or reinstall mgc";
    return {};
  }
  return stub.str().str();
}

/// Writes `output` atomically: the launcher `stub`, zero padding to a page
/// boundary, the model file `model`, and the trailer; executable.
std::string writeExe(const std::string &output, const std::string &stub,
                     const std::string &model) {
  auto stubBytes = llvm::MemoryBuffer::getFile(stub, /*IsText=*/false,
                                               /*RequiresNullTerminator=*/false);
  if (!stubBytes)
    return stub + ": cannot read the launcher: " +
           stubBytes.getError().message();
  auto modelBytes = llvm::MemoryBuffer::getFile(
      model, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!modelBytes)
    return model + ": cannot read the compiled model: " +
           modelBytes.getError().message();
  uint64_t stubSize = (*stubBytes)->getBufferSize();
  uint64_t offset =
      (stubSize + kWeightsAlignment - 1) / kWeightsAlignment * kWeightsAlignment;
  uint64_t modelSize = (*modelBytes)->getBufferSize();

  llvm::SmallString<256> temp;
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          output + ".tmp-%%%%%%%%", fd, temp))
    return output + ": cannot create a temporary file: " + ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << (*stubBytes)->getBuffer();
    os.write_zeros(unsigned(offset - stubSize));
    os << (*modelBytes)->getBuffer();
    os << encodeExeTrailer(offset, modelSize);
    os.close();
    if (os.has_error()) {
      std::string message = output + ": write failed: " + os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return message;
    }
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::chmod(temp.c_str(), 0777 & ~mask) != 0) {
    std::string message =
        output + ": cannot make it executable: " + std::strerror(errno);
    llvm::sys::fs::remove(temp);
    return message;
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, output)) {
    llvm::sys::fs::remove(temp);
    return output + ": cannot move the output into place: " + ec.message();
  }
  return {};
}

} // namespace

int mgc::emitArtifact(mlir::ModuleOp module, const CompileOptions &options,
                      CompileTimeReport &times) {
  LoweredModel model;
  if (mlir::failed(lowerModel(module, model)))
    return 1;
  // The analytic figures travel with the model (mgc compare, profiles).
  mlir::FailureOr<ModelStats> stats = computeModelStats(module, {});
  if (mlir::failed(stats))
    return 1;
  PlanFigures &figures = model.plan.figures;
  figures.paramsTotal = stats->paramsTotal;
  figures.paramsActive = stats->paramsActive;
  figures.flopsPerToken = stats->flopsPerToken;
  figures.scanFlopsPerToken = stats->scanFlopsPerToken;
  figures.weightBytesTotal = stats->weightBytesTotal;
  figures.weightBytesPerToken = stats->weightBytesPerToken;
  figures.kvBytesPerToken = stats->kvBytesPerToken;
  figures.stateBytes = stats->stateBytes;

  std::unique_ptr<WeightFile> file;
  ArtifactOptions artifact;
  artifact.output = options.output;
  // --emit=exe: the model goes to a temporary beside the output first.
  std::string stub;
  llvm::SmallString<256> modelTemp;
  if (options.emit == "exe") {
    std::string error;
    stub = findExeStub(error);
    if (stub.empty())
      return fail(error);
  }
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
  if (options.emit == "exe") {
    int fd = -1;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(
            options.output + ".model-%%%%%%%%", fd, modelTemp))
      return fail(options.output + ": cannot create a temporary file: " +
                  ec.message());
    ::close(fd);
    artifact.output = modelTemp.str().str();
  }
  times.lap("lowering");
  ArtifactStats written;
  std::string error = writeArtifact(model, artifact, &written);
  if (error.empty() && options.emit == "exe")
    error = writeExe(options.output, stub, artifact.output);
  if (!modelTemp.empty())
    llvm::sys::fs::remove(modelTemp);
  if (!error.empty())
    return fail(error);
  times.add("weights", written.weightSeconds,
            std::to_string(written.weightBytes) + " bytes");
  times.add("kernels", written.kernelSeconds,
            std::to_string(written.functions) + " functions: " +
                std::to_string(written.compiled) + " objects compiled, " +
                std::to_string(written.cached) + " cached" +
                (written.libraryCached ? ", linked library cached" : ""));
  times.add("writing", written.writeSeconds,
            std::to_string(written.planBytes + written.codeBytes +
                           written.weightBytes) +
                " bytes");
  return 0;
}
