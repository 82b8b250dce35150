#!/usr/bin/env python3
"""A float64 NumPy evaluation of rwkv.cpp's RWKV-4, 5.1, 5.2, 6 and 7 graphs.

Reads rwkv.cpp model files (FP32, FP16, and Q5_0 / Q5_1 blocks decoded as
ggml decodes them) and evaluates the model serially, token by token, in
float64, following rwkv.cpp's rwkv_graph.inc (commit 4358e70): the same
token shift, WKV recurrences, group norms (eps 1e-5 for RWKV-5, 64e-5 for 6
and 7) and channel mixes.

Why it exists: rwkv.cpp's RWKV-6 references (refs/6v0-3m-Q5_*) come from
ggml's quantized products, which round the activations to 8 bits; mgc
decodes the Q5 weights and computes in f32. This evaluation of the decoded
weights without that rounding is the golden mgc's RWKV-6 is held to at
1e-4 (tests/e2e/rwkv-real-models.mlir).

    rwkv_reference.py check                 # reproduce rwkv.cpp's FP32 refs
    rwkv_reference.py golden MODEL REF OUT  # logits for REF's input bytes

`check` evaluates the FP32 RWKV-4, 5.1, 5.2 and 7 models on the reference
runs' input bytes and prints the largest difference from rwkv.cpp's logits
(about 5e-7 of the row's largest logit). `golden` writes float32
[steps][vocab] logits for the inputs listed in REF (a
refs/*.quote_in.tokens.txt file). Needs NumPy only.
"""

import os
import struct
import sys

import numpy as np

# rwkv.cpp type id -> (name, bytes per 32-element block); 0 and 1 are FP32
# and FP16.
QUANTIZED = {7: ("Q5_0", 22), 8: ("Q5_1", 24)}


def decode_q5(raw, elements, type_id):
    """ggml's dequantize_row_q5_0 / q5_1 for `elements` values."""
    blocks = elements // 32
    size = QUANTIZED[type_id][1]
    b = np.frombuffer(raw, np.uint8, blocks * size).reshape(blocks, size)
    d = b[:, 0:2].copy().view(np.float16).astype(np.float64).reshape(blocks)
    start = 2
    m = np.zeros(blocks)
    if type_id == 8:
        m = b[:, 2:4].copy().view(np.float16).astype(np.float64).reshape(blocks)
        start = 4
    high = b[:, start:start + 4].copy().view(np.uint32).reshape(blocks)
    high = high.astype(np.int64)
    low = b[:, start + 4:start + 20].astype(np.int64)
    j = np.arange(16)
    first = (low & 0x0F) | (((high[:, None] >> j) & 1) << 4)
    second = (low >> 4) | (((high[:, None] >> (j + 16)) & 1) << 4)
    q = np.concatenate([first, second], axis=1).astype(np.float64)
    if type_id == 7:
        return ((q - 16) * d[:, None]).reshape(elements)
    return (q * d[:, None] + m[:, None]).reshape(elements)


def load(path):
    """(n_vocab, n_embed, n_layer), {name: float64 array in PyTorch order}."""
    data = open(path, "rb").read()
    magic, _, n_vocab, n_embed, n_layer, _ = struct.unpack_from("<6I", data, 0)
    assert magic == 0x67676D66, path
    offset, tensors = 24, {}
    while offset < len(data):
        dims, key_length, type_id = struct.unpack_from("<3I", data, offset)
        offset += 12
        ne = struct.unpack_from("<%dI" % dims, data, offset)
        offset += 4 * dims
        name = data[offset:offset + key_length].decode()
        offset += key_length
        elements = int(np.prod(ne))
        if type_id == 0:
            values = np.frombuffer(data, np.float32, elements, offset)
            offset += 4 * elements
        elif type_id == 1:
            values = np.frombuffer(data, np.float16, elements, offset)
            offset += 2 * elements
        elif type_id in QUANTIZED:
            size = elements // 32 * QUANTIZED[type_id][1]
            values = decode_q5(data[offset:offset + size], elements, type_id)
            offset += size
        else:
            raise ValueError("%s: tensor %s has type %d" % (path, name, type_id))
        tensors[name] = values.astype(np.float64).reshape(tuple(reversed(ne)))
    return (n_vocab, n_embed, n_layer), tensors


def layer_norm(x, weight, bias, eps=1e-5):
    centered = x - x.mean(axis=-1, keepdims=True)
    variance = (centered ** 2).mean(axis=-1, keepdims=True)
    return centered / np.sqrt(variance + eps) * weight + bias


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def version_of(tensors):
    """rwkv.cpp's rule: which architecture the tensors belong to."""
    if "blocks.0.att.r_k" in tensors:
        return "7"
    if "blocks.0.att.time_maa_x" in tensors:
        return "6"
    if "blocks.0.att.ln_x.weight" in tensors:
        return "5.2" if "blocks.0.att.gate.weight" in tensors else "5.1"
    return "4"


class Model:
    def __init__(self, path):
        (self.vocab, self.embed, self.layers), self.w = load(path)
        self.version = version_of(self.w)
        self.state = {}

    def time_mix(self, l, x):
        w = lambda name: self.w["blocks.%d.%s" % (l, name)]
        C, version = self.embed, self.version
        prev = self.state.get((l, "att"), np.zeros(C))
        self.state[(l, "att")] = x
        mix = lambda mu: x * mu + prev * (1 - mu)
        if version == "4":
            r = sigmoid(w("att.receptance.weight") @ mix(w("att.time_mix_r")))
            k = w("att.key.weight") @ mix(w("att.time_mix_k"))
            v = w("att.value.weight") @ mix(w("att.time_mix_v"))
            # time_decay is stored as -exp(w); the exact ratio of sums.
            num = self.state.get((l, "num"), np.zeros(C))
            den = self.state.get((l, "den"), np.zeros(C))
            bonus = np.exp(w("att.time_first") + k)
            wkv = (num + bonus * v) / (den + bonus)
            decay = np.exp(w("att.time_decay"))
            self.state[(l, "num")] = decay * num + np.exp(k) * v
            self.state[(l, "den")] = decay * den + np.exp(k)
            return w("att.output.weight") @ (r * wkv)
        if version in ("5.1", "5.2", "6"):
            if version == "6":
                sx = prev - x
                hidden = np.tanh(w("att.time_maa_w1") @ (x + sx * w("att.time_maa_x")))
                rank = hidden.size // 5
                w2 = w("att.time_maa_w2")  # [5, C, rank]
                offsets = [w2[i] @ hidden[i * rank:(i + 1) * rank] for i in range(5)]
                xw, xk, xv, xr, xg = [
                    x + sx * (offsets[i] + w("att.time_maa_" + n))
                    for i, n in enumerate("wkvrg")]
                decay = (w("att.time_decay_w2") @ np.tanh(w("att.time_decay_w1") @ xw)
                         + w("att.time_decay").reshape(C))
                decay = np.exp(-np.exp(decay))
                bonus = w("att.time_faaaa")
                heads = bonus.shape[0]
            else:
                xk, xv, xr = (mix(w("att.time_mix_" + n)) for n in "kvr")
                if version == "5.2":
                    xg = mix(w("att.time_mix_g"))
                    bonus = w("att.time_faaaa")
                    heads = bonus.shape[0]
                    decay = w("att.time_decay").reshape(C)  # exp(-exp(w))
                else:
                    heads = w("att.time_decay").size
                    n = C // heads
                    decay = np.repeat(w("att.time_decay").reshape(heads), n)
                    bonus = np.repeat(w("att.time_first").reshape(heads), n)
            n = C // heads
            r = (w("att.receptance.weight") @ xr).reshape(heads, n)
            k = (w("att.key.weight") @ xk).reshape(heads, n)
            v = (w("att.value.weight") @ xv).reshape(heads, n)
            u = np.asarray(bonus).reshape(heads, n)
            S = self.state.get((l, "S"), np.zeros((heads, n, n)))  # [h, key, value]
            kv = k[:, :, None] * v[:, None, :]
            y = np.einsum("hk,hkv->hv", r, S + u[:, :, None] * kv)
            self.state[(l, "S")] = decay.reshape(heads, n)[:, :, None] * S + kv
            eps = 64e-5 if version == "6" else 1e-5
            y = layer_norm(y, 1, 0, eps).reshape(C)
            y = y * w("att.ln_x.weight") + w("att.ln_x.bias")
            if version != "5.1":
                g = w("att.gate.weight") @ xg
                y = y * g * sigmoid(g)
            return w("att.output.weight") @ y
        # RWKV-7.
        heads = w("att.r_k").shape[0]
        n = C // heads
        sx = prev - x
        xr, xw, xk, xv, xa, xg = (x + sx * w("att.x_rwkvag")[i].reshape(C)
                                  for i in range(6))
        r = w("att.receptance.weight") @ xr
        gate = w("att.g2") @ sigmoid(w("att.g1") @ xg)
        a = sigmoid(w("att.a2") @ (w("att.a1") @ xa) + w("att.a0").reshape(C))
        decay = w("att.w2") @ np.tanh(w("att.w1") @ xw) + w("att.w0").reshape(C)
        decay = np.exp(-0.606531 * sigmoid(decay))
        k = w("att.key.weight") @ xk
        kk = (k * w("att.k_k").reshape(C)).reshape(heads, n)
        kk = kk / np.maximum(np.linalg.norm(kk, axis=1, keepdims=True), 1e-12)
        k = k * (1 + (a - 1) * w("att.k_a").reshape(C))
        v = w("att.value.weight") @ xv
        if l == 0:
            self.v_first = v
        else:
            nu = sigmoid(w("att.v2") @ (w("att.v1") @ xv) + w("att.v0").reshape(C))
            v = v + (self.v_first - v) * nu
        r, decay, k, v, a = (t.reshape(heads, n) for t in (r, decay, k, v, a))
        S = self.state.get((l, "S"), np.zeros((heads, n, n)))  # [h, value, key]
        S = (S * decay[:, None, :]
             + np.einsum("hvk,hk,hj->hvj", S, -kk, kk * a)
             + v[:, :, None] * k[:, None, :])
        self.state[(l, "S")] = S
        y = np.einsum("hvk,hk->hv", S, r)
        y = layer_norm(y, 1, 0, 64e-5).reshape(C)
        y = y * w("att.ln_x.weight") + w("att.ln_x.bias")
        y = y + (v * (r * k * w("att.r_k")).sum(axis=1, keepdims=True)).reshape(C)
        return w("att.output.weight") @ (y * gate)

    def channel_mix(self, l, x):
        w = lambda name: self.w["blocks.%d.%s" % (l, name)]
        prev = self.state.get((l, "ffn"), np.zeros(self.embed))
        self.state[(l, "ffn")] = x
        if self.version == "7":
            xk = x + (prev - x) * w("ffn.x_k").reshape(self.embed)
            return w("ffn.value.weight") @ np.maximum(w("ffn.key.weight") @ xk, 0) ** 2
        if self.version == "6":
            xk = x + (prev - x) * w("ffn.time_maa_k")
            xr = x + (prev - x) * w("ffn.time_maa_r")
        else:
            xk = x * w("ffn.time_mix_k") + prev * (1 - w("ffn.time_mix_k"))
            xr = x * w("ffn.time_mix_r") + prev * (1 - w("ffn.time_mix_r"))
        r = sigmoid(w("ffn.receptance.weight") @ xr)
        k = np.maximum(w("ffn.key.weight") @ xk, 0) ** 2
        return r * (w("ffn.value.weight") @ k)

    def step(self, token):
        w = self.w
        x = layer_norm(w["emb.weight"][token], w["blocks.0.ln0.weight"],
                       w["blocks.0.ln0.bias"])
        for l in range(self.layers):
            x = x + self.time_mix(l, layer_norm(x, w["blocks.%d.ln1.weight" % l],
                                                w["blocks.%d.ln1.bias" % l]))
            x = x + self.channel_mix(l, layer_norm(x, w["blocks.%d.ln2.weight" % l],
                                                   w["blocks.%d.ln2.bias" % l]))
        return w["head.weight"] @ layer_norm(x, w["ln_out.weight"], w["ln_out.bias"])


def input_tokens(tokens_txt):
    """The input byte of every step of a refs/*.quote_in.tokens.txt file."""
    return [int(line.split()[1]) for line in open(tokens_txt)
            if line.strip() and not line.startswith("#")]


def evaluate(model_path, tokens):
    model = Model(model_path)
    return np.array([model.step(t) for t in tokens])


def main(argv):
    if len(argv) == 2 and argv[1] == "check":
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "..", "..", "shared", "models", "rwkv")
        for name in ("4v0-660K", "5v1-730K", "5v2-730K", "7v0-834K"):
            ref = os.path.join(root, "refs", name + "-FP32.quote_in.")
            logits = evaluate(os.path.join(root, "tiny-rwkv-%s-FP32.bin" % name),
                              input_tokens(ref + "tokens.txt"))
            expected = np.fromfile(ref + "logits.f32", np.float32)
            expected = expected.reshape(-1, logits.shape[1])
            err = np.abs(logits - expected)
            print("%s: max abs %.3g, max relative to the row's largest %.3g"
                  % (name, err.max(),
                     (err.max(axis=1) / np.abs(expected).max(axis=1)).max()))
        return 0
    if len(argv) == 5 and argv[1] == "golden":
        logits = evaluate(argv[2], input_tokens(argv[3]))
        logits.astype("<f4").tofile(argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
