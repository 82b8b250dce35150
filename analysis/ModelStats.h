//===- ModelStats.h - analytic size and cost figures of a model -*- C++ -*-===//
//
// Computes, from model-level mgc IR alone (nothing is run), the figures
// `mgc inspect` reports: parameters in total and per token, matmul FLOPs per
// token, weight bytes a decode step reads, and KV-cache and recurrent-state
// bytes as a function of the context length.
//
// Conventions (the "per token" figures describe one token of the analyzed
// entry point, `decode` when the module has one, else `prefill`):
//
//  - A weight is a distinct `mgc.param` name; the same name is the same
//    tensor however often it appears (tied embeddings count once).
//  - Routed expert weights (the stacked gate/up/down operands of
//    `mgc.expert`) are active for top_k of their E experts: top_k / E of the
//    tensor. Shared experts are ordinary linears and fully active. Every
//    other weight some op uses is fully active; a weight no op uses counts in
//    params_total only.
//  - Weight bytes per token: what a decode step reads. An embedding table
//    used only by `mgc.embed` is read one row per token, and a weight used
//    only through `mgc.slice` is read only in the slice; a table that is also
//    the LM head (tied) is read whole. Routed experts: top_k / E of the
//    tensor. Element sizes come from the element type (f32 4, f16/bf16 2).
//  - flops_per_token: 2 x the multiply-adds of the matmul ops per token
//    (mgc.linear, mgc.logits, the router gate of mgc.route, and top_k
//    experts' gate/up/down in mgc.expert) = 2 x active matmul parameters.
//    Norms, activations, RoPE, biases and elementwise ops are not counted.
//  - Attention FLOPs per token at context C, per mgc.attention:
//    2 * heads * (head_dim + v_head_dim) * min(C, window) (scores q.k plus
//    the weighted sum of values over the positions the token attends to).
//  - scan_flops_per_token: the recurrences, constant in context. Per
//    mgc.scan with x [T, H, P] and state size N: 5 * H * P * N per direction
//    (state decay, the x (x) b update and its add: 3 H P N; readout H c:
//    2 H P N), plus 4 * H * P * N for the rank-1 term of `delta`; doubled for
//    `bidirectional`. Per mgc.conv1d with C channels and width W: 2 * C * W.
//    Terms of size H*P or H*N (skip d, rwkv bonus, dt scaling, exp of
//    decays) are left out.
//  - KV cache: every `mgc.state kv_cache` [kv_heads, capacity, head_dim]
//    holds kv_heads * head_dim elements per position, so its bytes grow
//    linearly with the context (not capped by the declared capacity, which
//    is reported as max_context). Recurrent and conv states are constant.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_ANALYSIS_MODELSTATS_H
#define MGC_ANALYSIS_MODELSTATS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

/// The context-dependent figures at one context length.
struct ContextStats {
  int64_t tokens = 0;                 // context length C
  int64_t kvCacheBytes = 0;           // all KV caches holding C positions
  int64_t attentionFlopsPerToken = 0; // one token attending over C positions
};

/// Analytic figures of one model; see the file comment for the conventions.
struct ModelStats {
  std::string entryPoint;          // "decode" or "prefill"
  int64_t paramsTotal = 0;         // elements of all distinct weights
  int64_t paramsActive = 0;        // elements used per token
  int64_t flopsPerToken = 0;       // matmul FLOPs per token
  int64_t scanFlopsPerToken = 0;   // mgc.scan + mgc.conv1d FLOPs per token
  int64_t weightBytesTotal = 0;    // bytes of all distinct weights
  int64_t weightBytesPerToken = 0; // bytes of weights read per decode step
  int64_t kvBytesPerToken = 0;     // KV-cache bytes per context position
  int64_t stateBytes = 0;          // recurrent and conv state bytes
  int64_t maxContext = 0;          // smallest KV-cache capacity; 0 without
  std::vector<ContextStats> contexts;
};

/// Analyzes `module`'s `decode` entry point (else `prefill`) and its state
/// declarations, with context-dependent figures at each of `contexts`.
/// Emits an error on the offending op and fails on IR it cannot analyze (no
/// entry point, a weight name used with two types, a dynamic top_k).
mlir::FailureOr<ModelStats> computeModelStats(mlir::ModuleOp module,
                                              llvm::ArrayRef<int64_t> contexts);

} // namespace mgc

#endif // MGC_ANALYSIS_MODELSTATS_H
