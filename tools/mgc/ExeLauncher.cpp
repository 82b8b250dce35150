//===- ExeLauncher.cpp - the program --emit=exe writes ------------------===//
//
// bin/mgc-exe-stub: `mgc compile --emit=exe` copies this program and appends
// a compiled model to it (see ExeFormat.h). At start it finds that model in
// its own file and runs it with `mgc run`'s options. Runtime-only: no MLIR,
// no LLVM.
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/ExeFormat.h"
#include "tools/mgc/RunCommand.h"

#include <climits>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

int main(int argc, char **argv) {
  std::string program = argc > 0 && argv[0] ? argv[0] : "mgc-exe";
  if (size_t slash = program.rfind('/'); slash != std::string::npos)
    program = program.substr(slash + 1);
  mgc::setRunProgramName(program);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  for (const std::string &arg : args)
    if (arg == "--help" || arg == "-h") {
      std::fputs(mgc::embeddedRunUsage(program).c_str(), stdout);
      return 0;
    }

  // The executable itself, by its real path (for messages); /proc/self/exe
  // when that cannot be read.
  std::string self = "/proc/self/exe";
  char buffer[PATH_MAX];
  ssize_t n = ::readlink(self.c_str(), buffer, sizeof(buffer) - 1);
  if (n > 0)
    self.assign(buffer, size_t(n));

  mgc::RunOptions options;
  options.embedded = true;
  options.model = self;
  if (!mgc::parseRunOptions(args, options))
    return 2;
  std::string error;
  if (!mgc::findEmbeddedModel(self, options.modelOffset, options.modelSize,
                              error)) {
    std::fprintf(stderr, "%s: error: %s\n", program.c_str(), error.c_str());
    return 1;
  }
  return mgc::runRun(options);
}
