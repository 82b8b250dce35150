//===- RopeKernel.cpp - rotary position embedding kernel ------------------===//
//
// This file implements the RoPE frequency formulas of transformers'
// modeling_rope_utils.py in double and buildRopeKernel: a cos/sin table per
// token, then the rotation of every head, vectorized over its dimensions.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/RopeKernel.h"

#include <algorithm>
#include <cmath>

using namespace Halide;

namespace mgc {
namespace {

const char *const kKernel = "rope kernel";
using Scaling = RopeKernelSpec::Scaling;
using Style = RopeKernelSpec::Style;

/// A double constant (Halide converts plain C++ doubles to f32).
Expr f64(double value) { return Internal::make_const(Float(64), value); }

void fail(const std::string &message) {
  throw KernelError(std::string(kKernel) + ": " + message);
}

void checkSpec(const RopeKernelSpec &spec) {
  checkShape({spec.tokens, spec.features}, 2, 2, "input", kKernel);
  if (spec.headDim < 1 || spec.features % spec.headDim != 0)
    fail("features " + std::to_string(spec.features) +
         " must be a positive multiple of head_dim " +
         std::to_string(spec.headDim));
  if (spec.rotaryDim < 2 || spec.rotaryDim % 2 != 0 ||
      spec.rotaryDim > spec.headDim)
    fail("rotary_dim " + std::to_string(spec.rotaryDim) +
         " must be even, at least 2 and at most head_dim " +
         std::to_string(spec.headDim));
  if (!(spec.theta > 0) || !(spec.factor > 0))
    fail("theta and factor must be positive");
  if (spec.scaling == Scaling::none && spec.factor != 1.0)
    fail("factor " + std::to_string(spec.factor) +
         " needs a scaling kind (linear, ntk, yarn or llama3)");
  if (spec.attentionFactor != 0 &&
      (spec.scaling != Scaling::yarn || !(spec.attentionFactor > 0)))
    fail("attention_factor belongs to yarn scaling and must be positive");
  bool needsContext = spec.scaling == Scaling::ntk ||
                      spec.scaling == Scaling::yarn ||
                      spec.scaling == Scaling::llama3;
  if (needsContext && spec.originalContext < 1)
    fail("ntk, yarn and llama3 scaling need original_context (the trained "
         "context length)");
  if (spec.scaling == Scaling::ntk && spec.rotaryDim <= 2)
    fail("ntk scaling needs rotary_dim > 2 (its exponent is R / (R - 2))");
  if (spec.scaling == Scaling::llama3 &&
      !(spec.lowFreqFactor > 0 && spec.highFreqFactor > spec.lowFreqFactor))
    fail("llama3 scaling needs 0 < low_freq_factor < high_freq_factor");
}

/// transformers' dynamic NTK base for a sequence of `length` positions.
double ntkBase(const RopeKernelSpec &spec, double length) {
  double R = double(spec.rotaryDim), original = double(spec.originalContext);
  double L = std::max(length, original);
  return spec.theta *
         std::pow(spec.factor * L / original - (spec.factor - 1), R / (R - 2));
}

} // namespace

std::vector<double> ropeInverseFrequencies(const RopeKernelSpec &spec,
                                           int64_t sequenceLength) {
  const int64_t R = spec.rotaryDim, pairs = R / 2;
  const double base = spec.scaling == Scaling::ntk
                          ? ntkBase(spec, double(sequenceLength))
                          : spec.theta;
  std::vector<double> inv(pairs);
  for (int64_t i = 0; i < pairs; ++i)
    inv[i] = 1.0 / std::pow(base, double(2 * i) / double(R));

  switch (spec.scaling) {
  case Scaling::none:
  case Scaling::ntk:
    break;
  case Scaling::linear:
    for (double &f : inv)
      f /= spec.factor;
    break;
  case Scaling::llama3: {
    const double original = double(spec.originalContext);
    const double lowWavelen = original / spec.lowFreqFactor;
    const double highWavelen = original / spec.highFreqFactor;
    for (double &f : inv) {
      double wavelen = 2 * M_PI / f;
      if (wavelen > lowWavelen) {
        f /= spec.factor;
      } else if (!(wavelen < highWavelen)) {
        double smooth = (original / wavelen - spec.lowFreqFactor) /
                        (spec.highFreqFactor - spec.lowFreqFactor);
        f = (1 - smooth) * f / spec.factor + smooth * f;
      }
    }
    break;
  }
  case Scaling::yarn: {
    // find_correction_range(beta_fast = 32, beta_slow = 1), truncated.
    auto correctionDim = [&](double rotations) {
      return double(R) *
             std::log(double(spec.originalContext) / (rotations * 2 * M_PI)) /
             (2 * std::log(base));
    };
    double low = std::max(std::floor(correctionDim(32)), 0.0);
    double high = std::min(std::ceil(correctionDim(1)), double(R - 1));
    if (low == high)
      high += 0.001; // transformers' guard against a zero-width ramp
    for (int64_t i = 0; i < pairs; ++i) {
      double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
      double extrapolation = 1 - ramp; // weight of the unscaled frequency
      double unscaled = inv[i], interpolated = inv[i] / spec.factor;
      inv[i] = interpolated * (1 - extrapolation) + unscaled * extrapolation;
    }
    break;
  }
  }
  return inv;
}

double ropeAttentionFactor(const RopeKernelSpec &spec) {
  if (spec.scaling != Scaling::yarn)
    return 1.0;
  if (spec.attentionFactor > 0)
    return spec.attentionFactor;
  return spec.factor <= 1 ? 1.0 : 0.1 * std::log(spec.factor) + 1.0;
}

namespace {

KernelPipeline build(const RopeKernelSpec &spec,
                     const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kKernel);
  RowSchedule rows = checkRowSchedule(schedule, kKernel);
  checkSpec(spec);

  const int F = int(spec.features), Dh = int(spec.headDim);
  const int R = int(spec.rotaryDim), pairs = R / 2;
  KernelSignature signature;
  ImageParam input =
      signature.tensor(Float(32), "input", {spec.tokens, spec.features});
  Param<int32_t> position = signature.scalar("position");

  // The algorithm. Inverse frequency of pair i, in double.
  Var i("i"), d("d"), c("c"), t("t");
  Func invFreq("inv_freq");
  if (spec.scaling == Scaling::ntk) {
    // ntkBase and ropeInverseFrequencies, for L = position + T.
    Expr length = cast<double>(position + input.dim(1).extent());
    Expr original = f64(double(spec.originalContext));
    Expr L = max(length, original);
    Expr base = f64(spec.theta) *
                pow(f64(spec.factor) * L / original - f64(spec.factor - 1),
                    f64(double(R) / double(R - 2)));
    invFreq(i) = f64(1.0) / pow(base, cast<double>(2 * i) / f64(double(R)));
  } else {
    Buffer<double> baked(pairs, "rope_inv_freq");
    std::vector<double> values = ropeInverseFrequencies(spec);
    for (int k = 0; k < pairs; ++k)
      baked(k) = values[k];
    invFreq(i) = baked(i);
  }

  // cos and sin of each token's angle per pair, scaled by the attention
  // factor; then spread over a head's dimensions with the sign of the
  // partner term: out[d] = x[d] * cos[d] + x[partner(d)] * sin[d].
  const double attention = ropeAttentionFactor(spec);
  Expr angle = cast<double>(position + t) * invFreq(i);
  Func trig("rope_trig");
  trig(i, t) = Tuple(cast<float>(cos(angle) * f64(attention)),
                     cast<float>(sin(angle) * f64(attention)));
  const bool interleaved = spec.style == Style::interleaved;
  Expr firstOfPair = interleaved ? d % 2 == 0 : d < pairs;
  Expr pair = interleaved ? d / 2 : select(d < pairs, d, d - pairs);
  pair = clamp(pair, 0, pairs - 1); // dimensions >= R are copied, not rotated
  Func table("rope_table");
  table(d, t) = Tuple(trig(pair, t)[0],
                      select(firstOfPair, -1.0f, 1.0f) * trig(pair, t)[1]);

  // The rotation. Partners are read through a clamped view of the row: the
  // select evaluates both candidates, and one of them may fall outside it.
  Expr dh = c % Dh;
  Expr partnerFirst = interleaved ? dh % 2 == 0 : dh < pairs;
  int step = interleaved ? 1 : pairs;
  Expr partner = select(partnerFirst, input(min(likely(c + step), F - 1), t),
                        input(max(likely(c - step), 0), t));
  Expr rotated = input(c, t) * table(dh, t)[0] + partner * table(dh, t)[1];
  Func result("result");
  result(c, t) = select(dh < R, rotated, input(c, t));
  constrainTensor(result.output_buffer(), {spec.tokens, spec.features});

  // The schedule: split the features into heads, so c % Dh folds to the
  // loops inside a head; then split a head into the runs its pairs live in,
  // so whether a lane is the first or second of its pair is known per run
  // and partners are plain shifted loads:
  // - half: runs of R/2 dimensions (first halves, second halves, copied
  //   rest, unrolled), when R/2 divides Dh into at most 8 runs;
  // - interleaved: the two members of each pair, stored as one interleaved
  //   vector, when Dh is even.
  // Other shapes vectorize a head's dimensions directly (partners become
  // clamped gathers). Vectors are unrolled by `unroll`; a features tile is
  // featuresTile / Dh heads (at least one); per token tile, trig and table
  // are computed once, before any head.
  const int vw = int(rows.vectorWidth);
  Var head("head"), inHead("in_head"), headTile("head_tile"), run("run"),
      member("member"), vecs("vecs"), lanes("lanes");
  result.split(c, head, inHead, Dh);
  auto vectorizeRun = [&](const Var &v, int extent) {
    TailStrategy tail = extent % vw == 0 ? TailStrategy::Auto
                        : extent >= vw   ? TailStrategy::ShiftInwards
                                         : TailStrategy::GuardWithIf;
    result.split(v, vecs, lanes, vw, tail).vectorize(lanes);
    if (rows.unroll > 1) {
      Var unrolled("unrolled");
      result
          .split(vecs, vecs, unrolled, int(rows.unroll),
                 TailStrategy::GuardWithIf)
          .unroll(unrolled);
    }
  };
  if (!interleaved && Dh % pairs == 0 && Dh / pairs <= 8) {
    result.split(inHead, run, inHead, pairs).unroll(run);
    vectorizeRun(inHead, pairs);
  } else if (interleaved && Dh % 2 == 0) {
    result.split(inHead, inHead, member, 2).reorder(member, inHead, head, t);
    vectorizeRun(inHead, Dh / 2);
    result.unroll(member);
  } else {
    vectorizeRun(inHead, Dh);
  }
  const int headsPerTile = int(std::max<int64_t>(1, rows.featuresTile / Dh));
  result.split(head, headTile, head, headsPerTile, TailStrategy::GuardWithIf);
  if (rows.parallelFeatures)
    result.parallel(headTile);
  TokenLoops tokens = tileRows(result, t, rows);
  trig.compute_at(result, tokens.tile);
  table.compute_at(result, tokens.tile)
      .vectorize(d, vw, TailStrategy::GuardWithIf);
  if (spec.scaling == Scaling::ntk)
    invFreq.compute_root();
  return signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildRopeKernel(const RopeKernelSpec &spec,
                                     const KernelSchedule &schedule) {
  return buildOrError([&] { return build(spec, schedule); });
}

} // namespace mgc
