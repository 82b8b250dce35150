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
// tokens of the call. Activations live in arena slots; tensors whose
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

inline constexpr uint32_t kPlanVersion = 1;
/// An activation extent equal to the call's token count.
inline constexpr int64_t kTokensExtent = -1;

/// Element type of a tensor.
enum class PlanType : uint8_t { f32 = 0, i32 = 1 };

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
};

/// How one argument of a kernel call is bound.
enum class ArgKind : uint8_t {
  tensor = 0,    // the whole tensor `tensor`
  position = 1,  // the int32 position of the call's first token
  stateRows = 2, // rows [position, position + T) of dimension 1 of state
                 // tensor `tensor` (a KV cache [heads, capacity, dim]),
                 // as a crop with the cache's strides
};

struct PlanArg {
  ArgKind kind = ArgKind::tensor;
  uint32_t tensor = 0; // index into PlanEntry::tensors (unused for position)
};

/// One call of a compiled kernel: `Plan::kernels[kernel]` with `args`, in the
/// kernel's parameter order (inputs, then outputs).
struct PlanCall {
  uint32_t kernel = 0;
  std::string name; // the mgc.kernel it belongs to, for messages and profiles
  std::vector<PlanArg> args;
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
  uint64_t offset = 0;        // byte offset in the weights section
  uint64_t bytes = 0;         // 4 * product(shape)
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

struct Plan {
  std::string model;   // the model's name
  int64_t vocab = 0;   // logits per token
  int64_t context = 0; // positions the states hold (KV-cache capacity)
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
