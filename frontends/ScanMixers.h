//===- ScanMixers.h - linear-recurrence mixer lowerings ---------*- C++ -*-===//
//
// Private to the scan-mixer lowering files (BuildScanMixer.cpp, BuildMamba.cpp,
// BuildRwkv.cpp, BuildLti.cpp, BuildHydra.cpp, BuildH3.cpp): the per-family
// entry points that `buildScanMixer` dispatches to and the helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_SCANMIXERS_H
#define MGC_FRONTENDS_SCANMIXERS_H

#include "frontends/GraphBuilder.h"
#include "frontends/ModelSpec.h"

#include "llvm/ADT/Twine.h"

namespace mgc {

namespace scan {

// Per-family lowerings; each returns null after emitting an error when the
// spec cannot be lowered.
mlir::Value buildMamba1(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildMamba2(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildRwkv4(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
/// RWKV-5.1 and RWKV-5.2 (s.kind tells which).
mlir::Value buildRwkv5(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildRwkv6(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildRwkv7(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildS4dReal(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildHydra(GraphBuilder &g, const ScanSpec &s, mlir::Value x);
mlir::Value buildH3(GraphBuilder &g, const ScanSpec &s, mlir::Value x);

// Shared helpers (BuildScanMixer.cpp) -----------------------------------------

/// Emits `message` as an error at the builder's location; returns null.
mlir::Value fail(GraphBuilder &g, const llvm::Twine &message);

/// The static dimensions of a ranked tensor value.
llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);

/// Reshapes a tensor without a token dimension (a weight, or a value computed
/// from weights only) to `shape`, keeping the element count.
mlir::Value reshapeWeight(GraphBuilder &g, mlir::Value w,
                          llvm::ArrayRef<int64_t> shape);

/// `x [..., in]` times `weight [out, in]` where the weight is not a plain
/// `<name>.weight` (RWKV's low-rank matrices, computed matrices).
mlir::Value matmul(GraphBuilder &g, mlir::Value x, mlir::Value weight);

/// Normalizes `x` over its last dimension with an already-built weight and
/// bias (either may be null), e.g. a per-head norm of a weight stored flat.
mlir::Value normWith(GraphBuilder &g, NormKind kind, mlir::Value x,
                     mlir::Value weight, mlir::Value bias, double eps);

/// Causal depthwise convolution of `x [T, C]` with `<name>.weight [C, width]`
/// (and `<name>.bias [C]`), continuing from the conv state `stateName`
/// ([width - 1, C]) and writing it back. Width 0 returns x unchanged.
mlir::Value causalConv(GraphBuilder &g, mlir::Value x, llvm::StringRef name,
                       int64_t width, bool bias, llvm::StringRef stateName);

/// Like causalConv, with an already-built weight [C, width] (e.g. computed
/// from other weights) and optional bias [C].
mlir::Value causalConvWith(GraphBuilder &g, mlir::Value x, mlir::Value weight,
                           mlir::Value bias, llvm::StringRef stateName);

/// The previous token's features of `x [T, C]`, the first taken from the
/// state `stateName` ([1, C]), which then holds x's last token.
mlir::Value tokenShift(GraphBuilder &g, mlir::Value x,
                       llvm::StringRef stateName);

/// The optional operands of `mgc.scan`; null ones are left out.
struct ScanOperands {
  mlir::Value dt, decay, b, c, d, bonus, alpha, beta;
};

/// A forward `mgc.scan` of `variant` over `x [T, H, P]` that starts from the
/// recurrent state `stateName` ([H, P, N], N from `ops.b`) and writes the
/// final state back. Returns y [T, H, P].
mlir::Value forwardScan(GraphBuilder &g, ScanVariant variant, mlir::Value x,
                        const ScanOperands &ops, llvm::StringRef stateName);

/// The fixed scalars of the mixers' formulas, as [1] tensors.
class Scalars {
public:
  explicit Scalars(GraphBuilder &g) : g_(g) {}

  mlir::Value zero() { return g_.constant(0.0); }
  mlir::Value one() { return g_.constant(1.0); }
  mlir::Value minusOne() { return g_.constant(-1.0); }
  mlir::Value half() { return g_.constant(0.5); }
  /// -v: v * -1.
  mlir::Value negate(mlir::Value v);
  /// 1 / sqrt(n) for n >= 1.
  mlir::Value invSqrt(int64_t n);
  /// A scalar [1] repeated to the static `shape`.
  mlir::Value splat(mlir::Value scalar, llvm::ArrayRef<int64_t> shape);

private:
  GraphBuilder &g_;
};

} // namespace scan
} // namespace mgc

#endif // MGC_FRONTENDS_SCANMIXERS_H
