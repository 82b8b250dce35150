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
  // "auto" is ceil(hidden_size / 16), which finalizeModelSpec derives from 0.
  if (const llvm::json::Value *rank = cfg.get("time_step_rank")) {
    std::optional<llvm::StringRef> word = rank->getAsString();
    std::optional<int64_t> value = rank->getAsInteger();
    if (value && *value >= 1 && *value <= kMaxSize)
      s.dtRank = *value;
    else if (!word || *word != "auto")
      cfg.typeError("time_step_rank", "\"auto\" or an integer in [1, 16777216]",
                    *rank);
  }
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
      !(limit.size() == 2 && limit[0] == 0.0 && std::isinf(limit[1])))
    cfg.fail("time_step_limit", "'time_step_limit' clamps dt, which mgc does "
                                "not support; expected [0.0, Infinity]");
  if (cfg.has("time_step_rank"))
    cfg.warn("time_step_rank", "'time_step_rank' is ignored: Mamba-2 has no "
                               "dt projection rank");
  cfg.use("time_step_rank");
  addScanLayers(cfg, spec, mixer);
}
