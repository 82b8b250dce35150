//===- InputKind.h - what kind of model input a path holds ------*- C++ -*-===//
//
// Detects the kind of a model input from its content (not only its name): a
// native description, a Hugging Face directory or config.json, a GGUF file, a
// llama2.c checkpoint, an rwkv.cpp model file, a safetensors file, or mgc IR.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_INPUTKIND_H
#define MGC_FRONTENDS_INPUTKIND_H

#include <string>

namespace mgc {

enum class InputKind {
  MlirText,         // mgc IR in MLIR's textual form
  Description,      // mgc's native TOML description
  HuggingFaceDir,   // a directory holding config.json (+ *.safetensors)
  HuggingFaceConfig,// a config.json on its own
  Gguf,             // a GGUF file
  Llama2c,          // a llama2.c checkpoint
  Safetensors,      // a lone safetensors weight file
  RwkvCpp,          // an rwkv.cpp model file (magic 'ggmf')
};

/// A readable name for `kind`, as used in messages.
const char *inputKindName(InputKind kind);

/// Result of detection: the kind, or a message saying why none fits.
struct DetectedInput {
  bool ok = false;
  InputKind kind = InputKind::MlirText;
  std::string error;
};

/// Inspects `path` and names its kind. Never throws; I/O problems and
/// unrecognized content come back as an error message naming the path.
DetectedInput detectInputKind(const std::string &path);

} // namespace mgc

#endif // MGC_FRONTENDS_INPUTKIND_H
