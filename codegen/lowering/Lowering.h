//===- Lowering.h - the state of one module's lowering ----------*- C++ -*-===//
//
// Private to codegen/lowering: the Lowering class that ModelLowering.cpp
// (entry points, tensors, dense kernels) and the files lowering other op
// families (MoeLowering.cpp) implement together.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_LOWERING_LOWERING_H
#define MGC_CODEGEN_LOWERING_LOWERING_H

#include "codegen/LoweredModel.h"
#include "ir/MgcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <optional>

namespace mgc {
namespace lowering {

using mlir::LogicalResult;
using mlir::ModuleOp;
using mlir::Operation;
using mlir::StringRef;
using mlir::Value;

/// What an SSA value of an entry point stands for.
struct Binding {
  enum Kind { tensor, position, param } kind = tensor;
  uint32_t index = 0; // into PlanEntry::tensors (kind tensor)
  ParamOp paramOp;    // kind param: bound to a weight tensor per use
};

/// The arena slot allocator of one entry point: a freed slot is reused by
/// the smallest-fitting later tensor (sizes in elements at T = 1).
class SlotAllocator {
public:
  uint32_t allocate(int64_t elements) {
    int best = -1;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i].free)
        continue;
      bool fits = slots[i].elements >= elements;
      if (best < 0)
        best = int(i);
      else if (fits && (slots[best].elements < elements ||
                        slots[i].elements < slots[best].elements))
        best = int(i); // the smallest slot that fits
      else if (!fits && slots[best].elements < elements &&
               slots[i].elements > slots[best].elements)
        best = int(i); // none fits (yet): the largest, which then grows
    }
    if (best < 0) {
      slots.push_back({elements, false});
      return uint32_t(slots.size() - 1);
    }
    slots[best].free = false;
    slots[best].elements = std::max(slots[best].elements, elements);
    return uint32_t(best);
  }
  void release(uint32_t slot) { slots[slot].free = true; }
  uint32_t count() const { return uint32_t(slots.size()); }

private:
  struct Slot {
    int64_t elements;
    bool free;
  };
  std::vector<Slot> slots;
};

inline std::vector<int64_t> planShape(mlir::RankedTensorType type) {
  std::vector<int64_t> shape;
  for (int64_t d : type.getShape())
    shape.push_back(mlir::ShapedType::isDynamic(d) ? kTokensExtent : d);
  return shape;
}

inline double toDouble(mlir::FloatAttr attr) { return attr.getValueAsDouble(); }

/// The RoPE kernel request for [tokens, features] heads of `headDim`, one
/// for mgc.rope and for the rotation mgc.attention's `rope` attribute asks.
RopeRequest ropeRequest(RopeAttr rope, int64_t tokens, int64_t features,
                        int64_t headDim);

/// The schedule of a row-wise helper kernel (RoPE before attention, MoE
/// routing and gathers) in the phase of `base`, following mgc-schedule's
/// row-wise rule.
KernelSchedule rowwiseSchedule(const KernelSchedule &base);

/// The kernel input an operand of the body op comes from.
mlir::Value outerValue(KernelOp kernel, mlir::Value inner);

/// Tags each call of `out.plan` with its mgc.kernel's source position and
/// the plan with the target's limits (CallSources.cpp).
void describeCalls(ModuleOp module, LoweredModel &out);

/// What a product kernel applies to each output after the sum of products
/// (mgc-fuse-epilogues): an activation, then a residual add.
struct LinearEpilogue {
  int activation = -1;   // an ActivationKind, or none
  mlir::Value residual;  // the residual [T, N] inside the kernel body, or none
  bool empty() const { return activation < 0 && !residual; }
};

/// The epilogue of a kernel body of several ops: `linear [-> activation]
/// [-> add]`, each op of the previous one's result, the last yielded;
/// failure (with an error) for any other body of more than one op.
LogicalResult matchLinearEpilogue(KernelOp kernel,
                                  llvm::ArrayRef<Operation *> ops,
                                  LinearEpilogue &epilogue);

class Lowering {
public:
  Lowering(ModuleOp module, LoweredModel &out) : module(module), out(out) {}

  LogicalResult run();

private:
  LogicalResult lowerEntry(mlir::func::FuncOp func);
  LogicalResult lowerKernel(KernelOp kernel);
  LogicalResult lowerAttention(KernelOp kernel, AttentionOp op,
                               const KernelSchedule &schedule);
  // MoeLowering.cpp
  LogicalResult lowerRoute(KernelOp kernel, RouteOp op,
                           const KernelSchedule &schedule);
  LogicalResult lowerExpert(KernelOp kernel, ExpertOp op,
                            const KernelSchedule &schedule);
  // LayoutLowering.cpp
  LogicalResult lowerLayout(KernelOp kernel, Operation *root,
                            const KernelSchedule &schedule);
  /// The weight tensor, plain and of `shape`, of the weight source `name`
  /// (a param of `sourceShape`, or a constant of that shape filled with
  /// `splat`): mgc.reshape of a weight, another plan weight read from the
  /// same source.
  uint32_t reshapedWeight(const std::string &name,
                          const std::vector<int64_t> &sourceShape,
                          std::optional<double> splat,
                          const std::vector<int64_t> &shape);
  // ScanLowering.cpp
  LogicalResult lowerScan(KernelOp kernel, ScanOp op,
                          const KernelSchedule &schedule);
  LogicalResult lowerConv1d(KernelOp kernel, Conv1dOp op,
                            const KernelSchedule &schedule);
  /// mgc.token_shift and mgc.reverse.
  LogicalResult lowerSequence(KernelOp kernel, Operation *root,
                              const KernelSchedule &schedule);
  /// The state tensor the state operand `inner` of `op` (in `kernel`'s body)
  /// reads, checking that the kernel yields op's result and then
  /// `stateOut`, the state updated in place. Null after a diagnostic.
  std::optional<Binding> carriedState(KernelOp kernel, Value inner,
                                      Value stateOut, Operation *op);
  // RowsLinearLowering.cpp
  /// Whether a linear op needs lowerRowsLinear: an input of rank other than
  /// 2, or a weight that is not a param.
  bool needsRowsLinear(LinearOp op);
  LogicalResult lowerRowsLinear(KernelOp kernel, LinearOp op,
                                const KernelSchedule &schedule);
  /// A view of activation `tensor` [d0, ..., K] as rows [d0 x ..., K] of the
  /// same memory (released with `release`).
  uint32_t rowsView(uint32_t tensor);

  /// y = x w^T (+ bias) for the weight param `w` (operand of the body op),
  /// then the epilogue's activation (an ActivationKind, -1 none) and
  /// residual added: the kernel request for `schedule`'s phase and its call
  /// with `wArg`'s kind (tensor, or expertSlice inside an expert loop) and
  /// x / y bound as given. Null after a diagnostic.
  std::optional<uint32_t> matmul(Value w, PlanArg x, std::optional<PlanArg> bias,
                                 PlanArg y, ArgKind wKind,
                                 const KernelSchedule &schedule,
                                 const std::string &suffix, Operation *at,
                                 int activation = -1,
                                 std::optional<PlanArg> residual = {});

  // Values and tensors of the current entry point.
  Binding *binding(Value value);
  /// The tensor an operand of the kernel body op is bound to; a param is
  /// bound as a plain-layout weight. Null after a diagnostic.
  std::optional<uint32_t> input(Value inner, Operation *at);
  std::optional<uint32_t> weight(Value inner, WeightLayout layout,
                                 int64_t panel, Operation *at);
  /// A weight holding an mgc.constant of the kernel body (every element its
  /// value), shared by equal constants.
  uint32_t constantWeight(ConstantOp constant);
  /// The entry's tensor of plan weight `weight`, registered under `key`
  /// the first time (a weight keeps one plan entry per layout and shape);
  /// `sourceShape` and `splat` as LoweredModel records them.
  uint32_t weightTensor(const std::string &key, PlanWeight weight,
                        PlanType precision,
                        const std::vector<int64_t> &sourceShape,
                        std::optional<double> splat);
  uint32_t activation(Value result);
  uint32_t temporary(const std::vector<int64_t> &shape,
                     PlanType type = PlanType::f32);
  /// Drops a use of an activation tensor's arena slot, which is freed when
  /// no tensor bound to it is live (reshapes alias their input's slot).
  void release(uint32_t tensor) { releaseSlot(entry->tensors[tensor].ref); }
  void releaseSlot(uint32_t slot) {
    if (--slotUsers[slot] == 0)
      slots.release(slot);
  }
  /// Binds `result` to the memory of tensor `tensor` with its own shape,
  /// `offset` elements further into the slot.
  void alias(Value result, uint32_t tensor, uint64_t offset = 0);
  uint32_t addTensor(PlanTensor tensor);
  /// The entry's tensor of state `name` (a per-sequence plan state).
  std::optional<uint32_t> stateTensor(StringRef name, Operation *at);

  /// Registers a function (deduplicated by content); returns its index.
  uint32_t addKernel(KernelRequest request);
  /// Appends a call of function `kernel` for the current mgc.kernel.
  void call(uint32_t kernel, std::vector<PlanArg> args,
            const std::string &suffix = "") {
    PlanCall c;
    c.kernel = kernel;
    c.name = currentKernel.getName().str() + suffix;
    c.op = currentOp;
    c.args = std::move(args);
    entry->calls.push_back(std::move(c));
  }
  /// Lets the runtime run the entry's last call on the last row alone when
  /// it is the logits product of a prefill (token rows are independent
  /// there, and generation needs only the last position's logits).
  void markLastRowCall() {
    if (entry->tokens == kTokensExtent && !entry->calls.empty() &&
        entry->calls.back().op == "logits" &&
        entry->calls.back().kind == CallKind::kernel)
      entry->calls.back().lastRowSuffices = true;
  }
  /// Appends a runtime step (not a kernel) for the current mgc.kernel.
  PlanCall &step(CallKind kind, std::vector<PlanArg> args,
                 const std::string &suffix) {
    call(0, std::move(args), suffix);
    entry->calls.back().kind = kind;
    return entry->calls.back();
  }
  static PlanArg arg(uint32_t tensor) { return {ArgKind::tensor, tensor}; }
  static PlanArg positionArg() { return {ArgKind::position, 0}; }

  ModuleOp module;
  LoweredModel &out;
  std::map<std::string, uint32_t> kernelByKey;
  std::map<std::string, uint32_t> weightByKey; // name + layout
  std::map<std::string, uint32_t> stateByName;

  // The entry point being lowered.
  PlanEntry *entry = nullptr;
  KernelOp currentKernel;
  std::string currentOp; // its body op's name without the dialect
  llvm::DenseMap<Value, Binding> values;
  std::map<uint32_t, uint32_t> entryTensorOfWeight, entryTensorOfState;
  SlotAllocator slots;
  std::map<uint32_t, int> slotUsers; // live tensors per arena slot
};

} // namespace lowering
} // namespace mgc

#endif // MGC_CODEGEN_LOWERING_LOWERING_H
