//===- WeightFile.cpp - opening weight files and looking up tensors -------===//
//
// This file implements WeightFile's format detection and lookups, the
// builder the format readers fill it through, metadata accessors, and the
// F16/BF16 to F32 conversions.
//
//===----------------------------------------------------------------------===//

#include "weights/ReaderDetail.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sys/stat.h>

using namespace mgc;

//===----------------------------------------------------------------------===//
// Element types and metadata values
//===----------------------------------------------------------------------===//

const char *mgc::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  case DType::Unsupported:
    break;
  }
  return "unsupported";
}

unsigned mgc::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::Unsupported:
    break;
  }
  return 0;
}

const char *mgc::weightFormatName(WeightFormat format) {
  switch (format) {
  case WeightFormat::Llama2c:
    return "llama2.c checkpoint";
  case WeightFormat::Gguf:
    return "GGUF";
  case WeightFormat::Safetensors:
    return "safetensors";
  case WeightFormat::RwkvCpp:
    return "rwkv.cpp model";
  }
  return "unknown";
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // readers checked that the product fits
  return n;
}

namespace {

bool isIntegerType(MetaValue::Type t) {
  using T = MetaValue::Type;
  return t == T::U8 || t == T::I8 || t == T::U16 || t == T::I16 ||
         t == T::U32 || t == T::I32 || t == T::U64 || t == T::I64;
}

bool isSignedType(MetaValue::Type t) {
  using T = MetaValue::Type;
  return t == T::I8 || t == T::I16 || t == T::I32 || t == T::I64;
}

const char *scalarTypeName(MetaValue::Type t) {
  using T = MetaValue::Type;
  switch (t) {
  case T::U8: return "u8";
  case T::I8: return "i8";
  case T::U16: return "u16";
  case T::I16: return "i16";
  case T::U32: return "u32";
  case T::I32: return "i32";
  case T::U64: return "u64";
  case T::I64: return "i64";
  case T::F32: return "f32";
  case T::F64: return "f64";
  case T::Bool: return "bool";
  case T::String: return "string";
  case T::Array: return "array";
  }
  return "unknown";
}

} // namespace

bool MetaValue::isInteger() const { return isIntegerType(type); }

bool MetaValue::getInt(int64_t &out) const {
  if (!isIntegerType(type))
    return false;
  // Signed values were sign-extended into `bits` when read.
  if (!isSignedType(type) &&
      bits > uint64_t(std::numeric_limits<int64_t>::max()))
    return false;
  out = int64_t(bits);
  return true;
}

bool MetaValue::getDouble(double &out) const {
  if (isFloat()) {
    out = real;
    return true;
  }
  int64_t i;
  if (!getInt(i))
    return false;
  out = double(i);
  return true;
}

uint64_t MetaValue::arrayLength() const {
  if (type != Type::Array)
    return 0;
  if (elementType == Type::String)
    return strings.size();
  if (elementType == Type::F32 || elementType == Type::F64)
    return reals.size();
  if (elementType == Type::Array)
    return arrays.size();
  return integers.size();
}

std::string MetaValue::typeName() const {
  if (type != Type::Array)
    return scalarTypeName(type);
  return std::string("array of ") + scalarTypeName(elementType);
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

WeightFile::WeightFile() = default;
WeightFile::~WeightFile() = default;

WeightFileBuilder::WeightFileBuilder(WeightFormat format,
                                     const std::string &path)
    : file_(new WeightFile()) {
  file_->format_ = format;
  file_->path_ = path;
}

unsigned WeightFileBuilder::addFile(std::shared_ptr<MappedFile> file) {
  file_->files_.push_back(file->path());
  file_->mappings_.push_back(std::move(file));
  return unsigned(file_->mappings_.size() - 1);
}

bool WeightFileBuilder::addTensor(TensorInfo tensor, std::string &error) {
  const MappedFile &mapping = *file_->mappings_[tensor.shard];
  if (file_->byName_.count(tensor.name)) {
    error = errorAt(mapping.path(), tensor.offset,
                    "tensor '" + tensor.name + "' is defined twice");
    return false;
  }
  tensor.data = tensor.byteSize > 0 && tensor.dtype != DType::Unsupported
                    ? mapping.data() + tensor.offset
                    : nullptr;
  file_->byName_[tensor.name] = file_->tensors_.size();
  file_->tensors_.push_back(std::move(tensor));
  return true;
}

bool WeightFileBuilder::addDerivedTensor(TensorInfo tensor,
                                         std::vector<float> values,
                                         std::string &error) {
  const MappedFile &mapping = *file_->mappings_[tensor.shard];
  if (file_->byName_.count(tensor.name)) {
    error = errorAt(mapping.path(), tensor.offset,
                    "tensor '" + tensor.name + "' is defined twice");
    return false;
  }
  std::unique_ptr<float[]> owned(new float[values.size()]);
  std::copy(values.begin(), values.end(), owned.get());
  tensor.dtype = DType::F32;
  tensor.derived = true;
  tensor.data = owned.get();
  file_->derived_.push_back(std::move(owned));
  file_->byName_[tensor.name] = file_->tensors_.size();
  file_->tensors_.push_back(std::move(tensor));
  return true;
}

bool WeightFileBuilder::addMeta(const std::string &key, MetaValue value) {
  if (file_->metaIndex_.count(key))
    return false;
  file_->metaIndex_[key] = file_->metadata_.size();
  file_->metadata_.emplace_back(key, std::move(value));
  return true;
}

std::unique_ptr<WeightFile> WeightFileBuilder::finish(std::string &error) {
  for (size_t i = 0; i < file_->tensors_.size(); ++i) {
    const TensorInfo &t = file_->tensors_[i];
    if (t.canonicalName.empty())
      continue;
    auto inserted = file_->byCanonical_.emplace(t.canonicalName, i);
    if (!inserted.second) {
      error = file_->path_ + ": tensors '" +
              file_->tensors_[inserted.first->second].name + "' and '" +
              t.name + "' both map to mgc's '" + t.canonicalName + "'";
      return nullptr;
    }
  }
  return std::move(file_);
}

//===----------------------------------------------------------------------===//
// Lookups
//===----------------------------------------------------------------------===//

const TensorInfo *WeightFile::find(const std::string &canonicalName) const {
  auto it = byCanonical_.find(canonicalName);
  return it == byCanonical_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo *WeightFile::findStored(const std::string &storedName) const {
  auto it = byName_.find(storedName);
  return it == byName_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo *WeightFile::get(const std::string &canonicalName,
                                  std::string &error) const {
  const TensorInfo *t = find(canonicalName);
  if (!t) {
    error = path_ + ": no tensor for mgc's '" + canonicalName + "' in this " +
            weightFormatName(format_) + " file";
    return nullptr;
  }
  if (t->dtype == DType::Unsupported) {
    error = errorAt(files_[t->shard], t->offset,
                    "tensor '" + t->name + "' has type " + t->storedType +
                        ", which mgc does not read; supported types: F32, "
                        "F16, BF16");
    return nullptr;
  }
  return t;
}

const MetaValue *WeightFile::meta(const std::string &key) const {
  auto it = metaIndex_.find(key);
  return it == metaIndex_.end() ? nullptr : &metadata_[it->second].second;
}

//===----------------------------------------------------------------------===//
// Opening
//===----------------------------------------------------------------------===//

namespace {

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool isFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// A safetensors file: u64 header length, then a JSON object.
bool looksLikeSafetensors(const MappedFile &f) {
  if (f.size() < 10 || f.data()[8] != '{')
    return false;
  uint64_t n;
  std::memcpy(&n, f.data(), 8);
  return n >= 2 && n <= f.size() - 8;
}

/// A JSON text (an index): first non-blank byte '{'.
bool looksLikeJson(const MappedFile &f) {
  for (uint64_t i = 0; i < f.size() && i < 4096; ++i) {
    uint8_t c = f.data()[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
      continue;
    return c == '{';
  }
  return false;
}

/// A llama2.c header: seven int32 in plausible ranges (dim, hidden_dim,
/// n_layers, n_heads, n_kv_heads, vocab_size - negative for an unshared
/// classifier - and seq_len). openLlama2c reads any header; this only keeps
/// `open` from calling other files checkpoints.
bool looksLikeLlama2c(const MappedFile &f) {
  if (f.size() < 28)
    return false;
  int32_t h[7];
  std::memcpy(h, f.data(), sizeof(h));
  int64_t dim = h[0], hidden = h[1], layers = h[2], heads = h[3],
          kvHeads = h[4], vocab = h[5] < 0 ? -int64_t(h[5]) : h[5],
          seqLen = h[6];
  return dim > 0 && dim <= (1 << 16) && hidden > 0 && hidden <= (1 << 18) &&
         layers > 0 && layers <= 1024 && heads > 0 && dim % heads == 0 &&
         kvHeads > 0 && heads % kvHeads == 0 && vocab > 0 &&
         vocab <= (1 << 22) && seqLen > 0 && seqLen <= (1 << 22);
}

std::shared_ptr<MappedFile> mapNonEmpty(const std::string &path,
                                        std::string &error) {
  std::shared_ptr<MappedFile> file = MappedFile::open(path, error);
  if (file && file->size() == 0) {
    error = path + ": the file is empty";
    return nullptr;
  }
  return file;
}

std::unique_ptr<WeightFile> readSafetensorsFile(const std::string &path,
                                                std::string &error) {
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  if (!file)
    return nullptr;
  WeightFileBuilder builder(WeightFormat::Safetensors, path);
  if (!readSafetensorsShard(builder, std::move(file), error))
    return nullptr;
  return builder.finish(error);
}

} // namespace

std::unique_ptr<WeightFile> WeightFile::open(const std::string &path,
                                             std::string &error) {
  if (isDirectory(path))
    return openSafetensors(path, error);
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  if (!file)
    return nullptr;
  if (file->size() >= 4 && std::memcmp(file->data(), "GGUF", 4) == 0)
    return readGguf(std::move(file), error);
  // rwkv.cpp writes the u32 0x67676d66 ('ggmf') little-endian.
  if (file->size() >= 4 && std::memcmp(file->data(), "fmgg", 4) == 0)
    return readRwkvCpp(std::move(file), error);
  if (looksLikeSafetensors(*file)) {
    WeightFileBuilder builder(WeightFormat::Safetensors, path);
    if (!readSafetensorsShard(builder, std::move(file), error))
      return nullptr;
    return builder.finish(error);
  }
  if (looksLikeJson(*file))
    return readSafetensorsIndex(path, error);
  if (looksLikeLlama2c(*file))
    return readLlama2c(std::move(file), error);
  error = path + ": not a weight file mgc reads: expected a GGUF file (magic "
                 "'GGUF'), a safetensors file (u64 header length, then a JSON "
                 "header), a model.safetensors.index.json, an rwkv.cpp model "
                 "file (u32 magic 0x67676d66 'ggmf'), or a llama2.c "
                 "checkpoint (7 positive int32: dim, hidden_dim, n_layers, "
                 "n_heads, n_kv_heads, vocab_size, seq_len)";
  return nullptr;
}

std::unique_ptr<WeightFile> WeightFile::openLlama2c(const std::string &path,
                                                    std::string &error) {
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  return file ? readLlama2c(std::move(file), error) : nullptr;
}

std::unique_ptr<WeightFile> WeightFile::openGguf(const std::string &path,
                                                 std::string &error) {
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  return file ? readGguf(std::move(file), error) : nullptr;
}

std::unique_ptr<WeightFile> WeightFile::openRwkvCpp(const std::string &path,
                                                    std::string &error) {
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  return file ? readRwkvCpp(std::move(file), error) : nullptr;
}

std::unique_ptr<WeightFile> WeightFile::openSafetensors(const std::string &path,
                                                        std::string &error) {
  if (isDirectory(path)) {
    std::string index = path + "/model.safetensors.index.json";
    std::string single = path + "/model.safetensors";
    if (isFile(index))
      return readSafetensorsIndex(index, error);
    if (isFile(single))
      return readSafetensorsFile(single, error);
    error = path + ": a model directory must hold model.safetensors or "
                   "model.safetensors.index.json";
    return nullptr;
  }
  std::shared_ptr<MappedFile> file = mapNonEmpty(path, error);
  if (!file)
    return nullptr;
  if (!looksLikeSafetensors(*file) && looksLikeJson(*file))
    return readSafetensorsIndex(path, error);
  WeightFileBuilder builder(WeightFormat::Safetensors, path);
  if (!readSafetensorsShard(builder, std::move(file), error))
    return nullptr;
  return builder.finish(error);
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

float mgc::halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13); // inf / nan
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign; // signed zero
  } else {
    // Subnormal: shift the mantissa up to an implicit leading one.
    int e = -1;
    do {
      ++e;
      mantissa <<= 1;
    } while ((mantissa & 0x400) == 0);
    bits = sign | uint32_t(112 - e) << 23 | ((mantissa & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float mgc::bf16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t mgc::floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = uint16_t((x >> 16) & 0x8000);
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) // inf / nan
    return sign | (x > 0x7f800000u ? 0x7e00 : 0x7c00);
  if (x >= 0x477ff000u) // 65520 and above round to infinity
    return sign | 0x7c00;
  if (x < 0x38800000u) {
    // Below half's smallest normal 2^-14: a multiple of 2^-24, rounded to
    // nearest even by the default rounding mode (1024 is that normal).
    float magnitude;
    std::memcpy(&magnitude, &x, 4);
    return sign | uint16_t(std::nearbyint(magnitude * 16777216.0f));
  }
  uint32_t half = (((x >> 23) - 112) << 10) | ((x & 0x7fffffu) >> 13);
  const uint32_t rest = x & 0x1fffu; // the 13 bits dropped
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1)))
    ++half; // a carry into the exponent is still the right value
  return sign | uint16_t(half);
}

uint16_t mgc::floatToBf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((x >> 16) | 0x40); // quiet NaN
  return uint16_t((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

bool WeightFile::copyAsF32(const TensorInfo &tensor, float *out,
                           std::string &error) {
  if (tensor.dtype == DType::Unsupported || !tensor.data) {
    error = "tensor '" + tensor.name + "' has type " + tensor.storedType +
            ", which mgc does not read; supported types: F32, F16, BF16";
    return false;
  }
  int64_t n = tensor.numElements();
  const uint8_t *src = static_cast<const uint8_t *>(tensor.data);
  if (tensor.dtype == DType::F32) {
    std::memcpy(out, src, size_t(n) * 4);
    return true;
  }
  for (int64_t i = 0; i < n; ++i) {
    uint16_t v;
    std::memcpy(&v, src + 2 * i, 2);
    out[i] = tensor.dtype == DType::F16 ? halfToFloat(v) : bf16ToFloat(v);
  }
  return true;
}
