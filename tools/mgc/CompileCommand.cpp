//===- CompileCommand.cpp - `mgc compile` -----------------------*- C++ -*-===//

#include "tools/mgc/CompileCommand.h"
#include "tools/mgc/CompileTimeReport.h"
#include "tools/mgc/EmitArtifact.h"

#include "codegen/TargetDescription.h"
#include "frontends/ModelInput.h"
#include "passes/Passes.h"
#include "tools/Registration.h"
#include "tools/mgc/IrDumpInstrumentation.h"
#include "tools/mgc/OutputFile.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace mlir;

const char *mgc::compileUsage() {
  return "usage: mgc compile INPUT [-o OUT] [--target NAME] [-O0|-O2]\n"
         "                   [--emit=mlir|scheduled-mlir|artifact|exe]\n"
         "                   [--mlir-print-ir-after-all] [--mlir-print-debuginfo]\n"
         "                   [--dump-ir-dir DIR] [--tokenizer FILE]\n"
         "                   [--random-weights[=SEED]] [--weight-type TYPE]\n"
         "                   [--time-report] [--disable-pass NAME]\n"
         "\n"
         "  INPUT                      a model description (TOML), a Hugging "
         "Face\n"
         "                             directory or config.json, or mgc IR "
         "(.mlir);\n"
         "                             the kind is detected from the content\n"
         "  -o OUT                     output file (default: stdout); a name\n"
         "                             ending in .mgc implies --emit=artifact\n"
         "  --target NAME              host (default), x86-64-avx2, "
         "x86-64-avx512,\n"
         "                             x86-64-avx512-bf16, arm64\n"
         "  -O0 | -O2                  no fusion and naive (scalar, serial)\n"
         "                             kernel schedules | CSE, canonicalization,\n"
         "                             fusion and target schedules (the default)\n"
         "  --emit=mlir                print the model-level IR\n"
         "  --emit=scheduled-mlir      print the IR outlined into kernels, each\n"
         "                             with the schedule chosen for the target\n"
         "  --emit=artifact            write the compiled model (kernels, plan,\n"
         "                             weights) for `mgc run` to OUT\n"
         "  --emit=exe                 write a standalone executable OUT that\n"
         "                             runs the compiled model; it takes `mgc\n"
         "                             run`'s options (./OUT --prompt TEXT -n N)\n"
         "  --tokenizer FILE           embed a tokenizer in the model: a llama2.c\n"
         "                             tokenizer.bin or a GGUF file's (a GGUF\n"
         "                             input's own is embedded by default)\n"
         "  --weight-type TYPE         f32 (default), f16 or bf16: the type the\n"
         "                             matrix weights are stored in (rounded\n"
         "                             to nearest even; products accumulate\n"
         "                             in f32)\n"
         "  --random-weights[=SEED]    synthesize deterministic weights instead of\n"
         "                             reading a weight file\n"
         "  --time-report              print to stderr where the time went\n"
         "                             (passes, weights, kernels compiled or\n"
         "                             cached, writing)\n"
         "  --disable-pass NAME        leave a fusion pass out of -O2 to\n"
         "                             measure its effect: mgc-fuse-projections\n"
         "                             or mgc-fuse-epilogues (repeatable)\n"
         "  --mlir-print-ir-after-all  print the IR after every pass to "
         "stderr\n"
         "  --mlir-print-debuginfo     print each op's source location\n"
         "  --dump-ir-dir DIR          write the IR before the pipeline and "
         "after every pass to DIR\n";
}

namespace {

bool fail(const std::string &message) {
  llvm::errs() << "mgc compile: error: " << message << "\n";
  return false;
}

/// Takes the value of an option given as `--name=value` or `--name value`.
bool takeValue(const std::vector<std::string> &args, size_t &i,
               const std::string &name, std::string &value) {
  const std::string &arg = args[i];
  if (arg.rfind(name + "=", 0) == 0) {
    value = arg.substr(name.size() + 1);
  } else if (arg == name) {
    if (i + 1 >= args.size())
      return fail("option " + name + " needs a value");
    value = args[++i];
  } else {
    return false;
  }
  if (value.empty())
    return fail("option " + name + " needs a non-empty value");
  return true;
}

bool isOption(const std::string &arg, const std::string &name) {
  return arg == name || arg.rfind(name + "=", 0) == 0;
}

} // namespace

bool mgc::parseCompileOptions(const std::vector<std::string> &args,
                              CompileOptions &options) {
  bool emitGiven = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "-o") {
      if (i + 1 >= args.size())
        return fail("option -o needs a file name");
      options.output = args[++i];
    } else if (isOption(arg, "--target")) {
      if (!takeValue(args, i, "--target", options.target))
        return false;
      const std::vector<std::string> &names = targetNames();
      if (std::find(names.begin(), names.end(), options.target) == names.end())
        return fail("unknown target '" + options.target +
                    "'; expected one of: " + acceptedTargetNames());
    } else if (isOption(arg, "--emit")) {
      if (!takeValue(args, i, "--emit", options.emit))
        return false;
      if (options.emit != "mlir" && options.emit != "scheduled-mlir" &&
          options.emit != "artifact" && options.emit != "exe")
        return fail("--emit=" + options.emit +
                    " is not available in this build; it accepts "
                    "--emit=mlir, --emit=scheduled-mlir, --emit=artifact and "
                    "--emit=exe");
      emitGiven = true;
    } else if (isOption(arg, "--weight-type")) {
      if (!takeValue(args, i, "--weight-type", options.weightType))
        return false;
      if (options.weightType != "f32" && options.weightType != "f16" &&
          options.weightType != "bf16")
        return fail("unknown weight type '" + options.weightType +
                    "'; expected f32, f16 or bf16");
    } else if (isOption(arg, "--disable-pass")) {
      std::string name;
      if (!takeValue(args, i, "--disable-pass", name))
        return false;
      if (name != "mgc-fuse-projections" && name != "mgc-fuse-epilogues")
        return fail("--disable-pass " + name +
                    ": only the fusion passes can be left out: "
                    "mgc-fuse-projections, mgc-fuse-epilogues");
      options.disabledPasses.push_back(name);
    } else if (isOption(arg, "--tokenizer")) {
      if (!takeValue(args, i, "--tokenizer", options.tokenizer))
        return false;
    } else if (arg == "--random-weights") {
      options.randomWeights = true;
    } else if (arg.rfind("--random-weights=", 0) == 0) {
      std::string seed = arg.substr(strlen("--random-weights="));
      char *end = nullptr;
      options.seed = std::strtoull(seed.c_str(), &end, 10);
      if (seed.empty() || *end != '\0')
        return fail("--random-weights=SEED needs a non-negative integer, got '" +
                    seed + "'");
      options.randomWeights = true;
    } else if (isOption(arg, "--dump-ir-dir")) {
      if (!takeValue(args, i, "--dump-ir-dir", options.dumpIrDir))
        return false;
    } else if (arg == "-O0") {
      options.optimize = false;
    } else if (arg == "-O2") {
      options.optimize = true;
    } else if (arg == "--mlir-print-ir-after-all") {
      options.printIrAfterAll = true;
    } else if (arg == "--mlir-print-debuginfo") {
      options.printDebugInfo = true;
    } else if (arg == "--time-report") {
      options.timeReport = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option '" + arg + "'\n" + compileUsage());
    } else if (options.input.empty()) {
      options.input = arg;
    } else {
      return fail("more than one input: '" + options.input + "' and '" + arg +
                  "'");
    }
  }
  if (options.input.empty())
    return fail(std::string("no input given\n") + compileUsage());
  const std::string suffix = ".mgc";
  if (!emitGiven && options.output.size() > suffix.size() &&
      options.output.compare(options.output.size() - suffix.size(),
                             suffix.size(), suffix) == 0)
    options.emit = "artifact";
  if (options.emit == "artifact" && options.output == "-")
    return fail("--emit=artifact writes a compiled model file; name it with "
                "-o FILE.mgc");
  if (options.emit == "exe" && options.output == "-")
    return fail("--emit=exe writes an executable; name it with -o PROG");
  if (!options.tokenizer.empty() && options.emit != "artifact" &&
      options.emit != "exe")
    return fail("--tokenizer is embedded in a compiled model; it needs "
                "--emit=artifact (or -o FILE.mgc) or --emit=exe");
  return true;
}

/// The passes `mgc compile` runs, in order.
static void buildPipeline(PassManager &pm, const mgc::CompileOptions &options) {
  mgc::SetTargetPassOptions target;
  target.targetName = options.target;
  pm.addPass(mgc::createSetTargetPass(target));
  if (options.weightType != "f32") {
    mgc::WeightPrecisionPassOptions precision;
    precision.type = options.weightType;
    pm.addPass(mgc::createWeightPrecisionPass(precision));
  }
  auto enabled = [&](const char *pass) {
    return options.optimize &&
           !llvm::is_contained(options.disabledPasses, pass);
  };
  if (options.optimize) {
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
  }
  if (enabled("mgc-fuse-projections"))
    pm.addPass(mgc::createFuseProjectionsPass());
  if (options.emit == "scheduled-mlir" || options.emit == "artifact" ||
      options.emit == "exe") {
    pm.addPass(mgc::createOutlineKernelsPass());
    if (enabled("mgc-fuse-epilogues"))
      pm.addPass(mgc::createFuseEpiloguesPass());
    mgc::SchedulePassOptions schedule;
    schedule.naive = !options.optimize;
    pm.addPass(mgc::createSchedulePass(schedule));
  }
}

int mgc::runCompile(const CompileOptions &options) {
  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Messages point at the source line; the whole module would bury them.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  CompileTimeReport times;
  OwningOpRef<ModuleOp> module = readModelInput(
      options.input, "mgc compile", context, sourceMgr, llvm::errs());
  if (!module)
    return 1;
  times.lap("front end");

  PassManager pm(&context);
  buildPipeline(pm, options);
  if (options.printIrAfterAll) {
    context.disableMultithreading();
    pm.enableIRPrinting(
        /*shouldPrintBeforePass=*/[](Pass *, Operation *) { return false; },
        /*shouldPrintAfterPass=*/[](Pass *, Operation *) { return true; },
        /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
  }
  if (!options.dumpIrDir.empty()) {
    std::string error;
    if (!addIrDumpInstrumentation(pm, *module, options.dumpIrDir, error)) {
      fail(error);
      return 1;
    }
  }
  if (failed(pm.run(*module)))
    return 1;
  times.lap("passes");
  if (options.emit == "artifact" || options.emit == "exe") {
    int status = emitArtifact(*module, options, times);
    if (status == 0 && options.timeReport)
      times.print();
    return status;
  }

  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  if (options.printDebugInfo) {
    // Inline locations: each op shows its file:line:col directly.
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    flags.useLocalScope();
  }
  module->print(os, flags);
  std::string error;
  if (!writeFileAtomically(options.output, text, error)) {
    fail(error);
    return 1;
  }
  times.lap("writing", std::to_string(text.size()) + " bytes of IR");
  if (options.timeReport)
    times.print();
  return 0;
}
