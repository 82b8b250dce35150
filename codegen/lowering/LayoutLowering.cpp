//===- LayoutLowering.cpp - reshape, slice, concat, broadcast -------------===//
//
// mgc.reshape moves no data: its result is bound to its input's memory with
// the new shape (the arena slot stays live while either is). mgc.slice,
// mgc.concat and mgc.broadcast become layout kernels (LayoutKernel.h).
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

using namespace mlir;

namespace mgc {
namespace lowering {

void Lowering::alias(Value result, uint32_t tensor) {
  PlanTensor t = entry->tensors[tensor];
  t.shape = planShape(cast<RankedTensorType>(result.getType()));
  ++slotUsers[t.ref];
  values[result] = Binding{Binding::tensor, addTensor(std::move(t)), {}};
}

LogicalResult Lowering::lowerLayout(KernelOp kernel, Operation *root,
                                    const KernelSchedule &schedule) {
  if (auto reshape = dyn_cast<ReshapeOp>(root)) {
    auto x = input(reshape.getInput(), root);
    if (!x)
      return failure();
    if (entry->tensors[*x].kind != TensorKind::activation)
      return root->emitError()
             << "codegen reshapes activations only, not weights or states";
    alias(kernel.getResult(0), *x);
    return success();
  }
  LayoutRequest r;
  r.resultShape =
      planShape(cast<RankedTensorType>(root->getResult(0).getType()));
  std::vector<PlanArg> args;
  for (Value operand : root->getOperands()) {
    auto t = input(operand, root);
    if (!t)
      return failure();
    r.inputShapes.push_back(entry->tensors[*t].shape);
    args.push_back(arg(*t));
  }
  if (auto slice = dyn_cast<SliceOp>(root)) {
    r.kind = 0;
    r.dim = slice.getDim() ? int64_t(*slice.getDim())
                           : int64_t(r.resultShape.size()) - 1;
    r.offset = int64_t(slice.getOffset());
  } else {
    r.kind = isa<ConcatOp>(root) ? 1 : 2;
  }
  uint32_t k = addKernel(
      {"", kernel.getName().str(), r, rowwiseSchedule(schedule)});
  args.push_back(arg(activation(kernel.getResult(0))));
  call(k, args);
  return success();
}

} // namespace lowering
} // namespace mgc
