//===- HfConfigSsm.cpp - state-space models from config.json --------------===//
//
// This file reads the Hugging Face Mamba (selective scan, Mamba-1) and
// Mamba-2 (SSD) model types: a stack of scan mixers without FFNs, RMSNorm
// pre-norm, and no positional encoding.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include <cmath>

using namespace mgc;
using namespace mgc::hf;

namespace {

/// Sizes, norm and embeddings shared by both Mamba generations.
void readSsmBase(Object &cfg, ModelSpec &spec, bool tieDefault) {
  spec.vocab = cfg.requireInt("vocab_size", 1, kMaxSize);
  spec.hidden = cfg.requireInt("hidden_size", 1, int64_t(1) << 20);
  spec.numLayers = cfg.requireInt("num_hidden_layers", 1, 4096);
  spec.positions = PositionKind::none;
  spec.norm.kind = NormKind::rms;
  spec.norm.bias = false;
  spec.norm.eps = cfg.getPositive("layer_norm_epsilon", 1e-5);
  spec.norm.pos = cfg.posOr("layer_norm_epsilon", spec.pos);
  spec.tieEmbeddings = cfg.getBool("tie_word_embeddings", tieDefault);
}

/// `expand`: transformers computes the inner width as int(expand * hidden),
/// and mgc's ScanSpec holds a whole multiple.
int64_t readExpand(Object &cfg) {
  double expand = cfg.getPositive("expand", 2.0);
  if (!cfg.failed() && expand != std::floor(expand))
    cfg.fail("expand", "'expand' must be a whole number (the inner width is "
                       "expand * hidden_size), got " +
                           std::to_string(expand));
  return int64_t(expand);
}

/// The mixer's activation: the Mamba kernels only implement SiLU.
void requireSilu(Object &cfg) {
  std::string act = cfg.getString("hidden_act", "silu");
  if (!cfg.failed() && act != "silu" && act != "swish")
    cfg.fail("hidden_act", "'hidden_act' \"" + act +
                               "\" is not supported in a Mamba mixer; "
                               "expected \"silu\"");
}

/// A Mamba-1 dt projection rank: "auto" (ceil(hidden_size / 16), which
/// finalizeModelSpec derives from 0) or an integer.
int64_t readDtRank(Object &cfg, llvm::StringRef key) {
  const llvm::json::Value *rank = cfg.get(key);
  if (!rank)
    return 0;
  std::optional<llvm::StringRef> word = rank->getAsString();
  std::optional<int64_t> value = rank->getAsInteger();
  if (value && *value >= 1 && *value <= kMaxSize)
    return *value;
  if (!word || *word != "auto")
    cfg.typeError(key, "\"auto\" or an integer in [1, 16777216]", *rank);
  return 0;
}

void addScanLayers(Object &cfg, ModelSpec &spec, const MixerSpec &mixer) {
  if (cfg.failed())
    return;
  int index = addMixer(spec, mixer);
  spec.layers.assign(size_t(spec.numLayers), LayerSpec{index, /*ffn=*/-1});
}

} // namespace

void hf::readMamba(Object &cfg, ModelSpec &spec) {
  readSsmBase(cfg, spec, /*tieDefault=*/true);
  MixerSpec mixer;
  mixer.name = "mamba";
  mixer.kind = MixerSpec::Kind::scan;
  mixer.pos = cfg.posOr("state_size", spec.pos);
  ScanSpec &s = mixer.scan;
  s.kind = ScanMixerKind::mamba1;
  s.stateSize = cfg.getInt("state_size", 16, 1, 65536);
  s.expand = readExpand(cfg);
  s.convWidth = cfg.getInt("conv_kernel", 4, 1, 1024);
  s.convBias = cfg.getBool("use_conv_bias", true);
  s.projBias = cfg.getBool("use_bias", false);
  requireSilu(cfg);
  s.dtRank = readDtRank(cfg, "time_step_rank");
  // The config may state intermediate_size; transformers then uses it.
  int64_t inner =
      cfg.getInt("intermediate_size", s.expand * spec.hidden, 1, kMaxSize);
  if (!cfg.failed() && inner != s.expand * spec.hidden)
    cfg.fail("intermediate_size",
             "'intermediate_size' " + std::to_string(inner) +
                 " disagrees with expand * hidden_size = " +
                 std::to_string(s.expand * spec.hidden) +
                 "; mgc's Mamba inner width is expand * hidden_size");
  addScanLayers(cfg, spec, mixer);
}

void hf::readMamba2(Object &cfg, ModelSpec &spec) {
  readSsmBase(cfg, spec, /*tieDefault=*/false);
  MixerSpec mixer;
  mixer.name = "mamba";
  mixer.kind = MixerSpec::Kind::scan;
  mixer.pos = cfg.posOr("num_heads", spec.pos);
  ScanSpec &s = mixer.scan;
  s.kind = ScanMixerKind::mamba2;
  s.heads = cfg.requireInt("num_heads", 1, 65536);
  s.headDim = cfg.requireInt("head_dim", 1, 65536);
  s.stateSize = cfg.getInt("state_size", 128, 1, 65536);
  s.expand = readExpand(cfg);
  s.groups = cfg.getInt("n_groups", 8, 1, 65536);
  s.convWidth = cfg.getInt("conv_kernel", 4, 1, 1024);
  s.convBias = cfg.getBool("use_conv_bias", true);
  s.projBias = cfg.getBool("use_bias", false);
  requireSilu(cfg);
  // transformers always applies the gated RMSNorm before out_proj.
  if (!cfg.getBool("rms_norm", true))
    cfg.fail("rms_norm", "'rms_norm' false is not supported; expected true "
                         "(the gated RMSNorm before the output projection)");
  // dt is clamped to time_step_limit; only the default (0, inf) is a no-op.
  std::vector<double> limit = cfg.getNumberList("time_step_limit");
  if (!cfg.failed() && !limit.empty() &&
      !(limit.size() == 2 && limit[0] == 0.0 && std::isinf(limit[1]) &&
        limit[1] > 0))
    cfg.fail("time_step_limit", "'time_step_limit' clamps dt, which mgc does "
                                "not support; expected [0.0, Infinity]");
  if (cfg.has("time_step_rank"))
    cfg.warn("time_step_rank", "'time_step_rank' is ignored: Mamba-2 has no "
                               "dt projection rank");
  cfg.use("time_step_rank");
  addScanLayers(cfg, spec, mixer);
}

//===----------------------------------------------------------------------===//
// Jamba
//===----------------------------------------------------------------------===//

void hf::readJamba(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/262144, 1e-6, false});
  // Jamba's attention has no position encoding: the Mamba layers order
  // the tokens.
  spec.positions = PositionKind::none;

  MixerSpec attn;
  attn.name = "attn";
  attn.kind = MixerSpec::Kind::attention;
  attn.pos = cfg.posOr("num_attention_heads", spec.pos);
  attn.attention.heads = cfg.requireInt("num_attention_heads", 1, 65536);
  attn.attention.kvHeads = cfg.getInt("num_key_value_heads", 8, 1, 65536);
  attn.attention.rope = false;
  // transformers applies sliding_window only in its flash-attention path;
  // the eager reference attends over the whole context.
  if (cfg.getInt("sliding_window", 0, 1, kMaxSize) > 0)
    cfg.fail("sliding_window", "'sliding_window' is not supported for jamba: "
                               "transformers applies it only with flash "
                               "attention; expected null");

  MixerSpec mamba;
  mamba.name = "mamba";
  mamba.kind = MixerSpec::Kind::scan;
  mamba.pos = cfg.posOr("mamba_d_state", spec.pos);
  ScanSpec &s = mamba.scan;
  s.kind = ScanMixerKind::mamba1;
  s.stateSize = cfg.getInt("mamba_d_state", 16, 1, 65536);
  s.convWidth = cfg.getInt("mamba_d_conv", 4, 1, 1024);
  s.expand = cfg.getInt("mamba_expand", 2, 1, 64);
  s.dtRank = readDtRank(cfg, "mamba_dt_rank");
  s.convBias = cfg.getBool("mamba_conv_bias", true);
  s.projBias = cfg.getBool("mamba_proj_bias", false);
  s.dtBcNorm = true; // dt_layernorm, b_layernorm, c_layernorm

  FfnKind activation = readGatedActivation(cfg, "silu");
  FfnSpec dense;
  dense.name = "dense";
  dense.activation = activation;
  dense.pos = cfg.posOr("intermediate_size", spec.pos);
  dense.intermediate = cfg.requireInt("intermediate_size", 1, kMaxSize);
  FfnSpec moe = dense;
  moe.name = "moe";
  moe.kind = FfnSpec::Kind::moe;
  moe.pos = cfg.posOr("num_experts", spec.pos);
  moe.moe.experts = cfg.getInt("num_experts", 16, 1, 65536);
  moe.moe.topK = cfg.getInt("num_experts_per_tok", 2, 1, 65536);
  // JambaSparseMoeBlock: softmax over all experts, top-k, no renormalization.
  moe.moe.scoring = RouteScoring::softmax;

  int64_t attnPeriod = cfg.getInt("attn_layer_period", 8, 1, 4096);
  int64_t attnOffset = cfg.getInt("attn_layer_offset", 4, 0, 4095);
  int64_t expertPeriod = cfg.getInt("expert_layer_period", 2, 1, 4096);
  int64_t expertOffset = cfg.getInt("expert_layer_offset", 1, 0, 4095);
  if (!cfg.failed() && attnOffset >= attnPeriod)
    cfg.fail("attn_layer_offset", "'attn_layer_offset' must be below "
                                  "attn_layer_period");
  if (!cfg.failed() && expertOffset >= expertPeriod)
    cfg.fail("expert_layer_offset", "'expert_layer_offset' must be below "
                                    "expert_layer_period");
  if (cfg.failed())
    return;

  // JambaConfig.layers_block_type / layers_num_experts; a layer with one
  // expert is a dense MLP.
  int attnIndex = addMixer(spec, attn), mambaIndex = addMixer(spec, mamba);
  bool sparse = moe.moe.experts > 1;
  int denseIndex = addFfn(spec, dense);
  int moeIndex = sparse ? addFfn(spec, moe) : denseIndex;
  for (int64_t i = 0; i < spec.numLayers; ++i) {
    spec.layers[size_t(i)].mixer =
        i % attnPeriod == attnOffset ? attnIndex : mambaIndex;
    spec.layers[size_t(i)].ffn =
        i % expertPeriod == expertOffset ? moeIndex : denseIndex;
  }
}
