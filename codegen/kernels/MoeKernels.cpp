//===- MoeKernels.cpp - Halide kernels of mgc.route and mgc.expert --------===//
//
// This file implements the route selection (scores to top-k experts and
// weights), the row gather that feeds one expert its tokens, and the
// weighted combination of the experts' outputs.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/MoeKernels.h"

using namespace Halide;

namespace mgc {
namespace {

const char *const kRouteKernel = "route kernel";
const char *const kGatherKernel = "gather kernel";
const char *const kCombineKernel = "combine kernel";

/// Below every score: marks experts (or groups) that may not be chosen.
Expr excluded() { return Float(32).min(); }

/// The index of the largest of `value` over `r` (the first on ties).
Expr argmaxIndex(const RDom &r, const Expr &value) {
  return argmax(r, value)[0];
}

void checkRouteSpec(const RouteSelectKernelSpec &spec) {
  auto fail = [](const std::string &what) {
    throw KernelError(std::string(kRouteKernel) + ": " + what);
  };
  if (spec.experts < 1 || spec.experts > INT32_MAX)
    fail("needs at least one expert");
  if (spec.topK < 1 || spec.topK > spec.experts)
    fail("top_k " + std::to_string(spec.topK) + " outside [1, " +
         std::to_string(spec.experts) + "]");
  if (spec.groups != 0) {
    if (spec.groups < 1 || spec.experts % spec.groups != 0)
      fail(std::to_string(spec.groups) + " groups do not divide " +
           std::to_string(spec.experts) + " experts");
    if (spec.topkGroups < 1 || spec.topkGroups > spec.groups ||
        spec.topkGroups * (spec.experts / spec.groups) < spec.topK)
      fail("topk_group " + std::to_string(spec.topkGroups) +
           " leaves fewer than top_k experts eligible");
  }
  checkShape({spec.tokens, spec.experts}, 2, 2, "[tokens, experts]",
             kRouteKernel);
}

KernelPipeline buildRouteSelect(const RouteSelectKernelSpec &spec,
                                const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kRouteKernel);
  RowSchedule rows = checkRowSchedule(schedule, kRouteKernel);
  checkRouteSpec(spec);
  const int E = int(spec.experts), K = int(spec.topK);

  KernelSignature signature;
  ImageParam scores =
      signature.tensor(Float(32), "scores", {spec.tokens, spec.experts});
  ImageParam bias;
  if (spec.bias)
    bias = signature.tensor(Float(32), "bias", {spec.experts});

  // The algorithm, per token t. prob: the weights' scores; choice: what
  // selection compares (prob plus the correction bias).
  Var e("e"), t("t"), j("j"), g("g");
  RDom r(0, E, "r");
  Func maxScore("max_score"), total("total"), prob("prob"), choice("choice");
  std::vector<Func> perToken; // computed once per token
  if (spec.scoring == RouteSelectKernelSpec::Scoring::softmax) {
    maxScore(t) = maximum(scores(r, t));
    total(t) = sum(exp(scores(r, t) - maxScore(t)));
    prob(e, t) = exp(scores(e, t) - maxScore(t)) / total(t);
    perToken = {maxScore, total};
  } else {
    prob(e, t) = 1.0f / (1.0f + exp(-scores(e, t)));
  }
  perToken.push_back(prob);
  choice(e, t) = spec.bias ? prob(e, t) + bias(e) : prob(e, t);

  // Group limit: a group scores the sum of its two best choices; experts
  // outside the best topkGroups groups are excluded.
  Func eligible("eligible");
  if (spec.groups > 0) {
    const int groupSize = E / int(spec.groups);
    RDom member(0, groupSize, "member");
    Func best("best"), groupScore("group_score");
    best(g, t) = argmax(member, choice(g * groupSize + member, t));
    Expr score = best(g, t)[1];
    if (groupSize > 1)
      score += maximum(member, select(member == best(g, t)[0], excluded(),
                                      choice(g * groupSize + member, t)));
    groupScore(g, t) = score;
    RDom group(0, int(spec.groups), "group");
    Expr kept = Internal::const_false();
    std::vector<Func> keptGroups;
    for (int i = 0; i < int(spec.topkGroups); ++i) {
      Expr taken = Internal::const_false();
      for (const Func &prev : keptGroups)
        taken = taken || group == prev(t);
      Func pick("group_pick_" + std::to_string(i));
      pick(t) = argmaxIndex(group, select(taken, excluded(), groupScore(group, t)));
      keptGroups.push_back(pick);
      kept = kept || e / groupSize == pick(t);
    }
    eligible(e, t) = select(kept, choice(e, t), excluded());
    perToken.push_back(groupScore);
    perToken.insert(perToken.end(), keptGroups.begin(), keptGroups.end());
  } else {
    eligible(e, t) = choice(e, t);
  }
  perToken.push_back(choice);
  perToken.push_back(eligible);

  // Top-k: the best expert not chosen yet, k times.
  std::vector<Func> picks;
  Expr sumWeights = 0.0f;
  for (int i = 0; i < K; ++i) {
    Expr taken = Internal::const_false();
    for (const Func &prev : picks)
      taken = taken || r == prev(t);
    Func pick("pick_" + std::to_string(i));
    pick(t) = argmaxIndex(r, select(taken, excluded(), eligible(r, t)));
    picks.push_back(pick);
    sumWeights += prob(clamp(pick(t), 0, E - 1), t);
  }
  perToken.insert(perToken.end(), picks.begin(), picks.end());
  Func norm("norm");
  norm(t) = spec.normalize ? float(spec.scale) / sumWeights
                           : Expr(float(spec.scale));
  perToken.push_back(norm);

  Expr index = picks[K - 1](t), weight;
  for (int i = K - 2; i >= 0; --i)
    index = select(j == i, picks[i](t), index);
  weight = prob(clamp(index, 0, E - 1), t) * norm(t);
  Func route("route"), indices("indices"), weights("weights");
  route(j, t) = Tuple(index, weight);
  indices(j, t) = route(j, t)[0];
  weights(j, t) = route(j, t)[1];
  constrainTensor(indices.output_buffer(), {spec.tokens, spec.topK});
  constrainTensor(weights.output_buffer(), {spec.tokens, spec.topK});

  // The schedule: the choices of a token are a few passes over its E
  // scores; tokens are independent, in tiles (parallel when asked). Both
  // outputs copy the routes, computed once.
  route.compute_root().bound(j, 0, K).unroll(j);
  TokenLoops loops = tileRows(route, t, rows);
  for (Func f : perToken)
    f.compute_at(route, loops.token);
  for (Func out : {indices, weights}) {
    out.bound(j, 0, K).unroll(j);
    tileRows(out, t, rows);
  }
  return signature.finish({indices, weights}, target);
}

KernelPipeline buildGather(const GatherRowsKernelSpec &spec,
                           const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kGatherKernel);
  RowSchedule rows = checkRowSchedule(schedule, kGatherKernel);
  checkShape({kDynamicExtent, spec.features}, 2, 2, "[rows, features]",
             kGatherKernel);
  KernelSignature signature;
  ImageParam x =
      signature.tensor(Float(32), "x", {kDynamicExtent, spec.features});
  ImageParam which = signature.tensor(Int(32), "rows", {kDynamicExtent});
  Var f("f"), i("i");
  Func result("result");
  Expr last = x.dim(1).extent() - 1;
  result(f, i) = x(f, clamp(which(i), 0, last));
  constrainTensor(result.output_buffer(), {kDynamicExtent, spec.features});
  tileFeatures(result, f, spec.features, rows, /*pureStage=*/true);
  tileRows(result, i, rows);
  return signature.finish({result}, target);
}

KernelPipeline buildCombine(const CombineExpertsKernelSpec &spec,
                            const KernelSchedule &schedule) {
  Target target = checkTarget(schedule, kCombineKernel);
  RowSchedule rows = checkRowSchedule(schedule, kCombineKernel);
  checkShape({kDynamicExtent, spec.features, spec.topK}, 3, 3,
             "[tokens, features, top_k]", kCombineKernel);
  KernelSignature signature;
  ImageParam ys =
      signature.tensor(Float(32), "ys", {kDynamicExtent, spec.features});
  ImageParam slots =
      signature.tensor(Int(32), "slots", {kDynamicExtent, spec.topK});
  ImageParam weights =
      signature.tensor(Float(32), "weights", {kDynamicExtent, spec.topK});
  Var f("f"), t("t");
  Expr last = ys.dim(1).extent() - 1;
  Expr value = 0.0f;
  for (int j = 0; j < int(spec.topK); ++j) {
    Expr slot = slots(j, t);
    value += select(slot >= 0, weights(j, t) * ys(f, clamp(slot, 0, last)),
                    0.0f);
  }
  Func result("result");
  result(f, t) = value;
  constrainTensor(result.output_buffer(), {kDynamicExtent, spec.features});
  tileFeatures(result, f, spec.features, rows, /*pureStage=*/true);
  tileRows(result, t, rows);
  return signature.finish({result}, target);
}

} // namespace

KernelPipelineResult buildRouteSelectKernel(const RouteSelectKernelSpec &spec,
                                            const KernelSchedule &schedule) {
  return buildOrError([&] { return buildRouteSelect(spec, schedule); });
}

KernelPipelineResult buildGatherRowsKernel(const GatherRowsKernelSpec &spec,
                                           const KernelSchedule &schedule) {
  return buildOrError([&] { return buildGather(spec, schedule); });
}

KernelPipelineResult
buildCombineExpertsKernel(const CombineExpertsKernelSpec &spec,
                          const KernelSchedule &schedule) {
  return buildOrError([&] { return buildCombine(spec, schedule); });
}

} // namespace mgc
