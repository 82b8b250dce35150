//===- TokenizerTest.cpp - llama2.c and GGUF tokenizers -------------------===//
//
// Checks the runtime tokenizer against llama2.c's reference outputs for
// stories260K (prompt ids and greedy text from tok512.bin and from the
// vocabulary embedded in stories260K.gguf), against a literal O(n^2) port of
// run.c's encode on random text, byte fallback round trips, small GGUF
// vocabularies written here, and truncated or corrupt files (clear errors,
// never a crash).
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/Tokenizer.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;
using namespace mgc;

namespace {

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

std::string storiesDir() {
  return std::string(MGC_SOURCE_DIR) + "/../shared/models/stories260K";
}
std::string tok512Path() { return storiesDir() + "/tok512.bin"; }
std::string ggufPath() { return storiesDir() + "/stories260K.gguf"; }

/// Skips the test when ../shared/models is absent (never passes silently).
#define REQUIRE_SHARED_MODELS()                                                \
  do {                                                                         \
    if (!fs::exists(tok512Path()) || !fs::exists(ggufPath())) {                \
      GTEST_SKIP() << "shared models not found: " << storiesDir()              \
                   << " (expected ../shared/models beside the repository "     \
                      "root)";                                                 \
    }                                                                          \
  } while (false)

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A fresh directory for this test's files, removed at the end.
class TempDir {
public:
  TempDir() {
    const auto *info = testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("mgc-tokenizer-" + std::string(info->name()) + "-" +
             std::to_string(std::random_device()()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  /// Writes `bytes` to `name` in the directory and returns its path.
  std::string write(const std::string &name, const std::string &bytes) const {
    std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string path() const { return path_.string(); }

private:
  fs::path path_;
};

/// Loads a tokenizer into `var` (a const reference), or fails the test.
#define LOAD_OR_FAIL(var, expr)                                                \
  TokenizerOrError var##Loaded = (expr);                                       \
  ASSERT_TRUE(var##Loaded.ok()) << var##Loaded.error;                          \
  const Tokenizer &var = *var##Loaded.tokenizer

//===----------------------------------------------------------------------===//
// llama2.c's reference outputs
//===----------------------------------------------------------------------===//

/// refs/run_t0_n200_pK.* and refs/dump_pK.tokens.txt for one prompt.
struct Reference {
  std::string prompt;             // the .prompt file without its final '\n'
  std::string headerPrompt;       // prompt="..." in the dump's header line
  std::vector<int32_t> promptIds; // "prompt_ids:" line (BOS first)
  std::vector<int32_t> inputs;    // per position: input token
  std::vector<int32_t> fed;       // per position: token fed back next
  std::string text;               // run.c's stdout, bytes as written
};

Reference loadReference(int k) {
  std::string refs = storiesDir() + "/refs/";
  std::string n = std::to_string(k);
  Reference ref;
  ref.prompt = readFile(refs + "run_t0_n200_p" + n + ".prompt");
  if (!ref.prompt.empty() && ref.prompt.back() == '\n')
    ref.prompt.pop_back(); // written with echo
  ref.text = readFile(refs + "run_t0_n200_p" + n + ".txt");
  std::istringstream dump(readFile(refs + "dump_p" + n + ".tokens.txt"));
  std::string line;
  while (std::getline(dump, line)) {
    if (line.rfind("# model=", 0) == 0) {
      size_t open = line.find("prompt=\"") + 8;
      ref.headerPrompt = line.substr(open, line.find('"', open) - open);
    } else if (line.rfind("prompt_ids:", 0) == 0) {
      std::istringstream ids(line.substr(11));
      for (int32_t id; ids >> id;)
        ref.promptIds.push_back(id);
    } else if (!line.empty() && line[0] != '#') {
      std::istringstream row(line);
      int32_t pos, input, argmax, fed;
      row >> pos >> input >> argmax >> fed;
      ref.inputs.push_back(input);
      ref.fed.push_back(fed);
    }
  }
  return ref;
}

const int kReferencePrompts[] = {0, 1, 4};

/// What run.c's generate prints for the steps: each fed token decoded
/// against its input and filtered by safe_printf, then a newline.
std::string runCOutput(const Tokenizer &tok, const Reference &ref) {
  std::string out;
  for (size_t i = 0; i < ref.fed.size(); ++i) {
    if (ref.fed[i] == 1)
      break; // run.c stops at BOS
    out += Tokenizer::safePiece(tok.decode(ref.inputs[i], ref.fed[i]));
  }
  return out + "\n";
}

TEST(TokenizerTest, Llama2cVocabulary) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(tok, Tokenizer::fromLlama2c(tok512Path()));
  EXPECT_EQ(tok.vocabSize(), 512);
  EXPECT_EQ(tok.bosId(), 1);
  EXPECT_EQ(tok.eosId(), 2);
  EXPECT_TRUE(tok.addBos());
  EXPECT_EQ(tok.piece(1), "\n<s>\n");
  EXPECT_EQ(tok.piece(3), "<0x00>");
  EXPECT_EQ(tok.type(3), TokenType::Byte);
  EXPECT_EQ(tok.piece(259), " t");
  EXPECT_EQ(tok.type(259), TokenType::Normal);
  EXPECT_EQ(tok.score(260), -1.0f);
  EXPECT_EQ(tok.piece(512), "");
  // Reading exactly the model's vocabulary size gives the same tokenizer.
  LOAD_OR_FAIL(exact, Tokenizer::fromLlama2c(tok512Path(), 512));
  EXPECT_EQ(exact.vocabSize(), 512);
  // Fewer tokens than the file holds is what run.c does for a smaller model.
  LOAD_OR_FAIL(fewer, Tokenizer::fromLlama2c(tok512Path(), 300));
  EXPECT_EQ(fewer.vocabSize(), 300);
}

TEST(TokenizerTest, GgufVocabularyEqualsLlama2c) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(bin, Tokenizer::fromLlama2c(tok512Path()));
  LOAD_OR_FAIL(gguf, Tokenizer::fromGguf(ggufPath()));
  ASSERT_EQ(gguf.vocabSize(), 512);
  EXPECT_EQ(gguf.bosId(), 1);
  EXPECT_EQ(gguf.eosId(), 2);
  EXPECT_TRUE(gguf.addBos());
  EXPECT_EQ(gguf.type(0), TokenType::Unknown);
  EXPECT_EQ(gguf.type(1), TokenType::Control);
  EXPECT_EQ(gguf.type(3), TokenType::Byte);
  for (int32_t id = 3; id < 512; ++id) {
    EXPECT_EQ(gguf.piece(id), bin.piece(id)) << "id " << id;
    EXPECT_EQ(gguf.score(id), bin.score(id)) << "id " << id;
    EXPECT_EQ(gguf.decode(1, id), bin.decode(1, id)) << "id " << id;
    EXPECT_EQ(gguf.decode(7, id), bin.decode(7, id)) << "id " << id;
  }
  // Control tokens: run.c prints the llama2.c export's text; a GGUF
  // (SentencePiece) vocabulary renders them as nothing.
  EXPECT_EQ(bin.decode(5, 2), "\n</s>\n");
  EXPECT_EQ(gguf.decode(5, 2), "");
}

TEST(TokenizerTest, EncodesReferencePrompts) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(bin, Tokenizer::fromLlama2c(tok512Path()));
  LOAD_OR_FAIL(gguf, Tokenizer::fromGguf(ggufPath()));
  for (int k : kReferencePrompts) {
    Reference ref = loadReference(k);
    SCOPED_TRACE("prompt p" + std::to_string(k) + " \"" + ref.prompt + "\"");
    ASSERT_FALSE(ref.promptIds.empty());
    EXPECT_EQ(ref.prompt, ref.headerPrompt);
    EXPECT_EQ(bin.encode(ref.prompt, true, false), ref.promptIds);
    EXPECT_EQ(gguf.encode(ref.prompt, true, false), ref.promptIds);
    // The dump's forced prompt steps agree with its prompt_ids line.
    for (size_t i = 0; i + 1 < ref.promptIds.size(); ++i)
      EXPECT_EQ(ref.fed[i], ref.promptIds[i + 1]);
  }
}

TEST(TokenizerTest, DecodesReferenceGeneration) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(bin, Tokenizer::fromLlama2c(tok512Path()));
  LOAD_OR_FAIL(gguf, Tokenizer::fromGguf(ggufPath()));
  for (int k : kReferencePrompts) {
    Reference ref = loadReference(k);
    SCOPED_TRACE("prompt p" + std::to_string(k));
    ASSERT_EQ(ref.fed.size(), 200u);
    EXPECT_EQ(runCOutput(bin, ref), ref.text);
    EXPECT_EQ(runCOutput(gguf, ref), ref.text);
  }
}

//===----------------------------------------------------------------------===//
// Encoding rules
//===----------------------------------------------------------------------===//

/// run.c's encode, ported literally (linear rescans, byte + 3 fallback).
std::vector<int32_t> runCEncode(const Tokenizer &tok, const std::string &text,
                                bool bos, bool eos) {
  std::unordered_map<std::string, int32_t> ids;
  for (int32_t id = tok.vocabSize() - 1; id >= 0; --id)
    ids[tok.piece(id)] = id;
  auto lookup = [&](const std::string &s) {
    auto it = ids.find(s);
    return it == ids.end() ? -1 : it->second;
  };
  std::vector<int32_t> tokens;
  if (bos)
    tokens.push_back(1);
  if (!text.empty())
    tokens.push_back(lookup(" "));
  std::string buffer;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) != 0x80)
      buffer.clear();
    buffer += text[i];
    if (i + 1 < text.size() && (text[i + 1] & 0xC0) == 0x80 &&
        buffer.size() < 4)
      continue;
    int32_t id = lookup(buffer);
    if (id != -1) {
      tokens.push_back(id);
    } else {
      for (char c : buffer)
        tokens.push_back(static_cast<unsigned char>(c) + 3);
    }
    buffer.clear();
  }
  while (true) {
    float bestScore = -1e10;
    int32_t bestId = -1;
    int bestIdx = -1;
    for (int i = 0; i + 1 < int(tokens.size()); ++i) {
      int32_t id = lookup(tok.piece(tokens[i]) + tok.piece(tokens[i + 1]));
      if (id != -1 && tok.score(id) > bestScore) {
        bestScore = tok.score(id);
        bestId = id;
        bestIdx = i;
      }
    }
    if (bestIdx == -1)
      break;
    tokens[bestIdx] = bestId;
    tokens.erase(tokens.begin() + bestIdx + 1);
  }
  if (eos)
    tokens.push_back(2);
  return tokens;
}

/// Random text built from vocabulary pieces, ASCII, spaces, multi-byte
/// characters and stray UTF-8 bytes (no NUL: run.c works on C strings).
std::string randomText(const Tokenizer &tok, std::mt19937 &rng) {
  static const char *extras[] = {" ",        "  ",       "é",   "☃",
                                 "日本",     "😀",        "\n",  "\xC3",
                                 "\x80\x80", "\xF0\x9F", "\xFF"};
  std::string text;
  int parts = std::uniform_int_distribution<int>(0, 24)(rng);
  for (int i = 0; i < parts; ++i) {
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0:
    case 1:
      text += tok.piece(std::uniform_int_distribution<int32_t>(
          259, tok.vocabSize() - 1)(rng));
      break;
    case 2:
      text +=
          static_cast<char>(std::uniform_int_distribution<int>(32, 126)(rng));
      break;
    default:
      text += extras[std::uniform_int_distribution<size_t>(
          0, sizeof(extras) / sizeof(extras[0]) - 1)(rng)];
    }
  }
  return text;
}

TEST(TokenizerTest, EncodeEqualsRunCOnRandomText) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(bin, Tokenizer::fromLlama2c(tok512Path()));
  LOAD_OR_FAIL(gguf, Tokenizer::fromGguf(ggufPath()));
  // The port itself reproduces llama2.c's prompt ids.
  for (int k : kReferencePrompts) {
    Reference ref = loadReference(k);
    EXPECT_EQ(runCEncode(bin, ref.prompt, true, false), ref.promptIds);
  }
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    std::string text = randomText(bin, rng);
    bool bos = i % 3 != 0, eos = i % 5 == 0;
    std::vector<int32_t> expected = runCEncode(bin, text, bos, eos);
    ASSERT_EQ(bin.encode(text, bos, eos), expected)
        << "text: \"" << text << '"';
    ASSERT_EQ(gguf.encode(text, bos, eos), expected)
        << "text: \"" << text << '"';
  }
}

TEST(TokenizerTest, LongTextRoundTrips) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(tok, Tokenizer::fromLlama2c(tok512Path()));
  // ~230 KB: quick with the priority queue, minutes with run.c's rescans.
  std::string story = loadReference(0).text, text;
  for (int i = 0; i < 500; ++i)
    text += story;
  std::vector<int32_t> ids = tok.encode(text, true, false);
  EXPECT_LT(ids.size(), text.size() / 2);
  std::string decoded;
  for (size_t i = 1; i < ids.size(); ++i)
    decoded += tok.decode(ids[i - 1], ids[i]);
  EXPECT_EQ(decoded, text);
}

TEST(TokenizerTest, EmptyTextAndFlags) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(tok, Tokenizer::fromLlama2c(tok512Path()));
  EXPECT_EQ(tok.encode("", true, false), std::vector<int32_t>({1}));
  EXPECT_EQ(tok.encode("", false, false), std::vector<int32_t>());
  EXPECT_EQ(tok.encode("", true, true), std::vector<int32_t>({1, 2}));
  std::vector<int32_t> ids = tok.encode("Once", false, true);
  EXPECT_EQ(ids.back(), 2);
  EXPECT_NE(ids.front(), 1);
  // Out-of-range ids decode to nothing rather than crash.
  EXPECT_EQ(tok.decode(1, -1), "");
  EXPECT_EQ(tok.decode(1, 512), "");
}

/// The text of `ids` (which start with BOS) decoded token by token.
std::string decodeAll(const Tokenizer &tok, const std::vector<int32_t> &ids) {
  std::string text;
  for (size_t i = 1; i < ids.size(); ++i)
    text += tok.decode(ids[i - 1], ids[i]);
  return text;
}

TEST(TokenizerTest, ByteFallbackRoundTrips) {
  REQUIRE_SHARED_MODELS();
  LOAD_OR_FAIL(bin, Tokenizer::fromLlama2c(tok512Path()));
  LOAD_OR_FAIL(gguf, Tokenizer::fromGguf(ggufPath()));
  const std::string texts[] = {"héllo ☃", "日本語 and 😀!", "tab\there\nnew",
                               "\xC3(stray\x80)", "x"};
  for (const Tokenizer *tok : {&bin, &gguf}) {
    for (const std::string &text : texts) {
      std::vector<int32_t> ids = tok->encode(text, true, false);
      EXPECT_EQ(decodeAll(*tok, ids), text) << "text: \"" << text << '"';
    }
    // ö is not in this vocabulary: its two bytes fall back to <0xC3><0xB6>
    // (é is: one token).
    std::vector<int32_t> ids = tok->encode("ö", false, false);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[1], 0xC3 + 3);
    EXPECT_EQ(ids[2], 0xB6 + 3);
    EXPECT_EQ(tok->encode("é", false, false).size(), 2u);
    std::vector<int32_t> snowman = tok->encode("héllo ☃", true, false);
    EXPECT_EQ(std::vector<int32_t>(snowman.end() - 3, snowman.end()),
              std::vector<int32_t>({0xE2 + 3, 0x98 + 3, 0x83 + 3}));
    // run.c's safe_printf drops lone bytes that are not printable ASCII.
    EXPECT_EQ(Tokenizer::safePiece(tok->decode(0, ids[1])), "");
  }
  EXPECT_EQ(Tokenizer::safePiece("\n"), "\n");
  EXPECT_EQ(Tokenizer::safePiece("\x07"), "");
  EXPECT_EQ(Tokenizer::safePiece("é"), "é");
  EXPECT_EQ(Tokenizer::safePiece(""), "");
}

//===----------------------------------------------------------------------===//
// Small GGUF vocabularies written here
//===----------------------------------------------------------------------===//

/// Writes GGUF metadata (little-endian) for crafted test files.
class GgufBuilder {
public:
  GgufBuilder &string(const std::string &key, const std::string &value) {
    keyAndType(key, 8);
    str(value);
    return *this;
  }
  GgufBuilder &strings(const std::string &key,
                       const std::vector<std::string> &values) {
    arrayHeader(key, 8, values.size());
    for (const std::string &v : values)
      str(v);
    return *this;
  }
  GgufBuilder &floats(const std::string &key,
                      const std::vector<float> &values) {
    arrayHeader(key, 6, values.size());
    for (float v : values)
      raw(&v, 4);
    return *this;
  }
  GgufBuilder &ints(const std::string &key,
                    const std::vector<int32_t> &values) {
    arrayHeader(key, 5, values.size());
    for (int32_t v : values)
      raw(&v, 4);
    return *this;
  }
  GgufBuilder &u32(const std::string &key, uint32_t value) {
    keyAndType(key, 4);
    raw(&value, 4);
    return *this;
  }
  GgufBuilder &boolean(const std::string &key, bool value) {
    keyAndType(key, 7);
    uint8_t b = value;
    raw(&b, 1);
    return *this;
  }
  std::string build(uint32_t version = 3) const {
    std::string out = "GGUF";
    out.append(reinterpret_cast<const char *>(&version), 4);
    uint64_t tensors = 0, kvs = count_;
    out.append(reinterpret_cast<const char *>(&tensors), 8);
    out.append(reinterpret_cast<const char *>(&kvs), 8);
    return out + body_;
  }

private:
  void raw(const void *p, size_t n) {
    body_.append(static_cast<const char *>(p), n);
  }
  void str(const std::string &s) {
    uint64_t n = s.size();
    raw(&n, 8);
    body_ += s;
  }
  void keyAndType(const std::string &key, uint32_t type) {
    ++count_;
    str(key);
    raw(&type, 4);
  }
  void arrayHeader(const std::string &key, uint32_t elemType, uint64_t n) {
    keyAndType(key, 9);
    raw(&elemType, 4);
    raw(&n, 8);
  }
  std::string body_;
  uint64_t count_ = 0;
};

/// A tiny llama vocabulary: <unk>, <s>, </s>, 256 byte tokens, then pieces
/// with SentencePiece's ▁ (U+2581) for spaces.
struct TinyVocab {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<float> scores = {0, 0, 0};
  std::vector<int32_t> types = {2, 3, 3};
  TinyVocab() {
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      add(name, 0, 6);
    }
    add("\xE2\x96\x81", -1);   // 259 ▁
    add("h", -2);              // 260
    add("i", -3);              // 261
    add("\xE2\x96\x81h", -4);  // 262 ▁h
    add("\xE2\x96\x81hi", -5); // 263 ▁hi
    add("<unused>", 0, 5);     // 264
  }
  void add(const std::string &piece, float score, int32_t type = 1) {
    tokens.push_back(piece);
    scores.push_back(score);
    types.push_back(type);
  }
  GgufBuilder builder() const {
    GgufBuilder b;
    b.string("general.architecture", "llama")
        .u32("llama.block_count", 1)
        .string("tokenizer.ggml.model", "llama")
        .strings("tokenizer.ggml.tokens", tokens)
        .floats("tokenizer.ggml.scores", scores)
        .ints("tokenizer.ggml.token_type", types);
    return b;
  }
};

TEST(TokenizerTest, TinyGgufVocabulary) {
  TempDir dir;
  TinyVocab v;
  LOAD_OR_FAIL(
      tok, Tokenizer::fromGguf(dir.write("tiny.gguf", v.builder().build())));
  ASSERT_EQ(tok.vocabSize(), 265);
  EXPECT_EQ(tok.bosId(), 1); // llama defaults when the ids are absent
  EXPECT_EQ(tok.eosId(), 2);
  EXPECT_EQ(tok.piece(263), " hi");
  EXPECT_EQ(tok.encode("hi hi", true, false),
            std::vector<int32_t>({1, 263, 263}));
  EXPECT_EQ(tok.decode(1, 263), "hi");
  EXPECT_EQ(tok.decode(263, 263), " hi");
  EXPECT_EQ(tok.decode(263, 1), "");   // control
  EXPECT_EQ(tok.decode(263, 264), ""); // unused
  // Control and byte pieces are never matched from text.
  EXPECT_EQ(tok.encode("<s>", true, false),
            std::vector<int32_t>({1, 259, '<' + 3, 's' + 3, '>' + 3}));
  EXPECT_EQ(tok.encode("<0x41>", false, false).size(), 7u);
  EXPECT_EQ(tok.encode("<unused>", false, false).size(), 9u);

  // Explicit ids and flags.
  GgufBuilder b = v.builder();
  b.u32("tokenizer.ggml.bos_token_id", 2)
      .u32("tokenizer.ggml.eos_token_id", 0xFFFFFFFFu)
      .boolean("tokenizer.ggml.add_bos_token", false)
      .boolean("tokenizer.ggml.add_space_prefix", false);
  LOAD_OR_FAIL(flags, Tokenizer::fromGguf(dir.write("flags.gguf", b.build(2))));
  EXPECT_EQ(flags.bosId(), 2);
  EXPECT_EQ(flags.eosId(), -1);
  EXPECT_FALSE(flags.addBos());
  EXPECT_EQ(flags.encode("hi", true, true),
            std::vector<int32_t>({2, 260, 261}));
}

//===----------------------------------------------------------------------===//
// Bad files
//===----------------------------------------------------------------------===//

/// Expects loading to fail with a message containing each of `parts`.
void expectError(const TokenizerOrError &r,
                 const std::vector<std::string> &parts) {
  ASSERT_FALSE(r.ok());
  for (const std::string &part : parts)
    EXPECT_NE(r.error.find(part), std::string::npos)
        << "error \"" << r.error << "\" lacks \"" << part << '"';
}

std::string i32Bytes(int32_t v) {
  return std::string(reinterpret_cast<char *>(&v), 4);
}

TEST(TokenizerTest, MissingFiles) {
  TempDir dir;
  std::string missing = dir.path() + "/missing.bin";
  expectError(Tokenizer::fromLlama2c(missing), {missing, "no such file"});
  expectError(Tokenizer::fromGguf(missing), {missing, "no such file"});
  expectError(Tokenizer::fromLlama2c(dir.path()), {"not a regular file"});
  expectError(Tokenizer::fromGguf(dir.path()), {"not a regular file"});
}

TEST(TokenizerTest, TruncatedLlama2cTokenizer) {
  REQUIRE_SHARED_MODELS();
  TempDir dir;
  std::string bytes = readFile(tok512Path());
  ASSERT_EQ(bytes.size(), 6227u);
  // Every cut in the header and first tokens, then every 7th byte (7 is
  // coprime to the record sizes): with the model's vocabulary size it must
  // fail; reading to the end of the file it may only succeed on a token
  // boundary.
  for (size_t cut = 0; cut < bytes.size(); cut += cut < 256 ? 1 : 7) {
    std::string path = dir.write("cut.bin", bytes.substr(0, cut));
    TokenizerOrError r = Tokenizer::fromLlama2c(path, 512);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    ASSERT_NE(r.error.find(path + ": offset "), std::string::npos) << r.error;
    TokenizerOrError open = Tokenizer::fromLlama2c(path);
    if (open.ok()) {
      ASSERT_LT(open.tokenizer->vocabSize(), 512);
    }
  }
  std::string path = dir.write("cut.bin", bytes.substr(0, 1000));
  expectError(Tokenizer::fromLlama2c(path, 512),
              {path, "truncated", "(token "});
}

TEST(TokenizerTest, CorruptLlama2cTokenizer) {
  TempDir dir;
  // A valid start: max length 5, tokens <unk>, <s>, </s>.
  std::string good = i32Bytes(5);
  for (const char *piece : {"<unk>", "<s>", "</s>"}) {
    good +=
        std::string(4, '\0') + i32Bytes(int32_t(std::strlen(piece))) + piece;
  }
  EXPECT_TRUE(Tokenizer::fromLlama2c(dir.write("good.bin", good)).ok());

  for (int32_t absurd : {0, -1, 0x7fffffff, 70000}) {
    std::string bytes = i32Bytes(absurd) + good.substr(4);
    expectError(Tokenizer::fromLlama2c(dir.write("max.bin", bytes)),
                {"offset 0", "max_token_length is " + std::to_string(absurd)});
  }
  for (int32_t length : {-3, 6, 0x7fffffff}) {
    std::string bytes = good + std::string(4, '\0') + i32Bytes(length) + "abc";
    expectError(Tokenizer::fromLlama2c(dir.write("len.bin", bytes)),
                {"offset " + std::to_string(good.size() + 4),
                 "token length " + std::to_string(length), "(token 3)"});
  }
  expectError(Tokenizer::fromLlama2c(dir.write("two.bin", good.substr(0, 28))),
              {"holds 2 tokens"});
  expectError(Tokenizer::fromLlama2c(dir.write("empty.bin", "")),
              {"offset 0", "max_token_length"});
  expectError(Tokenizer::fromLlama2c(dir.write("good.bin", good), -2),
              {"vocabulary size -2"});
}

TEST(TokenizerTest, CorruptGgufVocabulary) {
  TempDir dir;
  TinyVocab v;
  auto load = [&](const std::string &bytes) {
    return Tokenizer::fromGguf(dir.write("bad.gguf", bytes));
  };
  std::string good = v.builder().build();

  expectError(load("GGML" + good.substr(4)), {"offset 0", "not a GGUF file"});
  expectError(load(v.builder().build(1)), {"offset 4", "version 1"});
  expectError(load(v.builder().build(0x03000000)), {"big-endian"});

  // No tokenizer, another tokenizer model, inconsistent arrays, bad ids.
  GgufBuilder none;
  none.string("general.architecture", "llama");
  expectError(load(none.build()), {"no tokenizer.ggml.model"});
  GgufBuilder gpt2;
  gpt2.string("tokenizer.ggml.model", "gpt2")
      .strings("tokenizer.ggml.tokens", {"a"});
  expectError(load(gpt2.build()), {"'gpt2'", "only 'llama'"});
  GgufBuilder shortScores;
  shortScores.string("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", v.tokens)
      .floats("tokenizer.ggml.scores", {0, 0});
  expectError(load(shortScores.build()),
              {"tokenizer.ggml.scores has 2 entries", "has 265"});
  TinyVocab badType;
  badType.types[7] = 9;
  expectError(load(badType.builder().build()),
              {"tokenizer.ggml.token_type[7] is 9"});
  GgufBuilder bos = v.builder();
  bos.u32("tokenizer.ggml.bos_token_id", 265);
  expectError(load(bos.build()), {"bos_token_id is 265"});
  GgufBuilder twice = v.builder();
  twice.string("tokenizer.ggml.model", "llama");
  expectError(load(twice.build()), {"appears twice"});
  GgufBuilder wrongType;
  wrongType.string("tokenizer.ggml.model", "llama")
      .u32("tokenizer.ggml.tokens", 3);
  expectError(load(wrongType.build()), {"'tokenizer.ggml.tokens' holds u32"});

  // Absurd counts and lengths are caught before any allocation.
  std::string hugeKvs = good;
  hugeKvs[16 + 7] = 0x40; // kv count ~ 2^62
  expectError(load(hugeKvs), {"offset 16", "key/value count"});
  size_t tokensAt = good.find("tokenizer.ggml.tokens") + 21;
  std::string hugeArray = good;
  hugeArray[tokensAt + 8 + 7] = 0x40; // element count ~ 2^62
  expectError(load(hugeArray),
              {"offset " + std::to_string(tokensAt + 8),
               "'tokenizer.ggml.tokens'", "truncated or corrupt"});
  std::string hugeString = good;
  hugeString[tokensAt + 16 + 7] = 0x40; // first token's length ~ 2^62
  expectError(load(hugeString),
              {"offset " + std::to_string(tokensAt + 24),
               "tokenizer.ggml.tokens", "(element 0 of 265)"});
}

TEST(TokenizerTest, TruncatedGguf) {
  REQUIRE_SHARED_MODELS();
  TempDir dir;
  std::string bytes = readFile(ggufPath());
  // The metadata section ends after the last key's value (an f32); no read
  // goes past it, so any cut before it must fail and any cut after succeed.
  const std::string lastKey = "llama.attention.layer_norm_rms_epsilon";
  size_t end = bytes.find(lastKey);
  ASSERT_NE(end, std::string::npos);
  end += lastKey.size() + 4 + 4;
  std::vector<size_t> cuts = {end - 1, end, end + 1, end + 64};
  for (size_t cut = 0; cut < end; cut += cut < 256 ? 1 : 7)
    cuts.push_back(cut);
  for (size_t cut : cuts) {
    std::string path = dir.write("cut.gguf", bytes.substr(0, cut));
    TokenizerOrError r = Tokenizer::fromGguf(path);
    ASSERT_EQ(r.ok(), cut >= end) << "cut at " << cut << ": " << r.error;
    if (!r.ok()) {
      ASSERT_EQ(r.error.rfind(path + ": offset ", 0), 0u) << r.error;
    }
  }
  // A cut inside the token array (which spans about 6.4 KB) names the array
  // and the element; a cut within 4 KB of its start fails sooner, on the
  // element count (512 strings of at least 8 bytes).
  size_t inTokens = bytes.find("tokenizer.ggml.tokens") + 21 + 12 + 5000;
  std::string path = dir.write("cut.gguf", bytes.substr(0, inTokens));
  expectError(Tokenizer::fromGguf(path),
              {path, "tokenizer.ggml.tokens", "truncated", "of 512)"});
}

TEST(TokenizerTest, RandomCorruptionNeverCrashes) {
  REQUIRE_SHARED_MODELS();
  TempDir dir;
  std::mt19937 rng(99);
  const std::string sources[] = {readFile(tok512Path()),
                                 readFile(ggufPath()).substr(0, 12000)};
  for (int round = 0; round < 1500; ++round) {
    const std::string &source = sources[round % 2];
    std::string bytes = source;
    int flips = std::uniform_int_distribution<int>(1, 8)(rng);
    for (int i = 0; i < flips; ++i)
      bytes[std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng)] =
          static_cast<char>(rng());
    std::string path = dir.write("fuzz", bytes);
    TokenizerOrError r = round % 2 == 0 ? Tokenizer::fromLlama2c(path)
                                        : Tokenizer::fromGguf(path);
    if (!r.ok()) {
      ASSERT_FALSE(r.error.empty());
      continue;
    }
    // Whatever loaded must still encode and decode without crashing.
    std::vector<int32_t> ids =
        r.tokenizer->encode("Once upon a time é", true, true);
    for (size_t i = 1; i < ids.size(); ++i)
      r.tokenizer->decode(ids[i - 1], ids[i]);
  }
}

} // namespace
