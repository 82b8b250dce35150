//===- ModelLowering.h - scheduled mgc IR to a plan and kernels -*- C++ -*-===//
//
// The MLIR-facing half of codegen: walks each entry point of a scheduled
// module (after mgc-outline-kernels and mgc-schedule) in order and turns
// every mgc.kernel into the kernel requests that implement it
// (KernelRequest.h) and the calls of the execution plan (runtime/model/
// Plan.h) that bind their arguments: activations to arena slots (reused when
// lifetimes do not overlap), mgc.param weights to tensors of the weights
// section in the layout each kernel reads, KV caches to per-sequence states,
// and the position scalar.
//
// An attention op with a KV cache becomes the cache-append and attention
// kernels (after the RoPE kernel on q and k when it carries a rope
// attribute), as AttentionKernel.h documents. No Halide here.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_LOWERING_MODELLOWERING_H
#define MGC_CODEGEN_LOWERING_MODELLOWERING_H

#include "codegen/LoweredModel.h"

#include "mlir/IR/BuiltinOps.h"

namespace mgc {

/// Lowers `module`. Unsupported ops and missing schedules are reported as
/// diagnostics at the offending op; returns failure then.
mlir::LogicalResult lowerModel(mlir::ModuleOp module, LoweredModel &out);

} // namespace mgc

#endif // MGC_CODEGEN_LOWERING_MODELLOWERING_H
