//===- LinearKernel.cpp - Halide kernels for mgc.linear and mgc.logits ----===//
//
// This file implements buildLinearKernel: it checks that the schedule can be
// honoured, then writes the algorithm and schedule of the prefill GEMM
// (packed panels) or the decode GEMV (the same panels, or row-major rows,
// with bf16 dot products where the spec asks).
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/LinearKernel.h"

#include "codegen/kernels/HalideHelpers.h"
#include "codegen/kernels/WeightPacking.h"

#include <algorithm>
#include <limits>

namespace mgc {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::RDom;
using Halide::RVar;
using Halide::Stage;
using Halide::TailStrategy;
using Halide::Var;
using Halide::cast;

// Outputs whose dot products the decode kernel interleaves: independent FMA
// chains hide FMA latency, and one x vector load serves all of them.
constexpr int64_t kDecodeInterleave = 4;

// A register tile of more accumulator vectors than this spills whatever the
// target (AVX-512 has 32 vector registers); refused rather than compiled.
constexpr int64_t kMaxAccumulatorVectors = 64;

bool fitsInt32(int64_t value) {
  return value <= std::numeric_limits<int32_t>::max();
}

/// The reason `schedule` cannot be honoured for `spec`, or "" when it can.
std::string scheduleError(const LinearKernelSpec &spec,
                          const KernelSchedule &schedule,
                          const Halide::Target &target) {
  if (spec.K < 1 || spec.N < 1)
    return "linear kernel needs K >= 1 and N >= 1, got K = " +
           std::to_string(spec.K) + ", N = " + std::to_string(spec.N);
  if (spec.weightType != Halide::Float(32) &&
      spec.weightType != Halide::Float(16) &&
      spec.weightType != Halide::BFloat(16))
    return "linear kernel weights must be f32, f16 or bf16";
  if (spec.bf16Activations &&
      !target.has_feature(Halide::Target::AVX512_SapphireRapids))
    return "linear kernel rounds activations to bf16 only for a target with "
           "bf16 dot products (x86-64-avx512-bf16)";
  if (spec.bf16Activations && schedule.decode &&
      (spec.weightType != Halide::BFloat(16) || spec.decodePanels))
    return "decode linear kernel with bf16 activations needs bf16 weights "
           "in rows";
  if (schedule.tiles.size() != 2)
    return "linear kernel schedule needs 2 tiles [rows, output columns], got " +
           std::to_string(schedule.tiles.size());
  const int64_t rows = schedule.tiles[0], columns = schedule.tiles[1];
  const int64_t lanes = schedule.vectorWidth;
  if (rows < 1 || columns < 1 || lanes < 1 || schedule.unroll < 1)
    return "linear kernel schedule needs positive tiles, vector width and "
           "unroll";
  for (int64_t dim : schedule.parallelDims)
    if (dim != 1)
      return "linear kernels run output-column blocks (loop dimension 1) "
             "across threads; cannot parallelize loop dimension " +
             std::to_string(dim);
  if (schedule.decode && spec.decodePanels && columns % lanes != 0)
    return "decode linear kernel panel of " + std::to_string(columns) +
           " columns is not a whole number of " + std::to_string(lanes) +
           "-lane vectors";
  if (schedule.decode) {
    if (rows != 1)
      return "decode linear kernel handles one token row at a time (tiles[0] "
             "== 1), got tiles[0] = " +
             std::to_string(rows);
  } else {
    if (columns % lanes != 0)
      return "prefill linear kernel panel of " + std::to_string(columns) +
             " columns is not a whole number of " + std::to_string(lanes) +
             "-lane vectors";
    if (rows * (columns / lanes) > kMaxAccumulatorVectors)
      return "prefill register tile " + std::to_string(rows) + " x " +
             std::to_string(columns / lanes) + " vectors exceeds " +
             std::to_string(kMaxAccumulatorVectors) + " accumulators";
  }
  // Halide buffers index with int32 strides.
  const int64_t padded = schedule.decode && !spec.decodePanels
                             ? spec.N
                             : packedPanelElements(spec.N, 1, columns);
  if (!fitsInt32(padded * spec.K))
    return "linear kernel weights of " + std::to_string(padded * spec.K) +
           " elements exceed Halide's 32-bit indexing";
  return "";
}

bool runsInParallel(const KernelSchedule &schedule) {
  return std::find(schedule.parallelDims.begin(), schedule.parallelDims.end(),
                   1) != schedule.parallelDims.end();
}

/// x rounded to bf16 (round to nearest even), computed once per call
/// before the products: vectorized over features, token rows in parallel.
Func roundedToBf16(const LinearKernel &kernel, const KernelSchedule &schedule,
                   const Halide::Type &storage) {
  Var k("k"), t("t");
  Func rounded("x_bf16");
  Expr value = cast(Halide::BFloat(16), kernel.x(k, t));
  rounded(k, t) = storage == Halide::BFloat(16) ? value : cast(storage, value);
  rounded.compute_root().vectorize(k, int(schedule.vectorWidth),
                                   TailStrategy::GuardWithIf);
  if (!schedule.decode && runsInParallel(schedule))
    rounded.parallel(t);
  return rounded;
}

/// Output n of token t from its sum of products (bias included): the
/// activation and the residual add of the spec's epilogue.
Expr epilogue(const LinearKernelSpec &spec, const LinearKernel &kernel,
              Expr value, const Expr &n, const Expr &t) {
  if (spec.activation)
    value = activate(*spec.activation, value);
  if (spec.hasResidual)
    value += kernel.residual(n, t);
  return value;
}

/// The product over panel-packed weights [ceil(N/P)][K][P] that the prefill
/// GEMM and the panel decode GEMV share (they differ in schedule only).
/// acc(j, t, p) is output column p * P + j of token t, padding columns of the
/// last panel included, so it reads w with no index arithmetic; y's n % P
/// and n / P fold to constants once y is split into panels of P, so no
/// access divides at run time.
struct PanelProduct {
  Var n{"n"}, t{"t"}, j{"j"}, p{"p"};
  RDom k;
  Func acc{"acc"}, y{"y"};
};

/// Declares the kernel's inputs for panels of `P` columns and defines the
/// panel product; fills the kernel's params.
PanelProduct definePanelProduct(const LinearKernelSpec &spec,
                                const KernelSchedule &schedule, int P,
                                LinearKernel &kernel) {
  const int K = static_cast<int>(spec.K), N = static_cast<int>(spec.N);
  kernel.weightShape = {panelCount(N, P), K, P};
  kernel.x = tensorInput(Halide::Float(32), "x", {kDynamicExtent, K});
  kernel.w = tensorInput(spec.weightType, "w", kernel.weightShape);

  PanelProduct g;
  g.k = RDom(0, K, "k");
  Func x("x_read");
  if (spec.bf16Activations) // f32 values, so the micro-kernel is unchanged
    x = roundedToBf16(kernel, schedule, Halide::Float(32));
  else
    x(g.n, g.t) = kernel.x(g.n, g.t); // inlined
  g.acc(g.j, g.t, g.p) = 0.0f;
  g.acc(g.j, g.t, g.p) +=
      x(g.k, g.t) * widenToF32(kernel.w(g.j, g.k, g.p));
  Expr value = g.acc(g.n % P, g.t, g.n / P);
  if (spec.hasBias)
    value += kernel.bias(g.n);
  g.y(g.n, g.t) = epilogue(spec, kernel, value, g.n, g.t);
  constrainTensor(g.y.output_buffer(), {kDynamicExtent, N});
  return g;
}

/// Prefill GEMM over panel-packed weights; fills the kernel's params.
Func buildPrefill(const LinearKernelSpec &spec, const KernelSchedule &schedule,
                  LinearKernel &kernel) {
  const int R = static_cast<int>(schedule.tiles[0]);
  const int P = static_cast<int>(schedule.tiles[1]);
  const int V = static_cast<int>(schedule.vectorWidth);
  PanelProduct g = definePanelProduct(spec, schedule, P, kernel);
  Var n = g.n, t = g.t, j = g.j, p = g.p;
  RDom k = g.k;
  Func acc = g.acc, y = g.y;

  // The schedule. y walks column panels (outermost, parallel) and within a
  // panel tiles of `rows` tokens; each tile's acc is the register block.
  // A last partial panel only guards its stores (acc always spans P
  // columns, the packed weights are zero-padded); a last partial row tile
  // is shifted inwards to overlap the previous one, so acc keeps exactly
  // `rows` rows and stays unrolled.
  Var np("np"), nj("nj"), nv("nv"), nl("nl"), to("to"), ti("ti");
  const bool parallel = runsInParallel(schedule);
  auto tileRows = [&](Stage stage, int rows) {
    stage.split(n, np, nj, P, TailStrategy::GuardWithIf)
        .split(nj, nv, nl, V)
        .split(t, to, ti, rows, TailStrategy::ShiftInwards)
        .reorder(nl, nv, ti, to, np)
        .vectorize(nl)
        .unroll(nv)
        .unroll(ti);
    if (parallel)
      stage.parallel(np);
  };
  // Specialize ladder on the token count: fewer than R tokens get an exact
  // tile of T rows (no overlap, no wasted rows); the general case R rows.
  Expr T = y.output_buffer().dim(1).extent();
  for (int rows = 1; rows < R; ++rows)
    tileRows(y.specialize(T == rows), rows);
  tileRows(y, R);

  // acc is P x rows x 1 per tile: bound it so it has a constant size (on the
  // stack, promoted to registers once unrolled).
  acc.compute_at(y, to).bound(j, 0, P).bound_extent(p, 1);
  acc.split(j, nv, nl, V)
      .reorder(nl, nv, t, p)
      .vectorize(nl)
      .unroll(nv)
      .unroll(t);
  // The micro-kernel: for each k, rows x P/V fused multiply-adds of one
  // broadcast x value and P/V weight vectors; k is the innermost loop.
  Stage update = acc.update();
  update.split(j, nv, nl, V);
  if (schedule.unroll > 1) {
    RVar ko("ko"), ki("ki");
    update
        .split(k, ko, ki, static_cast<int>(schedule.unroll),
               TailStrategy::GuardWithIf)
        .reorder(nl, nv, t, ki, ko, p)
        .unroll(ki);
  } else {
    update.reorder(nl, nv, t, k, p);
  }
  update.vectorize(nl).unroll(nv).unroll(t);
  return y;
}

/// Decode GEMV over the prefill's panel-packed weights; fills the kernel's
/// params. Each panel [K][P] is one contiguous stream: per k, a broadcast x
/// value times P/V weight vectors into P/V accumulators. Panels are the
/// parallel unit; a token's outputs of a panel accumulate in registers.
Func buildDecodePanels(const LinearKernelSpec &spec,
                       const KernelSchedule &schedule, LinearKernel &kernel) {
  const int P = static_cast<int>(schedule.tiles[1]);
  const int V = static_cast<int>(schedule.vectorWidth);
  PanelProduct g = definePanelProduct(spec, schedule, P, kernel);
  Var n = g.n, t = g.t, j = g.j, p = g.p;
  RDom k = g.k;
  Func acc = g.acc, y = g.y;

  Var np("np"), nj("nj");
  y.split(n, np, nj, P, TailStrategy::GuardWithIf)
      .reorder(nj, t, np)
      .vectorize(nj, V)
      .unroll(nj);
  if (runsInParallel(schedule))
    y.parallel(np);
  acc.compute_at(y, t).bound(j, 0, P).bound_extent(p, 1);
  acc.vectorize(j, V).unroll(j);
  acc.update().reorder(j, k, t, p).vectorize(j, V).unroll(j);
  return y;
}

/// Decode GEMV over row-major weights; fills the kernel's params.
///
/// With bf16 dot products each vector step covers 2V weights of a row, and
/// the V partial sums take adjacent pairs (Halide matches the pairwise
/// reduction to vdpbf16ps). Bandwidth-bound kernels are limited by the loads
/// in flight: one instruction per 64-byte line of weights keeps as many in
/// flight as f32 weights do, where widening each half-line to f32 does not.
Func buildDecode(const LinearKernelSpec &spec, const KernelSchedule &schedule,
                 LinearKernel &kernel) {
  const int K = static_cast<int>(spec.K), N = static_cast<int>(spec.N);
  const int V = static_cast<int>(schedule.vectorWidth);
  const bool dot2 = spec.bf16Activations; // bf16 weights (scheduleError)
  const int step = dot2 ? 2 * V : V; // weights per vector step of a row
  // A block larger than N is one block of N outputs.
  const int B = static_cast<int>(std::min(schedule.tiles[1], spec.N));
  const int C = static_cast<int>(std::min<int64_t>(kDecodeInterleave, B));
  const int vectorK = K / step * step; // the part of K that fills steps
  kernel.weightShape = {N, K};
  kernel.x = tensorInput(Halide::Float(32), "x", {kDynamicExtent, K});
  kernel.w = tensorInput(spec.weightType, "w", kernel.weightShape);

  // The algorithm: y = bias + dot over whole steps of K + dot over the rest.
  // Splitting K here keeps the vectorized loop free of masks. With dot
  // products x is rounded to bf16 once per call (x_bf16), and both factors
  // are visibly widened from bf16 so that Halide finds the pattern.
  Var n("n"), t("t"), u("u");
  Func dot("dot"), tail("tail"), y("y"), xRounded;
  Expr value = spec.hasBias ? kernel.bias(n) : Expr(0.0f);
  RDom kv, kt; // only those with a non-empty range are defined
  if (dot2)
    xRounded = roundedToBf16(kernel, schedule, Halide::BFloat(16));
  auto operand = [&](Expr kk, Expr tt) {
    return dot2 ? cast<float>(xRounded(kk, tt)) : kernel.x(kk, tt);
  };
  auto weight = [&](Expr kk, Expr nn) {
    return dot2 ? cast<float>(kernel.w(kk, nn)) : widenToF32(kernel.w(kk, nn));
  };
  if (vectorK > 0) {
    kv = RDom(0, vectorK, "kv");
    dot(n, t) = 0.0f;
    dot(n, t) += operand(kv, t) * weight(kv, n);
    value += dot(n, t);
  }
  if (vectorK < K) {
    kt = RDom(vectorK, K - vectorK, "kt");
    tail(n, t) = 0.0f;
    tail(n, t) += operand(kt, t) * weight(kt, n);
    value += tail(n, t);
  }
  y(n, t) = epilogue(spec, kernel, value, n, t);
  constrainTensor(y.output_buffer(), {kDynamicExtent, N});

  // The schedule. Blocks of B outputs are the parallel unit; within a block
  // C outputs at a time (last block and group shifted inwards, recomputing a
  // few outputs rather than guarding). Tokens loop inside a block so its
  // weights are reused from cache when T > 1.
  Var nb("nb"), ni("ni"), nc("nc"), nci("nci");
  y.split(n, nb, ni, B, TailStrategy::ShiftInwards)
      .split(ni, nc, nci, C, TailStrategy::ShiftInwards)
      .reorder(nci, nc, t, nb)
      .unroll(nci);
  if (runsInParallel(schedule))
    y.parallel(nb);
  if (vectorK > 0) {
    // rfactor: lanes(u, n, t) holds V partial sums per output, one per
    // vector lane, accumulated over the K steps; dot adds them up. With
    // bf16 dot products lane u sums the pairs 2u, 2u + 1 of every step.
    RVar ko("ko"), ki("ki"), pair("pair");
    dot.update().split(kv, ko, ki, step);
    if (dot2)
      dot.update().split(ki, ki, pair, 2);
    Func lanes = dot.update().rfactor(ki, u);
    // rfactor makes u the outermost storage dimension; each output's V
    // partial sums must be contiguous to form one vector register.
    lanes.compute_at(y, nc).reorder_storage(u, n, t).vectorize(u).unroll(n);
    Stage lanesUpdate = lanes.update();
    std::vector<Halide::VarOrRVar> order;
    if (dot2)
      order.push_back(pair);
    order.insert(order.end(), {u, n});
    if (schedule.unroll > 1) {
      RVar koo("koo"), koi("koi");
      lanesUpdate.split(ko, koo, koi, static_cast<int>(schedule.unroll),
                        TailStrategy::GuardWithIf);
      order.insert(order.end(), {koi, koo, t});
      lanesUpdate.reorder(order).unroll(koi);
    } else {
      order.insert(order.end(), {ko, t});
      lanesUpdate.reorder(order);
    }
    if (dot2)
      lanesUpdate.atomic().vectorize(pair);
    lanesUpdate.vectorize(u).unroll(n);
    dot.compute_at(y, nc).unroll(n);
    // A horizontal vector add per output (atomic() only lets Halide
    // vectorize the reduction variable; nothing here runs in parallel).
    dot.update().reorder(ki, n, t).atomic().vectorize(ki).unroll(n);
  }
  if (vectorK < K) {
    tail.compute_at(y, nc).unroll(n);
    tail.update().reorder(kt, n, t).unroll(n);
  }
  return y;
}

std::string describeLayout(const LinearKernel &kernel) {
  const std::vector<int64_t> &s = kernel.weightShape;
  if (kernel.weightLayout == LinearWeightLayout::panels)
    return "panels of " + std::to_string(kernel.panel) + " columns: [" +
           std::to_string(s[0]) + "][" + std::to_string(s[1]) + "][" +
           std::to_string(s[2]) + "], zero-padded (packForPanels)";
  return "row-major [" + std::to_string(s[0]) + "][" + std::to_string(s[1]) +
         "]";
}

} // namespace

LinearKernelResult buildLinearKernel(const LinearKernelSpec &spec,
                                     const KernelSchedule &schedule) {
  LinearKernelResult result;
  std::string error;
  std::optional<Halide::Target> target =
      parseHalideTarget(schedule.halideTarget, &error);
  if (!target) {
    result.error = error;
    return result;
  }
  result.error = scheduleError(spec, schedule, *target);
  if (!result.error.empty())
    return result;

  LinearKernel kernel;
  kernel.target = *target;
  if (spec.hasBias)
    kernel.bias = tensorInput(Halide::Float(32), "bias", {spec.N});
  if (spec.hasResidual)
    kernel.residual = tensorInput(Halide::Float(32), "residual",
                                  {kDynamicExtent, spec.N});
  Func y;
  if (schedule.decode && spec.decodePanels) {
    kernel.weightLayout = LinearWeightLayout::panels;
    kernel.panel = schedule.tiles[1];
    y = buildDecodePanels(spec, schedule, kernel);
  } else if (schedule.decode) {
    y = buildDecode(spec, schedule, kernel);
  } else {
    kernel.weightLayout = LinearWeightLayout::panels;
    kernel.panel = schedule.tiles[1];
    y = buildPrefill(spec, schedule, kernel);
  }
  kernel.pipeline = Halide::Pipeline(y);
  kernel.arguments = {kernel.x, kernel.w};
  if (spec.hasBias)
    kernel.arguments.push_back(kernel.bias);
  if (spec.hasResidual)
    kernel.arguments.push_back(kernel.residual);
  kernel.weightLayoutText = describeLayout(kernel);
  result.kernel = std::move(kernel);
  return result;
}

} // namespace mgc
