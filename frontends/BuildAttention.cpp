//===- BuildAttention.cpp - lowering attention mixers -----------*- C++ -*-===//
//
// Lowers softmax attention: q/k/v projections, an mgc.attention over the
// layer's KV cache (which applies RoPE to q and k), and the output
// projection. Multi-head latent attention (MLA) projects keys and values to
// a shared low-rank latent, caches only that latent and a decoupled rotated
// key, and attends in the latent space with the up-projection absorbed into
// the queries and the output. Weights under the layer prefix:
//
//   attn.{q,k,v,o}.{weight,bias}           standard attention
//   attn.{q,k}_norm.weight [head_dim]      per-head q/k RMSNorm (qk_norm)
//   attn.q_a, attn.q_a_norm, attn.q_b      MLA queries (q_a/q_b low rank)
//   attn.q                                 MLA queries at full rank
//   attn.kv_a, attn.kv_a_norm, attn.kv_b   MLA keys and values
//
// State: attn.k_cache [kv_heads, max_context, head_dim],
//        attn.v_cache [kv_heads, max_context, v_head_dim]; for MLA
//        [1, max_context, kv_lora_rank + rope_head_dim] and
//        [1, max_context, kv_lora_rank].
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mgc;

namespace {

/// Query, key and value projections, [T, heads * head size] each, ready for
/// mgc.attention; `rope` is what mgc.attention should still apply.
struct Projections {
  Value q, k, v;
  RopeAttr rope;
  // The attention's shape; standard attention takes the spec's.
  int64_t kvHeads = 0, headDim = 0, vHeadDim = 0;
  double scale = 0; // 0: the spec's
  // MLA: kv_b [heads * kvBlock, rank], its value rows start at nopeDim.
  Value kvB;
  int64_t kvBlock = 0, nopeDim = 0;
};

Projections projectStandard(GraphBuilder &g, const AttentionSpec &a, Value x) {
  Projections p;
  p.q = g.linear(x, "attn.q", a.heads * a.headDim, a.qkvBias);
  p.k = g.linear(x, "attn.k", a.kvHeads * a.headDim, a.qkvBias);
  p.v = g.linear(x, "attn.v", a.kvHeads * a.vHeadDim, a.qkvBias);
  if (a.qkNorm) {
    // Qwen3: each head is RMS-normalized (weight [head_dim]) before RoPE.
    NormSpec rms{NormKind::rms, g.spec().norm.eps, false, {}};
    auto perHead = [&](Value t, int64_t heads, StringRef name) {
      Value normed = g.norm(g.reshape(t, {heads, a.headDim}), rms, name);
      return g.reshape(normed, {heads * a.headDim});
    };
    p.q = perHead(p.q, a.heads, "attn.q_norm");
    p.k = perHead(p.k, a.kvHeads, "attn.k_norm");
  }
  if (a.rope && g.spec().positions == PositionKind::rope)
    p.rope = g.ropeAttr(a.headDim);
  p.kvHeads = a.kvHeads;
  p.headDim = a.headDim;
  p.vHeadDim = a.vHeadDim;
  p.scale = a.scale;
  return p;
}

/// MLA with the key/value up-projection absorbed, so the KV cache holds
/// only what the low-rank projection makes per token: one shared key head
/// [latent | rope] and one value head [latent]. Each query head [nope |
/// rope] moves its nope part into the latent space through its key rows of
/// kv_b (q_nope W_UK), scores against the cached latent plus the rotated
/// rope key, and its latent output leaves through its value rows of kv_b
/// (W_UV), which finish() applies.
Projections projectLatent(GraphBuilder &g, const AttentionSpec &a, Value x) {
  const ModelSpec &spec = g.spec();
  int64_t heads = a.heads, ropeDim = a.ropeHeadDim, rank = a.kvLoraRank;
  int64_t nopeDim = a.headDim - ropeDim;
  NormSpec rms{NormKind::rms, spec.norm.eps, false, {}};

  Value q;
  if (a.qLoraRank > 0) {
    Value cq = g.linear(x, "attn.q_a", a.qLoraRank, a.qkvBias);
    cq = g.norm(cq, rms, "attn.q_a_norm");
    q = g.linear(cq, "attn.q_b", heads * a.headDim, false);
  } else {
    q = g.linear(x, "attn.q", heads * a.headDim, false);
  }
  Value kvA = g.linear(x, "attn.kv_a", rank + ropeDim, a.qkvBias);
  Value latent = g.norm(g.slice(kvA, 0, rank), rms, "attn.kv_a_norm");
  Value kRope = g.slice(kvA, rank, ropeDim);

  RopeAttr rope = g.ropeAttr(ropeDim);
  Value q3 = g.reshape(q, {heads, a.headDim});
  Value qRope = g.reshape(g.slice(q3, nopeDim, ropeDim), {heads * ropeDim});
  qRope = g.reshape(g.rope(qRope, ropeDim, rope), {heads, ropeDim});
  kRope = g.reshape(g.rope(kRope, ropeDim, rope), {1, ropeDim});

  Projections p;
  p.kvB = g.param("attn.kv_b.weight", {heads * (nopeDim + a.vHeadDim), rank});
  p.kvBlock = nopeDim + a.vHeadDim;
  p.nopeDim = nopeDim;
  Value qLatent = g.headLinear(g.slice(q3, 0, nopeDim), p.kvB, p.kvBlock, 0,
                               /*transpose=*/true, rank);
  p.q = g.reshape(g.concat({qLatent, qRope}), {heads * (rank + ropeDim)});
  p.k = g.reshape(g.concat({g.reshape(latent, {1, rank}), kRope}),
                  {rank + ropeDim});
  p.v = latent;
  p.kvHeads = 1;
  p.headDim = rank + ropeDim;
  p.vHeadDim = rank;
  // The scores are those of the uncompressed heads: scale by their size.
  p.scale = a.scale > 0 ? a.scale : 1.0 / std::sqrt(double(a.headDim));
  return p;
}

/// The attention output [T, heads * vHeadDim] for the output projection.
Value finish(GraphBuilder &g, const AttentionSpec &a, const Projections &p,
             Value out) {
  if (!p.kvB)
    return out;
  Value latent = g.reshape(out, {a.heads, p.vHeadDim});
  Value v = g.headLinear(latent, p.kvB, p.kvBlock, p.nopeDim,
                         /*transpose=*/false, a.vHeadDim);
  return g.reshape(v, {a.heads * a.vHeadDim});
}

} // namespace

Value mgc::buildAttention(GraphBuilder &g, const MixerSpec &mixer, Value x) {
  const AttentionSpec &a = mixer.attention;
  const ModelSpec &spec = g.spec();
  OpBuilder &b = g.builder();
  Projections p = a.kvLoraRank > 0 ? projectLatent(g, a, x)
                                   : projectStandard(g, a, x);

  auto optionalInt = [&](int64_t value) {
    return value > 0 ? b.getI64IntegerAttr(value) : IntegerAttr();
  };
  auto optionalFloat = [&](double value) {
    return value > 0 ? b.getF64FloatAttr(value) : FloatAttr();
  };
  RankedTensorType outType = g.activation({a.heads * p.vHeadDim});
  IntegerAttr vHeadDim = p.vHeadDim != p.headDim
                             ? b.getI64IntegerAttr(p.vHeadDim)
                             : IntegerAttr();
  Value out;
  if (a.causal) {
    Value kCache = g.readState("attn.k_cache", StateKind::kv_cache,
                               {p.kvHeads, spec.maxContext, p.headDim});
    Value vCache = g.readState("attn.v_cache", StateKind::kv_cache,
                               {p.kvHeads, spec.maxContext, p.vHeadDim});
    auto op = b.create<AttentionOp>(
        g.loc(), outType, TypeRange{kCache.getType(), vCache.getType()},
        AttentionMask::causal, p.q, p.k, p.v, kCache, vCache, g.position(),
        a.heads, p.kvHeads, p.headDim, vHeadDim, optionalInt(a.window),
        optionalFloat(p.scale), optionalFloat(a.softCap), p.rope);
    g.writeState("attn.k_cache", op.getKCacheOut());
    g.writeState("attn.v_cache", op.getVCacheOut());
    out = op.getResult();
  } else {
    out = b.create<AttentionOp>(
        g.loc(), outType, TypeRange{}, AttentionMask::bidirectional, p.q, p.k,
        p.v, Value(), Value(), Value(), a.heads, p.kvHeads, p.headDim,
        vHeadDim, IntegerAttr(), optionalFloat(p.scale),
        optionalFloat(a.softCap), p.rope).getResult();
  }
  return g.linear(finish(g, a, p, out), "attn.o", spec.hidden, a.outBias);
}
