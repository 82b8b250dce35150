//===- BuildH3.cpp - H3 (Hungry Hungry Hippos) mixer ------------*- C++ -*-===//
//
// Lowers the H3 mixer (HazyResearch/H3, src/models/ssm/h3.py, H3.forward,
// with its SSKernel modes 'shift' and 'diag') to mgc ops. mgc's h3 is H3
// with the S4D-Real diagonal SSM: the reference H3 with
//
//   ssm_cfg = {mode: 'diag', measure: 'diag-real', disc: 'zoh'}
//
// and A_imag = 0, where the released checkpoints use measure 'diag-lin'
// (S4D-Lin, complex A), which mgc.scan's real decays cannot represent. Both
// kwargs are ones the H3 code base takes (SSKernel's `measure`,
// SSKernelDiag's `disc`). ZOH rather than the default 'bilinear' because a
// bilinear decay (1 + dt A / 2) / (1 - dt A / 2) turns negative once
// dt |A| > 2 (A = -1 .. -N/2 with diag-real), and mgc.scan's decays are
// exponentials. With that, per channel of D = hidden, heads H = D / d of
// size d, N = state size:
//
//   q, k, v  = q_proj(u), k_proj(u), v_proj(u)
//   k        = shift_ssm(k) + ssm_k_D * k
//   kv[h, d2, d1] = v[h d + d2] * k[h d + d1]
//   y        = diag_ssm_h(kv) + D[h] * kv
//   out[d2 H + h] = sum_d1 q[h d + d1] * y[h, d2, d1]     (reference's (d h))
//   result   = output_linear(out)
//
// Shift SSM (SSKernelShift): state s_t = shift(s_{t-1}) + B u_t, y = C . s_t,
// whose kernel is the cross-correlation k[i] = sum_m B[m] C[m + i], i < N
// (irfft(conj(rfft B) * rfft C)). B starts at e_1 but is a trained parameter
// (registered with the kernel's lr, None by default), so the lowering builds
// the kernel from both weights: a depthwise causal mgc.conv1d of width N
// whose weight [D, N] (taps oldest first) is
//
//   w[c, j] = sum_m B[c, m] * C[c, m + N - 1 - j]    (C beyond N is 0)
//
// computed from the weights alone (a Toeplitz matrix of C by a reshape
// skew, times B, summed). Its conv state (the last N - 1 inputs) replaces the
// reference's B-weighted shift state; the outputs are the same.
//
// Diagonal SSM (SSKernelDiag, real A, ZOH, N / 2 modes per head): with
// dt = exp(log_dt), A = -exp(inv_A_real), and B, C complex (stored as
// [..., 2] real/imaginary pairs),
//
//   s_t = exp(dt A) s_{t-1} + (exp(dt A) - 1) / A * kv_t
//   y_t = 2 (Re C Re B - Im C Im B) . s_t + D kv_t
//
// which is SSKernelDiag.step's `2 * y.real` for real A: s stays real, and
// the real part of C B s is Re(C B) s. That is an `lti` scan with one head per
// H3 head, P = d * d (the kv pairs) and the state [H, d d, N / 2].
//
// Weights, relative to the layer prefix, named as in the reference module
// (flash_attn Block.mixer); the loader drops PyTorch's leading channels dim
// of 1 from both C:
//
//   mixer.q_proj.weight, k_proj, v_proj      [D, D]   (+ .bias [D])
//   mixer.ssm_k_kernel.kernel.B              [D, N]
//   mixer.ssm_k_kernel.kernel.C              [D, N]          ([1, D, N])
//   mixer.ssm_k_D                            [D]
//   mixer.kernel.kernel.log_dt               [H]
//   mixer.kernel.kernel.inv_A_real           [H, N/2]
//   mixer.kernel.kernel.B                    [H, N/2, 2]
//   mixer.kernel.kernel.C                    [H, N/2, 2]     ([1, H, N/2, 2])
//   mixer.D                                  [H]
//   mixer.output_linear.weight               [D, D]   (+ .bias [D])
//
// mixer.kernel.kernel.A_imag [H, N/2] is not read: it must be zero, as
// diag-real initializes it (it is a trained parameter unless A's lr is 0, so
// a checkpoint with nonzero A_imag is not an S4D-Real H3).
// The reference's projections always have biases (plain nn.Linear), so
// proj_bias is not read. Heads come from `heads` (H = D / d; 0: the
// reference default head_dim d = 1, H = D); `head_dim`, whose default is
// Mamba-2's, is not read. conv_width is not read: the shift SSM's width is N.
//
// State: mixer.shift_state (conv) [N - 1, D];
//        mixer.ssm_state (recurrent) [H, d * d, N / 2].
//
//===----------------------------------------------------------------------===//

#include "frontends/ScanMixers.h"

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

namespace {

/// Sums x [..., n] over its last dimension: [..., 1].
Value sumLast(GraphBuilder &g, Value x) {
  int64_t n = shapeOf(x).back();
  return matmul(g, x, g.constant(1.0, {1, n}));
}

/// The shift SSM's causal conv weight [D, N] from B [D, N] and C [D, N]:
/// w[c, j] = sum_m B[c, m] C[c, m + N - 1 - j], zero where m + N - 1 - j >= N.
Value shiftKernel(GraphBuilder &g, Value b, Value c) {
  int64_t channels = shapeOf(c)[0], n = shapeOf(c)[1];
  // Each channel's C, padded with N zeros to L = 2N and repeated on N rows,
  // then re-read with rows of L - 1: row j then starts j elements earlier, so
  // toe[c, j, s] = padded[c, s - j] for s >= j (s < j lands in the previous
  // row's zero padding).
  Value padded = g.concat({c, g.constant(0.0, {channels, n})});
  Value rows = g.broadcast(reshapeWeight(g, padded, {channels, 1, 2 * n}),
                           {channels, n, 2 * n});
  Value flat = reshapeWeight(g, rows, {channels, n * 2 * n});
  Value skewed = reshapeWeight(g, g.slice(flat, 0, n * (2 * n - 1)),
                               {channels, n, 2 * n - 1});
  // Columns s = m + N - 1 hold C[m + N - 1 - j]: the [D, N(j), N(m)] Toeplitz
  // matrix of the correlation, contracted with B over m.
  Value toeplitz = g.slice(skewed, n - 1, n);
  Value products = g.mul(toeplitz, reshapeWeight(g, b, {channels, 1, n}));
  return reshapeWeight(g, sumLast(g, products), {channels, n});
}

} // namespace

Value scan::buildH3(GraphBuilder &g, const ScanSpec &s, Value x) {
  int64_t dModel = g.spec().hidden, n = s.stateSize;
  if (n < 2 || n % 2 != 0)
    return fail(g, "h3 mixer: state_size must be even: the diagonal SSM has "
                   "state_size / 2 modes, got " +
                       Twine(n));
  int64_t heads = s.heads > 0 ? s.heads : dModel;
  if (dModel % heads != 0)
    return fail(g, "h3 mixer: heads " + Twine(heads) +
                       " must divide hidden_size " + Twine(dModel));
  int64_t d = dModel / heads, modes = n / 2, pairs = d * d;

  Value q = g.linear(x, "mixer.q_proj", dModel, /*bias=*/true);
  Value k = g.linear(x, "mixer.k_proj", dModel, /*bias=*/true);
  Value v = g.linear(x, "mixer.v_proj", dModel, /*bias=*/true);

  // Shift SSM on k, plus its skip term.
  Value shiftB = g.param("mixer.ssm_k_kernel.kernel.B", {dModel, n});
  Value shiftC = g.param("mixer.ssm_k_kernel.kernel.C", {dModel, n});
  Value shiftWeight = shiftKernel(g, shiftB, shiftC);
  Value shifted =
      causalConvWith(g, k, shiftWeight, Value(), "mixer.shift_state");
  k = g.add(shifted, g.mul(k, g.param("mixer.ssm_k_D", {dModel})));

  // kv [T, H, d2 * d + d1] = v[h, d2] * k[h, d1]: d1 innermost, so the
  // contraction with q below is over the last dimension.
  Value kv;
  if (d == 1) {
    kv = g.reshape(g.mul(k, v), {heads, 1});
  } else {
    Value vRows =
        g.broadcast(g.reshape(v, {heads, d, 1}), {g.tokens(), heads, d, d});
    kv = g.reshape(g.mul(vRows, g.reshape(k, {heads, 1, d})), {heads, pairs});
  }

  // Diagonal SSM, S4D-Real with ZOH (see the file comment).
  Value invAReal = g.param("mixer.kernel.kernel.inv_A_real", {heads, modes});
  Scalars sc(g);
  Value a = sc.negate(g.activation(invAReal, ActivationKind::exp));
  Value dt = g.activation(
      reshapeWeight(g, g.param("mixer.kernel.kernel.log_dt", {heads}),
                    {heads, 1}),
      ActivationKind::exp);
  Value dtA = g.mul(a, dt);
  // (exp(dt A) - 1) / A, with 1 / A = -exp(-inv_A_real): mgc has no division.
  Value invA =
      sc.negate(g.activation(sc.negate(invAReal), ActivationKind::exp));
  Value inputScale =
      g.mul(g.sub(g.activation(dtA, ActivationKind::exp), sc.one()), invA);
  // 2 Re(C B) from the [..., 2] (real, imaginary) pairs.
  Value bPairs = g.param("mixer.kernel.kernel.B", {heads, modes, 2});
  Value cPairs = g.param("mixer.kernel.kernel.C", {heads, modes, 2});
  auto part = [&](Value pairs, int64_t index) {
    return reshapeWeight(g, g.slice(pairs, index, 1), {heads, modes});
  };
  Value reCB = g.sub(g.mul(part(cPairs, 0), part(bPairs, 0)),
                     g.mul(part(cPairs, 1), part(bPairs, 1)));

  ScanOperands ops;
  ops.decay = g.broadcast(reshapeWeight(g, dtA, {heads, 1, modes}),
                          {heads, pairs, modes}); // no dt operand: exp(decay)
  ops.b = inputScale;
  ops.c = g.add(reCB, reCB);
  ops.d = g.param("mixer.D", {heads});
  Value y = forwardScan(g, ScanVariant::lti, kv, ops, "mixer.ssm_state");

  // Contract with q over d1; the reference then lays heads out as (d2 h).
  Value out;
  if (d == 1) {
    out = g.mul(g.reshape(y, {dModel}), q);
  } else {
    Value weighted =
        g.mul(g.reshape(y, {heads, d, d}), g.reshape(q, {heads, 1, d}));
    Value summed = g.reshape(sumLast(g, weighted), {heads, d}); // [T, h, d2]
    SmallVector<Value> columns;
    for (int64_t j = 0; j < d; ++j)
      columns.push_back(g.reshape(g.slice(summed, j, 1), {heads}));
    out = g.concat(columns); // [T, d2 * H + h]
  }
  return g.linear(out, "mixer.output_linear", dModel, /*bias=*/true);
}
