//===- GgmlBlocks.h - ggml's 32-element quantized blocks --------*- C++ -*-===//
//
// Decodes ggml's classic block-quantized types to float32: each block holds
// 32 elements as one FP16 scale d (Q4_1, Q5_1: also an FP16 minimum m) and
// small integers q, and element i is d * q_i (+ m):
//
//   Q4_0  18 bytes: d, 16 bytes of 4-bit q          x = d * (q - 8)
//   Q4_1  20 bytes: d, m, 16 bytes of 4-bit q       x = d * q + m
//   Q5_0  22 bytes: d, u32 high bits, 16 bytes      x = d * (q - 16)
//   Q5_1  24 bytes: d, m, u32 high bits, 16 bytes   x = d * q + m
//   Q8_0  34 bytes: d, 32 int8 q                    x = d * q
//
// In the 4- and 5-bit types byte j of the 16 holds element j in its low
// nibble and element j + 16 in its high nibble; the fifth bit of element i
// is bit i of the u32. Plain C++17, no MLIR or LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_WEIGHTS_GGMLBLOCKS_H
#define MGC_WEIGHTS_GGMLBLOCKS_H

#include <cstdint>
#include <string>

namespace mgc {

/// Elements per block of every type below.
constexpr int64_t kGgmlBlockElements = 32;

/// Bytes per block of `type` ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"); 0
/// when dequantizeGgmlBlocks does not decode it.
unsigned ggmlBlockBytes(const std::string &type);

/// Decodes `elements` (a multiple of 32) values of `type` from `blocks`
/// (elements / 32 * ggmlBlockBytes(type) bytes, any alignment) into `out`.
/// False for a type ggmlBlockBytes does not know.
bool dequantizeGgmlBlocks(const std::string &type, const uint8_t *blocks,
                          int64_t elements, float *out);

} // namespace mgc

#endif // MGC_WEIGHTS_GGMLBLOCKS_H
