//===- BuildHydra.cpp - Hydra bidirectional SSD mixer -----------*- C++ -*-===//
//
// Lowers the Hydra mixer (goombalab/hydra, hydra/modules/hydra.py,
// Hydra.forward without the fused use_mem_eff_path, which computes the same)
// to mgc ops. Hydra is Mamba-2's SSD run both ways over the whole sequence,
// as a quasiseparable matrix mixer: per token t, with x, B, C, dt from a
// centered convolution and one in_proj,
//
//   y_fw[t] = SSD(x, dt_fw, A, B_fw, C_fw)[t - 1]        (0 at t = 0)
//   y_bw[t] = SSD over the reversed tokens with dt_bw, B_bw, C_bw, read at
//             the reversed position of t + 1             (0 at t = T - 1)
//   y[t]    = y_fw[t] + y_bw[t] + x[t] * (fc_D(x[t]) + D)  per head
//   out     = out_proj(RMSNorm(y) * norm.weight * silu(z))
//
// so the forward half sees only earlier tokens, the backward half only later
// ones, and the diagonal is the data-dependent skip. A is shared by both
// directions; dt_bias too. The lowering emits exactly that: two forward
// `ssd` scans without state (the second over `mgc.reverse`d x, dt, B and C),
// `mgc.token_shift` for the shift by one, and `mgc.reverse` back. mgc.scan's
// `bidirectional` direction is not used: it takes one set of dt, B and C.
//
// Hydra reads later tokens, so it has no decode step and no state: a model
// with a hydra mixer is an encoder (ModelBuilder emits only `prefill`).
//
// Weights, relative to the layer prefix and named as in the reference module
// (BertUnpadMixer.mixer), with D = hidden, I = expand * D, N = state size,
// W = conv width, H = heads = I / P, P = head dim, G = groups,
// E = I + 4 G N (conv channels: x, B_fw, C_fw, B_bw, C_bw). Biases marked
// proj exist only with proj_bias (the reference's `bias`, default off), conv
// only with conv_bias (default on).
//
//   mixer.in_proj.weight   [I + E + 2H, D]   rows: z, x, B_fw, C_fw, B_bw,
//   mixer.in_proj.bias     [I + E + 2H] proj       C_bw, dt_fw, dt_bw
//   mixer.conv1d.weight    [E, W]            (PyTorch [E, 1, W])
//   mixer.conv1d.bias      [E] conv
//   mixer.dt_bias          [H]
//   mixer.A_log            [H]
//   mixer.D                [H]
//   mixer.fc_D.weight      [H, I]
//   mixer.norm.weight      [I]
//   mixer.out_proj.weight  [D, I]
//   mixer.out_proj.bias    [D] proj
//
// Fixed as in the reference defaults, with no ScanSpec field: activation
// silu, dt_limit (0, inf) (no clamp), learnable_init_states off (both scans
// start from zero), and the gated norm's eps 1e-5 over all I channels (one
// group; norm_before_gate: normalize, scale, then gate). The convolution is
// PyTorch's Conv1d with padding W // 2, which keeps the length only for odd
// W (the reference default is 7); even widths are rejected.
//
//===----------------------------------------------------------------------===//

#include "frontends/ScanMixers.h"

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

namespace {

/// The reference's fixed epsilon of the gated RMSNorm.
constexpr double kGatedNormEps = 1e-5;

/// Depthwise convolution of x [T, C] with a window centered on each token
/// (PyTorch Conv1d with padding W // 2 for odd W). Width 0 returns x.
Value centeredConv(GraphBuilder &g, Value x, StringRef name, int64_t width,
                   bool bias) {
  if (width == 0)
    return x;
  int64_t channels = shapeOf(x).back();
  Value weight = g.param((name + ".weight").str(), {channels, width});
  Value biasValue =
      bias ? g.param((name + ".bias").str(), {channels}) : Value();
  return g.builder()
      .create<Conv1dOp>(g.loc(), x.getType(), Type(), x, weight, biasValue,
                        Value(), /*centered=*/true)
      .getResult();
}

/// One direction of Hydra: a stateless `ssd` scan of x [T, I] (heads of
/// `headDim`) with dt [T, H] and bc [T, 2 G N] = (B, C), whose output moves
/// one token later (zero at the first token), as `torch.roll` then
/// `y[:, 0] = 0` does. Returns [T, I].
Value shiftedScan(GraphBuilder &g, Value x, Value dt, Value a, Value bc,
                  int64_t headDim, int64_t groups, int64_t stateSize) {
  int64_t inner = shapeOf(x).back(), heads = inner / headDim;
  int64_t gn = groups * stateSize;
  Value xh = g.reshape(x, {heads, headDim});
  Value b = g.reshape(g.slice(bc, 0, gn), {groups, stateSize});
  Value c = g.reshape(g.slice(bc, gn, gn), {groups, stateSize});
  // mamba_chunk_scan_combined with D = None: H = exp(dt A) H + dt x B,
  // y = C . H, no skip term.
  Value y = g.builder()
                .create<ScanOp>(g.loc(), xh.getType(), Type(), ScanVariant::ssd,
                                ScanDirection::forward, xh, dt, a, b, c,
                                Value(), Value(), Value(), Value(), Value())
                .getResult();
  Value flat = g.reshape(y, {inner});
  return g.builder()
      .create<TokenShiftOp>(g.loc(), flat.getType(), Type(), flat, Value())
      .getResult();
}

} // namespace

Value scan::buildHydra(GraphBuilder &g, const ScanSpec &s, Value x) {
  int64_t hidden = g.spec().hidden;
  int64_t inner = s.expand * hidden, n = s.stateSize, p = s.headDim;
  int64_t heads = s.heads > 0 ? s.heads : inner / p, groups = s.groups;
  if (heads * p != inner || groups <= 0 || heads % groups != 0)
    return fail(g, "hydra mixer: heads * head_dim must equal expand * "
                   "hidden_size and groups must divide heads");
  if (s.convWidth % 2 == 0 && s.convWidth != 0)
    return fail(g, "hydra mixer: its centered convolution (padding "
                   "conv_width // 2) needs an odd conv_width, got " +
                       Twine(s.convWidth) + " (the reference default is 7)");
  int64_t gn = groups * n;
  int64_t convDim = inner + 4 * gn;

  // in_proj packs [z, xBC, dt_fw, dt_bw].
  Value proj =
      g.linear(x, "mixer.in_proj", inner + convDim + 2 * heads, s.projBias);
  Value z = g.slice(proj, 0, inner);
  Value xbc = g.slice(proj, inner, convDim);
  Value dtRaw = g.slice(proj, inner + convDim, 2 * heads);

  xbc = centeredConv(g, xbc, "mixer.conv1d", s.convWidth, s.convBias);
  xbc = g.activation(xbc, ActivationKind::silu);
  Value xs = g.slice(xbc, 0, inner);
  Value bcFw = g.slice(xbc, inner, 2 * gn);
  Value bcBw = g.slice(xbc, inner + 2 * gn, 2 * gn);

  // dt = softplus(dt + dt_bias) for both halves; the elementwise ops commute
  // with the reference's flip of the backward half.
  Value dtBias = g.param("mixer.dt_bias", {heads});
  Value dtFw = g.activation(g.add(g.slice(dtRaw, 0, heads), dtBias),
                            ActivationKind::softplus);
  Value dtBw = g.activation(g.add(g.slice(dtRaw, heads, heads), dtBias),
                            ActivationKind::softplus);
  Scalars k(g);
  Value a = k.negate(
      g.activation(g.param("mixer.A_log", {heads}), ActivationKind::exp));

  // The forward half sees earlier tokens; the backward half runs the same
  // scan over the reversed sequence and is reversed back.
  Value yFw = shiftedScan(g, xs, dtFw, a, bcFw, p, groups, n);
  Value xsRev = g.reverse(xs);
  Value dtRev = g.reverse(dtBw);
  Value bcRev = g.reverse(bcBw);
  Value yBw = g.reverse(shiftedScan(g, xsRev, dtRev, a, bcRev, p, groups, n));

  // The diagonal: x * (fc_D(x) + D), one factor per head and token
  // (F.linear(x, fc_D.weight, bias=D)).
  Value fcD = g.param("mixer.fc_D.weight", {heads, inner});
  Value d = g.param("mixer.D", {heads});
  Value diag =
      g.builder().create<LinearOp>(g.loc(), g.activation({heads}), xs, fcD, d);
  Value skip = g.reshape(
      g.mul(g.reshape(xs, {heads, p}), g.reshape(diag, {heads, 1})), {inner});
  Value y = g.add(g.add(yFw, yBw), skip);

  // RMSNormGated(I, eps=1e-5, norm_before_gate=True): normalize over all I
  // channels, scale, then gate with silu(z).
  Value normed =
      normWith(g, NormKind::rms, y, g.param("mixer.norm.weight", {inner}),
               Value(), kGatedNormEps);
  Value gated = g.mul(normed, g.activation(z, ActivationKind::silu));
  return g.linear(gated, "mixer.out_proj", hidden, s.projBias);
}
