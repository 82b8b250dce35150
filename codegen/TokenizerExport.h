//===- TokenizerExport.h - a GGUF file's tokenizer, alone -------*- C++ -*-===//
//
// Extracts the tokenizer of a GGUF model into a minimal GGUF file: the
// header, every `tokenizer.*` metadata key (and general.architecture), and no
// tensors. Runtime::Tokenizer::fromGguf reads it like the original, so a
// compiled model can embed its tokenizer without the weights. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_TOKENIZEREXPORT_H
#define MGC_CODEGEN_TOKENIZEREXPORT_H

#include <string>

namespace mgc {

class WeightFile;

/// Whether `file` (a GGUF file) holds a tokenizer (tokenizer.ggml.model).
bool hasGgufTokenizer(const WeightFile &file);

/// The tokenizer-only GGUF bytes of `file`; false with `error` when a value
/// cannot be written.
bool exportGgufTokenizer(const WeightFile &file, std::string &out,
                         std::string &error);

} // namespace mgc

#endif // MGC_CODEGEN_TOKENIZEREXPORT_H
