//===- CanonicalNames.cpp - GGUF and Hugging Face names to mgc's ----------===//
//
// This file maps the tensor names of llama-family GGUF files (llama.cpp's
// naming) and Hugging Face checkpoints to the names mgc's model builder gives
// its weights (frontends/ModelBuilder.cpp, BuildAttention.cpp, BuildFfn.cpp):
//
//   GGUF                     Hugging Face                         mgc
//   token_embd.weight        model.embed_tokens.weight            embed.tokens.weight
//   blk.N.attn_norm          model.layers.N.input_layernorm       layers.N.mixer_norm
//   blk.N.attn_q             ...self_attn.q_proj                  layers.N.attn.q
//   blk.N.attn_k             ...self_attn.k_proj                  layers.N.attn.k
//   blk.N.attn_v             ...self_attn.v_proj                  layers.N.attn.v
//   blk.N.attn_output        ...self_attn.o_proj                  layers.N.attn.o
//   blk.N.attn_q_norm        ...self_attn.q_norm                  layers.N.attn.q_norm
//   blk.N.attn_k_norm        ...self_attn.k_norm                  layers.N.attn.k_norm
//   blk.N.ffn_norm           ...post_attention_layernorm          layers.N.ffn_norm
//   blk.N.ffn_gate           ...mlp.gate_proj                     layers.N.ffn.gate
//   blk.N.ffn_up             ...mlp.up_proj                       layers.N.ffn.up
//   blk.N.ffn_down           ...mlp.down_proj                     layers.N.ffn.down
//   output_norm.weight       model.norm.weight                    norm.weight
//   output.weight            lm_head.weight                       output.weight
//
// Per-layer names keep their ".weight" / ".bias" suffix. Hugging Face MoE
// checkpoints (Mixtral, Qwen2-MoE, DeepSeek-V3, Jamba) name the router, the
// shared experts and one tensor per expert, which mgc stacks
// (hfExpertPiece). State-space checkpoints:
//
//   Hugging Face                                   mgc
//   backbone.embeddings.weight (Mamba, Mamba-2)     embed.tokens.weight
//   backbone.norm_f.weight                          norm.weight
//   backbone.layers.N.norm.weight                   layers.N.mixer_norm.weight
//   backbone.layers.N.mixer.<leaf>                  layers.N.mixer.<leaf>
//   model.layers.N.mamba.<leaf> (Jamba)             layers.N.mixer.<leaf>
//   model.layers.N.pre_ff_layernorm.weight          layers.N.ffn_norm.weight
//   model.layers.N.feed_forward.router              layers.N.ffn.router
//   model.layers.N.feed_forward.{gate,up,down}_proj layers.N.ffn.{gate,up,down}
//   model.final_layernorm.weight                    norm.weight
//
// where <leaf> is any of the mixer's tensors (in_proj.weight, A_log, D,
// conv1d.weight, ...). rwkv.cpp model files (RWKV-LM's names):
//
//   rwkv.cpp                     mgc
//   emb.weight                   embed.tokens.weight
//   blocks.0.ln0.{weight,bias}   embed.norm.{weight,bias}
//   blocks.N.ln1.{weight,bias}   layers.N.mixer_norm.{weight,bias}
//   blocks.N.ln2.{weight,bias}   layers.N.ffn_norm.{weight,bias}
//   blocks.N.att.<leaf>          layers.N.att.<leaf>
//   blocks.N.ffn.<leaf>          layers.N.ffn.<leaf>
//   ln_out.{weight,bias}         norm.{weight,bias}
//   head.weight                  output.weight
//
// (the rwkv.cpp reader also splits and converts a few tensors, see
// RwkvCppReader.cpp). Names outside these tables (e.g. rope_freqs,
// rotary_emb.inv_freq) have no canonical name.
//
//===----------------------------------------------------------------------===//

#include "weights/WeightFile.h"

#include <cstring>

using namespace mgc;

namespace {

struct Rename {
  const char *from;
  const char *to;
};

/// If `name` is `<prefix><N>.<rest>` with N a decimal layer index, sets
/// `layer` and `rest` ("attn_q.weight").
bool splitLayer(const std::string &name, const char *prefix,
                std::string &layer, std::string &rest) {
  size_t n = std::strlen(prefix);
  if (name.compare(0, n, prefix) != 0)
    return false;
  size_t dot = name.find('.', n);
  if (dot == std::string::npos || dot == n)
    return false;
  layer = name.substr(n, dot - n);
  for (char c : layer)
    if (c < '0' || c > '9')
      return false;
  if (layer.size() > 1 && layer[0] == '0')
    return false;
  rest = name.substr(dot + 1);
  return true;
}

/// `rest` is `<module>.<param>` with <module> a key of `table` and <param>
/// "weight" or "bias": the renamed module with the same suffix.
std::string renameModule(const std::string &rest, const Rename *table,
                         size_t size) {
  size_t dot = rest.rfind('.');
  if (dot == std::string::npos)
    return {};
  std::string module = rest.substr(0, dot), param = rest.substr(dot + 1);
  if (param != "weight" && param != "bias")
    return {};
  for (size_t i = 0; i < size; ++i)
    if (module == table[i].from)
      return std::string(table[i].to) + "." + param;
  return {};
}

/// What follows `prefix` in `name`, "" when name does not start with it or
/// nothing follows.
std::string after(const std::string &name, const char *prefix) {
  size_t n = std::strlen(prefix);
  return name.compare(0, n, prefix) == 0 ? name.substr(n) : std::string();
}

std::string lookup(const std::string &name, const Rename *table, size_t size) {
  for (size_t i = 0; i < size; ++i)
    if (name == table[i].from)
      return table[i].to;
  return {};
}

} // namespace

std::string mgc::ggufToCanonical(const std::string &name) {
  static const Rename kGlobal[] = {
      {"token_embd.weight", "embed.tokens.weight"},
      {"output_norm.weight", "norm.weight"},
      {"output_norm.bias", "norm.bias"},
      {"output.weight", "output.weight"},
      {"output.bias", "output.bias"},
  };
  static const Rename kLayer[] = {
      {"attn_norm", "mixer_norm"},   {"attn_q", "attn.q"},
      {"attn_k", "attn.k"},          {"attn_v", "attn.v"},
      {"attn_output", "attn.o"},     {"attn_q_norm", "attn.q_norm"},
      {"attn_k_norm", "attn.k_norm"}, {"ffn_norm", "ffn_norm"},
      {"ffn_gate", "ffn.gate"},      {"ffn_up", "ffn.up"},
      {"ffn_down", "ffn.down"},
  };
  std::string layer, rest;
  if (splitLayer(name, "blk.", layer, rest)) {
    std::string renamed =
        renameModule(rest, kLayer, sizeof(kLayer) / sizeof(kLayer[0]));
    return renamed.empty() ? renamed : "layers." + layer + "." + renamed;
  }
  return lookup(name, kGlobal, sizeof(kGlobal) / sizeof(kGlobal[0]));
}

/// One expert's matrix of a Hugging Face MoE layer as a piece of mgc's
/// stacked expert weight: `block_sparse_moe.experts.3.w1.weight` (Mixtral)
/// or `mlp.experts.3.gate_proj.weight` -> `ffn.experts.gate.3`, the row of
/// `ffn.experts.gate` [experts, ffn, hidden] for expert 3; "" otherwise.
static std::string hfExpertPiece(const std::string &rest) {
  static const Rename kPieces[] = {
      {"w1", "gate"},        {"w3", "up"},      {"w2", "down"},
      {"gate_proj", "gate"}, {"up_proj", "up"}, {"down_proj", "down"},
  };
  std::string expert, tail;
  if (!splitLayer(rest, "block_sparse_moe.experts.", expert, tail) &&
      !splitLayer(rest, "mlp.experts.", expert, tail) &&
      !splitLayer(rest, "feed_forward.experts.", expert, tail))
    return {};
  for (const Rename &piece : kPieces)
    if (tail == std::string(piece.from) + ".weight")
      return std::string("ffn.experts.") + piece.to + "." + expert;
  return {};
}

std::string mgc::hfToCanonical(const std::string &name) {
  static const Rename kGlobal[] = {
      {"model.embed_tokens.weight", "embed.tokens.weight"},
      {"model.norm.weight", "norm.weight"},
      {"lm_head.weight", "output.weight"},
      {"lm_head.bias", "output.bias"},
      // Mamba, Mamba-2 (backbone.*) and Jamba.
      {"backbone.embeddings.weight", "embed.tokens.weight"},
      {"backbone.norm_f.weight", "norm.weight"},
      {"model.final_layernorm.weight", "norm.weight"},
  };
  static const Rename kLayer[] = {
      {"input_layernorm", "mixer_norm"},
      {"post_attention_layernorm", "ffn_norm"},
      {"self_attn.q_proj", "attn.q"},
      {"self_attn.k_proj", "attn.k"},
      {"self_attn.v_proj", "attn.v"},
      {"self_attn.o_proj", "attn.o"},
      {"self_attn.q_norm", "attn.q_norm"},
      {"self_attn.k_norm", "attn.k_norm"},
      {"mlp.gate_proj", "ffn.gate"},
      {"mlp.up_proj", "ffn.up"},
      {"mlp.down_proj", "ffn.down"},
      // Multi-head latent attention (DeepSeek-V2/V3, Kimi K2).
      {"self_attn.q_a_proj", "attn.q_a"},
      {"self_attn.q_a_layernorm", "attn.q_a_norm"},
      {"self_attn.q_b_proj", "attn.q_b"},
      {"self_attn.kv_a_proj_with_mqa", "attn.kv_a"},
      {"self_attn.kv_a_layernorm", "attn.kv_a_norm"},
      {"self_attn.kv_b_proj", "attn.kv_b"},
      // Mixture of experts: the router and shared experts (Mixtral,
      // Qwen2-MoE, DeepSeek-V3).
      {"block_sparse_moe.gate", "ffn.router"},
      {"mlp.gate", "ffn.router"},
      {"mlp.shared_expert.gate_proj", "ffn.shared.gate"},
      {"mlp.shared_expert.up_proj", "ffn.shared.up"},
      {"mlp.shared_expert.down_proj", "ffn.shared.down"},
      {"mlp.shared_experts.gate_proj", "ffn.shared.gate"},
      {"mlp.shared_experts.up_proj", "ffn.shared.up"},
      {"mlp.shared_experts.down_proj", "ffn.shared.down"},
      {"mlp.shared_expert_gate", "ffn.shared_gate"},
      // Jamba's FFNs: dense, or a router over experts.
      {"pre_ff_layernorm", "ffn_norm"},
      {"feed_forward.router", "ffn.router"},
      {"feed_forward.gate_proj", "ffn.gate"},
      {"feed_forward.up_proj", "ffn.up"},
      {"feed_forward.down_proj", "ffn.down"},
  };
  std::string layer, rest;
  if (splitLayer(name, "model.layers.", layer, rest)) {
    const std::string prefix = "layers." + layer + ".";
    if (rest == "mlp.gate.e_score_correction_bias")
      return prefix + "ffn.router.correction_bias";
    if (std::string expert = hfExpertPiece(rest); !expert.empty())
      return prefix + expert;
    if (std::string leaf = after(rest, "mamba."); !leaf.empty())
      return prefix + "mixer." + leaf; // Jamba's Mamba mixers
    std::string renamed =
        renameModule(rest, kLayer, sizeof(kLayer) / sizeof(kLayer[0]));
    return renamed.empty() ? renamed : prefix + renamed;
  }
  if (splitLayer(name, "backbone.layers.", layer, rest)) {
    // Mamba and Mamba-2: a norm and a mixer per layer.
    const std::string prefix = "layers." + layer + ".";
    if (rest == "norm.weight")
      return prefix + "mixer_norm.weight";
    if (std::string leaf = after(rest, "mixer."); !leaf.empty())
      return prefix + "mixer." + leaf;
    return {};
  }
  return lookup(name, kGlobal, sizeof(kGlobal) / sizeof(kGlobal[0]));
}

std::string mgc::rwkvCppToCanonical(const std::string &name) {
  static const Rename kGlobal[] = {
      {"emb.weight", "embed.tokens.weight"},
      {"blocks.0.ln0.weight", "embed.norm.weight"},
      {"blocks.0.ln0.bias", "embed.norm.bias"},
      {"ln_out.weight", "norm.weight"},
      {"ln_out.bias", "norm.bias"},
      {"head.weight", "output.weight"},
  };
  static const Rename kLayer[] = {
      {"ln1", "mixer_norm"},
      {"ln2", "ffn_norm"},
  };
  if (std::string renamed =
          lookup(name, kGlobal, sizeof(kGlobal) / sizeof(kGlobal[0]));
      !renamed.empty())
    return renamed;
  std::string layer, rest;
  if (!splitLayer(name, "blocks.", layer, rest))
    return {};
  const std::string prefix = "layers." + layer + ".";
  for (const char *block : {"att.", "ffn."})
    if (!after(rest, block).empty())
      return prefix + rest;
  std::string renamed =
      renameModule(rest, kLayer, sizeof(kLayer) / sizeof(kLayer[0]));
  return renamed.empty() ? renamed : prefix + renamed;
}
