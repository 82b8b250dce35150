#!/usr/bin/env python3
"""Writes the seed corpora of mgc's fuzz harnesses: tests/fuzz/corpus/<harness>/seed-*.

Seeds are real, small inputs: the examples and test inputs of this repository,
and tiny but complete GGUF, safetensors, llama2.c and compiled-model files
built here byte by byte. Rerun after the formats or examples change:

    tests/fuzz/make_seeds.py [--mgc build/bin/mgc]

Only seed-* files are rewritten; inputs the fuzzers found (other names) stay.
With --mgc, model-level IR emitted from a few examples joins the .mlir seeds.
"""

import argparse
import glob
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "models", "stories260K")

# Seeds larger than this slow every fuzzing step; they are skipped.
MAX_SEED = 16384


def write(harness, name, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear_seeds():
    for path in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        os.remove(path)


# --- GGUF ------------------------------------------------------------------

GGUF_U8, GGUF_I8, GGUF_U16, GGUF_I16, GGUF_U32, GGUF_I32, GGUF_F32 = range(7)
GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_U64, GGUF_I64, GGUF_F64 = range(7, 13)
GGML_F32, GGML_F16, GGML_Q4_0, GGML_BF16 = 0, 1, 2, 30


def gguf_str(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_value(t, v):
    fmt = {GGUF_U8: "<B", GGUF_I8: "<b", GGUF_U16: "<H", GGUF_I16: "<h",
           GGUF_U32: "<I", GGUF_I32: "<i", GGUF_F32: "<f", GGUF_BOOL: "<?",
           GGUF_U64: "<Q", GGUF_I64: "<q", GGUF_F64: "<d"}
    if t == GGUF_STRING:
        return gguf_str(v)
    if t == GGUF_ARRAY:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(
            gguf_value(et, x) for x in items)
    return struct.pack(fmt[t], v)


def gguf(kvs, tensors, alignment=32, version=3):
    """kvs: [(key, type, value)]; tensors: [(name, dims fastest first, type, bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
    for key, t, v in kvs:
        out += gguf_str(key) + struct.pack("<I", t) + gguf_value(t, v)
    offset = 0
    offsets = []
    for name, dims, t, data in tensors:
        offset = (offset + alignment - 1) // alignment * alignment
        offsets.append(offset)
        out += gguf_str(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", t, offset)
        offset += len(data)
    out += b"\0" * (-len(out) % alignment)
    data_start = len(out)
    for (name, dims, t, data), off in zip(tensors, offsets):
        out += b"\0" * (data_start + off - len(out))
        out += data
    return out


def floats(n, scale=0.01):
    return struct.pack("<%df" % n, *[((i * 37) % 17 - 8) * scale for i in range(n)])


def tiny_vocab():
    """A SentencePiece-style vocabulary: special, byte and merged pieces."""
    tokens = ["<unk>", "<s>", "</s>"]
    types = [2, 3, 3]
    for b in (0x0A, 0x20, 0x41, 0x61, 0xC3, 0xA9, 0xFF):
        tokens.append("<0x%02X>" % b)
        types.append(6)
    for p in ["\u2581", "a", "b", "c", "\u2581a", "ab", "\u2581ab", "bc",
              "\u2581abc", "\u00e9", "<|user|>", "x"]:
        tokens.append(p)
        types.append(4 if p.startswith("<|") else 1)
    while len(tokens) < 24:
        tokens.append("[unused%d]" % len(tokens))
        types.append(5)
    scores = [0.0] * 10 + [-float(i) for i in range(len(tokens) - 10)]
    return tokens, scores, types


def tokenizer_kvs(tokens, scores, types):
    return [
        ("tokenizer.ggml.model", GGUF_STRING, "llama"),
        ("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, tokens)),
        ("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_F32, scores)),
        ("tokenizer.ggml.token_type", GGUF_ARRAY, (GGUF_I32, types)),
        ("tokenizer.ggml.bos_token_id", GGUF_U32, 1),
        ("tokenizer.ggml.eos_token_id", GGUF_U32, 2),
        ("tokenizer.ggml.unknown_token_id", GGUF_U32, 0),
        ("tokenizer.ggml.add_bos_token", GGUF_BOOL, True),
        ("tokenizer.ggml.add_space_prefix", GGUF_BOOL, True),
    ]


def tiny_llama_gguf(dtype=GGML_F32, tied=False, with_tokenizer=True,
                    extra_kvs=()):
    dim, hidden, heads, kv_heads = 8, 16, 2, 1
    tokens, scores, types = tiny_vocab()
    vocab = len(tokens)
    kv_dim = dim // heads * kv_heads
    kvs = [
        ("general.architecture", GGUF_STRING, "llama"),
        ("general.name", GGUF_STRING, "tiny"),
        ("general.alignment", GGUF_U32, 32),
        ("llama.context_length", GGUF_U32, 32),
        ("llama.embedding_length", GGUF_U32, dim),
        ("llama.block_count", GGUF_U32, 1),
        ("llama.feed_forward_length", GGUF_U32, hidden),
        ("llama.attention.head_count", GGUF_U32, heads),
        ("llama.attention.head_count_kv", GGUF_U32, kv_heads),
        ("llama.attention.layer_norm_rms_epsilon", GGUF_F32, 1e-5),
        ("llama.rope.freq_base", GGUF_F32, 10000.0),
        ("llama.rope.dimension_count", GGUF_U32, dim // heads),
    ] + list(extra_kvs)
    if with_tokenizer:
        kvs += tokenizer_kvs(tokens, scores, types)

    def data(n):
        if dtype == GGML_F32:
            return floats(n)
        return struct.pack("<%dH" % n, *[0x3C00 if dtype == GGML_F16 else 0x3F80] * n)

    t = []

    def tensor(name, dims, norm=False):
        n = 1
        for d in dims:
            n *= d
        # Norm weights stay F32, as llama.cpp writes them.
        if norm:
            t.append((name, dims, GGML_F32, floats(n)))
        else:
            t.append((name, dims, dtype, data(n)))

    tensor("token_embd.weight", [dim, vocab])
    tensor("blk.0.attn_norm.weight", [dim], norm=True)
    tensor("blk.0.attn_q.weight", [dim, dim])
    tensor("blk.0.attn_k.weight", [dim, kv_dim])
    tensor("blk.0.attn_v.weight", [dim, kv_dim])
    tensor("blk.0.attn_output.weight", [dim, dim])
    tensor("blk.0.ffn_norm.weight", [dim], norm=True)
    tensor("blk.0.ffn_gate.weight", [dim, hidden])
    tensor("blk.0.ffn_up.weight", [dim, hidden])
    tensor("blk.0.ffn_down.weight", [hidden, dim])
    tensor("output_norm.weight", [dim], norm=True)
    if not tied:
        tensor("output.weight", [dim, vocab])
    return gguf(kvs, t)


# --- safetensors -----------------------------------------------------------

def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, bytes)]."""
    import json
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    off = 0
    body = b""
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [off, off + len(data)]}
        off += len(data)
        body += data
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + body


def tiny_hf_safetensors():
    dim, hidden, vocab, kv_dim = 8, 16, 24, 4
    t = [("model.embed_tokens.weight", "F32", [vocab, dim], floats(vocab * dim)),
         ("model.layers.0.input_layernorm.weight", "F32", [dim], floats(dim)),
         ("model.layers.0.self_attn.q_proj.weight", "F16", [dim, dim],
          b"\x00\x3c" * dim * dim),
         ("model.layers.0.self_attn.k_proj.weight", "BF16", [kv_dim, dim],
          b"\x80\x3f" * kv_dim * dim),
         ("model.layers.0.self_attn.v_proj.weight", "F32", [kv_dim, dim],
          floats(kv_dim * dim)),
         ("model.layers.0.mlp.down_proj.weight", "F32", [dim, hidden],
          floats(dim * hidden)),
         ("model.layers.0.mlp.gate_proj.weight", "I8", [hidden, dim],
          b"\x01" * hidden * dim),
         ("model.norm.weight", "F32", [dim], floats(dim)),
         ("lm_head.weight", "F32", [vocab, dim], floats(vocab * dim))]
    return safetensors(t, {"format": "pt"})


# --- llama2.c --------------------------------------------------------------

def llama2c(dim=8, hidden=16, layers=1, heads=2, kv_heads=1, vocab=24,
            seq=8, shared=True):
    head = dim // heads
    kv_dim = head * kv_heads
    n = vocab * dim + layers * (dim + dim * dim + 2 * kv_dim * dim +
                                dim * dim + dim + 3 * hidden * dim) + dim
    n += seq * head  # the two legacy RoPE tables of seq x head/2 floats
    if not shared:
        n += vocab * dim
    hdr = struct.pack("<7i", dim, hidden, layers, heads, kv_heads,
                      vocab if shared else -vocab, seq)
    return hdr + floats(n)


# --- llama2.c tokenizer ----------------------------------------------------

def llama2c_tokenizer(pieces):
    out = struct.pack("<i", max(len(p.encode()) for p, _ in pieces))
    for p, score in pieces:
        b = p.encode()
        out += struct.pack("<fi", score, len(b)) + b
    return out


# --- compiled model --------------------------------------------------------

def model_checksum(data):
    """runtime/model/ModelFile.cpp's checksum: word i feeds lane i % 4."""
    prime = 0x9E3779B97F4A7C15
    mask = (1 << 64) - 1

    def mix(h, word):
        h = ((h ^ word) * prime) & mask
        return h ^ (h >> 29)

    lanes = [((0xCBF29CE484222325 ^ len(data)) + i) & mask for i in range(4)]
    words = len(data) // 8
    for i in range(words):
        lanes[i % 4] = mix(lanes[i % 4], struct.unpack_from("<Q", data, 8 * i)[0])
    h = lanes[0]
    for lane in lanes[1:]:
        h = mix(h, lane)
    for byte in data[8 * words:]:
        h = ((h ^ byte) * prime) & mask
    return h ^ (h >> 32)


def model_file(target=b"x86-64-avx512", plan=b"plan", code=b"\x7fELF",
               weights=b"\0" * 64, version=2):
    plan_off = 128
    code_off = plan_off + len(plan)
    weights_off = (code_off + len(code) + 4095) // 4096 * 4096
    body = plan + code
    body += b"\0" * (weights_off - 128 - len(body))
    body += weights
    hdr = b"MGCMODEL" + struct.pack("<II", version, 128)
    hdr += target.ljust(32, b"\0")
    hdr += struct.pack("<6Q", plan_off, len(plan), code_off, len(code),
                       weights_off, len(weights))
    hdr += struct.pack("<Q", model_checksum(body))
    hdr = hdr.ljust(128, b"\0")
    return hdr + body


# --- .mlir -----------------------------------------------------------------

def mlir_cases(path):
    """The `// -----` split cases of a lit file, without comment lines."""
    text = open(path).read()
    for i, case in enumerate(text.split("// -----")):
        lines = [l for l in case.splitlines()
                 if not l.lstrip().startswith("//")]
        body = "\n".join(lines).strip()
        if body:
            yield i, body + "\n"


# --- dictionaries ----------------------------------------------------------

def quoted(paths, pattern=r'"([a-z_][a-z0-9_.]{1,40})"'):
    import re
    words = set()
    for pattern_path in paths:
        for p in glob.glob(os.path.join(ROOT, pattern_path)):
            words.update(re.findall(pattern, open(p, errors="replace").read()))
    return sorted(words)


def write_dict(harness, words):
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, harness + ".dict"), "w") as f:
        f.write("# libFuzzer dictionary, written by tests/fuzz/make_seeds.py\n")
        for w in words:
            b = w.encode()
            esc = "".join(chr(c) if 32 <= c < 127 and chr(c) not in '"\\'
                          else "\\x%02x" % c for c in b)
            f.write('"%s"\n' % esc)


def write_dicts():
    toml = quoted(["frontends/DescriptionReader.cpp", "frontends/TomlTable.cpp"])
    write_dict("description", toml + [
        "[model]", "[[layers]]", "[mixers.", "[ffns.", " = ", "true", "false",
        "1e-5", "-1", "0", "4096", "16777216", "9223372036854775807", "inf",
        "nan", "0x10", "[]", "{}", "'''", '"' * 3, "\n",
        # TOML structure around strings and comments, and non-ASCII
        # characters toml++ 3.3.0 must never be asked about (see
        # checkText in frontends/DescriptionReader.cpp).
        "\\\n", "#", ",", ".", "=", "1979-05-27 07:32:00",
        "\u00a1", "\u00e9", "\u3001", "\ufb30", "\u2028", "\u00a0"])
    hf = quoted(["frontends/HfConfig*.cpp"])
    write_dict("hf_config", ['"%s":' % w for w in hf] + hf + [
        "null", "true", "false", "1e-5", "-1", "0", "4096",
        "9223372036854775807", "1e308", "[", "]", "{", "}", ","])
    gguf_keys = quoted(["weights/GgufReader.cpp", "runtime/tokenizer/GgufTokenizer.cpp",
                        "frontends/WeightInputs.cpp"])
    gguf_words = ["GGUF", "llama.", "tokenizer.ggml.", "blk.0.", ".weight"] + gguf_keys
    write_dict("gguf", gguf_words)
    write_dict("tokenizer", gguf_words + ["<0x", ">", "\u2581", "<s>", "</s>"])
    write_dict("safetensors", quoted(["weights/SafetensorsReader.cpp",
                                      "weights/SafetensorsIndex.cpp"],
                                     r'"([A-Za-z_][A-Za-z0-9_.]{1,40})"') + [
        "data_offsets", "dtype", "shape", "__metadata__", "weight_map",
        "F32", "F16", "BF16", "I64", "model.layers.0.", "shard.safetensors",
        "9223372036854775807", "18446744073709551615", "-1", "1e400"])
    ops = quoted(["ir/MgcOps.td"], r'Mgc_Op<"([a-z_0-9]+)"')
    attrs = quoted(["ir/MgcAttrs.td"], r'mnemonic = "([a-z_0-9]+)"')
    kw = quoted(["ir/*.td", "ir/*.cpp"], r'"([a-z_][a-z0-9_]{1,30})"')
    write_dict("mlir", ["mgc." + o for o in ops] + ["#mgc." + a for a in attrs] + kw + [
        "func.func", "func.return", "module", "tensor<", "x", "?x", "f32", "bf16",
        "f16", "i32", "i64", "index", "->", ": ", "%0", "%arg0", "loc(", "@",
        "dense<", "9223372036854775807", "-1", "0", "{", "}", "<", ">"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mgc", help="mgc binary, to add IR emitted from examples")
    args = ap.parse_args()
    clear_seeds()
    write_dicts()

    # Descriptions.
    for pattern in ["examples/*.toml", "tests/frontends/Inputs/bad/*.toml",
                    "tests/frontends/Inputs/equivalent/*.toml"]:
        for p in sorted(glob.glob(os.path.join(ROOT, pattern))):
            kind = os.path.basename(os.path.dirname(p))
            write("description", kind + "-" + os.path.basename(p),
                  open(p, "rb").read())

    # config.json.
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/frontends/Inputs/hf*/*/config.json"))):
        parts = p.split(os.sep)
        write("hf_config", parts[-3] + "-" + parts[-2] + ".json",
              open(p, "rb").read())

    # GGUF (weights reader and tokenizer).
    ggufs = {
        "llama-f32.gguf": tiny_llama_gguf(),
        "llama-f16-tied.gguf": tiny_llama_gguf(GGML_F16, tied=True),
        "llama-bf16.gguf": tiny_llama_gguf(GGML_BF16, with_tokenizer=False),
        "llama-q4.gguf": gguf([("general.architecture", GGUF_STRING, "llama")],
                              [("token_embd.weight", [32, 2], GGML_Q4_0,
                                b"\0" * 36)]),
        "llama-scaling.gguf": tiny_llama_gguf(extra_kvs=[
            ("llama.rope.scaling.type", GGUF_STRING, "linear"),
            ("llama.rope.scaling.factor", GGUF_F32, 2.0),
            ("llama.vocab_size", GGUF_U64, 24),
            ("general.tags", GGUF_ARRAY, (GGUF_ARRAY, [(GGUF_U8, [1, 2]), (GGUF_I64, [-1])])),
            ("general.f64", GGUF_F64, 0.5), ("general.i16", GGUF_I16, -3)]),
        "vocab-only-v2.gguf": gguf([("general.architecture", GGUF_STRING, "llama")] +
                                   tokenizer_kvs(*tiny_vocab()), [], version=2),
    }
    for name, data in ggufs.items():
        write("gguf", name, data)
        if "q4" not in name:
            write("tokenizer", name, data)
    if os.path.exists(os.path.join(SHARED, "stories260K.gguf")):
        # The real file's header, metadata and tensor infos, data cut off.
        data = open(os.path.join(SHARED, "stories260K.gguf"), "rb").read()
        write("gguf", "stories260K-truncated.gguf", data[:12000])
        write("tokenizer", "stories260K-truncated.gguf", data[:12000])

    # safetensors (a file, an index naming the harness's shard.safetensors).
    write("safetensors", "hf-llama.safetensors", tiny_hf_safetensors())
    write("safetensors", "empty.safetensors", safetensors([], {}))
    write("safetensors", "index.json",
          '{"metadata": {"total_size": 36}, "weight_map": {'
          '"model.embed_tokens.weight": "shard.safetensors", '
          '"model.norm.weight": "shard.safetensors"}}')
    write("safetensors", "index-missing-tensor.json",
          '{"weight_map": {"model.layers.0.mlp.up_proj.weight": "shard.safetensors"}}')

    # llama2.c checkpoints.
    write("llama2c", "shared.bin", llama2c())
    write("llama2c", "unshared.bin", llama2c(shared=False, layers=2))
    write("llama2c", "mha.bin", llama2c(heads=2, kv_heads=2, vocab=8))
    stories = os.path.join(SHARED, "stories260K.bin")
    if os.path.exists(stories):
        write("llama2c", "stories260K-truncated.bin", open(stories, "rb").read()[:8192])

    # llama2.c tokenizers.
    tok512 = os.path.join(HERE, "data", "tok512.bin")
    data = open(tok512, "rb").read()
    write("tokenizer", "tok512.bin", data)
    write("tokenizer", "tok512-truncated.bin", data[:777])
    write("tokenizer", "small.bin", llama2c_tokenizer(
        [("<unk>", 0.0), ("\n<s>\n", 0.0), ("\n</s>\n", 0.0), ("<0x41>", 0.0),
         (" ", -1.0), ("a", -2.0), (" a", -3.0), ("\u00e9", -4.0)]))

    # Texts to encode (first byte: 1 BOS, 2 EOS).
    for i, text in enumerate([b"\x01Once upon a time", b"\x03Lily and Tom went to the park.",
                              b"\x00", b"\x01 \xc3\xa9t\xc3\xa9 \xf0\x9f\x99\x82\n\t\xff\x80",
                              b"\x02<s> </s> <0x41> \x00 x", b"\x01  multiple   spaces  "]):
        write("tokenizer_encode", "text-%d" % i, text)

    # Compiled model files.
    write("model_file", "valid.mgc", model_file())
    write("model_file", "empty-sections.mgc", model_file(plan=b"", code=b"", weights=b""))
    write("model_file", "version1.mgc", model_file(version=1))
    write("model_file", "header-only.mgc", model_file()[:128])
    # Round-trip inputs (no magic): target, plan, code, weights.
    # (FuzzedDataProvider strings end at a backslash and another character.)
    write("model_file", "roundtrip", b"host\\;plan\\;\x7fELF\\;weights")

    # .mlir: the split cases of the lit tests, and IR emitted from examples.
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/**/*.mlir"), recursive=True)):
        rel = os.path.relpath(p, os.path.join(ROOT, "tests")).replace(os.sep, "-")
        for i, body in mlir_cases(p):
            write("mlir", "%s-%d" % (rel[:-5], i), body)
    if args.mgc:
        for ex in ["llama", "mamba", "mixtral", "rwkv6", "s4", "h3", "hydra",
                   "bert", "deepseek-v3", "jamba-mini", "gpt2", "rwkv7", "mamba2"]:
            path = os.path.join(ROOT, "examples", ex + ".toml")
            for emit in ["mlir", "scheduled-mlir"]:
                r = subprocess.run([args.mgc, "compile", path, "-O0" if emit == "mlir" else "-O2",
                                    "--emit=" + emit, "--target", "x86-64-avx512"],
                                   capture_output=True)
                if r.returncode == 0:
                    write("mlir", "%s-%s" % (ex, emit), r.stdout)


if __name__ == "__main__":
    main()
