//===- BenchCommand.h - `mgc bench` -----------------------------*- C++ -*-===//
//
// Measures a compiled model like llama-bench: prefill of P tokens ("ppP")
// and generation of N tokens one decode call at a time ("tgN"), for each
// thread count, over repetitions, as a table or one JSON object per line.
// Uses only the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_BENCHCOMMAND_H
#define MGC_TOOLS_MGC_BENCHCOMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

struct BenchOptions {
  std::string model;
  std::vector<int64_t> prompts = {128}; // -p: prefill sizes
  std::vector<int64_t> generate = {64}; // -n: generated tokens
  std::vector<int64_t> depths = {0};    // -d: context filled before each
  std::vector<int> threads = {0};       // -t; 0: all cores
  int repetitions = 5;                  // -r
  bool json = false;                    // --json
  bool profile = false;                 // --profile: a profile per test
};

/// Parses the arguments after `bench`; false after a message on stderr.
bool parseBenchOptions(const std::vector<std::string> &args,
                       BenchOptions &options);

/// Runs the measurements; returns the process exit status.
int runBench(const BenchOptions &options);

const char *benchUsage();

} // namespace mgc

#endif // MGC_TOOLS_MGC_BENCHCOMMAND_H
