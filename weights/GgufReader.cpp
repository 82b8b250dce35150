//===- GgufReader.cpp - GGUF v2 and v3 files --------------------*- C++ -*-===//
//
// This file reads GGUF (ggml's file format, versions 2 and 3; little-endian):
//
//   magic "GGUF", u32 version, u64 tensor_count, u64 metadata_kv_count,
//   metadata: { string key, u32 value_type, value }*,
//   tensor infos: { string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type,
//                   u64 offset (relative to the data section) }*,
//   padding to `general.alignment` (default 32), then the data section.
//
// Strings are a u64 length and bytes; arrays are a u32 element type, a u64
// count and the elements (arrays may nest). Every count and length is checked
// against the bytes left before anything is allocated, and every tensor's
// range against the file size; tensors may not overlap.
//
// GGUF lists dimensions fastest first (ne[0] is the contiguous one), so a
// linear weight [out, in] is stored ne = {in, out}: shapes are reversed into
// mgc's order. F32, F16 and BF16 tensors are readable; any other ggml type is
// listed with its name and size, and is an error only when used.
//
//===----------------------------------------------------------------------===//

#include "weights/GgufValueTypes.h"
#include "weights/ReaderDetail.h"

#include <cstdint>

#include <algorithm>
#include <cstring>

using namespace mgc;

namespace {

/// A ggml tensor type: name and block layout (0 bytes: unknown layout).
struct GgmlType {
  const char *name;
  uint32_t blockSize; // elements per block
  uint32_t typeSize;  // bytes per block
};

/// ggml's `enum ggml_type` as the GGUF specification lists it; the gaps are
/// types removed from ggml, which GGUF files no longer hold.
GgmlType ggmlType(uint32_t id) {
  static const GgmlType kTypes[] = {
      {"F32", 1, 4},       {"F16", 1, 2},      {"Q4_0", 32, 18},
      {"Q4_1", 32, 20},    {nullptr, 0, 0},    {nullptr, 0, 0},
      {"Q5_0", 32, 22},    {"Q5_1", 32, 24},   {"Q8_0", 32, 34},
      {"Q8_1", 32, 36},    {"Q2_K", 256, 84},  {"Q3_K", 256, 110},
      {"Q4_K", 256, 144},  {"Q5_K", 256, 176}, {"Q6_K", 256, 210},
      {"Q8_K", 256, 292},  {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},
      {"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50}, {"IQ4_NL", 32, 18},
      {"IQ3_S", 256, 110}, {"IQ2_S", 256, 82}, {"IQ4_XS", 256, 136},
      {"I8", 1, 1},        {"I16", 1, 2},      {"I32", 1, 4},
      {"I64", 1, 8},       {"F64", 1, 8},      {"IQ1_M", 256, 56},
      {"BF16", 1, 2},      {nullptr, 0, 0},    {nullptr, 0, 0},
      {nullptr, 0, 0},     {"TQ1_0", 256, 54}, {"TQ2_0", 256, 66},
      {nullptr, 0, 0},     {nullptr, 0, 0},    {nullptr, 0, 0},
      {"MXFP4", 32, 17},
  };
  if (id < sizeof(kTypes) / sizeof(kTypes[0]))
    return kTypes[id];
  return {nullptr, 0, 0};
}

DType dtypeOf(uint32_t ggmlId) {
  switch (ggmlId) {
  case 0:
    return DType::F32;
  case 1:
    return DType::F16;
  case 30:
    return DType::BF16;
  default:
    return DType::Unsupported;
  }
}

constexpr int kMaxArrayDepth = 8;
constexpr uint32_t kMaxDims = 4; // GGML_MAX_DIMS

class GgufParser {
public:
  GgufParser(std::shared_ptr<MappedFile> file)
      : file_(std::move(file)), r_(file_->data(), file_->size()),
        builder_(WeightFormat::Gguf, file_->path()) {}

  std::unique_ptr<WeightFile> parse(std::string &error);

private:
  bool fail(uint64_t offset, const std::string &message) {
    error_ = errorAt(file_->path(), offset, message);
    return false;
  }
  /// The file ended while reading `what`, which began at `offset`.
  bool truncated(uint64_t offset, const std::string &what) {
    return fail(offset, "the file ends inside " + what + " (the file has " +
                            std::to_string(file_->size()) + " bytes)");
  }
  bool readString(std::string &out, const std::string &what);
  bool readValue(uint32_t type, MetaValue &out, const std::string &what,
                 int depth);
  bool readArray(MetaValue &out, const std::string &what, int depth);
  bool readMetadata(uint64_t count);
  bool readTensorInfos(uint64_t count, std::vector<TensorInfo> &tensors,
                       std::vector<uint64_t> &infoOffsets);
  bool placeTensors(std::vector<TensorInfo> &tensors,
                    const std::vector<uint64_t> &infoOffsets);

  std::shared_ptr<MappedFile> file_;
  ByteReader r_;
  WeightFileBuilder builder_;
  std::string error_;
};

bool GgufParser::readString(std::string &out, const std::string &what) {
  uint64_t start = r_.offset(), length;
  if (!r_.read(length))
    return truncated(start, "the length of " + what);
  if (length > r_.remaining())
    return fail(start, what + " claims " + std::to_string(length) +
                           " bytes, but only " +
                           std::to_string(r_.remaining()) +
                           " bytes follow in the file");
  return r_.readBytes(length, out);
}

MetaValue::Type metaType(uint32_t type) {
  using T = MetaValue::Type;
  static const T kTypes[] = {T::U8,  T::I8,   T::U16,    T::I16, T::U32,
                             T::I32, T::F32,  T::Bool,   T::String, T::Array,
                             T::U64, T::I64,  T::F64};
  return kTypes[type];
}

/// Decodes a fixed-size scalar at `p` into bits (sign-extended) or real.
void decodeScalar(uint32_t type, const uint8_t *p, uint64_t &bits,
                  double &real) {
  switch (type) {
  case 0: bits = p[0]; break;
  case 1: bits = uint64_t(int64_t(int8_t(p[0]))); break;
  case 7: bits = p[0]; break;
  case 2: { uint16_t v; std::memcpy(&v, p, 2); bits = v; break; }
  case 3: { int16_t v; std::memcpy(&v, p, 2); bits = uint64_t(int64_t(v)); break; }
  case 4: { uint32_t v; std::memcpy(&v, p, 4); bits = v; break; }
  case 5: { int32_t v; std::memcpy(&v, p, 4); bits = uint64_t(int64_t(v)); break; }
  case 6: { float v; std::memcpy(&v, p, 4); real = v; break; }
  case 10: case 11: std::memcpy(&bits, p, 8); break;
  case 12: std::memcpy(&real, p, 8); break;
  }
}

bool GgufParser::readValue(uint32_t type, MetaValue &out,
                           const std::string &what, int depth) {
  uint64_t start = r_.offset();
  if (type > 12)
    return fail(start - 4, what + " has value type " + std::to_string(type) +
                               "; GGUF value types are 0 to 12");
  out.type = metaType(type);
  if (type == gguf::String)
    return readString(out.text, what);
  if (type == 9)
    return readArray(out, what, depth);
  uint64_t bytes = gguf::scalarBytes(type);
  if (bytes > r_.remaining())
    return truncated(start, what);
  uint8_t buf[8];
  std::memcpy(buf, file_->data() + start, size_t(bytes));
  r_.skip(bytes);
  decodeScalar(type, buf, out.bits, out.real);
  if (type == 7 && out.bits > 1)
    return fail(start, what + " is a bool of value " +
                           std::to_string(out.bits) + "; expected 0 or 1");
  return true;
}

bool GgufParser::readArray(MetaValue &out, const std::string &what,
                           int depth) {
  uint64_t start = r_.offset();
  uint32_t elementType;
  uint64_t count;
  if (!r_.read(elementType) || !r_.read(count))
    return truncated(start, "the array header of " + what);
  if (elementType > 12)
    return fail(start, what + " is an array of value type " +
                           std::to_string(elementType) +
                           "; GGUF value types are 0 to 12");
  if (elementType == 9 && depth >= kMaxArrayDepth)
    return fail(start, what + " nests arrays deeper than " +
                           std::to_string(kMaxArrayDepth) + " levels");
  out.elementType = metaType(elementType);
  // Every element takes at least this many bytes: refuse a count the rest
  // of the file cannot hold before reserving anything.
  uint64_t minBytes =
      elementType == gguf::String  ? 8
      : elementType == gguf::Array ? 12
                                   : gguf::scalarBytes(elementType);
  uint64_t needed;
  if (!mulChecked(count, minBytes, needed) || needed > r_.remaining())
    return fail(start, what + " claims " + std::to_string(count) +
                           " elements of " + out.typeName().substr(9) +
                           ", more than the " +
                           std::to_string(r_.remaining()) +
                           " bytes left in the file can hold");
  if (elementType == 8) {
    out.strings.resize(size_t(count));
    for (uint64_t i = 0; i < count; ++i)
      if (!readString(out.strings[i],
                      what + " element " + std::to_string(i)))
        return false;
  } else if (elementType == 9) {
    out.arrays.resize(size_t(count));
    for (uint64_t i = 0; i < count; ++i) {
      out.arrays[i].type = MetaValue::Type::Array;
      if (!readArray(out.arrays[i], what + " element " + std::to_string(i),
                     depth + 1))
        return false;
    }
  } else {
    bool isReal = elementType == 6 || elementType == 12;
    (isReal ? out.reals.resize(size_t(count))
            : out.integers.resize(size_t(count)));
    const uint8_t *p = file_->data() + r_.offset();
    for (uint64_t i = 0; i < count; ++i, p += minBytes) {
      uint64_t bits = 0;
      double real = 0;
      decodeScalar(elementType, p, bits, real);
      if (elementType == 7 && bits > 1)
        return fail(r_.offset() + i, what + " element " + std::to_string(i) +
                                         " is a bool of value " +
                                         std::to_string(bits) +
                                         "; expected 0 or 1");
      if (isReal)
        out.reals[i] = real;
      else
        out.integers[i] = bits;
    }
    r_.skip(needed);
  }
  return true;
}

bool GgufParser::readMetadata(uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t start = r_.offset();
    std::string key;
    if (!readString(key, "metadata key #" + std::to_string(i)))
      return false;
    std::string what = "metadata value '" + key + "'";
    uint32_t type;
    if (!r_.read(type))
      return truncated(r_.offset(), "the type of " + what);
    MetaValue value;
    if (!readValue(type, value, what, 0))
      return false;
    if (!builder_.addMeta(key, std::move(value)))
      return fail(start, "metadata key '" + key + "' appears twice");
  }
  return true;
}

bool GgufParser::readTensorInfos(uint64_t count,
                                 std::vector<TensorInfo> &tensors,
                                 std::vector<uint64_t> &infoOffsets) {
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t start = r_.offset();
    TensorInfo t;
    if (!readString(t.name, "the name of tensor #" + std::to_string(i)))
      return false;
    std::string what = "the info of tensor '" + t.name + "'";
    uint32_t dims;
    if (!r_.read(dims))
      return truncated(start, what);
    if (dims > kMaxDims)
      return fail(start, "tensor '" + t.name + "' has " +
                             std::to_string(dims) +
                             " dimensions; GGUF allows at most 4");
    std::vector<uint64_t> ne(dims);
    for (uint64_t &n : ne)
      if (!r_.read(n))
        return truncated(start, what);
    uint32_t typeId;
    if (!r_.read(typeId) || !r_.read(t.offset))
      return truncated(start, what);

    GgmlType type = ggmlType(typeId);
    t.dtype = dtypeOf(typeId);
    t.storedType = type.name ? type.name
                             : "ggml type " + std::to_string(typeId) +
                                   " (unknown to mgc)";
    // Every dimension and the product of the non-zero ones must fit int64,
    // so a zero dimension cannot hide an absurd one.
    uint64_t elements = 1, nonZero = 1;
    for (uint64_t n : ne)
      if (n > uint64_t(INT64_MAX) || !mulChecked(elements, n, elements) ||
          (n != 0 && !mulChecked(nonZero, n, nonZero)) ||
          nonZero > uint64_t(INT64_MAX))
        return fail(start, "tensor '" + t.name +
                               "' has a dimension or element count beyond "
                               "2^63");
    for (auto it = ne.rbegin(); it != ne.rend(); ++it)
      t.shape.push_back(int64_t(*it));
    if (type.blockSize > 0) {
      uint64_t rowLength = dims > 0 ? ne[0] : 1;
      if (rowLength % type.blockSize != 0)
        return fail(start, "tensor '" + t.name + "' of type " + type.name +
                               " has rows of " + std::to_string(rowLength) +
                               " elements, not a multiple of its block size " +
                               std::to_string(type.blockSize));
      if (!mulChecked(elements / type.blockSize, type.typeSize, t.byteSize))
        return fail(start, "tensor '" + t.name + "' has more than 2^63 bytes");
    }
    t.canonicalName = ggufToCanonical(t.name);
    tensors.push_back(std::move(t));
    infoOffsets.push_back(start);
  }
  return true;
}

/// Resolves each tensor's offset in the data section to a file range and
/// checks it lies inside the file, aligned and apart from the others.
bool GgufParser::placeTensors(std::vector<TensorInfo> &tensors,
                              const std::vector<uint64_t> &infoOffsets) {
  uint64_t alignment = 32;
  if (const MetaValue *a = builder_.peek().meta("general.alignment")) {
    int64_t v = 0;
    if (a->type != MetaValue::Type::U32 || !a->getInt(v) || v == 0 ||
        (v & (v - 1)) != 0)
      return fail(0, "metadata 'general.alignment' must be a u32 power of "
                     "two, got " + a->typeName() +
                         (a->isInteger() ? " " + std::to_string(v) : ""));
    alignment = uint64_t(v);
  }
  uint64_t infosEnd = r_.offset();
  uint64_t dataStart = (infosEnd + alignment - 1) / alignment * alignment;
  if (!tensors.empty() && dataStart > file_->size())
    return fail(infosEnd, "the data section would start at byte " +
                              std::to_string(dataStart) +
                              ", past the end of the file (" +
                              std::to_string(file_->size()) + " bytes)");

  struct Range {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Range> ranges;
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo &t = tensors[i];
    uint64_t relative = t.offset;
    if (relative % alignment != 0)
      return fail(infoOffsets[i],
                  "tensor '" + t.name + "' has data offset " +
                      std::to_string(relative) +
                      ", not a multiple of the alignment " +
                      std::to_string(alignment));
    uint64_t begin, end;
    if (!addChecked(dataStart, relative, begin) ||
        !addChecked(begin, t.byteSize, end) || end > file_->size())
      return fail(infoOffsets[i],
                  "tensor '" + t.name + "' (" + t.storedType + " " +
                      shapeString(t.shape) + ", " +
                      std::to_string(t.byteSize) + " bytes) at data offset " +
                      std::to_string(relative) + " (file offset " +
                      std::to_string(dataStart) + " + " +
                      std::to_string(relative) +
                      ") lies beyond the end of the file (" +
                      std::to_string(file_->size()) + " bytes)");
    t.offset = begin;
    if (t.byteSize > 0)
      ranges.push_back({begin, end, i});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range &a, const Range &b) {
              return a.begin != b.begin ? a.begin < b.begin
                                        : a.index < b.index;
            });
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].begin < ranges[i - 1].end)
      return fail(infoOffsets[ranges[i].index],
                  "the data of tensors '" + tensors[ranges[i - 1].index].name +
                      "' and '" + tensors[ranges[i].index].name +
                      "' overlap");
  return true;
}

std::unique_ptr<WeightFile> GgufParser::parse(std::string &error) {
  auto done = [&]() -> std::unique_ptr<WeightFile> {
    error = error_;
    return nullptr;
  };
  char magic[4] = {0, 0, 0, 0};
  if (file_->size() < 4 || std::memcmp(file_->data(), "GGUF", 4) != 0) {
    std::memcpy(magic, file_->data(), size_t(std::min<uint64_t>(4, file_->size())));
    static const char *hex = "0123456789abcdef";
    std::string found;
    for (uint64_t i = 0; i < std::min<uint64_t>(4, file_->size()); ++i)
      found += std::string(i ? " " : "") + "0x" +
               hex[uint8_t(magic[i]) >> 4] + hex[uint8_t(magic[i]) & 15];
    fail(0, "not a GGUF file: expected the magic 'GGUF' (0x47 0x47 0x55 "
            "0x46), found " + found);
    return done();
  }
  r_.skip(4);
  uint32_t version;
  uint64_t tensorCount, kvCount;
  if (!r_.read(version)) {
    truncated(4, "the GGUF version");
    return done();
  }
  if (version != 2 && version != 3) {
    bool swapped = version == 0x02000000u || version == 0x03000000u;
    fail(4, "GGUF version " + std::to_string(version) +
                " is not supported; expected 2 or 3" +
                (version == 1 ? " (version 1 used 32-bit lengths)"
                 : swapped    ? " (this looks like a big-endian GGUF, which "
                                "mgc does not read)"
                              : ""));
    return done();
  }
  if (!r_.read(tensorCount) || !r_.read(kvCount)) {
    truncated(8, "the GGUF header");
    return done();
  }
  // A metadata entry takes at least 12 bytes, a tensor info at least 24.
  uint64_t minBytes;
  if (!mulChecked(kvCount, 12, minBytes) || minBytes > r_.remaining() ||
      !mulChecked(tensorCount, 24, minBytes) || minBytes > r_.remaining()) {
    fail(8, "the header claims " + std::to_string(tensorCount) +
                " tensors and " + std::to_string(kvCount) +
                " metadata entries, more than the " +
                std::to_string(file_->size()) + "-byte file can hold");
    return done();
  }
  builder_.addFile(file_);
  std::vector<TensorInfo> tensors;
  std::vector<uint64_t> infoOffsets;
  if (!readMetadata(kvCount) ||
      !readTensorInfos(tensorCount, tensors, infoOffsets) ||
      !placeTensors(tensors, infoOffsets))
    return done();
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::string name = tensors[i].name;
    if (!builder_.addTensor(std::move(tensors[i]), error_)) {
      error_ = errorAt(file_->path(), infoOffsets[i],
                       "tensor '" + name + "' is defined twice");
      return done();
    }
  }
  return builder_.finish(error);
}

} // namespace

std::unique_ptr<WeightFile> mgc::readGguf(std::shared_ptr<MappedFile> file,
                                          std::string &error) {
  return GgufParser(std::move(file)).parse(error);
}
