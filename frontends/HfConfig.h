//===- HfConfig.h - shared pieces of the config.json reader -----*- C++ -*-===//
//
// Private to the Hugging Face config reader: typed, position-aware reads of
// one JSON object (remembering which keys were read, so every other key can be
// warned about), the readers every model family shares (sizes, RoPE,
// activations, standard attention), and one entry point per model type.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_HFCONFIG_H
#define MGC_FRONTENDS_HFCONFIG_H

#include "frontends/HfConfigReader.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mgc {
namespace hf {

constexpr int64_t kMaxSize = int64_t(1) << 24;

/// The state of one read: the file, its text, where each key starts, and the
/// diagnostics. The first error sticks; later ones are dropped.
class Context {
public:
  Context(std::string file, std::string text, std::vector<Diagnostic> &warnings,
          Diagnostic &error);

  const std::string &file() const { return file_; }
  const std::string &text() const { return text_; }
  /// 1-based line and column of a byte offset into the text.
  SourcePos posAt(size_t offset) const;
  /// Where the key at dotted `path` (e.g. "rope_scaling.factor") starts.
  std::optional<SourcePos> keyPos(const std::string &path) const;
  /// Records where every object key starts; the text must be valid JSON.
  void indexKeys();

  bool failed() const { return failed_; }
  void fail(SourcePos pos, const std::string &message);
  void warn(SourcePos pos, const std::string &message);

private:
  std::string file_;
  std::string text_;
  std::map<std::string, size_t> keyOffsets_;
  std::vector<Diagnostic> &warnings_;
  Diagnostic &error_;
  bool failed_ = false;
};

/// One JSON object of the config. A key whose value is null counts as absent
/// (transformers writes null for "not set"). Getters mark keys as read and
/// return the default after an error.
class Object {
public:
  /// `path` is the object's dotted key path ("" for the root).
  Object(Context &context, const llvm::json::Object &object, std::string path);

  Context &context() { return context_; }
  bool failed() const { return context_.failed(); }
  /// The object's own position (its key's), 1:1 for the root.
  SourcePos pos() const;
  /// The position of `key`, the object's when absent.
  SourcePos posOf(llvm::StringRef key) const;
  /// 'key' quoted with its path, for messages: 'rope_scaling.factor'.
  std::string name(llvm::StringRef key) const;
  /// True when `key` is present and not null.
  bool has(llvm::StringRef key) const;
  /// True when `key` is present, null or not.
  bool contains(llvm::StringRef key) const { return object_.get(key); }
  /// The position of `key` when the file has it, `fallback` otherwise.
  SourcePos posOr(llvm::StringRef key, SourcePos fallback) const;
  /// Marks `key` as read without reading it.
  void use(llvm::StringRef key) { read_.insert(key.str()); }

  void fail(llvm::StringRef key, const std::string &message);
  void warn(llvm::StringRef key, const std::string &message);
  /// Fails with "'key' must be <expected>, got <what value is>".
  void typeError(llvm::StringRef key, const char *expected,
                 const llvm::json::Value &got);

  /// The value of `key` for reads the typed getters do not cover; null when
  /// absent, null-valued, or after an error.
  const llvm::json::Value *get(llvm::StringRef key) { return lookup(key); }

  /// Integer in [min, max].
  int64_t getInt(llvm::StringRef key, int64_t dflt, int64_t min, int64_t max);
  int64_t requireInt(llvm::StringRef key, int64_t min, int64_t max);
  /// A finite number (integer or float) > 0.
  double getPositive(llvm::StringRef key, double dflt);
  double requirePositive(llvm::StringRef key);
  /// Any finite number.
  double getNumber(llvm::StringRef key, double dflt);
  bool getBool(llvm::StringRef key, bool dflt);
  std::string getString(llvm::StringRef key, const std::string &dflt);
  /// A list of integers in [min, max].
  std::vector<int64_t> getIntList(llvm::StringRef key, int64_t min,
                                  int64_t max);
  /// A list of strings.
  std::vector<std::string> getStringList(llvm::StringRef key);
  /// A list of numbers (Python's bare Infinity and transformers 5's
  /// {"__float__": "Infinity"} read as +inf).
  std::vector<double> getNumberList(llvm::StringRef key);
  std::optional<Object> getObject(llvm::StringRef key);

  /// Warns about each key never read, in file order: with the reason from
  /// `reasonOf` when it gives one, as unknown to `owner` otherwise.
  void warnUnread(const char *(*reasonOf)(llvm::StringRef key),
                  const std::string &owner);

private:
  const llvm::json::Value *lookup(llvm::StringRef key);

  Context &context_;
  const llvm::json::Object &object_;
  std::string path_;
  std::set<std::string> read_;
};

/// Adds a block configuration and returns its index.
int addMixer(ModelSpec &spec, MixerSpec mixer);
int addFfn(ModelSpec &spec, FfnSpec ffn);

/// `hidden_act` of a gated (gate * up) MLP: silu/swish -> swiglu, gelu ->
/// geglu; anything else is an error.
FfnKind readGatedActivation(Object &cfg, const char *dflt);
/// An activation between two projections (GPT-2, BERT): gelu, gelu_new /
/// gelu_pytorch_tanh / gelu_fast (tanh approximation), relu, silu.
FfnKind readPlainActivation(Object &cfg, llvm::StringRef key, const char *dflt);

/// What RoPE scaling said beyond RopeSpec, for DeepSeek's attention scale.
struct RopeExtras {
  bool scaled = false;       // a rope_scaling object was given
  double factor = 1.0;       // its stated factor
  double mscaleAllDim = 0.0; // its mscale_all_dim (0: none)
};

/// Reads rope_theta, partial_rotary_factor and rope_scaling (transformers 4)
/// or rope_parameters (transformers 5) into spec.rope, with the Hugging Face
/// rotate_half style. `rotated` is the head size RoPE covers before
/// partial_rotary_factor. Needs spec.maxContext.
void readRope(Object &cfg, ModelSpec &spec, double defaultTheta,
              int64_t rotated, RopeExtras *extras = nullptr);

/// Class defaults of a decoder's configuration for the keys all read.
struct DecoderDefaults {
  int64_t maxPositions = 2048;
  double normEps = 1e-6;
  bool tieEmbeddings = false;
};

/// Reads vocab_size, hidden_size, num_hidden_layers, max_position_embeddings,
/// rms_norm_eps and tie_word_embeddings: a pre-norm RMSNorm decoder with
/// RoPE positions and numLayers (empty) layers.
void readDecoderBase(Object &cfg, ModelSpec &spec, const DecoderDefaults &d);

/// How a llama-family type reads its attention.
struct AttentionTraits {
  double ropeTheta = 10000.0; // rope_theta default
  int64_t kvHeads = 0;        // num_key_value_heads default; 0: = heads
  bool qkvBias = false;       // fixed biases when no key says otherwise
  bool outBias = false;
  const char *qkvBiasKey = nullptr; // key for q/k/v biases (qwen2_moe)
  bool attentionBiasKey = false;    // attention_bias: q, k, v and o (llama)
  enum class Window { none, mistral, qwen2 } window = Window::none;
  int64_t windowDefault = 0; // sliding_window default (mistral: 4096)
  bool layerTypes = false;   // reads layer_types (qwen2)
  bool qkNorm = false;       // per-head q/k RMSNorm (qwen3)
};

/// Reads standard softmax attention and RoPE; adds "attn" (and
/// "attn_sliding" for windowed layers) and sets each layer's mixer.
void readAttention(Object &cfg, ModelSpec &spec, const AttentionTraits &t);

// One entry point per model type. Each reads every key it understands from
// the root object and leaves errors in the context.
void readLlama(Object &cfg, ModelSpec &spec);
void readMistral(Object &cfg, ModelSpec &spec);
void readQwen2(Object &cfg, ModelSpec &spec);
void readGpt2(Object &cfg, ModelSpec &spec);
void readBert(Object &cfg, ModelSpec &spec);
void readMixtral(Object &cfg, ModelSpec &spec);
void readQwen2Moe(Object &cfg, ModelSpec &spec);
void readQwen3(Object &cfg, ModelSpec &spec);
void readQwen3Moe(Object &cfg, ModelSpec &spec);
void readDeepseekV3(Object &cfg, ModelSpec &spec);
void readMamba(Object &cfg, ModelSpec &spec);
void readMamba2(Object &cfg, ModelSpec &spec);
void readJamba(Object &cfg, ModelSpec &spec);
void readPhi(Object &cfg, ModelSpec &spec);

} // namespace hf
} // namespace mgc

#endif // MGC_FRONTENDS_HFCONFIG_H
