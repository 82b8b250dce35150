//===- WeightInputs.h - architectures from weight files ---------*- C++ -*-===//
//
// Reads the architecture of a model from a weight file that carries one (a
// llama2.c checkpoint's header, a GGUF file's metadata, an rwkv.cpp model
// file's header and tensors) into a finalized ModelSpec, and checks that a weight file holds every weight an
// architecture's IR refers to (`mgc.param` name, shape, and a readable type).
//
// Errors are one message starting with the file's path and saying what is
// wrong and what would be accepted.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_WEIGHTINPUTS_H
#define MGC_FRONTENDS_WEIGHTINPUTS_H

#include "frontends/ModelSpec.h"
#include "weights/WeightFile.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mgc {

/// A llama2.c checkpoint: a Llama with RMSNorm eps 1e-5, RoPE theta 10000 in
/// the interleaved-pair convention, SwiGLU FFN of hidden_dim, GQA with
/// n_kv_heads, max context seq_len, and embeddings tied when the header's
/// vocab_size is positive (shared classifier).
bool readLlama2cArchitecture(const std::string &path, ModelSpec &spec,
                             std::string &error);
bool llama2cArchitecture(const WeightFile &file, ModelSpec &spec,
                         std::string &error);

/// A GGUF file of a supported `general.architecture` (see
/// supportedGgufArchitectures), from its `<arch>.*` metadata keys.
bool readGgufArchitecture(const std::string &path, ModelSpec &spec,
                          std::string &error);
bool ggufArchitecture(const WeightFile &file, ModelSpec &spec,
                      std::string &error);

/// The `general.architecture` values readGgufArchitecture accepts.
const std::vector<std::string> &supportedGgufArchitectures();

/// An rwkv.cpp model file of RWKV-4, 5.1, 5.2, 6 or 7 (its `rwkv.version`,
/// told by its tensors): vocabulary, width and depth from the header; heads,
/// LoRA ranks and the channel-mix width from tensor shapes; LayerNorm
/// (eps 1e-5, with bias) after the embedding, before each block and before
/// the head, which is not tied. Tensors of a type the reader does not decode
/// (Q8_1, the K-quants) are an error naming the first.
bool readRwkvCppArchitecture(const std::string &path, ModelSpec &spec,
                             std::string &error);
bool rwkvCppArchitecture(const WeightFile &file, ModelSpec &spec,
                         std::string &error);

/// True when `file` holds every weight the IR of `spec` (a finalized spec)
/// refers to, under mgc's canonical name, with the shape the IR gives it and
/// type F32, F16 or BF16. Otherwise false with `error` listing the missing
/// and mismatched weights.
bool checkWeights(const ModelSpec &spec, const WeightFile &file,
                  std::string &error);
/// The same for the `mgc.param` ops of an already built module.
bool checkWeights(mlir::ModuleOp module, const WeightFile &file,
                  std::string &error);

} // namespace mgc

#endif // MGC_FRONTENDS_WEIGHTINPUTS_H
