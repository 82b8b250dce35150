//===- ModelFile.h - the compiled model container ---------------*- C++ -*-===//
//
// One compiled model is one file: a fixed header, then the execution plan,
// the kernels (a shared object, loaded from memory) and the weights, each a
// section at an offset recorded in the header. The weights section starts on
// a page boundary so the runtime maps it straight from the file. The header
// carries a magic number, the format version, the target the kernels were
// compiled for, and a checksum of everything after the header; the reader
// validates all of it before any section is used.
//
// Layout (all integers little-endian):
//   offset 0   char[8]  magic "MGCMODEL"
//          8   u32      format version (kModelFileVersion)
//         12   u32      header size in bytes (kHeaderSize)
//         16   char[32] target name, NUL-padded ("x86-64-avx512", ...)
//         48   u64 x 6  plan, code, weights: (offset, size) each
//         96   u64      checksum of bytes [kHeaderSize, file end)
//        104   ...      zero padding up to kHeaderSize
//
// Thread safety: a ModelFile is immutable once opened.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_MODEL_MODELFILE_H
#define MGC_RUNTIME_MODEL_MODELFILE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mgc {

inline constexpr char kModelFileMagic[8] = {'M', 'G', 'C', 'M',
                                            'O', 'D', 'E', 'L'};
inline constexpr uint32_t kModelFileVersion = 2;
inline constexpr uint32_t kHeaderSize = 128;
inline constexpr uint64_t kWeightsAlignment = 4096;

/// A byte range of the mapped file.
struct Section {
  const uint8_t *data = nullptr;
  uint64_t size = 0;
};

/// 64-bit checksum of `size` bytes (a multiply-xor hash over 8-byte words,
/// in four interleaved lanes).
uint64_t modelChecksum(const uint8_t *data, uint64_t size);

/// Writes a model file atomically (a temporary beside `path`, renamed into
/// place when complete). Returns an error message, empty on success.
std::string writeModelFile(const std::string &path, std::string_view target,
                           std::string_view plan, std::string_view code,
                           std::string_view weights);

class ModelFile {
public:
  /// Maps and validates `path`. On failure returns null and sets `error` to
  /// one message naming the file and what is wrong.
  static std::unique_ptr<ModelFile> open(const std::string &path,
                                         std::string &error);
  /// Maps and validates the model stored in bytes [offset, offset + size)
  /// of `path` (a model embedded in a larger file, such as an executable
  /// made by `mgc compile --emit=exe`). Only that range is mapped; `offset`
  /// must be a multiple of kWeightsAlignment so the weights stay
  /// page-aligned. The validation is the same as open(path)'s.
  static std::unique_ptr<ModelFile> open(const std::string &path,
                                         uint64_t offset, uint64_t size,
                                         std::string &error);
  ~ModelFile();
  ModelFile(const ModelFile &) = delete;
  ModelFile &operator=(const ModelFile &) = delete;

  const std::string &path() const { return path_; }
  const std::string &target() const { return target_; }
  Section plan() const { return plan_; }
  Section code() const { return code_; }
  Section weights() const { return weights_; } // page-aligned

private:
  ModelFile() = default;
  static std::unique_ptr<ModelFile> openRange(const std::string &path,
                                              uint64_t offset, uint64_t size,
                                              bool whole, std::string &error);

  std::string path_;
  std::string target_;
  void *mapping_ = nullptr;   // the whole file, read-only
  uint64_t mappingSize_ = 0;
  Section plan_, code_, weights_;
};

} // namespace mgc

#endif // MGC_RUNTIME_MODEL_MODELFILE_H
