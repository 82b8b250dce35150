//===- HfConfigMoe.cpp - Mixture-of-Experts models from config.json -------===//
//
// This file reads the sparse Hugging Face model types: Mixtral (softmax
// top-k, renormalized), Qwen2-MoE (a sigmoid-gated shared expert, dense
// layers by decoder_sparse_step and mlp_only_layers) and DeepSeek-V3
// (multi-head latent attention, sigmoid routing with a correction bias and
// group-limited selection, shared experts, the first layers dense).
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include <algorithm>
#include <cmath>

using namespace mgc;
using namespace mgc::hf;

namespace {

/// Reads the routed-expert sizes every MoE type states.
FfnSpec readMoeFfn(Object &cfg, const ModelSpec &spec, const char *expertsKey,
                   const char *sizeKey, FfnKind activation) {
  FfnSpec ffn;
  ffn.name = "moe";
  ffn.kind = FfnSpec::Kind::moe;
  ffn.pos = cfg.posOr(expertsKey, spec.pos);
  ffn.activation = activation;
  ffn.moe.experts = cfg.requireInt(expertsKey, 1, 65536);
  ffn.moe.topK = cfg.requireInt("num_experts_per_tok", 1, 65536);
  ffn.intermediate = cfg.requireInt(sizeKey, 1, kMaxSize);
  return ffn;
}

/// The dense MLP of the layers that are not MoE: `intermediate_size` is
/// required when some layer is dense and has no effect otherwise.
int addDenseIfUsed(Object &cfg, ModelSpec &spec, bool used,
                   FfnKind activation) {
  if (!used) {
    if (cfg.has("intermediate_size"))
      cfg.warn("intermediate_size", "'intermediate_size' has no effect: "
                                    "every layer is a MoE layer");
    cfg.use("intermediate_size");
    return -1;
  }
  FfnSpec ffn;
  ffn.name = "dense";
  ffn.pos = cfg.posOr("intermediate_size", spec.pos);
  ffn.activation = activation;
  ffn.intermediate = cfg.requireInt("intermediate_size", 1, kMaxSize);
  return cfg.failed() ? -1 : addFfn(spec, ffn);
}

/// A string key that must hold `expected`, the only behaviour transformers'
/// modeling code implements for it.
void requireChoice(Object &cfg, const char *key, const std::string &expected,
                   const char *why) {
  std::string value = cfg.getString(key, expected);
  if (!cfg.failed() && value != expected)
    cfg.fail(key, "'" + std::string(key) + "' \"" + value +
                      "\" is not supported; expected \"" + expected + "\" (" +
                      why + ")");
}

} // namespace

void hf::readMixtral(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/4096 * 32, 1e-5, false});
  AttentionTraits t;
  t.ropeTheta = 1e6;
  t.kvHeads = 8;
  t.window = AttentionTraits::Window::mistral;
  readAttention(cfg, spec, t);
  FfnKind activation = readGatedActivation(cfg, "silu");
  FfnSpec ffn = readMoeFfn(cfg, spec, "num_local_experts", "intermediate_size",
                           activation);
  // Softmax over all experts, top-k, then the k weights renormalized.
  ffn.moe.scoring = RouteScoring::softmax;
  ffn.moe.normalize = true;
  if (cfg.failed())
    return;
  int index = addFfn(spec, ffn);
  for (LayerSpec &layer : spec.layers)
    layer.ffn = index;
}

/// Qwen MoE layer schedule: MoE unless listed in mlp_only_layers or off the
/// decoder_sparse_step grid; the others use a dense MLP of intermediate_size.
static void assignSparseLayers(Object &cfg, ModelSpec &spec,
                               const FfnSpec &moe,
                               FfnKind activation) {
  int64_t step = cfg.getInt("decoder_sparse_step", 1, 1, 4096);
  std::vector<int64_t> denseOnly = cfg.getIntList(
      "mlp_only_layers", 0, std::max<int64_t>(spec.numLayers - 1, 0));
  if (cfg.failed())
    return;
  std::vector<bool> sparse(size_t(spec.numLayers));
  for (int64_t i = 0; i < spec.numLayers; ++i)
    sparse[size_t(i)] =
        std::find(denseOnly.begin(), denseOnly.end(), i) == denseOnly.end() &&
        (i + 1) % step == 0;
  int dense = addDenseIfUsed(
      cfg, spec, std::find(sparse.begin(), sparse.end(), false) != sparse.end(),
      activation);
  int moeIndex = addFfn(spec, moe);
  for (size_t i = 0; i < sparse.size(); ++i)
    spec.layers[i].ffn = sparse[i] ? moeIndex : dense;
}

void hf::readQwen2Moe(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/32768, 1e-6, false});
  AttentionTraits t;
  t.kvHeads = 16;
  t.qkvBias = true;
  t.qkvBiasKey = "qkv_bias";
  t.window = AttentionTraits::Window::qwen2;
  t.layerTypes = true; // Qwen2MoeAttention windows the layers it marks
  readAttention(cfg, spec, t);
  FfnKind activation = readGatedActivation(cfg, "silu");
  FfnSpec moe =
      readMoeFfn(cfg, spec, "num_experts", "moe_intermediate_size", activation);
  moe.moe.scoring = RouteScoring::softmax;
  moe.moe.normalize = cfg.getBool("norm_topk_prob", false);
  moe.moe.sharedExperts = 1;
  moe.moe.sharedIntermediate =
      cfg.requireInt("shared_expert_intermediate_size", 1, kMaxSize);
  moe.moe.sharedGate = true; // sigmoid(x W) scales the shared expert
  assignSparseLayers(cfg, spec, moe, activation);
}

void hf::readQwen3Moe(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/32768, 1e-6, false});
  AttentionTraits t;
  t.kvHeads = 4;
  t.attentionBiasKey = true;
  t.window = AttentionTraits::Window::qwen2;
  t.qkNorm = true;
  readAttention(cfg, spec, t);
  FfnKind activation = readGatedActivation(cfg, "silu");
  FfnSpec moe =
      readMoeFfn(cfg, spec, "num_experts", "moe_intermediate_size", activation);
  moe.moe.scoring = RouteScoring::softmax;
  moe.moe.normalize = cfg.getBool("norm_topk_prob", false);
  assignSparseLayers(cfg, spec, moe, activation);
}

void hf::readDeepseekV3(Object &cfg, ModelSpec &spec) {
  readDecoderBase(cfg, spec, {/*maxPositions=*/4096, 1e-6, false});

  // Multi-head latent attention.
  MixerSpec mixer;
  mixer.name = "attn";
  mixer.pos = cfg.posOr("num_attention_heads", spec.pos);
  AttentionSpec &a = mixer.attention;
  a.heads = cfg.requireInt("num_attention_heads", 1, 65536);
  int64_t kvHeads = cfg.getInt("num_key_value_heads", a.heads, 1, 65536);
  if (!cfg.failed() && kvHeads != a.heads)
    cfg.warn("num_key_value_heads",
             "'num_key_value_heads' is ignored: multi-head latent attention "
             "expands keys and values for every one of the " +
                 std::to_string(a.heads) + " heads");
  if (!cfg.failed() && !cfg.contains("q_lora_rank"))
    cfg.fail("q_lora_rank", "missing 'q_lora_rank': expected an integer in "
                            "[1, 16777216], or null for full-rank queries");
  a.qLoraRank = cfg.getInt("q_lora_rank", 0, 1, kMaxSize);
  a.kvLoraRank = cfg.requireInt("kv_lora_rank", 1, kMaxSize);
  int64_t ropeDim = cfg.requireInt("qk_rope_head_dim", 2, 65536);
  int64_t nopeDim = cfg.requireInt("qk_nope_head_dim", 1, 65536);
  a.vHeadDim = cfg.requireInt("v_head_dim", 1, 65536);
  a.headDim = nopeDim + ropeDim;
  a.ropeHeadDim = ropeDim;
  // transformers 5 writes qk_head_dim, and DeepseekV3Config recomputes it.
  if (cfg.has("qk_head_dim"))
    cfg.warn("qk_head_dim", "'qk_head_dim' is ignored: transformers derives "
                            "it as qk_nope_head_dim + qk_rope_head_dim");
  cfg.use("qk_head_dim");
  // q_a / kv_a and o carry the bias; q_b, kv_b and full-rank q never do.
  a.qkvBias = a.outBias = cfg.getBool("attention_bias", false);
  // DeepseekV3Config sets head_dim to qk_rope_head_dim, and RoPE reads it.
  int64_t headDim = cfg.getInt("head_dim", ropeDim, 1, 65536);
  if (!cfg.failed() && headDim != ropeDim)
    cfg.fail("head_dim", "'head_dim' " + std::to_string(headDim) +
                             " must equal 'qk_rope_head_dim' " +
                             std::to_string(ropeDim) +
                             " (the RoPE part of each head)");
  if (cfg.failed())
    return;
  RopeExtras extras;
  readRope(cfg, spec, 10000.0, ropeDim, &extras);
  // rope_interleave de-interleaves q and k before rotate_half: the same
  // scores as rotating adjacent pairs.
  spec.rope.style = cfg.getBool("rope_interleave", true)
                        ? RopeStyle::interleaved
                        : RopeStyle::half;
  if (extras.scaled && extras.mscaleAllDim != 0) {
    double m = extras.factor <= 1
                   ? 1.0
                   : 0.1 * extras.mscaleAllDim * std::log(extras.factor) + 1.0;
    a.scale = m * m / std::sqrt(double(a.headDim));
  }
  int mixerIndex = addMixer(spec, mixer);

  // Routed experts: sigmoid scores plus a correction bias pick top-k within
  // the best topk_group of n_group groups; weights are the raw scores,
  // renormalized when norm_topk_prob, times routed_scaling_factor.
  requireChoice(cfg, "scoring_func", "sigmoid",
                "transformers' DeepSeek-V3 router scores with a sigmoid");
  requireChoice(cfg, "topk_method", "noaux_tc",
                "transformers' DeepSeek-V3 router always adds the score "
                "correction bias");
  int64_t freq = cfg.getInt("moe_layer_freq", 1, 1, 4096);
  if (!cfg.failed() && freq != 1)
    cfg.fail("moe_layer_freq", "'moe_layer_freq' " + std::to_string(freq) +
                                   " is not supported; expected 1 (every "
                                   "layer from first_k_dense_replace on is "
                                   "MoE)");
  FfnKind activation = readGatedActivation(cfg, "silu");
  FfnSpec moe = readMoeFfn(cfg, spec, "n_routed_experts",
                           "moe_intermediate_size", activation);
  MoeSpec &m = moe.moe;
  m.scoring = RouteScoring::sigmoid;
  m.correctionBias = true;
  m.normalize = cfg.getBool("norm_topk_prob", true);
  m.scale = cfg.getPositive("routed_scaling_factor", 2.5);
  m.groups = cfg.getInt("n_group", 8, 1, 65536);
  m.topkGroups = cfg.getInt("topk_group", 4, 1, 65536);
  // One shared MLP of moe_intermediate_size * n_shared_experts, which
  // finalizeModelSpec derives.
  m.sharedExperts = cfg.getInt("n_shared_experts", 1, 0, 65536);
  int64_t firstMoe = cfg.getInt("first_k_dense_replace", 3, 0, spec.numLayers);
  if (cfg.failed())
    return;
  int dense = addDenseIfUsed(cfg, spec, firstMoe > 0, activation);
  int moeIndex = addFfn(spec, moe);
  for (int64_t i = 0; i < spec.numLayers; ++i)
    spec.layers[size_t(i)] =
        LayerSpec{mixerIndex, i < firstMoe ? dense : moeIndex};
}
