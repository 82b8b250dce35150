//===- ScanKernel.h - linear-recurrence (mgc.scan) kernels -----*- C++ -*-===//
//
// Halide generator for mgc.scan: one structured linear recurrence per head,
//
//   H_t = A_t(H_{t-1}) + u_t (x) b_t      (H_t a [P, N] matrix per head)
//   y_t = H_t c_t + d * x_t
//
// for the variants selective (Mamba-1), ssd (Mamba-2), rwkv (RWKV-5/6),
// delta (RWKV-7 / DeltaNet) and lti (S4D, H3), forward with an optional
// carried state, or bidirectional (a forward and a backward scan summed).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_SCANKERNEL_H
#define MGC_CODEGEN_KERNELS_SCANKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One mgc.scan. With h a head, g = h / (H / G) its group of b and c, p one
/// of its P channels (x's last dimension) and n one of its N state entries
/// (b's and c's last dimension), token t updates the state as
///
///   selective  H[p,n] = exp(dt[t,h,p] a[h,p,n]) H[p,n] + dt[t,h,p] x[t,h,p] b[t,g,n]
///   ssd        H[p,n] = exp(dt[t,h] a[h]) H[p,n]       + dt[t,h] x[t,h,p] b[t,g,n]
///   lti        H[p,n] = exp(s a[h,p,n]) H[p,n]         + s x[t,h,p] b[g,n]
///              (s = dt[h,p] with a dt operand, else 1)
///   rwkv       H[p,n] = exp(a[t,h,n]) H[p,n]           + x[t,h,p] b[t,h,n]
///              (a[h,n] when the decay is fixed per head, RWKV-5)
///   delta      H[p,n] = exp(a[t,h,n]) H[p,n] + (sum_k H[p,k] alpha[t,h,k]) beta[t,h,n]
///                                                      + x[t,h,p] b[t,h,n]
///
/// (the right-hand sides read the state before the token) and outputs
///
///   rwkv       y[t,h,p] = sum_n (H_{t-1}[p,n] + x[t,h,p] bonus[h,n] b[t,h,n]) c[t,h,n]
///   the rest   y[t,h,p] = sum_n H_t[p,n] c[t,g,n] + d x[t,h,p]
///
/// with d = d[h,p] or d[h] when a skip term is given (never for rwkv and
/// delta, whose b, c are keys and receptances per head: G = H). A forward
/// scan starts from `state` (zero without one) and also writes the state
/// after its last token. A bidirectional scan adds the same scan run from the
/// last token to the first: y = y_forward + y_backward, each with its own
/// skip term as the op's equation reads (so 2 d x in all), and is stateless.
struct ScanKernelSpec {
  /// Same cases and order as mgc's ScanVariant (ir/MgcAttrs.td).
  enum class Variant { selective, ssd, rwkv, delta, lti };
  /// Same cases and order as mgc's ScanDirection (ir/MgcAttrs.td).
  enum class Direction { forward, bidirectional };
  /// The skip term d: absent, one per head [H], or one per channel [H, P].
  enum class Skip { none, perHead, perChannel };

  Variant variant = Variant::ssd;
  Direction direction = Direction::forward;
  int64_t tokens = kDynamicExtent; // T: dynamic, or static (1 for decode)
  int64_t heads = 0;               // H
  int64_t headDim = 0;             // P: channels of a head
  int64_t stateSize = 0;           // N
  int64_t groups = 0;              // G: divides H; G = H for rwkv and delta
  bool hasDt = false;          // the dt operand: always for selective and
                               // ssd, optional for lti, never for rwkv, delta
  bool perTokenDecay = true;   // rwkv: decay [T, H, N] (false: [H, N])
  Skip skip = Skip::none;
  bool hasState = false;       // forward only: state in, final state out
  // Layout of state and state_out: false, the op's [H, P, N]; true,
  // [N, H, P], the same values with the state entry outermost, so that
  // vectors of channels load and store them contiguously (in [H, P, N]
  // each vector is a strided gather, which dominates a decode step). Only
  // scan kernels read a recurrent state, so its owner may keep it so.
  bool entryMajorState = false;
  // Tokens per chunk of the chunked prefill form (SsdChunkScan.h), forward
  // ssd scans only; 0 runs the recurrence token by token.
  int64_t chunk = 0;
};

/// Builds the scan kernel. Inputs in call order (the op's operand order,
/// absent operands left out), all f32 dense row-major tensors:
///
///   x      [T, H, P]
///   dt     selective [T, H, P], ssd [T, H], lti [H, P] (with hasDt)
///   decay  selective and lti [H, P, N], ssd [H], rwkv [T, H, N] or [H, N],
///          delta [T, H, N]
///   b, c   [T, G, N]; lti [G, N]
///   d      [H] or [H, P]                  (skip != none)
///   bonus  [H, N]                          (rwkv)
///   alpha, beta  [T, H, N]                 (delta)
///   state  [H, P, N], or [N, H, P] with entryMajorState   (hasState)
///
/// Outputs in call order: y [T, H, P], then state_out (hasState), shaped
/// as state.
/// state_out may be the same buffer as state (the state updated in place,
/// as decode does): a tile reads its part of the state before it writes it,
/// and tiles do not overlap.
///
/// The recurrence over tokens is serial; heads and channels are not.
/// Loop dimensions [heads, channels]; with Tc' = min(tiles[1], P):
///
/// - tiles = {Th, Tc}: the unit of work (a tile) is Th heads x Tc'
///   channels of each. When Tc' < P, Tc' must be a multiple of
///   vectorWidth x unroll and vector lanes run over a head's channels, so
///   per-head operands (ssd's dt, b, c, rwkv's decays) are scalars. When
///   Tc' = P (whole heads) lanes run over the tile's heads and channels
///   together, so heads narrower than a vector (S4D and H3 have P = 1)
///   still fill vectors: ask for Th >= vectorWidth / P heads then (with
///   mgc-schedule's {1, vectorWidth} such a tile is one channel).
/// - vectorWidth: f32 lanes over channels. The N state entries are
///   unrolled: each token computes, per vector of channels, N vectors of
///   new state and one of output from the previous token's state.
/// - unroll: vectors of channels that step through the tokens together
///   (their independent recurrences interleave), as one vector of
///   unroll x vectorWidth lanes that LLVM splits into native ones.
/// - parallelDims: 0 runs head tiles in parallel, 1 channel tiles (a tile of
///   whole heads has one channel tile).
/// - decode changes nothing (there is no token tile); decode kernels are
///   built with tokens = 1, which makes the per-tile buffers fixed-size.
/// - `threads` is not read: Halide's thread pool size is set by the runtime.
///
/// Memory: Halide hands a consumer only the final values of an update, so
/// each tile keeps the records of all its tokens, (N + 2) x Th x Tc' x T
/// floats, written once and read back at the next token while still in
/// cache. The buffer grows with T: a caller should run a long prefill as
/// calls of at most a few dozen tokens each (e.g. 64 for N = 128 and one
/// vector per tile, 512 KiB), the state carried in place between them: the
/// outputs and final state are those of one call, to float rounding.
///
/// Per tile, parameters that do not change along the scan are prepared once
/// before it: decays exp(a) (lti, rwkv, delta), exp(dt a) of ssd, the sum
/// of bonus b c of rwkv, and operands read across lanes (selective and lti
/// decays, lti b and c) laid out with channels contiguous.
KernelPipelineResult buildScanKernel(const ScanKernelSpec &spec,
                                     const KernelSchedule &schedule);

// Shared by the scan generators (ScanKernel.cpp, SsdChunkScan.cpp).

/// The mgc shape of state and state_out: [H, P, N], or [N, H, P] with
/// entryMajorState.
std::vector<int64_t> scanStateShape(const ScanKernelSpec &spec);

/// The state_out output: `last`, an expression of the channel p, head h and
/// state entry n, stored in the spec's state layout.
Halide::Func scanStateOutput(const ScanKernelSpec &spec,
                             const Halide::Expr &last, const Halide::Var &p,
                             const Halide::Var &h, const Halide::Var &n);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_SCANKERNEL_H
