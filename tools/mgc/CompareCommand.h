//===- CompareCommand.h - `mgc compare` -------------------------*- C++ -*-===//
//
// Puts architectures side by side on this machine: for each input (a
// description, Hugging Face directory or .mlir, compiled here with random
// weights, or an already compiled model) the analytic figures the compiler
// recorded (parameters total and active, weight bytes read per token, KV
// bytes per position, recurrent state), and measured prefill tokens/s and
// decode latency at several context lengths, with memory (weights + KV +
// state) at those lengths. As a table, as JSON, and as SVG plots of decode
// latency and memory against context, drawn by gnuplot.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_COMPARECOMMAND_H
#define MGC_TOOLS_MGC_COMPARECOMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

struct CompareOptions {
  std::vector<std::string> inputs;
  std::vector<int64_t> contexts = {128, 512, 2048}; // --contexts
  int64_t prompt = 128;                             // -p: prefill size
  int64_t decodeTokens = 16;                        // -n: decode steps timed
  int threads = 0;                                  // -t; 0: all cores
  int repetitions = 3;                              // -r: median of
  bool json = false;                                // --json
  std::string plotsDir; // --plots DIR: decode-latency.svg, memory.svg
};

bool parseCompareOptions(const std::vector<std::string> &args,
                         CompareOptions &options);
int runCompare(const CompareOptions &options);
const char *compareUsage();

} // namespace mgc

#endif // MGC_TOOLS_MGC_COMPARECOMMAND_H
