//===- AttentionKernel.h - scaled dot-product attention kernels -*- C++ -*-===//
//
// Halide generators for mgc.attention: a small pipeline that appends this
// call's keys and values to the KV caches, and the attention itself (causal
// over the cache, or without a cache causal or bidirectional), with GQA/MQA
// head sharing, a sliding window, a logit soft cap and an f32 softmax.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_ATTENTIONKERNEL_H
#define MGC_CODEGEN_KERNELS_ATTENTIONKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One mgc.attention. Query head h reads key/value head h / (numHeads /
/// numKvHeads). For the query of token t at position p (position + t with a
/// cache, t without) and the keys j it sees,
///   s_j = scale * q_h(t) . k_j        (then softCap * tanh(s_j / softCap))
///   out_h(t) = sum_j softmax(s)_j v_j  (max subtracted first, f32 throughout)
/// where j runs over: causal, keys <= p; with a window W, keys in
/// (p - W, p]; bidirectional (no cache), all T keys.
///
/// RoPE is not part of this kernel: when the op carries a `rope` attribute,
/// codegen runs the RoPE kernel (RopeKernel.h) on q and on k first, with the
/// same position, and k is cached rotated.
struct AttentionKernelSpec {
  /// Same cases and order as mgc's AttentionMask (ir/MgcAttrs.td).
  enum class Mask { causal, bidirectional };

  Mask mask = Mask::causal;
  int64_t tokens = kDynamicExtent; // T: dynamic, or static (1 for decode)
  int64_t numHeads = 0;
  int64_t numKvHeads = 0; // divides numHeads
  int64_t headDim = 0;
  int64_t valueHeadDim = 0; // 0: headDim
  int64_t capacity = 0;     // KV cache positions; 0: no cache
  int64_t window = 0;       // sliding window; 0: none (causal only)
  double scale = 0;         // 0: 1 / sqrt(headDim)
  double softCap = 0;       // 0: none
};

/// Builds the cache-append kernel (only with a cache):
///   (k f32 [T, Hkv * D], v f32 [T, Hkv * Dv], position i32)
///     -> (k_rows f32 [Hkv, T, D], v_rows f32 [Hkv, T, Dv])
/// k_rows and v_rows must be *crops of the caches* ([Hkv, capacity, D] and
/// [Hkv, capacity, Dv]) to rows position .. position + T - 1: Halide buffers
/// whose dimension 1 has min = position and extent T, pointing into the cache
/// memory with the cache's strides (Halide::Runtime::Buffer::cropped(1,
/// position, T) of the whole cache). Any other min or extent fails Halide's
/// checks (an error return, no write). Loop dimensions [heads, rows]:
/// KV heads run in parallel when parallelDims holds 0; the copied rows are
/// vectorized by vectorWidth.
KernelPipelineResult buildKvCacheAppendKernel(const AttentionKernelSpec &spec,
                                              const KernelSchedule &schedule);

/// Builds the attention kernel:
///   with a cache:    (q, k_cache, v_cache, position i32) -> (result)
///   without a cache: (q, k, v) -> (result)
/// q f32 [T, H * D], k f32 [T, Hkv * D], v f32 [T, Hkv * Dv],
/// k_cache f32 [Hkv, capacity, D], v_cache f32 [Hkv, capacity, Dv],
/// result f32 [T, H * Dv].
///
/// The cache contract: the runtime calls the cache-append kernel first, then
/// this kernel on the updated caches, so rows 0 .. position + T - 1 hold every
/// key and value up to the last query (the op's updated caches are the cache
/// buffers themselves, updated in place). It needs position + T <= capacity;
/// otherwise Halide's bounds checks fail the call.
///
/// Loop dimensions [heads, queries]: tiles[0] query heads and tiles[1]
/// queries per tile (one for decode), tiles run in parallel over the
/// dimensions in parallelDims.
///
/// Decode: per query and head the scores of the keys it sees are computed
/// once into a buffer of that many floats, then their maximum, weights, sum
/// and the weighted sum of values. Within a tile, heads loop inside the
/// loops over keys, so a heads tile of numHeads / numKvHeads (one GQA group)
/// reads each key and value row from memory once. Dot products over D are
/// vectorized by vectorWidth (lane partial sums), value rows by vectorWidth
/// with their vectors unrolled by `unroll`.
///
/// Prefill: per head, a tile of queries is scored against the keys any of
/// them sees, into a [keys][queries] buffer (never a T x capacity matrix),
/// with the queries as vector lanes: each key element is broadcast against
/// vectorWidth queries (`unroll` keys at a time, sharing each load of the
/// queries), and the softmax's maximum and sum need no
/// horizontal reductions. The weighted sum accumulates value-row vectors of
/// four queries at a time in registers. A tile of heads by a tile of queries
/// is one task.
KernelPipelineResult buildAttentionKernel(const AttentionKernelSpec &spec,
                                          const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_ATTENTIONKERNEL_H
