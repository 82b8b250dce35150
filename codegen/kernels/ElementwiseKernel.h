//===- ElementwiseKernel.h - activations and broadcast arithmetic -*- C++
//-*-===//
//
// Halide generator for mgc.activation and mgc.add / sub / mul, plus the pieces
// the row-wise generators (norm, rope, embed, attention) share: the
// KernelPipeline they return and the checked [rows, features] schedule.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_ELEMENTWISEKERNEL_H
#define MGC_CODEGEN_KERNELS_ELEMENTWISEKERNEL_H

#include "codegen/kernels/HalideHelpers.h"
#include "codegen/kernels/KernelSchedule.h"

#include "Halide.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mgc {

//===----------------------------------------------------------------------===//
// What the row-wise generators return
//===----------------------------------------------------------------------===//

/// One built kernel: its pipeline and the C signature compile_to_object makes
/// of it, which is every input (`arguments`, what compile_to_* takes), then
/// every output (`outputs`, appended by Halide itself, in this order).
struct KernelPipeline {
  Halide::Pipeline pipeline;
  Halide::Target target;                   // parsed schedule.halideTarget
  std::vector<Halide::Argument> arguments; // inputs, in call order
  std::vector<Halide::Argument> outputs;   // output buffers, in call order
  // The parameters behind `arguments` (same order), to run the pipeline in
  // process with Halide's JIT (tests, tools).
  std::vector<Halide::Internal::Parameter> parameters;

  /// Inputs then outputs: the compiled function's whole parameter list.
  std::vector<Halide::Argument> signature() const;
  /// Binds input `index`, a buffer, for a JIT realize.
  void bind(size_t index, const Halide::Buffer<> &buffer);
  /// Binds input `index`, an int32 scalar (the position), for a JIT realize.
  void bind(size_t index, int32_t value);
};

/// Either a kernel or the reason the spec or schedule cannot be built; never
/// a silent fallback to another schedule.
struct KernelPipelineResult {
  std::optional<KernelPipeline> kernel;
  std::string error; // set exactly when kernel is empty
};

//===----------------------------------------------------------------------===//
// Building blocks of the row-wise generators
//===----------------------------------------------------------------------===//

/// Thrown inside a generator for a spec or schedule it cannot build; the
/// public build functions turn it into KernelPipelineResult::error.
class KernelError : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// Runs `build` and turns a KernelError (or a Halide error) into a result.
template <typename Build> KernelPipelineResult buildOrError(Build &&build) {
  KernelPipelineResult result;
  try {
    result.kernel = build();
  } catch (const KernelError &e) {
    result.error = e.what();
  } catch (const Halide::Error &e) {
    result.error = std::string("Halide rejected the kernel: ") + e.what();
  }
  return result;
}

/// Collects a generator's inputs in call order, then packages the pipeline.
class KernelSignature {
public:
  /// A dense tensor input of mgc `shape` (HalideHelpers.h tensorInput).
  Halide::ImageParam tensor(Halide::Type type, const std::string &name,
                            const std::vector<int64_t> &shape);
  /// An int32 scalar input.
  Halide::Param<int32_t> scalar(const std::string &name);
  KernelPipeline finish(const std::vector<Halide::Func> &outputs,
                        const Halide::Target &target) const;

private:
  std::vector<Halide::Argument> inputs;
  std::vector<Halide::Internal::Parameter> parameters;
};

/// A checked [rows, features] schedule: loop dimension 0 is the tokens, 1 the
/// features of a row.
struct RowSchedule {
  int64_t rowsTile = 1;     // tokens per tile
  int64_t featuresTile = 1; // features per tile, a multiple of vectorWidth
  int64_t vectorWidth = 1;  // f32 lanes per vector
  int64_t unroll = 1;       // vectors of one feature tile unrolled
  bool parallelRows = false;
  bool parallelFeatures = false;
};

/// Parses schedule.halideTarget (explicit strings only, never "host"); throws
/// KernelError naming `kernel` otherwise.
Halide::Target checkTarget(const KernelSchedule &schedule,
                           const std::string &kernel);

/// Checks a [rows, features] schedule: two positive tiles (one row per tile
/// for decode), a features tile that is a whole number of vectorWidth x
/// unroll, parallel dimensions among {0, 1} without repeats, at least one
/// thread. Throws KernelError. `threads` is not read further: Halide's thread
/// pool size is set by the runtime.
RowSchedule checkRowSchedule(const KernelSchedule &schedule,
                             const std::string &kernel);

/// Checks an mgc activation shape of rank minRank..maxRank: dimension 0
/// static or kDynamicExtent, the others static and positive.
void checkShape(const std::vector<int64_t> &shape, size_t minRank,
                size_t maxRank, const std::string &what,
                const std::string &kernel);

/// Schedules the features loop `x` (static extent `extent`) of `stage`:
/// tiles of featuresTile, each vectorized by vectorWidth, its vectors
/// unrolled by `unroll`. A ragged last tile is shifted inwards in pure stages
/// and predicated in update stages; a row shorter than a tile is one tile.
/// Returns the tile loop, run in parallel when parallelFeatures.
Halide::Var tileFeatures(Halide::Stage stage, const Halide::Var &x,
                         int64_t extent, const RowSchedule &schedule,
                         bool pureStage);

/// The token loops tileRows makes: tiles, and tokens within a tile.
struct TokenLoops {
  Halide::Var tile;
  Halide::Var token;
};

/// Schedules the token loop `t` of `stage`: tiles of rowsTile (the last one
/// guarded, T being dynamic), run in parallel when parallelRows.
TokenLoops tileRows(Halide::Stage stage, const Halide::Var &t,
                    const RowSchedule &schedule);

/// Schedules `reduce`, a Func whose only update combines RDom variable `r`
/// with an associative op (sum, max), as `lanes` partial results in one
/// vector (rfactor over r split by lanes, a ragged tail predicated) combined
/// horizontally once. Both are computed at `at`.
void scheduleVectorReduction(Halide::Func reduce, const Halide::RVar &r,
                             int64_t lanes, const Halide::LoopLevel &at);

//===----------------------------------------------------------------------===//
// The element-wise kernel
//===----------------------------------------------------------------------===//

/// `result = binary(activation(lhs), rhs)`; either part may be absent, not
/// both. Everything is f32.
struct ElementwiseKernelSpec {
  /// Same cases, in the same order, as mgc's ActivationKind
  /// (ir/MgcAttrs.td), so codegen may static_cast between them.
  enum class Activation {
    silu,         // x * sigmoid(x)
    gelu,         // 0.5 x (1 + erf(x / sqrt 2))
    gelu_tanh,    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    relu,         // max(x, 0)
    relu_squared, // max(x, 0)^2
    sigmoid,      // 1 / (1 + exp(-x))
    tanh,         // tanh(x)
    softplus,     // log(1 + exp(x)), x itself above 20 (PyTorch's threshold)
    exp,          // exp(x)
  };
  /// mgc.add, mgc.sub, mgc.mul, mgc.div.
  enum class Binary { add, sub, mul, div };

  std::vector<int64_t> shape;           // lhs and result, mgc order
  std::optional<Activation> activation; // applied to lhs first
  std::optional<Binary> binary;         // then combined with rhs
  // rhs broadcasts to `shape` by mgc's rule: aligned at the last dimension,
  // each dimension equal to lhs's or 1, missing leading dimensions repeat.
  std::vector<int64_t> rhsShape;
};

/// The activation's f32 formula, for this kernel and for epilogues fused into
/// other kernels. Halide's exp, log and erf vectorize and are within a few
/// ulp; tanh is built from exp (Halide's own tanh does not vectorize), with a
/// series near 0, to ~3e-7 relative. softplus computes log1p with a
/// strict_float correction term, which makes Halide compile the whole
/// pipeline without fast-math contractions: mind that before fusing it into
/// a matrix-product epilogue.
Halide::Expr activate(ElementwiseKernelSpec::Activation kind,
                      const Halide::Expr &x);

/// Builds the element-wise kernel: (lhs, [rhs]) -> (result), f32 tensors of
/// the spec's shapes. Loop dimensions [rows, features]: dimension 0 of the
/// shape, and its innermost dimension (middle ones loop in between).
KernelPipelineResult buildElementwiseKernel(const ElementwiseKernelSpec &spec,
                                            const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_ELEMENTWISEKERNEL_H
