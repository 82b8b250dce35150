//===- WeightFile.h - a read-only view of a model's weight file -*- C++ -*-===//
//
// A memory-mapped, read-only view of the tensors and metadata of a weight
// file: a llama2.c checkpoint, a GGUF file, Hugging Face safetensors (one
// file, or shards listed by model.safetensors.index.json), or an rwkv.cpp
// model file. Plain C++17 with no MLIR or LLVM, so the compiler and the
// runtime share it.
//
// Every offset and size a file states is checked against the file's size
// before any tensor byte is touched; a malformed file is an error naming the
// file and the byte offset, never a crash. Tensor data is not copied: `data`
// points into a page-aligned mapping of the whole file that lives as long as
// the WeightFile. (The exceptions: values the reader must convert to the
// form mgc's IR takes, such as the log of an rwkv.cpp RWKV-5 decay, or
// decodes, such as rwkv.cpp's quantized blocks, are computed once into
// memory the WeightFile owns.)
//
// Names: each tensor keeps the name the file gives it and, where the format
// has a known naming, mgc's canonical name (the one `mgc.param` uses, see
// frontends/ModelBuilder.cpp), e.g. GGUF `blk.3.attn_q.weight` and
// Hugging Face `model.layers.3.self_attn.q_proj.weight` are both
// `layers.3.attn.q.weight`. Shapes are in mgc's order: row-major, slowest
// dimension first, a linear weight [out, in].
//
// Thread safety: a WeightFile is immutable after open; any number of threads
// may read it at once.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_WEIGHTS_WEIGHTFILE_H
#define MGC_WEIGHTS_WEIGHTFILE_H

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mgc {

class MappedFile;

/// Element types mgc reads. Any other type a file holds is `Unsupported`:
/// the tensor is listed, and using it is an error naming its stored type.
enum class DType : uint8_t { F32, F16, BF16, Unsupported };

/// "F32", "F16", "BF16" or "unsupported".
const char *dtypeName(DType dtype);
/// Bytes per element; 0 for Unsupported.
unsigned dtypeSize(DType dtype);

enum class WeightFormat { Llama2c, Gguf, Safetensors, RwkvCpp };

/// "llama2.c checkpoint", "GGUF", "safetensors" or "rwkv.cpp model".
const char *weightFormatName(WeightFormat format);

/// One tensor of the file.
struct TensorInfo {
  std::string name;           // as the file names it
  std::string canonicalName;  // mgc's name; empty when the format has none
  DType dtype = DType::Unsupported;
  std::string storedType;     // the file's own type name: "F32", "Q4_0", "I64"
  std::vector<int64_t> shape; // mgc order: slowest dimension first
  uint64_t byteSize = 0;      // 0 with data null: unknown layout
  // [byteSize] bytes inside the mapping; null for Unsupported types. Aligned
  // only as the file aligns it (GGUF: general.alignment; llama2.c: 4 bytes;
  // safetensors: usually 8, not guaranteed; rwkv.cpp: none). A derived
  // tensor's values (F32) are in memory the WeightFile owns.
  const void *data = nullptr;
  // Absolute byte offset of `data` in its file; for a derived tensor, where
  // the stored values it was computed from begin.
  uint64_t offset = 0;
  // Computed by the reader from the stored values (rwkv.cpp: RWKV-5 log
  // decays, decoded quantized blocks); storedType names the stored type.
  bool derived = false;
  unsigned shard = 0;         // index into WeightFile::files()

  /// Product of the shape (1 for a scalar).
  int64_t numElements() const;
};

/// A metadata value: GGUF key/values, safetensors `__metadata__` (strings),
/// the index.json `metadata`, and the llama2.c header (`llama2c.*`, I32).
struct MetaValue {
  enum class Type : uint8_t {
    U8, I8, U16, I16, U32, I32, U64, I64, F32, F64, Bool, String, Array
  };
  Type type = Type::U32;
  Type elementType = Type::U32; // Array: the type of its elements
  uint64_t bits = 0;            // integers (two's complement) and Bool
  double real = 0.0;            // F32, F64
  std::string text;             // String
  // Array elements, by element type (one of these is used):
  std::vector<uint64_t> integers;    // integer and Bool elements, as `bits`
  std::vector<double> reals;         // F32 / F64 elements
  std::vector<std::string> strings;  // String elements
  std::vector<MetaValue> arrays;     // nested arrays

  bool isInteger() const;
  bool isFloat() const { return type == Type::F32 || type == Type::F64; }
  bool isString() const { return type == Type::String; }
  bool isArray() const { return type == Type::Array; }
  /// Integer value, when it is an integer that fits int64_t.
  bool getInt(int64_t &out) const;
  /// Float or integer value as a double.
  bool getDouble(double &out) const;
  /// Number of elements of an array (0 for scalars).
  uint64_t arrayLength() const;
  /// "u32", "string", "array of f32", ... for messages.
  std::string typeName() const;
};

/// The mapped weights of one model.
class WeightFile {
public:
  /// Opens `path`, detecting the format from its content: a GGUF file, a
  /// safetensors file, a model.safetensors.index.json, a directory holding
  /// either (Hugging Face layout), or a llama2.c checkpoint. Returns null and
  /// sets `error` ("<path>: ... at byte offset N: ...") on any problem.
  static std::unique_ptr<WeightFile> open(const std::string &path,
                                          std::string &error);
  static std::unique_ptr<WeightFile> openLlama2c(const std::string &path,
                                                 std::string &error);
  static std::unique_ptr<WeightFile> openGguf(const std::string &path,
                                              std::string &error);
  /// A .safetensors file, an index .json, or a directory with either.
  static std::unique_ptr<WeightFile> openSafetensors(const std::string &path,
                                                     std::string &error);
  /// An rwkv.cpp model file (magic 'ggmf', version 100 or 101).
  static std::unique_ptr<WeightFile> openRwkvCpp(const std::string &path,
                                                 std::string &error);

  ~WeightFile();
  WeightFile(const WeightFile &) = delete;
  WeightFile &operator=(const WeightFile &) = delete;

  WeightFormat format() const { return format_; }
  /// The path given to open.
  const std::string &path() const { return path_; }
  /// The files holding tensor data (more than one for sharded safetensors).
  const std::vector<std::string> &files() const { return files_; }

  /// Every tensor, in file order (shard by shard).
  const std::vector<TensorInfo> &tensors() const { return tensors_; }
  /// The tensor mgc calls `canonicalName`, or null.
  const TensorInfo *find(const std::string &canonicalName) const;
  /// The tensor the file calls `storedName`, or null.
  const TensorInfo *findStored(const std::string &storedName) const;
  /// The tensor mgc calls `canonicalName`, ready to read: null with `error`
  /// set when it is missing or its type is not F32, F16 or BF16.
  const TensorInfo *get(const std::string &canonicalName,
                        std::string &error) const;

  /// Metadata in file order, and one value by key (null when absent).
  const std::vector<std::pair<std::string, MetaValue>> &metadata() const {
    return metadata_;
  }
  const MetaValue *meta(const std::string &key) const;

  /// Copies a tensor (F32, F16 or BF16) into `out` as float32; `out` holds
  /// numElements() floats. False with `error` for any other type.
  static bool copyAsF32(const TensorInfo &tensor, float *out,
                        std::string &error);

private:
  friend class WeightFileBuilder;
  WeightFile();

  WeightFormat format_ = WeightFormat::Gguf;
  std::string path_;
  std::vector<std::string> files_;
  std::vector<std::shared_ptr<MappedFile>> mappings_;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, size_t> byName_;
  std::unordered_map<std::string, size_t> byCanonical_;
  std::vector<std::pair<std::string, MetaValue>> metadata_;
  std::unordered_map<std::string, size_t> metaIndex_;
  std::vector<std::unique_ptr<float[]>> derived_; // derived tensors' values
};

/// mgc's canonical name for a GGUF tensor name of the llama family
/// (`blk.3.attn_q.weight` -> `layers.3.attn.q.weight`); empty when unknown.
std::string ggufToCanonical(const std::string &name);
/// mgc's canonical name for a Hugging Face llama-family tensor name
/// (`model.layers.3.self_attn.q_proj.weight` -> `layers.3.attn.q.weight`);
/// empty when unknown.
std::string hfToCanonical(const std::string &name);
/// mgc's canonical name for an rwkv.cpp tensor name
/// (`blocks.3.att.key.weight` -> `layers.3.att.key.weight`,
/// `blocks.3.ln1.weight` -> `layers.3.mixer_norm.weight`); empty when
/// unknown.
std::string rwkvCppToCanonical(const std::string &name);

/// IEEE half and bfloat16 to float.
float halfToFloat(uint16_t h);
float bf16ToFloat(uint16_t b);

/// Float to IEEE half and bfloat16, rounded to nearest even (half: values
/// from 65520 on become infinity, tiny ones half subnormals); NaN stays a
/// quiet NaN.
uint16_t floatToHalf(float f);
uint16_t floatToBf16(float f);

} // namespace mgc

#endif // MGC_WEIGHTS_WEIGHTFILE_H
