//===- ModelSpec.h - an architecture, as frontends read it ------*- C++ -*-===//
//
// The in-memory form of a model architecture that every frontend produces (a
// native TOML description, a Hugging Face config.json, ...) and that
// ModelBuilder lowers to mgc IR. Only what changes the computation is here;
// the same architecture read from two inputs gives the same ModelSpec, and so
// the same IR.
//
// Sizes are in elements. A field documented "0: derived" is filled in by
// `finalizeModelSpec`, which also checks consistency.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_MODELSPEC_H
#define MGC_FRONTENDS_MODELSPEC_H

#include "ir/MgcDialect.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

/// A position in the input file, 1-based; 0 when unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct NormSpec {
  NormKind kind = NormKind::rms;
  double eps = 1e-5;
  bool bias = false;  // layer norm with a learned bias
  SourcePos pos;
};

struct RopeSpec {
  double theta = 10000.0;
  int64_t rotaryDim = 0;  // 0: derived (the whole head)
  RopeStyle style = RopeStyle::half;
  RopeScaling scaling = RopeScaling::none;
  double factor = 1.0;
  int64_t originalContext = 0;
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  // yarn: the factor cos and sin are scaled by; 0: derived (0.1 ln(factor) + 1)
  double attentionFactor = 0.0;
  SourcePos pos;
};

/// Softmax attention over a KV cache.
struct AttentionSpec {
  int64_t heads = 0;
  int64_t kvHeads = 0;   // 0: derived (= heads)
  int64_t headDim = 0;   // query/key head size; 0: derived (hidden / heads)
  int64_t vHeadDim = 0;  // value head size; 0: derived (= headDim)
  bool causal = true;    // false: bidirectional (encoders)
  int64_t window = 0;    // sliding window in tokens; 0: none
  double softCap = 0.0;  // 0: none
  double scale = 0.0;    // 0: 1 / sqrt(headDim)
  bool qkvBias = false;
  bool outBias = false;
  bool rope = true;      // rotate q and k with the model's RopeSpec
  bool qkNorm = false;   // RMS-normalize each query and key head (Qwen3)
  // Multi-head latent attention (DeepSeek-V2/V3, Kimi K2): queries and keys
  // /values go through low-rank projections, and `ropeHeadDim` dimensions of
  // each head carry RoPE from a key shared by all heads. kvLoraRank > 0
  // selects MLA; qLoraRank 0 projects queries at full rank.
  int64_t qLoraRank = 0;
  int64_t kvLoraRank = 0;
  int64_t ropeHeadDim = 0;
};

/// The linear-recurrence mixers; see ScanSpec for their sizes. rwkv4 has
/// one recurrence per channel (no heads); rwkv5_1 a decay per head, rwkv5_2
/// (RWKV-5 "Eagle") a decay per channel and an output gate.
enum class ScanMixerKind {
  mamba1, mamba2, rwkv6, rwkv7, s4, h3, hydra, rwkv4, rwkv5_1, rwkv5_2
};

/// True for the RWKV time mixes (rwkv4 to rwkv7), which RWKV's channel mix
/// follows.
inline bool isRwkv(ScanMixerKind kind) {
  return kind == ScanMixerKind::rwkv4 || kind == ScanMixerKind::rwkv5_1 ||
         kind == ScanMixerKind::rwkv5_2 || kind == ScanMixerKind::rwkv6 ||
         kind == ScanMixerKind::rwkv7;
}

struct ScanSpec {
  ScanMixerKind kind = ScanMixerKind::mamba1;
  int64_t stateSize = 16;  // N
  int64_t expand = 2;      // inner width = expand * hidden (Mamba, Hydra)
  int64_t convWidth = 4;   // causal depthwise conv width; 0: none
  bool convBias = true;
  bool projBias = false;   // bias on the in/out projections
  int64_t dtRank = 0;      // Mamba-1 dt projection rank; 0: ceil(hidden / 16)
  bool dtBcNorm = false;   // Mamba-1: RMS-normalize dt, B and C (Jamba)
  int64_t heads = 0;       // Mamba-2, Hydra, RWKV: 0: derived
  int64_t headDim = 64;    // P for Mamba-2 / Hydra, head size for RWKV
  int64_t groups = 1;      // B/C groups (Mamba-2, Hydra)
  int64_t decayLoraRank = 64;  // RWKV-6/7 low-rank decay projection
  int64_t mixLoraRank = 32;    // RWKV-6 token-shift mixing / RWKV-7 a, v, g
  int64_t valueLoraRank = 0;   // RWKV-7 value residual; 0: mixLoraRank
  int64_t gateLoraRank = 0;    // RWKV-7 output gate; 0: mixLoraRank
};

struct MixerSpec {
  std::string name;
  enum class Kind { attention, scan } kind = Kind::attention;
  AttentionSpec attention;
  ScanSpec scan;
  SourcePos pos;
};

struct MoeSpec {
  int64_t experts = 0;
  int64_t topK = 0;
  RouteScoring scoring = RouteScoring::softmax;
  bool normalize = false;      // renormalize the chosen weights to sum 1
  double scale = 1.0;          // routed scaling factor
  int64_t groups = 0;          // group-limited selection: expert groups
  int64_t topkGroups = 0;      //   and how many of them stay eligible
  double capacityFactor = 0.0; // 0: no capacity limit (no token dropping)
  bool correctionBias = false; // score-correction bias (DeepSeek-V3)
  int64_t sharedExperts = 0;   // always-on experts beside the routed ones
  int64_t sharedIntermediate = 0;  // their FFN size; 0: derived
  bool sharedGate = false;     // sigmoid gate on the shared output (Qwen2-MoE)
};

struct FfnSpec {
  std::string name;
  // rwkv: RWKV's channel mix (token shift, squared ReLU, receptance gate),
  // which only follows an RWKV mixer.
  enum class Kind { mlp, moe, rwkv } kind = Kind::mlp;
  FfnKind activation = FfnKind::swiglu;
  int64_t intermediate = 0;
  bool bias = false;
  MoeSpec moe;
  SourcePos pos;
};

/// One layer: indices into ModelSpec::mixers and ModelSpec::ffns.
struct LayerSpec {
  int mixer = 0;
  int ffn = -1;  // -1: no FFN (pure Mamba stacks)
};

enum class PositionKind { rope, learned, none };

struct ModelSpec {
  std::string name;
  std::string file;       // the input it was read from, for locations
  SourcePos pos;
  int64_t vocab = 0;
  int64_t hidden = 0;
  int64_t numLayers = 0;
  int64_t maxContext = 2048;  // KV cache capacity
  NormSpec norm;
  PositionKind positions = PositionKind::rope;
  RopeSpec rope;
  bool tieEmbeddings = false;
  bool outputBias = false;     // the LM head has a bias (Phi-2)
  bool parallelBlock = false;  // attention and FFN read one norm (Phi-2, GPT-J)
  bool postNorm = false;       // norm after each residual add (BERT)
  bool embeddingNorm = false;  // norm right after the embedding (BERT)
  int64_t tokenTypes = 0;      // BERT segment embeddings; 0: none
  std::vector<MixerSpec> mixers;
  std::vector<FfnSpec> ffns;
  std::vector<LayerSpec> layers;
};

/// Fills derived fields and checks consistency (heads dividing the hidden
/// size, top_k <= experts, ...). On failure returns false and sets `error` to
/// a message naming the offending mixer, FFN or field.
bool finalizeModelSpec(ModelSpec &spec, std::string &error,
                       SourcePos &errorPos);

} // namespace mgc

#endif // MGC_FRONTENDS_MODELSPEC_H
