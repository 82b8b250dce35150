//===- fuzz_tokenizer.cpp - fuzzes the tokenizer loaders -------------------===//
//
// Input: a tokenizer file. One starting with "GGUF" goes to
// Tokenizer::fromGguf, anything else to Tokenizer::fromLlama2c (reading to
// the end of the file, and again with the 512-token vocabulary size of
// stories260K). A loader must succeed or fail with a message; a loaded
// vocabulary must answer every per-id query and encode a few fixed texts to
// ids inside the vocabulary.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "runtime/tokenizer/Tokenizer.h"

namespace {

void exercise(const mgc::Tokenizer &tok) {
  const int32_t n = tok.vocabSize();
  if (n <= 0)
    mgcfuzz::violated("a loaded tokenizer has no tokens");
  if (tok.bosId() >= n || tok.eosId() >= n)
    mgcfuzz::violated("BOS or EOS id outside the vocabulary");
  for (int32_t id = -1; id <= n; ++id) {
    (void)tok.piece(id);
    (void)tok.score(id);
    (void)tok.type(id);
    (void)mgc::Tokenizer::safePiece(tok.decode(tok.bosId(), id));
    (void)tok.decode(id - 1, id);
  }
  static const char *const kTexts[] = {
      "", " ", "Once upon a time", "Lily and Tom went to the park.\n",
      "h\xc3\xa9llo \xf0\x9f\x99\x82 \xff\xfe\x80 <0x41> <s> </s>",
  };
  for (const char *text : kTexts)
    for (int flags = 0; flags < 4; ++flags)
      for (int32_t id : tok.encode(text, flags & 1, flags & 2))
        if (id < 0 || id >= n)
          mgcfuzz::violated("encode produced an id outside the vocabulary",
                            std::to_string(id));
}

void check(const mgc::TokenizerOrError &result, const char *loader) {
  if (!result.ok()) {
    if (result.error.empty())
      mgcfuzz::violated(loader, "failed without a message");
    return;
  }
  exercise(*result.tokenizer);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("tokenizer.bin", data, size);
  if (size >= 4 && std::memcmp(data, "GGUF", 4) == 0) {
    check(mgc::Tokenizer::fromGguf(path), "Tokenizer::fromGguf");
    return 0;
  }
  check(mgc::Tokenizer::fromLlama2c(path), "Tokenizer::fromLlama2c");
  check(mgc::Tokenizer::fromLlama2c(path, 512), "Tokenizer::fromLlama2c(512)");
  return 0;
}
