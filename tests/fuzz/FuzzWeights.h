//===- FuzzWeights.h - checks on a WeightFile a reader accepted -*- C++ -*-===//
//
// WeightFile.h promises that every offset and size was checked against the
// file before any tensor byte is touched. These checks hold the readers to
// it: each readable tensor lies inside its file (or, derived by the reader,
// starts there), its byte size is its shape times its element size, and its
// bytes can be read and converted.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TESTS_FUZZ_FUZZWEIGHTS_H
#define MGC_TESTS_FUZZ_FUZZWEIGHTS_H

#include "FuzzCommon.h"

#include "weights/WeightFile.h"

#include <sys/stat.h>
#include <vector>

namespace mgcfuzz {

/// Checks `file`; any broken promise aborts (see `violated`).
inline void checkWeightFile(const mgc::WeightFile &file) {
  std::vector<uint64_t> fileSizes;
  for (const std::string &path : file.files()) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      violated("a WeightFile names a file that does not exist", path);
    fileSizes.push_back(uint64_t(st.st_size));
  }
  uint64_t converted = 0;
  std::vector<float> scratch;
  for (const mgc::TensorInfo &t : file.tensors()) {
    const std::string where = "tensor '" + t.name + "'";
    if (t.shard >= fileSizes.size())
      violated("tensor in a shard that does not exist", where);
    // numElements (shape order, int64_t) must not overflow: every dimension
    // >= 0 and every partial product an int64_t, even after a zero
    // dimension (which the GGUF reader once let through).
    bool overflows = false;
    __int128 partial = 1;
    for (int64_t d : t.shape) {
      if (d < 0) {
        overflows = true;
        break;
      }
      partial *= d;
      if (partial > __int128(INT64_MAX)) {
        overflows = true;
        break;
      }
    }
    if (overflows)
      (void)t.numElements(); // UBSan names the overflow, if there is one
    if (overflows)
      violated("a dimension is negative or numElements overflows", where);
    int64_t elements = t.numElements();
    if (file.findStored(t.name) == nullptr)
      violated("findStored cannot find a listed tensor", where);
    if (!t.canonicalName.empty() && file.find(t.canonicalName) == nullptr)
      violated("find cannot find a listed canonical name", where);
    if (!t.data)
      continue;
    if (t.dtype == mgc::DType::Unsupported)
      continue; // listed with a position, read only as raw bytes
    if (t.byteSize != uint64_t(elements) * mgc::dtypeSize(t.dtype))
      violated("byte size is not elements x element size", where);
    // A derived tensor's values are the WeightFile's own; its offset names
    // where the stored values begin.
    if (t.derived ? t.offset >= fileSizes[t.shard]
                  : t.offset > fileSizes[t.shard] ||
                        t.byteSize > fileSizes[t.shard] - t.offset)
      violated("tensor data outside its file",
               where + " [" + std::to_string(t.offset) + ", +" +
                   std::to_string(t.byteSize) + ") in a " +
                   std::to_string(fileSizes[t.shard]) + "-byte file");
    touch(t.data, t.byteSize);
    if (converted + uint64_t(elements) <= (uint64_t(1) << 22)) {
      converted += uint64_t(elements);
      scratch.resize(size_t(elements) + 1);
      std::string error;
      if (!mgc::WeightFile::copyAsF32(t, scratch.data(), error))
        violated("copyAsF32 refused a readable tensor", where + ": " + error);
      std::string getError;
      if (!t.canonicalName.empty() &&
          file.find(t.canonicalName) == &t &&
          file.get(t.canonicalName, getError) != &t)
        violated("get refused a readable tensor", where + ": " + getError);
    }
  }
  for (const auto &entry : file.metadata()) {
    const mgc::MetaValue &v = entry.second;
    if (file.meta(entry.first) == nullptr)
      violated("meta cannot find a listed key", entry.first);
    (void)v.typeName();
    int64_t i;
    double d;
    (void)v.getInt(i);
    (void)v.getDouble(d);
    (void)v.arrayLength();
  }
}

} // namespace mgcfuzz

#endif // MGC_TESTS_FUZZ_FUZZWEIGHTS_H
