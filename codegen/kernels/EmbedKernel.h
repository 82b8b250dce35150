//===- EmbedKernel.h - token embedding lookup kernel -----------*- C++ -*-===//
//
// Halide generator for mgc.embed: gathers one row of a [vocab, hidden] table
// per i32 token id, clamping ids into the table so no id reads outside it.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_EMBEDKERNEL_H
#define MGC_CODEGEN_KERNELS_EMBEDKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One mgc.embed: result[t, :] = table[tokens[t], :].
///
/// Out-of-range ids: the runtime validates token ids before a call and
/// reports a bad one as an error; the kernel additionally clamps each id into
/// [0, vocab - 1], so even an unchecked id cannot read outside the table (it
/// yields row 0 or row vocab - 1).
struct EmbedKernelSpec {
  int64_t vocab = 0;
  int64_t hidden = 0;
  int64_t tokens = kDynamicExtent; // T: dynamic, or static (1 for decode)
  // Storage type of the table: f32, f16 or bf16; the result is f32.
  Halide::Type tableType = Halide::Float(32);
};

/// Builds the embedding kernel: (tokens i32 [T], table [vocab, hidden]) ->
/// (result f32 [T, hidden]). Loop dimensions [rows, features]: tokens, and
/// the copied row, tiled and vectorized by the schedule.
KernelPipelineResult buildEmbedKernel(const EmbedKernelSpec &spec,
                                      const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_EMBEDKERNEL_H
