//===- InspectCommand.cpp - `mgc inspect` -----------------------*- C++ -*-===//
//
// Reads the input the way `mgc compile` does, hands the model-level module to
// computeModelStats, and formats the figures; nothing is compiled or run.
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/InspectCommand.h"
#include "tools/mgc/InspectModel.h"

#include "analysis/ModelStats.h"
#include "frontends/ModelInput.h"
#include "tools/Registration.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

const char *mgc::inspectUsage() {
  return "usage: mgc inspect INPUT [--json] [--context N,N,...]\n"
         "\n"
         "  INPUT              a model description (TOML) or mgc IR (.mlir);\n"
         "                     the kind is detected from the content\n"
         "  --json             print one JSON object instead of a table\n"
         "  --context N,N,...  context lengths for the KV-cache and attention\n"
         "                     figures (default: 128,1024,4096)\n"
         "\n"
         "Figures are computed from the architecture alone, for one token of\n"
         "the decode entry point (prefill for encoders): parameters in total\n"
         "and active per token, matmul FLOPs per token, weight bytes a decode\n"
         "step reads (one embedding row per token), KV-cache bytes per\n"
         "position and recurrent-state bytes.\n";
}

namespace {

bool fail(const std::string &message) {
  llvm::errs() << "mgc inspect: error: " << message << "\n";
  return false;
}

/// Parses "128,1024,4096" into positive token counts.
bool parseContexts(llvm::StringRef text, std::vector<int64_t> &contexts) {
  contexts.clear();
  llvm::SmallVector<llvm::StringRef> items;
  text.split(items, ',');
  for (llvm::StringRef item : items) {
    int64_t tokens = 0;
    if (item.trim().getAsInteger(10, tokens) || tokens <= 0)
      return fail("--context takes positive token counts separated by "
                  "commas, e.g. --context 128,1024,4096; got '" +
                  text.str() + "'");
    contexts.push_back(tokens);
  }
  return true;
}

} // namespace

bool mgc::parseInspectOptions(const std::vector<std::string> &args,
                              InspectOptions &options) {
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (arg == "--json") {
      options.json = true;
    } else if (arg == "--context") {
      if (i + 1 >= args.size())
        return fail("option --context needs a value, e.g. --context 128,1024");
      if (!parseContexts(args[++i], options.contexts))
        return false;
    } else if (arg.consume_front("--context=")) {
      if (!parseContexts(arg, options.contexts))
        return false;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option '" + arg.str() + "'\n" + inspectUsage());
    } else if (options.input.empty()) {
      options.input = arg.str();
    } else {
      return fail("more than one input: '" + options.input + "' and '" +
                  arg.str() + "'");
    }
  }
  if (options.input.empty())
    return fail(std::string("no input given\n") + inspectUsage());
  return true;
}

/// "1234567" -> "1,234,567".
static std::string grouped(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value), text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      text += ',';
    text += digits[i];
  }
  return value < 0 ? "-" + text : text;
}

/// A short human form: "1.5 M" for counts, "1.5 MiB" for bytes.
static std::string human(int64_t value, bool bytes) {
  static const char *countUnits[] = {"", " K", " M", " G", " T", " P"};
  static const char *byteUnits[] = {" B", " KiB", " MiB", " GiB", " TiB",
                                    " PiB"};
  double base = bytes ? 1024.0 : 1000.0, scaled = double(value);
  int unit = 0;
  while (scaled >= base && unit < 5) {
    scaled /= base;
    ++unit;
  }
  if (unit == 0)
    return std::to_string(value) + (bytes ? " B" : "");
  std::string text;
  llvm::raw_string_ostream(text)
      << llvm::format("%.1f", scaled) << (bytes ? byteUnits : countUnits)[unit];
  return text;
}

/// "1,234,567 (1.2 M)": exact, then short.
static std::string figure(int64_t value, bool bytes) {
  std::string text = grouped(value);
  if (value >= 1000)
    text += " (" + human(value, bytes) + ")";
  return text;
}

static void printTable(llvm::raw_ostream &os, llvm::StringRef model,
                       const mgc::ModelStats &s) {
  os << (model.empty() ? llvm::StringRef("model") : model) << " ("
     << s.entryPoint << " entry point)\n";
  auto row = [&](llvm::StringRef label, int64_t value, bool bytes,
                 llvm::StringRef note = "") {
    std::string line;
    llvm::raw_string_ostream(line)
        << "  " << llvm::left_justify(label, 26)
        << llvm::left_justify(figure(value, bytes), 24) << note;
    os << llvm::StringRef(line).rtrim() << "\n";
  };
  row("params total", s.paramsTotal, false);
  row("params active", s.paramsActive, false, "routed experts: top_k only");
  row("FLOPs per token", s.flopsPerToken, false, "2 x matmul multiply-adds");
  row("scan FLOPs per token", s.scanFlopsPerToken, false,
      "mgc.scan and mgc.conv1d");
  row("weight bytes total", s.weightBytesTotal, true);
  row("weight bytes per token", s.weightBytesPerToken, true,
      "read per decode step, one embedding row");
  row("KV-cache bytes per token", s.kvBytesPerToken, true);
  row("state bytes", s.stateBytes, true, "recurrent and conv, constant");
  row("max context", s.maxContext, false, "smallest KV-cache capacity");
  os << "\n  " << llvm::left_justify("context", 10)
     << llvm::left_justify("KV-cache bytes", 26)
     << "attention FLOPs per token\n";
  for (const mgc::ContextStats &c : s.contexts)
    os << "  " << llvm::left_justify(grouped(c.tokens), 10)
       << llvm::left_justify(figure(c.kvCacheBytes, true), 26)
       << figure(c.attentionFlopsPerToken, false) << "\n";
}

/// One JSON object on one line; the keys of the DESIGN.md contract first.
static void printJson(llvm::raw_ostream &os, llvm::StringRef model,
                      const mgc::ModelStats &s) {
  llvm::json::OStream json(os);
  json.object([&] {
    json.attribute("params_total", s.paramsTotal);
    json.attribute("params_active", s.paramsActive);
    json.attribute("flops_per_token", s.flopsPerToken);
    json.attribute("weight_bytes_per_token", s.weightBytesPerToken);
    json.attribute("kv_bytes_per_token", s.kvBytesPerToken);
    json.attribute("state_bytes", s.stateBytes);
    json.attribute("scan_flops_per_token", s.scanFlopsPerToken);
    json.attribute("weight_bytes_total", s.weightBytesTotal);
    json.attribute("max_context", s.maxContext);
    json.attribute("model", model);
    json.attribute("entry_point", s.entryPoint);
    json.attributeArray("context", [&] {
      for (const mgc::ContextStats &c : s.contexts)
        json.object([&] {
          json.attribute("tokens", c.tokens);
          json.attribute("kv_cache_bytes", c.kvCacheBytes);
          json.attribute("attention_flops_per_token",
                         c.attentionFlopsPerToken);
        });
    });
  });
  os << "\n";
}

int mgc::runInspect(const InspectOptions &options) {
  if (isCompiledModel(options.input))
    return inspectCompiledModel(options.input);
  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Messages point at the source line; the whole module would bury them.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = readModelInput(options.input, "mgc inspect",
                                                  context, sourceMgr,
                                                  llvm::errs());
  if (!module)
    return 1;
  FailureOr<ModelStats> stats = computeModelStats(*module, options.contexts);
  if (failed(stats))
    return 1;
  llvm::StringRef model = module->getSymName().value_or("");
  if (options.json)
    printJson(llvm::outs(), model, *stats);
  else
    printTable(llvm::outs(), model, *stats);
  return 0;
}
