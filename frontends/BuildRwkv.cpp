//===- BuildRwkv.cpp - RWKV-4 to RWKV-7 time and channel mix ----*- C++ -*-===//
//
// Lowers RWKV time mixing to mgc.scan: RWKV-4 and RWKV-5 (as rwkv.cpp
// computes them, rwkv_graph.inc) and RWKV-6 "Finch" (RWKV-LM
// RWKV-v5/rwkv_v6_demo.py, RWKV_Tmix_x060) to `rwkv` scans, RWKV-7 "Goose"
// (RWKV-v7/rwkv_v7_demo_rnn.py, x070) to a `delta` scan; plus the channel
// mixes (RWKV's FFN).
//
// Weights, relative to the layer prefix, with C = hidden, H = heads,
// N = head size, Dm / Dw = mix / decay LoRA ranks. Names are those of the
// RWKV-LM checkpoints; vectors stored [1, 1, C] there are [C] here, and the
// LoRA matrices, which the reference multiplies as `x @ w`, are stored
// transposed to mgc's [out, in] (as rwkv.cpp's converter does).
//
//   RWKV-4 (one recurrence per channel)
//   att.time_mix_{k,v,r}        [C]
//   att.time_decay              [C]     the log decay -exp(w)
//   att.time_first              [C]     u: the current token's bonus e^u
//   att.{receptance,key,value,output}.weight  [C, C]
//
//   RWKV-5.1 / 5.2
//   att.time_mix_{k,v,r}        [C], 5.2 also att.time_mix_g [C]
//   att.time_decay              5.1 [H], 5.2 [H, N]: the log decay -exp(w)
//   att.time_first              5.1 [H]: the bonus factor e^u
//   att.time_faaaa              5.2 [H, N]: the bonus factor u
//   att.{receptance,key,value,output}.weight  [C, C], 5.2 att.gate.weight
//   att.ln_x.{weight,bias}      [C]
//
// The RWKV-4/5 decays and bonuses are in the form the scan takes, which is
// how rwkv.cpp's model files hold them (RWKV-4's -exp(w), RWKV-5's e^u and
// u) except RWKV-5's decay, stored exp(-exp(w)), whose log the rwkv.cpp
// reader computes (weights/RwkvCppReader.cpp).
//
//   RWKV-6
//   att.time_maa_{x,w,k,v,r,g}  [C]
//   att.time_maa_w1             [5 Dm, C]
//   att.time_maa_w2             [5, C, Dm]
//   att.time_decay              [C]
//   att.time_decay_w1           [Dw, C]
//   att.time_decay_w2           [C, Dw]
//   att.time_faaaa              [H, N]
//   att.{receptance,key,value,gate,output}.weight  [C, C]
//   att.ln_x.{weight,bias}      [C]
//
//   RWKV-7
//   att.x_{r,w,k,v,a,g}         [C]
//   att.w0 [C]   att.w1 [Dw, C]   att.w2 [C, Dw]   decay
//   att.a0 [C]   att.a1 [Da, C]   att.a2 [C, Da]   in-context learning rate
//   att.v0 [C]   att.v1 [Dv, C]   att.v2 [C, Dv]   value residual (not in
//                                                  the first layer)
//                att.g1 [Dg, C]   att.g2 [C, Dg]   output gate
//   att.k_k, att.k_a            [C]
//   att.r_k                     [H, N]
//   att.{receptance,key,value,output}.weight  [C, C]
//   att.ln_x.{weight,bias}      [C]
//
// RWKV-7 ranks follow ScanSpec: Dw = decay_lora_rank, Da = mix_lora_rank,
// Dv = value_lora_rank and Dg = gate_lora_rank (both default to
// mix_lora_rank). Released checkpoints use four different ranks (C = 768:
// 64, 64, 32, 128), chosen by formulas that changed between versions; a
// weight file that holds them gives them.
//
// State: att.shift (conv) [1, C]; att.wkv (recurrent) [H, N, N] as
// [heads, value channels, key channels] (RWKV-4: [C, 2, 1], a numerator and
// a denominator per channel); ffn.shift (conv) [1, C].
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"
#include "frontends/ScanMixers.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace mgc;
using namespace mgc::scan;

namespace {

/// GroupNorm(H, C) of the reference: eps = 1e-5 * head_size_divisor^2, 8^2.
constexpr double kLnXEps = 64e-5;
/// rwkv.cpp's RWKV-5 group norm uses ggml_norm's 1e-5.
constexpr double kLnXEpsV5 = 1e-5;

struct Dims {
  int64_t channels, heads, headSize;
};

/// Checks that heads of `headDim` tile the hidden size.
bool headDims(GraphBuilder &g, const ScanSpec &s, Dims &dims) {
  int64_t c = g.spec().hidden, n = s.headDim;
  int64_t h = s.heads > 0 ? s.heads : (n > 0 ? c / n : 0);
  dims = {c, h, n};
  return n > 0 && h * n == c;
}

/// The pre-mixing `x + (shift(x) - x) * mu`.
Value lerp(GraphBuilder &g, Value x, Value xx, Value mu) {
  return g.add(x, g.mul(xx, mu));
}

/// Low-rank projection `(act(x @ w1)) @ w2` with w1, w2 stored [out, in].
Value lora(GraphBuilder &g, Value x, StringRef w1, StringRef w2, int64_t rank,
           std::optional<ActivationKind> act) {
  int64_t c = shapeOf(x).back();
  Value h = matmul(g, x, g.param(w1, {rank, c}));
  if (act)
    h = g.activation(h, *act);
  return matmul(g, h, g.param(w2, {c, rank}));
}

/// The per-head layer norm of the scan output (GroupNorm over heads).
Value lnX(GraphBuilder &g, Value y, const Dims &d, double eps = kLnXEps) {
  Value w = reshapeWeight(g, g.param("att.ln_x.weight", {d.channels}),
                          {d.heads, d.headSize});
  Value b = reshapeWeight(g, g.param("att.ln_x.bias", {d.channels}),
                          {d.heads, d.headSize});
  return normWith(g, NormKind::layer, y, w, b, eps);
}

/// RWKV-4/5's token-shift mixes `x * mu + prev * (1 - mu)`, computed as
/// `prev + (x - prev) * mu` from the previous token's features `prev`.
class PreviousMix {
public:
  PreviousMix(GraphBuilder &g, Value x, Value prev)
      : g_(g), prev_(prev), diff_(g.sub(x, prev)) {}
  Value operator()(StringRef mu) {
    int64_t c = shapeOf(prev_).back();
    return g_.add(prev_, g_.mul(diff_, g_.param(mu, {c})));
  }

private:
  GraphBuilder &g_;
  Value prev_, diff_;
};

/// The name under which the first RWKV-7 layer shares its value projection
/// with later layers (the value residual).
constexpr llvm::StringLiteral kValueFirst = "rwkv7.v_first";

} // namespace

Value scan::buildRwkv4(GraphBuilder &g, const ScanSpec &, Value x) {
  int64_t c = g.spec().hidden;
  Scalars k(g);
  PreviousMix mix(g, x, tokenShift(g, x, "att.shift"));
  Value r = g.activation(
      g.linear(mix("att.time_mix_r"), "att.receptance", c, false),
      ActivationKind::sigmoid);
  Value key = g.linear(mix("att.time_mix_k"), "att.key", c, false);
  Value v = g.linear(mix("att.time_mix_v"), "att.value", c, false);

  // wkv_t = (sum_{i<t} e^{(t-1-i) w + k_i} v_i + e^{u + k_t} v_t) /
  //         (sum_{i<t} e^{(t-1-i) w + k_i}     + e^{u + k_t}),
  // per channel: one rwkv scan with a head per channel, key e^k, and two
  // value channels, v and 1, for the numerator and the denominator. Plain
  // f32 without rwkv.cpp's running maximum: e^k must stay finite and the
  // sums below 1e19 (|k| up to about 40).
  Value key3 = g.reshape(key, {c, 1});
  Value ones = g.add(g.mul(key3, k.zero()), k.one());
  ScanOperands ops;
  ops.decay = reshapeWeight(g, g.param("att.time_decay", {c}), {c, 1});
  ops.b = g.activation(key3, ActivationKind::exp);
  ops.c = ones;
  ops.bonus = reshapeWeight(
      g, g.activation(g.param("att.time_first", {c}), ActivationKind::exp),
      {c, 1});
  Value values = g.concat({g.reshape(v, {c, 1}), ones});
  Value sums = forwardScan(g, ScanVariant::rwkv, values, ops, "att.wkv");
  Value wkv =
      g.reshape(g.div(g.slice(sums, 0, 1), g.slice(sums, 1, 1)), {c});
  return g.linear(g.mul(r, wkv), "att.output", c, false);
}

Value scan::buildRwkv5(GraphBuilder &g, const ScanSpec &s, Value x) {
  Dims d;
  if (!headDims(g, s, d))
    return fail(g, "rwkv5 mixer: heads * head_dim must equal hidden_size");
  bool v52 = s.kind == ScanMixerKind::rwkv5_2;
  int64_t c = d.channels, h = d.heads, n = d.headSize;
  PreviousMix mix(g, x, tokenShift(g, x, "att.shift"));
  Value r = g.linear(mix("att.time_mix_r"), "att.receptance", c, false);
  Value key = g.linear(mix("att.time_mix_k"), "att.key", c, false);
  Value v = g.linear(mix("att.time_mix_v"), "att.value", c, false);

  // y_t = r_t (S + u k_t^T v_t), S <- diag(w) S + k_t^T v_t per head: an
  // rwkv scan with a static decay. RWKV-5.1 has one decay and one bonus per
  // head.
  ScanOperands ops;
  if (v52) {
    ops.decay = g.param("att.time_decay", {h, n});
    ops.bonus = g.param("att.time_faaaa", {h, n});
  } else {
    auto perHead = [&](StringRef name) {
      return g.broadcast(reshapeWeight(g, g.param(name, {h}), {h, 1}),
                         {h, n});
    };
    ops.decay = perHead("att.time_decay");
    ops.bonus = perHead("att.time_first");
  }
  ops.b = g.reshape(key, {h, n});
  ops.c = g.reshape(r, {h, n});
  Value y = forwardScan(g, ScanVariant::rwkv, g.reshape(v, {h, n}), ops,
                        "att.wkv");
  y = g.reshape(lnX(g, y, d, kLnXEpsV5), {c});
  if (v52) {
    Value gate = g.linear(mix("att.time_mix_g"), "att.gate", c, false);
    y = g.mul(y, g.activation(gate, ActivationKind::silu));
  }
  return g.linear(y, "att.output", c, false);
}

Value scan::buildRwkv6(GraphBuilder &g, const ScanSpec &s, Value x) {
  Dims d;
  if (!headDims(g, s, d))
    return fail(g, "rwkv6 mixer: heads * head_dim must equal hidden_size");
  int64_t c = d.channels, mix = s.mixLoraRank, decay = s.decayLoraRank;

  Value xx = g.sub(tokenShift(g, x, "att.shift"), x);
  Value maaX = g.param("att.time_maa_x", {c});
  Scalars k(g);

  // Data-dependent lerp (ddlerp): five token-mixing offsets from one LoRA,
  // in the reference's order w, k, v, r, g.
  Value hidden = g.activation(
      matmul(g, lerp(g, x, xx, maaX), g.param("att.time_maa_w1", {5 * mix, c})),
      ActivationKind::tanh);
  Value w2 = g.param("att.time_maa_w2", {5, c, mix});
  const char *names[5] = {"w", "k", "v", "r", "g"};
  Value mixed[5];
  for (int i = 0; i < 5; ++i) {
    Value w2i = reshapeWeight(g, g.slice(w2, i, 1, /*dim=*/0), {c, mix});
    Value offset = matmul(g, g.slice(hidden, i * mix, mix), w2i);
    Value mu =
        g.add(offset, g.param(std::string("att.time_maa_") + names[i], {c}));
    mixed[i] = lerp(g, x, xx, mu);
  }
  Value r = g.linear(mixed[3], "att.receptance", c, false);
  Value key = g.linear(mixed[1], "att.key", c, false);
  Value v = g.linear(mixed[2], "att.value", c, false);
  Value gate = g.activation(g.linear(mixed[4], "att.gate", c, false),
                            ActivationKind::silu);

  // Decay w = time_decay + LoRA(xw); the kernel applies exp(-exp(w)), so the
  // log decay is -exp(w).
  Value w = g.add(lora(g, mixed[0], "att.time_decay_w1", "att.time_decay_w2",
                       decay, ActivationKind::tanh),
                  g.param("att.time_decay", {c}));
  ScanOperands ops;
  ops.decay = g.reshape(k.negate(g.activation(w, ActivationKind::exp)),
                        {d.heads, d.headSize});
  ops.b = g.reshape(key, {d.heads, d.headSize});
  ops.c = g.reshape(r, {d.heads, d.headSize});
  ops.bonus = g.param("att.time_faaaa", {d.heads, d.headSize});
  Value y = forwardScan(g, ScanVariant::rwkv,
                        g.reshape(v, {d.heads, d.headSize}), ops, "att.wkv");

  y = g.mul(g.reshape(lnX(g, y, d), {c}), gate);
  return g.linear(y, "att.output", c, false);
}

Value scan::buildRwkv7(GraphBuilder &g, const ScanSpec &s, Value x) {
  Dims d;
  if (!headDims(g, s, d))
    return fail(g, "rwkv7 mixer: heads * head_dim must equal hidden_size");
  int64_t c = d.channels, h = d.heads, n = d.headSize;
  SmallVector<int64_t> perHead{h, n};

  Value xx = g.sub(tokenShift(g, x, "att.shift"), x);
  Value muR = g.param("att.x_r", {c});
  Scalars k(g);
  Value xr = lerp(g, x, xx, muR);
  Value xw = lerp(g, x, xx, g.param("att.x_w", {c}));
  Value xk = lerp(g, x, xx, g.param("att.x_k", {c}));
  Value xv = lerp(g, x, xx, g.param("att.x_v", {c}));
  Value xa = lerp(g, x, xx, g.param("att.x_a", {c}));
  Value xg = lerp(g, x, xx, g.param("att.x_g", {c}));

  Value r = g.linear(xr, "att.receptance", c, false);
  Value key = g.linear(xk, "att.key", c, false);
  Value vFirst = g.shared(kValueFirst);
  Value v = g.linear(xv, "att.value", c, false);
  if (!vFirst) {
    g.share(kValueFirst, v);
  } else {
    // Value residual: later layers lerp towards the first layer's value.
    int64_t valueRank = s.valueLoraRank > 0 ? s.valueLoraRank : s.mixLoraRank;
    Value nu = g.activation(
        g.add(lora(g, xv, "att.v1", "att.v2", valueRank, std::nullopt),
              g.param("att.v0", {c})),
        ActivationKind::sigmoid);
    v = g.add(v, g.mul(g.sub(vFirst, v), nu));
  }
  // In-context learning rate a and the output gate.
  Value a = g.activation(
      g.add(lora(g, xa, "att.a1", "att.a2", s.mixLoraRank, std::nullopt),
            g.param("att.a0", {c})),
      ActivationKind::sigmoid);
  int64_t gateRank = s.gateLoraRank > 0 ? s.gateLoraRank : s.mixLoraRank;
  Value gate =
      lora(g, xg, "att.g1", "att.g2", gateRank, ActivationKind::sigmoid);

  // Decay: exp(-exp(-softplus(-z) - 0.5)) = exp(-e^-0.5 sigmoid(z)), so the
  // log decay is -e^-0.5 * sigmoid(w0 + LoRA(xw)).
  Value z = g.add(
      lora(g, xw, "att.w1", "att.w2", s.decayLoraRank, ActivationKind::tanh),
      g.param("att.w0", {c}));
  Value scale = k.negate(g.activation(k.negate(k.half()), ActivationKind::exp));
  Value logDecay = g.mul(g.activation(z, ActivationKind::sigmoid), scale);

  // kk = L2-normalize(k * k_k) per head; F.normalize divides by
  // max(|kk|, 1e-12), here |kk| is sqrt(|kk|^2 + 1e-24): equal unless
  // |kk| is about 1e-12.
  Value kk = g.reshape(g.mul(key, g.param("att.k_k", {c})), perHead);
  kk = g.mul(normWith(g, NormKind::rms, kk, {}, {}, 1e-24 / double(n)),
             k.invSqrt(n));
  // k = k * (1 + (a - 1) * k_a)
  key = g.mul(
      key, g.add(g.mul(g.sub(a, k.one()), g.param("att.k_a", {c})), k.one()));

  // S = S (diag(w) - kk (kk a)^T) + v k^T, y = S r.
  Value key3 = g.reshape(key, perHead), r3 = g.reshape(r, perHead);
  Value v3 = g.reshape(v, perHead);
  ScanOperands ops;
  ops.decay = g.reshape(logDecay, perHead);
  ops.b = key3;
  ops.c = r3;
  ops.alpha = k.negate(kk);
  ops.beta = g.mul(kk, g.reshape(a, perHead));
  Value y = lnX(g, forwardScan(g, ScanVariant::delta, v3, ops, "att.wkv"), d);

  // Current-token bonus after the norm: ((r * k * r_k) summed per head) * v.
  // The per-head sum is a product with a row of ones.
  Value rk = g.mul(g.mul(r3, key3), g.param("att.r_k", perHead));
  Value ones = k.splat(k.one(), {1, n});
  y = g.add(y, g.mul(v3, matmul(g, rk, ones)));

  y = g.mul(g.reshape(y, {c}), gate);
  return g.linear(y, "att.output", c, false);
}

Value mgc::buildRwkvChannelMix(GraphBuilder &g, ScanMixerKind kind,
                               int64_t intermediate, Value x) {
  if (!isRwkv(kind))
    return fail(g, "the RWKV channel mix needs an RWKV model");
  int64_t c = g.spec().hidden;
  if (kind != ScanMixerKind::rwkv6 && kind != ScanMixerKind::rwkv7) {
    // RWKV-4 and RWKV-5.
    PreviousMix mix(g, x, tokenShift(g, x, "ffn.shift"));
    Value hidden = g.activation(
        g.linear(mix("ffn.time_mix_k"), "ffn.key", intermediate, false),
        ActivationKind::relu_squared);
    Value r = g.linear(mix("ffn.time_mix_r"), "ffn.receptance", c, false);
    return g.mul(g.activation(r, ActivationKind::sigmoid),
                 g.linear(hidden, "ffn.value", c, false));
  }
  Value xx = g.sub(tokenShift(g, x, "ffn.shift"), x);
  if (kind == ScanMixerKind::rwkv7) {
    Value xk = lerp(g, x, xx, g.param("ffn.x_k", {c}));
    Value hidden = g.activation(g.linear(xk, "ffn.key", intermediate, false),
                                ActivationKind::relu_squared);
    return g.linear(hidden, "ffn.value", c, false);
  }
  Value xk = lerp(g, x, xx, g.param("ffn.time_maa_k", {c}));
  Value xr = lerp(g, x, xx, g.param("ffn.time_maa_r", {c}));
  Value hidden = g.activation(g.linear(xk, "ffn.key", intermediate, false),
                              ActivationKind::relu_squared);
  Value kv = g.linear(hidden, "ffn.value", c, false);
  return g.mul(g.activation(g.linear(xr, "ffn.receptance", c, false),
                            ActivationKind::sigmoid),
               kv);
}
