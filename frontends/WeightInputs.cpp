//===- WeightInputs.cpp - architectures from weight files -----------------===//
//
// This file implements the architecture readers for llama2.c checkpoints,
// GGUF files and rwkv.cpp model files, and checkWeights, which compares the
// `mgc.param` ops of a model's IR with the tensors of a weight file. The
// llama2.c and GGUF readers build the same ModelSpec shape as a llama
// config.json: one attention mixer "attn", one SwiGLU FFN "dense", every
// layer using both; the rwkv.cpp reader one RWKV time mix "time_mix" and
// one channel mix "channel_mix".
//
//===----------------------------------------------------------------------===//

#include "frontends/WeightInputs.h"

#include "frontends/ModelBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <map>

using namespace mgc;

namespace {

/// The one-attention, one-FFN layer schedule of a Llama.
void addLlamaLayers(ModelSpec &spec, int64_t heads, int64_t kvHeads,
                    int64_t intermediate) {
  MixerSpec mixer;
  mixer.name = "attn";
  mixer.kind = MixerSpec::Kind::attention;
  mixer.attention.heads = heads;
  mixer.attention.kvHeads = kvHeads;
  spec.mixers.push_back(mixer);
  FfnSpec ffn;
  ffn.name = "dense";
  ffn.kind = FfnSpec::Kind::mlp;
  ffn.activation = FfnKind::swiglu;
  ffn.intermediate = intermediate;
  spec.ffns.push_back(ffn);
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{0, 0});
}

bool finalize(ModelSpec &spec, const std::string &path, std::string &error) {
  std::string message;
  SourcePos pos;
  if (finalizeModelSpec(spec, message, pos))
    return true;
  error = path + ": the architecture it describes is invalid: " + message;
  return false;
}

} // namespace

//===----------------------------------------------------------------------===//
// llama2.c
//===----------------------------------------------------------------------===//

bool mgc::readLlama2cArchitecture(const std::string &path, ModelSpec &spec,
                                  std::string &error) {
  std::unique_ptr<WeightFile> file = WeightFile::openLlama2c(path, error);
  return file && llama2cArchitecture(*file, spec, error);
}

bool mgc::llama2cArchitecture(const WeightFile &file, ModelSpec &spec,
                              std::string &error) {
  auto header = [&](const char *field) {
    int64_t v = 0;
    const MetaValue *m = file.meta(std::string("llama2c.") + field);
    if (m)
      m->getInt(v);
    return v;
  };
  if (file.format() != WeightFormat::Llama2c) {
    error = file.path() + ": not a llama2.c checkpoint";
    return false;
  }
  // The reader validated the header: sizes positive, heads dividing dim.
  int64_t vocab = header("vocab_size");
  spec = ModelSpec();
  spec.name = "llama";
  spec.file = file.path();
  spec.vocab = vocab < 0 ? -vocab : vocab;
  spec.hidden = header("dim");
  spec.numLayers = header("n_layers");
  spec.maxContext = header("seq_len");
  spec.norm.kind = NormKind::rms;
  spec.norm.eps = 1e-5;
  spec.positions = PositionKind::rope;
  spec.rope.theta = 10000.0;
  // run.c rotates adjacent pairs (x[2i], x[2i+1]).
  spec.rope.style = RopeStyle::interleaved;
  // A positive vocab_size means the classifier is the token embedding.
  spec.tieEmbeddings = vocab > 0;
  addLlamaLayers(spec, header("n_heads"), header("n_kv_heads"),
                 header("hidden_dim"));
  return finalize(spec, file.path(), error);
}

//===----------------------------------------------------------------------===//
// GGUF
//===----------------------------------------------------------------------===//

namespace {

/// Typed access to a GGUF file's `<arch>.*` metadata; the first problem
/// becomes `error`.
class GgufKeys {
public:
  GgufKeys(const WeightFile &file, std::string arch, std::string &error)
      : file_(file), arch_(std::move(arch)), error_(error) {}

  bool failed() const { return failed_; }
  void fail(const std::string &message) {
    if (!failed_)
      error_ = file_.path() + ": " + message;
    failed_ = true;
  }
  std::string key(const char *suffix) const { return arch_ + "." + suffix; }

  /// An integer in [min, max]; `dflt` when absent and not required.
  int64_t getInt(const char *suffix, bool required, int64_t dflt,
                 int64_t min, int64_t max) {
    std::string k = key(suffix);
    const MetaValue *m = file_.meta(k);
    if (!m) {
      if (required)
        fail("GGUF metadata '" + k + "' is missing; a " + arch_ +
             " model needs it");
      return dflt;
    }
    int64_t v = 0;
    if (!m->getInt(v)) {
      fail("GGUF metadata '" + k + "' is a " + m->typeName() +
           "; expected an integer");
      return dflt;
    }
    if (v < min || v > max) {
      fail("GGUF metadata '" + k + "' is " + std::to_string(v) +
           "; expected " + std::to_string(min) + " to " + std::to_string(max));
      return dflt;
    }
    return v;
  }

  /// A positive number; `dflt` when absent and not required.
  double getPositive(const char *suffix, bool required, double dflt) {
    std::string k = key(suffix);
    const MetaValue *m = file_.meta(k);
    if (!m) {
      if (required)
        fail("GGUF metadata '" + k + "' is missing; a " + arch_ +
             " model needs it");
      return dflt;
    }
    double v = 0;
    if (!m->getDouble(v) || !(v > 0)) {
      fail("GGUF metadata '" + k + "' must be a positive number");
      return dflt;
    }
    return v;
  }

  std::string getString(const char *suffix, const std::string &dflt) {
    const MetaValue *m = file_.meta(key(suffix));
    if (!m)
      return dflt;
    if (!m->isString()) {
      fail("GGUF metadata '" + key(suffix) + "' is a " + m->typeName() +
           "; expected a string");
      return dflt;
    }
    return m->text;
  }

private:
  const WeightFile &file_;
  std::string arch_;
  std::string &error_;
  bool failed_ = false;
};

constexpr int64_t kMaxSize = int64_t(1) << 24;

/// The llama architecture (also Mistral and other models llama.cpp
/// converts to it), keys as llama.cpp's llm_load_hparams reads them.
bool readGgufLlama(const WeightFile &file, ModelSpec &spec,
                   std::string &error) {
  GgufKeys keys(file, "llama", error);
  spec.hidden = keys.getInt("embedding_length", true, 0, 1, 1 << 20);
  spec.numLayers = keys.getInt("block_count", true, 0, 1, 4096);
  int64_t intermediate =
      keys.getInt("feed_forward_length", true, 0, 1, kMaxSize);
  int64_t heads = keys.getInt("attention.head_count", true, 0, 1, 65536);
  int64_t kvHeads =
      keys.getInt("attention.head_count_kv", false, heads, 1, 65536);
  spec.norm.eps =
      keys.getPositive("attention.layer_norm_rms_epsilon", true, 1e-5);
  spec.rope.theta = keys.getPositive("rope.freq_base", false, 10000.0);
  spec.maxContext = keys.getInt("context_length", true, 0, 1, kMaxSize);
  if (keys.getInt("expert_count", false, 0, 0, 65536) > 0)
    keys.fail("'llama.expert_count' > 0 (a Mixture-of-Experts llama) is not "
              "supported from GGUF yet; only dense llama models are");
  std::string scaling = keys.getString("rope.scaling.type", "none");
  if (scaling == "linear") {
    spec.rope.scaling = RopeScaling::linear;
    spec.rope.factor = keys.getPositive("rope.scaling.factor", true, 1.0);
  } else if (scaling != "none") {
    keys.fail("'llama.rope.scaling.type' \"" + scaling +
              "\" is not supported; expected \"none\" or \"linear\"");
  }
  if (file.findStored("rope_freqs.weight"))
    keys.fail("per-frequency RoPE factors (tensor 'rope_freqs.weight', Llama "
              "3.1 scaling) are not supported from GGUF yet");
  if (keys.failed())
    return false;

  // Head sizes: llama.cpp's defaults are hidden / heads.
  int64_t headDim = spec.hidden / heads;
  int64_t keyLength =
      keys.getInt("attention.key_length", false, headDim, 1, 65536);
  int64_t valueLength =
      keys.getInt("attention.value_length", false, keyLength, 1, 65536);
  int64_t rotary = keys.getInt("rope.dimension_count", false, keyLength, 2,
                               keyLength);
  if (keys.failed())
    return false;

  // The vocabulary: an explicit size, the tokenizer's, or the embedding's.
  int64_t vocab = keys.getInt("vocab_size", false, 0, 1, kMaxSize);
  if (vocab == 0)
    if (const MetaValue *tokens = file.meta("tokenizer.ggml.tokens"))
      vocab = int64_t(tokens->arrayLength());
  if (vocab == 0)
    if (const TensorInfo *embed = file.find("embed.tokens.weight"))
      if (embed->shape.size() == 2)
        vocab = embed->shape[0];
  if (vocab == 0) {
    error = file.path() + ": cannot tell the vocabulary size: no "
                          "'llama.vocab_size', 'tokenizer.ggml.tokens' or "
                          "2-D 'token_embd.weight'";
    return false;
  }
  spec.vocab = vocab;
  spec.norm.kind = NormKind::rms;
  spec.positions = PositionKind::rope;
  // llama.cpp's convert_hf_to_gguf.py permutes Hugging Face's Q and K rows
  // back from the rotate-half layout to Meta's original interleaved-pair
  // layout, and llama.cpp applies RoPE to adjacent pairs (LLAMA_ROPE_TYPE_NORM)
  // for this architecture: llama GGUF weights are interleaved.
  spec.rope.style = RopeStyle::interleaved;
  spec.rope.rotaryDim = rotary == keyLength ? 0 : rotary;
  // No output tensor: llama.cpp reuses the token embedding.
  spec.tieEmbeddings = file.find("output.weight") == nullptr;
  addLlamaLayers(spec, heads, kvHeads, intermediate);
  if (keyLength != headDim || valueLength != keyLength) {
    spec.mixers[0].attention.headDim = keyLength;
    spec.mixers[0].attention.vHeadDim = valueLength;
  }
  return true;
}

struct GgufArchitecture {
  const char *name;
  bool (*read)(const WeightFile &, ModelSpec &, std::string &);
};

const GgufArchitecture kGgufArchitectures[] = {
    {"llama", readGgufLlama},
};

} // namespace

const std::vector<std::string> &mgc::supportedGgufArchitectures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const GgufArchitecture &a : kGgufArchitectures)
      v.push_back(a.name);
    return v;
  }();
  return names;
}

bool mgc::readGgufArchitecture(const std::string &path, ModelSpec &spec,
                               std::string &error) {
  std::unique_ptr<WeightFile> file = WeightFile::openGguf(path, error);
  return file && ggufArchitecture(*file, spec, error);
}

bool mgc::ggufArchitecture(const WeightFile &file, ModelSpec &spec,
                           std::string &error) {
  std::string supported;
  for (const std::string &name : supportedGgufArchitectures())
    supported += (supported.empty() ? "'" : ", '") + name + "'";
  if (file.format() != WeightFormat::Gguf) {
    error = file.path() + ": not a GGUF file";
    return false;
  }
  const MetaValue *arch = file.meta("general.architecture");
  if (!arch || !arch->isString()) {
    error = file.path() + ": GGUF metadata 'general.architecture' is " +
            (arch ? "a " + arch->typeName() : std::string("missing")) +
            "; expected a string, one of " + supported;
    return false;
  }
  for (const GgufArchitecture &a : kGgufArchitectures) {
    if (arch->text != a.name)
      continue;
    spec = ModelSpec();
    spec.name = a.name;
    spec.file = file.path();
    return a.read(file, spec, error) && finalize(spec, file.path(), error);
  }
  error = file.path() + ": GGUF architecture '" + arch->text +
          "' is not supported; supported: " + supported;
  return false;
}

//===----------------------------------------------------------------------===//
// rwkv.cpp
//===----------------------------------------------------------------------===//

namespace {

/// Reads the sizes an rwkv.cpp file gives by its tensors' shapes; the first
/// problem becomes `error`.
class RwkvShapes {
public:
  RwkvShapes(const WeightFile &file, std::string &error)
      : file_(file), error_(error) {}

  bool failed() const { return failed_; }
  void fail(const std::string &message) {
    if (!failed_)
      error_ = file_.path() + ": " + message;
    failed_ = true;
  }

  /// The shape of the tensor mgc calls `canonical` (stored as `stored`),
  /// which must have `rank` dimensions; empty after a failure.
  std::vector<int64_t> shape(const std::string &canonical,
                             const std::string &stored, size_t rank) {
    const TensorInfo *t = file_.find(canonical);
    if (!t) {
      fail("this RWKV-" + version() + " file has no tensor '" + stored + "'");
      return {};
    }
    if (t->shape.size() != rank) {
      fail("tensor '" + t->name + "' has shape " + shapeString(t->shape) +
           "; expected " + std::to_string(rank) + " dimension" +
           (rank > 1 ? "s" : ""));
      return {};
    }
    return t->shape;
  }

  /// Rows of the [rows, hidden] matrix `canonical`.
  int64_t rows(const std::string &canonical, const std::string &stored,
               int64_t hidden) {
    std::vector<int64_t> s = shape(canonical, stored, 2);
    if (!s.empty() && s[1] != hidden)
      fail("tensor '" + stored + "' has shape " + shapeString(s) +
           "; expected [rows, " + std::to_string(hidden) + "] (n_embed " +
           std::to_string(hidden) + ")");
    return s.empty() ? 0 : s[0];
  }

  std::string version() const {
    const MetaValue *v = file_.meta("rwkv.version");
    return v && v->isString() ? v->text : "?";
  }

private:
  static std::string shapeString(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  }

  const WeightFile &file_;
  std::string &error_;
  bool failed_ = false;
};

/// Heads and head size from the [H, N] (or [H]) tensor `canonical`.
void rwkvHeads(RwkvShapes &shapes, const std::string &canonical,
               const std::string &stored, size_t rank, int64_t hidden,
               ScanSpec &scan) {
  std::vector<int64_t> s = shapes.shape(canonical, stored, rank);
  if (s.empty())
    return;
  int64_t heads = s[0];
  if (heads <= 0 || hidden % heads != 0 ||
      (rank == 2 && heads * s[1] != hidden)) {
    shapes.fail("tensor '" + stored + "' gives " + std::to_string(heads) +
                " heads, which do not divide n_embed " +
                std::to_string(hidden) + " into heads of equal size");
    return;
  }
  scan.heads = heads;
  scan.headDim = hidden / heads;
}

} // namespace

bool mgc::readRwkvCppArchitecture(const std::string &path, ModelSpec &spec,
                                  std::string &error) {
  std::unique_ptr<WeightFile> file = WeightFile::openRwkvCpp(path, error);
  return file && rwkvCppArchitecture(*file, spec, error);
}

bool mgc::rwkvCppArchitecture(const WeightFile &file, ModelSpec &spec,
                              std::string &error) {
  if (file.format() != WeightFormat::RwkvCpp) {
    error = file.path() + ": not an rwkv.cpp model file";
    return false;
  }
  // The reader decodes the classic quantized types; say so before anything
  // else about a file of another one.
  for (const TensorInfo &t : file.tensors())
    if (t.dtype == DType::Unsupported && !t.canonicalName.empty()) {
      error = file.path() + ": tensor '" + t.name + "' is " + t.storedType +
              "; mgc reads rwkv.cpp files of FP32, FP16, Q4_0, Q4_1, Q5_0, "
              "Q5_1 and Q8_0 tensors";
      return false;
    }
  auto header = [&](const char *field) {
    int64_t v = 0;
    if (const MetaValue *m = file.meta(std::string("rwkv.") + field))
      m->getInt(v);
    return v;
  };
  RwkvShapes shapes(file, error);
  std::string version = shapes.version();
  spec = ModelSpec();
  spec.name = "rwkv" + version;
  spec.file = file.path();
  spec.vocab = header("n_vocab");
  spec.hidden = header("n_embed");
  spec.numLayers = header("n_layer");
  spec.positions = PositionKind::none;
  spec.embeddingNorm = true; // blocks.0.ln0
  spec.norm.kind = NormKind::layer;
  spec.norm.eps = 1e-5;
  spec.norm.bias = true;
  spec.tieEmbeddings = false;
  const int64_t c = spec.hidden;

  std::vector<int64_t> embed =
      shapes.shape("embed.tokens.weight", "emb.weight", 2);
  if (!embed.empty() && (embed[0] != spec.vocab || embed[1] != c))
    shapes.fail("tensor 'emb.weight' has shape [" + std::to_string(embed[0]) +
                ", " + std::to_string(embed[1]) + "]; the header's n_vocab " +
                std::to_string(spec.vocab) + " and n_embed " +
                std::to_string(c) + " need [" + std::to_string(spec.vocab) +
                ", " + std::to_string(c) + "]");

  MixerSpec mixer;
  mixer.name = "time_mix";
  mixer.kind = MixerSpec::Kind::scan;
  ScanSpec &scan = mixer.scan;
  if (version == "4") {
    scan.kind = ScanMixerKind::rwkv4;
  } else if (version == "5.1") {
    scan.kind = ScanMixerKind::rwkv5_1;
    rwkvHeads(shapes, "layers.0.att.time_decay", "blocks.0.att.time_decay", 1,
              c, scan);
  } else if (version == "5.2") {
    scan.kind = ScanMixerKind::rwkv5_2;
    rwkvHeads(shapes, "layers.0.att.time_decay", "blocks.0.att.time_decay", 2,
              c, scan);
  } else if (version == "6") {
    scan.kind = ScanMixerKind::rwkv6;
    rwkvHeads(shapes, "layers.0.att.time_faaaa", "blocks.0.att.time_faaaa", 2,
              c, scan);
    int64_t mix =
        shapes.rows("layers.0.att.time_maa_w1", "blocks.0.att.time_maa_w1", c);
    if (!shapes.failed() && mix % 5 != 0)
      shapes.fail("tensor 'blocks.0.att.time_maa_w1' has " +
                  std::to_string(mix) +
                  " rows; RWKV-6 stacks five LoRAs of equal rank");
    scan.mixLoraRank = mix / 5;
    scan.decayLoraRank = shapes.rows("layers.0.att.time_decay_w1",
                                     "blocks.0.att.time_decay_w1", c);
  } else if (version == "7") {
    scan.kind = ScanMixerKind::rwkv7;
    rwkvHeads(shapes, "layers.0.att.r_k", "blocks.0.att.r_k", 2, c, scan);
    scan.decayLoraRank = shapes.rows("layers.0.att.w1", "blocks.0.att.w1", c);
    scan.mixLoraRank = shapes.rows("layers.0.att.a1", "blocks.0.att.a1", c);
    scan.gateLoraRank = shapes.rows("layers.0.att.g1", "blocks.0.att.g1", c);
    // The first layer has no value residual.
    if (spec.numLayers > 1)
      scan.valueLoraRank =
          shapes.rows("layers.1.att.v1", "blocks.1.att.v1", c);
  } else {
    shapes.fail("metadata 'rwkv.version' is '" + version +
                "'; expected 4, 5.1, 5.2, 6 or 7");
  }
  FfnSpec ffn;
  ffn.name = "channel_mix";
  ffn.kind = FfnSpec::Kind::rwkv;
  ffn.intermediate =
      shapes.rows("layers.0.ffn.key.weight", "blocks.0.ffn.key.weight", c);
  if (shapes.failed())
    return false;
  spec.mixers.push_back(mixer);
  spec.ffns.push_back(ffn);
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{0, 0});
  return finalize(spec, file.path(), error);
}

//===----------------------------------------------------------------------===//
// Checking weights against the IR
//===----------------------------------------------------------------------===//

namespace {

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// " (stored as 'blk.0.attn_q.weight')" when the file's name differs.
std::string storedAs(const TensorInfo &t) {
  return t.name == t.canonicalName ? "" : " (stored as '" + t.name + "')";
}

} // namespace

bool mgc::checkWeights(mlir::ModuleOp module, const WeightFile &file,
                       std::string &error) {
  // Each weight once, in name order so messages are stable.
  std::map<std::string, std::vector<int64_t>> params;
  module.walk([&](ParamOp op) {
    auto type = mlir::cast<mlir::RankedTensorType>(op.getType());
    params.emplace(op.getName().str(), type.getShape().vec());
  });

  constexpr size_t kMaxListed = 8;
  std::vector<std::string> problems;
  for (const auto &[name, shape] : params) {
    const TensorInfo *t = file.find(name);
    if (!t)
      problems.push_back("missing weight '" + name + "' " + shapeText(shape));
    else if (t->shape != shape)
      problems.push_back("weight '" + name + "'" + storedAs(*t) +
                         " has shape " + shapeText(t->shape) +
                         "; the architecture needs " + shapeText(shape));
    else if (t->dtype == DType::Unsupported)
      problems.push_back("weight '" + name + "'" + storedAs(*t) +
                         " has type " + t->storedType +
                         "; mgc reads F32, F16 and BF16");
  }
  if (problems.empty())
    return true;
  error = file.path() + ": the " + weightFormatName(file.format()) +
          " weights do not fit the architecture (" +
          std::to_string(problems.size()) + " problem" +
          (problems.size() > 1 ? "s" : "") + "):";
  for (size_t i = 0; i < problems.size() && i < kMaxListed; ++i)
    error += "\n  " + problems[i];
  if (problems.size() > kMaxListed)
    error += "\n  ... and " + std::to_string(problems.size() - kMaxListed) +
             " more";
  return false;
}

bool mgc::checkWeights(const ModelSpec &spec, const WeightFile &file,
                       std::string &error) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += (diagnostics.empty() ? "" : "; ") + d.str();
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModel(spec, context);
  if (!module) {
    error = file.path() + ": cannot build the architecture to check its "
                          "weights: " + diagnostics;
    return false;
  }
  return checkWeights(*module, file, error);
}
