//===- BuildFfn.cpp - lowering dense and MoE feed-forward blocks -*- C++ -*-===//
//
// A dense MLP is up/gate/down projections around an activation. A MoE block
// routes each token to top-k experts (mgc.route + mgc.expert) and adds the
// always-on shared experts, optionally gated per token. Weights under the
// layer prefix:
//
//   ffn.{gate,up,down}.{weight,bias}     dense MLP ([ffn, hidden] / [hidden, ffn])
//   ffn.router.weight                    [experts, hidden]
//   ffn.router.correction_bias           [experts]            (DeepSeek-V3)
//   ffn.experts.{gate,up}                [experts, ffn, hidden]
//   ffn.experts.down                     [experts, hidden, ffn]
//   ffn.shared.{gate,up,down}.weight     shared experts as one MLP
//   ffn.shared_gate.weight               [1, hidden]          (Qwen2-MoE)
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"

using namespace mlir;
using namespace mgc;

namespace {

Value mlp(GraphBuilder &g, StringRef name, FfnKind kind, int64_t intermediate,
          bool bias, Value x) {
  std::string prefix = name.str();
  int64_t hidden = g.spec().hidden;
  Value up = g.linear(x, prefix + ".up", intermediate, bias);
  Value inner;
  if (ExpertOp::isGated(kind)) {
    Value gate = g.linear(x, prefix + ".gate", intermediate, bias);
    inner = g.mul(g.activation(gate, ExpertOp::activationOf(kind)), up);
  } else {
    inner = g.activation(up, ExpertOp::activationOf(kind));
  }
  return g.linear(inner, prefix + ".down", hidden, bias);
}

Value moe(GraphBuilder &g, const FfnSpec &ffn, Value x) {
  const MoeSpec &m = ffn.moe;
  OpBuilder &b = g.builder();
  int64_t hidden = g.spec().hidden, experts = m.experts;
  Value gate = g.param("ffn.router.weight", {experts, hidden});
  Value bias = m.correctionBias
                   ? g.param("ffn.router.correction_bias", {experts})
                   : Value();
  auto maybeInt = [&](int64_t v) {
    return v > 0 ? b.getI64IntegerAttr(v) : IntegerAttr();
  };
  auto route = b.create<RouteOp>(
      g.loc(),
      RankedTensorType::get({g.tokens(), m.topK}, b.getI32Type()),
      g.activation({m.topK}), m.scoring, x, gate, bias, m.topK, m.normalize,
      llvm::APFloat(m.scale), maybeInt(m.groups), maybeInt(m.topkGroups),
      m.capacityFactor > 0 ? b.getF64FloatAttr(m.capacityFactor)
                           : FloatAttr());

  int64_t f = ffn.intermediate;
  Value expertGate = ExpertOp::isGated(ffn.activation)
                         ? g.param("ffn.experts.gate", {experts, f, hidden})
                         : Value();
  Value routed = b.create<ExpertOp>(
      g.loc(), x.getType(), ffn.activation, x, route.getIndices(),
      route.getWeights(), expertGate,
      g.param("ffn.experts.up", {experts, f, hidden}),
      g.param("ffn.experts.down", {experts, hidden, f}));
  if (m.sharedExperts == 0)
    return routed;

  Value shared = mlp(g, "ffn.shared", ffn.activation, m.sharedIntermediate,
                     /*bias=*/false, x);
  if (m.sharedGate) {
    Value weight = g.linear(x, "ffn.shared_gate", 1, /*bias=*/false);
    shared = g.mul(shared, g.activation(weight, ActivationKind::sigmoid));
  }
  return g.add(routed, shared);
}

} // namespace

Value mgc::buildFfn(GraphBuilder &g, const FfnSpec &ffn, Value x) {
  if (ffn.kind == FfnSpec::Kind::moe)
    return moe(g, ffn, x);
  return mlp(g, "ffn", ffn.activation, ffn.intermediate, ffn.bias, x);
}
