//===- OutlineKernels.cpp - one mgc.kernel per compute op -----------------===//
//
// This file implements the mgc-outline-kernels pass, which wraps each compute
// op of the model's entry points in an mgc.kernel whose inputs are the op's
// operands (weights and state values included) and whose body is the op.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringSet.h"

namespace mgc {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

/// Ops that stay outside kernels: the runtime binds weights and state, and
/// constants are copied into the kernels that read them.
bool staysOutside(Operation *op) {
  return isa<ParamOp, StateReadOp, StateWriteOp, ConstantOp, KernelOp,
             func::ReturnOp>(op);
}

/// The layer scope of a weight or state name: "layers.3" for
/// "layers.3.attn.q.weight", empty for global names.
StringRef scopeOf(StringRef name) {
  if (!name.starts_with("layers."))
    return {};
  size_t end = name.find('.', strlen("layers."));
  return end == StringRef::npos ? name : name.take_front(end);
}

/// A readable kernel name, prefixed by the entry point: the weight an op
/// applies (without ".weight"), else the op's mnemonic within the layer
/// of the weights and state around it (`scope`, updated as ops go by).
std::string kernelName(Operation *op, StringRef entry, std::string &scope) {
  for (Value operand : op->getOperands()) {
    StringRef name;
    if (auto param = operand.getDefiningOp<ParamOp>())
      name = param.getName();
    else if (auto state = operand.getDefiningOp<StateReadOp>())
      name = state.getState();
    else
      continue;
    scope = scopeOf(name).str();
    if (isa<ParamOp>(operand.getDefiningOp())) {
      name.consume_back(".weight");
      return (entry + "." + name).str();
    }
    break;
  }
  std::string prefix = (entry + "." + scope).str();
  if (!scope.empty())
    prefix += ".";
  return prefix + op->getName().stripDialect().str();
}

/// Makes `name` unique among `used` by appending ".1", ".2", ...
std::string uniqueName(std::string name, llvm::StringSet<> &used) {
  if (used.insert(name).second)
    return name;
  for (int i = 1;; ++i) {
    std::string candidate = name + "." + std::to_string(i);
    if (used.insert(candidate).second)
      return candidate;
  }
}

void outline(Operation *op, StringRef name) {
  OpBuilder b(op);
  // Inputs are the operands not produced by constants; constants are cloned.
  SmallVector<Value> inputs;
  for (Value operand : op->getOperands())
    if (!operand.getDefiningOp<ConstantOp>() && !llvm::is_contained(inputs, operand))
      inputs.push_back(operand);

  auto kernel = b.create<KernelOp>(op->getLoc(), op->getResultTypes(),
                                   b.getStringAttr(name), inputs,
                                   ScheduleAttr());
  Block *body = b.createBlock(&kernel.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  b.setInsertionPointToEnd(body);
  for (Value operand : op->getOperands())
    if (auto constant = operand.getDefiningOp<ConstantOp>())
      if (!mapping.contains(operand))
        mapping.map(operand, b.clone(*constant)->getResult(0));
  Operation *inner = b.clone(*op, mapping);
  b.create<YieldOp>(op->getLoc(), inner->getResults());
  op->replaceAllUsesWith(kernel.getResults());
  op->erase();
}

struct OutlineKernelsPass
    : impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override {
    llvm::StringSet<> used;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<Operation *> work;
      func.walk([&](Operation *op) {
        if (op->getParentOp() == func && !staysOutside(op))
          work.push_back(op);
      });
      std::string scope;
      for (Operation *op : work)
        outline(op,
                uniqueName(kernelName(op, func.getName(), scope), used));
      // Constants used only inside kernels now are dead.
      for (auto constant :
           llvm::make_early_inc_range(func.getOps<ConstantOp>()))
        if (constant->use_empty())
          constant->erase();
    }
  }
};

} // namespace
} // namespace mgc
