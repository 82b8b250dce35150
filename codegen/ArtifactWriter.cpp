//===- ArtifactWriter.cpp - a lowered model to one model file -------------===//
//
// Implements writeArtifact: weights, kernels (in a temporary directory that
// is removed afterwards), tokenizer, plan, then the atomic write.
//
//===----------------------------------------------------------------------===//

#include "codegen/ArtifactWriter.h"

#include "codegen/KernelCompiler.h"
#include "codegen/TokenizerExport.h"
#include "runtime/model/ModelFile.h"
#include "runtime/tokenizer/Tokenizer.h"
#include "weights/WeightFile.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace mgc;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// A directory under $TMPDIR (or /tmp), removed with its files on scope exit.
class TempDir {
public:
  TempDir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/mgc-compile-XXXXXX";
    if (::mkdtemp(&pattern[0]))
      path = pattern;
  }
  ~TempDir() {
    if (path.empty())
      return;
    if (DIR *dir = ::opendir(path.c_str())) {
      while (dirent *e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name != "." && name != "..")
          ::unlink((path + "/" + name).c_str());
      }
      ::closedir(dir);
    }
    ::rmdir(path.c_str());
  }
  std::string path;
};

bool writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  return bool(out);
}

bool isGguf(const std::string &path) {
  char magic[4] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(magic, 4);
  return in && std::memcmp(magic, "GGUF", 4) == 0;
}

/// The tokenizer-only GGUF of `file`, checked by loading it as the runtime
/// will (through a file in `workDir`); "" on success.
std::string ggufTokenizer(const WeightFile &file, const std::string &workDir,
                          int64_t vocab, std::string &bytes) {
  std::string error;
  if (!exportGgufTokenizer(file, bytes, error))
    return error;
  std::string path = workDir + "/tokenizer.gguf";
  if (!writeFile(path, bytes))
    return "cannot write " + path;
  TokenizerOrError check = Tokenizer::fromGguf(path);
  if (!check.ok())
    return file.path() + ": its tokenizer: " + check.error;
  // Every id the model can produce must decode.
  if (check.tokenizer->vocabSize() != vocab)
    return file.path() + ": its tokenizer has " +
           std::to_string(check.tokenizer->vocabSize()) +
           " tokens, the model's vocabulary " + std::to_string(vocab);
  return {};
}

/// Sets the plan's tokenizer: the file given (llama2.c tokenizer.bin or a
/// GGUF file's vocabulary), else the vocabulary of a GGUF weight file when
/// it has a usable one. "" on success.
std::string embedTokenizer(Plan &plan, const ArtifactOptions &options,
                           const std::string &workDir) {
  const std::string &path = options.tokenizerPath;
  if (!path.empty() && isGguf(path)) {
    std::string error;
    std::unique_ptr<WeightFile> file = WeightFile::openGguf(path, error);
    if (!file)
      return error;
    if (!hasGgufTokenizer(*file))
      return path + ": the GGUF file embeds no tokenizer "
                    "(no tokenizer.ggml.model)";
    plan.tokenizerFormat = "gguf";
    return ggufTokenizer(*file, workDir, plan.vocab, plan.tokenizer);
  }
  if (!path.empty()) {
    TokenizerOrError tokenizer =
        Tokenizer::fromLlama2c(path, int32_t(plan.vocab));
    if (!tokenizer.ok())
      return tokenizer.error;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    plan.tokenizerFormat = "llama2c";
    plan.tokenizer = bytes.str();
    return {};
  }
  // A GGUF model's own tokenizer comes along when the runtime can read it.
  const WeightFile *weights = options.weights.file;
  std::string bytes;
  if (!options.weights.random && weights && hasGgufTokenizer(*weights) &&
      ggufTokenizer(*weights, workDir, plan.vocab, bytes).empty()) {
    plan.tokenizerFormat = "gguf";
    plan.tokenizer = std::move(bytes);
  }
  return {};
}

} // namespace

std::string mgc::writeArtifact(LoweredModel &model,
                               const ArtifactOptions &options,
                               ArtifactStats *stats) {
  ArtifactStats local;
  ArtifactStats &s = stats ? *stats : local;
  s = ArtifactStats();
  s.functions = int(model.kernels.size());

  TempDir work;
  if (work.path.empty())
    return "cannot create a temporary directory for the kernels";
  if (std::string error = embedTokenizer(model.plan, options, work.path);
      !error.empty())
    return error;

  auto start = std::chrono::steady_clock::now();
  std::string weights;
  if (std::string error = buildWeightsSection(
          model.plan, model.weightSourceShapes, model.weightSplats,
          model.weightPrecisions, model.weightParts, options.weights, weights);
      !error.empty())
    return error;
  s.weightSeconds = secondsSince(start);

  KernelLibraryOptions kernelOptions;
  kernelOptions.halideTarget = model.halideTarget;
  kernelOptions.workDir = work.path;
  kernelOptions.cacheDir = options.cacheDir;
  kernelOptions.jobs = options.jobs;
  start = std::chrono::steady_clock::now();
  std::string code;
  KernelLibraryStats kernelStats;
  if (std::string error =
          buildKernelLibrary(model.kernels, kernelOptions, code, &kernelStats);
      !error.empty())
    return error;
  s.kernelSeconds = secondsSince(start);
  s.compiled = kernelStats.compiled;
  s.cached = kernelStats.cached;
  s.libraryCached = kernelStats.libraryCached;

  if (std::string error = validatePlan(model.plan, weights.size());
      !error.empty())
    return "internal error: " + error;
  std::string plan = serializePlan(model.plan);
  s.codeBytes = code.size();
  s.weightBytes = weights.size();
  s.planBytes = plan.size();
  start = std::chrono::steady_clock::now();
  std::string error =
      writeModelFile(options.output, model.targetName, plan, code, weights);
  s.writeSeconds = secondsSince(start);
  return error;
}
