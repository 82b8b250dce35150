//===- BuildLti.cpp - time-invariant (S4D-Real) mixers ----------*- C++ -*-===//
//
// Lowers an S4D layer with real diagonal state matrix to an `lti` scan: the
// layer of state-spaces/s4 models/s4/s4d.py (SSM, skip D, GELU, then a 1x1
// convolution to 2H channels and a GLU) with the S4D-Real kernel, i.e.
// A = -exp(log_A_real) real (s4d.py's A_imag = 0, C real), B = 1, dt =
// exp(log_dt), zero-order hold: per channel h and mode n,
//
//   s_t = exp(dt A) s_{t-1} + (exp(dt A) - 1) / A * u_t
//   y_t = 2 C . s_t + D u_t
//
// which is SSMKernelDiag(is_real=True, disc='zoh').step (the factor 2 is the
// reference's `2 * y.real`). S4D-Lin/Inv have complex A and are not
// representable with mgc.scan's real decays.
//
// Weights, relative to the layer prefix, with H = hidden, N = state size:
//   mixer.kernel.log_dt             [H]
//   mixer.kernel.log_A_real         [H, N]
//   mixer.kernel.C                  [H, N]
//   mixer.D                         [H]
//   mixer.output_linear.0.weight    [2H, H]   (Conv1d [2H, H, 1] in PyTorch)
//   mixer.output_linear.0.bias      [2H]
//
// State: mixer.ssm_state (recurrent) [H, 1, N], one scan head per channel.
//
//===----------------------------------------------------------------------===//

#include "frontends/ScanMixers.h"

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

Value scan::buildS4dReal(GraphBuilder &g, const ScanSpec &s, Value x) {
  int64_t h = g.spec().hidden, n = s.stateSize;

  Value logA = g.param("mixer.kernel.log_A_real", {h, n});
  Scalars k(g);
  Value a = k.negate(g.activation(logA, ActivationKind::exp));
  Value dt = g.activation(
      reshapeWeight(g, g.param("mixer.kernel.log_dt", {h}), {h, 1}),
      ActivationKind::exp);
  Value dtA = g.mul(a, dt);

  // ZOH input matrix (exp(dt A) - 1) / A, with 1 / A = -exp(-log_A_real)
  // since mgc has no division.
  Value invA = k.negate(g.activation(k.negate(logA), ActivationKind::exp));
  Value decayed = g.sub(g.activation(dtA, ActivationKind::exp), k.one());
  Value c = g.param("mixer.kernel.C", {h, n});

  ScanOperands ops;
  ops.decay = reshapeWeight(g, dtA, {h, 1, n}); // no dt operand: exp(decay)
  ops.b = g.mul(decayed, invA);
  ops.c = g.add(c, c);
  ops.d = g.param("mixer.D", {h});
  Value y = forwardScan(g, ScanVariant::lti, g.reshape(x, {h, 1}), ops,
                        "mixer.ssm_state");

  y = g.activation(g.reshape(y, {h}), ActivationKind::gelu);
  Value out = g.linear(y, "mixer.output_linear.0", 2 * h, /*bias=*/true);
  return g.mul(g.slice(out, 0, h),
               g.activation(g.slice(out, h, h), ActivationKind::sigmoid));
}
