//===- LinearKernel.h - Halide kernels for linear and logits ---*- C++ -*-===//
//
// Builds the Halide pipeline of a matrix product with static weights,
//
//   y[t, n] = sum_k x[t, k] * W[n, k] (+ b[n])      0 <= t < T (run time)
//
// which is mgc.linear (with or without bias) and mgc.logits (no bias; the
// output is f32 either way), optionally with an epilogue fused into it
// (mgc-fuse-epilogues) applied to each output as it is stored:
//
//   y[t, n] = act(y[t, n]) (+ r[t, n])      an activation, a residual add
//
// The KernelSchedule picks one of two forms:
//
// - prefill (decode == false): a GEMM over weights packed into column panels
//   (WeightPacking.h) with a register-blocked micro-kernel.
//   tiles = {R, P}: R token rows by P panel columns accumulate in registers,
//   P a multiple of vectorWidth; unroll = unroll factor of the reduction over
//   K, the micro-kernel's innermost loop; parallelDims = {1} runs column
//   panels across threads.
// - decode (decode == true): a GEMV over W in its natural [N][K] layout.
//   tiles = {1, B}: blocks of B outputs (clipped to N) are the unit of
//   parallel work; each output is a dot product over K, vectorized by
//   vectorWidth into per-lane partial sums that are added up at the end;
//   unroll = unroll factor of the loop over K-vectors; parallelDims = {1}
//   runs output blocks across threads.
//
// `threads` is not read here: Halide's thread pool size is set by the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_LINEARKERNEL_H
#define MGC_CODEGEN_KERNELS_LINEARKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"
#include "codegen/kernels/KernelSchedule.h"

#include "Halide.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mgc {

/// What to multiply: the static shapes and types of one linear/logits op.
struct LinearKernelSpec {
  int64_t K = 0;        // input features: the reduction
  int64_t N = 0;        // output features
  bool hasBias = false; // mgc.linear with bias; never for mgc.logits
  // Epilogue: an activation of each output (after the bias), then the
  // residual r [T][N] added to it.
  std::optional<ElementwiseKernelSpec::Activation> activation;
  bool hasResidual = false;
  // Stored weight type: f32, f16 or bf16, widened to f32 as it is loaded
  // (products and sums are f32).
  Halide::Type weightType = Halide::Float(32);
  // Round x to bf16 before the products. Needs a target with bf16 dot
  // products, which decode then uses for bf16 weights (vdpbf16ps); prefill
  // (f32 panels) rounds alike, so that decode and prefill agree.
  bool bf16Activations = false;
  // Decode reads the prefill's panel-packed weights (panels of tiles[1]
  // columns) instead of row-major rows, so one copy serves both phases.
  bool decodePanels = false;
};

/// How the `w` argument must be laid out.
enum class LinearWeightLayout {
  rowMajor, // [N][K], as in the model file (decode without decodePanels)
  panels,   // [ceil(N/P)][K][P], zero-padded (prefill, decodePanels;
            // packForPanels)
};

/// A built kernel. The compiled function (compile_to_object with
/// `arguments`, or compile_jit) takes x, w, [bias], [residual], then the
/// output y:
///   x        f32 [T][K], T >= 1 at run time
///   w        weightType, layout per `weightLayout`
///   bias     f32 [N], only when spec.hasBias
///   residual f32 [T][N], only when spec.hasResidual
///   y        f32 [T][N]
/// All are dense row-major tensors (HalideHelpers.h constrainTensor).
struct LinearKernel {
  Halide::Pipeline pipeline;
  std::vector<Halide::Argument> arguments; // the inputs, in call order
  Halide::ImageParam x, w, bias, residual; // undefined when not in the spec
  Halide::Target target;                   // parsed schedule.halideTarget
  LinearWeightLayout weightLayout = LinearWeightLayout::rowMajor;
  int64_t panel = 0;                // P for panels, 0 for rowMajor
  std::vector<int64_t> weightShape; // mgc shape of w, outermost first
  std::string weightLayoutText;     // one line for dumps and messages
};

/// Either a kernel or the reason the schedule cannot be honoured.
struct LinearKernelResult {
  std::optional<LinearKernel> kernel;
  std::string error; // set exactly when kernel is empty
};

/// Builds the kernel for `spec` under `schedule`. Never substitutes another
/// schedule: tiles, vector width, unrolling or parallel dimensions it cannot
/// implement as asked, an unsupported weight type, or a target string that is
/// malformed or "host" give an error naming what is wrong.
LinearKernelResult buildLinearKernel(const LinearKernelSpec &spec,
                                     const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_LINEARKERNEL_H
