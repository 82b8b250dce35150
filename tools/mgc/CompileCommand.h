//===- CompileCommand.h - `mgc compile` -------------------------*- C++ -*-===//
//
// Parses the options of `mgc compile` and runs it: read the input, lower it to
// mgc IR, run the pass pipeline, and emit what was asked for.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_COMPILECOMMAND_H
#define MGC_TOOLS_MGC_COMPILECOMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

/// What `mgc compile` was asked to do.
struct CompileOptions {
  std::string input;
  std::string output = "-";  // "-" is stdout
  std::string target = "host";
  std::string emit = "mlir";
  bool optimize = true;      // -O2 (default) or -O0
  bool printIrAfterAll = false;
  bool printDebugInfo = false;  // print each op's source location
  std::string dumpIrDir;     // empty: no per-pass dumps
  std::string tokenizer;     // tokenizer to embed (artifact): tokenizer.bin or GGUF
  bool randomWeights = false; // synthesize weights instead of reading them
  uint64_t seed = 0;          // --random-weights=SEED
  std::string weightType = "f32"; // matrix weights: f32, f16 or bf16
  bool timeReport = false;    // print where the compile's time went
  // -O2 fusion passes left out (--disable-pass), to measure each one's effect
  std::vector<std::string> disabledPasses;
};

/// Parses the arguments after `compile`. Returns false after printing a
/// message to stderr when they are malformed.
bool parseCompileOptions(const std::vector<std::string> &args,
                         CompileOptions &options);

/// Runs the compilation; returns the process exit status.
int runCompile(const CompileOptions &options);

/// The usage text of `mgc compile`.
const char *compileUsage();

} // namespace mgc

#endif // MGC_TOOLS_MGC_COMPILECOMMAND_H
