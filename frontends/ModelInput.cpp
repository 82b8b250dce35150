//===- ModelInput.cpp - reading any model input into mgc IR ---------------===//

#include "frontends/ModelInput.h"

#include "frontends/DescriptionReader.h"
#include "frontends/HfConfigReader.h"
#include "frontends/InputKind.h"
#include "frontends/ModelBuilder.h"

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
  default:
    errs << tool << ": error: " << path << ": " << inputKindName(detected.kind)
         << " input is not supported by this build yet; it reads model "
            "descriptions (TOML), Hugging Face config.json and mgc IR "
            "(.mlir)\n";
    return {};
  }
  return buildModel(spec, context);
}
