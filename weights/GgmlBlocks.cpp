//===- GgmlBlocks.cpp - ggml's 32-element quantized blocks ----------------===//
//
// This file implements the decoding of ggml's Q4_0, Q4_1, Q5_0, Q5_1 and
// Q8_0 blocks (the layouts of ggml's ggml-common.h, values as its
// dequantize_row_* compute them).
//
//===----------------------------------------------------------------------===//

#include "weights/GgmlBlocks.h"

#include "weights/WeightFile.h"

#include <cstring>

using namespace mgc;

namespace {

enum class Kind { q4_0, q4_1, q5_0, q5_1, q8_0, none };

Kind kindOf(const std::string &type) {
  if (type == "Q4_0")
    return Kind::q4_0;
  if (type == "Q4_1")
    return Kind::q4_1;
  if (type == "Q5_0")
    return Kind::q5_0;
  if (type == "Q5_1")
    return Kind::q5_1;
  if (type == "Q8_0")
    return Kind::q8_0;
  return Kind::none;
}

float half(const uint8_t *p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return halfToFloat(h);
}

} // namespace

unsigned mgc::ggmlBlockBytes(const std::string &type) {
  switch (kindOf(type)) {
  case Kind::q4_0:
    return 18;
  case Kind::q4_1:
    return 20;
  case Kind::q5_0:
    return 22;
  case Kind::q5_1:
    return 24;
  case Kind::q8_0:
    return 34;
  case Kind::none:
    break;
  }
  return 0;
}

bool mgc::dequantizeGgmlBlocks(const std::string &type, const uint8_t *blocks,
                               int64_t elements, float *out) {
  Kind kind = kindOf(type);
  if (kind == Kind::none)
    return false;
  const unsigned bytes = ggmlBlockBytes(type);
  const int64_t count = elements / kGgmlBlockElements;
  constexpr int kHalf = int(kGgmlBlockElements / 2);
  for (int64_t b = 0; b < count; ++b, out += kGgmlBlockElements) {
    const uint8_t *block = blocks + b * bytes;
    const float d = half(block);
    if (kind == Kind::q8_0) {
      for (int i = 0; i < int(kGgmlBlockElements); ++i)
        out[i] = d * float(int8_t(block[2 + i]));
      continue;
    }
    // Q4_1 and Q5_1 carry a minimum after the scale; Q5 types the fifth
    // bits after that.
    const bool hasMin = kind == Kind::q4_1 || kind == Kind::q5_1;
    const bool fiveBits = kind == Kind::q5_0 || kind == Kind::q5_1;
    const float m = hasMin ? half(block + 2) : 0.0f;
    const uint8_t *p = block + (hasMin ? 4 : 2);
    uint32_t high = 0;
    if (fiveBits) {
      std::memcpy(&high, p, 4);
      p += 4;
    }
    const int offset = hasMin ? 0 : (fiveBits ? 16 : 8);
    for (int j = 0; j < kHalf; ++j) {
      int lo = p[j] & 0x0f, hi = p[j] >> 4;
      if (fiveBits) {
        lo |= int((high >> j) & 1u) << 4;
        hi |= int((high >> (j + kHalf)) & 1u) << 4;
      }
      out[j] = d * float(lo - offset) + m;
      out[j + kHalf] = d * float(hi - offset) + m;
    }
  }
  return true;
}
