//===- ModelBuilder.h - lowering a ModelSpec to mgc IR ----------*- C++ -*-===//
//
// Builds the model-level module of an architecture: persistent state
// declarations, a `prefill` entry point over a prompt of any length and a
// `decode` entry point over one token (encoders, whose attention is
// bidirectional, have only `prefill`). Both take (tokens, position) and return
// the logits of every token processed.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_MODELBUILDER_H
#define MGC_FRONTENDS_MODELBUILDER_H

#include "frontends/GraphBuilder.h"
#include "frontends/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mgc {

/// Lowers a finalized `spec`. The module verifies; a failure to verify is a
/// bug in the lowering and is reported as an error on the module.
mlir::OwningOpRef<mlir::ModuleOp> buildModel(const ModelSpec &spec,
                                             mlir::MLIRContext &context);

// Block lowerings, one file each. `x` is the block's normalized input; the
// result is what the block adds to the residual stream. Weight names are
// relative to the builder's current layer prefix.

/// Softmax attention (MHA/GQA/MQA, sliding window, MLA) with its KV cache.
mlir::Value buildAttention(GraphBuilder &g, const MixerSpec &mixer,
                           mlir::Value x);
/// A linear-recurrence mixer (Mamba-1/2, RWKV-6/7, S4, H3, Hydra) with its
/// recurrent and convolution state.
mlir::Value buildScanMixer(GraphBuilder &g, const MixerSpec &mixer,
                           mlir::Value x);
/// RWKV's channel mix, its FFN block: a token shift (state `ffn.shift`,
/// [1, hidden]), a squared-ReLU key projection to `intermediate` features and
/// a value projection back, gated by sigmoid(receptance) in RWKV-4 to 6.
/// `kind` is an RWKV mixer kind (isRwkv); `x` is the block's normalized input
/// [T, hidden] and the result is what it adds to the residual stream.
/// Weights (layer prefix), with C = hidden and F = intermediate:
///
///   RWKV-4/5: ffn.time_mix_k [C], ffn.time_mix_r [C] (x * mu +
///           prev * (1 - mu)), ffn.key.weight [F, C], ffn.value.weight
///           [C, F], ffn.receptance.weight [C, C]
///   RWKV-6: ffn.time_maa_k [C], ffn.time_maa_r [C], ffn.key.weight [F, C],
///           ffn.value.weight [C, F], ffn.receptance.weight [C, C]
///   RWKV-7: ffn.x_k [C], ffn.key.weight [F, C], ffn.value.weight [C, F]
///
/// Returns null after emitting an error at the builder's location for any
/// other kind.
mlir::Value buildRwkvChannelMix(GraphBuilder &g, ScanMixerKind kind,
                                int64_t intermediate, mlir::Value x);

/// A dense MLP or a Mixture-of-Experts block.
mlir::Value buildFfn(GraphBuilder &g, const FfnSpec &ffn, mlir::Value x);

} // namespace mgc

#endif // MGC_FRONTENDS_MODELBUILDER_H
