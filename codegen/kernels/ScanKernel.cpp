//===- ScanKernel.cpp - linear-recurrence (mgc.scan) kernels --------------===//
//
// This file implements buildScanKernel: per tile of heads and channels, the
// recurrence as two Halide update definitions over tokens (the first token,
// then the rest), in which each token computes, for a vector of channels,
// every entry of the new state and the output from the previous token's
// state, with the state entries unrolled.
//
// Halide cannot hand an update's intermediate values to a consumer, so the
// states of every token of a tile are kept (per tile, reused by the next
// tile); each token writes its state once and reads it back once, at the
// next token, while it is still in L1.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/ScanKernel.h"
#include "codegen/kernels/SsdChunkScan.h"

#include <algorithm>
#include <functional>
#include <limits>

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "scan kernel";
using Variant = ScanKernelSpec::Variant;
using Direction = ScanKernelSpec::Direction;
using Skip = ScanKernelSpec::Skip;

void fail(const std::string &message) {
  throw KernelError(std::string(kKernel) + ": " + message);
}

const char *variantName(Variant variant) {
  switch (variant) {
  case Variant::selective:
    return "selective";
  case Variant::ssd:
    return "ssd";
  case Variant::rwkv:
    return "rwkv";
  case Variant::delta:
    return "delta";
  case Variant::lti:
    return "lti";
  }
  return "?";
}

/// Checks the spec against mgc.scan's operand rules (ScanOp::verify).
void checkSpec(const ScanKernelSpec &spec) {
  const Variant v = spec.variant;
  const std::string name = std::string("variant '") + variantName(v) + "'";
  if (spec.heads < 1 || spec.headDim < 1 || spec.stateSize < 1 ||
      spec.groups < 1)
    fail("heads, head_dim, state size and groups must be positive");
  if (spec.tokens != kDynamicExtent && spec.tokens < 1)
    fail("tokens must be positive or dynamic");
  if (spec.heads % spec.groups != 0)
    fail("the " + std::to_string(spec.heads) +
         " heads must be a multiple of the " + std::to_string(spec.groups) +
         " groups of b and c");
  const bool keyed = v == Variant::rwkv || v == Variant::delta;
  if (keyed && spec.groups != spec.heads)
    fail(name + " needs one key per head: groups must equal heads");
  const bool dtRequired = v == Variant::selective || v == Variant::ssd;
  if (dtRequired && !spec.hasDt)
    fail(name + " needs 'dt'");
  if (keyed && spec.hasDt)
    fail(name + " takes no 'dt': its decay is given directly in log form");
  if (keyed && spec.skip != Skip::none)
    fail(name + " has no skip term 'd'");
  if (spec.hasState && spec.direction == Direction::bidirectional)
    fail("a bidirectional scan reads the whole sequence and carries no state");
  // Halide indexes buffers with 32-bit integers.
  if (spec.heads * spec.headDim * spec.stateSize >
      std::numeric_limits<int32_t>::max())
    fail("a state of that many elements exceeds Halide's 32-bit indexing");
  if (spec.chunk != 0) {
    if (v != Variant::ssd || spec.direction != Direction::forward)
      fail("only forward ssd scans have a chunked form, not a " +
           std::string(spec.direction == Direction::forward ? "forward "
                                                            : "bidirectional ") +
           variantName(v) + " scan");
    if (spec.chunk < 2 || spec.chunk > 4096)
      fail("a chunk of " + std::to_string(spec.chunk) +
           " tokens is outside 2 .. 4096");
  }
}

/// The checked [heads, channels] schedule (ScanKernel.h).
struct ScanSchedule {
  int headsTile = 1;    // clipped to H
  int channelsTile = 1; // clipped to P
  int vectorWidth = 1;
  int unroll = 1;
  bool wholeHeads = false; // channelsTile == P: lanes over heads x channels
  bool parallelHeads = false, parallelChannels = false;
};

ScanSchedule checkSchedule(const KernelSchedule &schedule,
                           const ScanKernelSpec &spec) {
  auto bad = [](const std::string &what) {
    fail("impossible schedule: " + what);
  };
  if (schedule.tiles.size() != 2)
    bad("expected 2 tiles [heads, channels], got " +
        std::to_string(schedule.tiles.size()));
  if (schedule.tiles[0] < 1 || schedule.tiles[1] < 1 ||
      schedule.vectorWidth < 1 || schedule.unroll < 1)
    bad("tiles, vector width and unroll must be positive");
  ScanSchedule s;
  s.headsTile = int(std::min(schedule.tiles[0], spec.heads));
  s.channelsTile = int(std::min(schedule.tiles[1], spec.headDim));
  s.vectorWidth = int(schedule.vectorWidth);
  s.unroll = int(schedule.unroll);
  s.wholeHeads = s.channelsTile == spec.headDim;
  if (!s.wholeHeads && s.channelsTile % (s.vectorWidth * s.unroll) != 0)
    bad("the channels tile " + std::to_string(s.channelsTile) +
        " is neither a whole head (P = " + std::to_string(spec.headDim) +
        ") nor a multiple of vector width x unroll = " +
        std::to_string(s.vectorWidth * s.unroll));
  for (int64_t dim : schedule.parallelDims) {
    if (dim != 0 && dim != 1)
      bad("parallel dimension " + std::to_string(dim) +
          " does not exist; a scan has loop dimensions 0 (heads) and 1 "
          "(channels)");
    bool &flag = dim == 0 ? s.parallelHeads : s.parallelChannels;
    if (flag)
      bad("parallel dimension " + std::to_string(dim) + " is listed twice");
    flag = true;
  }
  if (schedule.threads < 1)
    bad("threads must be at least 1");
  return s;
}

/// A balanced sum of `terms` (shorter dependency chains than a running sum,
/// and closer to the exact sum).
Expr treeSum(std::vector<Expr> terms) {
  while (terms.size() > 1) {
    std::vector<Expr> pairs;
    for (size_t i = 0; i + 1 < terms.size(); i += 2)
      pairs.push_back(terms[i] + terms[i + 1]);
    if (terms.size() % 2)
      pairs.push_back(terms.back());
    terms = pairs;
  }
  return terms.front();
}

/// Vectorizes `v` of a pure stage with static extent `extent` by `lanes`.
void vectorizePure(Stage stage, const VarOrRVar &v, int extent, int lanes) {
  if (lanes <= 1)
    return;
  stage.vectorize(v, lanes,
                  extent % lanes == 0 ? TailStrategy::Auto
                  : extent >= lanes   ? TailStrategy::ShiftInwards
                                      : TailStrategy::GuardWithIf);
}

KernelPipeline build(const ScanKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  checkSpec(spec);
  ScanSchedule s = checkSchedule(schedule, spec);
  if (spec.chunk != 0)
    return buildSsdChunkScan(spec, target, s.vectorWidth,
                             s.parallelHeads || s.parallelChannels);
  const Variant v = spec.variant;
  const bool bidirectional = spec.direction == Direction::bidirectional;
  const int64_t T = spec.tokens;
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  const int G = int(spec.groups);
  const int headsPerGroup = H / G;

  // Inputs, in the op's operand order.
  KernelSignature signature;
  ImageParam x = signature.tensor(Float(32), "x", {T, H, P});
  ImageParam dt, decay, b, c, d, bonus, alpha, beta, state;
  if (spec.hasDt)
    dt = signature.tensor(Float(32), "dt",
                          v == Variant::selective ? std::vector<int64_t>{T, H, P}
                          : v == Variant::ssd     ? std::vector<int64_t>{T, H}
                                                  : std::vector<int64_t>{H, P});
  std::vector<int64_t> decayShape;
  switch (v) {
  case Variant::selective:
  case Variant::lti:
    decayShape = {H, P, N};
    break;
  case Variant::ssd:
    decayShape = {H};
    break;
  case Variant::rwkv:
    decayShape = spec.perTokenDecay ? std::vector<int64_t>{T, H, N}
                                    : std::vector<int64_t>{H, N};
    break;
  case Variant::delta:
    decayShape = {T, H, N};
    break;
  }
  const bool tokenDecay =
      v == Variant::delta || (v == Variant::rwkv && spec.perTokenDecay);
  decay = signature.tensor(Float(32), "decay", decayShape);
  const bool staticBC = v == Variant::lti;
  std::vector<int64_t> bcShape = staticBC ? std::vector<int64_t>{G, N}
                                          : std::vector<int64_t>{T, G, N};
  b = signature.tensor(Float(32), "b", bcShape);
  c = signature.tensor(Float(32), "c", bcShape);
  if (spec.skip != Skip::none)
    d = signature.tensor(Float(32), "d",
                         spec.skip == Skip::perHead
                             ? std::vector<int64_t>{H}
                             : std::vector<int64_t>{H, P});
  if (v == Variant::rwkv)
    bonus = signature.tensor(Float(32), "bonus", {H, N});
  if (v == Variant::delta) {
    alpha = signature.tensor(Float(32), "alpha", {T, H, N});
    beta = signature.tensor(Float(32), "beta", {T, H, N});
  }
  if (spec.hasState)
    state = signature.tensor(Float(32), "state", scanStateShape(spec));

  // The algorithm. Halide dimensions: n (state entry), p (channel of a
  // head), h (head), t (token); e indexes the slots of a token's scan
  // record: delta's dot product first, then the N state entries, then y.
  //
  // The scan and the values prepared per lane address a channel by (p, h)
  // when tiles hold part of a head, and by the flattened index
  // q = h * P + p when they hold whole heads, so that guarded ragged tiles
  // split one variable (Halide 14 loses the guard of a fused one in bounds
  // inference).
  Var n("n"), p("p"), h("h"), t("t"), e("e"), q("q");
  Expr tokens = x.dim(2).extent();
  const int D = v == Variant::delta ? 1 : 0; // slots before the state
  const int Y = D + N;                       // the output slot
  const int E = Y + 1;                       // slots per token
  struct Channels {
    std::vector<Var> vars; // the channel dimensions: {p, h} or {q}
    Expr p, h;             // a channel's index in its head, and its head
  };
  const Channels ch = s.wholeHeads ? Channels{{q}, q % P, q / P}
                                   : Channels{{p, h}, p, h};
  // Calls of a Func whose dimensions are `before`, the channel, `after`.
  auto at = [&](const std::vector<Expr> &before,
                const std::vector<Expr> &after) {
    std::vector<Expr> args = before;
    args.insert(args.end(), ch.vars.begin(), ch.vars.end());
    args.insert(args.end(), after.begin(), after.end());
    return args;
  };
  auto defineAt = [&](const std::vector<Var> &before,
                      const std::vector<Var> &after) {
    std::vector<Var> args = before;
    args.insert(args.end(), ch.vars.begin(), ch.vars.end());
    args.insert(args.end(), after.begin(), after.end());
    return args;
  };
  Expr group = ch.h / headsPerGroup;

  // Parameters prepared once per tile, before its scan.
  Func laneDecay("lane_decay"); // selective a, lti exp(s a), per lane
  Func laneB("lane_b"), laneC("lane_c"); // lti b and c per lane
  Func headDecay("head_decay");          // ssd exp(dt a) per head and token
  Func keyDecay("key_decay");            // rwkv, delta exp(a)
  Func bonusDot("bonus_dot");            // rwkv sum_n bonus b c
  std::vector<Func> perLane;
  switch (v) {
  case Variant::selective:
    laneDecay(defineAt({n}, {})) = decay(n, ch.p, ch.h);
    perLane.push_back(laneDecay);
    break;
  case Variant::lti: {
    Expr rate = decay(n, ch.p, ch.h);
    if (spec.hasDt)
      rate *= dt(ch.p, ch.h);
    laneDecay(defineAt({n}, {})) = exp(rate);
    laneB(defineAt({n}, {})) = b(n, group);
    laneC(defineAt({n}, {})) = c(n, group);
    perLane.insert(perLane.end(), {laneDecay, laneB, laneC});
    break;
  }
  case Variant::ssd:
    headDecay(h, t) = exp(dt(h, t) * decay(h));
    break;
  case Variant::rwkv:
  case Variant::delta:
    if (tokenDecay)
      keyDecay(n, h, t) = exp(decay(n, h, t));
    else
      keyDecay(n, h) = exp(decay(n, h));
    break;
  }
  if (v == Variant::rwkv) {
    RDom k(0, N, "k");
    bonusDot(h, t) = 0.0f;
    bonusDot(h, t) += bonus(k, h) * b(k, h, t) * c(k, h, t);
  }

  // One token's record. `before(m)` is entry m of the state before the
  // token, `now(slot)` a slot of this token's record already computed.
  using Access = std::function<Expr(const Expr &)>;
  auto record = [&](const Expr &slot, const Expr &tt, const Access &before,
                    const Access &now) {
    Expr xt = x(ch.p, ch.h, tt);
    Expr m = clamp(slot - D, 0, N - 1); // the state entry of a state slot
    Expr next;
    switch (v) {
    case Variant::selective: {
      Expr step = dt(ch.p, ch.h, tt);
      next = exp(step * laneDecay(at({m}, {}))) * before(m) +
             step * xt * b(m, group, tt);
      break;
    }
    case Variant::ssd:
      next = headDecay(ch.h, tt) * before(m) +
             dt(ch.h, tt) * xt * b(m, group, tt);
      break;
    case Variant::lti: {
      Expr u = spec.hasDt ? dt(ch.p, ch.h) * xt : xt;
      next = laneDecay(at({m}, {})) * before(m) + u * laneB(at({m}, {}));
      break;
    }
    case Variant::rwkv:
      next = (tokenDecay ? keyDecay(m, ch.h, tt) : keyDecay(m, ch.h)) *
                 before(m) +
             xt * b(m, ch.h, tt);
      break;
    case Variant::delta:
      next = keyDecay(m, ch.h, tt) * before(m) + now(0) * beta(m, ch.h, tt) +
             xt * b(m, ch.h, tt);
      break;
    }
    std::vector<Expr> terms;
    for (int k = 0; k < N; ++k) {
      if (v == Variant::rwkv)
        terms.push_back(before(k) * c(k, ch.h, tt));
      else if (v == Variant::lti)
        terms.push_back(now(D + k) * laneC(at({k}, {})));
      else
        terms.push_back(now(D + k) * c(k, group, tt));
    }
    Expr y = treeSum(terms);
    if (v == Variant::rwkv)
      y += xt * bonusDot(ch.h, tt);
    Expr value = select(slot < Y, next, y);
    if (D > 0) {
      std::vector<Expr> dot;
      for (int k = 0; k < N; ++k)
        dot.push_back(before(k) * alpha(k, ch.h, tt));
      value = select(slot < D, treeSum(dot), value);
    }
    return value;
  };

  // The scan over tokens in one direction: the first token from the
  // initial state, then each token from the one before it.
  struct Scan {
    Func records;
    RDom first, rest; // first: slots; rest: slots, then tokens 1 .. T-1
  };
  auto scanOver = [&](bool backward) {
    Scan scan{Func(backward ? "backward" : "forward"), RDom(0, E, "first"),
              RDom(0, E, 0, tokens - 1, "rest")};
    Func f = scan.records;
    f(defineAt({e}, {t})) = undef<float>();
    Expr t0 = backward ? tokens - 1 : Expr(0);
    Access initial = [&](const Expr &m) {
      if (!spec.hasState)
        return Expr(0.0f);
      return spec.entryMajorState ? state(ch.p, ch.h, m)
                                  : state(m, ch.p, ch.h);
    };
    f(at({scan.first}, {t0})) =
        record(scan.first, t0, initial,
               [&](const Expr &slot) { return f(at({slot}, {t0})); });
    const RVar slot = scan.rest.x, step = scan.rest.y;
    Expr tt = backward ? tokens - 2 - step : step + 1;
    Expr previous = backward ? tt + 1 : tt - 1;
    f(at({slot}, {tt})) = record(
        slot, tt, [&](const Expr &m) { return f(at({D + m}, {previous})); },
        [&](const Expr &slotNow) { return f(at({slotNow}, {tt})); });
    return scan;
  };
  Scan forward = scanOver(false);
  std::optional<Scan> backward;
  if (bidirectional)
    backward = scanOver(true);

  // The outputs read the records of channel (p, h).
  std::vector<Expr> channel = s.wholeHeads ? std::vector<Expr>{h * P + p}
                                           : std::vector<Expr>{p, h};
  auto recordOf = [&](const Scan &scan, const Expr &slot, const Expr &tt) {
    std::vector<Expr> args{slot};
    args.insert(args.end(), channel.begin(), channel.end());
    args.push_back(tt);
    return scan.records(args);
  };
  Func y("y");
  Expr out = recordOf(forward, Y, t);
  if (backward)
    out += recordOf(*backward, Y, t);
  if (d.defined()) {
    Expr skip = spec.skip == Skip::perHead ? d(h) : d(p, h);
    out += (backward ? 2.0f : 1.0f) * skip * x(p, h, t);
  }
  y(p, h, t) = out;
  constrainTensor(y.output_buffer(), {T, H, P});
  std::vector<Func> outputs{y};
  Func stateOut;
  if (spec.hasState) {
    stateOut =
        scanStateOutput(spec, recordOf(forward, D + n, tokens - 1), p, h, n);
    outputs.push_back(stateOut);
  }

  // The schedule. The outputs walk head tiles, channel tiles (a tile is
  // Th heads x Tc channels of each), then tokens and the tile's channels;
  // the final state is written per tile right after the tile's outputs, so
  // a tile reads its part of an in-place state before it writes it.
  // Ragged tiles are guarded, never shifted inwards: a shifted tile would
  // read state its neighbour has already updated.
  const int vw = s.vectorWidth, U = s.unroll;
  const TailStrategy guard = TailStrategy::GuardWithIf;
  Var headTile("head_tile"), headIn("head_in"), chanTile("chan_tile"),
      chanIn("chan_in"), vecs("vecs"), lanes("lanes");
  LoopLevel tile;
  // The final state's loops inside a tile, innermost first: along its
  // contiguous dimension first.
  auto stateInner = [&](const Var &channels, const Var &entries) {
    return spec.entryMajorState ? std::vector<VarOrRVar>{channels, entries}
                                : std::vector<VarOrRVar>{entries, channels};
  };
  if (s.wholeHeads) {
    // Lanes run over the tile's heads and channels together.
    y.fuse(p, h, q)
        .split(q, headTile, headIn, s.headsTile * P, guard)
        .reorder(headIn, t, headTile)
        .split(headIn, vecs, lanes, vw, guard)
        .vectorize(lanes);
    if (spec.hasState) {
      std::vector<VarOrRVar> order = stateInner(headIn, n);
      order.push_back(headTile);
      stateOut.fuse(p, h, q)
          .split(q, headTile, headIn, s.headsTile * P, guard)
          .reorder(order);
    }
    tile = LoopLevel(y, headTile);
  } else {
    y.split(h, headTile, headIn, s.headsTile, guard)
        .split(p, chanTile, chanIn, s.channelsTile, guard)
        .reorder(chanIn, headIn, t, chanTile, headTile)
        .split(chanIn, vecs, lanes, vw, guard)
        .vectorize(lanes);
    if (spec.hasState) {
      std::vector<VarOrRVar> order = stateInner(chanIn, n);
      order.insert(order.begin() + 2, headIn);
      order.insert(order.end(), {chanTile, headTile});
      stateOut.split(h, headTile, headIn, s.headsTile, guard)
          .split(p, chanTile, chanIn, s.channelsTile, guard)
          .reorder(order);
    }
    tile = LoopLevel(y, chanTile);
  }
  for (Func f : outputs) {
    if (s.parallelHeads)
      f.parallel(headTile);
    if (s.parallelChannels && !s.wholeHeads)
      f.parallel(chanTile);
  }
  if (spec.hasState) {
    // Vectors along the state's contiguous dimension.
    if (spec.entryMajorState)
      stateOut.vectorize(s.wholeHeads ? headIn : chanIn, vw, guard);
    else
      vectorizePure(stateOut, n, N, vw);
    stateOut.compute_with(y, s.wholeHeads ? headTile : chanTile);
  }

  // Per-tile parameters: channels contiguous where lanes read them.
  for (Func f : perLane) {
    std::vector<Var> storage(ch.vars.begin(), ch.vars.end());
    storage.push_back(n);
    f.compute_at(tile).reorder_storage(storage);
    vectorizePure(f, n, N, vw);
  }
  if (v == Variant::ssd)
    headDecay.compute_at(tile).vectorize(t, vw, guard);
  if (v == Variant::rwkv || v == Variant::delta) {
    keyDecay.compute_at(tile);
    vectorizePure(keyDecay, n, N, vw);
  }
  if (v == Variant::rwkv) {
    bonusDot.compute_at(tile).vectorize(t, vw, guard);
    bonusDot.update().vectorize(t, vw, guard);
  }

  // The scans: per group of `unroll` vectors of the tile's channels (one
  // vector of unroll x vectorWidth lanes, which LLVM splits into native
  // ones), tokens in order, each token's slots unrolled.
  auto scheduleScan = [&](const Scan &scan) {
    Func f = scan.records;
    std::vector<Var> storage(ch.vars.begin(), ch.vars.end());
    storage.insert(storage.end(), {e, t});
    f.compute_at(tile).reorder_storage(storage);
    for (int stage = 0; stage < 2; ++stage) {
      Stage update = f.update(stage);
      RVar slot = stage == 0 ? RVar(scan.first.x) : RVar(scan.rest.x);
      Var group("group"), lane("lane");
      std::vector<VarOrRVar> order{lane, slot};
      if (stage == 1)
        order.push_back(scan.rest.y);
      order.push_back(group);
      if (s.wholeHeads) {
        update.split(q, group, lane, vw * U, guard);
      } else {
        update.split(p, group, lane, vw * U, guard);
        order.push_back(h);
      }
      update.reorder(order).vectorize(lane).unroll(slot);
    }
  };
  scheduleScan(forward);
  if (backward)
    scheduleScan(*backward);
  return signature.finish(outputs, target);
}

} // namespace

std::vector<int64_t> scanStateShape(const ScanKernelSpec &spec) {
  const int64_t H = spec.heads, P = spec.headDim, N = spec.stateSize;
  return spec.entryMajorState ? std::vector<int64_t>{N, H, P}
                              : std::vector<int64_t>{H, P, N};
}

Func scanStateOutput(const ScanKernelSpec &spec, const Expr &last,
                     const Var &p, const Var &h, const Var &n) {
  Func stateOut("state_out");
  if (spec.entryMajorState)
    stateOut(p, h, n) = last;
  else
    stateOut(n, p, h) = last;
  constrainTensor(stateOut.output_buffer(), scanStateShape(spec));
  return stateOut;
}

KernelPipelineResult buildScanKernel(const ScanKernelSpec &spec,
                                     const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
