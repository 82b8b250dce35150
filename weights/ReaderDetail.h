//===- ReaderDetail.h - shared pieces of the weight-file readers -*- C++ -*-===//
//
// Internal to weights/: the read-only file mapping, a bounds-checked
// little-endian cursor over it, and the builder the format readers use to
// fill a WeightFile. Not installed; the public API is WeightFile.h.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_WEIGHTS_READERDETAIL_H
#define MGC_WEIGHTS_READERDETAIL_H

#include "weights/WeightFile.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace mgc {

/// A whole file mapped read-only (page-aligned base); unmapped on
/// destruction. An empty file maps to no memory and size 0.
class MappedFile {
public:
  /// Maps `path`; null with `error` naming the path on failure.
  static std::shared_ptr<MappedFile> open(const std::string &path,
                                          std::string &error);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const std::string &path() const { return path_; }
  const uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }

private:
  MappedFile() = default;
  std::string path_;
  const uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
};

/// "<path>: at byte offset <offset>: <message>".
std::string errorAt(const std::string &path, uint64_t offset,
                    const std::string &message);

/// a * b and a + b without wrapping; false when the result exceeds
/// INT64_MAX (sizes stay representable as int64_t everywhere).
bool mulChecked(uint64_t a, uint64_t b, uint64_t &out);
bool addChecked(uint64_t a, uint64_t b, uint64_t &out);

/// "[a, b, c]".
std::string shapeString(const std::vector<int64_t> &shape);

/// A cursor over a mapped byte range that refuses to read past its end.
/// Each read returns false (and leaves the cursor) when the bytes are not
/// there; the caller words the error.
class ByteReader {
public:
  ByteReader(const uint8_t *data, uint64_t size) : data_(data), size_(size) {}

  uint64_t offset() const { return pos_; }
  uint64_t remaining() const { return size_ - pos_; }
  bool skip(uint64_t n) {
    if (n > remaining())
      return false;
    pos_ += n;
    return true;
  }
  /// Little-endian integer or float of sizeof(T) bytes.
  template <typename T> bool read(T &out) {
    if (sizeof(T) > remaining())
      return false;
    std::memcpy(&out, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  /// `n` raw bytes as a string.
  bool readBytes(uint64_t n, std::string &out) {
    if (n > remaining())
      return false;
    out.assign(reinterpret_cast<const char *>(data_ + pos_), size_t(n));
    pos_ += n;
    return true;
  }

private:
  const uint8_t *data_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

/// Fills a WeightFile; the readers' only way to touch its fields.
class WeightFileBuilder {
public:
  WeightFileBuilder(WeightFormat format, const std::string &path);

  /// Adds a mapping holding tensor data; returns its shard index.
  unsigned addFile(std::shared_ptr<MappedFile> file);
  /// Adds `tensor`, whose name must be new (else false with `error`).
  /// `data` is derived from shard and offset when byteSize > 0 and the
  /// dtype is known; the caller has checked the range against the file.
  bool addTensor(TensorInfo tensor, std::string &error);
  /// Adds `tensor` (a new name) as an F32 tensor of `values`, which the
  /// WeightFile keeps; values.size() must be tensor.numElements() and
  /// byteSize 4 * values.size(). Its shard and offset locate the stored
  /// values it came from.
  bool addDerivedTensor(TensorInfo tensor, std::vector<float> values,
                        std::string &error);
  /// Adds a metadata entry; false for a key already present.
  bool addMeta(const std::string &key, MetaValue value);
  /// The finished file, with canonical-name lookup built. Fails when two
  /// tensors map to one canonical name.
  std::unique_ptr<WeightFile> finish(std::string &error);

  const WeightFile &peek() const { return *file_; }

private:
  std::unique_ptr<WeightFile> file_;
};

// The format readers (one file each).
std::unique_ptr<WeightFile> readLlama2c(std::shared_ptr<MappedFile> file,
                                        std::string &error);
std::unique_ptr<WeightFile> readGguf(std::shared_ptr<MappedFile> file,
                                     std::string &error);
/// Adds the tensors and `__metadata__` of one safetensors file to `builder`
/// (a metadata key an earlier shard set is kept as it was).
bool readSafetensorsShard(WeightFileBuilder &builder,
                          std::shared_ptr<MappedFile> file,
                          std::string &error);
/// Reads a model.safetensors.index.json and every shard it names.
std::unique_ptr<WeightFile> readSafetensorsIndex(const std::string &path,
                                                 std::string &error);
std::unique_ptr<WeightFile> readRwkvCpp(std::shared_ptr<MappedFile> file,
                                        std::string &error);

} // namespace mgc

#endif // MGC_WEIGHTS_READERDETAIL_H
