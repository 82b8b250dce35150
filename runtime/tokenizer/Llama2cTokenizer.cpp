//===- Llama2cTokenizer.cpp - read a llama2.c tokenizer.bin ---------------===//
//
// Layout (little-endian): int32 max_token_length, then for each token
// float32 score, int32 length, `length` bytes of UTF-8 text. The token count
// is not stored (run.c takes it from the model). llama2.c's export writes
// SentencePiece's U+2581 as ' ', <s> as "\n<s>\n" and </s> as "\n</s>\n";
// ids 0, 1, 2 are <unk>, <s>, </s> and <0xXX> pieces are byte fallbacks.
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/ByteReader.h"
#include "runtime/tokenizer/Tokenizer.h"

using namespace mgc;

namespace {

/// Longest max_token_length accepted; real vocabularies stay below 100.
constexpr int32_t kMaxTokenLength = 1 << 16;

} // namespace

TokenizerOrError Tokenizer::fromLlama2c(const std::string &path,
                                        int32_t vocabSize) {
  TokenizerOrError result;
  ByteReader in;
  auto failed = [&](const std::string &context = "") {
    result.error = in.error() + context;
    return std::move(result);
  };
  if (!in.open(path))
    return failed();
  if (vocabSize < 0) {
    in.fail(0, "vocabulary size " + std::to_string(vocabSize) +
                   " requested; expected 0 (read to the end) or more");
    return failed();
  }

  int32_t maxTokenLength;
  if (!in.readI32(maxTokenLength, "max_token_length"))
    return failed(" (not a llama2.c tokenizer.bin?)");
  if (maxTokenLength <= 0 || maxTokenLength > kMaxTokenLength ||
      uint64_t(maxTokenLength) > in.remaining()) {
    in.fail(0, "max_token_length is " + std::to_string(maxTokenLength) +
                   "; expected 1.." + std::to_string(kMaxTokenLength) +
                   " and at most the file size (not a llama2.c "
                   "tokenizer.bin?)");
    return failed();
  }

  Vocab vocab;
  // Each token takes at least 8 bytes; do not trust vocabSize for memory.
  uint64_t atMost = in.remaining() / 8;
  vocab.pieces.reserve(vocabSize > 0 && uint64_t(vocabSize) < atMost ? vocabSize
                                                                     : atMost);
  for (int32_t id = 0; vocabSize > 0 ? id < vocabSize : in.remaining() > 0;
       ++id) {
    auto where = [id] { return " (token " + std::to_string(id) + ")"; };
    float score;
    int32_t length;
    if (!in.readF32(score, "token score") ||
        !in.readI32(length, "token length"))
      return failed(where());
    if (length < 0 || length > maxTokenLength) {
      in.fail(in.offset() - 4, "token length " + std::to_string(length) +
                                   " is outside 0..max_token_length (" +
                                   std::to_string(maxTokenLength) + ")");
      return failed(where());
    }
    std::string text;
    if (!in.readString(text, uint64_t(length), "token text"))
      return failed(where());
    vocab.types.push_back(parseBytePiece(text) >= 0 ? TokenType::Byte
                                                    : TokenType::Normal);
    vocab.pieces.push_back(std::move(text));
    vocab.scores.push_back(score);
  }
  if (vocab.pieces.size() < 3) {
    in.fail("the file holds " + std::to_string(vocab.pieces.size()) +
            " tokens; a llama2.c vocabulary starts with <unk>, <s>, </s>");
    return failed();
  }
  vocab.unk = 0;
  vocab.bos = 1;
  vocab.eos = 2;
  result.tokenizer = Tokenizer(std::move(vocab));
  return result;
}
