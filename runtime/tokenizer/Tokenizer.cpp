//===- Tokenizer.cpp - encode and decode like llama2.c's run.c ------------===//
//
// run.c's encode looks every candidate pair up and rescans the whole sequence
// after each merge (O(n^2)); this file keeps the same choice — the adjacent
// pair whose merged piece has the highest score, the leftmost one on ties,
// never a piece scoring <= -1e10 — but finds it with a priority queue of
// candidate pairs, discarding candidates whose symbols changed since.
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/Tokenizer.h"

#include <queue>
#include <utility>

using namespace mgc;

namespace {

/// run.c's initial best_score: a merge must score strictly above it.
constexpr float kNoMergeScore = -1e10f;

int hexDigit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/// A merge candidate: symbols `left` and `right` (indices into the initial
/// sequence, adjacent when proposed) would become token `id`. The
/// generations tell whether either symbol changed after it was proposed.
struct Candidate {
  float score;
  int32_t left, right, id;
  uint32_t leftGen, rightGen;
};

/// Queue order: higher score first, then the leftmost pair.
struct WorseCandidate {
  bool operator()(const Candidate &a, const Candidate &b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

} // namespace

int Tokenizer::parseBytePiece(const std::string &piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>')
    return -1;
  int hi = hexDigit(piece[3]), lo = hexDigit(piece[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

Tokenizer::Tokenizer(Vocab vocab)
    : pieces_(std::move(vocab.pieces)), scores_(std::move(vocab.scores)),
      types_(std::move(vocab.types)), bos_(vocab.bos), eos_(vocab.eos),
      unk_(vocab.unk), addBos_(vocab.addBos),
      addSpacePrefix_(vocab.addSpacePrefix) {
  const int32_t n = vocabSize();
  byteOf_.assign(n, -1);
  byteIds_.fill(unk_);
  bool byteSeen[256] = {};
  lookup_.reserve(n);
  for (int32_t id = 0; id < n; ++id) {
    TokenType type = types_[id];
    // run.c's str_lookup sees every piece; SentencePiece (GGUF) matches only
    // ordinary and user-defined pieces against text.
    if (!vocab.gguf || type == TokenType::Normal ||
        type == TokenType::UserDefined)
      lookup_.emplace(pieces_[id], id); // keeps the lowest id of duplicates
    int byte = type == TokenType::Byte ? parseBytePiece(pieces_[id]) : -1;
    if (byte >= 0) {
      byteOf_[id] = static_cast<int16_t>(byte);
      if (!byteSeen[byte])
        byteIds_[byte] = id;
      byteSeen[byte] = true;
    }
  }
}

int32_t Tokenizer::lookup(const std::string &text) const {
  auto it = lookup_.find(text);
  return it == lookup_.end() ? -1 : it->second;
}

const std::string &Tokenizer::piece(int32_t id) const {
  static const std::string empty;
  return id >= 0 && id < vocabSize() ? pieces_[id] : empty;
}

float Tokenizer::score(int32_t id) const {
  return id >= 0 && id < vocabSize() ? scores_[id] : 0.0f;
}

TokenType Tokenizer::type(int32_t id) const {
  return id >= 0 && id < vocabSize() ? types_[id] : TokenType::Unused;
}

void Tokenizer::appendCodePoint(const char *bytes, size_t n,
                                std::vector<int32_t> &ids) const {
  int32_t id = lookup(std::string(bytes, n));
  if (id >= 0) {
    ids.push_back(id);
    return;
  }
  // Byte fallback: one <0xXX> token per byte (id byte + 3 in llama vocabs).
  for (size_t i = 0; i < n; ++i) {
    int32_t byteId = byteIds_[static_cast<uint8_t>(bytes[i])];
    if (byteId >= 0)
      ids.push_back(byteId);
  }
}

void Tokenizer::mergePairs(std::vector<int32_t> &ids) const {
  const int32_t n = static_cast<int32_t>(ids.size());
  if (n < 2)
    return;
  // A doubly linked list over the initial symbols; a merge keeps the left
  // symbol (with the merged id) and unlinks the right one.
  std::vector<int32_t> prev(n), next(n);
  std::vector<uint32_t> gen(n, 0); // bumped whenever a symbol changes
  for (int32_t i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, WorseCandidate> queue;
  std::string buffer;
  auto propose = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0)
      return;
    buffer = pieces_[ids[left]];
    buffer += pieces_[ids[right]];
    int32_t id = lookup(buffer);
    if (id >= 0 && scores_[id] > kNoMergeScore) // also rejects NaN
      queue.push({scores_[id], left, right, id, gen[left], gen[right]});
  };
  for (int32_t i = 0; i + 1 < n; ++i)
    propose(i, i + 1);

  while (!queue.empty()) {
    Candidate c = queue.top();
    queue.pop();
    if (next[c.left] != c.right || gen[c.left] != c.leftGen ||
        gen[c.right] != c.rightGen)
      continue; // stale: one of the symbols was merged since
    ids[c.left] = c.id;
    ++gen[c.left];
    ++gen[c.right];
    next[c.left] = next[c.right];
    if (next[c.right] >= 0)
      prev[next[c.right]] = c.left;
    next[c.right] = -1;
    propose(prev[c.left], c.left);
    propose(c.left, next[c.left]);
  }
  // Symbol 0 is never the right of a merge, so the list starts there.
  int32_t count = 0;
  for (int32_t i = 0; i >= 0; i = next[i])
    ids[count++] = ids[i];
  ids.resize(count);
}

std::vector<int32_t> Tokenizer::encode(const std::string &text, bool bos,
                                       bool eos) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() + 3);
  // run.c merges with BOS in the sequence; no real vocabulary has a piece
  // starting with BOS's, so it never takes part in a merge.
  if (bos && bos_ >= 0)
    ids.push_back(bos_);
  if (!text.empty() && addSpacePrefix_)
    appendCodePoint(" ", 1, ids); // SentencePiece's dummy prefix
  // One lookup per UTF-8 code point: a byte and up to three continuation
  // bytes (10xxxxxx) after it, exactly as run.c groups them.
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    while (n < 4 && i + n < text.size() &&
           (static_cast<uint8_t>(text[i + n]) & 0xC0) == 0x80)
      ++n;
    appendCodePoint(text.data() + i, n, ids);
    i += n;
  }
  mergePairs(ids);
  if (eos && eos_ >= 0)
    ids.push_back(eos_);
  return ids;
}

std::string Tokenizer::decode(int32_t prevToken, int32_t token) const {
  if (token < 0 || token >= vocabSize())
    return {};
  if (byteOf_[token] >= 0)
    return std::string(1, static_cast<char>(byteOf_[token]));
  TokenType type = types_[token];
  if (type == TokenType::Control || type == TokenType::Unused)
    return {};
  const std::string &text = pieces_[token];
  // After BOS, SentencePiece's decoder drops the dummy prefix's space.
  if (prevToken == bos_ && bos_ >= 0 && addSpacePrefix_ && !text.empty() &&
      text[0] == ' ')
    return text.substr(1);
  return text;
}

std::string Tokenizer::safePiece(const std::string &piece) {
  if (piece.size() == 1) {
    unsigned char c = static_cast<unsigned char>(piece[0]);
    bool printable = c >= 0x20 && c < 0x7f;            // isprint, "C" locale
    bool space = c == ' ' || (c >= '\t' && c <= '\r'); // isspace
    if (!printable && !space)
      return {};
  }
  return piece;
}
