//===- mgc.cpp - the mgc command-line driver --------------------*- C++ -*-===//
//
// `mgc COMMAND ...`: dispatches to one command per file. Exit status is 0 on
// success and non-zero, with one message on stderr, on any error.
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/BenchCommand.h"
#include "tools/mgc/CompareCommand.h"
#include "tools/mgc/CompileCommand.h"
#include "tools/mgc/InspectCommand.h"
#include "tools/mgc/RunCommand.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

static const char *kUsage =
    "usage: mgc COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  compile   lower a model to mgc IR and optimize it (mgc compile --help)\n"
    "  inspect   parameters, FLOPs and bytes per token, KV/state size vs context\n"
    "            (mgc inspect --help)\n"
    "  run       generate with a compiled model (mgc run --help)\n"
    "  bench     prefill and decode tokens/s of a compiled model\n"
    "            (mgc bench --help)\n"
    "  compare   architectures side by side on this machine: figures, speed\n"
    "            and memory vs context, with plots (mgc compare --help)\n";

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc < 2) {
    llvm::errs() << kUsage;
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    llvm::outs() << kUsage;
    return 0;
  }
  if (command == "compile") {
    for (const std::string &arg : args)
      if (arg == "--help" || arg == "-h") {
        llvm::outs() << mgc::compileUsage();
        return 0;
      }
    mgc::CompileOptions options;
    if (!mgc::parseCompileOptions(args, options))
      return 2;
    return mgc::runCompile(options);
  }
  if (command == "inspect") {
    for (const std::string &arg : args)
      if (arg == "--help" || arg == "-h") {
        llvm::outs() << mgc::inspectUsage();
        return 0;
      }
    mgc::InspectOptions options;
    if (!mgc::parseInspectOptions(args, options))
      return 2;
    return mgc::runInspect(options);
  }
  if (command == "run") {
    for (const std::string &arg : args)
      if (arg == "--help" || arg == "-h") {
        llvm::outs() << mgc::runUsage();
        return 0;
      }
    mgc::RunOptions options;
    if (!mgc::parseRunOptions(args, options))
      return 2;
    return mgc::runRun(options);
  }
  if (command == "bench") {
    for (const std::string &arg : args)
      if (arg == "--help" || arg == "-h") {
        llvm::outs() << mgc::benchUsage();
        return 0;
      }
    mgc::BenchOptions options;
    if (!mgc::parseBenchOptions(args, options))
      return 2;
    return mgc::runBench(options);
  }
  if (command == "compare") {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
      llvm::outs() << mgc::compareUsage();
      return 0;
    }
    mgc::CompareOptions options;
    if (!mgc::parseCompareOptions(args, options))
      return 2;
    return mgc::runCompare(options);
  }
  llvm::errs() << "mgc: error: unknown command '" << command << "'\n"
               << kUsage;
  return 2;
}
