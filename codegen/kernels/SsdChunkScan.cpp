//===- SsdChunkScan.cpp - chunked prefill form of the ssd scan ------------===//
//
// This file implements buildSsdChunkScan (SsdChunkScan.h). The pipeline, per
// head (heads run in parallel):
//
//   log_decay   A_i per chunk: a running sum over the chunk's L steps
//   scores      c_i . b_j per group and chunk (shared by the group's heads,
//               computed once for all heads before them)
//   in_chunk    the masked, decayed scores times the chunk's x
//   carried     S_k for every chunk of the head, before its outputs: a
//               serial update per chunk from that chunk's contribution
//   y           in_chunk + exp(A_i) S_k c_i + d x, then the final state
//
// Halide dimensions, innermost first: p a channel of the head, n a state
// entry, i and j positions in a chunk (query and key), h the head, g the
// group, k the chunk, t the token.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/SsdChunkScan.h"

using namespace Halide;

namespace mgc {

KernelPipeline buildSsdChunkScan(const ScanKernelSpec &spec,
                                 const Target &target, int vectorWidth,
                                 bool parallelHeads) {
  using Skip = ScanKernelSpec::Skip;
  const int64_t T = spec.tokens;
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  const int G = int(spec.groups);
  const int L = int(spec.chunk);
  const int headsPerGroup = H / G;

  KernelSignature signature;
  ImageParam x = signature.tensor(Float(32), "x", {T, H, P});
  ImageParam dt = signature.tensor(Float(32), "dt", {T, H});
  ImageParam decay = signature.tensor(Float(32), "decay", {H});
  ImageParam b = signature.tensor(Float(32), "b", {T, G, N});
  ImageParam c = signature.tensor(Float(32), "c", {T, G, N});
  ImageParam d, state;
  if (spec.skip != Skip::none)
    d = signature.tensor(Float(32), "d",
                         spec.skip == Skip::perHead
                             ? std::vector<int64_t>{H}
                             : std::vector<int64_t>{H, P});
  if (spec.hasState)
    state = signature.tensor(Float(32), "state", scanStateShape(spec));

  Var p("p"), n("n"), i("i"), j("j"), h("h"), g("g"), k("k"), t("t");
  Expr tokens = x.dim(2).extent();
  Expr chunks = (tokens + L - 1) / L;
  auto token = [&](const Expr &position, const Expr &chunk) {
    return chunk * L + position;
  };
  // Padding past the prompt's end reads the last token's operands (any
  // finite values) with a step of zero.
  auto clamped = [&](const Expr &tt) { return min(tt, tokens - 1); };
  auto step = [&](const Expr &head, const Expr &tt) {
    return select(tt < tokens, dt(head, clamped(tt)), 0.0f);
  };
  Expr group = h / headsPerGroup;

  // A_i: the decay's log from the chunk's start through position i.
  Func logDecay("log_decay");
  logDecay(i, h, k) = step(h, token(i, k)) * decay(h);
  RDom along(1, L - 1, "along");
  logDecay(along, h, k) += logDecay(along - 1, h, k);
  Expr chunkEnd = logDecay(L - 1, h, k);

  // c_i . b_j per group, b transposed per chunk so that vectors of keys j
  // load contiguously (the chunks' contributions read it too).
  Func keys("keys"), scores("scores");
  keys(j, n, g, k) = b(n, g, clamped(token(j, k)));
  RDom entries(0, N, "entries");
  scores(j, i, g, k) = 0.0f;
  scores(j, i, g, k) +=
      c(entries, g, clamped(token(i, k))) * keys(j, entries, g, k);

  // Within the chunk: key j's contribution to query i, zero for j > i.
  Func weights("weights"), inChunk("in_chunk");
  weights(j, i, h, k) =
      select(j <= i,
             scores(j, i, group, k) *
                 exp(logDecay(i, h, k) - logDecay(j, h, k)) *
                 step(h, token(j, k)),
             0.0f);
  RDom keysOfChunk(0, L, "keys_of_chunk");
  inChunk(p, i, h, k) = 0.0f;
  inChunk(p, i, h, k) += weights(keysOfChunk, i, h, k) *
                         x(p, h, clamped(token(keysOfChunk, k)));

  // What a chunk adds to the state by its end.
  Func scaledX("scaled_x"), added("added");
  scaledX(p, j, h, k) = exp(chunkEnd - logDecay(j, h, k)) *
                        step(h, token(j, k)) * x(p, h, clamped(token(j, k)));
  added(p, n, h, k) = 0.0f;
  added(p, n, h, k) += scaledX(p, keysOfChunk, h, k) *
                       keys(keysOfChunk, n, group, k);

  // S_k: the state before chunk k, for k = 0 .. chunks (the last is the
  // final state).
  Func carried("carried");
  carried(p, n, h, k) = undef<float>();
  carried(p, n, h, 0) =
      spec.hasState ? (spec.entryMajorState ? state(p, h, n) : state(n, p, h))
                    : Expr(0.0f);
  RDom over(0, chunks, "over");
  carried(p, n, h, over + 1) =
      exp(logDecay(L - 1, h, over)) * carried(p, n, h, over) +
      added(p, n, h, over);

  // The carried state's part of each output.
  Func fromCarried("from_carried");
  fromCarried(p, i, h, k) = 0.0f;
  fromCarried(p, i, h, k) += c(entries, group, clamped(token(i, k))) *
                             carried(p, entries, h, k);

  Func y("y");
  Expr kt = t / L, it = t % L;
  Expr out = inChunk(p, it, h, kt) +
             exp(logDecay(it, h, kt)) * fromCarried(p, it, h, kt);
  if (d.defined())
    out += (spec.skip == Skip::perHead ? d(h) : d(p, h)) * x(p, h, t);
  y(p, h, t) = out;
  constrainTensor(y.output_buffer(), {T, H, P});
  std::vector<Func> outputs{y};
  Func stateOut;
  if (spec.hasState) {
    stateOut = scanStateOutput(spec, carried(p, n, h, chunks), p, h, n);
    outputs.push_back(stateOut);
  }

  // The schedule. Outputs walk heads, then chunks, positions and vectors of
  // channels; the final state of a head is written right after its outputs,
  // so a head reads its part of an in-place state before it writes it.
  const int vw = vectorWidth;
  const TailStrategy guard = TailStrategy::GuardWithIf;
  Var chunk("chunk"), position("position");
  y.split(t, chunk, position, L, guard)
      .reorder(p, position, chunk, h)
      .vectorize(p, vw, guard);
  if (parallelHeads)
    y.parallel(h);
  if (spec.hasState) {
    if (spec.entryMajorState)
      stateOut.reorder(p, n, h).vectorize(p, vw, guard);
    else
      stateOut.reorder(n, p, h).vectorize(n, vw, guard);
    if (parallelHeads)
      stateOut.parallel(h);
    stateOut.compute_with(y, h);
  }

  // Per head: the decay logs of every chunk, and the states S_k, each
  // chunk's contribution computed inside the serial loop over chunks.
  logDecay.compute_at(y, h);
  carried.compute_at(y, h);
  carried.update(0).vectorize(p, vw, guard);
  carried.update(1).reorder(p, n, h, over).vectorize(p, vw, guard);
  added.compute_at(carried, over).vectorize(p, vw, guard);
  added.update().reorder(p, n, keysOfChunk).vectorize(p, vw, guard);
  scaledX.compute_at(carried, over).vectorize(p, vw, guard);

  // Per head and chunk: the weights and the two parts of the outputs.
  weights.compute_at(y, chunk).vectorize(j, vw, guard);
  inChunk.compute_at(y, chunk).vectorize(p, vw, guard);
  inChunk.update().reorder(p, keysOfChunk, i).vectorize(p, vw, guard);
  fromCarried.compute_at(y, chunk).vectorize(p, vw, guard);
  fromCarried.update().reorder(p, entries, i).vectorize(p, vw, guard);

  // Scores of every group and chunk before the heads, chunks in parallel.
  scores.compute_root().vectorize(j, vw, guard).parallel(k);
  scores.update()
      .reorder(j, entries, i, g, k)
      .vectorize(j, vw, guard)
      .parallel(k);
  keys.compute_root().vectorize(j, vw, guard).parallel(k);
  return signature.finish(outputs, target);
}

} // namespace mgc
