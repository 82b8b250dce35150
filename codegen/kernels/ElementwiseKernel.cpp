//===- ElementwiseKernel.cpp - activations and broadcast arithmetic -------===//
//
// This file implements the element-wise kernel generator (mgc.activation,
// mgc.add / sub / mul with mgc's broadcast rule) and the schedule pieces the
// other row-wise generators share.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/ElementwiseKernel.h"

#include <algorithm>
#include <cmath>

using namespace Halide;

namespace mgc {

//===----------------------------------------------------------------------===//
// KernelPipeline and KernelSignature
//===----------------------------------------------------------------------===//

std::vector<Argument> KernelPipeline::signature() const {
  std::vector<Argument> all = arguments;
  all.insert(all.end(), outputs.begin(), outputs.end());
  return all;
}

void KernelPipeline::bind(size_t index, const Buffer<> &buffer) {
  parameters.at(index).set_buffer(buffer);
}

void KernelPipeline::bind(size_t index, int32_t value) {
  parameters.at(index).set_scalar<int32_t>(value);
}

ImageParam KernelSignature::tensor(Type type, const std::string &name,
                                   const std::vector<int64_t> &shape) {
  ImageParam param = tensorInput(type, name, shape);
  inputs.push_back(param);
  parameters.push_back(param.parameter());
  return param;
}

Param<int32_t> KernelSignature::scalar(const std::string &name) {
  Param<int32_t> param(name);
  inputs.push_back(param);
  parameters.push_back(param.parameter());
  return param;
}

KernelPipeline KernelSignature::finish(const std::vector<Func> &outputs,
                                       const Target &target) const {
  KernelPipeline kernel;
  kernel.pipeline = Pipeline(outputs);
  kernel.target = target;
  kernel.arguments = inputs;
  kernel.parameters = parameters;
  for (const Func &out : outputs)
    kernel.outputs.emplace_back(out.name(), Argument::OutputBuffer,
                                out.output_types().front(), out.dimensions(),
                                ArgumentEstimates{});
  return kernel;
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

Target checkTarget(const KernelSchedule &schedule, const std::string &kernel) {
  std::string error;
  std::optional<Target> target =
      parseHalideTarget(schedule.halideTarget, &error);
  if (!target)
    throw KernelError(kernel + ": " + error);
  return *target;
}

RowSchedule checkRowSchedule(const KernelSchedule &schedule,
                             const std::string &kernel) {
  auto fail = [&](const std::string &what) {
    throw KernelError(kernel + ": impossible schedule: " + what);
  };
  if (schedule.tiles.size() != 2)
    fail("expected 2 tiles [rows, features], got " +
         std::to_string(schedule.tiles.size()));
  RowSchedule s;
  s.rowsTile = schedule.tiles[0];
  s.featuresTile = schedule.tiles[1];
  s.vectorWidth = schedule.vectorWidth;
  s.unroll = schedule.unroll;
  if (s.rowsTile < 1 || s.featuresTile < 1)
    fail("tiles must be positive, got [" + std::to_string(s.rowsTile) + ", " +
         std::to_string(s.featuresTile) + "]");
  if (s.vectorWidth < 1)
    fail("vector width must be positive, got " + std::to_string(s.vectorWidth));
  if (s.unroll < 1)
    fail("unroll must be positive, got " + std::to_string(s.unroll));
  if (schedule.decode && s.rowsTile != 1)
    fail("a decode schedule handles one token per row tile (tiles[0] == 1), "
         "got tiles[0] = " +
         std::to_string(s.rowsTile));
  if (s.featuresTile % (s.vectorWidth * s.unroll) != 0)
    fail("the features tile " + std::to_string(s.featuresTile) +
         " is not a multiple of vector width x unroll = " +
         std::to_string(s.vectorWidth * s.unroll));
  for (int64_t dim : schedule.parallelDims) {
    if (dim != 0 && dim != 1)
      fail("parallel dimension " + std::to_string(dim) +
           " does not exist; row-wise kernels have loop dimensions 0 (rows) "
           "and 1 (features)");
    bool &flag = dim == 0 ? s.parallelRows : s.parallelFeatures;
    if (flag)
      fail("parallel dimension " + std::to_string(dim) + " is listed twice");
    flag = true;
  }
  if (schedule.threads < 1)
    fail("threads must be at least 1, got " + std::to_string(schedule.threads));
  return s;
}

void checkShape(const std::vector<int64_t> &shape, size_t minRank,
                size_t maxRank, const std::string &what,
                const std::string &kernel) {
  if (shape.size() < minRank || shape.size() > maxRank)
    throw KernelError(kernel + ": " + what + " has rank " +
                      std::to_string(shape.size()) + "; expected " +
                      std::to_string(minRank) + " to " +
                      std::to_string(maxRank));
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] < 1 && !(i == 0 && shape[i] == kDynamicExtent))
      throw KernelError(kernel + ": " + what + " dimension " +
                        std::to_string(i) + " is " + std::to_string(shape[i]) +
                        "; only dimension 0 (tokens) may be dynamic, the "
                        "others must be positive");
}

//===----------------------------------------------------------------------===//
// Shared schedule pieces
//===----------------------------------------------------------------------===//

Var tileFeatures(Stage stage, const Var &x, int64_t extent,
                 const RowSchedule &s, bool pureStage) {
  Var tile(x.name() + "_tile"), in(x.name() + "_in"),
      vectors(x.name() + "_vecs"), lanes(x.name() + "_lanes");
  int64_t vw = s.vectorWidth;
  if (extent > s.featuresTile) {
    TailStrategy ragged =
        pureStage ? TailStrategy::ShiftInwards : TailStrategy::GuardWithIf;
    stage.split(x, tile, in, int(s.featuresTile),
                extent % s.featuresTile == 0 ? TailStrategy::Auto : ragged);
    // A whole tile is a whole number of vectors (checkRowSchedule).
    stage.split(in, vectors, lanes, int(vw)).vectorize(lanes);
    if (s.unroll > 1) {
      Var unrolled(x.name() + "_unrolled");
      stage.split(vectors, vectors, unrolled, int(s.unroll)).unroll(unrolled);
    }
  } else {
    // The row is one (possibly narrower) tile.
    stage.split(x, tile, in, int(extent));
    TailStrategy tail = extent % vw == 0            ? TailStrategy::Auto
                        : pureStage && extent >= vw ? TailStrategy::ShiftInwards
                                                    : TailStrategy::GuardWithIf;
    stage.split(in, vectors, lanes, int(vw), tail).vectorize(lanes);
  }
  if (s.parallelFeatures)
    stage.parallel(tile);
  return tile;
}

TokenLoops tileRows(Stage stage, const Var &t, const RowSchedule &s) {
  TokenLoops loops{Var(t.name() + "_tile"), Var(t.name() + "_in")};
  stage.split(t, loops.tile, loops.token, int(s.rowsTile),
              TailStrategy::GuardWithIf);
  if (s.parallelRows)
    stage.parallel(loops.tile);
  return loops;
}

void scheduleVectorReduction(Func sum, const RVar &r, int64_t lanes,
                             const LoopLevel &at) {
  RVar chunk(r.name() + "_chunk"), lane(r.name() + "_lane");
  Var u(sum.name() + "_lane");
  Func partial =
      sum.update()
          .split(r, chunk, lane, int(lanes), TailStrategy::GuardWithIf)
          .rfactor(lane, u);
  sum.compute_at(at);
  sum.update().atomic().vectorize(lane);
  partial.compute_at(at).vectorize(u);
  partial.update().vectorize(u);
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

namespace {

/// tanh from Halide's vectorized exp: (1 - e) / (1 + e) with e = exp(-2|x|),
/// which loses relative accuracy near 0, so an odd series takes |x| < 1/8
/// (its first omitted term is below 1e-11 relative there).
Expr tanhFromExp(const Expr &x) {
  Expr a = abs(x);
  Expr e = exp(-2.0f * a);
  Expr large = (1.0f - e) / (1.0f + e);
  Expr x2 = x * x;
  Expr series =
      x * (1.0f +
           x2 * (-1.0f / 3 +
                 x2 * (2.0f / 15 + x2 * (-17.0f / 315 + x2 * (62.0f / 2835)))));
  return select(a < 0.125f, series, select(x < 0, -large, large));
}

/// log(1 + u) for u > -1 without losing the low bits of small u: with
/// w = 1 + u rounded, log(w) * u / (w - 1) corrects the rounding of w.
/// strict_float keeps the simplifier from folding (1 + u) - 1 into u.
Expr log1pAccurate(const Expr &u) {
  Expr w = strict_float(1.0f + u);
  Expr wMinusOne = strict_float(w - 1.0f);
  return select(wMinusOne == 0.0f, u, log(w) * (u / wMinusOne));
}

} // namespace

Expr activate(ElementwiseKernelSpec::Activation kind, const Expr &input) {
  using ActivationKind = ElementwiseKernelSpec::Activation;
  Expr x = cast<float>(input);
  switch (kind) {
  case ActivationKind::silu:
    return x / (1.0f + exp(-x));
  case ActivationKind::gelu:
    return 0.5f * x * (1.0f + erf(x * float(M_SQRT1_2)));
  case ActivationKind::gelu_tanh: {
    const float k = float(std::sqrt(2.0 / M_PI));
    return 0.5f * x * (1.0f + tanhFromExp(k * (x + 0.044715f * x * x * x)));
  }
  case ActivationKind::relu:
    return max(x, 0.0f);
  case ActivationKind::relu_squared: {
    Expr r = max(x, 0.0f);
    return r * r;
  }
  case ActivationKind::sigmoid:
    return 1.0f / (1.0f + exp(-x));
  case ActivationKind::tanh:
    return tanhFromExp(x);
  case ActivationKind::softplus:
    // PyTorch's Softplus(beta = 1, threshold = 20).
    return select(x > 20.0f, x, log1pAccurate(exp(min(x, 20.0f))));
  case ActivationKind::exp:
    return exp(x);
  }
  throw KernelError("unknown activation kind " + std::to_string(int(kind)));
}

//===----------------------------------------------------------------------===//
// The element-wise generator
//===----------------------------------------------------------------------===//

namespace {

/// Checks that `rhs` broadcasts to `lhs` by mgc's rule.
void checkBroadcast(const std::vector<int64_t> &lhs,
                    const std::vector<int64_t> &rhs,
                    const std::string &kernel) {
  bool ok = rhs.size() <= lhs.size();
  for (size_t i = 0; ok && i < rhs.size(); ++i) {
    int64_t r = rhs[rhs.size() - 1 - i], l = lhs[lhs.size() - 1 - i];
    ok = r == 1 || r == l || r == kDynamicExtent || l == kDynamicExtent;
  }
  if (!ok)
    throw KernelError(kernel + ": rhs does not broadcast to lhs: aligned at "
                               "the last dimension, each rhs size must equal "
                               "lhs's or be 1");
}

} // namespace

KernelPipelineResult buildElementwiseKernel(const ElementwiseKernelSpec &spec,
                                            const KernelSchedule &schedule) {
  return buildOrError([&] {
    const std::string kernel = "elementwise kernel";
    Target target = checkTarget(schedule, kernel);
    RowSchedule rows = checkRowSchedule(schedule, kernel);
    checkShape(spec.shape, 1, 4, "lhs", kernel);
    if (spec.shape.size() == 1 && spec.shape[0] == kDynamicExtent)
      throw KernelError(kernel + ": a rank-1 lhs must have a static size");
    if (!spec.activation && !spec.binary)
      throw KernelError(kernel + ": needs an activation, a binary op or both");
    if (spec.binary) {
      checkShape(spec.rhsShape, 1, spec.shape.size(), "rhs", kernel);
      checkBroadcast(spec.shape, spec.rhsShape, kernel);
    }

    // The algorithm.
    const int rank = int(spec.shape.size());
    KernelSignature signature;
    ImageParam lhs = signature.tensor(Float(32), "lhs", spec.shape);
    std::vector<Var> v; // Halide order: v[0] is the innermost dimension
    for (int i = 0; i < rank; ++i)
      v.emplace_back("d" + std::to_string(i));
    Expr value = lhs(std::vector<Expr>(v.begin(), v.end()));
    if (spec.activation)
      value = activate(*spec.activation, value);
    if (spec.binary) {
      const int rhsRank = int(spec.rhsShape.size());
      ImageParam rhs = signature.tensor(Float(32), "rhs", spec.rhsShape);
      std::vector<Expr> at; // size-1 dimensions repeat
      for (int i = 0; i < rhsRank; ++i)
        at.push_back(spec.rhsShape[rhsRank - 1 - i] == 1 ? Expr(0)
                                                         : Expr(v[i]));
      Expr b = rhs(at);
      using Binary = ElementwiseKernelSpec::Binary;
      value = *spec.binary == Binary::add   ? value + b
              : *spec.binary == Binary::sub ? value - b
              : *spec.binary == Binary::mul ? value * b
                                            : value / b;
    }
    Func result("result");
    result(v) = value;
    constrainTensor(result.output_buffer(), spec.shape);

    // The schedule: the innermost dimension in vectorized feature tiles,
    // dimension 0 (tokens) in row tiles; middle dimensions loop in between.
    tileFeatures(result, v[0], spec.shape.back(), rows, /*pureStage=*/true);
    if (rank >= 2)
      tileRows(result, v[rank - 1], rows);
    return signature.finish({result}, target);
  });
}

} // namespace mgc
