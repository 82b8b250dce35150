//===- RwkvCppReader.cpp - rwkv.cpp model files ------------------*- C++ -*-===//
//
// This file reads rwkv.cpp's model file format (rwkv.cpp's
// rwkv_file_format.inc and docs/FILE_FORMAT.md; all fields little-endian):
//
//   header: u32 magic 0x67676d66 ('ggmf'), u32 version (100 or 101),
//           u32 n_vocab, u32 n_embed, u32 n_layer, u32 data_type
//   then, up to the end of the file, parameters:
//           u32 dim_count (1 to 3), u32 key_length, u32 data_type,
//           u32 ne[dim_count] (fastest dimension first, as ggml),
//           key_length bytes of name, then the data
//
// Data types are rwkv.cpp's: 0 FP32, 1 FP16, 2 Q4_0, 3 Q4_1, 7 Q5_0,
// 8 Q5_1, 9 Q8_0, 10 Q8_1, 11-16 Q2_K to Q8_K (4-6 are formats rwkv.cpp
// removed). A quantized tensor's data is ne[0] * ne[1] * ne[2] / block size
// blocks, and a version-100 file holds no quantized tensor (ggml changed
// those formats with version 101). FP32 and FP16 tensors are read in place;
// Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 ones are decoded to float32 when the file
// is opened (derived tensors, storedType naming the file's type; mgc
// computes in f32 from them); any other type (Q8_1, the K-quants) is listed
// with its name and size and is an error only when used, as in GGUF files.
//
// The architecture version is told by the tensors, as rwkv.cpp tells it:
// `blocks.0.att.r_k` RWKV-7, `blocks.0.att.time_maa_x` RWKV-6,
// `blocks.0.att.ln_x.weight` RWKV-5 (5.2 with `blocks.0.att.gate.weight`,
// else 5.1), otherwise RWKV-4. It becomes metadata `rwkv.version` ("4",
// "5.1", "5.2", "6" or "7"), beside the header's fields as U32
// `rwkv.file_version`, `rwkv.n_vocab`, `rwkv.n_embed`, `rwkv.n_layer` and
// `rwkv.data_type`.
//
// Names map to mgc's with rwkvCppToCanonical (CanonicalNames.cpp). Shapes
// are reversed into mgc's order, and rwkv.cpp's converter
// (convert_pytorch_to_ggml.py) is undone where it changed a tensor:
//
//   - size-1 dimensions it added are dropped: trailing ones everywhere
//     (`unsqueeze(-1)`, `reshape(-1, 1, 1)`), and leading ones of RWKV-7's
//     [1, 1, C] vectors (x_k, w0, a0, v0, k_k, k_a); `att.r_k` and the
//     `att.time_*` tensors keep their [H, N] (or [H]) dimensions, except
//     RWKV-6's `att.time_decay`, [H, N, 1] there and [C] in RWKV-LM and mgc;
//   - RWKV-7's `att.x_rwkvag` [6, 1, C] (the token-shift mixes concatenated)
//     is exposed as its six rows `att.x_r`, `x_w`, `x_k`, `x_v`, `x_a`,
//     `x_g` [C], views named `<name>[0]` to `<name>[5]`;
//   - RWKV-5's `att.time_decay` is stored as the decay exp(-exp(w)); mgc's
//     `rwkv` scan takes the log decay -exp(w), which the reader computes (in
//     double, from the stored FP32 value) as a derived tensor. A decay that
//     underflowed to 0 gets the log of the smallest normal float. RWKV-4
//     stores -exp(w) itself.
//
// Every count and size is checked against the bytes left before anything is
// read; an error names the file, the byte offset and the tensor.
//
//===----------------------------------------------------------------------===//

#include "weights/GgmlBlocks.h"
#include "weights/ReaderDetail.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace mgc;

namespace {

constexpr uint32_t kMagic = 0x67676d66; // 'ggmf'
constexpr uint64_t kHeaderBytes = 6 * 4;
constexpr uint32_t kMaxDims = 3;
constexpr uint32_t kMaxNameLength = 1024;

/// An rwkv.cpp data type: name and ggml block layout.
struct RwkvType {
  const char *name;   // null: not a type rwkv.cpp reads
  uint32_t blockSize; // elements per block
  uint32_t typeSize;  // bytes per block
};

/// rwkv.cpp's `enum rwkv_type` with ggml's block sizes; Q4_1_O, Q4_2 and
/// Q4_3 were removed from rwkv.cpp and have no layout.
RwkvType rwkvType(uint32_t id) {
  static const RwkvType kTypes[] = {
      {"FP32", 1, 4},     {"FP16", 1, 2},     {"Q4_0", 32, 18},
      {"Q4_1", 32, 20},   {nullptr, 0, 0},    {nullptr, 0, 0},
      {nullptr, 0, 0},    {"Q5_0", 32, 22},   {"Q5_1", 32, 24},
      {"Q8_0", 32, 34},   {"Q8_1", 32, 36},   {"Q2_K", 256, 84},
      {"Q3_K", 256, 110}, {"Q4_K", 256, 144}, {"Q5_K", 256, 176},
      {"Q6_K", 256, 210}, {"Q8_K", 256, 292},
  };
  if (id < sizeof(kTypes) / sizeof(kTypes[0]))
    return kTypes[id];
  return {nullptr, 0, 0};
}

const char *removedTypeName(uint32_t id) {
  return id == 4 ? "Q4_1_O" : id == 5 ? "Q4_2" : id == 6 ? "Q4_3" : nullptr;
}

/// "FP32, FP16, Q4_0, ..." for messages.
std::string typeList() {
  std::string list;
  for (uint32_t id = 0; id < 17; ++id)
    if (const char *name = rwkvType(id).name)
      list += (list.empty() ? "" : ", ") + std::to_string(id) + " " + name;
  return list;
}

/// Why `id` is no data type mgc can list, or "" when it is one.
std::string typeProblem(uint32_t id) {
  if (const char *removed = removedTypeName(id))
    return std::string("data type ") + std::to_string(id) + " (" + removed +
           ") was removed from rwkv.cpp; requantize the model";
  if (!rwkvType(id).name)
    return "data type " + std::to_string(id) +
           " is unknown; rwkv.cpp's types are " + typeList();
  return {};
}

DType dtypeOf(uint32_t id) {
  return id == 0 ? DType::F32 : id == 1 ? DType::F16 : DType::Unsupported;
}

MetaValue u32Meta(uint32_t v) {
  MetaValue m;
  m.type = MetaValue::Type::U32;
  m.bits = v;
  return m;
}

MetaValue stringMeta(const std::string &text) {
  MetaValue m;
  m.type = MetaValue::Type::String;
  m.text = text;
  return m;
}

/// One parameter as the file holds it.
struct Parameter {
  std::string name;
  uint32_t typeId = 0;
  std::vector<uint64_t> ne; // fastest first
  uint64_t infoOffset = 0;  // where its header starts
  uint64_t dataOffset = 0;
  uint64_t byteSize = 0;
};

/// The last component of an RWKV name after "att." or "ffn.", with the
/// block: "att.r_k".
std::string blockLeaf(const std::string &name) {
  size_t att = name.find(".att."), ffn = name.find(".ffn.");
  size_t at = att != std::string::npos ? att : ffn;
  return at == std::string::npos ? std::string() : name.substr(at + 1);
}

/// The shape mgc uses for `p` of an RWKV-`version` file (see the file
/// comment); "" before the version is known.
std::vector<int64_t> canonicalShape(const Parameter &p,
                                    const std::string &version = "") {
  std::vector<int64_t> shape;
  for (auto it = p.ne.rbegin(); it != p.ne.rend(); ++it)
    shape.push_back(int64_t(*it));
  while (shape.size() > 1 && shape.back() == 1)
    shape.pop_back();
  std::string leaf = blockLeaf(p.name);
  if (version == "6" && leaf == "att.time_decay") {
    // [H, N, 1] there, RWKV-LM's [1, 1, C] and mgc's [C].
    int64_t elements = 1;
    for (int64_t d : shape)
      elements *= d;
    return {elements};
  }
  bool keepHeads = leaf == "att.r_k" || leaf.rfind("att.time_", 0) == 0 ||
                   leaf.rfind("ffn.time_", 0) == 0;
  if (!keepHeads && leaf != "att.x_rwkvag") {
    bool vector = true;
    for (size_t i = 0; i + 1 < shape.size(); ++i)
      vector &= shape[i] == 1;
    if (vector && shape.size() > 1)
      shape.erase(shape.begin(), shape.end() - 1);
  }
  return shape;
}

class RwkvCppParser {
public:
  explicit RwkvCppParser(std::shared_ptr<MappedFile> file)
      : file_(std::move(file)), r_(file_->data(), file_->size()),
        builder_(WeightFormat::RwkvCpp, file_->path()) {}

  std::unique_ptr<WeightFile> parse(std::string &error);

private:
  bool fail(uint64_t offset, const std::string &message) {
    error_ = errorAt(file_->path(), offset, message);
    return false;
  }
  bool truncated(uint64_t offset, const std::string &what) {
    return fail(offset, "the file ends inside " + what + " (the file has " +
                            std::to_string(file_->size()) + " bytes)");
  }
  bool readHeader();
  bool readParameter(Parameter &p);
  std::string version(const std::vector<Parameter> &params) const;
  bool addParameter(const Parameter &p, const std::string &version);
  bool addRows(const Parameter &p, TensorInfo base);
  bool addLogDecay(const Parameter &p, TensorInfo t);

  std::shared_ptr<MappedFile> file_;
  ByteReader r_;
  WeightFileBuilder builder_;
  std::string error_;
  uint32_t header_[6] = {};
  unsigned shard_ = 0;
};

bool RwkvCppParser::readHeader() {
  if (file_->size() < kHeaderBytes)
    return fail(0, "an rwkv.cpp model file starts with a 24-byte header (six "
                   "u32: magic, version, n_vocab, n_embed, n_layer, "
                   "data_type), but the file has " +
                       std::to_string(file_->size()) + " bytes");
  for (uint32_t &field : header_)
    r_.read(field);
  if (header_[0] != kMagic) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%08x", header_[0]);
    return fail(0, std::string("not an rwkv.cpp model file: expected the "
                               "magic 0x67676d66 ('ggmf'), found ") +
                       hex);
  }
  uint32_t version = header_[1];
  if (version != 100 && version != 101)
    return fail(4, "rwkv.cpp file version " + std::to_string(version) +
                       " is not supported; expected 100 or 101" +
                       (version < 100 ? " (a 'ggmf' file of a small version "
                                        "is a legacy llama.cpp model, which "
                                        "mgc does not read)"
                                      : ""));
  static const char *const kFields[3] = {"n_vocab", "n_embed", "n_layer"};
  static const uint32_t kLimits[3] = {1u << 24, 1u << 20, 4096};
  for (int i = 0; i < 3; ++i)
    if (header_[2 + i] == 0 || header_[2 + i] > kLimits[i])
      return fail(8 + 4 * uint64_t(i),
                  std::string("header field ") + kFields[i] + " is " +
                      std::to_string(header_[2 + i]) + "; expected 1 to " +
                      std::to_string(kLimits[i]));
  if (std::string problem = typeProblem(header_[5]); !problem.empty())
    return fail(20, "the header's " + problem);
  if (version == 100 && rwkvType(header_[5]).blockSize > 1)
    return fail(20, std::string("the header's data type ") +
                        rwkvType(header_[5]).name +
                        " is quantized in a version-100 file: ggml changed "
                        "its quantized formats with version 101; requantize "
                        "the model");
  return true;
}

bool RwkvCppParser::readParameter(Parameter &p) {
  uint64_t start = p.infoOffset = r_.offset();
  std::string what = "the header of the parameter at byte offset " +
                     std::to_string(start);
  uint32_t dims, keyLength;
  if (!r_.read(dims) || !r_.read(keyLength) || !r_.read(p.typeId))
    return truncated(start, what);
  if (dims < 1 || dims > kMaxDims)
    return fail(start, "a parameter has " + std::to_string(dims) +
                           " dimensions; rwkv.cpp allows 1 to 3");
  p.ne.resize(dims);
  for (uint64_t &n : p.ne) {
    uint32_t v;
    if (!r_.read(v))
      return truncated(start, what);
    n = v;
  }
  if (keyLength == 0 || keyLength > kMaxNameLength)
    return fail(start + 4, "a parameter's name length is " +
                               std::to_string(keyLength) + "; expected 1 to " +
                               std::to_string(kMaxNameLength));
  if (!r_.readBytes(keyLength, p.name))
    return truncated(start, "the name of the parameter at byte offset " +
                                std::to_string(start) + " (" +
                                std::to_string(keyLength) + " bytes)");
  for (unsigned char c : p.name)
    if (c < 0x20 || c == 0x7f)
      return fail(r_.offset() - keyLength,
                  "a parameter's name holds the control character " +
                      std::to_string(unsigned(c)));
  const std::string tensor = "tensor '" + p.name + "'";
  if (std::string problem = typeProblem(p.typeId); !problem.empty())
    return fail(start + 8, tensor + " has " + problem);
  uint64_t elements = 1;
  for (size_t i = 0; i < p.ne.size(); ++i) {
    if (p.ne[i] == 0)
      return fail(start + 12 + 4 * i,
                  tensor + " has a dimension of size 0");
    mulChecked(elements, p.ne[i], elements); // three u32: cannot overflow
  }
  RwkvType type = rwkvType(p.typeId);
  if (type.blockSize > 1) {
    if (header_[1] == 100)
      return fail(start + 8,
                  tensor + " is quantized (" + type.name +
                      ") in a version-100 file: ggml changed its quantized "
                      "formats with version 101; requantize the model");
    if (p.ne[0] % type.blockSize != 0)
      return fail(start, tensor + " of type " + type.name + " has rows of " +
                             std::to_string(p.ne[0]) +
                             " elements, not a multiple of its block size " +
                             std::to_string(type.blockSize));
  }
  p.byteSize = elements / type.blockSize * type.typeSize;
  p.dataOffset = r_.offset();
  if (p.byteSize > r_.remaining())
    return fail(start, tensor + " (" + type.name + " " +
                           shapeString(canonicalShape(p)) + ", " +
                           std::to_string(p.byteSize) +
                           " bytes of data from byte offset " +
                           std::to_string(p.dataOffset) +
                           ") runs past the end of the file (" +
                           std::to_string(file_->size()) + " bytes)");
  r_.skip(p.byteSize);
  return true;
}

std::string
RwkvCppParser::version(const std::vector<Parameter> &params) const {
  auto has = [&](const char *name) {
    for (const Parameter &p : params)
      if (p.name == name)
        return true;
    return false;
  };
  if (has("blocks.0.att.r_k"))
    return "7";
  if (has("blocks.0.att.time_maa_x"))
    return "6";
  if (has("blocks.0.att.ln_x.weight"))
    return has("blocks.0.att.gate.weight") ? "5.2" : "5.1";
  return "4";
}

bool RwkvCppParser::addRows(const Parameter &p, TensorInfo base) {
  static const char *const kRows[6] = {"x_r", "x_w", "x_k",
                                       "x_v", "x_a", "x_g"};
  const std::vector<int64_t> &shape = base.shape;
  int64_t channels = shape.back();
  if (shape.size() < 2 || shape[0] != 6 ||
      base.numElements() != 6 * channels)
    return fail(p.infoOffset,
                "tensor '" + p.name + "' has shape " + shapeString(shape) +
                    "; rwkv.cpp stores RWKV-7's six token-shift mixes r, w, "
                    "k, v, a, g as [6, 1, C]");
  if (base.dtype == DType::Unsupported)
    return fail(p.infoOffset, "tensor '" + p.name + "' has type " +
                                  base.storedType +
                                  "; mgc reads RWKV-7's token-shift mixes "
                                  "from FP32 or FP16 only");
  const std::string prefix =
      base.canonicalName.substr(0, base.canonicalName.size() - 8); // "x_rwkvag"
  uint64_t rowBytes = base.byteSize / 6;
  for (int i = 0; i < 6; ++i) {
    TensorInfo row = base;
    row.name = p.name + "[" + std::to_string(i) + "]";
    row.canonicalName = prefix + kRows[i];
    row.shape = {channels};
    row.byteSize = rowBytes;
    row.offset = base.offset + uint64_t(i) * rowBytes;
    if (!builder_.addTensor(std::move(row), error_))
      return false;
  }
  return true;
}

bool RwkvCppParser::addLogDecay(const Parameter &p, TensorInfo t) {
  if (t.dtype != DType::F32)
    return fail(p.infoOffset,
                "tensor '" + p.name + "' has type " + t.storedType +
                    "; mgc reads RWKV-5 decays from FP32 only (rwkv.cpp's "
                    "converter writes them so)");
  const float *stored = static_cast<const float *>(
      static_cast<const void *>(file_->data() + t.offset));
  int64_t n = t.numElements();
  std::vector<float> logs(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    float w;
    std::memcpy(&w, stored + i, 4);
    if (!(w >= 0.0f))
      return fail(t.offset + 4 * uint64_t(i),
                  "tensor '" + p.name + "' holds " + std::to_string(w) +
                      " at element " + std::to_string(i) +
                      "; rwkv.cpp stores RWKV-5 decays as exp(-exp(w)), "
                      "which is in [0, 1]");
    logs[size_t(i)] = float(std::log(std::max(double(w), double(FLT_MIN))));
  }
  return builder_.addDerivedTensor(std::move(t), std::move(logs), error_);
}

bool RwkvCppParser::addParameter(const Parameter &p,
                                 const std::string &version) {
  RwkvType type = rwkvType(p.typeId);
  TensorInfo t;
  t.name = p.name;
  t.canonicalName = rwkvCppToCanonical(p.name);
  t.dtype = dtypeOf(p.typeId);
  t.storedType = type.name;
  t.shape = canonicalShape(p, version);
  t.byteSize = p.byteSize;
  t.offset = p.dataOffset;
  t.shard = shard_;
  std::string leaf = blockLeaf(p.name);
  if (leaf == "att.x_rwkvag" && !t.canonicalName.empty())
    return addRows(p, std::move(t));
  if (leaf == "att.time_decay" && version.rfind("5", 0) == 0 &&
      !t.canonicalName.empty())
    return addLogDecay(p, std::move(t));
  if (t.dtype == DType::Unsupported && ggmlBlockBytes(t.storedType) > 0) {
    // Decoded once; byteSize becomes the size of the float32 values.
    std::vector<float> values(size_t(t.numElements()));
    dequantizeGgmlBlocks(t.storedType, file_->data() + t.offset,
                         t.numElements(), values.data());
    t.byteSize = uint64_t(values.size()) * 4;
    return builder_.addDerivedTensor(std::move(t), std::move(values), error_);
  }
  if (!builder_.addTensor(std::move(t), error_)) {
    error_ = errorAt(file_->path(), p.infoOffset,
                     "tensor '" + p.name + "' is defined twice");
    return false;
  }
  return true;
}

std::unique_ptr<WeightFile> RwkvCppParser::parse(std::string &error) {
  auto done = [&]() -> std::unique_ptr<WeightFile> {
    error = error_;
    return nullptr;
  };
  if (!readHeader())
    return done();
  std::vector<Parameter> params;
  while (r_.remaining() > 0) {
    Parameter p;
    if (!readParameter(p))
      return done();
    params.push_back(std::move(p));
  }
  if (params.empty()) {
    fail(kHeaderBytes, "the file holds a header but no parameters");
    return done();
  }
  shard_ = builder_.addFile(file_);
  static const char *const kFields[6] = {"magic",   "file_version", "n_vocab",
                                         "n_embed", "n_layer",      "data_type"};
  for (int i = 1; i < 6; ++i)
    builder_.addMeta(std::string("rwkv.") + kFields[i], u32Meta(header_[i]));
  std::string arch = version(params);
  builder_.addMeta("rwkv.version", stringMeta(arch));
  for (const Parameter &p : params)
    if (!addParameter(p, arch))
      return done();
  return builder_.finish(error);
}

} // namespace

std::unique_ptr<WeightFile> mgc::readRwkvCpp(std::shared_ptr<MappedFile> file,
                                             std::string &error) {
  return RwkvCppParser(std::move(file)).parse(error);
}
