//===- Json.h - a small strict JSON parser for weight headers ---*- C++ -*-===//
//
// Parses the JSON of safetensors headers and index files without exceptions
// or LLVM: strict RFC 8259 (no comments, no trailing commas, UTF-8 checked,
// duplicate object keys rejected), nesting at most 64 deep. Integers without a
// fraction or exponent that fit int64_t are kept exactly.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_WEIGHTS_JSON_H
#define MGC_WEIGHTS_JSON_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

struct JsonValue {
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0.0;
  bool isInteger = false;        // number is an exact int64 `integer`
  int64_t integer = 0;
  std::string string;            // String
  std::vector<JsonValue> items;  // Array elements, or Object values
  std::vector<std::string> keys; // Object keys, parallel to `items`
  uint64_t offset = 0;           // byte offset of the value in the text

  /// The value of `key` in an object, or null.
  const JsonValue *get(const std::string &key) const;
  /// "null", "boolean", "number", "string", "array" or "object".
  const char *kindName() const;
};

/// Parses `size` bytes at `text`. On failure returns false and sets
/// `errorOffset` (byte offset in the text) and `error`.
bool parseJson(const char *text, uint64_t size, JsonValue &out,
               uint64_t &errorOffset, std::string &error);

} // namespace mgc

#endif // MGC_WEIGHTS_JSON_H
