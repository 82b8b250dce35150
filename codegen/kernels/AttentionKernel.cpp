//===- AttentionKernel.cpp - scaled dot-product attention kernels ---------===//
//
// This file implements the KV-cache append kernel and the attention kernel:
// per query and head, the scores of its visible keys, a max-subtracted
// softmax and the weighted sum of values, all in f32.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/AttentionKernel.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "attention kernel";
using Mask = AttentionKernelSpec::Mask;

void fail(const std::string &message) {
  throw KernelError(std::string(kKernel) + ": " + message);
}

/// The spec with defaults filled in (valueHeadDim, scale), after checks.
AttentionKernelSpec checkSpec(AttentionKernelSpec spec) {
  if (spec.numHeads < 1 || spec.numKvHeads < 1 || spec.headDim < 1 ||
      spec.valueHeadDim < 0 || spec.capacity < 0 || spec.window < 0)
    fail("heads, KV heads and head_dim must be positive; v_head_dim, "
         "capacity and window non-negative");
  if (spec.numHeads % spec.numKvHeads != 0)
    fail("num_heads " + std::to_string(spec.numHeads) +
         " must be a multiple of num_kv_heads " +
         std::to_string(spec.numKvHeads));
  if (spec.tokens != kDynamicExtent && spec.tokens < 1)
    fail("tokens must be positive or dynamic");
  if (spec.mask == Mask::bidirectional && spec.capacity > 0)
    fail("bidirectional attention cannot use a KV cache: later tokens would "
         "change earlier outputs");
  if (spec.mask == Mask::bidirectional && spec.window > 0)
    fail("a sliding window needs causal masking");
  if (spec.scale < 0 || spec.softCap < 0)
    fail("scale and soft_cap must be positive when given");
  if (spec.valueHeadDim == 0)
    spec.valueHeadDim = spec.headDim;
  // Halide indexes buffers with 32-bit integers.
  if (spec.numKvHeads * std::max<int64_t>(spec.capacity, 1) *
          std::max(spec.headDim, spec.valueHeadDim) >
      std::numeric_limits<int32_t>::max())
    fail("a KV cache of that many elements exceeds Halide's 32-bit "
         "indexing");
  if (spec.scale == 0)
    spec.scale = 1.0 / std::sqrt(double(spec.headDim));
  return spec;
}

/// The checked [heads, queries] schedule.
struct AttentionSchedule {
  int headsTile = 1, queriesTile = 1, vectorWidth = 1, unroll = 1;
  bool parallelHeads = false, parallelQueries = false;
};

AttentionSchedule checkSchedule(const KernelSchedule &schedule) {
  auto bad = [](const std::string &what) {
    fail("impossible schedule: " + what);
  };
  if (schedule.tiles.size() != 2)
    bad("expected 2 tiles [heads, queries], got " +
        std::to_string(schedule.tiles.size()));
  AttentionSchedule s;
  if (schedule.tiles[0] < 1 || schedule.tiles[1] < 1 ||
      schedule.vectorWidth < 1 || schedule.unroll < 1)
    bad("tiles, vector width and unroll must be positive");
  if (schedule.decode && schedule.tiles[1] != 1)
    bad("a decode schedule handles one query per tile (tiles[1] == 1), got "
        "tiles[1] = " +
        std::to_string(schedule.tiles[1]));
  s.headsTile = int(schedule.tiles[0]);
  s.queriesTile = int(schedule.tiles[1]);
  s.vectorWidth = int(schedule.vectorWidth);
  s.unroll = int(schedule.unroll);
  for (int64_t dim : schedule.parallelDims) {
    if (dim != 0 && dim != 1)
      bad("parallel dimension " + std::to_string(dim) +
          " does not exist; attention has loop dimensions 0 (heads) and 1 "
          "(queries)");
    bool &flag = dim == 0 ? s.parallelHeads : s.parallelQueries;
    if (flag)
      bad("parallel dimension " + std::to_string(dim) + " is listed twice");
    flag = true;
  }
  if (schedule.threads < 1)
    bad("threads must be at least 1");
  return s;
}

/// Vectorizes `v` of a pure stage with static extent `extent` by `lanes`.
void vectorizePure(Stage stage, const Var &v, int extent, int lanes) {
  stage.vectorize(v, lanes,
                  extent % lanes == 0 ? TailStrategy::Auto
                  : extent >= lanes   ? TailStrategy::ShiftInwards
                                      : TailStrategy::GuardWithIf);
}

KernelPipeline buildAppend(const AttentionKernelSpec &raw,
                           const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  AttentionSchedule s = checkSchedule(schedule);
  AttentionKernelSpec spec = checkSpec(raw);
  if (spec.capacity == 0)
    fail("the cache-append kernel needs a KV cache (capacity > 0)");
  const int Hkv = int(spec.numKvHeads), D = int(spec.headDim),
            Dv = int(spec.valueHeadDim), C = int(spec.capacity);

  KernelSignature signature;
  ImageParam k = signature.tensor(Float(32), "k", {spec.tokens, Hkv * D});
  ImageParam v = signature.tensor(Float(32), "v", {spec.tokens, Hkv * Dv});
  Param<int32_t> position = signature.scalar("position");

  // The algorithm: row j of the cache (position <= j < position + T) is
  // token j - position; the rows must fit the cache.
  Expr T = k.dim(1).extent();
  Expr fits = position >= 0 && position + T <= C;
  Var d("d"), j("j"), g("g");
  Func kRows("k_rows"), vRows("v_rows");
  kRows(d, j, g) =
      require(fits, k(g * D + d, j - position), "KV cache overflow: position",
              position, "+ tokens", T, "exceeds the capacity", C);
  vRows(d, j, g) =
      require(fits, v(g * Dv + d, j - position), "KV cache overflow: position",
              position, "+ tokens", T, "exceeds the capacity", C);
  // The outputs are crops of the [Hkv, C, D] caches to rows
  // [position, position + T), with the caches' strides.
  for (auto [rows, width] : {std::pair{kRows, D}, std::pair{vRows, Dv}}) {
    OutputImageParam out = rows.output_buffer();
    out.dim(0).set_bounds(0, width).set_stride(1);
    out.dim(1).set_bounds(position, T).set_stride(width);
    out.dim(2).set_bounds(0, Hkv).set_stride(width * C);
  }

  // The schedule: KV heads (in parallel when asked), rows, the row's
  // elements vectorized.
  for (auto [rows, width] : {std::pair{kRows, D}, std::pair{vRows, Dv}}) {
    vectorizePure(rows, d, width, s.vectorWidth);
    if (s.parallelHeads)
      rows.parallel(g);
  }
  return signature.finish({kRows, vRows}, target);
}

/// The attention kernel's inputs, declared in call order: q, then the
/// caches and the position, or this call's k and v; key(d, j, g) and
/// value(e, j, g) read element d / e of key / value j of KV head g from
/// whichever holds them.
struct AttentionInputs {
  KernelSignature signature;
  ImageParam q, k, v, kCache, vCache;
  Param<int32_t> position;
  bool cached = false;
  int D = 0, Dv = 0;

  explicit AttentionInputs(const AttentionKernelSpec &spec)
      : cached(spec.capacity > 0), D(int(spec.headDim)),
        Dv(int(spec.valueHeadDim)) {
    const int64_t H = spec.numHeads, Hkv = spec.numKvHeads;
    q = signature.tensor(Float(32), "q", {spec.tokens, H * D});
    if (cached) {
      kCache = signature.tensor(Float(32), "k_cache", {Hkv, spec.capacity, D});
      vCache =
          signature.tensor(Float(32), "v_cache", {Hkv, spec.capacity, Dv});
      position = signature.scalar("position");
    } else {
      k = signature.tensor(Float(32), "k", {spec.tokens, Hkv * D});
      v = signature.tensor(Float(32), "v", {spec.tokens, Hkv * Dv});
    }
  }
  Expr key(const Expr &d, const Expr &j, const Expr &g) const {
    return cached ? kCache(d, j, g) : k(g * D + d, j);
  }
  Expr value(const Expr &e, const Expr &j, const Expr &g) const {
    return cached ? vCache(e, j, g) : v(g * Dv + e, j);
  }
  /// The position of the call's first token (0 without a cache).
  Expr start() const { return cached ? Expr(position) : Expr(0); }
};

/// Prefill attention over tiles of queries: for Q queries of one head at
/// once the scores against every key the tile sees (a [keys][Q] buffer, not
/// a T x T matrix), vectorized across the queries, so that scoring is a
/// small matrix product (each key element broadcast against Q query
/// elements) and the softmax needs no horizontal reductions; then the
/// weighted sum of value rows for blocks of queries in registers.
KernelPipeline buildTiledAttention(const AttentionKernelSpec &spec,
                                   const AttentionSchedule &s,
                                   const Target &target) {
  const bool causal = spec.mask == Mask::causal;
  const int H = int(spec.numHeads), Hkv = int(spec.numKvHeads);
  const int D = int(spec.headDim), Dv = int(spec.valueHeadDim);
  const int group = H / Hkv, W = int(spec.window);
  const int Q = s.queriesTile, vw = s.vectorWidth;
  AttentionInputs in(spec);
  const ImageParam &q = in.q;

  // The algorithm. Query l of tile `tile` is token t = tile * Q + l (the
  // last tile's lanes past T read token T - 1 and are not stored) at
  // position start + t; head h reads KV head h / group.
  Var d("d"), e("e"), j("j"), h("h"), l("l"), tile("tile"), c("c"), t("t");
  Expr T = q.dim(1).extent();
  Expr start = in.start();
  Expr end = start + T;
  Expr token = tile * Q + l;
  Expr p = start + token;
  Expr kvHead = h / group;
  // The keys any query of the tile sees: [first, last].
  Expr tileStart = start + tile * Q;
  Expr first = W > 0 ? max(tileStart - (W - 1), 0) : Expr(0);
  Expr last = causal ? min(tileStart + Q, end) - 1 : end - 1;
  Expr callFirst = W > 0 ? max(start - (W - 1), 0) : Expr(0);
  Expr visible = Expr(true);
  if (causal)
    visible = j <= p;
  if (W > 0)
    visible = visible && j > p - W;

  // Per-key buffers are defined only at the keys the tile sees (undef
  // elsewhere): Halide's bounds inference sizes them for all of the call's
  // keys, but the loops over the keys are trimmed to the tile's range.
  RDom rk(callFirst, end - callFirst, "rk");
  rk.where(rk >= first && rk <= last);
  RDom rdk(0, D, callFirst, end - callFirst, "rdk");
  rdk.where(rdk.y >= first && rdk.y <= last);
  Func queries("queries"), dots("dots"), scores("scores");
  queries(l, d, tile, h) = q(h * D + d, min(token, T - 1));
  dots(l, j, tile, h) = undef<float>();
  dots(l, rk, tile, h) = 0.0f;
  dots(l, rdk.y, tile, h) +=
      queries(l, rdk.x, tile, h) * in.key(rdk.x, rdk.y, kvHead);
  Expr logit = dots(l, j, tile, h) * float(spec.scale);
  if (spec.softCap > 0) {
    const float cap = float(spec.softCap);
    logit =
        cap * activate(ElementwiseKernelSpec::Activation::tanh, logit / cap);
  }
  const float lowest = -std::numeric_limits<float>::infinity();
  scores(l, j, tile, h) = select(visible, logit, lowest);

  Func top("top"), weights("weights"), total("total"), mixed("mixed");
  top(l, tile, h) = lowest;
  top(l, tile, h) = max(top(l, tile, h), scores(l, rk, tile, h));
  weights(l, j, tile, h) = undef<float>();
  weights(l, rk, tile, h) =
      select(substitute(j, rk, visible),
             exp(scores(l, rk, tile, h) - top(l, tile, h)), 0.0f);
  total(l, tile, h) = 0.0f;
  total(l, tile, h) += weights(l, rk, tile, h);
  mixed(e, l, tile, h) = 0.0f;
  mixed(e, l, tile, h) += weights(l, rk, tile, h) * in.value(e, rk, kvHead);
  Func result("result");
  Expr head = c / Dv;
  result(c, t) = mixed(c % Dv, t % Q, t / Q, head) / total(t % Q, t / Q, head);
  constrainTensor(result.output_buffer(), {spec.tokens, H * Dv});

  // The schedule. A task is a tile of heads by a tile of queries (tasks in
  // parallel when either dimension is); per head of the task, everything is
  // computed for the task's queries and stored by result.
  Var hTile("h_tile"), hIn("h_in"), qTile("q_tile"), qIn("q_in"),
      task("task");
  result.split(c, hIn, e, Dv)
      .split(hIn, hTile, hIn, s.headsTile, TailStrategy::GuardWithIf)
      .split(t, qTile, qIn, Q, TailStrategy::GuardWithIf)
      .reorder(e, qIn, hIn, qTile, hTile);
  vectorizePure(result, e, Dv, vw);
  result.fuse(qTile, hTile, task);
  if (s.parallelHeads || s.parallelQueries)
    result.parallel(task);
  LoopLevel perHead(result, hIn);

  // Lanes are queries: every stage below is vectorized across them.
  queries.compute_at(perHead).reorder_storage(l, d);
  vectorizePure(queries, l, Q, vw);
  // Scores: per key, D multiply-adds of a broadcast key element and the
  // queries' vector; `unroll` keys at a time share each query-vector load.
  RVar rd = rdk.x, rkey = rdk.y, ko("ko"), ki("ki");
  dots.compute_at(perHead);
  vectorizePure(dots.update(0), l, Q, vw);
  Stage dotsUpdate = dots.update(1);
  dotsUpdate.split(rkey, ko, ki, s.unroll, TailStrategy::GuardWithIf)
      .reorder(l, ki, rd, ko)
      .unroll(ki);
  vectorizePure(dotsUpdate, l, Q, vw);
  top.compute_at(perHead);
  vectorizePure(top, l, Q, vw);
  vectorizePure(top.update(), l, Q, vw);
  weights.compute_at(perHead);
  vectorizePure(weights.update(), l, Q, vw);
  total.compute_at(perHead);
  vectorizePure(total, l, Q, vw);
  vectorizePure(total.update(), l, Q, vw);
  // The weighted sum: for each key, kQueries queries' weights broadcast
  // against the value row's vectors, accumulated in registers.
  constexpr int kQueries = 4;
  Var lo("lo"), li("li"), eo("eo"), ei("ei");
  mixed.compute_at(perHead);
  vectorizePure(mixed, e, Dv, vw);
  Stage accumulate = mixed.update();
  accumulate
      .split(l, lo, li, std::min(kQueries, Q), TailStrategy::GuardWithIf)
      .split(e, eo, ei, std::min(vw, Dv), TailStrategy::GuardWithIf)
      .reorder(ei, eo, li, rk, lo)
      .vectorize(ei)
      .unroll(li);
  if (Dv / vw <= 4) // up to 4 x 4 accumulators
    accumulate.unroll(eo);
  return in.signature.finish({result}, target);
}

KernelPipeline buildAttention(const AttentionKernelSpec &raw,
                              const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  AttentionSchedule s = checkSchedule(schedule);
  AttentionKernelSpec spec = checkSpec(raw);
  if (!schedule.decode)
    return buildTiledAttention(spec, s, target);
  const bool causal = spec.mask == Mask::causal;
  const int H = int(spec.numHeads), Hkv = int(spec.numKvHeads);
  const int D = int(spec.headDim), Dv = int(spec.valueHeadDim);
  const int group = H / Hkv, W = int(spec.window);
  AttentionInputs in(spec);
  const ImageParam &q = in.q;

  // The algorithm. Key j of KV head g, element d; query t of head h.
  Var d("d"), e("e"), j("j"), h("h"), t("t"), c("c");
  Expr kvHead = h / group;

  // The keys each query sees. Token 0 sits at `start`; the call's keys are
  // [first key of token 0, start + T).
  Expr T = q.dim(1).extent();
  Expr start = in.start();
  Expr end = start + T; // one past the last key
  Expr p = start + t;   // position of query t
  Expr lo = W > 0 ? max(p - (W - 1), 0) : Expr(0);
  Expr hi = causal ? p : end - 1;
  Expr callLo = W > 0 ? max(start - (W - 1), 0) : Expr(0);
  RDom rk(callLo, end - callLo, "rk");
  if (causal)
    rk.where(rk >= lo && rk <= hi);

  // Scores: dot products over D, scaled and soft-capped. A dot product is
  // `lanes` partial sums over whole vectors of D (the lane count is the
  // schedule's vector width) added as a balanced tree, plus the rest of D.
  // (Halide's atomic vector reduction would be simpler, but its vectorizer
  // gives up on the store index the causal key bounds produce.)
  const int L = s.vectorWidth, chunks = D / L;
  Expr dot = 0.0f;
  Func laneSums("lane_sums");
  if (chunks > 0) {
    Var u("u");
    RDom rc(0, chunks, "rc");
    laneSums(u, j, h, t) = 0.0f;
    laneSums(u, j, h, t) +=
        q(h * D + rc * L + u, t) * in.key(rc * L + u, j, kvHead);
    std::vector<Expr> terms;
    for (int l = 0; l < L; ++l)
      terms.push_back(laneSums(l, j, h, t));
    while (terms.size() > 1) {
      std::vector<Expr> pairs;
      for (size_t a = 0; a + 1 < terms.size(); a += 2)
        pairs.push_back(terms[a] + terms[a + 1]);
      if (terms.size() % 2)
        pairs.push_back(terms.back());
      terms = pairs;
    }
    dot = terms[0];
  }
  for (int dd = chunks * L; dd < D; ++dd)
    dot += q(h * D + dd, t) * in.key(dd, j, kvHead);
  Expr logit = dot * float(spec.scale);
  if (spec.softCap > 0) {
    const float cap = float(spec.softCap);
    logit =
        cap * activate(ElementwiseKernelSpec::Activation::tanh, logit / cap);
  }
  Func scores("scores");
  scores(j, h, t) = logit;

  // Softmax with the maximum subtracted, then the weighted sum of values,
  // normalized once at the end.
  Func top("top"), weights("weights"), total("total"), mixed("mixed");
  top(h, t) = -std::numeric_limits<float>::infinity();
  top(h, t) = max(top(h, t), scores(rk, h, t));
  weights(j, h, t) = exp(scores(j, h, t) - top(h, t));
  total(h, t) = 0.0f;
  total(h, t) += weights(rk, h, t);
  mixed(e, h, t) = 0.0f;
  mixed(e, h, t) += weights(rk, h, t) * in.value(e, rk, kvHead);
  Func result("result");
  result(c, t) = mixed(c % Dv, c / Dv, t) / total(c / Dv, t);
  constrainTensor(result.output_buffer(), {spec.tokens, H * Dv});

  // The schedule. result walks head tiles, query tiles, queries, the heads
  // of the tile and a head's value elements (vectorized; c / Dv and c % Dv
  // fold once c is split by Dv). Everything else is computed per query for
  // the heads of the tile, with heads inside the loops over keys, so heads
  // that share a KV head (a GQA group in one tile) read each key and value
  // row from memory once.
  const int vw = s.vectorWidth;
  Var head("head"), headTile("head_tile"), query("query"),
      queryTile("query_tile"), vecs("vecs"), lanes("lanes");
  result.split(c, head, e, Dv);
  vectorizePure(result, e, Dv, vw);
  result.split(head, headTile, head, s.headsTile, TailStrategy::GuardWithIf)
      .split(t, queryTile, query, s.queriesTile, TailStrategy::GuardWithIf)
      .reorder(e, head, query, queryTile, headTile);
  if (s.parallelHeads)
    result.parallel(headTile);
  if (s.parallelQueries)
    result.parallel(queryTile);
  LoopLevel perQuery(result, query);

  // Scores and weights are buffers of one query's keys (per head of the
  // tile), on the thread's stack, reused across queries; each key's lane
  // sums live in one vector.
  scores.compute_at(perQuery).store_in(MemoryType::Stack).reorder(h, j, t);
  if (chunks > 0) {
    laneSums.compute_at(scores, h).vectorize(laneSums.args()[0]);
    laneSums.update().vectorize(laneSums.args()[0]);
  }
  top.compute_at(perQuery);
  weights.compute_at(perQuery)
      .store_in(MemoryType::Stack)
      .vectorize(j, vw, TailStrategy::GuardWithIf);
  total.compute_at(perQuery);
  // The weighted sum: for each key, each head's value-row vectors (unrolled
  // by `unroll`).
  mixed.compute_at(perQuery).vectorize(e, vw, TailStrategy::GuardWithIf);
  Stage accumulate = mixed.update();
  accumulate.split(e, vecs, lanes, vw, TailStrategy::GuardWithIf)
      .vectorize(lanes)
      .reorder(lanes, vecs, h, rk);
  if (s.unroll > 1) {
    Var unrolled("unrolled");
    accumulate.split(vecs, vecs, unrolled, s.unroll, TailStrategy::GuardWithIf)
        .unroll(unrolled);
  }
  return in.signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildKvCacheAppendKernel(const AttentionKernelSpec &spec,
                                              const KernelSchedule &schedule) {
  return buildOrError([&] { return buildAppend(spec, schedule); });
}

KernelPipelineResult buildAttentionKernel(const AttentionKernelSpec &spec,
                                          const KernelSchedule &schedule) {
  return buildOrError([&] { return buildAttention(spec, schedule); });
}

} // namespace mgc
