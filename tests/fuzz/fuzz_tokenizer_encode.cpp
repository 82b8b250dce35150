//===- fuzz_tokenizer_encode.cpp - fuzzes encode/decode on a fixed vocab --===//
//
// Input: text. It is encoded with stories260K's llama2.c vocabulary
// (tests/fuzz/data/tok512.bin: every byte has a <0xXX> fallback token), with
// BOS and EOS as the first input byte says. Every id must lie in the
// vocabulary, and decoding the ids (as `mgc run` streams them) must give the
// text back: the dummy-prefix space is dropped after BOS, byte tokens are
// their bytes.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "runtime/tokenizer/Tokenizer.h"

#ifndef MGC_FUZZ_DATA_DIR
#error "MGC_FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

namespace {

const mgc::Tokenizer &vocabulary() {
  static const mgc::Tokenizer *tok = [] {
    mgc::TokenizerOrError loaded =
        mgc::Tokenizer::fromLlama2c(MGC_FUZZ_DATA_DIR "/tok512.bin", 512);
    if (!loaded.ok())
      mgcfuzz::violated("cannot load the fixed vocabulary", loaded.error);
    return new mgc::Tokenizer(std::move(*loaded.tokenizer));
  }();
  return *tok;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)vocabulary();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const mgc::Tokenizer &tok = vocabulary();
  bool bos = data[0] & 1, eos = data[0] & 2;
  std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
  std::vector<int32_t> ids = tok.encode(text, bos, eos);
  std::string decoded;
  int32_t prev = -1;
  for (size_t i = 0; i < ids.size(); ++i) {
    int32_t id = ids[i];
    if (id < 0 || id >= tok.vocabSize())
      mgcfuzz::violated("encode produced an id outside the vocabulary",
                        std::to_string(id));
    bool added = (bos && i == 0) || (eos && i + 1 == ids.size());
    if (!added)
      decoded += tok.decode(prev, id);
    prev = id;
  }
  // Without BOS the dummy prefix's space stays in the decoded text.
  std::string expected = text.empty() || bos ? text : " " + text;
  if (decoded != expected)
    mgcfuzz::violated("decode(encode(text)) is not the text",
                      "got '" + decoded + "', expected '" + expected + "'");
  return 0;
}
