//===- ModelSpec.cpp - deriving and checking architecture sizes -*- C++ -*-===//

#include "frontends/ModelSpec.h"

#include <string>

using namespace mgc;

namespace {

/// Collects the first error with the position it concerns.
struct Checker {
  std::string &error;
  SourcePos &errorPos;

  bool fail(SourcePos pos, const std::string &message) {
    error = message;
    errorPos = pos;
    return false;
  }
};

std::string str(int64_t value) { return std::to_string(value); }

bool finalizeAttention(const ModelSpec &spec, MixerSpec &mixer, Checker &c) {
  AttentionSpec &a = mixer.attention;
  std::string where = "attention mixer '" + mixer.name + "': ";
  if (a.heads <= 0)
    return c.fail(mixer.pos, where + "heads must be positive, got " +
                                 str(a.heads));
  if (a.kvHeads == 0)
    a.kvHeads = a.heads;
  if (a.kvHeads < 0 || a.heads % a.kvHeads != 0)
    return c.fail(mixer.pos, where + "kv_heads " + str(a.kvHeads) +
                                 " must divide heads " + str(a.heads));
  if (a.headDim == 0) {
    if (spec.hidden % a.heads != 0)
      return c.fail(mixer.pos, where + "heads " + str(a.heads) +
                                   " must divide hidden_size " +
                                   str(spec.hidden) +
                                   " (or give head_dim explicitly)");
    a.headDim = spec.hidden / a.heads;
  }
  if (a.headDim <= 0)
    return c.fail(mixer.pos, where + "head_dim must be positive, got " +
                                 str(a.headDim));
  if (a.vHeadDim == 0)
    a.vHeadDim = a.headDim;
  if (a.window < 0 || a.softCap < 0 || a.scale < 0)
    return c.fail(mixer.pos,
                  where + "window, soft_cap and scale must not be negative");
  if (a.window > 0 && !a.causal)
    return c.fail(mixer.pos, where + "a sliding window needs causal attention");
  if (a.kvLoraRank > 0) {
    if (a.ropeHeadDim <= 0 || a.ropeHeadDim >= a.headDim)
      return c.fail(mixer.pos, where + "MLA needs 0 < rope_head_dim (" +
                                   str(a.ropeHeadDim) + ") < head_dim (" +
                                   str(a.headDim) + ")");
    if (a.kvHeads != a.heads)
      return c.fail(mixer.pos, where + "MLA expands keys and values per head: "
                                       "kv_heads must equal heads");
    if (a.qkNorm)
      return c.fail(mixer.pos, where + "qk_norm does not combine with MLA");
  } else if (a.qLoraRank > 0 || a.ropeHeadDim > 0) {
    return c.fail(mixer.pos, where + "q_lora_rank and rope_head_dim belong to "
                                     "MLA and need kv_lora_rank > 0");
  }
  bool rotates = a.rope && spec.positions == PositionKind::rope;
  int64_t rotated = a.kvLoraRank > 0 ? a.ropeHeadDim : a.headDim;
  if (rotates && spec.rope.rotaryDim > rotated)
    return c.fail(spec.rope.pos, "rope rotary_dim " + str(spec.rope.rotaryDim) +
                                     " exceeds the rotated head size " +
                                     str(rotated) + " of mixer '" +
                                     mixer.name + "'");
  if (rotates && (spec.rope.rotaryDim > 0 ? spec.rope.rotaryDim : rotated) % 2)
    return c.fail(spec.rope.pos, "rope rotates pairs: the rotated size of "
                                 "mixer '" + mixer.name + "' must be even");
  return true;
}

bool finalizeScan(const ModelSpec &spec, MixerSpec &mixer, Checker &c) {
  ScanSpec &s = mixer.scan;
  std::string where = "scan mixer '" + mixer.name + "': ";
  if (s.stateSize <= 0 || s.expand <= 0 || s.convWidth < 0 || s.headDim <= 0 ||
      s.groups <= 0)
    return c.fail(mixer.pos, where + "state_size, expand, head_dim and groups "
                                     "must be positive, conv_width not "
                                     "negative");
  if (s.dtRank == 0)
    s.dtRank = (spec.hidden + 15) / 16;
  if (s.dtBcNorm && s.kind != ScanMixerKind::mamba1)
    return c.fail(mixer.pos, where + "dt_bc_norm applies to mamba1 mixers");
  int64_t inner = s.expand * spec.hidden;
  switch (s.kind) {
  case ScanMixerKind::mamba2:
  case ScanMixerKind::hydra:
    if (s.heads == 0) {
      if (inner % s.headDim != 0)
        return c.fail(mixer.pos, where + "head_dim " + str(s.headDim) +
                                     " must divide the inner width " +
                                     str(inner) + " (expand * hidden_size)");
      s.heads = inner / s.headDim;
    }
    if (s.heads * s.headDim != inner)
      return c.fail(mixer.pos, where + "heads * head_dim (" +
                                   str(s.heads * s.headDim) +
                                   ") must equal expand * hidden_size (" +
                                   str(inner) + ")");
    if (s.heads % s.groups != 0)
      return c.fail(mixer.pos, where + "groups " + str(s.groups) +
                                   " must divide heads " + str(s.heads));
    break;
  case ScanMixerKind::rwkv5_1:
  case ScanMixerKind::rwkv5_2:
  case ScanMixerKind::rwkv6:
  case ScanMixerKind::rwkv7:
    if (spec.hidden % s.headDim != 0)
      return c.fail(mixer.pos, where + "head_dim " + str(s.headDim) +
                                   " must divide hidden_size " +
                                   str(spec.hidden));
    if (s.heads == 0)
      s.heads = spec.hidden / s.headDim;
    if (s.heads * s.headDim != spec.hidden)
      return c.fail(mixer.pos, where + "heads * head_dim must equal "
                                       "hidden_size");
    break;
  case ScanMixerKind::h3: {
    // H3's state per head is d x d by N / 2 (d = hidden / heads), and its
    // lowering unrolls over d: keep heads small.
    int64_t heads = s.heads > 0 ? s.heads : spec.hidden;
    if (spec.hidden % heads != 0)
      return c.fail(mixer.pos, where + "heads " + str(heads) +
                                   " must divide hidden_size " +
                                   str(spec.hidden));
    if (spec.hidden / heads > 64)
      return c.fail(mixer.pos, where + "h3 heads of " +
                                   str(spec.hidden / heads) +
                                   " channels exceed 64 (the state grows with "
                                   "the square of the head size); use more "
                                   "heads");
    break;
  }
  case ScanMixerKind::mamba1:
  case ScanMixerKind::s4:
  case ScanMixerKind::rwkv4:
    break;
  }
  return true;
}

bool finalizeFfn(const ModelSpec &spec, FfnSpec &ffn, Checker &c) {
  std::string where = "ffn '" + ffn.name + "': ";
  if (ffn.intermediate <= 0)
    return c.fail(ffn.pos, where + "intermediate_size must be positive, got " +
                               str(ffn.intermediate));
  if (ffn.kind != FfnSpec::Kind::moe)
    return true;
  MoeSpec &m = ffn.moe;
  if (m.experts <= 0)
    return c.fail(ffn.pos, where + "experts must be positive, got " +
                               str(m.experts));
  if (m.topK <= 0 || m.topK > m.experts)
    return c.fail(ffn.pos, where + "top_k must be in [1, " + str(m.experts) +
                               "] (the number of experts), got " +
                               str(m.topK));
  if ((m.groups > 0) != (m.topkGroups > 0))
    return c.fail(ffn.pos, where + "n_group and topk_group go together");
  if (m.groups > 0) {
    if (m.experts % m.groups != 0)
      return c.fail(ffn.pos, where + "n_group " + str(m.groups) +
                                 " must divide the " + str(m.experts) +
                                 " experts");
    if (m.topkGroups > m.groups ||
        m.topK > m.topkGroups * (m.experts / m.groups))
      return c.fail(ffn.pos, where + "topk_group " + str(m.topkGroups) +
                                 " must be at most n_group and leave at least "
                                 "top_k experts eligible");
  }
  if (m.scale <= 0 || m.capacityFactor < 0)
    return c.fail(ffn.pos, where + "scale must be positive and "
                                   "capacity_factor not negative");
  if (m.sharedExperts < 0)
    return c.fail(ffn.pos, where + "shared_experts must not be negative");
  if (m.sharedExperts > 0 && m.sharedIntermediate == 0)
    m.sharedIntermediate = ffn.intermediate * m.sharedExperts;
  if (m.sharedGate && m.sharedExperts == 0)
    return c.fail(ffn.pos, where + "a shared-expert gate needs shared_experts");
  return true;
}

} // namespace

bool mgc::finalizeModelSpec(ModelSpec &spec, std::string &error,
                            SourcePos &errorPos) {
  Checker c{error, errorPos};
  if (spec.vocab <= 0 || spec.vocab > (int64_t(1) << 24))
    return c.fail(spec.pos, "vocab_size must be in [1, 16777216], got " +
                                str(spec.vocab));
  if (spec.hidden <= 0 || spec.hidden > (int64_t(1) << 20))
    return c.fail(spec.pos, "hidden_size must be in [1, 1048576], got " +
                                str(spec.hidden));
  if (spec.numLayers <= 0 || spec.numLayers > 4096)
    return c.fail(spec.pos, "num_layers must be in [1, 4096], got " +
                                str(spec.numLayers));
  if (spec.maxContext <= 0 || spec.maxContext > (int64_t(1) << 24))
    return c.fail(spec.pos, "max_context must be in [1, 16777216], got " +
                                str(spec.maxContext));
  if (!(spec.norm.eps > 0))
    return c.fail(spec.norm.pos, "norm eps must be positive");
  if (spec.rope.attentionFactor < 0 ||
      (spec.rope.attentionFactor > 0 &&
       spec.rope.scaling != RopeScaling::yarn))
    return c.fail(spec.rope.pos, "rope attention_factor belongs to yarn "
                                 "scaling and must be positive");
  if (spec.rope.theta <= 0 || spec.rope.factor <= 0 || spec.rope.rotaryDim < 0)
    return c.fail(spec.rope.pos, "rope theta and factor must be positive and "
                                 "rotary_dim not negative");
  if (int64_t(spec.layers.size()) != spec.numLayers)
    return c.fail(spec.pos, "the layer schedule has " +
                                str(spec.layers.size()) + " layers but "
                                "num_layers is " + str(spec.numLayers));
  for (MixerSpec &mixer : spec.mixers)
    if (!(mixer.kind == MixerSpec::Kind::attention
              ? finalizeAttention(spec, mixer, c)
              : finalizeScan(spec, mixer, c)))
      return false;
  for (FfnSpec &ffn : spec.ffns)
    if (!finalizeFfn(spec, ffn, c))
      return false;
  for (const LayerSpec &layer : spec.layers) {
    if (layer.mixer < 0 || layer.mixer >= int(spec.mixers.size()) ||
        layer.ffn < -1 || layer.ffn >= int(spec.ffns.size()))
      return c.fail(spec.pos, "a layer refers to a mixer or ffn that is not "
                              "defined");
    const MixerSpec &mixer = spec.mixers[layer.mixer];
    bool rwkvMixer =
        mixer.kind == MixerSpec::Kind::scan && isRwkv(mixer.scan.kind);
    if (layer.ffn >= 0 && spec.ffns[layer.ffn].kind == FfnSpec::Kind::rwkv &&
        !rwkvMixer)
      return c.fail(spec.ffns[layer.ffn].pos,
                    "ffn '" + spec.ffns[layer.ffn].name +
                        "': an rwkv channel mix must follow an RWKV mixer "
                        "(rwkv4, rwkv5.1, rwkv5.2, rwkv6 or rwkv7), not '" +
                        mixer.name + "'");
  }
  if (spec.parallelBlock && spec.postNorm)
    return c.fail(spec.pos, "parallel blocks and post-norm do not combine");
  return true;
}
