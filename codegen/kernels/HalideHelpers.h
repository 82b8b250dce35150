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

/// `value` (f32, f16 or bf16) as f32, exactly. Halide 14 widens f16 with a
/// long integer sequence on x86 (it does not use F16C's vcvtph2ps); this
/// does it in five vector operations: the half's magnitude bits moved into
/// an f32's place and scaled by 2^112, which also turns half subnormals into
/// the right f32 values, then its sign. Infinities and NaNs come out as
/// large finite values, so it serves finite data only (mgc's weights writer
/// refuses weights that overflow f16).
Halide::Expr widenToF32(const Halide::Expr &value);

/// Declares an input tensor of `type` and mgc `shape`, constrained as by
/// constrainTensor.
Halide::ImageParam tensorInput(Halide::Type type, const std::string &name,
                               const std::vector<int64_t> &shape);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_HALIDEHELPERS_H
