//===- RowsLinearLowering.cpp - linear ops over rows of any tensor --------===//
//
// mgc.linear beyond the dense [T, K] x param case, as recurrent mixers use
// it: inputs of any rank (per-head projections [T, H, K], or tensors
// computed from weights alone), and weights computed in the graph (RWKV's
// LoRA slices, constants broadcast to a row). The input is viewed as rows
// [R, K] of its memory and the result as [R, N] (R a token multiple, or
// static without a token dimension). A param weight keeps the linear
// kernel's phase layouts (panels for prefill, rows for decode); a computed
// weight is read as it lies, [N, K] row-major, by the row-major form of the
// kernel for every phase.
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

using namespace mlir;

namespace mgc {
namespace lowering {

bool Lowering::needsRowsLinear(LinearOp op) {
  if (cast<RankedTensorType>(op.getInput().getType()).getRank() != 2)
    return true;
  Value outer = outerValue(currentKernel, op.getWeight());
  Binding *b = outer ? binding(outer) : nullptr;
  return !b || b->kind != Binding::param;
}

uint32_t Lowering::rowsView(uint32_t tensor) {
  PlanTensor t = entry->tensors[tensor];
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < t.shape.size(); ++d)
    rows *= t.shape[d]; // negative (a token multiple) with a token dimension
  t.shape = {rows, t.shape.back()};
  ++slotUsers[t.ref];
  return addTensor(std::move(t));
}

LogicalResult Lowering::lowerRowsLinear(KernelOp kernel, LinearOp op,
                                        const KernelSchedule &schedule) {
  auto x = input(op.getInput(), op);
  if (!x)
    return failure();
  std::optional<uint32_t> bias;
  if (op.getBias() && !(bias = input(op.getBias(), op)))
    return failure();
  if (entry->tensors[*x].kind != TensorKind::activation)
    return op.emitError()
           << "codegen multiplies computed inputs only (an activation)";
  const std::vector<int64_t> xShape = entry->tensors[*x].shape;
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < xShape.size(); ++d)
    rows *= xShape[d];
  if (rows < -kMaxTokensMultiple)
    return op.emitError() << "codegen supports at most " << kMaxTokensMultiple
                          << " rows per token in a linear op";
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  if (wType.getRank() != 2)
    return op.emitError() << "codegen supports linear ops with [N, K] "
                             "weights only";
  std::optional<PlanArg> biasArg;
  if (bias)
    biasArg = arg(*bias);

  // The rows of x and of the result.
  uint32_t xRows = rowsView(*x);
  uint32_t y = activation(kernel.getResult(0));
  uint32_t yRows = rowsView(y);
  Value outer = outerValue(kernel, op.getWeight());
  Binding *wb = outer ? binding(outer) : nullptr;
  if (wb && wb->kind == Binding::param) {
    if (!matmul(op.getWeight(), arg(xRows), biasArg, arg(yRows),
                ArgKind::tensor, schedule, "", op))
      return failure();
  } else {
    auto w = input(op.getWeight(), op);
    if (!w)
      return failure();
    LinearRequest r;
    r.N = wType.getShape()[0];
    r.K = wType.getShape()[1];
    r.hasBias = bias.has_value();
    // The row-major form: blocks of outputs as wide as mgc-schedule's
    // column tile (a whole number of vectors), in parallel where it asked.
    KernelSchedule s = schedule;
    s.decode = true;
    s.tiles = {1, schedule.tiles.size() == 2 ? schedule.tiles[1]
                                             : schedule.vectorWidth};
    s.unroll = 1;
    std::vector<PlanArg> args = {arg(xRows), arg(*w)};
    if (biasArg)
      args.push_back(*biasArg);
    args.push_back(arg(yRows));
    call(addKernel({"", kernel.getName().str(), r, s}), args);
  }
  release(xRows);
  release(yRows);
  return success();
}

} // namespace lowering
} // namespace mgc
