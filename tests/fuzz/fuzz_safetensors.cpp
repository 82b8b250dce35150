//===- fuzz_safetensors.cpp - fuzzes the safetensors reader ----------------===//
//
// Input: a .safetensors file, or a model.safetensors.index.json (openSafetensors
// tells them apart by content). Beside the input lies a small valid shard,
// `shard.safetensors` (tensors `model.embed_tokens.weight` F32 [4, 2] and
// `model.norm.weight` F16 [2]), so fuzzed index files can name a real shard.
// openSafetensors must accept the input or fail with a message; an accepted
// file must keep WeightFile's promises (FuzzWeights.h).
//
//===----------------------------------------------------------------------===//

#include "FuzzWeights.h"

#include <cstring>

namespace {

/// A valid safetensors file: u64 header length, JSON header, data.
std::string validShard() {
  std::string header =
      "{\"__metadata__\":{\"format\":\"pt\"},"
      "\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[4,2],"
      "\"data_offsets\":[0,32]},"
      "\"model.norm.weight\":{\"dtype\":\"F16\",\"shape\":[2],"
      "\"data_offsets\":[32,36]}}";
  while (header.size() % 8 != 0)
    header += ' ';
  uint64_t n = header.size();
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = char((n >> (8 * i)) & 0xff);
  file += header;
  for (int i = 0; i < 8; ++i) {
    float v = float(i) * 0.5f;
    char b[4];
    std::memcpy(b, &v, 4);
    file.append(b, 4);
  }
  file += std::string("\x00\x3c\x00\xc0", 4); // F16 1.0, -2.0
  return file;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  std::string shard = validShard();
  mgcfuzz::writeScratch("shard.safetensors", shard.data(), shard.size());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = mgcfuzz::writeScratch("input.safetensors", data, size);
  std::string error;
  std::unique_ptr<mgc::WeightFile> file =
      mgc::WeightFile::openSafetensors(path, error);
  if (!file) {
    if (error.empty())
      mgcfuzz::violated("openSafetensors failed without a message");
    return 0;
  }
  mgcfuzz::checkWeightFile(*file);
  // WeightFile::open detects the format from the content; for a file that
  // openSafetensors accepts it must agree.
  std::unique_ptr<mgc::WeightFile> detected =
      mgc::WeightFile::open(path, error);
  if (!detected || detected->format() != mgc::WeightFormat::Safetensors ||
      detected->tensors().size() != file->tensors().size())
    mgcfuzz::violated("WeightFile::open disagrees with openSafetensors", error);
  return 0;
}
