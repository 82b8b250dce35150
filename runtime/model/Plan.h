//===- Plan.h - the execution plan of a compiled model ----------*- C++ -*-===//
//
// The plan section of a compiled model: which kernels the code section
// exports, where each weight lies in the weights section, which per-sequence
// states (KV caches) exist, and, per entry point (`prefill`, `decode`), the
// tensors it touches and the ordered kernel calls with their arguments. The
// runtime executes a plan without knowing anything about the model's
// architecture.
//
// Tensors are described in mgc's order (row-major, slowest dimension first).
// An activation's dimension 0 may be kTokensExtent: it is then the number of
// tokens of the call (or -m: m times that number). Activations live in arena slots; tensors whose
// lifetimes do not overlap share a slot (the compiler plans this), and a
// slot is as large as the largest tensor bound to it for the call's token
// count.
//
// Binary form (little-endian): magic "MGCPLAN\0", u32 version, then the
// fields of Plan in declaration order; strings and vectors are a u32 count
// followed by their elements. parsePlan checks every count, index and extent
// before anything is used: a damaged plan is an error message, never a crash.
//
// Thread safety: a Plan is a plain value.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_MODEL_PLAN_H
#define MGC_RUNTIME_MODEL_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

inline constexpr uint32_t kPlanVersion = 5;
/// An activation extent equal to the call's token count. More generally a
/// negative extent -m of dimension 0 is m times the token count (the routed
/// rows of an MoE layer: top_k per token).
inline constexpr int64_t kTokensExtent = -1;
/// The largest token multiple an extent may name.
inline constexpr int64_t kMaxTokensMultiple = 4096;

/// Element type of a tensor. Weights may be f16 or bf16 (kernels widen
/// them to f32); everything else is f32 or i32.
enum class PlanType : uint8_t { f32 = 0, i32 = 1, f16 = 2, bf16 = 3 };

/// Bytes of one element of `type`.
inline uint64_t planTypeBytes(PlanType type) {
  return type == PlanType::f16 || type == PlanType::bf16 ? 2 : 4;
}

/// Where a tensor's memory comes from; `PlanTensor::ref` indexes it.
enum class TensorKind : uint8_t {
  activation = 0, // arena slot `ref` of the entry point
  weight = 1,     // Plan::weights[ref], read-only, in the weights section
  state = 2,      // Plan::states[ref], owned by the sequence, updated in place
  tokens = 3,     // the call's token ids, i32 [T]; ref unused (0)
};

/// One tensor an entry point reads or writes.
struct PlanTensor {
  TensorKind kind = TensorKind::activation;
  PlanType type = PlanType::f32;
  std::vector<int64_t>
      shape; // mgc order; activations: dim 0 may be kTokensExtent
  uint32_t ref = 0;
  // Activations with a static shape only: where the tensor starts in its
  // slot, in elements (a contiguous slice viewing another activation).
  uint64_t offset = 0;
};

/// How one argument of a kernel call is bound.
enum class ArgKind : uint8_t {
  tensor = 0,    // the whole tensor `tensor`
  position = 1,  // the int32 position of the call's first token
  stateRows = 2, // rows [position, position + T) of dimension 1 of state
                 // tensor `tensor` (a KV cache [heads, capacity, dim]),
                 // as a crop with the cache's strides
  expertRows = 3,  // inside an expert loop: the current expert's rows of
                   // dimension 0 of activation `tensor` (routed rows [-m, ...])
  expertSlice = 4, // inside an expert loop: index e (the current expert) of
                   // dimension 0 of weight `tensor` [E, ...], as [...]
};

struct PlanArg {
  ArgKind kind = ArgKind::tensor;
  uint32_t tensor = 0; // index into PlanEntry::tensors (unused for position)
};

/// What a call does. Most calls run a compiled kernel; the MoE routing steps
/// are data-dependent bookkeeping the runtime does itself (O(tokens x top_k)
/// integer work, no tensor arithmetic).
enum class CallKind : uint8_t {
  // Plan::kernels[kernel] with `args`, in the kernel's parameter order
  // (inputs, then outputs).
  kernel = 0,
  // args (indices i32 [T, k], weights f32 [T, k]); `experts` E and
  // `factor`: each expert keeps at most ceil(factor * T * k / E) routes, in
  // order of choice rank then token (GShard's priority; Switch's for k = 1);
  // dropped routes get weight 0, in place.
  capacity = 1,
  // args (indices, weights, rows i32 [-k], slots i32 [T, k], offsets
  // i32 [E + 1]); `experts` E: routes of non-zero weight grouped by expert,
  // tokens ascending: expert e's routes are sorted positions [offsets[e],
  // offsets[e + 1]), rows[i] the token of sorted position i, slots[t, j]
  // the sorted position of token t's j-th route or -1 (dropped).
  dispatch = 2,
  // args (offsets i32 [E + 1]); the next `body` calls run once for every
  // expert with routes, their expertRows / expertSlice arguments bound to it.
  expertLoop = 3,
};

/// What one call costs, for profiles: FLOPs and bytes moved as functions of
/// the call's rows T (tokens, or an expert's routed rows inside an expert
/// loop) and, for attention, of the (query, key) pairs it scores and the
/// cached positions it reads. Analytic, from the kernel's shapes.
struct PlanCost {
  double flopsPerToken = 0, flopsPerPair = 0;
  double weightBytes = 0;      // per call: the weights it reads
  double weightBytesPerToken = 0; // per row: table rows it gathers (embed)
  double stateBytes = 0;       // per call: recurrent state read and written
  double bytesPerToken = 0;    // activations read and written per row
  double bytesPerPosition = 0; // per cached position read (KV caches)
  double window = 0;           // attention: keys a query sees at most (0: all)
  bool matmul = false;         // a matrix product (the FLOPs `mgc inspect`
                               // counts per token)
};

/// One step of an entry point.
struct PlanCall {
  CallKind kind = CallKind::kernel;
  uint32_t kernel = 0; // kind kernel
  std::string name; // the mgc.kernel it belongs to, for messages and profiles
  std::string op;   // that kernel's mgc op ("linear", "route", ...), profiles
  std::vector<PlanArg> args;
  int64_t experts = 0; // capacity, dispatch: the number of experts
  int64_t body = 0;    // expertLoop: the calls it repeats
  double factor = 0;   // capacity: the capacity factor
  std::string source;  // where its mgc.kernel came from ("file:line:col")
  PlanCost cost;
  // Kind kernel writing the entry's logits, last: each output row depends
  // only on the same row of its token-extent inputs, so when only the last
  // position's logits are wanted the runtime runs it on that row alone.
  bool lastRowSuffices = false;
};

/// One entry point: the token ids in, the logits [T, vocab] out.
struct PlanEntry {
  std::string name; // "prefill", "decode"
  int64_t tokens =
      kTokensExtent; // tokens per call: any (kTokensExtent) or fixed
  std::vector<PlanTensor> tensors; // everything the calls bind
  uint32_t slots = 0;              // arena slots the activations use
  uint32_t input = 0;              // tensor of the token ids (kind tokens)
  uint32_t logits = 0;             // tensor of the logits, f32 [T, vocab]
  std::vector<PlanCall> calls;     // in execution order
};

/// How a weight is stored.
enum class WeightLayout : uint8_t {
  plain = 0,  // the tensor as the model defines it (row-major)
  panels = 1, // [ceil(N/P)][K][P] column panels of a [N][K] matrix, P = panel
};

/// One tensor of the weights section, f32.
struct PlanWeight {
  std::string name; // the mgc.param name
  WeightLayout layout = WeightLayout::plain;
  int64_t panel = 0;          // P for panels, else 0
  std::vector<int64_t> shape; // stored shape (panels: [ceil(N/P), K, P])
  PlanType type = PlanType::f32; // f32, f16 or bf16
  uint64_t offset = 0;        // byte offset in the weights section
  uint64_t bytes = 0;         // planTypeBytes(type) * product(shape)
};

/// One per-sequence state, f32, zero at the start of a sequence.
struct PlanState {
  std::string name;           // the mgc.state symbol
  std::vector<int64_t> shape; // KV cache: [kv heads, capacity, head dim]
};

/// One function of the code section; the runtime calls `<symbol>_argv`.
struct PlanKernel {
  std::string symbol; // a C identifier
  std::string name;   // the first mgc.kernel it serves
};

/// The model's analytic figures (analysis/ModelStats.h), computed from its
/// IR at compile time, so tools can compare compiled models.
struct PlanFigures {
  int64_t paramsTotal = 0, paramsActive = 0;
  int64_t flopsPerToken = 0, scanFlopsPerToken = 0;
  int64_t weightBytesTotal = 0, weightBytesPerToken = 0;
  int64_t kvBytesPerToken = 0, stateBytes = 0;
};

struct Plan {
  std::string model;   // the model's name
  int64_t vocab = 0;   // logits per token
  int64_t context = 0; // positions the states hold (KV-cache capacity)
  // The target's limits the model was compiled for (all its cores), the
  // roofs profiles compare with; 0 when unknown.
  double peakGflops = 0, bandwidthGBps = 0;
  PlanFigures figures;
  std::vector<PlanKernel> kernels;
  std::vector<PlanWeight> weights;
  std::vector<PlanState> states;
  std::vector<PlanEntry> entries;
  // "" (none), "llama2c" (a tokenizer.bin) or "gguf" (a GGUF file holding
  // only tokenizer metadata).
  std::string tokenizerFormat;
  std::string tokenizer; // the embedded tokenizer file's bytes

  /// The entry point called `name`, or null.
  const PlanEntry *entry(const std::string &name) const;
};

/// The binary form of `plan`.
std::string serializePlan(const Plan &plan);

/// Reads and validates a plan. `weightsSize` is the size of the weights
/// section every weight must lie in. On failure returns false with `error`
/// saying what is wrong.
bool parsePlan(const uint8_t *data, uint64_t size, uint64_t weightsSize,
               Plan &plan, std::string &error);

/// Checks the cross references of a plan (indices, ranks, types, weight
/// ranges); "" when it is consistent. parsePlan calls it; the compiler calls
/// it before writing.
std::string validatePlan(const Plan &plan, uint64_t weightsSize);

/// Number of elements of `shape` with kTokensExtent read as `tokens`.
int64_t planElements(const std::vector<int64_t> &shape, int64_t tokens);

} // namespace mgc

#endif // MGC_RUNTIME_MODEL_PLAN_H
