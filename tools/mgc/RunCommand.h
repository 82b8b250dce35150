//===- RunCommand.h - `mgc run` ---------------------------------*- C++ -*-===//
//
// Parses the options of `mgc run` and generates with a compiled model. Uses
// only the runtime (runtime/engine, tokenizer, sampler): no MLIR, no LLVM,
// no Halide compiler.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_RUNCOMMAND_H
#define MGC_TOOLS_MGC_RUNCOMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

struct RunOptions {
  std::string model;  // the compiled model file
  // A model embedded in `model` (an executable from --emit=exe): bytes
  // [modelOffset, modelOffset + modelSize). Set before parseRunOptions, it
  // also makes a MODEL argument an error.
  bool embedded = false;
  uint64_t modelOffset = 0, modelSize = 0;
  std::string prompt; // --prompt TEXT
  bool havePrompt = false;
  std::vector<int32_t> tokens; // --tokens 1,2,3
  bool haveTokens = false;
  int64_t steps = 0; // -n: positions in all (prompt included); 0: context
  float temperature = 0.0f; // --temp; 0 is greedy
  int32_t topK = 0;         // --top-k; 0: all
  float topP = 1.0f;        // --top-p
  uint64_t seed = 0;        // --seed
  int threads = 0;          // -t; 0: all cores
  int64_t context = 0;      // --ctx; 0: the model's
  std::string dumpLogits;   // --dump-logits FILE
  std::string tokenizer;    // --tokenizer FILE (llama2.c .bin or GGUF)
  bool stats = false;       // --stats
  bool profile = false;     // --profile: time, FLOPs, bytes per kernel call
  bool json = false;        // --json: --stats and --profile as JSON
};

/// Parses the arguments after `run`. Returns false after printing a
/// message to stderr when they are malformed.
bool parseRunOptions(const std::vector<std::string> &args, RunOptions &options);

/// Runs the generation; returns the process exit status.
int runRun(const RunOptions &options);

/// The usage text of `mgc run`.
const char *runUsage();

/// The usage text of an executable made by `mgc compile --emit=exe`.
std::string embeddedRunUsage(const std::string &program);

/// The prefix of error messages ("mgc run" unless changed).
void setRunProgramName(const std::string &name);

} // namespace mgc

#endif // MGC_TOOLS_MGC_RUNCOMMAND_H
