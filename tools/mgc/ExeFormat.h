//===- ExeFormat.h - executables made by --emit=exe -------------*- C++ -*-===//
//
// `mgc compile --emit=exe -o PROG` writes PROG as the launcher (the runtime
// with `mgc run`'s option handling, bin/mgc-exe-stub), zero padding up to a
// page boundary, the compiled model file unchanged, and a trailer:
//
//   u64 model offset, u64 model size (little-endian), char[8] kExeMagic
//
// The model starts on a page boundary so its weights stay page-aligned when
// the launcher maps them from its own file. Runtime-only: no MLIR, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_EXEFORMAT_H
#define MGC_TOOLS_MGC_EXEFORMAT_H

#include <cstdint>
#include <string>

namespace mgc {

inline constexpr char kExeMagic[8] = {'M', 'G', 'C', 'E', 'X', 'E', '0', '1'};
inline constexpr uint64_t kExeTrailerSize = 24;
/// The file name of the launcher, installed beside the mgc executable.
inline constexpr const char *kExeStubName = "mgc-exe-stub";

/// Encodes the trailer of a model at [offset, offset + size).
std::string encodeExeTrailer(uint64_t offset, uint64_t size);

/// Finds the model embedded in the executable `path`. On failure returns
/// false and sets `error` to one message naming the file.
bool findEmbeddedModel(const std::string &path, uint64_t &offset,
                       uint64_t &size, std::string &error);

} // namespace mgc

#endif // MGC_TOOLS_MGC_EXEFORMAT_H
