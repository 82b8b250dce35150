//===- Llama2cToHf.cpp - a llama2.c checkpoint as a Hugging Face directory -===//
//
// Test helper: writes config.json and model.safetensors (F32, Hugging Face
// names) for a llama2.c checkpoint, permuting the query and key rows from
// llama2.c's interleaved-pair RoPE order to Hugging Face's rotate-half order
// exactly as transformers' convert_llama_weights_to_hf.py does. Compiling
// the result must give the same model as the checkpoint.
//
//   mgc-llama2c-to-hf CHECKPOINT OUTPUT_DIR
//
//===----------------------------------------------------------------------===//

#include "weights/WeightFile.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace mgc;

namespace {

struct Tensor {
  std::string name;           // Hugging Face name
  std::vector<int64_t> shape; // [rows, cols] or [cols]
  std::vector<float> data;
};

/// Rows of a [heads * headDim, cols] projection reordered from interleaved
/// pairs (2i, 2i+1) to halves (i, i + headDim/2) within each head.
std::vector<float> permuteForRotateHalf(const float *w, int64_t heads,
                                        int64_t headDim, int64_t cols) {
  std::vector<float> out(size_t(heads * headDim * cols));
  int64_t half = headDim / 2;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < half; ++i)
      for (int64_t j = 0; j < 2; ++j) {
        const float *from = w + (h * headDim + 2 * i + j) * cols;
        float *to = out.data() + (h * headDim + j * half + i) * cols;
        std::memcpy(to, from, size_t(cols) * sizeof(float));
      }
  return out;
}

int64_t metaInt(const WeightFile &file, const char *key) {
  int64_t value = 0;
  const MetaValue *meta = file.meta(key);
  if (!meta || !meta->getInt(value)) {
    std::fprintf(stderr, "the checkpoint has no integer '%s'\n", key);
    std::exit(1);
  }
  return value;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mgc-llama2c-to-hf CHECKPOINT OUTPUT_DIR\n");
    return 2;
  }
  std::string error;
  std::unique_ptr<WeightFile> file = WeightFile::openLlama2c(argv[1], error);
  if (!file) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  int64_t dim = metaInt(*file, "llama2c.dim");
  int64_t hidden = metaInt(*file, "llama2c.hidden_dim");
  int64_t layers = metaInt(*file, "llama2c.n_layers");
  int64_t heads = metaInt(*file, "llama2c.n_heads");
  int64_t kvHeads = metaInt(*file, "llama2c.n_kv_heads");
  int64_t vocab = metaInt(*file, "llama2c.vocab_size");
  int64_t seqLen = metaInt(*file, "llama2c.seq_len");
  int64_t headDim = dim / heads;

  std::vector<Tensor> tensors;
  auto add = [&](const std::string &hfName, const std::string &canonical,
                 int64_t permuteHeads = 0) {
    const TensorInfo *t = file->find(canonical);
    if (!t) {
      std::fprintf(stderr, "missing %s\n", canonical.c_str());
      std::exit(1);
    }
    const float *data = static_cast<const float *>(t->data);
    size_t count = size_t(t->byteSize / sizeof(float));
    Tensor out{hfName, t->shape, {}};
    if (permuteHeads > 0)
      out.data = permuteForRotateHalf(data, permuteHeads, headDim, t->shape[1]);
    else
      out.data.assign(data, data + count);
    tensors.push_back(std::move(out));
  };
  add("model.embed_tokens.weight", "embed.tokens.weight");
  for (int64_t l = 0; l < layers; ++l) {
    std::string hf = "model.layers." + std::to_string(l) + ".";
    std::string mgc = "layers." + std::to_string(l) + ".";
    add(hf + "input_layernorm.weight", mgc + "mixer_norm.weight");
    add(hf + "self_attn.q_proj.weight", mgc + "attn.q.weight", heads);
    add(hf + "self_attn.k_proj.weight", mgc + "attn.k.weight", kvHeads);
    add(hf + "self_attn.v_proj.weight", mgc + "attn.v.weight");
    add(hf + "self_attn.o_proj.weight", mgc + "attn.o.weight");
    add(hf + "post_attention_layernorm.weight", mgc + "ffn_norm.weight");
    add(hf + "mlp.gate_proj.weight", mgc + "ffn.gate.weight");
    add(hf + "mlp.up_proj.weight", mgc + "ffn.up.weight");
    add(hf + "mlp.down_proj.weight", mgc + "ffn.down.weight");
  }
  add("model.norm.weight", "norm.weight");

  // model.safetensors: an 8-byte header length, the JSON header, the data.
  std::string header = "{";
  uint64_t offset = 0;
  for (const Tensor &t : tensors) {
    uint64_t bytes = t.data.size() * sizeof(float);
    header += (header.size() > 1 ? "," : "") + std::string("\"") + t.name +
              "\":{\"dtype\":\"F32\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(t.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  std::filesystem::create_directories(argv[2]);
  std::string dir = argv[2];
  std::ofstream out(dir + "/model.safetensors", std::ios::binary);
  uint64_t length = header.size();
  for (int i = 0; i < 8; ++i)
    out.put(char(length >> (8 * i)));
  out << header;
  for (const Tensor &t : tensors)
    out.write(reinterpret_cast<const char *>(t.data.data()),
              std::streamsize(t.data.size() * sizeof(float)));

  std::ofstream(dir + "/config.json")
      << "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": " << dim
      << ",\n  \"intermediate_size\": " << hidden
      << ",\n  \"num_hidden_layers\": " << layers
      << ",\n  \"num_attention_heads\": " << heads
      << ",\n  \"num_key_value_heads\": " << kvHeads
      << ",\n  \"vocab_size\": " << vocab
      << ",\n  \"max_position_embeddings\": " << seqLen
      << ",\n  \"rms_norm_eps\": 1e-05,\n  \"rope_theta\": 10000.0,\n"
         "  \"tie_word_embeddings\": true,\n  \"hidden_act\": \"silu\"\n}\n";
  return out ? 0 : 1;
}
