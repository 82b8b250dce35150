//===- ByteReader.h - bounds-checked little-endian file reading -*- C++ -*-===//
//
// Reads a file front to back, checking every read against the file size, so
// truncated or corrupt tokenizer files give an error naming the file and the
// byte offset instead of a crash or a huge allocation.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_TOKENIZER_BYTEREADER_H
#define MGC_RUNTIME_TOKENIZER_BYTEREADER_H

#include <cstdint>
#include <cstdio>
#include <string>

namespace mgc {

/// A read-only cursor over one file. Every read names what it reads; the
/// first failure is kept in error() as "<path>: offset N: <message>" and all
/// later reads fail. Not thread-safe (one reader per thread).
class ByteReader {
public:
  ByteReader() = default;
  ByteReader(const ByteReader &) = delete;
  ByteReader &operator=(const ByteReader &) = delete;
  ~ByteReader();

  /// Opens `path`, which must be a regular file.
  bool open(const std::string &path);

  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - offset_; }
  const std::string &path() const { return path_; }
  const std::string &error() const { return error_; }

  /// Copies `n` bytes at the cursor into `dst` (or into a string).
  bool readBytes(void *dst, uint64_t n, const char *what);
  bool readString(std::string &dst, uint64_t n, const char *what);
  bool skip(uint64_t n, const char *what);
  bool readU8(uint8_t &v, const char *what);
  bool readU32(uint32_t &v, const char *what);
  bool readI32(int32_t &v, const char *what);
  bool readU64(uint64_t &v, const char *what);
  bool readF32(float &v, const char *what);

  /// Records "<path>: offset <at>: <message>" (first failure wins); false.
  bool fail(uint64_t at, const std::string &message);
  bool fail(const std::string &message) { return fail(offset_, message); }

private:
  /// True if `n` more bytes exist; otherwise records the shortfall.
  bool need(uint64_t n, const char *what);

  std::FILE *file_ = nullptr;
  std::string path_;
  uint64_t size_ = 0;   // file size in bytes
  uint64_t offset_ = 0; // cursor, <= size_
  std::string error_;   // first failure, "" while all reads succeeded
};

} // namespace mgc

#endif // MGC_RUNTIME_TOKENIZER_BYTEREADER_H
