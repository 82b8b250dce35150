//===- Tokenizer.h - text <-> token ids for `mgc run` -----------*- C++ -*-===//
//
// A SentencePiece-style (llama) tokenizer loaded from a llama2.c tokenizer.bin
// or from the vocabulary embedded in a GGUF file; it encodes and decodes
// exactly like llama2.c's run.c (`encode`, `decode`, `safe_printf`).
//
// Thread safety: a Tokenizer is immutable once built; all const member
// functions may be called concurrently from any number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_TOKENIZER_TOKENIZER_H
#define MGC_RUNTIME_TOKENIZER_TOKENIZER_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mgc {

struct TokenizerOrError;

/// Kind of a vocabulary entry. The numbering is GGUF's
/// `tokenizer.ggml.token_type` (llama.cpp's llama_token_type); a llama2.c
/// vocabulary has only Normal and Byte entries (its <s> is ordinary text).
enum class TokenType : uint8_t {
  Normal = 1,      // ordinary piece: matched from text, merged, decoded as text
  Unknown = 2,     // <unk>: never matched from text, decoded as its text
  Control = 3,     // <s>, </s>: never matched from text, decoded as ""
  UserDefined = 4, // matched from text and decoded as text
  Unused = 5,      // never matched, decoded as ""
  Byte = 6,        // <0xXX>: byte fallback, decoded as the raw byte
};

/// A vocabulary of pieces with merge scores, and the tables to encode with it.
/// Built only by the factories below; cheap to move.
class Tokenizer {
public:
  /// Reads a llama2.c tokenizer.bin: int32 max_token_length, then per token
  /// float32 score, int32 length, `length` bytes. `vocabSize` > 0 reads
  /// exactly that many tokens (like run.c, which takes it from the model and
  /// ignores any bytes after them); 0 reads tokens up to the end of the file.
  static TokenizerOrError fromLlama2c(const std::string &path,
                                      int32_t vocabSize = 0);

  /// Reads the llama/SentencePiece vocabulary from a GGUF file's metadata
  /// (tokenizer.ggml.model "llama"; tokens, scores, token_type, bos/eos/unk
  /// ids, add_bos_token, add_space_prefix). Tensor data is never read.
  static TokenizerOrError fromGguf(const std::string &path);

  /// Token ids for `text` (UTF-8), as run.c's encode: optional BOS, a dummy
  /// " " prefix when text is non-empty, one token per UTF-8 code point found
  /// in the vocabulary (else one <0xXX> byte token per byte), then repeated
  /// merges of the adjacent pair whose merged piece scores best (leftmost on
  /// ties), optional EOS. Runs in O(n log n) for n bytes of text.
  std::vector<int32_t> encode(const std::string &text, bool bos,
                              bool eos) const;

  /// The text of `token` when it follows `prevToken`, as run.c's decode: the
  /// leading space of a piece right after BOS is dropped, a <0xXX> token is
  /// its raw byte (possibly half of a UTF-8 character), control and unused
  /// tokens of a GGUF vocabulary are "". An out-of-range id gives "".
  std::string decode(int32_t prevToken, int32_t token) const;

  /// `piece` unless it is one byte that is neither printable ASCII nor
  /// whitespace (a control code, or a lone byte >= 0x80), in which case "" —
  /// run.c's safe_printf filter for streamed output.
  static std::string safePiece(const std::string &piece);

  int32_t vocabSize() const { return static_cast<int32_t>(pieces_.size()); }
  int32_t bosId() const { return bos_; } // -1 if the vocabulary has none
  int32_t eosId() const { return eos_; } // -1 if the vocabulary has none
  /// Whether the vocabulary asks for BOS before a prompt (GGUF
  /// tokenizer.ggml.add_bos_token; true for llama2.c).
  bool addBos() const { return addBos_; }

  /// Vocabulary entry `id` as stored, with SentencePiece's U+2581 shown as
  /// ' ' (llama2.c's convention); "" for an out-of-range id.
  const std::string &piece(int32_t id) const;
  float score(int32_t id) const; // 0 for an out-of-range id
  TokenType type(int32_t id) const;

private:
  /// One loaded vocabulary, before the lookup tables are built.
  struct Vocab {
    std::vector<std::string> pieces; // (vocab) piece text, spaces as ' '
    std::vector<float> scores;       // (vocab) merge priority, higher first
    std::vector<TokenType> types;    // (vocab)
    int32_t bos = -1, eos = -1, unk = -1; // special ids, -1 if none
    bool addBos = true;                   // prepend BOS to prompts by default
    bool addSpacePrefix = true;           // SentencePiece add_dummy_prefix
    bool gguf = false; // types came from the file (else llama2.c rules)
  };
  explicit Tokenizer(Vocab vocab);

  /// Ids for one UTF-8 code point (1-4 bytes) before merging.
  void appendCodePoint(const char *bytes, size_t n,
                       std::vector<int32_t> &ids) const;
  /// Merges adjacent pairs of `ids` in place, best-scoring pair first.
  void mergePairs(std::vector<int32_t> &ids) const;
  /// Id of the piece `text` for encoding, or -1.
  int32_t lookup(const std::string &text) const;
  /// The byte a "<0xXX>" piece stands for, or -1.
  static int parseBytePiece(const std::string &piece);

  std::vector<std::string> pieces_; // (vocab) piece text, spaces as ' '
  std::vector<float> scores_;       // (vocab) merge priority, higher first
  std::vector<TokenType> types_;    // (vocab)
  /// piece text -> lowest id with that text, over the pieces encode may
  /// match (all of them for llama2.c, as run.c's str_lookup; Normal and
  /// UserDefined ones for GGUF).
  std::unordered_map<std::string, int32_t> lookup_;
  std::array<int32_t, 256> byteIds_; // byte -> id of its <0xXX> token, or unk
  std::vector<int16_t> byteOf_;      // (vocab) byte of a <0xXX> token, or -1
  int32_t bos_ = -1, eos_ = -1, unk_ = -1;
  bool addBos_ = true;
  bool addSpacePrefix_ = true;
};

/// Outcome of loading a tokenizer: a tokenizer, or one message naming the
/// file, the byte offset and what is wrong.
struct TokenizerOrError {
  std::optional<Tokenizer> tokenizer; // set on success
  std::string error;                  // set on failure
  bool ok() const { return tokenizer.has_value(); }
};

} // namespace mgc

#endif // MGC_RUNTIME_TOKENIZER_TOKENIZER_H
