//===- ModelFile.cpp - the compiled model container -----------------------===//

#include "runtime/model/ModelFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mgc;

namespace {

constexpr size_t kTargetOffset = 16, kTargetSize = 32;
constexpr size_t kSectionsOffset = 48, kChecksumOffset = 96;

void putU32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
void putU64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
uint32_t getU32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
uint64_t getU64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool writeAll(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= size_t(n);
  }
  return true;
}

} // namespace

namespace {

constexpr uint64_t kChecksumPrime = 0x9E3779B97F4A7C15ull;

uint64_t mixWord(uint64_t h, uint64_t word) {
  h = (h ^ word) * kChecksumPrime;
  return h ^ (h >> 29);
}

/// A multiply-xor hash over the 8-byte words of a byte run, word i feeding
/// lane i % 4: four independent chains keep the multiplier busy (one chain
/// hashed a 500 MB model at a third of the speed). The lanes fold into one
/// value, then the bytes after the last whole word.
class Checksum {
public:
  explicit Checksum(uint64_t size) {
    for (uint64_t i = 0; i < kLanes; ++i)
      lanes_[i] = (0xCBF29CE484222325ull ^ size) + i;
  }

  /// Folds in the whole words of `data`; they follow the words before.
  void addWords(const uint8_t *data, uint64_t size) {
    uint64_t count = size / 8, i = 0;
    for (; i < count && words_ % kLanes != 0; ++i)
      addWord(load(data + 8 * i));
    for (; i + kLanes <= count; i += kLanes) {
      for (uint64_t lane = 0; lane < kLanes; ++lane)
        lanes_[lane] = mixWord(lanes_[lane], load(data + 8 * (i + lane)));
      words_ += kLanes;
    }
    for (; i < count; ++i)
      addWord(load(data + 8 * i));
  }

  /// The checksum, given the run's last `size % 8` bytes at data + size / 8 * 8.
  uint64_t finish(const uint8_t *data, uint64_t size) const {
    uint64_t h = lanes_[0];
    for (uint64_t lane = 1; lane < kLanes; ++lane)
      h = mixWord(h, lanes_[lane]);
    for (uint64_t i = size / 8 * 8; i < size; ++i)
      h = (h ^ data[i]) * kChecksumPrime;
    return h ^ (h >> 32);
  }

private:
  static constexpr uint64_t kLanes = 4;

  static uint64_t load(const uint8_t *p) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
  }

  void addWord(uint64_t word) {
    lanes_[words_ % kLanes] = mixWord(lanes_[words_ % kLanes], word);
    ++words_;
  }

  uint64_t lanes_[kLanes];
  uint64_t words_ = 0;
};

} // namespace

uint64_t mgc::modelChecksum(const uint8_t *data, uint64_t size) {
  Checksum checksum(size);
  checksum.addWords(data, size);
  return checksum.finish(data, size);
}

std::string mgc::writeModelFile(const std::string &path,
                                std::string_view target, std::string_view plan,
                                std::string_view code,
                                std::string_view weights) {
  if (target.empty() || target.size() >= kTargetSize)
    return path + ": target name must have 1 to " +
           std::to_string(kTargetSize - 1) + " characters";
  for (char c : target)
    if (c < 0x21 || c > 0x7e)
      return path + ": target name must be printable ASCII without spaces";
  uint64_t planOffset = kHeaderSize;
  uint64_t codeOffset = planOffset + plan.size();
  uint64_t weightsOffset = alignUp(codeOffset + code.size(), kWeightsAlignment);
  std::string body(size_t(weightsOffset - kHeaderSize), '\0');
  std::memcpy(&body[0], plan.data(), plan.size());
  std::memcpy(&body[plan.size()], code.data(), code.size());

  // The checksum covers everything after the header: body then weights,
  // as one run of words (the body is a whole number of them), computed
  // without copying the weights.
  auto bytes = [](std::string_view s) {
    return reinterpret_cast<const uint8_t *>(s.data());
  };
  Checksum running(body.size() + weights.size());
  running.addWords(bytes(body), body.size());
  running.addWords(bytes(weights), weights.size());
  const uint64_t checksum = running.finish(bytes(weights), weights.size());

  uint8_t header[kHeaderSize] = {};
  std::memcpy(header, kModelFileMagic, sizeof(kModelFileMagic));
  putU32(header + 8, kModelFileVersion);
  putU32(header + 12, kHeaderSize);
  std::memcpy(header + kTargetOffset, target.data(), target.size());
  uint64_t sections[6] = {planOffset,    plan.size(),    codeOffset,
                          code.size(),   weightsOffset,  weights.size()};
  for (int i = 0; i < 6; ++i)
    putU64(header + kSectionsOffset + 8 * i, sections[i]);
  putU64(header + kChecksumOffset, checksum);

  std::string temp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(&temp[0]);
  if (fd < 0)
    return path + ": cannot create a temporary file: " + std::strerror(errno);
  // mkstemp creates the file private (0600); a model is an ordinary output.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  // No fsync, as with any compiler's output: the rename makes the file
  // appear whole or not at all to readers, and flushing half a gigabyte to
  // disk took longer than all the rest of a cached compile.
  bool ok = writeAll(fd, header, sizeof(header)) &&
            writeAll(fd, body.data(), body.size()) &&
            writeAll(fd, weights.data(), weights.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::string message = path + ": write failed: " + std::strerror(errno);
    ::unlink(temp.c_str());
    return message;
  }
  return {};
}

std::unique_ptr<ModelFile> ModelFile::open(const std::string &path,
                                           std::string &error) {
  return openRange(path, 0, 0, /*whole=*/true, error);
}

std::unique_ptr<ModelFile> ModelFile::open(const std::string &path,
                                           uint64_t offset, uint64_t size,
                                           std::string &error) {
  return openRange(path, offset, size, /*whole=*/false, error);
}

std::unique_ptr<ModelFile> ModelFile::openRange(const std::string &path,
                                                uint64_t offset,
                                                uint64_t rangeSize, bool whole,
                                                std::string &error) {
  auto fail = [&](const std::string &message) {
    error = path + ": " + message;
    return nullptr;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail("not a regular file");
  }
  uint64_t fileSize = uint64_t(st.st_size);
  uint64_t size = whole ? fileSize : rangeSize;
  if (!whole) {
    // The model's weights must stay page-aligned in memory, so the model
    // itself must start on a page boundary of the file.
    if (offset % kWeightsAlignment != 0) {
      ::close(fd);
      return fail("the embedded model at offset " + std::to_string(offset) +
                  " does not start on a " + std::to_string(kWeightsAlignment) +
                  "-byte boundary");
    }
    if (offset > fileSize || rangeSize > fileSize - offset) {
      ::close(fd);
      return fail("truncated: the embedded model [" + std::to_string(offset) +
                  ", +" + std::to_string(rangeSize) +
                  ") does not lie inside the " + std::to_string(fileSize) +
                  "-byte file");
    }
  }
  if (size < kHeaderSize) {
    ::close(fd);
    return fail("not an mgc compiled model: " + std::to_string(size) +
                " bytes is smaller than the " + std::to_string(kHeaderSize) +
                "-byte header");
  }
  void *mapping =
      ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, off_t(offset));
  ::close(fd);
  if (mapping == MAP_FAILED)
    return fail(std::string("cannot map: ") + std::strerror(errno));

  std::unique_ptr<ModelFile> file(new ModelFile());
  file->path_ = path;
  file->mapping_ = mapping;
  file->mappingSize_ = size;
  const uint8_t *base = static_cast<const uint8_t *>(mapping);

  if (std::memcmp(base, kModelFileMagic, sizeof(kModelFileMagic)) != 0)
    return fail("not an mgc compiled model (bad magic number)");
  uint32_t version = getU32(base + 8);
  if (version != kModelFileVersion)
    return fail("format version " + std::to_string(version) +
                " is not supported by this runtime, which reads version " +
                std::to_string(kModelFileVersion) +
                "; recompile the model with this mgc");
  if (getU32(base + 12) != kHeaderSize)
    return fail("corrupt header (header size " +
                std::to_string(getU32(base + 12)) + ", expected " +
                std::to_string(kHeaderSize) + ")");
  const char *target = reinterpret_cast<const char *>(base + kTargetOffset);
  size_t targetLength = strnlen(target, kTargetSize);
  if (targetLength == 0 || targetLength == kTargetSize)
    return fail("corrupt header (no target name)");
  file->target_.assign(target, targetLength);

  Section *sections[3] = {&file->plan_, &file->code_, &file->weights_};
  const char *names[3] = {"plan", "code", "weights"};
  uint64_t previousEnd = kHeaderSize;
  for (int i = 0; i < 3; ++i) {
    uint64_t offset = getU64(base + kSectionsOffset + 16 * i);
    uint64_t length = getU64(base + kSectionsOffset + 16 * i + 8);
    if (offset < previousEnd || offset > size || length > size - offset)
      return fail(std::string("truncated or corrupt: the ") + names[i] +
                  " section [" + std::to_string(offset) + ", +" +
                  std::to_string(length) + ") does not lie inside the " +
                  std::to_string(size) + "-byte file after the sections "
                  "before it");
    sections[i]->data = base + offset;
    sections[i]->size = length;
    previousEnd = offset + length;
  }
  if (uint64_t(file->weights_.data - base) % kWeightsAlignment != 0)
    return fail("corrupt header: the weights section is not page-aligned");
  if (previousEnd != size)
    return fail("corrupt: " + std::to_string(size - previousEnd) +
                " unexpected bytes after the weights section");
  uint64_t expected = getU64(base + kChecksumOffset);
  if (modelChecksum(base + kHeaderSize, size - kHeaderSize) != expected)
    return fail("checksum mismatch: the file is corrupt or was modified");
  return file;
}

ModelFile::~ModelFile() {
  if (mapping_)
    ::munmap(mapping_, mappingSize_);
}
