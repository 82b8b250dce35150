//===- TokenizerExport.cpp - a GGUF file's tokenizer, alone ---------------===//
//
// Writes GGUF v3: "GGUF", u32 version, u64 tensor count (0), u64 key count,
// then per key a u64-length string, a u32 value type and the value.
//
//===----------------------------------------------------------------------===//

#include "codegen/TokenizerExport.h"

#include "weights/GgufValueTypes.h"
#include "weights/WeightFile.h"

#include <cstring>

using namespace mgc;
using namespace mgc::gguf;

namespace {


ValueType ggufType(MetaValue::Type type) {
  switch (type) {
  case MetaValue::Type::U8:
    return U8;
  case MetaValue::Type::I8:
    return I8;
  case MetaValue::Type::U16:
    return U16;
  case MetaValue::Type::I16:
    return I16;
  case MetaValue::Type::U32:
    return U32;
  case MetaValue::Type::I32:
    return I32;
  case MetaValue::Type::U64:
    return U64;
  case MetaValue::Type::I64:
    return I64;
  case MetaValue::Type::F32:
    return F32;
  case MetaValue::Type::F64:
    return F64;
  case MetaValue::Type::Bool:
    return Bool;
  case MetaValue::Type::String:
    return String;
  case MetaValue::Type::Array:
    return Array;
  }
  return String;
}

class Writer {
public:
  void bytes(const void *data, size_t n) {
    out.append(static_cast<const char *>(data), n);
  }
  void uint(uint64_t v, unsigned size) {
    for (unsigned i = 0; i < size; ++i)
      out.push_back(char(v >> (8 * i)));
  }
  void string(const std::string &s) {
    uint(s.size(), 8);
    out += s;
  }
  /// One scalar of `type` from an integer's bits or a real.
  void scalar(ValueType type, uint64_t bits, double real) {
    if (type == F32) {
      float f = float(real);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      uint(b, 4);
    } else if (type == F64) {
      uint64_t b;
      std::memcpy(&b, &real, 8);
      uint(b, 8);
    } else {
      uint(bits, scalarBytes(type));
    }
  }
  std::string out;
};

/// Writes `value`'s payload (after its type code); false when unsupported.
bool writeValue(Writer &w, const MetaValue &value) {
  ValueType type = ggufType(value.type);
  if (type == String) {
    w.string(value.text);
    return true;
  }
  if (type != Array) {
    w.scalar(type, value.bits, value.real);
    return true;
  }
  ValueType element = ggufType(value.elementType);
  uint64_t n = value.arrayLength();
  w.uint(element, 4);
  w.uint(n, 8);
  for (uint64_t i = 0; i < n; ++i) {
    if (element == String)
      w.string(value.strings[i]);
    else if (element == F32 || element == F64)
      w.scalar(element, 0, value.reals[i]);
    else if (scalarBytes(element))
      w.scalar(element, value.integers[i], 0);
    else
      return false; // nested arrays: no tokenizer key uses them
  }
  return true;
}

bool wanted(const std::string &key) {
  return key.rfind("tokenizer.", 0) == 0 || key == "general.architecture";
}

} // namespace

bool mgc::hasGgufTokenizer(const WeightFile &file) {
  return file.format() == WeightFormat::Gguf &&
         file.meta("tokenizer.ggml.model") != nullptr;
}

bool mgc::exportGgufTokenizer(const WeightFile &file, std::string &out,
                              std::string &error) {
  Writer w;
  uint64_t count = 0;
  for (const auto &[key, value] : file.metadata())
    count += wanted(key);
  w.bytes("GGUF", 4);
  w.uint(3, 4);     // version
  w.uint(0, 8);     // tensors
  w.uint(count, 8); // metadata keys
  for (const auto &[key, value] : file.metadata()) {
    if (!wanted(key))
      continue;
    w.string(key);
    w.uint(ggufType(value.type), 4);
    if (!writeValue(w, value)) {
      error = file.path() + ": cannot copy tokenizer key '" + key + "' (" +
              value.typeName() + ")";
      return false;
    }
  }
  out = std::move(w.out);
  return true;
}
