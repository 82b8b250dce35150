//===- BuildMamba.cpp - Mamba-1 and Mamba-2 mixers --------------*- C++ -*-===//
//
// Lowers the Mamba-1 selective-scan mixer (Hugging Face
// MambaMixer.slow_forward) and the Mamba-2 SSD mixer
// (Mamba2Mixer.torch_forward, with mamba_ssm's per-group gated RMSNorm) to
// mgc ops.
//
// Weights, relative to the layer prefix and named as in transformers, with
// D = hidden, I = expand * D, N = state size, W = conv width, R = dt rank,
// H = heads, P = head dim, G = groups, E = I + 2 G N (Mamba-2 conv channels).
// Biases marked proj exist only with proj_bias, conv only with conv_bias.
//
//   Mamba-1                          Mamba-2
//   mixer.in_proj.weight  [2I, D]    mixer.in_proj.weight  [I + E + H, D]
//   mixer.in_proj.bias    [2I] proj  mixer.in_proj.bias    [I + E + H] proj
//   mixer.conv1d.weight   [I, W]     mixer.conv1d.weight   [E, W]
//   mixer.conv1d.bias     [I] conv   mixer.conv1d.bias     [E] conv
//   mixer.x_proj.weight   [R + 2N, I]
//   mixer.dt_proj.weight  [I, R]     mixer.dt_bias         [H]
//   mixer.dt_proj.bias    [I]
//   mixer.A_log           [I, N]     mixer.A_log           [H]
//   mixer.D               [I]        mixer.D               [H]
//                                    mixer.norm.weight     [I]
//   mixer.out_proj.weight [D, I]     mixer.out_proj.weight [D, I]
//   mixer.out_proj.bias   [D] proj   mixer.out_proj.bias   [D] proj
//
// PyTorch stores conv1d.weight as [channels, 1, W]; the loader drops the 1.
//
// State: mixer.conv_state (conv) [W - 1, I] or [W - 1, E];
//        mixer.ssm_state (recurrent) [1, I, N] (Mamba-1) or [H, P, N].
//
//===----------------------------------------------------------------------===//

#include "frontends/ScanMixers.h"

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

Value scan::buildMamba1(GraphBuilder &g, const ScanSpec &s, Value x) {
  int64_t hidden = g.spec().hidden;
  int64_t inner = s.expand * hidden, n = s.stateSize;
  int64_t rank = s.dtRank > 0 ? s.dtRank : (hidden + 15) / 16;

  Value xz = g.linear(x, "mixer.in_proj", 2 * inner, s.projBias);
  Value xs = g.slice(xz, 0, inner);
  Value z = g.slice(xz, inner, inner);
  xs = causalConv(g, xs, "mixer.conv1d", s.convWidth, s.convBias,
                  "mixer.conv_state");
  xs = g.activation(xs, ActivationKind::silu);

  // Selection: dt, B and C depend on the token.
  Value params = g.linear(xs, "mixer.x_proj", rank + 2 * n, /*bias=*/false);
  Value dtLow = g.slice(params, 0, rank);
  Value b = g.slice(params, rank, n), c = g.slice(params, rank + n, n);
  if (s.dtBcNorm) {
    // Jamba RMS-normalizes the selection parameters before use.
    NormSpec rms{NormKind::rms, g.spec().norm.eps, false, {}};
    dtLow = g.norm(dtLow, rms, "mixer.dt_layernorm");
    b = g.norm(b, rms, "mixer.b_layernorm");
    c = g.norm(c, rms, "mixer.c_layernorm");
  }
  Value dt = g.linear(dtLow, "mixer.dt_proj", inner, /*bias=*/true);
  dt = g.activation(dt, ActivationKind::softplus);

  // One scan head whose P channels are the inner channels, each with its own
  // decay row A[c] = -exp(A_log[c]).
  Value aLog = g.param("mixer.A_log", {inner, n});
  Scalars k(g);
  Value a = k.negate(g.activation(aLog, ActivationKind::exp));
  ScanOperands ops;
  ops.dt = g.reshape(dt, {1, inner});
  ops.decay = reshapeWeight(g, a, {1, inner, n});
  ops.b = g.reshape(b, {1, n});
  ops.c = g.reshape(c, {1, n});
  ops.d = reshapeWeight(g, g.param("mixer.D", {inner}), {1, inner});
  // `selective` scales the input by dt itself: H = exp(dt A) H + dt x B.
  Value y = forwardScan(g, ScanVariant::selective, g.reshape(xs, {1, inner}),
                        ops, "mixer.ssm_state");

  y = g.mul(g.reshape(y, {inner}), g.activation(z, ActivationKind::silu));
  return g.linear(y, "mixer.out_proj", hidden, s.projBias);
}

Value scan::buildMamba2(GraphBuilder &g, const ScanSpec &s, Value x) {
  int64_t hidden = g.spec().hidden;
  int64_t inner = s.expand * hidden, n = s.stateSize, p = s.headDim;
  int64_t heads = s.heads > 0 ? s.heads : inner / p, groups = s.groups;
  if (heads * p != inner || groups <= 0 || heads % groups != 0)
    return fail(g, "mamba2 mixer: heads * head_dim must equal expand * "
                   "hidden_size and groups must divide heads");
  int64_t convDim = inner + 2 * groups * n;

  // in_proj packs [z, xBC, dt] (transformers' d_mlp part is empty).
  Value proj =
      g.linear(x, "mixer.in_proj", inner + convDim + heads, s.projBias);
  Value z = g.slice(proj, 0, inner);
  Value xbc = g.slice(proj, inner, convDim);
  Value dtRaw = g.slice(proj, inner + convDim, heads);

  xbc = causalConv(g, xbc, "mixer.conv1d", s.convWidth, s.convBias,
                   "mixer.conv_state");
  xbc = g.activation(xbc, ActivationKind::silu);

  Value aLog = g.param("mixer.A_log", {heads});
  Scalars k(g);
  ScanOperands ops;
  ops.dt = g.activation(g.add(dtRaw, g.param("mixer.dt_bias", {heads})),
                        ActivationKind::softplus);
  ops.decay = k.negate(g.activation(aLog, ActivationKind::exp));
  ops.b = g.reshape(g.slice(xbc, inner, groups * n), {groups, n});
  ops.c = g.reshape(g.slice(xbc, inner + groups * n, groups * n), {groups, n});
  ops.d = g.param("mixer.D", {heads});
  // Like mamba_chunk_scan_combined, `ssd` takes x unscaled and dt separately:
  // it scales the input by dt and adds D * x with the unscaled x.
  Value xh = g.reshape(g.slice(xbc, 0, inner), {heads, p});
  Value y = forwardScan(g, ScanVariant::ssd, xh, ops, "mixer.ssm_state");

  // Gated RMSNorm: normalize y * silu(z) over each group of I / G channels
  // (mamba_ssm RMSNormGated with group_size = I / G, norm_before_gate off).
  int64_t groupSize = inner / groups;
  Value gated =
      g.mul(g.reshape(y, {inner}), g.activation(z, ActivationKind::silu));
  Value weight = reshapeWeight(g, g.param("mixer.norm.weight", {inner}),
                               {groups, groupSize});
  Value normed =
      normWith(g, NormKind::rms, g.reshape(gated, {groups, groupSize}), weight,
               Value(), g.spec().norm.eps);
  return g.linear(g.reshape(normed, {inner}), "mixer.out_proj", hidden,
                  s.projBias);
}
