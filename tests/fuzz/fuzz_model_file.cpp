//===- fuzz_model_file.cpp - fuzzes the compiled-model container ----------===//
//
// Input starting with "MGCMODEL": a compiled model file. ModelFile::open
// sees it twice: as it is, and with the checksum recomputed (so that the
// fuzzer gets past the checksum to the section checks). It must refuse the
// file with a message or hand out sections that are the bytes the header
// names, inside the file, with the weights page-aligned.
//
// Any other input: a target name and plan, code and weights contents, written
// with writeModelFile and opened again: the round trip must succeed and give
// back the same bytes.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "runtime/model/ModelFile.h"

#include <fuzzer/FuzzedDataProvider.h>

namespace {

uint64_t getU64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

void checkOpened(const mgc::ModelFile &file, const uint8_t *data,
                 size_t size) {
  const mgc::Section sections[3] = {file.plan(), file.code(), file.weights()};
  for (int i = 0; i < 3; ++i) {
    uint64_t offset = getU64(data + 48 + 16 * i);
    uint64_t length = getU64(data + 48 + 16 * i + 8);
    if (sections[i].size != length || offset > size || length > size - offset)
      mgcfuzz::violated("a section is not the range the header names");
    mgcfuzz::touch(sections[i].data, sections[i].size);
    if (length && std::memcmp(sections[i].data, data + offset, length) != 0)
      mgcfuzz::violated("a section's bytes are not the file's");
  }
  if (getU64(data + 48 + 32) % mgc::kWeightsAlignment != 0)
    mgcfuzz::violated("accepted unaligned weights");
  if (file.target().empty() || file.target().size() >= 32)
    mgcfuzz::violated("accepted a bad target name", file.target());
}

void openAndCheck(const std::string &bytes) {
  std::string path = mgcfuzz::writeScratch("model.mgc", bytes.data(),
                                           bytes.size());
  std::string error;
  std::unique_ptr<mgc::ModelFile> file = mgc::ModelFile::open(path, error);
  if (!file) {
    if (error.empty())
      mgcfuzz::violated("ModelFile::open failed without a message");
    return;
  }
  checkOpened(*file, reinterpret_cast<const uint8_t *>(bytes.data()),
              bytes.size());
}

void roundTrip(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::string target = in.ConsumeRandomLengthString(40);
  std::string plan = in.ConsumeRandomLengthString(4096);
  std::string code = in.ConsumeRandomLengthString(4096);
  std::string weights = in.ConsumeRemainingBytesAsString();
  std::string path = mgcfuzz::scratchDir() + "/written.mgc";
  std::string error =
      mgc::writeModelFile(path, target, plan, code, weights);
  if (!error.empty())
    return; // refusing a target name is fine; a message was given
  std::unique_ptr<mgc::ModelFile> file = mgc::ModelFile::open(path, error);
  if (!file)
    mgcfuzz::violated("cannot open what writeModelFile wrote", error);
  auto same = [](mgc::Section s, const std::string &text) {
    return s.size == text.size() &&
           (text.empty() || std::memcmp(s.data, text.data(), s.size) == 0);
  };
  if (file->target() != target || !same(file->plan(), plan) ||
      !same(file->code(), code) || !same(file->weights(), weights))
    mgcfuzz::violated("writeModelFile then open changed the contents",
                      "target '" + target + "' (" +
                          std::to_string(target.size()) + " bytes) read as '" +
                          file->target() + "'; plan " +
                          std::to_string(plan.size()) + ", code " +
                          std::to_string(code.size()) + ", weights " +
                          std::to_string(weights.size()) + " bytes");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8 || std::memcmp(data, mgc::kModelFileMagic, 8) != 0) {
    roundTrip(data, size);
    return 0;
  }
  std::string bytes(reinterpret_cast<const char *>(data), size);
  openAndCheck(bytes);
  if (size >= mgc::kHeaderSize) {
    uint64_t sum = mgc::modelChecksum(data + mgc::kHeaderSize,
                                      size - mgc::kHeaderSize);
    for (int i = 0; i < 8; ++i)
      bytes[96 + i] = char((sum >> (8 * i)) & 0xff);
    openAndCheck(bytes);
  }
  return 0;
}
