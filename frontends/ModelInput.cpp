//===- ModelInput.cpp - reading any model input into mgc IR ---------------===//

#include "frontends/ModelInput.h"

#include "frontends/DescriptionReader.h"
#include "frontends/HfConfigReader.h"
#include "frontends/InputKind.h"
#include "frontends/ModelBuilder.h"
#include "frontends/WeightInputs.h"

#include "mlir/Parser/Parser.h"

using namespace mlir;
using namespace mgc;

OwningOpRef<ModuleOp> mgc::readModelInput(const std::string &path,
                                          const std::string &tool,
                                          MLIRContext &context,
                                          llvm::SourceMgr &sourceMgr,
                                          llvm::raw_ostream &errs) {
  DetectedInput detected = detectInputKind(path);
  if (!detected.ok) {
    errs << tool << ": error: " << detected.error << "\n";
    return {};
  }
  ModelSpec spec;
  switch (detected.kind) {
  case InputKind::MlirText:
    return parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(&context));
  case InputKind::Description: {
    ReadError error;
    if (!readDescription(path, spec, error)) {
      errs << path;
      if (error.pos.line > 0)
        errs << ":" << error.pos.line << ":" << error.pos.column;
      errs << ": error: " << error.message << "\n";
      return {};
    }
    break;
  }
  case InputKind::HuggingFaceDir:
  case InputKind::HuggingFaceConfig: {
    std::vector<Diagnostic> warnings;
    Diagnostic error;
    bool ok = readHfConfig(path, spec, warnings, error);
    for (const Diagnostic &warning : warnings)
      errs << formatDiagnostic(warning, "warning") << "\n";
    if (!ok) {
      errs << formatDiagnostic(error) << "\n";
      return {};
    }
    break;
  }
  case InputKind::Gguf:
  case InputKind::Llama2c:
  case InputKind::RwkvCpp: {
    // The architecture comes from the weight file; its weights must then
    // match what the architecture needs.
    std::string error;
    std::unique_ptr<WeightFile> weights;
    bool ok = false;
    if (detected.kind == InputKind::Gguf) {
      weights = WeightFile::openGguf(path, error);
      ok = weights && ggufArchitecture(*weights, spec, error);
    } else if (detected.kind == InputKind::Llama2c) {
      weights = WeightFile::openLlama2c(path, error);
      ok = weights && llama2cArchitecture(*weights, spec, error);
    } else {
      weights = WeightFile::openRwkvCpp(path, error);
      ok = weights && rwkvCppArchitecture(*weights, spec, error);
    }
    if (!ok) {
      errs << tool << ": error: " << error << "\n";
      return {};
    }
    OwningOpRef<ModuleOp> module = buildModel(spec, context);
    if (module && !checkWeights(*module, *weights, error)) {
      errs << tool << ": error: " << error << "\n";
      return {};
    }
    return module;
  }
  case InputKind::Safetensors:
    errs << tool << ": error: " << path
         << ": a safetensors file holds weights but no architecture; pass the "
            "Hugging Face model directory (config.json beside the "
            "*.safetensors files)\n";
    return {};
  }
  return buildModel(spec, context);
}
