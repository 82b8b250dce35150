//===- KernelCompiler.cpp - kernels to one shared object ------------------===//
//
// This file implements buildKernelLibrary: request -> generator -> Halide
// pipeline -> object file (cached by content), the Halide runtime once, and
// the link of everything into one shared object by the system compiler.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelCompiler.h"

#include "codegen/kernels/AttentionKernel.h"
#include "codegen/kernels/Conv1dKernel.h"
#include "codegen/kernels/EmbedKernel.h"
#include "codegen/kernels/HeadLinearKernel.h"
#include "codegen/kernels/LayoutKernel.h"
#include "codegen/kernels/LinearKernel.h"
#include "codegen/kernels/MoeKernels.h"
#include "codegen/kernels/NormKernel.h"
#include "codegen/kernels/RopeKernel.h"
#include "codegen/kernels/ScanKernel.h"
#include "codegen/kernels/SequenceKernel.h"

#include "Halide.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <optional>
#include <spawn.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace mgc {
namespace {

//===----------------------------------------------------------------------===//
// Requests to Halide pipelines
//===----------------------------------------------------------------------===//

/// The Halide type of a weight stored as `type` (f32, f16 or bf16).
Halide::Type halideWeightType(PlanType type) {
  switch (type) {
  case PlanType::f16:
    return Halide::Float(16);
  case PlanType::bf16:
    return Halide::BFloat(16);
  default:
    return Halide::Float(32);
  }
}

/// A built pipeline and its input arguments, whatever generator built it.
struct BuiltKernel {
  Halide::Pipeline pipeline;
  std::vector<Halide::Argument> arguments;
  Halide::Target target;
};

std::optional<BuiltKernel> fromPipeline(KernelPipelineResult result,
                                        std::string &error) {
  if (!result.kernel) {
    error = result.error;
    return std::nullopt;
  }
  return BuiltKernel{result.kernel->pipeline, result.kernel->arguments,
                     result.kernel->target};
}

/// Runs the generator a request names.
struct Generate {
  const KernelSchedule &schedule;
  std::string &error;

  std::optional<BuiltKernel> operator()(const EmbedRequest &r) {
    EmbedKernelSpec spec;
    spec.vocab = r.vocab;
    spec.hidden = r.hidden;
    spec.tokens = r.tokens;
    spec.tableType = halideWeightType(r.tableType);
    return fromPipeline(buildEmbedKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const NormRequest &r) {
    NormKernelSpec spec;
    spec.kind =
        r.layer ? NormKernelSpec::Kind::layer : NormKernelSpec::Kind::rms;
    spec.shape = r.shape;
    spec.weightShape = r.weightShape;
    spec.biasShape = r.biasShape;
    spec.eps = r.eps;
    return fromPipeline(buildNormKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const LinearRequest &r) {
    LinearKernelSpec spec;
    spec.K = r.K;
    spec.N = r.N;
    spec.hasBias = r.hasBias;
    spec.weightType = halideWeightType(r.weightType);
    spec.bf16Activations = r.bf16Activations;
    spec.decodePanels = schedule.decode && r.panel > 0;
    if (r.activation >= 0)
      spec.activation = ElementwiseKernelSpec::Activation(r.activation);
    spec.hasResidual = r.hasResidual;
    LinearKernelResult result = buildLinearKernel(spec, schedule);
    if (!result.kernel) {
      error = result.error;
      return std::nullopt;
    }
    // The weights section is packed for the layout the request names; the
    // kernel must read exactly that.
    const LinearKernel &k = *result.kernel;
    bool panels = k.weightLayout == LinearWeightLayout::panels;
    if (panels != (r.panel > 0) || (panels && k.panel != r.panel)) {
      error = "the linear kernel reads weights as " + k.weightLayoutText +
              ", not the layout codegen packed (" +
              (r.panel > 0 ? "panels of " + std::to_string(r.panel)
                           : std::string("row-major")) +
              ")";
      return std::nullopt;
    }
    return BuiltKernel{k.pipeline, k.arguments, k.target};
  }
  std::optional<BuiltKernel> operator()(const RopeRequest &r) {
    RopeKernelSpec spec;
    spec.tokens = r.tokens;
    spec.features = r.features;
    spec.headDim = r.headDim;
    spec.rotaryDim = r.rotaryDim;
    spec.style = RopeKernelSpec::Style(r.style);
    spec.scaling = RopeKernelSpec::Scaling(r.scaling);
    spec.theta = r.theta;
    spec.factor = r.factor;
    spec.originalContext = r.originalContext;
    spec.lowFreqFactor = r.lowFreqFactor;
    spec.highFreqFactor = r.highFreqFactor;
    spec.attentionFactor = r.attentionFactor;
    return fromPipeline(buildRopeKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const ElementwiseRequest &r) {
    ElementwiseKernelSpec spec;
    spec.shape = r.shape;
    if (r.activation >= 0)
      spec.activation = ElementwiseKernelSpec::Activation(r.activation);
    if (r.binary >= 0)
      spec.binary = ElementwiseKernelSpec::Binary(r.binary);
    spec.rhsShape = r.rhsShape;
    return fromPipeline(buildElementwiseKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const RouteSelectRequest &r) {
    RouteSelectKernelSpec spec;
    spec.scoring = RouteSelectKernelSpec::Scoring(r.scoring);
    spec.tokens = r.tokens;
    spec.experts = r.experts;
    spec.topK = r.topK;
    spec.bias = r.bias;
    spec.normalize = r.normalize;
    spec.scale = r.scale;
    spec.groups = r.groups;
    spec.topkGroups = r.topkGroups;
    return fromPipeline(buildRouteSelectKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const GatherRowsRequest &r) {
    GatherRowsKernelSpec spec;
    spec.features = r.features;
    return fromPipeline(buildGatherRowsKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const HeadLinearRequest &r) {
    HeadLinearKernelSpec spec;
    spec.tokens = r.tokens;
    spec.heads = r.heads;
    spec.in = r.in;
    spec.out = r.out;
    spec.block = r.block;
    spec.offset = r.offset;
    spec.columns = r.columns;
    spec.transpose = r.transpose;
    return fromPipeline(buildHeadLinearKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const LayoutRequest &r) {
    LayoutKernelSpec spec;
    spec.kind = LayoutKernelSpec::Kind(r.kind);
    spec.inputShapes = r.inputShapes;
    spec.resultShape = r.resultShape;
    spec.dim = r.dim;
    spec.offset = r.offset;
    return fromPipeline(buildLayoutKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const ScanRequest &r) {
    ScanKernelSpec spec;
    spec.variant = ScanKernelSpec::Variant(r.variant);
    spec.direction = ScanKernelSpec::Direction(r.direction);
    spec.skip = ScanKernelSpec::Skip(r.skip);
    spec.tokens = r.tokens;
    spec.heads = r.heads;
    spec.headDim = r.headDim;
    spec.stateSize = r.stateSize;
    spec.groups = r.groups;
    spec.hasDt = r.hasDt;
    spec.perTokenDecay = r.perTokenDecay;
    spec.hasState = r.hasState;
    spec.entryMajorState = r.entryMajorState;
    spec.chunk = r.chunk;
    return fromPipeline(buildScanKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const Conv1dRequest &r) {
    Conv1dKernelSpec spec;
    spec.tokens = r.tokens;
    spec.channels = r.channels;
    spec.width = r.width;
    spec.hasBias = r.hasBias;
    spec.hasState = r.hasState;
    spec.centered = r.centered;
    return fromPipeline(buildConv1dKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const SequenceRequest &r) {
    SequenceKernelSpec spec;
    spec.kind = SequenceKernelSpec::Kind(r.kind);
    spec.shape = r.shape;
    spec.hasState = r.hasState;
    return fromPipeline(buildSequenceKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const CombineExpertsRequest &r) {
    CombineExpertsKernelSpec spec;
    spec.features = r.features;
    spec.topK = r.topK;
    return fromPipeline(buildCombineExpertsKernel(spec, schedule), error);
  }
  std::optional<BuiltKernel> operator()(const AttentionRequest &r) {
    AttentionKernelSpec spec;
    spec.mask = r.causal ? AttentionKernelSpec::Mask::causal
                         : AttentionKernelSpec::Mask::bidirectional;
    spec.tokens = r.tokens;
    spec.numHeads = r.numHeads;
    spec.numKvHeads = r.numKvHeads;
    spec.headDim = r.headDim;
    spec.valueHeadDim = r.valueHeadDim;
    spec.capacity = r.capacity;
    spec.window = r.window;
    spec.scale = r.scale;
    spec.softCap = r.softCap;
    return fromPipeline(r.append ? buildKvCacheAppendKernel(spec, schedule)
                                 : buildAttentionKernel(spec, schedule),
                        error);
  }
};

/// Compiles one request to `objectPath`; "" or the reason it failed.
std::string compileObject(const KernelRequest &request,
                          const std::string &objectPath) {
  try {
    std::string error;
    std::optional<BuiltKernel> built =
        std::visit(Generate{request.schedule, error}, request.params);
    if (!built)
      return error;
    // The runtime is linked in once, separately.
    Halide::Target target =
        built->target.with_feature(Halide::Target::NoRuntime);
    built->pipeline.compile_to_object(objectPath, built->arguments,
                                      request.symbol, target);
    return {};
  } catch (const Halide::Error &e) {
    return std::string("Halide failed: ") + e.what();
  } catch (const std::exception &e) {
    return std::string("failed: ") + e.what();
  }
}

std::string compileRuntime(const std::string &halideTarget,
                           const std::string &objectPath) {
  try {
    std::string error;
    std::optional<Halide::Target> target =
        parseHalideTarget(halideTarget, &error);
    if (!target)
      return error;
    Halide::compile_standalone_runtime(objectPath, *target);
    return {};
  } catch (const Halide::Error &e) {
    return std::string("Halide failed to compile its runtime: ") + e.what();
  } catch (const std::exception &e) {
    return std::string("compiling the Halide runtime failed: ") + e.what();
  }
}

//===----------------------------------------------------------------------===//
// Content hashing and the object cache
//===----------------------------------------------------------------------===//

/// Size and modification time of `path`, "" when it cannot be read.
std::string fileStamp(const char *path) {
  struct stat st;
  if (::stat(path, &st) != 0)
    return {};
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec);
}

/// Identifies the code generator: the running executable (any rebuild of
/// the generators changes it) and the Halide library it loaded (Halide 14
/// has no version macros; its LLVM version and file stamp stand in).
const std::string &compilerIdentity() {
  static const std::string identity = [] {
    std::string id = "halide14-llvm" +
                     std::to_string(Halide::Internal::get_llvm_version()) +
                     ";exe=" + fileStamp("/proc/self/exe");
    if (void *symbol =
            reinterpret_cast<void *>(&Halide::Internal::get_llvm_version)) {
      Dl_info info;
      if (::dladdr(symbol, &info) && info.dli_fname)
        id += ";lib=" + std::string(info.dli_fname) + ":" +
              fileStamp(info.dli_fname);
    }
    return id;
  }();
  return identity;
}

/// The cache name of an object: its request's key under this generator.
std::string contentHash(const std::string &key) {
  return contentHashHex(key + "|" + compilerIdentity());
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return bool(in) || in.eof();
}

bool copyFile(const std::string &from, const std::string &to) {
  std::string bytes;
  if (!readFile(from, bytes))
    return false;
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  return bool(out);
}

/// Creates `dir` and its parents; false when it cannot be made.
bool makeDirs(const std::string &dir) {
  if (dir.empty())
    return false;
  for (size_t i = 1; i <= dir.size(); ++i)
    if (i == dir.size() || dir[i] == '/') {
      std::string part = dir.substr(0, i);
      if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
        return false;
    }
  return true;
}

/// Puts `object` into the cache as `name` (write then rename, so readers
/// never see half a file). Failures only cost a later recompile.
void storeInCache(const std::string &cacheDir, const std::string &name,
                  const std::string &object) {
  std::string temp =
      cacheDir + "/" + name + ".tmp" + std::to_string(::getpid());
  if (copyFile(object, temp))
    std::rename(temp.c_str(), (cacheDir + "/" + name).c_str());
  else
    std::remove(temp.c_str());
}

//===----------------------------------------------------------------------===//
// Linking
//===----------------------------------------------------------------------===//

/// Runs `argv` (argv[0] looked up on PATH) with stderr going to `logPath`;
/// "" on exit status 0, else a message with the log's text.
std::string runTool(const std::vector<std::string> &argv,
                    const std::string &logPath) {
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return "cannot run '" + argv[0] + "': " + std::strerror(rc);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return "waiting for '" + argv[0] + "' failed: " + std::strerror(errno);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return {};
  std::string log;
  readFile(logPath, log);
  if (log.size() > 4000)
    log = log.substr(0, 4000) + "...";
  std::string how =
      WIFEXITED(status)
          ? "exited with status " + std::to_string(WEXITSTATUS(status))
          : "was killed by signal " + std::to_string(WTERMSIG(status));
  return "'" + argv[0] + "' " + how + (log.empty() ? "" : ":\n" + log);
}

} // namespace

//===----------------------------------------------------------------------===//
// Public functions
//===----------------------------------------------------------------------===//

std::string defaultKernelCacheDir() {
  if (const char *dir = std::getenv("MGC_CACHE_DIR"))
    return std::string(dir) == "off" ? "" : dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/mgc/kernels";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/mgc/kernels";
  return {};
}

namespace {

/// The linker driver: options.compiler, else $CXX, else "c++"; an error
/// when the kernels are for another architecture and no driver was named
/// (the system compiler links only its own).
std::string linkerDriver(const KernelLibraryOptions &options,
                         std::string &error) {
  if (!options.compiler.empty())
    return options.compiler;
  const char *cxx = std::getenv("CXX");
  if (cxx && *cxx)
    return cxx;
  std::optional<Halide::Target> target =
      parseHalideTarget(options.halideTarget, &error);
  if (!target)
    return {};
#if defined(__x86_64__)
  const bool native = target->arch == Halide::Target::X86 && target->bits == 64;
#elif defined(__aarch64__)
  const bool native = target->arch == Halide::Target::ARM && target->bits == 64;
#else
  const bool native = false;
#endif
  if (!native)
    error = "the kernels are compiled for '" + options.halideTarget +
            "', another architecture than this machine's; set CXX to a C++ "
            "compiler driver that links for it (e.g. "
            "CXX=aarch64-linux-gnu-g++ for arm64)";
  return "c++";
}

} // namespace

std::string buildKernelLibrary(const std::vector<KernelRequest> &requests,
                               const KernelLibraryOptions &options,
                               std::string &sharedObject,
                               KernelLibraryStats *stats) {
  std::string linkError;
  const std::string compiler = linkerDriver(options, linkError);
  if (!linkError.empty())
    return linkError;
  std::string cacheDir = options.cacheDir;
  if (!cacheDir.empty() && !makeDirs(cacheDir))
    cacheDir.clear(); // an unusable cache only makes compiling slower

  // The runtime is one more job, with its own cache name.
  const size_t jobs = requests.size() + 1;
  std::vector<std::string> hashes(jobs);
  for (size_t i = 0; i < jobs; ++i)
    hashes[i] = contentHash(
        i == requests.size()
            ? "halide-runtime;" + options.halideTarget
            : requests[i].key() + ";symbol=" + requests[i].symbol);
  const std::vector<std::string> linkFlags = {
      "-Wl,-Bsymbolic", "-Wl,--no-undefined", "-lpthread", "-ldl", "-lm"};

  // The linked library is cached too, under its objects' names in link
  // order and the link command: a recompile of an unchanged model neither
  // copies objects nor runs the linker.
  std::string libraryKey = "library;" + compiler;
  for (const std::string &flag : linkFlags)
    libraryKey += ";" + flag;
  for (const std::string &hash : hashes)
    libraryKey += ";" + hash;
  const std::string libraryName = contentHash(libraryKey) + ".so";
  if (!cacheDir.empty() &&
      readFile(cacheDir + "/" + libraryName, sharedObject)) {
    if (stats) {
      stats->cached = int(jobs);
      stats->libraryCached = true;
    }
    return {};
  }

  std::vector<std::string> objects(jobs), errors(jobs);
  std::atomic<size_t> next{0};
  std::atomic<int> compiled{0}, cached{0};
  auto work = [&] {
    for (size_t i; (i = next++) < jobs;) {
      bool isRuntime = i == requests.size();
      const std::string &hash = hashes[i];
      std::string object = options.workDir + "/" + hash + ".o";
      objects[i] = object;
      if (!cacheDir.empty() && copyFile(cacheDir + "/" + hash + ".o", object)) {
        ++cached;
        continue;
      }
      errors[i] = isRuntime ? compileRuntime(options.halideTarget, object)
                            : compileObject(requests[i], object);
      if (!errors[i].empty())
        continue;
      ++compiled;
      if (!cacheDir.empty())
        storeInCache(cacheDir, hash + ".o", object);
    }
  };
  std::vector<std::thread> threads;
  int workers = std::max(1, std::min<int>(options.jobs, int(jobs)));
  for (int t = 1; t < workers; ++t)
    threads.emplace_back(work);
  work();
  for (std::thread &t : threads)
    t.join();
  for (size_t i = 0; i < jobs; ++i)
    if (!errors[i].empty())
      return i == requests.size()
                 ? errors[i]
                 : "kernel '" + requests[i].name + "': " + errors[i];
  if (stats) {
    stats->compiled = compiled;
    stats->cached = cached;
  }

  // One shared object: symbols bind inside it (-Bsymbolic), so a process
  // that has its own Halide (the compiler) never mixes runtimes.
  std::string output = options.workDir + "/kernels.so";
  std::vector<std::string> argv = {compiler, "-shared", "-fPIC", "-o", output};
  argv.insert(argv.end(), objects.begin(), objects.end());
  argv.insert(argv.end(), linkFlags.begin(), linkFlags.end());
  if (std::string error = runTool(argv, options.workDir + "/link.log");
      !error.empty())
    return "linking the kernels failed: " + error;
  if (!readFile(output, sharedObject))
    return "cannot read the linked kernels " + output;
  if (!cacheDir.empty())
    storeInCache(cacheDir, libraryName, output);
  return {};
}

} // namespace mgc
