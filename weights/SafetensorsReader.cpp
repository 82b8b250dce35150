//===- SafetensorsReader.cpp - Hugging Face safetensors files ---*- C++ -*-===//
//
// This file reads one safetensors file: a little-endian u64 header length N,
// an N-byte JSON header, then the data section. The header maps each tensor
// name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative
// to the data section) and may hold "__metadata__", a string-to-string map.
//
// Checked before any data is touched: N fits in the file, the JSON is strict
// and has exactly those fields, begin <= end <= the data section's size, the
// byte range matches dtype x shape, and no two tensors overlap. F32, F16 and
// BF16 are readable; other dtypes are listed and an error only when used.
// Hugging Face llama-family names also get mgc's canonical names.
//
//===----------------------------------------------------------------------===//

#include "weights/Json.h"
#include "weights/ReaderDetail.h"

#include <algorithm>
#include <cstring>

using namespace mgc;

namespace {

/// The safetensors reference implementation's header limit.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

/// A safetensors dtype: mgc's type and bytes per element (0: sub-byte or
/// unknown layout, not size-checked).
struct StDType {
  DType dtype;
  unsigned bytes;
};

StDType stDType(const std::string &name) {
  struct Entry {
    const char *name;
    StDType type;
  };
  static const Entry kTypes[] = {
      {"F32", {DType::F32, 4}},          {"F16", {DType::F16, 2}},
      {"BF16", {DType::BF16, 2}},        {"F64", {DType::Unsupported, 8}},
      {"I64", {DType::Unsupported, 8}},  {"U64", {DType::Unsupported, 8}},
      {"I32", {DType::Unsupported, 4}},  {"U32", {DType::Unsupported, 4}},
      {"I16", {DType::Unsupported, 2}},  {"U16", {DType::Unsupported, 2}},
      {"I8", {DType::Unsupported, 1}},   {"U8", {DType::Unsupported, 1}},
      {"BOOL", {DType::Unsupported, 1}}, {"F8_E4M3", {DType::Unsupported, 1}},
      {"F8_E5M2", {DType::Unsupported, 1}},
      {"F8_E8M0", {DType::Unsupported, 1}},
  };
  for (const Entry &e : kTypes)
    if (name == e.name)
      return e.type;
  return {DType::Unsupported, 0};
}

class ShardParser {
public:
  ShardParser(WeightFileBuilder &builder, std::shared_ptr<MappedFile> file)
      : builder_(builder), file_(std::move(file)) {}

  bool parse(std::string &error);

private:
  /// An error at `offset` bytes into the JSON header.
  bool failInHeader(uint64_t offset, const std::string &message) {
    error_ = errorAt(file_->path(), 8 + offset, message);
    return false;
  }
  bool readTensor(const std::string &name, const JsonValue &entry,
                  TensorInfo &t, uint64_t &begin, uint64_t &end);
  bool readMetadata(const JsonValue &entry);

  WeightFileBuilder &builder_;
  std::shared_ptr<MappedFile> file_;
  uint64_t dataStart_ = 0, dataSize_ = 0;
  std::string error_;
};

/// A non-negative JSON integer.
bool nonNegative(const JsonValue &v, uint64_t &out) {
  if (v.kind != JsonValue::Kind::Number || !v.isInteger || v.integer < 0)
    return false;
  out = uint64_t(v.integer);
  return true;
}

bool ShardParser::readTensor(const std::string &name, const JsonValue &entry,
                             TensorInfo &t, uint64_t &begin, uint64_t &end) {
  std::string where = "tensor '" + name + "': ";
  if (entry.kind != JsonValue::Kind::Object)
    return failInHeader(entry.offset, where + "expected an object with "
                                              "\"dtype\", \"shape\" and "
                                              "\"data_offsets\", got a " +
                                              entry.kindName());
  for (size_t i = 0; i < entry.keys.size(); ++i)
    if (entry.keys[i] != "dtype" && entry.keys[i] != "shape" &&
        entry.keys[i] != "data_offsets")
      return failInHeader(entry.items[i].offset,
                          where + "unknown field \"" + entry.keys[i] +
                              "\"; expected \"dtype\", \"shape\" and "
                              "\"data_offsets\"");
  const JsonValue *dtype = entry.get("dtype");
  const JsonValue *shape = entry.get("shape");
  const JsonValue *offsets = entry.get("data_offsets");
  if (!dtype || !shape || !offsets)
    return failInHeader(entry.offset,
                        where + "missing \"" +
                            (!dtype ? "dtype" : !shape ? "shape"
                                                       : "data_offsets") +
                            "\"");
  if (dtype->kind != JsonValue::Kind::String)
    return failInHeader(dtype->offset, where + "\"dtype\" must be a string");
  StDType type = stDType(dtype->string);
  t.name = name;
  t.dtype = type.dtype;
  t.storedType = dtype->string;

  if (shape->kind != JsonValue::Kind::Array)
    return failInHeader(shape->offset, where + "\"shape\" must be an array");
  uint64_t elements = 1;
  for (const JsonValue &d : shape->items) {
    uint64_t n;
    if (!nonNegative(d, n))
      return failInHeader(d.offset, where + "\"shape\" must hold "
                                            "non-negative integers");
    if (!mulChecked(elements, n, elements))
      return failInHeader(d.offset, where + "more than 2^63 elements");
    t.shape.push_back(int64_t(n));
  }

  if (offsets->kind != JsonValue::Kind::Array || offsets->items.size() != 2 ||
      !nonNegative(offsets->items[0], begin) ||
      !nonNegative(offsets->items[1], end))
    return failInHeader(offsets->offset,
                        where + "\"data_offsets\" must be [begin, end], two "
                                "non-negative integers");
  if (begin > end)
    return failInHeader(offsets->offset,
                        where + "data_offsets [" + std::to_string(begin) +
                            ", " + std::to_string(end) +
                            "] end before they begin");
  if (end > dataSize_)
    return failInHeader(offsets->offset,
                        where + "data_offsets [" + std::to_string(begin) +
                            ", " + std::to_string(end) +
                            "] run past the end of the data section (" +
                            std::to_string(dataSize_) + " bytes, file offset " +
                            std::to_string(dataStart_) + " to " +
                            std::to_string(file_->size()) + ")");
  uint64_t bytes = 0;
  bool fits = mulChecked(elements, type.bytes, bytes);
  if (type.bytes > 0 && (!fits || bytes != end - begin))
    return failInHeader(offsets->offset,
                        where + "dtype " + dtype->string + " and shape " +
                            shapeString(t.shape) + " need " +
                            (fits ? std::to_string(bytes)
                                  : std::string("over 2^63")) +
                            " bytes, but data_offsets [" +
                            std::to_string(begin) + ", " + std::to_string(end) +
                            "] hold " + std::to_string(end - begin));
  t.byteSize = end - begin;
  t.offset = dataStart_ + begin;
  t.canonicalName = hfToCanonical(name);
  return true;
}

bool ShardParser::readMetadata(const JsonValue &entry) {
  if (entry.kind != JsonValue::Kind::Object)
    return failInHeader(entry.offset, "\"__metadata__\" must be an object of "
                                      "strings");
  for (size_t i = 0; i < entry.keys.size(); ++i) {
    if (entry.items[i].kind != JsonValue::Kind::String)
      return failInHeader(entry.items[i].offset,
                          "\"__metadata__\" value \"" + entry.keys[i] +
                              "\" must be a string, got a " +
                              entry.items[i].kindName());
    MetaValue value;
    value.type = MetaValue::Type::String;
    value.text = entry.items[i].string;
    // A later shard repeating a key (e.g. "format") keeps the first value.
    builder_.addMeta(entry.keys[i], std::move(value));
  }
  return true;
}

bool ShardParser::parse(std::string &error) {
  auto done = [&](bool ok) {
    if (!ok)
      error = error_;
    return ok;
  };
  const std::string &path = file_->path();
  if (file_->size() < 8) {
    error = path + ": a safetensors file starts with an 8-byte header "
                   "length, but the file has " +
            std::to_string(file_->size()) + " bytes";
    return false;
  }
  uint64_t headerBytes;
  std::memcpy(&headerBytes, file_->data(), 8);
  if (headerBytes > file_->size() - 8) {
    error = errorAt(path, 0,
                    "the header length " + std::to_string(headerBytes) +
                        " runs past the end of the file: only " +
                        std::to_string(file_->size() - 8) +
                        " bytes follow the 8-byte length");
    return false;
  }
  if (headerBytes > kMaxHeaderBytes) {
    error = errorAt(path, 0,
                    "the header length " + std::to_string(headerBytes) +
                        " exceeds the safetensors limit of 100 MiB");
    return false;
  }
  dataStart_ = 8 + headerBytes;
  dataSize_ = file_->size() - dataStart_;
  // The format requires it (trailing spaces are allowed, leading ones not),
  // and format detection relies on it.
  if (headerBytes == 0 || file_->data()[8] != '{')
    return done(failInHeader(0, "the JSON header must begin with '{'"));

  JsonValue root;
  uint64_t jsonOffset;
  std::string jsonError;
  if (!parseJson(reinterpret_cast<const char *>(file_->data()) + 8,
                 headerBytes, root, jsonOffset, jsonError))
    return done(failInHeader(jsonOffset, "invalid JSON header: " + jsonError));
  if (root.kind != JsonValue::Kind::Object)
    return done(failInHeader(root.offset, "the JSON header must be an "
                                          "object of tensors"));

  unsigned shard = builder_.addFile(file_);
  struct Range {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Range> ranges;
  std::vector<TensorInfo> tensors;
  std::vector<uint64_t> entryOffsets;
  for (size_t i = 0; i < root.keys.size(); ++i) {
    if (root.keys[i] == "__metadata__") {
      if (!readMetadata(root.items[i]))
        return done(false);
      continue;
    }
    TensorInfo t;
    uint64_t begin, end;
    if (!readTensor(root.keys[i], root.items[i], t, begin, end))
      return done(false);
    t.shard = shard;
    if (end > begin)
      ranges.push_back({begin, end, tensors.size()});
    tensors.push_back(std::move(t));
    entryOffsets.push_back(root.items[i].offset);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range &a, const Range &b) {
              return a.begin != b.begin ? a.begin < b.begin
                                        : a.index < b.index;
            });
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].begin < ranges[i - 1].end) {
      const Range &a = ranges[i - 1], &b = ranges[i];
      return done(failInHeader(
          entryOffsets[b.index],
          "the data_offsets of tensors '" + tensors[a.index].name + "' [" +
              std::to_string(a.begin) + ", " + std::to_string(a.end) +
              "] and '" + tensors[b.index].name + "' [" +
              std::to_string(b.begin) + ", " + std::to_string(b.end) +
              "] overlap"));
    }
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::string name = tensors[i].name;
    if (!builder_.addTensor(std::move(tensors[i]), error_))
      return done(failInHeader(entryOffsets[i], "tensor '" + name +
                                                    "' is also in another "
                                                    "shard"));
  }
  return true;
}

} // namespace

bool mgc::readSafetensorsShard(WeightFileBuilder &builder,
                               std::shared_ptr<MappedFile> file,
                               std::string &error) {
  return ShardParser(builder, std::move(file)).parse(error);
}
