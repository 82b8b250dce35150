//===- GraphBuilder.h - building one entry point's ops ----------*- C++ -*-===//
//
// The toolkit block lowerings use to emit mgc ops for one entry point
// (prefill or decode): typed helpers that compute result shapes, name weights
// under the current layer's prefix, declare persistent state once per module,
// and stamp every op with the description line it came from.
//
// Activations are [T, features...] where T is the entry point's token count:
// dynamic for prefill, 1 for decode.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_GRAPHBUILDER_H
#define MGC_FRONTENDS_GRAPHBUILDER_H

#include "frontends/ModelSpec.h"
#include "ir/MgcDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mgc {

class GraphBuilder {
public:
  /// `module` receives state declarations; ops are inserted at `builder`'s
  /// insertion point. `tokens` is ShapedType::kDynamic or a static count.
  GraphBuilder(mlir::OpBuilder &builder, mlir::ModuleOp module,
               const ModelSpec &spec, int64_t tokens, mlir::Value position);

  const ModelSpec &spec() const { return spec_; }
  mlir::OpBuilder &builder() { return builder_; }
  /// The token count T of activations (kDynamic in prefill).
  int64_t tokens() const { return tokens_; }
  /// The position of the first token, an `index` value.
  mlir::Value position() const { return position_; }
  bool isDecode() const { return tokens_ == 1; }

  /// Ops created from now on carry the location of `pos` in the input file.
  void setSource(SourcePos pos);
  mlir::Location loc() const { return loc_; }

  /// Weight names are `<prefix>.<name>`; the prefix is e.g. "layers.3".
  void setPrefix(std::string prefix) { prefix_ = std::move(prefix); }
  std::string qualify(llvm::StringRef name) const;

  // Types -------------------------------------------------------------------
  mlir::Type f32() { return builder_.getF32Type(); }
  /// [T, features...] in f32.
  mlir::RankedTensorType activation(llvm::ArrayRef<int64_t> features);
  /// Static f32 tensor.
  mlir::RankedTensorType tensor(llvm::ArrayRef<int64_t> shape);

  // Weights -----------------------------------------------------------------
  /// The weight `<prefix>.<name>` of static `shape` (f32).
  mlir::Value param(llvm::StringRef name, llvm::ArrayRef<int64_t> shape);
  /// A weight whose name is already complete (no layer prefix).
  mlir::Value globalParam(llvm::StringRef name, llvm::ArrayRef<int64_t> shape);

  /// A static f32 tensor of `shape` filled with `value`.
  mlir::Value constant(double value, llvm::ArrayRef<int64_t> shape = {1});

  // Values shared across layers of one entry point -----------------------------
  /// Remembers `value` under `name` for later layers (RWKV-7's first-layer
  /// value); `shared` returns it, or null when no layer shared it yet.
  void share(llvm::StringRef name, mlir::Value value) { shared_[name] = value; }
  mlir::Value shared(llvm::StringRef name) const {
    return shared_.lookup(name);
  }

  // Compute -----------------------------------------------------------------
  /// x [..., in] times `<name>.weight` [out, in] (+ `<name>.bias` [out]).
  mlir::Value linear(mlir::Value x, llvm::StringRef name, int64_t out,
                     bool bias);
  /// Normalizes over the last dimension with `<name>.weight` (and, for layer
  /// norm with bias, `<name>.bias`), shaped like the last `paramRank` dims.
  /// mgc.head_linear of x [T, heads, in] with rows of `weight`'s per-head
  /// blocks of `block` rows from `offset`; `out` result features per head.
  mlir::Value headLinear(mlir::Value x, mlir::Value weight, int64_t block,
                         int64_t offset, bool transpose, int64_t out);
  mlir::Value norm(mlir::Value x, const NormSpec &spec, llvm::StringRef name,
                   unsigned paramRank = 1);
  mlir::Value activation(mlir::Value x, ActivationKind kind);
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value div(mlir::Value lhs, mlir::Value rhs);
  /// Keeps T and regroups the features: [T, a*b] -> [T, a, b] and back.
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> features);
  /// Elements [offset, offset + size) of dimension `dim` (-1: the last).
  mlir::Value slice(mlir::Value x, int64_t offset, int64_t size,
                    int64_t dim = -1);
  /// Joins along the last dimension.
  mlir::Value concat(mlir::ValueRange inputs);
  /// Expands size-1 dimensions of x to `shape`.
  mlir::Value broadcast(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  /// Rotates each `headDim`-sized head of x [T, heads * headDim] with RoPE.
  mlir::Value rope(mlir::Value x, int64_t headDim, RopeAttr rope);
  /// The #mgc.rope attribute of the model's RoPE for heads of `headDim`.
  RopeAttr ropeAttr(int64_t headDim);

  // Persistent state ----------------------------------------------------------
  /// Declares `<prefix>.<name>` (once per module) and reads it.
  mlir::Value readState(llvm::StringRef name, StateKind kind,
                        llvm::ArrayRef<int64_t> shape);
  /// Writes `<prefix>.<name>`, which must have been read before.
  void writeState(llvm::StringRef name, mlir::Value value);

  // Bidirectional mixers ------------------------------------------------------
  /// x [T, ...] with its tokens in reverse order: result[t] = x[T - 1 - t].
  mlir::Value reverse(mlir::Value x);

private:
  mlir::OpBuilder &builder_;
  mlir::ModuleOp module_;
  const ModelSpec &spec_;
  int64_t tokens_;
  mlir::Value position_;
  mlir::Location loc_;
  std::string prefix_;
  llvm::StringMap<mlir::Value> shared_;
};

} // namespace mgc

#endif // MGC_FRONTENDS_GRAPHBUILDER_H
