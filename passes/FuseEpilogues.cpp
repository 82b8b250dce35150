//===- FuseEpilogues.cpp - activations and residual adds into products ----===//
//
// This file implements the mgc-fuse-epilogues pass (Passes.td). It merges
// outlined kernels: a kernel whose body is a matrix product of a [T, K]
// input by a weight (mgc.linear, optionally followed by what this pass
// already merged into it) absorbs the one kernel that uses its result when
// that kernel is an elementwise activation of it, or a residual add of it
// and another tensor of its shape. The merged body reads
//
//   linear [-> activation] [-> add]
//
// which codegen runs as one matrix product whose epilogue applies the
// activation and adds the residual to each output as it is stored.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mgc {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

/// What a product kernel's body already holds, or nothing when the kernel
/// is not one that can take an epilogue: a single-result kernel of a linear
/// op on a [T, K] input whose weight is a kernel input bound to an
/// mgc.param, then at most an activation and at most a residual add, in
/// that order, each of the previous result.
struct ProductBody {
  bool activation = false, residual = false;
};

std::optional<ProductBody> productBody(KernelOp kernel) {
  SmallVector<Operation *> ops = kernel.getComputeOps();
  if (kernel.getNumResults() != 1 || ops.empty())
    return std::nullopt;
  auto linear = dyn_cast<LinearOp>(ops[0]);
  if (!linear || cast<RankedTensorType>(linear.getInput().getType())
                         .getRank() != 2)
    return std::nullopt;
  auto weight = dyn_cast<BlockArgument>(linear.getWeight());
  if (!weight ||
      !kernel.getInputs()[weight.getArgNumber()].getDefiningOp<ParamOp>())
    return std::nullopt;
  ProductBody body;
  Value last = linear.getResult();
  for (Operation *op : ArrayRef(ops).drop_front()) {
    bool uses = llvm::is_contained(op->getOperands(), last);
    if (isa<ActivationOp>(op) && uses && !body.activation && !body.residual)
      body.activation = true;
    else if (isa<AddOp>(op) && uses && !body.residual)
      body.residual = true;
    else
      return std::nullopt;
    last = op->getResult(0);
  }
  return body;
}

/// The op of `consumer` that can become `product`'s epilogue: its only
/// compute op, an activation of `result` (before any residual add) or an
/// add of `result` and another tensor of the same type.
Operation *epilogueOp(KernelOp consumer, Value result,
                      const ProductBody &product) {
  SmallVector<Operation *> ops = consumer.getComputeOps();
  if (ops.size() != 1 || consumer.getNumResults() != 1)
    return nullptr;
  Operation *op = ops[0];
  auto operandIs = [&](Value inner) {
    auto arg = dyn_cast<BlockArgument>(inner);
    return arg && consumer.getInputs()[arg.getArgNumber()] == result;
  };
  if (auto act = dyn_cast<ActivationOp>(op)) {
    // softplus's accurate log1p needs strict float arithmetic, which Halide
    // applies to a whole pipeline: the product would lose its fused
    // multiply-adds, so softplus stays a kernel of its own.
    bool ok = !product.activation && !product.residual &&
              act.getKind() != ActivationKind::softplus &&
              operandIs(act.getInput());
    return ok ? op : nullptr;
  }
  if (auto add = dyn_cast<AddOp>(op)) {
    Value lhs = add.getLhs(), rhs = add.getRhs();
    // One side is the product, the other a distinct tensor of its type
    // (no broadcast: the epilogue reads the residual element by element).
    bool ok = !product.residual && operandIs(lhs) != operandIs(rhs) &&
              lhs.getType() == rhs.getType() &&
              lhs.getType() == add.getResult().getType();
    return ok ? op : nullptr;
  }
  return nullptr;
}

/// Replaces `producer` and `consumer` with one kernel named after the
/// producer, placed where the consumer was: the producer's body, then the
/// consumer's op on its result.
void merge(KernelOp producer, KernelOp consumer) {
  Value result = producer.getResult(0);
  SmallVector<Value> inputs(producer.getInputs());
  for (Value input : consumer.getInputs())
    if (input != result && !llvm::is_contained(inputs, input))
      inputs.push_back(input);

  OpBuilder b(consumer);
  auto merged = b.create<KernelOp>(
      consumer.getLoc(), consumer.getResultTypes(), producer.getNameAttr(),
      inputs, ScheduleAttr());
  Block *body = b.createBlock(&merged.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    body->addArgument(input.getType(), input.getLoc());
  auto bindInputs = [&](KernelOp kernel) {
    for (auto [outer, inner] : llvm::zip(kernel.getInputs(),
                                         kernel.getBody().getArguments()))
      if (outer != result)
        mapping.map(inner, body->getArgument(
                               llvm::find(inputs, outer) - inputs.begin()));
  };
  bindInputs(producer);
  b.setInsertionPointToEnd(body);
  auto producerYield =
      cast<YieldOp>(producer.getBody().front().getTerminator());
  for (Operation &op : producer.getBody().front().without_terminator())
    b.clone(op, mapping);
  // The consumer's argument bound to the producer's result reads the
  // product inside the merged body.
  Value product = mapping.lookup(producerYield.getValues()[0]);
  for (auto [outer, inner] :
       llvm::zip(consumer.getInputs(), consumer.getBody().getArguments()))
    if (outer == result)
      mapping.map(inner, product);
  bindInputs(consumer);
  for (Operation &op : consumer.getBody().front())
    b.clone(op, mapping); // the consumer's yield yields the merged result
  consumer->replaceAllUsesWith(merged.getResults());
  consumer->erase();
  producer->erase();
}

struct FuseEpiloguesPass : impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      // Each merge may enable another (linear, then its activation, then
      // the add of that); products are visited until none changes.
      bool changed = true;
      while (changed) {
        changed = false;
        for (auto producer : llvm::make_early_inc_range(
                 func.getFunctionBody().getOps<KernelOp>())) {
          std::optional<ProductBody> product = productBody(producer);
          Value result = producer->getNumResults() == 1 ? producer.getResult(0)
                                                        : Value();
          if (!product || !result.hasOneUse())
            continue;
          auto consumer = dyn_cast<KernelOp>(*result.getUsers().begin());
          if (!consumer || consumer->getParentOp() != func ||
              !epilogueOp(consumer, result, *product))
            continue;
          merge(producer, consumer);
          changed = true;
          break; // the kernel list changed under the iterator
        }
      }
    }
  }
};

} // namespace
} // namespace mgc
