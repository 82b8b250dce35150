//===- GgufValueTypes.h - GGUF metadata value types -------------*- C++ -*-===//
//
// The value type codes of GGUF key/value metadata and the encoded size of
// each scalar type, shared by every reader and writer of GGUF metadata (the
// weight reader, the runtime's tokenizer reader, the tokenizer exporter).
// Header-only plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_WEIGHTS_GGUFVALUETYPES_H
#define MGC_WEIGHTS_GGUFVALUETYPES_H

#include <cstdint>

namespace mgc {
namespace gguf {

/// gguf_type, as the GGUF specification numbers it.
enum ValueType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};

/// Bytes of one encoded value of a fixed-size type; 0 for string, array and
/// unknown types.
inline uint64_t scalarBytes(uint32_t type) {
  static const uint64_t kBytes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
  return type < sizeof(kBytes) / sizeof(kBytes[0]) ? kBytes[type] : 0;
}

} // namespace gguf
} // namespace mgc

#endif // MGC_WEIGHTS_GGUFVALUETYPES_H
