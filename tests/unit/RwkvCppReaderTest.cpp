//===- RwkvCppReaderTest.cpp - rwkv.cpp model files and their architectures ===//
//
// Small rwkv.cpp model files written here byte by byte check the reader:
// names and shapes in mgc's form, the split of RWKV-7's token-shift mixes,
// RWKV-5's decays turned into log decays, quantized tensors listed but not
// readable, the architecture (version, heads, LoRA ranks, channel-mix width)
// and every malformed-file error with its byte offset. The real tiny models
// in ../shared/models/rwkv (when present) give their architectures and fit
// the IR their architecture builds.
//
//===----------------------------------------------------------------------===//

#include "frontends/InputKind.h"
#include "frontends/WeightInputs.h"
#include "weights/WeightFile.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace mgc;

namespace {

//===----------------------------------------------------------------------===//
// Writing rwkv.cpp files
//===----------------------------------------------------------------------===//

template <typename T> void put(std::string &out, T value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

/// One parameter: name, rwkv.cpp type, ggml dimensions (fastest first) and
/// raw data (zeros of the right size when empty).
struct Param {
  std::string name;
  std::vector<uint32_t> ne;
  uint32_t type = 0; // FP32
  std::vector<float> values;
  std::string raw; // the data as is, for quantized types (zeros if empty)
};

/// Bytes per 32-element block of rwkv.cpp's quantized types.
size_t blockBytes(uint32_t type) {
  switch (type) {
  case 2: return 18;  // Q4_0
  case 3: return 20;  // Q4_1
  case 7: return 22;  // Q5_0
  case 8: return 24;  // Q5_1
  case 9: return 34;  // Q8_0
  case 10: return 36; // Q8_1
  default: return 0;
  }
}

/// The bytes of an rwkv.cpp file.
std::string rwkvFile(const std::vector<Param> &params, uint32_t vocab,
                     uint32_t embed, uint32_t layers, uint32_t dataType = 0,
                     uint32_t version = 101) {
  std::string out;
  for (uint32_t v : {0x67676d66u, version, vocab, embed, layers, dataType})
    put(out, v);
  for (const Param &p : params) {
    put(out, uint32_t(p.ne.size()));
    put(out, uint32_t(p.name.size()));
    put(out, p.type);
    uint64_t elements = 1;
    for (uint32_t n : p.ne) {
      put(out, n);
      elements *= n;
    }
    out += p.name;
    if (p.type == 0) {
      for (uint64_t i = 0; i < elements; ++i)
        put(out, i < p.values.size() ? p.values[i] : 0.0f);
    } else if (p.type == 1) {
      out.append(size_t(elements) * 2, '\0');
    } else if (!p.raw.empty()) {
      out += p.raw;
    } else if (p.type == 13) {
      out.append(size_t(elements / 256 * 144), '\0'); // Q4_K
    } else {
      out.append(size_t(elements / 32 * blockBytes(p.type)), '\0');
    }
  }
  return out;
}

/// Values 0, 1, 2, ... scaled by `scale`.
std::vector<float> ramp(size_t n, float scale = 1.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = float(i) * scale;
  return v;
}

constexpr uint32_t kVocab = 8, kEmbed = 4, kFfn = 8;

/// Every tensor of a one-layer model of `version` (4, 51, 52 or 7) with
/// C = 4, two heads of 2 (one of 4 for RWKV-7), vocabulary 8, FFN 8.
std::vector<Param> tinyModel(int version) {
  const uint32_t c = kEmbed;
  std::vector<Param> p = {
      {"emb.weight", {c, kVocab}},
      {"blocks.0.ln0.weight", {c}},
      {"blocks.0.ln0.bias", {c}},
      {"blocks.0.ln1.weight", {c}},
      {"blocks.0.ln1.bias", {c}},
      {"blocks.0.ln2.weight", {c}},
      {"blocks.0.ln2.bias", {c}},
  };
  auto add = [&](const std::string &name, std::vector<uint32_t> ne,
                 std::vector<float> values = {}) {
    p.push_back({"blocks.0." + name, std::move(ne), 0, std::move(values)});
  };
  if (version == 7) {
    add("att.x_rwkvag", {c, 1, 6}, ramp(6 * c));
    for (const char *lora : {"w", "a", "g"}) {
      add(std::string("att.") + lora + "1", {c, 2});
      add(std::string("att.") + lora + "2", {2, c});
    }
    add("att.w0", {c, 1, 1});
    add("att.a0", {c, 1, 1});
    add("att.k_k", {c, 1, 1});
    add("att.k_a", {c, 1, 1});
    add("att.r_k", {c, 1}, ramp(c));
    add("att.ln_x.weight", {c});
    add("att.ln_x.bias", {c});
    add("ffn.x_k", {c, 1, 1});
  } else {
    for (const char *mix : {"k", "v", "r"})
      add(std::string("att.time_mix_") + mix, {c});
    if (version == 4) {
      add("att.time_decay", {c}, {-0.5f, -1.0f, -2.0f, -4.0f});
      add("att.time_first", {c});
    } else if (version == 51) {
      add("att.time_decay", {1, 1, 2}, {0.5f, 0.25f});
      add("att.time_first", {1, 1, 2});
    } else {
      add("att.time_decay", {1, 2, 2}, {0.5f, 0.25f, 0.125f, 0.0f});
      add("att.time_faaaa", {1, 2, 2});
      add("att.time_mix_g", {c});
      add("att.gate.weight", {c, c});
    }
    if (version != 4) {
      add("att.ln_x.weight", {c});
      add("att.ln_x.bias", {c});
    }
    add("ffn.time_mix_k", {c});
    add("ffn.time_mix_r", {c});
    add("ffn.receptance.weight", {c, c});
  }
  for (const char *m : {"key", "value", "receptance", "output"})
    add(std::string("att.") + m + ".weight", {c, c});
  add("ffn.key.weight", {c, kFfn});
  add("ffn.value.weight", {kFfn, c});
  p.push_back({"ln_out.weight", {c}});
  p.push_back({"ln_out.bias", {c}});
  p.push_back({"head.weight", {c, kVocab}});
  return p;
}

/// `error` contains `part`.
#define EXPECT_MENTIONS(error, part)                                           \
  EXPECT_NE((error).find(part), std::string::npos) << (error)

std::string sharedRwkvDir() {
  return std::string(MGC_SOURCE_DIR) + "/../shared/models/rwkv";
}

/// A fresh directory for one test's files, removed afterwards.
class RwkvFiles : public ::testing::Test {
protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("mgc-rwkv-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string write(const std::string &name, const std::string &bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    return path;
  }

  std::unique_ptr<WeightFile> open(const std::string &bytes) {
    std::string error;
    auto file = WeightFile::open(write("m.bin", bytes), error);
    EXPECT_TRUE(file) << error;
    return file;
  }

  /// The error opening `bytes`, which must fail.
  std::string openError(const std::string &bytes) {
    std::string error;
    auto file = WeightFile::openRwkvCpp(write("bad.bin", bytes), error);
    EXPECT_FALSE(file);
    EXPECT_FALSE(error.empty());
    return error;
  }

  fs::path dir_;
};

//===----------------------------------------------------------------------===//
// Names and canonical names
//===----------------------------------------------------------------------===//

TEST(RwkvCanonicalNames, MapsRwkvLmNames) {
  EXPECT_EQ(rwkvCppToCanonical("emb.weight"), "embed.tokens.weight");
  EXPECT_EQ(rwkvCppToCanonical("blocks.0.ln0.bias"), "embed.norm.bias");
  EXPECT_EQ(rwkvCppToCanonical("blocks.3.ln1.weight"),
            "layers.3.mixer_norm.weight");
  EXPECT_EQ(rwkvCppToCanonical("blocks.11.ln2.bias"), "layers.11.ffn_norm.bias");
  EXPECT_EQ(rwkvCppToCanonical("blocks.2.att.time_faaaa"),
            "layers.2.att.time_faaaa");
  EXPECT_EQ(rwkvCppToCanonical("blocks.2.att.key.weight"),
            "layers.2.att.key.weight");
  EXPECT_EQ(rwkvCppToCanonical("blocks.2.ffn.x_k"), "layers.2.ffn.x_k");
  EXPECT_EQ(rwkvCppToCanonical("ln_out.weight"), "norm.weight");
  EXPECT_EQ(rwkvCppToCanonical("head.weight"), "output.weight");
  // Only the first block has the embedding norm; other names are unknown.
  EXPECT_EQ(rwkvCppToCanonical("blocks.1.ln0.weight"), "");
  EXPECT_EQ(rwkvCppToCanonical("blocks.x.att.key.weight"), "");
  EXPECT_EQ(rwkvCppToCanonical("blocks.01.att.key.weight"), "");
  EXPECT_EQ(rwkvCppToCanonical("blocks.0.att."), "");
  EXPECT_EQ(rwkvCppToCanonical("token_embd.weight"), "");
}

TEST_F(RwkvFiles, DetectedByItsMagic) {
  std::string path = write("m.bin", rwkvFile(tinyModel(4), kVocab, kEmbed, 1));
  DetectedInput detected = detectInputKind(path);
  ASSERT_TRUE(detected.ok) << detected.error;
  EXPECT_EQ(detected.kind, InputKind::RwkvCpp);
  std::string error;
  auto file = WeightFile::open(path, error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->format(), WeightFormat::RwkvCpp);
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

TEST_F(RwkvFiles, Rwkv4TensorsInMgcForm) {
  auto file = open(rwkvFile(tinyModel(4), kVocab, kEmbed, 1));
  ASSERT_TRUE(file);
  const MetaValue *version = file->meta("rwkv.version");
  ASSERT_TRUE(version && version->isString());
  EXPECT_EQ(version->text, "4");
  int64_t v = 0;
  ASSERT_TRUE(file->meta("rwkv.file_version")->getInt(v));
  EXPECT_EQ(v, 101);
  ASSERT_TRUE(file->meta("rwkv.n_embed")->getInt(v));
  EXPECT_EQ(v, kEmbed);

  const TensorInfo *emb = file->find("embed.tokens.weight");
  ASSERT_TRUE(emb);
  EXPECT_EQ(emb->name, "emb.weight");
  EXPECT_EQ(emb->shape, (std::vector<int64_t>{kVocab, kEmbed}));
  EXPECT_EQ(file->find("layers.0.ffn.key.weight")->shape,
            (std::vector<int64_t>{kFfn, kEmbed}));
  // RWKV-4 stores the log decay -exp(w) itself: a view of the file.
  const TensorInfo *decay = file->find("layers.0.att.time_decay");
  ASSERT_TRUE(decay);
  EXPECT_FALSE(decay->derived);
  std::vector<float> values(4);
  std::string error;
  ASSERT_TRUE(WeightFile::copyAsF32(*decay, values.data(), error)) << error;
  EXPECT_EQ(values, (std::vector<float>{-0.5f, -1.0f, -2.0f, -4.0f}));
}

TEST_F(RwkvFiles, Rwkv5DecaysBecomeLogDecays) {
  for (int version : {51, 52}) {
    auto file = open(rwkvFile(tinyModel(version), kVocab, kEmbed, 1));
    ASSERT_TRUE(file);
    EXPECT_EQ(file->meta("rwkv.version")->text, version == 51 ? "5.1" : "5.2");
    const TensorInfo *decay = file->find("layers.0.att.time_decay");
    ASSERT_TRUE(decay);
    EXPECT_TRUE(decay->derived);
    EXPECT_EQ(decay->dtype, DType::F32);
    std::vector<float> stored =
        version == 51 ? std::vector<float>{0.5f, 0.25f}
                      : std::vector<float>{0.5f, 0.25f, 0.125f, 0.0f};
    const std::vector<int64_t> perHead =
        version == 51 ? std::vector<int64_t>{2} : std::vector<int64_t>{2, 2};
    EXPECT_EQ(decay->shape, perHead);
    std::vector<float> logs(stored.size());
    std::string error;
    ASSERT_TRUE(WeightFile::copyAsF32(*decay, logs.data(), error)) << error;
    for (size_t i = 0; i < stored.size(); ++i)
      EXPECT_FLOAT_EQ(logs[i], stored[i] > 0
                                   ? std::log(stored[i])
                                   : std::log(std::numeric_limits<float>::min()))
          << i;
    // The converter's trailing size-1 dimensions are gone; per-head shapes
    // stay.
    const char *bonus = version == 51 ? "layers.0.att.time_first"
                                      : "layers.0.att.time_faaaa";
    EXPECT_EQ(file->find(bonus)->shape, perHead);
  }
}

TEST_F(RwkvFiles, Rwkv7MixesSplitIntoRows) {
  auto file = open(rwkvFile(tinyModel(7), kVocab, kEmbed, 1));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->meta("rwkv.version")->text, "7");
  const char *rows[6] = {"x_r", "x_w", "x_k", "x_v", "x_a", "x_g"};
  for (int i = 0; i < 6; ++i) {
    const TensorInfo *row = file->find(std::string("layers.0.att.") + rows[i]);
    ASSERT_TRUE(row) << rows[i];
    EXPECT_EQ(row->name, "blocks.0.att.x_rwkvag[" + std::to_string(i) + "]");
    EXPECT_EQ(row->shape, (std::vector<int64_t>{kEmbed}));
    std::vector<float> values(kEmbed);
    std::string error;
    ASSERT_TRUE(WeightFile::copyAsF32(*row, values.data(), error)) << error;
    for (uint32_t j = 0; j < kEmbed; ++j)
      EXPECT_EQ(values[j], float(i * kEmbed + j));
  }
  EXPECT_FALSE(file->findStored("blocks.0.att.x_rwkvag"));
  // [1, 1, C] vectors lose their leading ones; r_k keeps [H, N].
  EXPECT_EQ(file->find("layers.0.att.w0")->shape,
            (std::vector<int64_t>{kEmbed}));
  EXPECT_EQ(file->find("layers.0.ffn.x_k")->shape,
            (std::vector<int64_t>{kEmbed}));
  EXPECT_EQ(file->find("layers.0.att.r_k")->shape,
            (std::vector<int64_t>{1, kEmbed}));
}

/// One 32-element block of `type` with scale 0.5 (FP16 0x3800), minimum
/// -1.5 (0xbe00) where the type has one, and element i's integer
/// (i * 7 + 3) mod 2^bits; the values ggml decodes it to in `expected`.
std::string oneBlock(uint32_t type, std::vector<float> &expected) {
  const bool hasMin = type == 3 || type == 8;
  const int bits = type == 9 ? 8 : (type == 7 || type == 8) ? 5 : 4;
  const int offset = hasMin ? 0 : type == 9 ? 0 : bits == 5 ? 16 : 8;
  std::vector<int> q(32);
  for (int i = 0; i < 32; ++i)
    q[i] = (i * 7 + 3) % (1 << bits);
  std::string out;
  put(out, uint16_t(0x3800));
  if (hasMin)
    put(out, uint16_t(0xbe00));
  if (type == 9) {
    for (int i = 0; i < 32; ++i)
      out += char(int8_t(q[i] - 128)); // int8 values -128..127
  } else {
    if (bits == 5) {
      uint32_t high = 0;
      for (int i = 0; i < 32; ++i)
        high |= uint32_t(q[i] >> 4) << i;
      put(out, high);
    }
    for (int j = 0; j < 16; ++j)
      out += char((q[j] & 15) | (q[j + 16] & 15) << 4);
  }
  expected.resize(32);
  for (int i = 0; i < 32; ++i)
    expected[i] = type == 9 ? 0.5f * float(q[i] - 128)
                            : 0.5f * float(q[i] - offset) + (hasMin ? -1.5f : 0);
  return out;
}

TEST_F(RwkvFiles, QuantizedBlocksAreDecoded) {
  for (uint32_t type : {2u, 3u, 7u, 8u, 9u}) {
    std::vector<float> block;
    std::string raw = oneBlock(type, block);
    ASSERT_EQ(raw.size(), blockBytes(type));
    // Two rows of 32: the block twice.
    std::vector<Param> params = tinyModel(4);
    params.push_back({"blocks.0.att.extra.weight", {32, 2}, type, {}, raw + raw});
    auto file = open(rwkvFile(params, kVocab, kEmbed, 1, type));
    ASSERT_TRUE(file) << type;
    std::string error;
    const TensorInfo *q = file->get("layers.0.att.extra.weight", error);
    ASSERT_TRUE(q) << error;
    EXPECT_EQ(q->dtype, DType::F32);
    EXPECT_TRUE(q->derived);
    EXPECT_EQ(q->shape, (std::vector<int64_t>{2, 32}));
    EXPECT_EQ(q->byteSize, 64u * 4);
    std::vector<float> values(64);
    ASSERT_TRUE(WeightFile::copyAsF32(*q, values.data(), error)) << error;
    for (int i = 0; i < 64; ++i)
      EXPECT_EQ(values[i], block[i % 32]) << "type " << type << " element " << i;
  }
}

TEST_F(RwkvFiles, OtherQuantizedTypesAreListedNotRead) {
  std::vector<Param> params = tinyModel(4);
  params.push_back({"blocks.0.att.extra.weight", {256, 2}, 13}); // Q4_K
  params.push_back({"blocks.0.att.more.weight", {32, 1}, 10});   // Q8_1
  auto file = open(rwkvFile(params, kVocab, kEmbed, 1, 13));
  ASSERT_TRUE(file);
  const TensorInfo *q = file->findStored("blocks.0.att.extra.weight");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->dtype, DType::Unsupported);
  EXPECT_EQ(q->storedType, "Q4_K");
  EXPECT_EQ(q->byteSize, 2u * 144);
  EXPECT_EQ(q->shape, (std::vector<int64_t>{2, 256}));
  EXPECT_EQ(file->findStored("blocks.0.att.more.weight")->storedType, "Q8_1");
  std::string error;
  EXPECT_FALSE(file->get("layers.0.att.extra.weight", error));
  EXPECT_MENTIONS(error, "Q4_K, which mgc does not read");
  ModelSpec spec;
  EXPECT_FALSE(rwkvCppArchitecture(*file, spec, error));
  EXPECT_MENTIONS(error, "tensor 'blocks.0.att.extra.weight' is Q4_K; mgc "
                         "reads rwkv.cpp files of FP32, FP16, Q4_0, Q4_1, "
                         "Q5_0, Q5_1 and Q8_0 tensors");
}

//===----------------------------------------------------------------------===//
// Architectures
//===----------------------------------------------------------------------===//

TEST_F(RwkvFiles, ArchitecturesFromTensors) {
  struct Case {
    int version;
    ScanMixerKind kind;
    int64_t heads;
  };
  for (Case c : {Case{4, ScanMixerKind::rwkv4, 0},
                 Case{51, ScanMixerKind::rwkv5_1, 2},
                 Case{52, ScanMixerKind::rwkv5_2, 2},
                 Case{7, ScanMixerKind::rwkv7, 1}}) {
    auto file = open(rwkvFile(tinyModel(c.version), kVocab, kEmbed, 1));
    ASSERT_TRUE(file);
    ModelSpec spec;
    std::string error;
    ASSERT_TRUE(rwkvCppArchitecture(*file, spec, error)) << error;
    EXPECT_EQ(spec.vocab, kVocab);
    EXPECT_EQ(spec.hidden, kEmbed);
    EXPECT_EQ(spec.numLayers, 1);
    EXPECT_TRUE(spec.embeddingNorm);
    EXPECT_FALSE(spec.tieEmbeddings);
    EXPECT_EQ(spec.positions, PositionKind::none);
    EXPECT_EQ(spec.norm.kind, NormKind::layer);
    EXPECT_TRUE(spec.norm.bias);
    ASSERT_EQ(spec.mixers.size(), 1u);
    EXPECT_EQ(spec.mixers[0].scan.kind, c.kind);
    if (c.heads > 0) {
      EXPECT_EQ(spec.mixers[0].scan.heads, c.heads);
      EXPECT_EQ(spec.mixers[0].scan.headDim, kEmbed / c.heads);
    }
    if (c.version == 7) {
      EXPECT_EQ(spec.mixers[0].scan.decayLoraRank, 2);
      EXPECT_EQ(spec.mixers[0].scan.mixLoraRank, 2);
      EXPECT_EQ(spec.mixers[0].scan.gateLoraRank, 2);
    }
    ASSERT_EQ(spec.ffns.size(), 1u);
    EXPECT_EQ(spec.ffns[0].kind, FfnSpec::Kind::rwkv);
    EXPECT_EQ(spec.ffns[0].intermediate, kFfn);
    // Every weight the IR names is in the file, in its shape.
    EXPECT_TRUE(checkWeights(spec, *file, error)) << error;
  }
}

TEST_F(RwkvFiles, ArchitectureErrors) {
  std::string error;
  ModelSpec spec;
  // The header disagrees with the embedding.
  auto file = open(rwkvFile(tinyModel(4), kVocab + 1, kEmbed, 1));
  ASSERT_TRUE(file);
  EXPECT_FALSE(rwkvCppArchitecture(*file, spec, error));
  EXPECT_NE(error.find("tensor 'emb.weight' has shape [8, 4]; the header's "
                       "n_vocab 9 and n_embed 4 need [9, 4]"),
            std::string::npos)
      << error;
  // A tensor the architecture reads its sizes from is missing.
  std::vector<Param> params = tinyModel(52);
  for (auto it = params.begin(); it != params.end(); ++it)
    if (it->name == "blocks.0.att.time_decay") {
      params.erase(it);
      break;
    }
  file = open(rwkvFile(params, kVocab, kEmbed, 1));
  ASSERT_TRUE(file);
  EXPECT_FALSE(rwkvCppArchitecture(*file, spec, error));
  EXPECT_NE(error.find("this RWKV-5.2 file has no tensor "
                       "'blocks.0.att.time_decay'"),
            std::string::npos)
      << error;
  // Heads that do not tile the width.
  params = tinyModel(51);
  for (Param &p : params)
    if (p.name == "blocks.0.att.time_decay" ||
        p.name == "blocks.0.att.time_first")
      p.ne = {1, 1, 3};
  file = open(rwkvFile(params, kVocab, kEmbed, 1));
  ASSERT_TRUE(file);
  EXPECT_FALSE(rwkvCppArchitecture(*file, spec, error));
  EXPECT_NE(error.find("gives 3 heads, which do not divide n_embed 4"),
            std::string::npos)
      << error;
  // A layer the header promises is missing: the weights do not fit.
  file = open(rwkvFile(tinyModel(4), kVocab, kEmbed, 2));
  ASSERT_TRUE(file);
  ASSERT_TRUE(rwkvCppArchitecture(*file, spec, error)) << error;
  EXPECT_FALSE(checkWeights(spec, *file, error));
  EXPECT_NE(error.find("missing weight 'layers.1.att.key.weight' [4, 4]"),
            std::string::npos)
      << error;
}

//===----------------------------------------------------------------------===//
// Malformed files
//===----------------------------------------------------------------------===//

TEST_F(RwkvFiles, HeaderErrors) {
  std::string good = rwkvFile(tinyModel(4), kVocab, kEmbed, 1);
  EXPECT_MENTIONS(openError(good.substr(0, 20)),
                  "at byte offset 0: an rwkv.cpp model file starts with a "
                  "24-byte header (six u32: magic, version, n_vocab, n_embed, "
                  "n_layer, data_type), but the file has 20 bytes");
  std::string bad = good;
  bad[0] = 'g';
  EXPECT_MENTIONS(openError(bad), "at byte offset 0: not an rwkv.cpp model "
                                  "file: expected the magic 0x67676d66 "
                                  "('ggmf'), found 0x67676d67");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 1, 0, 1)),
                  "at byte offset 4: rwkv.cpp file version 1 is not "
                  "supported; expected 100 or 101 (a 'ggmf' file of a small "
                  "version is a legacy llama.cpp model");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 1, 0, 102)),
                  "at byte offset 4: rwkv.cpp file version 102 is not "
                  "supported; expected 100 or 101");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), 0, kEmbed, 1)),
                  "at byte offset 8: header field n_vocab is 0; expected 1 "
                  "to 16777216");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 5000)),
                  "at byte offset 16: header field n_layer is 5000");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 1, 5)),
                  "at byte offset 20: the header's data type 5 (Q4_2) was "
                  "removed from rwkv.cpp; requantize the model");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 1, 40)),
                  "at byte offset 20: the header's data type 40 is unknown; "
                  "rwkv.cpp's types are 0 FP32, 1 FP16, 2 Q4_0");
  EXPECT_MENTIONS(openError(rwkvFile(tinyModel(4), kVocab, kEmbed, 1, 8, 100)),
                  "at byte offset 20: the header's data type Q5_1 is "
                  "quantized in a version-100 file");
  EXPECT_MENTIONS(openError(good.substr(0, 24)),
                  "at byte offset 24: the file holds a header but no "
                  "parameters");
}

TEST_F(RwkvFiles, ParameterErrors) {
  auto one = [](Param p) { return rwkvFile({p}, kVocab, kEmbed, 1); };
  // Offsets: the header is 24 bytes; a parameter header 12 + 4 per
  // dimension, then its name.
  EXPECT_MENTIONS(openError(one({"emb.weight", {}})),
                  "at byte offset 24: a parameter has 0 dimensions; rwkv.cpp "
                  "allows 1 to 3");
  EXPECT_MENTIONS(openError(one({"emb.weight", {1, 2, 3, 4}})),
                  "at byte offset 24: a parameter has 4 dimensions");
  EXPECT_MENTIONS(openError(one({"", {4}})),
                  "at byte offset 28: a parameter's name length is 0; "
                  "expected 1 to 1024");
  EXPECT_MENTIONS(openError(one({"a\tb", {4}})),
                  "at byte offset 40: a parameter's name holds the control "
                  "character 9");
  EXPECT_MENTIONS(openError(one({"emb.weight", {4, 0}})),
                  "at byte offset 40: tensor 'emb.weight' has a dimension of "
                  "size 0");
  EXPECT_MENTIONS(openError(one({"emb.weight", {4}, 6})),
                  "at byte offset 32: tensor 'emb.weight' has data type 6 "
                  "(Q4_3) was removed from rwkv.cpp");
  EXPECT_MENTIONS(openError(one({"emb.weight", {4}, 17})),
                  "at byte offset 32: tensor 'emb.weight' has data type 17 "
                  "is unknown");
  EXPECT_MENTIONS(openError(one({"emb.weight", {48, 2}, 8})),
                  "at byte offset 24: tensor 'emb.weight' of type Q5_1 has "
                  "rows of 48 elements, not a multiple of its block size 32");
  std::string v100 = rwkvFile({{"emb.weight", {64, 2}, 8}}, kVocab, kEmbed, 1,
                              0, 100);
  EXPECT_MENTIONS(openError(v100),
                  "at byte offset 32: tensor 'emb.weight' is quantized (Q5_1) "
                  "in a version-100 file");

  // Truncation inside a header, a name and the data.
  std::string good = rwkvFile(tinyModel(4), kVocab, kEmbed, 1);
  EXPECT_MENTIONS(openError(good.substr(0, 30)),
                  "at byte offset 24: the file ends inside the header of the "
                  "parameter at byte offset 24 (the file has 30 bytes)");
  EXPECT_MENTIONS(openError(good.substr(0, 24 + 20 + 4)),
                  "at byte offset 24: the file ends inside the name of the "
                  "parameter at byte offset 24 (10 bytes)");
  EXPECT_MENTIONS(openError(good.substr(0, 24 + 20 + 10 + 100)),
                  "at byte offset 24: tensor 'emb.weight' (FP32 [8, 4], 128 "
                  "bytes of data from byte offset 54) runs past the end of "
                  "the file (154 bytes)");
  // A parameter twice.
  std::vector<Param> twice = tinyModel(4);
  twice.push_back(twice.back());
  std::string dup = rwkvFile(twice, kVocab, kEmbed, 1);
  EXPECT_MENTIONS(openError(dup), "tensor 'head.weight' is defined twice");
}

TEST_F(RwkvFiles, ConvertedTensorErrors) {
  std::vector<Param> params = tinyModel(51);
  for (Param &p : params)
    if (p.name == "blocks.0.att.time_decay")
      p.values = {0.5f, -0.25f};
  EXPECT_MENTIONS(openError(rwkvFile(params, kVocab, kEmbed, 1)),
                  "tensor 'blocks.0.att.time_decay' holds -0.250000 at "
                  "element 1; rwkv.cpp stores RWKV-5 decays as exp(-exp(w)), "
                  "which is in [0, 1]");
  params = tinyModel(52);
  for (Param &p : params)
    if (p.name == "blocks.0.att.time_decay")
      p.type = 1;
  EXPECT_MENTIONS(openError(rwkvFile(params, kVocab, kEmbed, 1)),
                  "tensor 'blocks.0.att.time_decay' has type FP16; mgc reads "
                  "RWKV-5 decays from FP32 only");
  params = tinyModel(7);
  for (Param &p : params)
    if (p.name == "blocks.0.att.x_rwkvag")
      p.ne = {kEmbed, 1, 5};
  EXPECT_MENTIONS(openError(rwkvFile(params, kVocab, kEmbed, 1)),
                  "tensor 'blocks.0.att.x_rwkvag' has shape [5, 1, 4]; "
                  "rwkv.cpp stores RWKV-7's six token-shift mixes r, w, k, v, "
                  "a, g as [6, 1, C]");
}

//===----------------------------------------------------------------------===//
// The real tiny models
//===----------------------------------------------------------------------===//

TEST(RwkvRealModels, ArchitecturesFitTheirWeights) {
  if (!fs::exists(sharedRwkvDir() + "/tiny-rwkv-4v0-660K-FP32.bin"))
    GTEST_SKIP() << sharedRwkvDir() << " is missing: the real RWKV models "
                 << "need ../shared/models next to the project root";
  struct Case {
    const char *model;
    ScanMixerKind kind;
    int64_t hidden, layers, heads, ffn;
  };
  for (Case c : {Case{"4v0-660K", ScanMixerKind::rwkv4, 128, 4, 0, 256},
                 Case{"5v1-730K", ScanMixerKind::rwkv5_1, 64, 12, 8, 256},
                 Case{"5v2-730K", ScanMixerKind::rwkv5_2, 64, 12, 8, 256},
                 Case{"7v0-834K", ScanMixerKind::rwkv7, 64, 12, 1, 256}}) {
    for (const char *type : {"FP32", "FP16"}) {
      std::string path = sharedRwkvDir() + "/tiny-rwkv-" + c.model + "-" +
                         type + ".bin";
      std::string error;
      auto file = WeightFile::open(path, error);
      ASSERT_TRUE(file) << error;
      ModelSpec spec;
      ASSERT_TRUE(rwkvCppArchitecture(*file, spec, error)) << error;
      EXPECT_EQ(spec.vocab, 256) << path;
      EXPECT_EQ(spec.hidden, c.hidden) << path;
      EXPECT_EQ(spec.numLayers, c.layers) << path;
      EXPECT_EQ(spec.mixers[0].scan.kind, c.kind) << path;
      if (c.heads > 0) {
        EXPECT_EQ(spec.mixers[0].scan.heads, c.heads) << path;
      }
      EXPECT_EQ(spec.ffns[0].intermediate, c.ffn) << path;
      if (c.kind == ScanMixerKind::rwkv7) {
        EXPECT_EQ(spec.mixers[0].scan.decayLoraRank, 32);
        EXPECT_EQ(spec.mixers[0].scan.valueLoraRank, 32);
      }
      EXPECT_TRUE(checkWeights(spec, *file, error)) << error;
    }
  }
  // RWKV-6 is there in Q5_0 and Q5_1 only, decoded when read; so are the
  // other models' Q5 files.
  for (const char *path : {"6v0-3m-Q5_0", "6v0-3m-Q5_1", "7v0-834K-Q5_1",
                           "5v2-730K-Q5_0", "4v0-660K-Q5_1"}) {
    std::string error;
    auto q5 = WeightFile::open(sharedRwkvDir() + "/tiny-rwkv-" + path +
                                   ".bin",
                               error);
    ASSERT_TRUE(q5) << error;
    ModelSpec spec;
    ASSERT_TRUE(rwkvCppArchitecture(*q5, spec, error)) << error;
    if (std::string(path).rfind("6v0", 0) == 0) {
      EXPECT_EQ(q5->meta("rwkv.version")->text, "6");
      EXPECT_EQ(spec.mixers[0].scan.kind, ScanMixerKind::rwkv6);
      EXPECT_EQ(spec.mixers[0].scan.heads, 16);
      EXPECT_EQ(spec.mixers[0].scan.mixLoraRank, 32);
      EXPECT_EQ(spec.mixers[0].scan.decayLoraRank, 64);
      EXPECT_EQ(spec.ffns[0].intermediate, 448);
    }
    EXPECT_TRUE(checkWeights(spec, *q5, error)) << error;
  }
}

} // namespace
