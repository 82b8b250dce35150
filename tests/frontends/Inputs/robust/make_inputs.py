#!/usr/bin/env python3
"""Writes the bad inputs of tests/frontends/weight-file-errors.mlir.

Each file is a small, valid input (built byte by byte with the writers of
tests/fuzz/make_seeds.py) with one thing wrong. Rerun after a format changes:

    tests/frontends/Inputs/robust/make_inputs.py
"""

import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))
import make_seeds as ms  # noqa: E402

TIB4 = 1 << 20  # a [2^20, 2^20] F32 tensor: 4 TiB


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def gguf_with(tensors_edit=None, kvs_edit=None, **kw):
    """tiny_llama_gguf's metadata and tensors, edited, written again."""
    dim, hidden, heads, kv_heads = 8, 16, 2, 1
    tokens, scores, types = ms.tiny_vocab()
    vocab = len(tokens)
    kvs = [
        ("general.architecture", ms.GGUF_STRING, "llama"),
        ("llama.context_length", ms.GGUF_U32, 32),
        ("llama.embedding_length", ms.GGUF_U32, dim),
        ("llama.block_count", ms.GGUF_U32, 1),
        ("llama.feed_forward_length", ms.GGUF_U32, hidden),
        ("llama.attention.head_count", ms.GGUF_U32, heads),
        ("llama.attention.head_count_kv", ms.GGUF_U32, kv_heads),
        ("llama.attention.layer_norm_rms_epsilon", ms.GGUF_F32, 1e-5),
    ] + ms.tokenizer_kvs(tokens, scores, types)
    kv_dim = dim // heads * kv_heads
    shapes = [("token_embd.weight", [dim, vocab]),
              ("blk.0.attn_norm.weight", [dim]),
              ("blk.0.attn_q.weight", [dim, dim]),
              ("blk.0.attn_k.weight", [dim, kv_dim]),
              ("blk.0.attn_v.weight", [dim, kv_dim]),
              ("blk.0.attn_output.weight", [dim, dim]),
              ("blk.0.ffn_norm.weight", [dim]),
              ("blk.0.ffn_gate.weight", [dim, hidden]),
              ("blk.0.ffn_up.weight", [dim, hidden]),
              ("blk.0.ffn_down.weight", [hidden, dim]),
              ("output_norm.weight", [dim]),
              ("output.weight", [dim, vocab])]
    tensors = []
    for name, dims in shapes:
        n = 1
        for d in dims:
            n *= d
        tensors.append((name, dims, ms.GGML_F32, ms.floats(n)))
    if kvs_edit:
        kvs = kvs_edit(kvs)
    if tensors_edit:
        tensors = tensors_edit(tensors)
    return ms.gguf(kvs, tensors, **kw)


def retype(name, ggml_type, dims=None, data=None):
    def edit(tensors):
        out = []
        for n, d, t, b in tensors:
            if n == name:
                d = dims if dims is not None else d
                t = ggml_type
                b = data if data is not None else b
            out.append((n, d, t, b))
        return out
    return edit


def hf_dir(name, safetensors_bytes):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests/frontends/Inputs/hf/llama/config.json"),
                os.path.join(d, "config.json"))
    write(os.path.join(name, "model.safetensors"), safetensors_bytes)


def raw_safetensors(header, data):
    h = json.dumps(header, separators=(",", ":")).encode() if not isinstance(
        header, (bytes, str)) else (header.encode() if isinstance(header, str) else header)
    return struct.pack("<Q", len(h)) + h + data


def hf_config(name, replace):
    """The llama test config with one value replaced."""
    text = open(os.path.join(ROOT, "tests/frontends/Inputs/hf/llama/config.json")).read()
    old, new = replace
    assert old in text
    write(os.path.join(name, "config.json"), text.replace(old, new))


def main():
    # --- config.json: zero and absurd sizes ---
    hf_config("hf-zero-layers", ('"num_hidden_layers": 2', '"num_hidden_layers": 0'))
    hf_config("hf-huge-vocab", ('"vocab_size": 256', '"vocab_size": 1099511627776'))
    hf_config("hf-negative-hidden", ('"hidden_size": 64', '"hidden_size": -64'))

    # --- GGUF ---
    good = gguf_with()
    write("gguf-good.gguf", good)
    write("gguf-magic.gguf", b"GGUX" + good[4:])
    write("gguf-version.gguf", good[:4] + struct.pack("<I", 7) + good[8:])
    cut = good.find(b"tokenizer.ggml.scores")
    write("gguf-truncated-metadata.gguf", good[:cut + 40])
    write("gguf-unknown-type.gguf", gguf_with(retype("blk.0.attn_q.weight", 99)))
    write("gguf-wrong-shape.gguf", gguf_with(
        retype("blk.0.attn_q.weight", ms.GGML_F32, [8, 9], ms.floats(72))))
    write("gguf-duplicate.gguf", gguf_with(
        lambda t: t + [t[1]]))
    # A tensor that claims 4 TiB in a file of a few KB.
    write("gguf-huge-tensor.gguf", gguf_with(
        retype("token_embd.weight", ms.GGML_F32, [TIB4, TIB4], b"")))
    # A header that claims 2^40 tensors.
    write("gguf-huge-count.gguf", good[:8] + struct.pack("<Q", 1 << 40) + good[16:])
    # The data section cut off.
    write("gguf-truncated-data.gguf", good[:len(good) - 100])

    # --- safetensors, in a Hugging Face directory with a llama config ---
    st = ms.tiny_hf_safetensors()
    hf_dir("st-header-length", struct.pack("<Q", 1 << 40) + st[8:])
    hf_dir("st-bad-json", raw_safetensors(b'{"a": {"dtype": "F32",, }}', b""))
    f32 = ms.floats(2)
    hf_dir("st-overlap", raw_safetensors(
        {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
        f32 + f32[:4]))
    hf_dir("st-out-of-range", raw_safetensors(
        {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32))
    hf_dir("st-dtype-shape", raw_safetensors(
        {"a": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 8]}},
        f32))
    hf_dir("st-truncated", st[:len(st) - 50])
    hf_dir("st-huge-tensor", raw_safetensors(
        {"a": {"dtype": "F32", "shape": [TIB4, TIB4],
               "data_offsets": [0, 4 * TIB4 * TIB4]}}, f32))

    # --- llama2.c checkpoints ---
    ckpt = ms.llama2c()
    write("llama2c-good.bin", ckpt)
    write("llama2c-truncated.bin", ckpt[:len(ckpt) - 100])
    write("llama2c-extra.bin", ckpt + b"\0" * 64)
    # vocab_size -2^31 (an unshared classifier of 2^31 tokens): not a
    # plausible checkpoint, and its negation once overflowed in detection.
    write("llama2c-vocab-int-min.bin",
          ckpt[:20] + struct.pack("<i", -(1 << 31)) + ckpt[24:])


if __name__ == "__main__":
    main()
