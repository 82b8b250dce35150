//===- RopeKernel.h - rotary position embedding kernel ---------*- C++ -*-===//
//
// Halide generator for mgc.rope (and the RoPE that codegen runs on q and k
// before mgc.attention): rotates the first rotary_dim dimensions of every
// head of a [T, heads * head_dim] tensor, token t at position + t, in the
// interleaved or rotate-half convention, with none, linear, dynamic NTK,
// llama3 or yarn frequency scaling as transformers computes it.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_ROPEKERNEL_H
#define MGC_CODEGEN_KERNELS_ROPEKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

/// One RoPE application. With R = rotaryDim, pair i < R/2 of a head rotates
/// by the angle (position + t) * invFreq[i], and its cos and sin are scaled
/// by ropeAttentionFactor (yarn's mscale; 1 otherwise):
///   interleaved: (x[2i], x[2i+1])     -> (x[2i] c - x[2i+1] s, x[2i+1] c +
///   x[2i] s) half:        (x[i], x[i + R/2])   -> (x[i] c - x[i+R/2] s,
///   x[i+R/2] c + x[i] s)
/// Dimensions R .. headDim - 1 of each head are copied unchanged.
struct RopeKernelSpec {
  /// Same cases and order as mgc's RopeStyle and RopeScaling (MgcAttrs.td).
  enum class Style { interleaved, half };
  enum class Scaling { none, linear, ntk, yarn, llama3 };

  int64_t tokens = kDynamicExtent; // T: dynamic, or static (1 for decode)
  int64_t features = 0;            // heads * headDim
  int64_t headDim = 0;
  int64_t rotaryDim = 0; // even, at most headDim
  Style style = Style::half;
  Scaling scaling = Scaling::none;
  double theta = 10000.0;
  double factor = 1.0;         // linear, ntk, yarn, llama3
  int64_t originalContext = 0; // trained context: ntk, yarn, llama3
  double lowFreqFactor = 1.0;  // llama3
  double highFreqFactor = 4.0; // llama3
  double attentionFactor =
      0.0; // yarn; 0: 0.1 ln(factor) + 1 (1 if factor <= 1)
};

/// The R/2 inverse frequencies, in double, following transformers'
/// modeling_rope_utils.py (rotary dimension R, base theta):
/// - none:   1 / theta^(2i/R)
/// - linear: that / factor
/// - ntk:    transformers' "dynamic": theta replaced by theta * (factor * L /
///           originalContext - (factor - 1))^(R / (R - 2)) with
///           L = max(sequenceLength, originalContext), L being the length the
///           sequence reaches in this call (position + T)
/// - llama3: _compute_llama3_parameters (wavelengths above originalContext /
///           lowFreqFactor divided by factor, below originalContext /
///           highFreqFactor kept, smoothly interpolated between)
/// - yarn:   _compute_yarn_parameters with beta_fast 32, beta_slow 1 and the
///           truncated (floor / ceil) correction range over originalContext
/// `sequenceLength` matters for ntk only.
std::vector<double> ropeInverseFrequencies(const RopeKernelSpec &spec,
                                           int64_t sequenceLength = 0);

/// The factor cos and sin are multiplied by: for yarn attentionFactor, or
/// when 0 transformers' default 0.1 ln(factor) + 1 (1 for factor <= 1);
/// 1 for every other scaling.
double ropeAttentionFactor(const RopeKernelSpec &spec);

/// Builds the RoPE kernel: (input f32 [T, features], position i32) ->
/// (result f32 [T, features]); token t sits at position + t.
///
/// Inverse frequencies are computed in double at build time and baked into
/// the pipeline as a constant buffer, except for ntk, whose frequencies
/// depend on position + T and are computed in the pipeline (in double, once
/// per call). Angles, cos and sin are computed in double once per token and
/// pair (shared by all heads), then rounded to f32; the rotation is f32.
///
/// Loop dimensions [rows, features]: tokens, then heads (a features tile is
/// featuresTile / headDim heads, at least one) and the head's dimensions,
/// vectorized by vectorWidth.
KernelPipelineResult buildRopeKernel(const RopeKernelSpec &spec,
                                     const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_ROPEKERNEL_H
