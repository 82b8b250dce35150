//===- HfConfigDense.cpp - dense transformers from config.json ------------===//
//
// This file reads the dense Hugging Face model types (llama, mistral, qwen2,
// gpt2, bert) and the pieces the MoE readers share with them: the decoder's
// sizes, standard softmax attention with its sliding-window variants, and the
// activation names. Each mapping follows transformers' configuration_<type>.py
// defaults and modeling_<type>.py use of the keys.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include <algorithm>
#include <cmath>

using namespace mgc;
using namespace mgc::hf;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

int hf::addMixer(ModelSpec &spec, MixerSpec mixer) {
  spec.mixers.push_back(std::move(mixer));
  return int(spec.mixers.size()) - 1;
}

int hf::addFfn(ModelSpec &spec, FfnSpec ffn) {
  spec.ffns.push_back(std::move(ffn));
  return int(spec.ffns.size()) - 1;
}

FfnKind hf::readGatedActivation(Object &cfg, const char *dflt) {
  std::string act = cfg.getString("hidden_act", dflt);
  if (act == "silu" || act == "swish")
    return FfnKind::swiglu;
  if (act == "gelu" || act == "gelu_python")
    return FfnKind::geglu;
  cfg.fail("hidden_act", "'hidden_act' \"" + act +
                             "\" is not supported in a gated MLP; expected "
                             "\"silu\" (SwiGLU) or \"gelu\" (GeGLU, exact "
                             "GELU)");
  return FfnKind::swiglu;
}

FfnKind hf::readPlainActivation(Object &cfg, StringRef key, const char *dflt) {
  std::string act = cfg.getString(key, dflt);
  if (act == "gelu" || act == "gelu_python")
    return FfnKind::gelu;
  // transformers' gelu_new, gelu_pytorch_tanh and gelu_fast all compute
  // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast")
    return FfnKind::gelu_tanh;
  if (act == "relu")
    return FfnKind::relu;
  if (act == "silu" || act == "swish")
    return FfnKind::silu;
  cfg.fail(key, cfg.name(key) + " \"" + act +
                    "\" is not supported; expected \"gelu\", \"gelu_new\", "
                    "\"gelu_pytorch_tanh\", \"gelu_fast\", \"relu\" or "
                    "\"silu\"");
  return FfnKind::gelu;
}

void hf::readDecoderBase(Object &cfg, ModelSpec &spec,
                         const DecoderDefaults &d) {
  spec.vocab = cfg.requireInt("vocab_size", 1, kMaxSize);
  spec.hidden = cfg.requireInt("hidden_size", 1, int64_t(1) << 20);
  spec.numLayers = cfg.requireInt("num_hidden_layers", 1, 4096);
  spec.maxContext =
      cfg.getInt("max_position_embeddings", d.maxPositions, 1, kMaxSize);
  spec.norm.kind = NormKind::rms;
  spec.norm.bias = false;
  spec.norm.eps = cfg.getPositive("rms_norm_eps", d.normEps);
  spec.norm.pos = cfg.posOr("rms_norm_eps", spec.pos);
  spec.tieEmbeddings = cfg.getBool("tie_word_embeddings", d.tieEmbeddings);
  spec.positions = PositionKind::rope;
  if (!cfg.failed())
    spec.layers.assign(size_t(spec.numLayers), LayerSpec{});
}

namespace {

/// Which layers use a sliding window, and its size (0: none). Follows
/// Qwen2Config: the window applies only with use_sliding_window, to the
/// layers layer_types marks "sliding_attention", or else to those from
/// max_window_layers on.
int64_t readQwen2Window(Object &cfg, const ModelSpec &spec,
                        const AttentionTraits &t, std::vector<bool> &windowed) {
  bool use = cfg.getBool("use_sliding_window", false);
  // transformers 5 writes 0 (no window) when use_sliding_window is false.
  int64_t window = cfg.getInt(
      "sliding_window", cfg.contains("sliding_window") ? 0 : 4096, 0, kMaxSize);
  int64_t firstWindowed = cfg.getInt("max_window_layers", 28, 0, 4096);
  std::vector<std::string> types;
  if (t.layerTypes)
    types = cfg.getStringList("layer_types");
  if (cfg.failed())
    return 0;
  if (!types.empty() && int64_t(types.size()) != spec.numLayers) {
    cfg.fail("layer_types", "'layer_types' lists " +
                                std::to_string(types.size()) +
                                " layers but num_hidden_layers is " +
                                std::to_string(spec.numLayers));
    return 0;
  }
  for (const std::string &type : types)
    if (type != "full_attention" && type != "sliding_attention") {
      cfg.fail("layer_types", "'layer_types' holds \"" + type +
                                  "\"; expected \"full_attention\" or "
                                  "\"sliding_attention\"");
      return 0;
    }
  if (!use) {
    bool slidingTypes =
        std::count(types.begin(), types.end(), "sliding_attention") > 0;
    for (const char *key :
         {"sliding_window", "max_window_layers", "layer_types"})
      if (cfg.has(key) && (StringRef(key) != "layer_types" || slidingTypes))
        cfg.warn(key, std::string("'") + key +
                          "' has no effect: "
                          "'use_sliding_window' is false, so every layer "
                          "attends to the whole context");
    return 0;
  }
  for (int64_t i = 0; i < spec.numLayers; ++i)
    windowed[size_t(i)] =
        window > 0 && (types.empty() ? i >= firstWindowed
                                     : types[size_t(i)] == "sliding_attention");
  return window;
}

} // namespace

void hf::readAttention(Object &cfg, ModelSpec &spec, const AttentionTraits &t) {
  MixerSpec mixer;
  mixer.name = "attn";
  mixer.kind = MixerSpec::Kind::attention;
  mixer.pos = cfg.posOr("num_attention_heads", spec.pos);
  AttentionSpec &a = mixer.attention;
  a.heads = cfg.requireInt("num_attention_heads", 1, 65536);
  a.kvHeads = cfg.getInt("num_key_value_heads", t.kvHeads, 1, 65536);
  a.headDim = cfg.getInt("head_dim", 0, 1, 65536);
  a.qkvBias = t.qkvBias;
  a.outBias = t.outBias;
  a.qkNorm = t.qkNorm;
  if (t.attentionBiasKey)
    a.qkvBias = a.outBias = cfg.getBool("attention_bias", false);
  if (t.qkvBiasKey)
    a.qkvBias = cfg.getBool(t.qkvBiasKey, t.qkvBias);
  if (cfg.failed())
    return;
  // RoPE covers the head (hidden_size // heads unless head_dim says).
  readRope(cfg, spec, t.ropeTheta,
           a.headDim > 0 ? a.headDim : spec.hidden / a.heads);

  std::vector<bool> windowed(size_t(spec.numLayers), false);
  int64_t window = 0;
  if (t.window == AttentionTraits::Window::mistral) {
    // MistralConfig / MixtralConfig: null turns the window off.
    window = cfg.getInt("sliding_window",
                        cfg.contains("sliding_window") ? 0 : t.windowDefault, 1,
                        kMaxSize);
    windowed.assign(windowed.size(), window > 0);
  } else if (t.window == AttentionTraits::Window::qwen2) {
    window = readQwen2Window(cfg, spec, t, windowed);
  }
  if (cfg.failed())
    return;

  int full = -1, sliding = -1;
  bool mixed = std::count(windowed.begin(), windowed.end(), true) !=
               std::ptrdiff_t(windowed.size());
  for (size_t i = 0; i < windowed.size(); ++i) {
    int &index = windowed[i] ? sliding : full;
    if (index < 0) {
      MixerSpec m = mixer;
      if (windowed[i]) {
        m.attention.window = window;
        m.pos = cfg.posOr("sliding_window", mixer.pos);
        if (mixed)
          m.name = "attn_sliding";
      }
      index = addMixer(spec, m);
    }
    spec.layers[i].mixer = index;
  }
}

namespace {

/// The gated MLP of every llama-family layer.
void addDenseFfn(Object &cfg, ModelSpec &spec, bool bias) {
  FfnSpec ffn;
  ffn.name = "dense";
  ffn.kind = FfnSpec::Kind::mlp;
  ffn.pos = cfg.posOr("intermediate_size", spec.pos);
  ffn.intermediate = cfg.requireInt("intermediate_size", 1, kMaxSize);
  ffn.activation = readGatedActivation(cfg, "silu");
  ffn.bias = bias;
  int index = addFfn(spec, ffn);
  for (LayerSpec &layer : spec.layers)
    layer.ffn = index;
}

} // namespace

//===----------------------------------------------------------------------===//
// Llama family
//===----------------------------------------------------------------------===//

void hf::readLlama(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/2048, 1e-6, false});
  AttentionTraits t;
  t.attentionBiasKey = true;
  readAttention(cfg, spec, t);
  bool mlpBias = cfg.getBool("mlp_bias", false);
  if (!cfg.failed())
    addDenseFfn(cfg, spec, mlpBias);
}

void hf::readMistral(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/4096 * 32, 1e-6, false});
  AttentionTraits t;
  t.kvHeads = 8;
  t.window = AttentionTraits::Window::mistral;
  t.windowDefault = 4096;
  readAttention(cfg, spec, t);
  if (!cfg.failed())
    addDenseFfn(cfg, spec, false);
}

void hf::readQwen2(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/32768, 1e-6, false});
  AttentionTraits t;
  t.kvHeads = 32;
  t.qkvBias = true; // q/k/v projections always have a bias, o never
  t.window = AttentionTraits::Window::qwen2;
  t.layerTypes = true;
  readAttention(cfg, spec, t);
  if (!cfg.failed())
    addDenseFfn(cfg, spec, false);
}

void hf::readQwen3(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/32768, 1e-6, false});
  AttentionTraits t;
  t.kvHeads = 32;
  t.attentionBiasKey = true;
  t.window = AttentionTraits::Window::qwen2;
  t.layerTypes = true;
  t.qkNorm = true;
  readAttention(cfg, spec, t);
  if (!cfg.failed())
    addDenseFfn(cfg, spec, false);
}

//===----------------------------------------------------------------------===//
// GPT-2
//===----------------------------------------------------------------------===//

void hf::readGpt2(Object &cfg, ModelSpec &spec) {
  spec.vocab = cfg.requireInt("vocab_size", 1, kMaxSize);
  spec.hidden = cfg.requireInt("n_embd", 1, int64_t(1) << 20);
  spec.numLayers = cfg.requireInt("n_layer", 1, 4096);
  spec.maxContext = cfg.getInt("n_positions", 1024, 1, kMaxSize);
  spec.positions = PositionKind::learned;
  spec.norm = NormSpec{NormKind::layer, 1e-5, /*bias=*/true, spec.pos};
  spec.norm.eps = cfg.getPositive("layer_norm_epsilon", 1e-5);
  spec.norm.pos = cfg.posOr("layer_norm_epsilon", spec.pos);
  spec.tieEmbeddings = cfg.getBool("tie_word_embeddings", true);
  if (cfg.getBool("add_cross_attention", false))
    cfg.fail("add_cross_attention",
             "'add_cross_attention' true adds encoder-decoder cross-attention, "
             "which mgc does not support; expected false");

  MixerSpec mixer;
  mixer.name = "attn";
  mixer.pos = cfg.posOr("n_head", spec.pos);
  AttentionSpec &a = mixer.attention;
  a.heads = cfg.requireInt("n_head", 1, 65536);
  a.qkvBias = a.outBias = true;
  a.rope = false;
  bool scaleWeights = cfg.getBool("scale_attn_weights", true);
  bool byLayer = cfg.getBool("scale_attn_by_inverse_layer_idx", false);
  if (!scaleWeights)
    a.scale = 1.0; // logits are not divided by sqrt(head_dim)

  FfnSpec ffn;
  ffn.name = "mlp";
  ffn.pos = cfg.posOr("n_inner", spec.pos);
  ffn.intermediate = cfg.getInt("n_inner", 4 * spec.hidden, 1, kMaxSize);
  ffn.activation = readPlainActivation(cfg, "activation_function", "gelu_new");
  ffn.bias = true;
  if (cfg.failed())
    return;
  if (byLayer && spec.hidden % a.heads != 0) {
    cfg.fail("n_head", "'n_head' " + std::to_string(a.heads) +
                           " must divide 'n_embd' " +
                           std::to_string(spec.hidden));
    return;
  }

  int ffnIndex = addFfn(spec, ffn);
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{0, ffnIndex});
  if (!byLayer) {
    addMixer(spec, mixer);
    return;
  }
  // scale_attn_by_inverse_layer_idx: layer i also divides by i + 1, so each
  // layer gets its own mixer.
  double base =
      scaleWeights ? 1.0 / std::sqrt(double(spec.hidden / a.heads)) : 1.0;
  for (int64_t i = 0; i < spec.numLayers; ++i) {
    MixerSpec m = mixer;
    m.name = "attn_layer" + std::to_string(i);
    m.attention.scale = base / double(i + 1);
    spec.layers[size_t(i)].mixer = addMixer(spec, m);
  }
}

//===----------------------------------------------------------------------===//
// BERT
//===----------------------------------------------------------------------===//

void hf::readBert(Object &cfg, ModelSpec &spec) {
  spec.vocab = cfg.requireInt("vocab_size", 1, kMaxSize);
  spec.hidden = cfg.requireInt("hidden_size", 1, int64_t(1) << 20);
  spec.numLayers = cfg.requireInt("num_hidden_layers", 1, 4096);
  spec.maxContext = cfg.getInt("max_position_embeddings", 512, 1, kMaxSize);
  spec.positions = PositionKind::learned;
  spec.tokenTypes = cfg.getInt("type_vocab_size", 2, 1, 1024);
  spec.norm = NormSpec{NormKind::layer, 1e-12, /*bias=*/true, spec.pos};
  spec.norm.eps = cfg.getPositive("layer_norm_eps", 1e-12);
  spec.norm.pos = cfg.posOr("layer_norm_eps", spec.pos);
  spec.postNorm = true;
  spec.embeddingNorm = true;
  spec.tieEmbeddings = cfg.getBool("tie_word_embeddings", true);

  std::string positions = cfg.getString("position_embedding_type", "absolute");
  if (!cfg.failed() && positions != "absolute")
    cfg.fail("position_embedding_type",
             "'position_embedding_type' \"" + positions +
                 "\" (relative position scores) is not supported; expected "
                 "\"absolute\"");
  if (cfg.getBool("is_decoder", false))
    cfg.fail("is_decoder", "'is_decoder' true makes BERT a causal decoder, "
                           "which mgc does not read; expected false");
  if (cfg.getBool("add_cross_attention", false))
    cfg.fail("add_cross_attention",
             "'add_cross_attention' true adds encoder-decoder cross-attention, "
             "which mgc does not support; expected false");

  MixerSpec mixer;
  mixer.name = "attn";
  mixer.pos = cfg.posOr("num_attention_heads", spec.pos);
  AttentionSpec &a = mixer.attention;
  a.heads = cfg.requireInt("num_attention_heads", 1, 65536);
  a.causal = false;
  a.rope = false;
  a.qkvBias = a.outBias = true;

  FfnSpec ffn;
  ffn.name = "mlp";
  ffn.pos = cfg.posOr("intermediate_size", spec.pos);
  ffn.intermediate = cfg.requireInt("intermediate_size", 1, kMaxSize);
  ffn.activation = readPlainActivation(cfg, "hidden_act", "gelu");
  ffn.bias = true;
  // The masked-LM head's transform applies hidden_act too, and mgc's encoder
  // head applies exact GELU.
  if (!cfg.failed() && ffn.activation != FfnKind::gelu)
    cfg.fail("hidden_act", "'hidden_act' must be \"gelu\" for BERT: the "
                           "masked-LM head applies it too, and mgc's encoder "
                           "head uses exact GELU");
  if (cfg.failed())
    return;
  int mixerIndex = addMixer(spec, mixer);
  int ffnIndex = addFfn(spec, ffn);
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{mixerIndex, ffnIndex});
}

//===----------------------------------------------------------------------===//
// Phi
//===----------------------------------------------------------------------===//

void hf::readPhi(Object &cfg, ModelSpec &spec) {
  // PhiDecoderLayer: attention and MLP read one LayerNorm of the same input
  // and both add to the residual; every projection and the LM head have
  // biases; RoPE covers partial_rotary_factor of each head.
  spec.vocab = cfg.requireInt("vocab_size", 1, kMaxSize);
  spec.hidden = cfg.requireInt("hidden_size", 1, int64_t(1) << 20);
  spec.numLayers = cfg.requireInt("num_hidden_layers", 1, 4096);
  spec.maxContext = cfg.getInt("max_position_embeddings", 2048, 1, kMaxSize);
  spec.norm = NormSpec{NormKind::layer, 1e-5, /*bias=*/true, spec.pos};
  spec.norm.eps = cfg.getPositive("layer_norm_eps", 1e-5);
  spec.norm.pos = cfg.posOr("layer_norm_eps", spec.pos);
  spec.tieEmbeddings = cfg.getBool("tie_word_embeddings", false);
  spec.parallelBlock = true;
  spec.outputBias = true;
  spec.positions = PositionKind::rope;
  if (cfg.getBool("qk_layernorm", false))
    cfg.fail("qk_layernorm", "'qk_layernorm' true is not supported: mgc "
                             "normalizes q/k heads with RMSNorm only; "
                             "expected false");
  if (cfg.failed())
    return;
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{});

  AttentionTraits t;
  t.qkvBias = t.outBias = true;
  readAttention(cfg, spec, t);
  // partial_rotary_factor defaults to 0.5 in PhiConfig.
  if (!cfg.failed() && !cfg.has("partial_rotary_factor")) {
    const AttentionSpec &a = spec.mixers.front().attention;
    int64_t headDim = a.headDim > 0 ? a.headDim : spec.hidden / a.heads;
    spec.rope.rotaryDim = headDim / 2;
  }

  FfnSpec ffn;
  ffn.name = "mlp";
  ffn.pos = cfg.posOr("intermediate_size", spec.pos);
  ffn.intermediate = cfg.requireInt("intermediate_size", 1, kMaxSize);
  ffn.activation = readPlainActivation(cfg, "hidden_act", "gelu_new");
  ffn.bias = true;
  if (cfg.failed())
    return;
  int index = addFfn(spec, ffn);
  for (LayerSpec &layer : spec.layers)
    layer.ffn = index;
}
