//===- BuildAttention.cpp - lowering attention mixers -----------*- C++ -*-===//
//
// Lowers softmax attention: q/k/v projections, an mgc.attention over the
// layer's KV cache (which applies RoPE to q and k), and the output
// projection. Multi-head latent attention (MLA) first expands queries and
// keys/values from low-rank projections and rotates only a decoupled part of
// each head. Weights under the layer prefix:
//
//   attn.{q,k,v,o}.{weight,bias}           standard attention
//   attn.{q,k}_norm.weight [head_dim]      per-head q/k RMSNorm (qk_norm)
//   attn.q_a, attn.q_a_norm, attn.q_b      MLA queries (q_a/q_b low rank)
//   attn.q                                 MLA queries at full rank
//   attn.kv_a, attn.kv_a_norm, attn.kv_b   MLA keys and values
//
// State: attn.k_cache [kv_heads, max_context, head_dim],
//        attn.v_cache [kv_heads, max_context, v_head_dim].
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"

using namespace mlir;
using namespace mgc;

namespace {

/// Query, key and value projections, [T, heads * head size] each, ready for
/// mgc.attention; `rope` is what mgc.attention should still apply.
struct Projections {
  Value q, k, v;
  RopeAttr rope;
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
  return p;
}

/// MLA: each head is [nope | rope]; the rope part of keys is one projection
/// shared by all heads, rotated here (not by mgc.attention).
Projections projectLatent(GraphBuilder &g, const AttentionSpec &a, Value x) {
  const ModelSpec &spec = g.spec();
  int64_t heads = a.heads, ropeDim = a.ropeHeadDim;
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
  Value kvA = g.linear(x, "attn.kv_a", a.kvLoraRank + ropeDim, a.qkvBias);
  Value latent = g.norm(g.slice(kvA, 0, a.kvLoraRank), rms, "attn.kv_a_norm");
  Value kRope = g.slice(kvA, a.kvLoraRank, ropeDim);
  Value kv = g.linear(latent, "attn.kv_b", heads * (nopeDim + a.vHeadDim),
                      false);

  RopeAttr rope = g.ropeAttr(ropeDim);
  Value q3 = g.reshape(q, {heads, a.headDim});
  Value qRope = g.reshape(g.slice(q3, nopeDim, ropeDim), {heads * ropeDim});
  qRope = g.reshape(g.rope(qRope, ropeDim, rope), {heads, ropeDim});
  kRope = g.reshape(g.rope(kRope, ropeDim, rope), {1, ropeDim});
  Value kRopeHeads = g.broadcast(kRope, {g.tokens(), heads, ropeDim});

  Value kv3 = g.reshape(kv, {heads, nopeDim + a.vHeadDim});
  Projections p;
  p.q = g.reshape(g.concat({g.slice(q3, 0, nopeDim), qRope}),
                  {heads * a.headDim});
  p.k = g.reshape(g.concat({g.slice(kv3, 0, nopeDim), kRopeHeads}),
                  {heads * a.headDim});
  p.v = g.reshape(g.slice(kv3, nopeDim, a.vHeadDim), {heads * a.vHeadDim});
  return p;
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
  RankedTensorType outType = g.activation({a.heads * a.vHeadDim});
  IntegerAttr vHeadDim =
      a.vHeadDim != a.headDim ? b.getI64IntegerAttr(a.vHeadDim) : IntegerAttr();
  Value out;
  if (a.causal) {
    Value kCache = g.readState("attn.k_cache", StateKind::kv_cache,
                               {a.kvHeads, spec.maxContext, a.headDim});
    Value vCache = g.readState("attn.v_cache", StateKind::kv_cache,
                               {a.kvHeads, spec.maxContext, a.vHeadDim});
    auto op = b.create<AttentionOp>(
        g.loc(), outType, TypeRange{kCache.getType(), vCache.getType()},
        AttentionMask::causal, p.q, p.k, p.v, kCache, vCache, g.position(),
        a.heads, a.kvHeads, a.headDim, vHeadDim, optionalInt(a.window),
        optionalFloat(a.scale), optionalFloat(a.softCap), p.rope);
    g.writeState("attn.k_cache", op.getKCacheOut());
    g.writeState("attn.v_cache", op.getVCacheOut());
    out = op.getResult();
  } else {
    out = b.create<AttentionOp>(
        g.loc(), outType, TypeRange{}, AttentionMask::bidirectional, p.q, p.k,
        p.v, Value(), Value(), Value(), a.heads, a.kvHeads, a.headDim,
        vHeadDim, IntegerAttr(), optionalFloat(a.scale),
        optionalFloat(a.softCap), p.rope).getResult();
  }
  return g.linear(out, "attn.o", spec.hidden, a.outBias);
}
