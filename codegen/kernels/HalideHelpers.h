//===- HalideHelpers.h - helpers shared by Halide generators --*- C++ -*-===//
//
// Small pieces every kernel generator in codegen/kernels needs: turning a
// KernelSchedule's target string into a Halide::Target (refusing "host"), and
// declaring tensor arguments with the layout convention of KernelSchedule.h
// (row-major mgc shape, Halide dimension 0 innermost, only the outermost
// dimension — the tokens — dynamic).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_HALIDEHELPERS_H
#define MGC_CODEGEN_KERNELS_HALIDEHELPERS_H

#include "Halide.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mgc {

/// Marks the outermost dimension of a tensor shape whose extent is only known
/// at run time (the token count T).
inline constexpr int64_t kDynamicExtent = -1;

/// Parses an explicit Halide target string such as
/// "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41". Returns
/// std::nullopt with *error set (when non-null) for an empty or malformed
/// string and for any string naming Halide's "host" target, which must never
/// be compiled for (see TargetDescription.h).
std::optional<Halide::Target> parseHalideTarget(const std::string &text,
                                                std::string *error = nullptr);

/// Constrains `param` to a dense row-major tensor of the given mgc shape
/// (outermost first): every min is 0, Halide dimension 0 has stride 1, static
/// extents and all strides are fixed. Only shape[0] may be kDynamicExtent;
/// every other extent must be positive. Fixed strides let Halide fold address
/// arithmetic into constants; callers pass whole arena tensors, never views.
void constrainTensor(Halide::OutputImageParam param,
                     const std::vector<int64_t> &shape);

/// Declares an input tensor of `type` and mgc `shape`, constrained as by
/// constrainTensor.
Halide::ImageParam tensorInput(Halide::Type type, const std::string &name,
                               const std::vector<int64_t> &shape);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_HALIDEHELPERS_H
