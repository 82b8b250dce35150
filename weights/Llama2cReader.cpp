//===- Llama2cReader.cpp - llama2.c legacy checkpoints ----------*- C++ -*-===//
//
// This file reads a llama2.c legacy checkpoint: a header of seven int32
// (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a
// negative vocab_size means the classifier is not shared with the token
// embedding), then float32 arrays in a fixed order. Each stacked per-layer
// array is exposed as one tensor per layer under mgc's canonical names, as
// views into the mapping. The header also becomes metadata `llama2c.<field>`
// (I32, vocab_size as stored) for the architecture reader.
//
// The file must hold exactly the bytes the header implies; its layout
// (llama2.c run.c, memory_map_weights), with kv_dim = dim * n_kv_heads /
// n_heads and head_size = dim / n_heads:
//
//   token_embedding  (vocab, dim)             -> embed.tokens.weight
//   rms_att          (layer, dim)             -> layers.N.mixer_norm.weight
//   wq               (layer, dim, dim)        -> layers.N.attn.q.weight
//   wk               (layer, kv_dim, dim)     -> layers.N.attn.k.weight
//   wv               (layer, kv_dim, dim)     -> layers.N.attn.v.weight
//   wo               (layer, dim, dim)        -> layers.N.attn.o.weight
//   rms_ffn          (layer, dim)             -> layers.N.ffn_norm.weight
//   w1               (layer, hidden, dim)     -> layers.N.ffn.gate.weight
//   w2               (layer, dim, hidden)     -> layers.N.ffn.down.weight
//   w3               (layer, hidden, dim)     -> layers.N.ffn.up.weight
//   rms_final        (dim)                    -> norm.weight
//   freq_cis_real    (seq_len, head_size / 2)    legacy RoPE table, skipped
//   freq_cis_imag    (seq_len, head_size / 2)    legacy RoPE table, skipped
//   wcls             (vocab, dim)             -> output.weight (unshared only)
//
//===----------------------------------------------------------------------===//

#include "weights/ReaderDetail.h"

#include <cstring>

using namespace mgc;

namespace {

constexpr uint64_t kHeaderBytes = 7 * 4;

struct Header {
  int64_t dim, hidden, layers, heads, kvHeads, vocab, seqLen;
  bool shared; // the classifier is the token embedding
  int32_t raw[7];
};

/// One stacked array: `layers` slices of `shape` (layers 0: a single tensor).
struct Array {
  const char *name;           // canonical name; "%" stands for the layer
  std::vector<int64_t> shape; // of one slice
  bool perLayer;
  bool skipped;               // legacy RoPE tables
};

std::string describe(const Header &h) {
  return "dim=" + std::to_string(h.dim) + ", hidden_dim=" +
         std::to_string(h.hidden) + ", layers=" + std::to_string(h.layers) +
         ", heads=" + std::to_string(h.heads) + ", kv_heads=" +
         std::to_string(h.kvHeads) + ", vocab=" + std::to_string(h.vocab) +
         (h.shared ? " (shared classifier)" : " (unshared classifier)") +
         ", seq_len=" + std::to_string(h.seqLen);
}

bool readHeader(const MappedFile &file, Header &h, std::string &error) {
  if (file.size() < kHeaderBytes) {
    error = file.path() + ": a llama2.c checkpoint starts with a 28-byte "
                          "header of seven int32, but the file has " +
            std::to_string(file.size()) + " bytes";
    return false;
  }
  std::memcpy(h.raw, file.data(), sizeof(h.raw));
  static const char *const kNames[7] = {"dim",        "hidden_dim", "n_layers",
                                        "n_heads",    "n_kv_heads", "vocab_size",
                                        "seq_len"};
  for (int i = 0; i < 7; ++i)
    if (i == 5 ? h.raw[i] == 0 || h.raw[i] == INT32_MIN : h.raw[i] <= 0) {
      error = errorAt(file.path(), uint64_t(i) * 4,
                      std::string("llama2.c header field ") + kNames[i] +
                          " is " + std::to_string(h.raw[i]) +
                          "; expected a positive number" +
                          (i == 5 ? " (negative for an unshared classifier)"
                                  : ""));
      return false;
    }
  h.dim = h.raw[0];
  h.hidden = h.raw[1];
  h.layers = h.raw[2];
  h.heads = h.raw[3];
  h.kvHeads = h.raw[4];
  h.shared = h.raw[5] > 0;
  h.vocab = h.shared ? h.raw[5] : -int64_t(h.raw[5]);
  h.seqLen = h.raw[6];
  if (h.dim % h.heads != 0 || h.heads % h.kvHeads != 0 ||
      (h.dim / h.heads) % 2 != 0) {
    error = errorAt(file.path(), 0,
                    "llama2.c header " + describe(h) +
                        ": n_heads must divide dim into even head sizes and "
                        "n_kv_heads must divide n_heads");
    return false;
  }
  return true;
}

std::vector<Array> layout(const Header &h) {
  int64_t kvDim = h.dim / h.heads * h.kvHeads;
  int64_t halfHead = h.dim / h.heads / 2;
  std::vector<Array> arrays = {
      {"embed.tokens.weight", {h.vocab, h.dim}, false, false},
      {"layers.%.mixer_norm.weight", {h.dim}, true, false},
      {"layers.%.attn.q.weight", {h.dim, h.dim}, true, false},
      {"layers.%.attn.k.weight", {kvDim, h.dim}, true, false},
      {"layers.%.attn.v.weight", {kvDim, h.dim}, true, false},
      {"layers.%.attn.o.weight", {h.dim, h.dim}, true, false},
      {"layers.%.ffn_norm.weight", {h.dim}, true, false},
      {"layers.%.ffn.gate.weight", {h.hidden, h.dim}, true, false},
      {"layers.%.ffn.down.weight", {h.dim, h.hidden}, true, false},
      {"layers.%.ffn.up.weight", {h.hidden, h.dim}, true, false},
      {"norm.weight", {h.dim}, false, false},
      {"freq_cis_real", {h.seqLen, halfHead}, false, true},
      {"freq_cis_imag", {h.seqLen, halfHead}, false, true},
  };
  if (!h.shared)
    arrays.push_back({"output.weight", {h.vocab, h.dim}, false, false});
  return arrays;
}

/// Bytes of one slice of `a`; false on overflow.
bool sliceBytes(const Array &a, uint64_t &bytes) {
  bytes = 4;
  for (int64_t d : a.shape)
    if (!mulChecked(bytes, uint64_t(d), bytes))
      return false;
  return true;
}

std::string layerName(const char *pattern, int64_t layer) {
  std::string name = pattern;
  size_t at = name.find('%');
  if (at != std::string::npos)
    name.replace(at, 1, std::to_string(layer));
  return name;
}

MetaValue int32Meta(int32_t v) {
  MetaValue m;
  m.type = MetaValue::Type::I32;
  m.bits = uint64_t(int64_t(v));
  return m;
}

} // namespace

std::unique_ptr<WeightFile> mgc::readLlama2c(std::shared_ptr<MappedFile> file,
                                             std::string &error) {
  Header h;
  if (!readHeader(*file, h, error))
    return nullptr;
  std::vector<Array> arrays = layout(h);

  // The whole size first: nothing is exposed from a file of the wrong size.
  uint64_t expected = kHeaderBytes;
  bool overflow = false;
  for (const Array &a : arrays) {
    uint64_t bytes;
    overflow |= !sliceBytes(a, bytes) ||
                (a.perLayer && !mulChecked(bytes, uint64_t(h.layers), bytes)) ||
                !addChecked(expected, bytes, expected);
  }
  if (overflow || expected != file->size()) {
    error = file->path() + ": expected " +
            (overflow ? std::string("more than 2^63")
                      : std::to_string(expected)) +
            " bytes for a llama2.c checkpoint with " + describe(h) + ", got " +
            std::to_string(file->size());
    return nullptr;
  }

  WeightFileBuilder builder(WeightFormat::Llama2c, file->path());
  unsigned shard = builder.addFile(file);
  static const char *const kMetaNames[7] = {
      "llama2c.dim",        "llama2c.hidden_dim", "llama2c.n_layers",
      "llama2c.n_heads",    "llama2c.n_kv_heads", "llama2c.vocab_size",
      "llama2c.seq_len"};
  for (int i = 0; i < 7; ++i)
    builder.addMeta(kMetaNames[i], int32Meta(h.raw[i]));

  uint64_t offset = kHeaderBytes;
  for (const Array &a : arrays) {
    uint64_t bytes;
    sliceBytes(a, bytes); // checked above
    int64_t count = a.perLayer ? h.layers : 1;
    for (int64_t layer = 0; layer < count; ++layer, offset += bytes) {
      if (a.skipped)
        continue;
      TensorInfo t;
      t.name = t.canonicalName = layerName(a.name, layer);
      t.dtype = DType::F32;
      t.storedType = "F32";
      t.shape = a.shape;
      t.byteSize = bytes;
      t.offset = offset;
      t.shard = shard;
      if (!builder.addTensor(std::move(t), error))
        return nullptr;
    }
  }
  return builder.finish(error);
}
