//===- GgufTokenizer.cpp - read the llama vocabulary embedded in GGUF -----===//
//
// A self-contained reader of just the GGUF metadata section (v2/v3,
// little-endian): header "GGUF", u32 version, u64 tensor count, u64
// key/value count, then per pair a string key, a u32 value type and the
// value (strings are u64 length + bytes; arrays are u32 element type, u64
// count, elements). It keeps the tokenizer.ggml.* keys a llama (SentencePiece)
// vocabulary needs, skips every other value, and stops before the tensor
// infos. Every length is checked against the file size before it is used.
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/ByteReader.h"
#include "runtime/tokenizer/Tokenizer.h"
#include "weights/GgufValueTypes.h"

#include <optional>

using namespace mgc;
using namespace mgc::gguf;

namespace {


bool isInteger(uint32_t type) {
  return type <= I32 || type == U64 || type == I64;
}

std::string typeName(uint32_t type) {
  static const char *names[] = {"u8",  "i8",  "u16",  "i16",    "u32",
                                "i32", "f32", "bool", "string", "array",
                                "u64", "i64", "f64"};
  return type < 13 ? names[type] : "unknown type " + std::to_string(type);
}

/// Longest key accepted (GGUF keys are short ASCII paths).
constexpr uint64_t kMaxKeyLength = 65535;
/// Deepest nesting of arrays accepted when skipping a value.
constexpr int kMaxArrayDepth = 8;

/// The tokenizer keys found in the file; everything else is skipped.
struct GgufVocab {
  std::optional<std::string> model;               // tokenizer.ggml.model
  std::optional<std::vector<std::string>> tokens; // (vocab) pieces
  std::optional<std::vector<float>> scores;       // (vocab)
  std::optional<std::vector<int32_t>> types;      // (vocab) TokenType values
  uint64_t typesOffset = 0; // file offset of the types array
  std::optional<uint64_t> bos, eos, unk;
  std::optional<bool> addBos, addSpacePrefix;
};

class GgufVocabReader {
public:
  explicit GgufVocabReader(ByteReader &in) : in(in) {}

  /// Reads the header and every key/value pair into `vocab`.
  bool read(GgufVocab &vocab);
  /// Text to append to in.error() (which element failed).
  const std::string &context() const { return context_; }

private:
  bool readHeader(uint64_t &kvCount);
  bool readPair(GgufVocab &vocab);
  bool readString(std::string &s, const char *what);
  /// Reads an integer of any width; a negative one reads as ~0 ("none").
  bool readUnsigned(uint32_t type, uint64_t &v, const std::string &key);
  /// Reads the array header of `key` and checks its element type.
  bool readArrayHeader(uint32_t type, uint32_t elemType, uint64_t minElemSize,
                       const std::string &key, uint64_t &count);
  bool skipValue(uint32_t type, int depth);
  bool wrongType(uint64_t at, const std::string &key, uint32_t type,
                 const std::string &expected);
  bool element(uint64_t i, uint64_t count) {
    context_ =
        " (element " + std::to_string(i) + " of " + std::to_string(count) + ")";
    return false;
  }

  ByteReader &in;
  std::string context_;
};

bool GgufVocabReader::readHeader(uint64_t &kvCount) {
  char magic[4];
  if (!in.readBytes(magic, 4, "GGUF magic"))
    return false;
  if (std::string(magic, 4) != "GGUF")
    return in.fail(0, "not a GGUF file (the first 4 bytes are not \"GGUF\")");
  uint32_t version;
  uint64_t tensorCount;
  if (!in.readU32(version, "GGUF version"))
    return false;
  if (version != 2 && version != 3) {
    if ((version & 0xFFFF) == 0 && (version >> 16) != 0)
      return in.fail(4, "GGUF version field reads " + std::to_string(version) +
                            ": a big-endian GGUF file, which is not supported");
    return in.fail(4, "GGUF version " + std::to_string(version) +
                          " is not supported (expected 2 or 3)");
  }
  if (!in.readU64(tensorCount, "tensor count") ||
      !in.readU64(kvCount, "metadata key/value count"))
    return false;
  // A pair takes at least 8 (key length) + 4 (type) + 1 (smallest value).
  if (kvCount > in.remaining() / 13)
    return in.fail(in.offset() - 8,
                   "metadata key/value count " + std::to_string(kvCount) +
                       " cannot fit in the " + std::to_string(in.remaining()) +
                       " bytes left in the file");
  return true;
}

bool GgufVocabReader::readString(std::string &s, const char *what) {
  uint64_t length;
  return in.readU64(length, what) && in.readString(s, length, what);
}

bool GgufVocabReader::wrongType(uint64_t at, const std::string &key,
                                uint32_t type, const std::string &expected) {
  return in.fail(at, "key '" + key + "' holds " + typeName(type) +
                         "; expected " + expected);
}

bool GgufVocabReader::readUnsigned(uint32_t type, uint64_t &v,
                                   const std::string &key) {
  uint64_t at = in.offset();
  if (!isInteger(type))
    return wrongType(at - 4, key, type, "an integer");
  uint8_t b[8] = {};
  uint64_t size = scalarBytes(type);
  if (!in.readBytes(b, size, key.c_str()))
    return false;
  v = 0;
  for (uint64_t i = size; i-- > 0;)
    v = v << 8 | b[i];
  bool isSigned = type == I8 || type == I16 || type == I32 || type == I64;
  if (isSigned && (b[size - 1] & 0x80))
    v = ~uint64_t(0); // a negative id means "none"
  return true;
}

bool GgufVocabReader::readArrayHeader(uint32_t type, uint32_t elemType,
                                      uint64_t minElemSize,
                                      const std::string &key, uint64_t &count) {
  uint64_t at = in.offset();
  uint32_t actualElemType;
  if (type != Array)
    return wrongType(at - 4, key, type, "an array of " + typeName(elemType));
  if (!in.readU32(actualElemType, key.c_str()) ||
      !in.readU64(count, key.c_str()))
    return false;
  if (actualElemType != elemType && !(elemType == I32 && actualElemType == U32))
    return wrongType(at, key, actualElemType,
                     typeName(elemType) + " array elements");
  if (count > in.remaining() / minElemSize)
    return in.fail(at + 4, "key '" + key + "' has " + std::to_string(count) +
                               " elements of at least " +
                               std::to_string(minElemSize) +
                               " bytes each, but the file ends after " +
                               std::to_string(in.remaining()) +
                               " more bytes (truncated or corrupt?)");
  return true;
}

bool GgufVocabReader::skipValue(uint32_t type, int depth) {
  if (uint64_t size = scalarBytes(type))
    return in.skip(size, "metadata value");
  if (type == String) {
    uint64_t length;
    return in.readU64(length, "string length") &&
           in.skip(length, "string value");
  }
  if (type != Array)
    return in.fail(in.offset() - 4,
                   "unknown GGUF value type " + std::to_string(type));
  if (depth >= kMaxArrayDepth)
    return in.fail("arrays nested deeper than " +
                   std::to_string(kMaxArrayDepth));
  uint32_t elemType;
  uint64_t count;
  uint64_t at = in.offset();
  if (!in.readU32(elemType, "array element type") ||
      !in.readU64(count, "array length"))
    return false;
  uint64_t elemSize = scalarBytes(elemType);
  if (elemSize)
    return count <= in.remaining() / elemSize
               ? in.skip(count * elemSize, "array elements")
               : in.fail(at + 4, "array of " + std::to_string(count) + " " +
                                     typeName(elemType) +
                                     " elements runs past the end of the "
                                     "file (truncated or corrupt?)");
  if (elemType != String && elemType != Array)
    return in.fail(at, "unknown GGUF array element type " +
                           std::to_string(elemType));
  // Strings and arrays take at least 8 bytes (a length) per element.
  if (count > in.remaining() / 8)
    return in.fail(at + 4, "array of " + std::to_string(count) +
                               " elements runs past the end of the file "
                               "(truncated or corrupt?)");
  for (uint64_t i = 0; i < count; ++i)
    if (!skipValue(elemType, depth + 1))
      return false;
  return true;
}

bool GgufVocabReader::readPair(GgufVocab &vocab) {
  uint64_t keyAt = in.offset();
  uint64_t keyLength;
  std::string key;
  if (!in.readU64(keyLength, "metadata key length"))
    return false;
  if (keyLength > kMaxKeyLength)
    return in.fail(keyAt, "metadata key length " + std::to_string(keyLength) +
                              " exceeds " + std::to_string(kMaxKeyLength) +
                              " (corrupt file?)");
  uint32_t type;
  if (!in.readString(key, keyLength, "metadata key") ||
      !in.readU32(type, "metadata value type"))
    return false;
  uint64_t at = in.offset(); // the value
  auto duplicate = [&] {
    return in.fail(keyAt, "key '" + key + "' appears twice");
  };
  const std::string prefix = "tokenizer.ggml.";
  std::string name = key.compare(0, prefix.size(), prefix) == 0
                         ? key.substr(prefix.size())
                         : std::string();

  if (name == "model") {
    if (vocab.model)
      return duplicate();
    if (type != String)
      return wrongType(at - 4, key, type, "a string");
    return readString(vocab.model.emplace(), key.c_str());
  }
  if (name == "tokens") {
    uint64_t count;
    if (vocab.tokens)
      return duplicate();
    if (!readArrayHeader(type, String, 8, key, count))
      return false;
    std::vector<std::string> &tokens = vocab.tokens.emplace();
    tokens.resize(count);
    for (uint64_t i = 0; i < count; ++i)
      if (!readString(tokens[i], key.c_str()))
        return element(i, count);
    return true;
  }
  if (name == "scores") {
    uint64_t count;
    if (vocab.scores)
      return duplicate();
    if (!readArrayHeader(type, F32, 4, key, count))
      return false;
    std::vector<float> &scores = vocab.scores.emplace(count);
    for (uint64_t i = 0; i < count; ++i)
      if (!in.readF32(scores[i], key.c_str()))
        return element(i, count);
    return true;
  }
  if (name == "token_type") {
    uint64_t count;
    if (vocab.types)
      return duplicate();
    if (!readArrayHeader(type, I32, 4, key, count))
      return false;
    vocab.typesOffset = in.offset();
    std::vector<int32_t> &types = vocab.types.emplace(count);
    for (uint64_t i = 0; i < count; ++i)
      if (!in.readI32(types[i], key.c_str()))
        return element(i, count);
    return true;
  }
  std::optional<uint64_t> *id = name == "bos_token_id"       ? &vocab.bos
                                : name == "eos_token_id"     ? &vocab.eos
                                : name == "unknown_token_id" ? &vocab.unk
                                                             : nullptr;
  if (id) {
    if (*id)
      return duplicate();
    return readUnsigned(type, id->emplace(), key);
  }
  std::optional<bool> *flag = name == "add_bos_token" ? &vocab.addBos
                              : name == "add_space_prefix"
                                  ? &vocab.addSpacePrefix
                                  : nullptr;
  if (flag) {
    uint8_t b;
    if (*flag)
      return duplicate();
    if (type != Bool)
      return wrongType(at - 4, key, type, "a bool");
    if (!in.readU8(b, key.c_str()))
      return false;
    *flag = b != 0;
    return true;
  }
  return skipValue(type, 0);
}

bool GgufVocabReader::read(GgufVocab &vocab) {
  uint64_t kvCount;
  if (!readHeader(kvCount))
    return false;
  for (uint64_t i = 0; i < kvCount; ++i)
    if (!readPair(vocab)) {
      if (context_.empty())
        context_ = " (metadata pair " + std::to_string(i) + " of " +
                   std::to_string(kvCount) + ")";
      return false;
    }
  return true;
}

/// `piece` with SentencePiece's word marker U+2581 replaced by ' '.
std::string unescapeSpaces(const std::string &piece) {
  static const std::string marker = "\xE2\x96\x81";
  std::string out;
  out.reserve(piece.size());
  for (size_t i = 0; i < piece.size();) {
    if (piece.compare(i, marker.size(), marker) == 0) {
      out += ' ';
      i += marker.size();
    } else {
      out += piece[i++];
    }
  }
  return out;
}

} // namespace

TokenizerOrError Tokenizer::fromGguf(const std::string &path) {
  TokenizerOrError result;
  ByteReader in;
  GgufVocabReader reader(in);
  GgufVocab gguf;
  auto failed = [&](const std::string &context = "") {
    result.error = in.error() + context;
    return std::move(result);
  };
  if (!in.open(path))
    return failed();
  if (!reader.read(gguf))
    return failed(reader.context());

  // Checks on the whole vocabulary report the end of the metadata section.
  if (!gguf.model) {
    in.fail("no tokenizer.ggml.model key: the file embeds no tokenizer");
    return failed();
  }
  if (*gguf.model != "llama") {
    in.fail("tokenizer.ggml.model is '" + *gguf.model +
            "'; only 'llama' (SentencePiece) vocabularies are supported");
    return failed();
  }
  if (!gguf.tokens || gguf.tokens->empty()) {
    in.fail("no tokenizer.ggml.tokens (or an empty one)");
    return failed();
  }
  const uint64_t n = gguf.tokens->size();
  if (n > uint64_t(INT32_MAX)) {
    in.fail("tokenizer.ggml.tokens has " + std::to_string(n) + " entries");
    return failed();
  }
  auto sameLength = [&](uint64_t m, const char *key) {
    return m == n || in.fail(std::string(key) + " has " + std::to_string(m) +
                             " entries but tokenizer.ggml.tokens has " +
                             std::to_string(n));
  };
  if ((gguf.scores &&
       !sameLength(gguf.scores->size(), "tokenizer.ggml.scores")) ||
      (gguf.types &&
       !sameLength(gguf.types->size(), "tokenizer.ggml.token_type")))
    return failed();

  Vocab vocab;
  vocab.gguf = true;
  vocab.pieces.reserve(n);
  vocab.types.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    TokenType type = TokenType::Normal;
    if (gguf.types) {
      int32_t t = (*gguf.types)[i];
      if (t < 1 || t > 6) {
        in.fail(gguf.typesOffset + 4 * i,
                "tokenizer.ggml.token_type[" + std::to_string(i) + "] is " +
                    std::to_string(t) + "; expected 1..6");
        return failed();
      }
      type = static_cast<TokenType>(t);
    } else if (parseBytePiece((*gguf.tokens)[i]) >= 0) {
      type = TokenType::Byte;
    }
    std::string &text = (*gguf.tokens)[i];
    vocab.pieces.push_back(type == TokenType::Byte ? std::move(text)
                                                   : unescapeSpaces(text));
    vocab.types.push_back(type);
  }
  vocab.scores =
      gguf.scores ? std::move(*gguf.scores) : std::vector<float>(n, 0.0f);

  // Special ids: absent means llama's defaults (unk 0, bos 1, eos 2);
  // 0xFFFFFFFF (or any id past the vocabulary) in the file means none.
  auto special = [&](const std::optional<uint64_t> &id, int32_t fallback,
                     const char *key, int32_t &out) {
    if (!id) {
      out = uint64_t(fallback) < n ? fallback : -1;
      return true;
    }
    if (*id == 0xFFFFFFFFu || *id == ~uint64_t(0)) {
      out = -1;
      return true;
    }
    if (*id >= n)
      return in.fail(std::string(key) + " is " + std::to_string(*id) +
                     ", past the vocabulary of " + std::to_string(n));
    out = static_cast<int32_t>(*id);
    return true;
  };
  if (!special(gguf.unk, 0, "tokenizer.ggml.unknown_token_id", vocab.unk) ||
      !special(gguf.bos, 1, "tokenizer.ggml.bos_token_id", vocab.bos) ||
      !special(gguf.eos, 2, "tokenizer.ggml.eos_token_id", vocab.eos))
    return failed();
  vocab.addBos = gguf.addBos.value_or(true);
  vocab.addSpacePrefix = gguf.addSpacePrefix.value_or(true);
  result.tokenizer = Tokenizer(std::move(vocab));
  return result;
}
