//===- WeightReaderTest.cpp - weight files and their architectures --------===//
//
// Opens the real stories260K model in its llama2.c and GGUF forms and checks
// that both give the same architecture and bit-identical tensors, that the
// weights fit the IR, and that malformed llama2.c, GGUF and safetensors files
// (written to a temporary directory, from the real files or from scratch) each
// give the expected clear error and never crash. Small GGUF and sharded
// safetensors files written here check metadata, F16/BF16 data, unsupported
// types and name mapping.
//
//===----------------------------------------------------------------------===//

#include "frontends/WeightInputs.h"
#include "weights/WeightFile.h"

#include <cmath>
#include <limits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace mgc;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string modelsDir() {
  return std::string(MGC_SOURCE_DIR) + "/../shared/models/stories260K";
}

#define REQUIRE_STORIES()                                                      \
  do {                                                                         \
    if (!fs::exists(modelsDir() + "/stories260K.bin") ||                       \
        !fs::exists(modelsDir() + "/stories260K.gguf"))                        \
      GTEST_SKIP() << "the shared models folder " << modelsDir()               \
                   << " is missing: stories260K tests need ../shared/models "  \
                      "next to the project root";                              \
  } while (0)

std::string binPath() { return modelsDir() + "/stories260K.bin"; }
std::string ggufPath() { return modelsDir() + "/stories260K.gguf"; }

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

template <typename T> void put(std::string &out, T value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

template <typename T> void patch(std::string &bytes, size_t at, T value) {
  std::memcpy(&bytes[at], &value, sizeof(T));
}

/// A fresh directory for one test's files, removed afterwards.
class WeightFiles : public ::testing::Test {
protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("mgc-weights-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string &name) const { return dir_ / name; }
  std::string write(const std::string &name, const std::string &bytes) {
    writeBytes(path(name), bytes);
    return path(name);
  }

  fs::path dir_;
};

/// Opening `path` with `open` must fail; returns the error.
using Opener = std::unique_ptr<WeightFile> (*)(const std::string &,
                                               std::string &);
std::string openError(Opener open, const std::string &path) {
  std::string error;
  std::unique_ptr<WeightFile> file = open(path, error);
  EXPECT_EQ(file, nullptr) << "opening " << path << " should fail";
  EXPECT_FALSE(error.empty());
  return error;
}

/// Opening must succeed.
std::unique_ptr<WeightFile> openOk(Opener open, const std::string &path) {
  std::string error;
  std::unique_ptr<WeightFile> file = open(path, error);
  EXPECT_NE(file, nullptr) << error;
  return file;
}

#define EXPECT_HAS(text, part)                                                 \
  EXPECT_NE(std::string(text).find(part), std::string::npos)                   \
      << "expected \"" << (part) << "\" in: " << (text)

//===----------------------------------------------------------------------===//
// A tiny GGUF writer
//===----------------------------------------------------------------------===//

struct GgufWriter {
  uint32_t version = 3;
  uint64_t alignment = 32;
  std::string kv, infos, data;
  uint64_t kvCount = 0, tensorCount = 0;

  static void str(std::string &out, const std::string &s) {
    put<uint64_t>(out, s.size());
    out += s;
  }
  template <typename T> void scalar(const std::string &key, uint32_t type,
                                    T value) {
    str(kv, key);
    put<uint32_t>(kv, type);
    put<T>(kv, value);
    ++kvCount;
  }
  void u32(const std::string &key, uint32_t v) { scalar(key, 4, v); }
  void f32(const std::string &key, float v) { scalar(key, 6, v); }
  void string(const std::string &key, const std::string &v) {
    str(kv, key);
    put<uint32_t>(kv, 8);
    str(kv, v);
    ++kvCount;
  }
  /// A key whose value (type and bytes) is already encoded.
  void raw(const std::string &key, uint32_t type, const std::string &bytes) {
    str(kv, key);
    put<uint32_t>(kv, type);
    kv += bytes;
    ++kvCount;
  }
  void stringArray(const std::string &key,
                   const std::vector<std::string> &items) {
    std::string bytes;
    put<uint32_t>(bytes, 8);
    put<uint64_t>(bytes, items.size());
    for (const std::string &s : items)
      str(bytes, s);
    raw(key, 9, bytes);
  }
  /// A tensor of ggml type `type`; ne fastest first.
  void tensor(const std::string &name, std::vector<uint64_t> ne,
              uint32_t type, const std::string &payload) {
    while (data.size() % alignment)
      data += '\0';
    str(infos, name);
    put<uint32_t>(infos, uint32_t(ne.size()));
    for (uint64_t n : ne)
      put<uint64_t>(infos, n);
    put<uint32_t>(infos, type);
    put<uint64_t>(infos, data.size());
    data += payload;
    ++tensorCount;
  }
  void f32Tensor(const std::string &name, std::vector<uint64_t> ne) {
    uint64_t n = 1;
    for (uint64_t d : ne)
      n *= d;
    std::string payload;
    for (uint64_t i = 0; i < n; ++i)
      put<float>(payload, float(i % 7) - 3.0f);
    tensor(name, ne, 0, payload);
  }
  std::string bytes() const {
    std::string out = "GGUF";
    put<uint32_t>(out, version);
    put<uint64_t>(out, tensorCount);
    put<uint64_t>(out, kvCount);
    out += kv + infos;
    while (out.size() % alignment)
      out += '\0';
    return out + data;
  }
};

/// A complete one-layer llama GGUF: hidden 8, 2 heads of 4, 1 KV head,
/// FFN 16, vocab 10, untied unless `withOutput` is false.
GgufWriter tinyLlama(bool withOutput = true) {
  GgufWriter w;
  w.string("general.architecture", "llama");
  w.u32("llama.embedding_length", 8);
  w.u32("llama.block_count", 1);
  w.u32("llama.feed_forward_length", 16);
  w.u32("llama.attention.head_count", 2);
  w.u32("llama.attention.head_count_kv", 1);
  w.f32("llama.attention.layer_norm_rms_epsilon", 1e-6f);
  w.f32("llama.rope.freq_base", 500000.0f);
  w.u32("llama.context_length", 32);
  w.stringArray("tokenizer.ggml.tokens",
                {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  w.f32Tensor("token_embd.weight", {8, 10});
  w.f32Tensor("blk.0.attn_norm.weight", {8});
  w.f32Tensor("blk.0.attn_q.weight", {8, 8});
  w.f32Tensor("blk.0.attn_k.weight", {8, 4});
  w.f32Tensor("blk.0.attn_v.weight", {8, 4});
  w.f32Tensor("blk.0.attn_output.weight", {8, 8});
  w.f32Tensor("blk.0.ffn_norm.weight", {8});
  w.f32Tensor("blk.0.ffn_gate.weight", {8, 16});
  w.f32Tensor("blk.0.ffn_up.weight", {8, 16});
  w.f32Tensor("blk.0.ffn_down.weight", {16, 8});
  w.f32Tensor("output_norm.weight", {8});
  if (withOutput)
    w.f32Tensor("output.weight", {8, 10});
  return w;
}

//===----------------------------------------------------------------------===//
// A tiny safetensors writer
//===----------------------------------------------------------------------===//

std::string safetensors(const std::string &header, const std::string &data) {
  std::string out;
  put<uint64_t>(out, header.size());
  return out + header + data;
}

std::string floats(std::vector<float> values) {
  std::string out;
  for (float v : values)
    put<float>(out, v);
  return out;
}

uint16_t toBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return uint16_t(bits >> 16); // exact for the values used here
}

std::vector<float> asF32(const TensorInfo &t) {
  std::vector<float> out(size_t(t.numElements()));
  std::string error;
  EXPECT_TRUE(WeightFile::copyAsF32(t, out.data(), error)) << error;
  return out;
}

//===----------------------------------------------------------------------===//
// stories260K: llama2.c and GGUF forms of one model
//===----------------------------------------------------------------------===//

TEST(Stories260K, BothFormsOpen) {
  REQUIRE_STORIES();
  auto bin = openOk(WeightFile::open, binPath());
  auto gguf = openOk(WeightFile::open, ggufPath());
  ASSERT_TRUE(bin && gguf);
  EXPECT_EQ(bin->format(), WeightFormat::Llama2c);
  EXPECT_EQ(gguf->format(), WeightFormat::Gguf);
  // Embedding, 9 tensors per layer, final norm; the GGUF adds output.weight.
  EXPECT_EQ(bin->tensors().size(), 1u + 5 * 9 + 1);
  EXPECT_EQ(gguf->tensors().size(), 1u + 5 * 9 + 2);

  const TensorInfo *q = gguf->find("layers.3.attn.q.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->name, "blk.3.attn_q.weight");
  EXPECT_EQ(q->shape, (std::vector<int64_t>{64, 64}));
  const TensorInfo *k = bin->find("layers.3.attn.k.weight");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->shape, (std::vector<int64_t>{32, 64}));
  const TensorInfo *down = gguf->find("layers.0.ffn.down.weight");
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->shape, (std::vector<int64_t>{64, 172}));
  // The whole file is mapped page-aligned; GGUF data is 32-byte aligned.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(gguf->tensors()[0].data) % 32, 0u);

  const MetaValue *tokens = gguf->meta("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->arrayLength(), 512u);
  EXPECT_EQ(tokens->strings[1], "<s>");
  const MetaValue *eps = gguf->meta("llama.attention.layer_norm_rms_epsilon");
  ASSERT_NE(eps, nullptr);
  EXPECT_EQ(eps->type, MetaValue::Type::F32);
  int64_t layers = 0;
  ASSERT_TRUE(bin->meta("llama2c.n_layers")->getInt(layers));
  EXPECT_EQ(layers, 5);
}

TEST(Stories260K, ArchitecturesAgree) {
  REQUIRE_STORIES();
  ModelSpec fromBin, fromGguf;
  std::string error;
  ASSERT_TRUE(readLlama2cArchitecture(binPath(), fromBin, error)) << error;
  ASSERT_TRUE(readGgufArchitecture(ggufPath(), fromGguf, error)) << error;
  for (const ModelSpec *spec : {&fromBin, &fromGguf}) {
    EXPECT_EQ(spec->hidden, 64);
    EXPECT_EQ(spec->numLayers, 5);
    EXPECT_EQ(spec->vocab, 512);
    ASSERT_EQ(spec->mixers.size(), 1u);
    EXPECT_EQ(spec->mixers[0].attention.heads, 8);
    EXPECT_EQ(spec->mixers[0].attention.kvHeads, 4);
    EXPECT_EQ(spec->mixers[0].attention.headDim, 8);
    ASSERT_EQ(spec->ffns.size(), 1u);
    EXPECT_EQ(spec->ffns[0].intermediate, 172);
    EXPECT_EQ(spec->ffns[0].activation, FfnKind::swiglu);
    EXPECT_EQ(spec->layers.size(), 5u);
    EXPECT_EQ(spec->rope.style, RopeStyle::interleaved);
    EXPECT_EQ(spec->rope.theta, 10000.0);
    EXPECT_EQ(spec->rope.rotaryDim, 0);
    EXPECT_EQ(spec->norm.kind, NormKind::rms);
    EXPECT_NEAR(spec->norm.eps, 1e-5, 1e-12);
  }
  // The checkpoint shares its classifier; the GGUF stores a copy of it.
  EXPECT_TRUE(fromBin.tieEmbeddings);
  EXPECT_FALSE(fromGguf.tieEmbeddings);
  // The model was trained at 512; the GGUF's context_length says 2048.
  EXPECT_EQ(fromBin.maxContext, 512);
  EXPECT_EQ(fromGguf.maxContext, 2048);
}

TEST(Stories260K, TensorsAreBitIdentical) {
  REQUIRE_STORIES();
  auto bin = openOk(WeightFile::open, binPath());
  auto gguf = openOk(WeightFile::open, ggufPath());
  ASSERT_TRUE(bin && gguf);
  for (const TensorInfo &t : bin->tensors()) {
    std::string error;
    const TensorInfo *other = gguf->get(t.canonicalName, error);
    ASSERT_NE(other, nullptr) << error;
    EXPECT_EQ(other->shape, t.shape) << t.canonicalName;
    EXPECT_EQ(other->dtype, DType::F32);
    ASSERT_EQ(other->byteSize, t.byteSize) << t.canonicalName;
    EXPECT_EQ(std::memcmp(other->data, t.data, size_t(t.byteSize)), 0)
        << t.canonicalName << " differs between the .bin and the .gguf";
  }
  const TensorInfo *output = gguf->find("output.weight");
  const TensorInfo *embed = bin->find("embed.tokens.weight");
  ASSERT_TRUE(output && embed);
  ASSERT_EQ(output->byteSize, embed->byteSize);
  EXPECT_EQ(std::memcmp(output->data, embed->data, size_t(embed->byteSize)), 0);
}

TEST(Stories260K, WeightsFitTheArchitecture) {
  REQUIRE_STORIES();
  auto bin = openOk(WeightFile::open, binPath());
  auto gguf = openOk(WeightFile::open, ggufPath());
  ASSERT_TRUE(bin && gguf);
  ModelSpec fromBin, fromGguf;
  std::string error;
  ASSERT_TRUE(llama2cArchitecture(*bin, fromBin, error)) << error;
  ASSERT_TRUE(ggufArchitecture(*gguf, fromGguf, error)) << error;
  EXPECT_TRUE(checkWeights(fromBin, *bin, error)) << error;
  EXPECT_TRUE(checkWeights(fromGguf, *gguf, error)) << error;
  // The tied architecture needs no output.weight, so the GGUF fits it too.
  EXPECT_TRUE(checkWeights(fromBin, *gguf, error)) << error;

  // An untied architecture needs output.weight, which the .bin lacks.
  EXPECT_FALSE(checkWeights(fromGguf, *bin, error));
  EXPECT_HAS(error, "missing weight 'output.weight' [512, 64]");

  ModelSpec wider = fromGguf;
  wider.ffns[0].intermediate = 200;
  EXPECT_FALSE(checkWeights(wider, *gguf, error));
  EXPECT_HAS(error, "15 problems");
  EXPECT_HAS(error, "weight 'layers.0.ffn.down.weight' (stored as "
                    "'blk.0.ffn_down.weight') has shape [64, 172]; the "
                    "architecture needs [64, 200]");
  EXPECT_HAS(error, "... and 7 more");
}

//===----------------------------------------------------------------------===//
// Malformed llama2.c checkpoints
//===----------------------------------------------------------------------===//

TEST_F(WeightFiles, Llama2cTruncated) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(binPath());
  std::string p = write("short.bin", bytes.substr(0, bytes.size() - 100));
  std::string error = openError(WeightFile::open, p);
  EXPECT_HAS(error, "expected 1056540 bytes for a llama2.c checkpoint with "
                    "dim=64, hidden_dim=172, layers=5, heads=8, kv_heads=4, "
                    "vocab=512 (shared classifier), seq_len=512, got 1056440");
  EXPECT_HAS(error, p);
}

TEST_F(WeightFiles, Llama2cMoreLayersThanTheFileHolds) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(binPath());
  patch<int32_t>(bytes, 8, 6); // n_layers
  std::string error = openError(WeightFile::openLlama2c, write("6.bin", bytes));
  EXPECT_HAS(error, "layers=6");
  EXPECT_HAS(error, "got 1056540");

  // An unshared classifier needs another vocab x dim floats.
  bytes = readBytes(binPath());
  patch<int32_t>(bytes, 20, -512);
  error = openError(WeightFile::openLlama2c, write("unshared.bin", bytes));
  EXPECT_HAS(error, "expected 1187612 bytes");
  EXPECT_HAS(error, "(unshared classifier)");

  // Sizes that overflow are a size error, not a crash.
  patch<int32_t>(bytes, 0, 65536);
  patch<int32_t>(bytes, 4, 1 << 30);
  patch<int32_t>(bytes, 8, 1 << 30);
  patch<int32_t>(bytes, 12, 32768);
  patch<int32_t>(bytes, 16, 32768);
  error = openError(WeightFile::openLlama2c, write("huge.bin", bytes));
  EXPECT_HAS(error, "expected more than 2^63 bytes");
}

TEST_F(WeightFiles, Llama2cBadHeader) {
  std::string error =
      openError(WeightFile::openLlama2c, write("tiny.bin", "0123456789"));
  EXPECT_HAS(error, "28-byte header of seven int32, but the file has 10 bytes");

  std::string header;
  for (int32_t v : {64, 172, 5, 7, 4, 512, 512})
    put<int32_t>(header, v);
  error = openError(WeightFile::openLlama2c, write("heads.bin", header));
  EXPECT_HAS(error, "n_heads must divide dim");

  header.clear();
  for (int32_t v : {64, 172, 0, 8, 4, 512, 512})
    put<int32_t>(header, v);
  error = openError(WeightFile::openLlama2c, write("zero.bin", header));
  EXPECT_HAS(error, "at byte offset 8: llama2.c header field n_layers is 0");

  error = openError(WeightFile::openLlama2c, write("empty.bin", ""));
  EXPECT_HAS(error, "the file is empty");
}

//===----------------------------------------------------------------------===//
// Malformed GGUF files
//===----------------------------------------------------------------------===//

TEST_F(WeightFiles, GgufBadMagic) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(ggufPath());
  bytes[0] = 'g';
  std::string error = openError(WeightFile::openGguf, write("m.gguf", bytes));
  EXPECT_HAS(error, "not a GGUF file: expected the magic 'GGUF' (0x47 0x47 "
                    "0x55 0x46), found 0x67 0x47 0x55 0x46");
}

TEST_F(WeightFiles, GgufBadVersion) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(ggufPath());
  patch<uint32_t>(bytes, 4, 7);
  std::string error = openError(WeightFile::open, write("v7.gguf", bytes));
  EXPECT_HAS(error, "at byte offset 4: GGUF version 7 is not supported; "
                    "expected 2 or 3");
  patch<uint32_t>(bytes, 4, 1);
  error = openError(WeightFile::open, write("v1.gguf", bytes));
  EXPECT_HAS(error, "version 1 used 32-bit lengths");
  patch<uint32_t>(bytes, 4, 0x03000000);
  error = openError(WeightFile::open, write("be.gguf", bytes));
  EXPECT_HAS(error, "big-endian");
}

TEST_F(WeightFiles, GgufTruncatedMetadata) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(ggufPath());
  // Inside the token list, the first metadata value.
  std::string error =
      openError(WeightFile::open, write("t.gguf", bytes.substr(0, 3000)));
  EXPECT_HAS(error, "metadata value 'tokenizer.ggml.tokens'");
  // Inside the scores array: its element count no longer fits.
  size_t scores = bytes.find("tokenizer.ggml.scores");
  ASSERT_NE(scores, std::string::npos);
  error = openError(WeightFile::open,
                    write("s.gguf", bytes.substr(0, scores + 100)));
  EXPECT_HAS(error, "metadata value 'tokenizer.ggml.scores' claims 512 "
                    "elements of f32, more than the");
  // Every cut inside the header fails cleanly.
  for (size_t cut = 0; cut < 14200; cut += 97)
    openError(WeightFile::openGguf, write("c.gguf", bytes.substr(0, cut)));
}

TEST_F(WeightFiles, GgufTensorBeyondTheEnd) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(ggufPath());
  const std::string name = "blk.4.ffn_norm.weight";
  size_t at = bytes.find(name);
  ASSERT_NE(at, std::string::npos);
  // name, u32 n_dims = 1, u64 ne[0], u32 type, then the u64 offset.
  size_t offsetAt = at + name.size() + 4 + 8 + 4;
  std::string moved = bytes;
  patch<uint64_t>(moved, offsetAt, 1171200);
  std::string error = openError(WeightFile::open, write("o.gguf", moved));
  EXPECT_HAS(error, "tensor 'blk.4.ffn_norm.weight' (F32 [64], 256 bytes) at "
                    "data offset 1171200 (file offset 14176 + 1171200) lies "
                    "beyond the end of the file (1185376 bytes)");
  patch<uint64_t>(moved, offsetAt, uint64_t(1) << 63);
  error = openError(WeightFile::open, write("o2.gguf", moved));
  EXPECT_HAS(error, "lies beyond the end of the file");
  patch<uint64_t>(moved, offsetAt, 1170945);
  error = openError(WeightFile::open, write("o3.gguf", moved));
  EXPECT_HAS(error, "not a multiple of the alignment 32");
  // Pointing into another tensor's bytes.
  patch<uint64_t>(moved, offsetAt, 0);
  error = openError(WeightFile::open, write("o4.gguf", moved));
  EXPECT_HAS(error, "the data of tensors 'token_embd.weight' and "
                    "'blk.4.ffn_norm.weight' overlap");
  // A file cut inside the data section.
  error = openError(WeightFile::open, write("cut.gguf", bytes.substr(0, 1000000)));
  EXPECT_HAS(error, "lies beyond the end of the file (1000000 bytes)");
}

TEST_F(WeightFiles, GgufCountsLargerThanTheFile) {
  REQUIRE_STORIES();
  std::string bytes = readBytes(ggufPath());
  patch<uint64_t>(bytes, 8, uint64_t(1) << 40);
  std::string error = openError(WeightFile::open, write("n.gguf", bytes));
  EXPECT_HAS(error, "the header claims 1099511627776 tensors");
}

//===----------------------------------------------------------------------===//
// GGUF written here: metadata types, F16/BF16, unsupported types
//===----------------------------------------------------------------------===//

TEST_F(WeightFiles, GgufMetadataAndTypes) {
  GgufWriter w;
  w.version = 2;
  w.alignment = 64;
  w.u32("general.alignment", 64);
  w.string("general.name", "tiny");
  w.scalar<uint8_t>("test.flag", 7, 1);
  w.scalar<int32_t>("test.negative", 5, -7);
  w.scalar<uint64_t>("test.big", 10, (uint64_t(1) << 63) + 5);
  w.scalar<double>("test.f64", 12, 0.25);
  std::string nested;
  put<uint32_t>(nested, 9); // array of arrays
  put<uint64_t>(nested, 2);
  for (uint32_t i = 0; i < 2; ++i) {
    put<uint32_t>(nested, 4);
    put<uint64_t>(nested, 2);
    put<uint32_t>(nested, 10 * i);
    put<uint32_t>(nested, 10 * i + 1);
  }
  w.raw("test.nested", 9, nested);
  w.stringArray("test.words", {"x", "", "z\xc3\xa9"});

  std::string half; // 1, -2, 2^-24 (subnormal), 65504, 0.5, -0
  for (uint16_t h : {0x3c00, 0xc000, 0x0001, 0x7bff, 0x3800, 0x8000})
    put<uint16_t>(half, h);
  w.tensor("half", {3, 2}, 1, half);
  std::string bf16;
  for (float f : {1.0f, -2.5f, 0.15625f, 3.0f})
    put<uint16_t>(bf16, toBf16(f));
  w.tensor("brain", {4}, 30, bf16);
  w.tensor("quant", {32, 2}, 8, std::string(2 * 34, '\x01')); // Q8_0
  w.tensor("mystery", {4}, 99, "");

  auto file = openOk(WeightFile::open, write("m.gguf", w.bytes()));
  ASSERT_TRUE(file);
  int64_t i = 0;
  double d = 0;
  EXPECT_EQ(file->meta("test.flag")->type, MetaValue::Type::Bool);
  EXPECT_EQ(file->meta("test.flag")->bits, 1u);
  ASSERT_TRUE(file->meta("test.negative")->getInt(i));
  EXPECT_EQ(i, -7);
  EXPECT_FALSE(file->meta("test.big")->getInt(i));
  EXPECT_EQ(file->meta("test.big")->bits, (uint64_t(1) << 63) + 5);
  ASSERT_TRUE(file->meta("test.f64")->getDouble(d));
  EXPECT_EQ(d, 0.25);
  const MetaValue *n = file->meta("test.nested");
  ASSERT_EQ(n->arrayLength(), 2u);
  EXPECT_EQ(n->arrays[1].integers, (std::vector<uint64_t>{10, 11}));
  EXPECT_EQ(file->meta("test.words")->strings,
            (std::vector<std::string>{"x", "", "z\xc3\xa9"}));
  EXPECT_EQ(file->meta("general.name")->text, "tiny");

  const TensorInfo *h = file->findStored("half");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(h->dtype, DType::F16);
  EXPECT_EQ(h->offset % 64, 0u);
  std::vector<float> hv = asF32(*h);
  EXPECT_EQ(hv, (std::vector<float>{1.0f, -2.0f, std::ldexp(1.0f, -24),
                                    65504.0f, 0.5f, -0.0f}));
  EXPECT_TRUE(std::signbit(hv[5]));
  const TensorInfo *b = file->findStored("brain");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::BF16);
  EXPECT_EQ(asF32(*b), (std::vector<float>{1.0f, -2.5f, 0.15625f, 3.0f}));

  // Unsupported types are listed; using them is the error.
  const TensorInfo *q = file->findStored("quant");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->dtype, DType::Unsupported);
  EXPECT_EQ(q->storedType, "Q8_0");
  EXPECT_EQ(q->byteSize, 68u);
  EXPECT_EQ(q->data, nullptr);
  std::string error;
  std::vector<float> sink(64);
  EXPECT_FALSE(WeightFile::copyAsF32(*q, sink.data(), error));
  EXPECT_HAS(error, "tensor 'quant' has type Q8_0, which mgc does not read; "
                    "supported types: F32, F16, BF16");
  const TensorInfo *m = file->findStored("mystery");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->storedType, "ggml type 99 (unknown to mgc)");
}

TEST_F(WeightFiles, GgufRejectsMalformedInfos) {
  GgufWriter w;
  w.f32Tensor("a", {2});
  w.f32Tensor("a", {2});
  std::string error = openError(WeightFile::open, write("dup.gguf", w.bytes()));
  EXPECT_HAS(error, "tensor 'a' is defined twice");

  GgufWriter q;
  q.tensor("q", {31}, 2, std::string(18, '\0')); // Q4_0 rows of 31
  error = openError(WeightFile::open, write("q.gguf", q.bytes()));
  EXPECT_HAS(error, "has rows of 31 elements, not a multiple of its block "
                    "size 32");

  GgufWriter a;
  a.u32("general.alignment", 24);
  error = openError(WeightFile::open, write("a.gguf", a.bytes()));
  EXPECT_HAS(error, "'general.alignment' must be a u32 power of two");

  GgufWriter k;
  k.u32("x", 1);
  k.u32("x", 2);
  error = openError(WeightFile::open, write("k.gguf", k.bytes()));
  EXPECT_HAS(error, "metadata key 'x' appears twice");

  GgufWriter t;
  t.raw("bad", 13, "");
  error = openError(WeightFile::open, write("t.gguf", t.bytes()));
  EXPECT_HAS(error, "metadata value 'bad' has value type 13");

  GgufWriter d;
  d.tensor("five", {1, 1, 1, 1, 1}, 0, floats({1}));
  error = openError(WeightFile::open, write("d.gguf", d.bytes()));
  EXPECT_HAS(error, "tensor 'five' has 5 dimensions; GGUF allows at most 4");
}

/// Every cut and many random corruptions of a small GGUF fail cleanly or
/// open; none may crash (run under sanitizers to catch reads out of range).
TEST_F(WeightFiles, GgufSurvivesCorruption) {
  std::string bytes = tinyLlama().bytes();
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    openError(WeightFile::openGguf, write("c.gguf", bytes.substr(0, cut)));
  std::mt19937 rng(1234);
  for (int round = 0; round < 400; ++round) {
    std::string corrupt = bytes;
    for (int i = 0; i < 4; ++i)
      corrupt[rng() % 1200] = char(rng());
    std::string error;
    auto file = WeightFile::openGguf(write("r.gguf", corrupt), error);
    if (file) {
      ModelSpec spec;
      if (ggufArchitecture(*file, spec, error))
        checkWeights(spec, *file, error);
    }
  }
}

//===----------------------------------------------------------------------===//
// GGUF architectures written here
//===----------------------------------------------------------------------===//

TEST_F(WeightFiles, GgufLlamaArchitecture) {
  std::string p = write("tied.gguf", tinyLlama(/*withOutput=*/false).bytes());
  ModelSpec spec;
  std::string error;
  ASSERT_TRUE(readGgufArchitecture(p, spec, error)) << error;
  EXPECT_EQ(spec.vocab, 10);
  EXPECT_EQ(spec.hidden, 8);
  EXPECT_EQ(spec.mixers[0].attention.heads, 2);
  EXPECT_EQ(spec.mixers[0].attention.kvHeads, 1);
  EXPECT_EQ(spec.mixers[0].attention.headDim, 4);
  EXPECT_EQ(spec.ffns[0].intermediate, 16);
  EXPECT_EQ(spec.rope.theta, 500000.0);
  EXPECT_NEAR(spec.norm.eps, 1e-6, 1e-12);
  EXPECT_EQ(spec.maxContext, 32);
  EXPECT_TRUE(spec.tieEmbeddings);
  auto file = openOk(WeightFile::open, p);
  ASSERT_TRUE(file);
  EXPECT_TRUE(checkWeights(spec, *file, error)) << error;
}

TEST_F(WeightFiles, GgufArchitectureErrors) {
  ModelSpec spec;
  std::string error;
  GgufWriter other;
  other.string("general.architecture", "gpt2");
  EXPECT_FALSE(readGgufArchitecture(write("g.gguf", other.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "GGUF architecture 'gpt2' is not supported; supported: "
                    "'llama'");

  GgufWriter none;
  EXPECT_FALSE(readGgufArchitecture(write("n.gguf", none.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "'general.architecture' is missing");

  GgufWriter missing;
  missing.string("general.architecture", "llama");
  missing.u32("llama.embedding_length", 8);
  EXPECT_FALSE(readGgufArchitecture(write("m.gguf", missing.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "GGUF metadata 'llama.block_count' is missing; a llama "
                    "model needs it");

  GgufWriter typed = tinyLlama();
  typed.string("llama.rope.scaling.type", "yarn");
  EXPECT_FALSE(readGgufArchitecture(write("y.gguf", typed.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "'llama.rope.scaling.type' \"yarn\" is not supported");

  GgufWriter moe = tinyLlama();
  moe.u32("llama.expert_count", 8);
  EXPECT_FALSE(readGgufArchitecture(write("e.gguf", moe.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "'llama.expert_count' > 0 (a Mixture-of-Experts llama) "
                    "is not supported");

  GgufWriter heads = tinyLlama();
  heads.kv.clear();
  heads.kvCount = 0;
  heads.string("general.architecture", "llama");
  heads.u32("llama.embedding_length", 8);
  heads.u32("llama.block_count", 1);
  heads.u32("llama.feed_forward_length", 16);
  heads.string("llama.attention.head_count", "two");
  EXPECT_FALSE(readGgufArchitecture(write("h.gguf", heads.bytes()), spec,
                                    error));
  EXPECT_HAS(error, "GGUF metadata 'llama.attention.head_count' is a string; "
                    "expected an integer");
}

TEST_F(WeightFiles, CheckWeightsNamesGgufTensors) {
  // tinyLlama's metadata; the down projection left out, the up projection
  // of the wrong shape, and the gate of an unsupported type.
  GgufWriter bad;
  GgufWriter w = tinyLlama(false);
  bad.kv = w.kv;
  bad.kvCount = w.kvCount;
  bad.f32Tensor("token_embd.weight", {8, 10});
  bad.f32Tensor("blk.0.attn_q.weight", {8, 8});
  bad.f32Tensor("blk.0.attn_k.weight", {8, 4});
  bad.f32Tensor("blk.0.attn_v.weight", {8, 4});
  bad.f32Tensor("blk.0.attn_output.weight", {8, 8});
  bad.f32Tensor("blk.0.attn_norm.weight", {8});
  bad.f32Tensor("blk.0.ffn_norm.weight", {8});
  bad.f32Tensor("output_norm.weight", {8});
  bad.f32Tensor("blk.0.ffn_up.weight", {8, 17});
  bad.tensor("blk.0.ffn_gate.weight", {8, 16}, 24, std::string(128, '\0'));
  std::string p = write("bad.gguf", bad.bytes());
  ModelSpec spec;
  std::string error;
  ASSERT_TRUE(readGgufArchitecture(p, spec, error)) << error;
  auto file = openOk(WeightFile::open, p);
  ASSERT_TRUE(file);
  EXPECT_FALSE(checkWeights(spec, *file, error));
  EXPECT_HAS(error, "3 problems");
  EXPECT_HAS(error, "missing weight 'layers.0.ffn.down.weight' [8, 16]");
  EXPECT_HAS(error, "weight 'layers.0.ffn.gate.weight' (stored as "
                    "'blk.0.ffn_gate.weight') has type I8; mgc reads F32, "
                    "F16 and BF16");
  EXPECT_HAS(error, "weight 'layers.0.ffn.up.weight' (stored as "
                    "'blk.0.ffn_up.weight') has shape [17, 8]; the "
                    "architecture needs [16, 8]");
}

//===----------------------------------------------------------------------===//
// Safetensors
//===----------------------------------------------------------------------===//

TEST_F(WeightFiles, SafetensorsHeaderBeyondTheFile) {
  std::string bytes;
  put<uint64_t>(bytes, 1000);
  bytes += "{}";
  std::string error =
      openError(WeightFile::openSafetensors, write("h.safetensors", bytes));
  EXPECT_HAS(error, "at byte offset 0: the header length 1000 runs past the "
                    "end of the file: only 2 bytes follow the 8-byte length");
  error = openError(WeightFile::openSafetensors, write("s.safetensors", "abc"));
  EXPECT_HAS(error, "8-byte header length, but the file has 3 bytes");
}

TEST_F(WeightFiles, SafetensorsBadJson) {
  std::string error = openError(
      WeightFile::open,
      write("j.safetensors",
            safetensors("{\"a\": {\"dtype\": \"F32\",, }}", "")));
  EXPECT_HAS(error, "at byte offset 30: invalid JSON header: expected a "
                    "string key in the object");
  error = openError(
      WeightFile::openSafetensors,
      write("d.safetensors", safetensors("{\"a\": 1, \"a\": 2}", "")));
  EXPECT_HAS(error, "duplicate key \"a\"");
  error = openError(WeightFile::openSafetensors,
                    write("u.safetensors", safetensors("{\"a\": \"\xff\"}", "")));
  EXPECT_HAS(error, "invalid UTF-8");
  error = openError(WeightFile::openSafetensors,
                    write("t.safetensors", safetensors("[1, 2]", "")));
  EXPECT_HAS(error, "at byte offset 8: the JSON header must begin with '{'");
  // The format allows trailing spaces, not leading ones (format detection
  // relies on the '{' after the length).
  error = openError(WeightFile::openSafetensors,
                    write("w.safetensors", safetensors("\n{}", "")));
  EXPECT_HAS(error, "at byte offset 8: the JSON header must begin with '{'");
  EXPECT_TRUE(WeightFile::openSafetensors(
      write("p.safetensors", safetensors("{}   ", "")), error))
      << error;
  std::string deep(100, '[');
  error = openError(WeightFile::openSafetensors,
                    write("n.safetensors", safetensors("{\"a\":" + deep, "")));
  EXPECT_HAS(error, "nested deeper than 64 levels");
}

TEST_F(WeightFiles, SafetensorsOverlappingOffsets) {
  std::string header = R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                           "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})";
  std::string error = openError(
      WeightFile::open,
      write("o.safetensors", safetensors(header, std::string(12, '\0'))));
  EXPECT_HAS(error, "the data_offsets of tensors 'a' [0, 8] and 'b' [4, 12] "
                    "overlap");
}

TEST_F(WeightFiles, SafetensorsSizeMismatch) {
  std::string header = R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})";
  std::string error = openError(
      WeightFile::open,
      write("s.safetensors", safetensors(header, std::string(24, '\0'))));
  EXPECT_HAS(error, "tensor 'w': dtype F32 and shape [2, 3] need 24 bytes, "
                    "but data_offsets [0, 20] hold 20");

  header = R"({"w": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}})";
  error = openError(WeightFile::open,
                    write("e.safetensors", safetensors(header, "1234")));
  EXPECT_HAS(error, "data_offsets [0, 8] run past the end of the data "
                    "section (4 bytes");

  header = R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}})";
  error = openError(WeightFile::open,
                    write("r.safetensors", safetensors(header, "1234")));
  EXPECT_HAS(error, "end before they begin");

  header = R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})";
  error = openError(WeightFile::open,
                    write("n.safetensors", safetensors(header, "1234")));
  EXPECT_HAS(error, "\"shape\" must hold non-negative integers");

  header = R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}})";
  error = openError(WeightFile::open,
                    write("x.safetensors", safetensors(header, "1234")));
  EXPECT_HAS(error, "unknown field \"x\"");
}

TEST_F(WeightFiles, SafetensorsSingleFile) {
  std::string header =
      R"({"__metadata__": {"format": "pt"},
          "model.norm.weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
          "model.layers.0.self_attn.rotary_emb.inv_freq": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}})";
  std::string data = floats({0.5f, -1.0f}) + std::string(8, '\0');
  std::string p = write("model.safetensors", safetensors(header, data));
  auto file = openOk(WeightFile::open, p);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->format(), WeightFormat::Safetensors);
  EXPECT_EQ(file->meta("format")->text, "pt");
  std::string error;
  const TensorInfo *norm = file->get("norm.weight", error);
  ASSERT_NE(norm, nullptr) << error;
  EXPECT_EQ(asF32(*norm), (std::vector<float>{0.5f, -1.0f}));
  const TensorInfo *freq =
      file->findStored("model.layers.0.self_attn.rotary_emb.inv_freq");
  ASSERT_NE(freq, nullptr);
  EXPECT_EQ(freq->dtype, DType::Unsupported);
  EXPECT_EQ(freq->canonicalName, "");
  EXPECT_EQ(file->get("output.weight", error), nullptr);
  EXPECT_HAS(error, "no tensor for mgc's 'output.weight'");
  // The directory opens the same file.
  auto again = openOk(WeightFile::open, dir_.string());
  ASSERT_TRUE(again);
  EXPECT_NE(again->find("norm.weight"), nullptr);
}

TEST_F(WeightFiles, SafetensorsShardedWithIndex) {
  // Shard 1: the embedding (F32 [3, 2]) and an unsupported I32 tensor.
  std::string h1 =
      R"({"model.embed_tokens.weight": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 24]},
          "extra": {"dtype": "I32", "shape": [1], "data_offsets": [24, 28]}})";
  std::string d1 = floats({1, 2, 3, 4, 5, 6}) + std::string(4, '\0');
  write("model-00001-of-00002.safetensors", safetensors(h1, d1));
  // Shard 2: a BF16 projection [2, 2] and the LM head.
  std::string bf16;
  for (float f : {1.0f, -2.5f, 0.15625f, 3.0f})
    put<uint16_t>(bf16, toBf16(f));
  std::string h2 =
      R"({"model.layers.0.self_attn.q_proj.weight": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]},
          "lm_head.weight": {"dtype": "F32", "shape": [3, 2], "data_offsets": [8, 32]}})";
  write("model-00002-of-00002.safetensors",
        safetensors(h2, bf16 + floats({6, 5, 4, 3, 2, 1})));
  std::string index = R"({"metadata": {"total_size": 64},
    "weight_map": {
      "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
      "extra": "model-00001-of-00002.safetensors",
      "model.layers.0.self_attn.q_proj.weight": "model-00002-of-00002.safetensors",
      "lm_head.weight": "model-00002-of-00002.safetensors"}})";
  std::string indexPath = write("model.safetensors.index.json", index);

  for (const std::string &p : {indexPath, dir_.string()}) {
    auto file = openOk(WeightFile::open, p);
    ASSERT_TRUE(file);
    EXPECT_EQ(file->files().size(), 2u);
    EXPECT_EQ(file->tensors().size(), 4u);
    int64_t total = 0;
    ASSERT_TRUE(file->meta("total_size")->getInt(total));
    EXPECT_EQ(total, 64);
    std::string error;
    const TensorInfo *embed = file->get("embed.tokens.weight", error);
    ASSERT_NE(embed, nullptr) << error;
    EXPECT_EQ(embed->shape, (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(asF32(*embed), (std::vector<float>{1, 2, 3, 4, 5, 6}));
    const TensorInfo *q = file->get("layers.0.attn.q.weight", error);
    ASSERT_NE(q, nullptr) << error;
    EXPECT_EQ(q->dtype, DType::BF16);
    EXPECT_EQ(q->shard, 1u);
    EXPECT_EQ(asF32(*q), (std::vector<float>{1.0f, -2.5f, 0.15625f, 3.0f}));
    const TensorInfo *out = file->get("output.weight", error);
    ASSERT_NE(out, nullptr) << error;
    EXPECT_EQ(asF32(*out), (std::vector<float>{6, 5, 4, 3, 2, 1}));
    const TensorInfo *extra = file->findStored("extra");
    ASSERT_NE(extra, nullptr);
    EXPECT_EQ(extra->storedType, "I32");
  }

  // The index and the shards must agree.
  std::string wrongShard = index;
  wrongShard.replace(wrongShard.find("\"model-00001-of-00002.safetensors\",\n"
                                     "      \"extra\""),
                     34, "\"model-00002-of-00002.safetensors\"");
  std::string error = openError(WeightFile::open, write("a.json", wrongShard));
  EXPECT_HAS(error, "weight_map puts tensor 'model.embed_tokens.weight' in "
                    "shard 'model-00002-of-00002.safetensors', but it is in");
  error = openError(WeightFile::open,
                    write("b.json", R"({"weight_map": {"x": "../x.safetensors"}})"));
  EXPECT_HAS(error, "must name a shard file inside the index's directory");
  error = openError(WeightFile::open,
                    write("c.json", R"({"weight_map": {"x": "gone.safetensors"}})"));
  EXPECT_HAS(error, "cannot read shard 'gone.safetensors'");
  error = openError(
      WeightFile::open,
      write("d.json",
            R"({"weight_map": {"nothere": "model-00001-of-00002.safetensors"}})"));
  EXPECT_HAS(error, "weight_map puts tensor 'nothere' in shard "
                    "'model-00001-of-00002.safetensors', which has no tensor "
                    "of that name");
  error = openError(WeightFile::open, write("e.json", R"({"metadata": {}})"));
  EXPECT_HAS(error, "must hold a \"weight_map\" object");
}

TEST_F(WeightFiles, SafetensorsSurvivesCorruption) {
  std::string header =
      R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
          "b": {"dtype": "BF16", "shape": [4], "data_offsets": [16, 24]}})";
  std::string bytes = safetensors(header, std::string(24, '\x3f'));
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    openError(WeightFile::openSafetensors,
              write("c.safetensors", bytes.substr(0, cut)));
  std::mt19937 rng(99);
  for (int round = 0; round < 400; ++round) {
    std::string corrupt = bytes;
    for (int i = 0; i < 3; ++i)
      corrupt[rng() % corrupt.size()] = char(rng());
    std::string error;
    WeightFile::openSafetensors(write("r.safetensors", corrupt), error);
  }
}

//===----------------------------------------------------------------------===//
// Names and conversions
//===----------------------------------------------------------------------===//

TEST(WeightNames, GgufToCanonical) {
  EXPECT_EQ(ggufToCanonical("token_embd.weight"), "embed.tokens.weight");
  EXPECT_EQ(ggufToCanonical("blk.12.attn_q.weight"), "layers.12.attn.q.weight");
  EXPECT_EQ(ggufToCanonical("blk.0.attn_k.bias"), "layers.0.attn.k.bias");
  EXPECT_EQ(ggufToCanonical("blk.0.attn_v.weight"), "layers.0.attn.v.weight");
  EXPECT_EQ(ggufToCanonical("blk.0.attn_output.weight"), "layers.0.attn.o.weight");
  EXPECT_EQ(ggufToCanonical("blk.3.attn_norm.weight"),
            "layers.3.mixer_norm.weight");
  EXPECT_EQ(ggufToCanonical("blk.3.ffn_norm.weight"), "layers.3.ffn_norm.weight");
  EXPECT_EQ(ggufToCanonical("blk.3.ffn_gate.weight"), "layers.3.ffn.gate.weight");
  EXPECT_EQ(ggufToCanonical("blk.3.ffn_up.weight"), "layers.3.ffn.up.weight");
  EXPECT_EQ(ggufToCanonical("blk.3.ffn_down.weight"), "layers.3.ffn.down.weight");
  EXPECT_EQ(ggufToCanonical("output_norm.weight"), "norm.weight");
  EXPECT_EQ(ggufToCanonical("output.weight"), "output.weight");
  EXPECT_EQ(ggufToCanonical("rope_freqs.weight"), "");
  EXPECT_EQ(ggufToCanonical("blk.01.attn_q.weight"), "");
  EXPECT_EQ(ggufToCanonical("blk.x.attn_q.weight"), "");
  EXPECT_EQ(ggufToCanonical("blk.1.attn_q.scale"), "");
}

TEST(WeightNames, HuggingFaceToCanonical) {
  EXPECT_EQ(hfToCanonical("model.embed_tokens.weight"), "embed.tokens.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.self_attn.q_proj.weight"),
            "layers.7.attn.q.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.self_attn.k_proj.bias"),
            "layers.7.attn.k.bias");
  EXPECT_EQ(hfToCanonical("model.layers.7.self_attn.v_proj.weight"),
            "layers.7.attn.v.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.self_attn.o_proj.weight"),
            "layers.7.attn.o.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.input_layernorm.weight"),
            "layers.7.mixer_norm.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.post_attention_layernorm.weight"),
            "layers.7.ffn_norm.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.mlp.gate_proj.weight"),
            "layers.7.ffn.gate.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.mlp.up_proj.weight"),
            "layers.7.ffn.up.weight");
  EXPECT_EQ(hfToCanonical("model.layers.7.mlp.down_proj.weight"),
            "layers.7.ffn.down.weight");
  EXPECT_EQ(hfToCanonical("model.norm.weight"), "norm.weight");
  EXPECT_EQ(hfToCanonical("lm_head.weight"), "output.weight");
  EXPECT_EQ(hfToCanonical("model.layers.0.self_attn.rotary_emb.inv_freq"), "");
}

TEST(WeightConversions, HalfAndBfloat16) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14));
  EXPECT_TRUE(std::isinf(halfToFloat(0x7c00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_EQ(bf16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xc020), -2.5f);
}

TEST(WeightConversions, FloatToHalfAndBfloat16RoundToNearestEven) {
  // Every value either format holds comes back as itself.
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    uint16_t h = uint16_t(bits);
    if (!std::isnan(halfToFloat(h)))
      ASSERT_EQ(floatToHalf(halfToFloat(h)), h) << std::hex << bits;
    if (!std::isnan(bf16ToFloat(h)))
      ASSERT_EQ(floatToBf16(bf16ToFloat(h)), h) << std::hex << bits;
  }
  const float one = 1.0f;
  // Halfway between two neighbours: to the even one; beyond it: up.
  EXPECT_EQ(floatToHalf(one + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(floatToHalf(one + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(floatToHalf(std::nextafter(one + std::ldexp(1.0f, -11), 2.0f)),
            0x3c01);
  EXPECT_EQ(floatToBf16(one + std::ldexp(1.0f, -8)), 0x3f80);
  EXPECT_EQ(floatToBf16(one + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  EXPECT_EQ(floatToBf16(std::nextafter(one + std::ldexp(1.0f, -8), 2.0f)),
            0x3f81);
  EXPECT_EQ(floatToBf16(-2.5f), 0xc020);
  // Half's range: the largest finite value, and infinity from 65520 on.
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(-1e30f), 0xfc00);
  EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7f80);
  // Half subnormals (multiples of 2^-24): ties to even, and up into the
  // smallest normal.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);
  EXPECT_EQ(floatToHalf(std::ldexp(1023.5f, -24)), 0x0400);
  EXPECT_EQ(floatToHalf(-std::ldexp(5.0f, -24)), 0x8005);
  // NaN stays NaN, infinity infinity.
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(std::nanf("")))));
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(std::nanf("")))));
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(floatToBf16(-std::numeric_limits<float>::infinity()), 0xff80);
}

} // namespace

namespace {

// Found by fuzzing: a zero dimension must not hide an absurd one (a negative
// int64 shape, or an element count that overflows).
TEST(WeightFileFuzzFindings, GgufDimensionsAfterAZero) {
  for (const char *name : {"negative-dimension-after-zero.gguf",
                           "numelements-overflow-after-zero.gguf"}) {
    std::string path =
        std::string(MGC_SOURCE_DIR) + "/tests/fuzz/crashes/gguf/" + name;
    std::string error;
    EXPECT_EQ(mgc::WeightFile::openGguf(path, error), nullptr) << name;
    EXPECT_NE(error.find("has a dimension or element count beyond 2^63"),
              std::string::npos)
        << error;
  }
}

} // namespace
