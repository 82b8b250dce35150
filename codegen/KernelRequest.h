//===- KernelRequest.h - one kernel codegen is asked to compile -*- C++ -*-===//
//
// The plain-C++ hand-off between the two halves of codegen: the MLIR-facing
// lowering (codegen/lowering, no Halide) describes each function the
// compiled model needs as a KernelRequest, and the Halide-facing compiler
// (KernelCompiler.h, no MLIR) turns each into an object file with the
// generators of codegen/kernels. Every field is a plain value, so a request
// can be printed, compared and hashed (`key`) for deduplication and caching.
//
// Shapes follow codegen/kernels/KernelSchedule.h: mgc order, dimension 0 may
// be kDynamicTokens. All weights reach the kernels as f32 (the compiler
// converts stored f16/bf16 weights when it writes the weights section).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELREQUEST_H
#define MGC_CODEGEN_KERNELREQUEST_H

#include "codegen/kernels/KernelSchedule.h"
#include "runtime/model/Plan.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mgc {

/// A dimension whose extent is the call's token count.
inline constexpr int64_t kDynamicTokens = -1;

/// mgc.embed: (tokens i32 [T], table [vocab, hidden]) -> f32 [T, hidden].
struct EmbedRequest {
  int64_t vocab = 0, hidden = 0;
  PlanType tableType = PlanType::f32; // f32, f16 or bf16
  int64_t tokens = kDynamicTokens;
};

/// mgc.norm: (input, [weight], [bias]) -> result, see NormKernel.h.
struct NormRequest {
  bool layer = false;               // layer norm, else RMS norm
  std::vector<int64_t> shape;       // [T, F] or [T, H, P]
  std::vector<int64_t> weightShape; // empty: no weight
  std::vector<int64_t> biasShape;   // empty: no bias
  double eps = 1e-5;
};

/// mgc.linear / mgc.logits: (x [T, K], w, [bias [N]]) -> y [T, N]. Prefill
/// (schedule.decode false) reads w as panels of `panel` columns, decode as
/// the same panels (f32 weights) or row-major [N, K] (16-bit weights, and
/// panel 0); see LinearKernel.h.
struct LinearRequest {
  int64_t K = 0, N = 0;
  bool hasBias = false;
  PlanType weightType = PlanType::f32; // f32, f16 or bf16
  // The panel width the weights are packed with (prefill always; decode
  // for f32 weights, which it reads from the same panels); 0: row-major.
  int64_t panel = 0;
  // The products round x to bf16: bf16 weights on a target with bf16 dot
  // products (decode runs them; prefill rounds alike so both agree).
  bool bf16Activations = false;
  // The fused epilogue (LinearKernel.h): an activation (ElementwiseKernelSpec
  // ::Activation's value, -1 for none), then a residual [T, N] added.
  int activation = -1;
  bool hasResidual = false;
};

/// mgc.rope, or the RoPE run on q and k before attention:
/// (input [T, features], position) -> [T, features]; see RopeKernel.h.
/// The enums' values are those of RopeKernelSpec's.
struct RopeRequest {
  int64_t tokens = kDynamicTokens;
  int64_t features = 0, headDim = 0, rotaryDim = 0;
  int style = 0;   // RopeKernelSpec::Style
  int scaling = 0; // RopeKernelSpec::Scaling
  double theta = 10000, factor = 1;
  int64_t originalContext = 0;
  double lowFreqFactor = 1, highFreqFactor = 4, attentionFactor = 0;
};

/// mgc.activation and mgc.add / sub / mul: (lhs, [rhs]) -> result.
struct ElementwiseRequest {
  std::vector<int64_t> shape;    // lhs and result
  int activation = -1;           // ElementwiseKernelSpec::Activation, or -1
  int binary = -1;               // ElementwiseKernelSpec::Binary, or -1
  std::vector<int64_t> rhsShape; // with a binary op
};

/// mgc.attention, split in two functions when it has a KV cache (see
/// AttentionKernel.h): the cache append (k, v, position) -> (k_rows, v_rows)
/// and the attention (q, k_cache, v_cache, position) -> result; without a
/// cache one function (q, k, v) -> result.
struct AttentionRequest {
  bool append = false; // the cache-append half
  bool causal = true;
  int64_t tokens = kDynamicTokens;
  int64_t numHeads = 0, numKvHeads = 0, headDim = 0, valueHeadDim = 0;
  int64_t capacity = 0; // 0: no cache
  int64_t window = 0;
  double scale = 0, softCap = 0; // 0: default / none
};

/// mgc.route after the router projection: (scores [T, E], [bias [E]]) ->
/// (indices i32 [T, k], weights [T, k]); see MoeKernels.h.
struct RouteSelectRequest {
  int scoring = 0; // RouteSelectKernelSpec::Scoring
  int64_t tokens = kDynamicTokens;
  int64_t experts = 0, topK = 0;
  bool bias = false, normalize = false;
  double scale = 1.0;
  int64_t groups = 0, topkGroups = 0;
};

/// mgc.expert's row gather: (x [T, F], rows i32 [R]) -> [R, F].
struct GatherRowsRequest {
  int64_t features = 0;
};

/// mgc.expert's weighted sum of expert outputs: (ys [R, F], slots i32 [T, k],
/// weights [T, k]) -> [T, F].
struct CombineExpertsRequest {
  int64_t features = 0, topK = 0;
};

/// mgc.slice (kind 0), mgc.concat (1), mgc.broadcast (2): (inputs...) ->
/// result; see LayoutKernel.h (kind is LayoutKernelSpec::Kind).
struct LayoutRequest {
  int kind = 0;
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<int64_t> resultShape;
  int64_t dim = 0, offset = 0;
};

/// mgc.head_linear: (x [T, H, K], w [H * block, columns]) -> [T, H, N]; see
/// HeadLinearKernel.h.
struct HeadLinearRequest {
  int64_t tokens = kDynamicTokens;
  int64_t heads = 0, in = 0, out = 0;
  int64_t block = 0, offset = 0, columns = 0;
  bool transpose = false;
};

/// mgc.scan: (x, [dt], decay, b, c, [d], [bonus], [alpha, beta], [state])
/// -> (y, [state_out]), operands as ScanKernel.h lists them; the enums'
/// values are ScanKernelSpec's.
struct ScanRequest {
  int variant = 0;   // ScanKernelSpec::Variant
  int direction = 0; // ScanKernelSpec::Direction
  int skip = 0;      // ScanKernelSpec::Skip
  int64_t tokens = kDynamicTokens;
  int64_t heads = 0, headDim = 0, stateSize = 0, groups = 0;
  bool hasDt = false, perTokenDecay = true, hasState = false;
  bool entryMajorState = false; // state stored [N, H, P], not [H, P, N]
  int64_t chunk = 0; // ssd prefill: tokens per chunk of the chunked form
};

/// mgc.conv1d: (x [T, C], weight [C, W], [bias [C]], [state [W - 1, C]]) ->
/// (y [T, C], [state_out]); see Conv1dKernel.h.
struct Conv1dRequest {
  int64_t tokens = kDynamicTokens;
  int64_t channels = 0, width = 0;
  bool hasBias = false, hasState = false, centered = false;
};

/// mgc.token_shift (kind 0) and mgc.reverse (kind 1): (x, [state [1, C]]) ->
/// (y, [state_out]); see SequenceKernel.h (kind is SequenceKernelSpec::Kind).
struct SequenceRequest {
  int kind = 0;
  std::vector<int64_t> shape; // x and y
  bool hasState = false;
};

using KernelParams =
    std::variant<EmbedRequest, NormRequest, LinearRequest, RopeRequest,
                 ElementwiseRequest, AttentionRequest, RouteSelectRequest,
                 GatherRowsRequest, CombineExpertsRequest, LayoutRequest,
                 HeadLinearRequest, ScanRequest, Conv1dRequest,
                 SequenceRequest>;

/// One function of the compiled model.
struct KernelRequest {
  std::string symbol;      // C name of the function (`<symbol>_argv` too)
  std::string name;        // the mgc.kernel it implements, for messages
  KernelParams params;     // what to compute
  KernelSchedule schedule; // how (with the explicit Halide target string)

  /// Everything that determines the generated code, as text: two requests
  /// with equal keys compile to the same function (symbol and name aside).
  std::string key() const;
};

/// A C identifier derived from `key` ("mgc_" and 20 hex digits), so equal
/// requests share one function and distinct ones (with overwhelming
/// probability) do not.
std::string kernelSymbolForKey(const std::string &key);

/// 128-bit content hash of `text` as 32 hex digits.
std::string contentHashHex(const std::string &text);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELREQUEST_H
