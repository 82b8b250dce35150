//===- BuildScanMixer.cpp - lowering linear-recurrence mixers ---*- C++ -*-===//
//
// The entry point for scan mixers: dispatches on the mixer family and holds
// the helpers the family files share (state-carrying conv, token shift and
// scan, weight reshapes, scalar constants).
//
// Every stateful mixer reads its state at the start of the entry point and
// writes it back after the last token, in prefill as in decode: a prefill
// continues from what the state holds (the runtime zeroes it for a new
// sequence), so decode after prefill equals one longer prefill.
//
// Families and what they lower to (details in each file):
//   mamba1  BuildMamba.cpp  in_proj, conv1d, x_proj/dt_proj, scan selective
//   mamba2  BuildMamba.cpp  in_proj, conv1d, scan ssd, gated group RMSNorm
//   rwkv4   BuildRwkv.cpp   token_shift, scan rwkv of (v, 1) per channel,
//                           their quotient
//   rwkv5.x BuildRwkv.cpp   token_shift, scan rwkv, group norm (5.2: gate)
//   rwkv6   BuildRwkv.cpp   token_shift, ddlerp, scan rwkv, group norm
//   rwkv7   BuildRwkv.cpp   token_shift, LoRAs, scan delta, group norm
//   s4      BuildLti.cpp    S4D-Real: scan lti, GELU, GLU
//   h3      BuildH3.cpp     q/k/v, shift SSM (conv1d), k*v, S4D-Real scan lti,
//                           q contraction
//   hydra   BuildHydra.cpp  in_proj, centered conv1d, two ssd scans (one over
//                           the reversed tokens), shifted outputs, gated
//                           RMSNorm; stateless (encoders)
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"
#include "frontends/ScanMixers.h"

#include <cmath>

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

Value mgc::buildScanMixer(GraphBuilder &g, const MixerSpec &mixer, Value x) {
  g.setSource(mixer.pos);
  if (mixer.kind != MixerSpec::Kind::scan)
    return fail(g, "mixer '" + mixer.name + "' is not a scan mixer");
  const ScanSpec &s = mixer.scan;
  switch (s.kind) {
  case ScanMixerKind::mamba1:
    return buildMamba1(g, s, x);
  case ScanMixerKind::mamba2:
    return buildMamba2(g, s, x);
  case ScanMixerKind::rwkv4:
    return buildRwkv4(g, s, x);
  case ScanMixerKind::rwkv5_1:
  case ScanMixerKind::rwkv5_2:
    return buildRwkv5(g, s, x);
  case ScanMixerKind::rwkv6:
    return buildRwkv6(g, s, x);
  case ScanMixerKind::rwkv7:
    return buildRwkv7(g, s, x);
  case ScanMixerKind::s4:
    return buildS4dReal(g, s, x);
  case ScanMixerKind::h3:
    return buildH3(g, s, x);
  case ScanMixerKind::hydra:
    return buildHydra(g, s, x);
  }
  return fail(g, "scan mixer '" + mixer.name + "': unknown variant");
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

Value scan::fail(GraphBuilder &g, const Twine &message) {
  emitError(g.loc()) << message;
  return {};
}

ArrayRef<int64_t> scan::shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

Value scan::reshapeWeight(GraphBuilder &g, Value w, ArrayRef<int64_t> shape) {
  if (shapeOf(w) == shape)
    return w;
  return g.builder().create<ReshapeOp>(g.loc(), g.tensor(shape), w);
}

Value scan::matmul(GraphBuilder &g, Value x, Value weight) {
  SmallVector<int64_t> shape(shapeOf(x));
  shape.back() = shapeOf(weight).front();
  return g.builder().create<LinearOp>(
      g.loc(), RankedTensorType::get(shape, g.f32()), x, weight, Value());
}

Value scan::normWith(GraphBuilder &g, NormKind kind, Value x, Value weight,
                     Value bias, double eps) {
  return g.builder().create<NormOp>(g.loc(), x.getType(), kind, x, weight, bias,
                                    llvm::APFloat(eps));
}

Value scan::causalConv(GraphBuilder &g, Value x, StringRef name, int64_t width,
                       bool bias, StringRef stateName) {
  if (width == 0)
    return x;
  int64_t channels = shapeOf(x).back();
  Value weight = g.param((name + ".weight").str(), {channels, width});
  Value biasValue =
      bias ? g.param((name + ".bias").str(), {channels}) : Value();
  return causalConvWith(g, x, weight, biasValue, stateName);
}

Value scan::causalConvWith(GraphBuilder &g, Value x, Value weight, Value bias,
                           StringRef stateName) {
  int64_t channels = shapeOf(x).back(), width = shapeOf(weight).back();
  // A width-1 convolution looks at no earlier token: nothing to carry.
  if (width == 1)
    return g.builder()
        .create<Conv1dOp>(g.loc(), x.getType(), Type(), x, weight, bias,
                          Value())
        .getResult();
  Value state = g.readState(stateName, StateKind::conv, {width - 1, channels});
  auto conv = g.builder().create<Conv1dOp>(
      g.loc(), x.getType(), state.getType(), x, weight, bias, state);
  g.writeState(stateName, conv.getStateOut());
  return conv.getResult();
}

Value scan::tokenShift(GraphBuilder &g, Value x, StringRef stateName) {
  int64_t channels = shapeOf(x).back();
  // The last token of the previous call: a width-2 convolution's window.
  Value state = g.readState(stateName, StateKind::conv, {1, channels});
  auto shift = g.builder().create<TokenShiftOp>(g.loc(), x.getType(),
                                                state.getType(), x, state);
  g.writeState(stateName, shift.getStateOut());
  return shift.getResult();
}

Value scan::forwardScan(GraphBuilder &g, ScanVariant variant, Value x,
                        const ScanOperands &ops, StringRef stateName) {
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t stateSize = shapeOf(ops.b).back();
  Value state =
      g.readState(stateName, StateKind::recurrent, {xs[1], xs[2], stateSize});
  auto op = g.builder().create<ScanOp>(g.loc(), x.getType(), state.getType(),
                                       variant, ScanDirection::forward, x,
                                       ops.dt, ops.decay, ops.b, ops.c, ops.d,
                                       ops.bonus, ops.alpha, ops.beta, state);
  g.writeState(stateName, op.getStateOut());
  return op.getResult();
}

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

Value Scalars::negate(Value v) { return g_.mul(v, minusOne()); }

Value Scalars::splat(Value scalar, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> ones(shape.size(), 1);
  return g_.broadcast(reshapeWeight(g_, scalar, ones), shape);
}

Value Scalars::invSqrt(int64_t n) {
  return g_.constant(1.0 / std::sqrt(double(n)));
}
