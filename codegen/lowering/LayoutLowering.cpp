//===- LayoutLowering.cpp - reshape, slice, concat, broadcast -------------===//
//
// mgc.reshape moves no data: its result is bound to its input's memory with
// the new shape (the arena slot stays live while either is); a reshaped
// weight is a plain weight of the new shape read from the same source (the
// weights section holds it in each shape a kernel reads it in). A slice
// that is one contiguous range of a statically shaped activation (every
// dimension before the sliced one is 1: decode's [1, N]) is bound the same
// way, at an offset into the slot. Other slices, mgc.concat and
// mgc.broadcast become layout kernels (LayoutKernel.h).
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

#include <algorithm>

using namespace mlir;

namespace mgc {
namespace lowering {

void Lowering::alias(Value result, uint32_t tensor, uint64_t offset) {
  PlanTensor t = entry->tensors[tensor];
  t.shape = planShape(cast<RankedTensorType>(result.getType()));
  t.offset += offset;
  ++slotUsers[t.ref];
  values[result] = Binding{Binding::tensor, addTensor(std::move(t)), {}};
}

uint32_t Lowering::reshapedWeight(const std::string &name,
                                  const std::vector<int64_t> &sourceShape,
                                  std::optional<double> splat,
                                  const std::vector<int64_t> &shape) {
  // Keyed as weight() and constantWeight() key the source in its own shape,
  // plus the shape it is read in.
  std::string key =
      splat ? name : name + "#plain#" + std::to_string(int(PlanType::f32));
  if (shape != sourceShape) {
    key += " as";
    for (int64_t d : shape)
      key += " " + std::to_string(d);
  }
  PlanWeight w;
  w.name = name;
  w.shape = shape;
  return weightTensor(key, w, PlanType::f32, sourceShape, splat);
}

LogicalResult Lowering::lowerLayout(KernelOp kernel, Operation *root,
                                    const KernelSchedule &schedule) {
  if (auto reshape = dyn_cast<ReshapeOp>(root)) {
    const std::vector<int64_t> shape =
        planShape(cast<RankedTensorType>(reshape.getType()));
    // A param is read in the new shape directly (its own shape may be used
    // nowhere).
    Value outer = outerValue(kernel, reshape.getInput());
    if (Binding *b = outer ? binding(outer) : nullptr;
        b && b->kind == Binding::param) {
      ParamOp param = b->paramOp;
      if (param.getParts())
        return root->emitError() << "codegen reads concatenated weights ('"
                                 << param.getName()
                                 << "') only as matrix-product weights";
      uint32_t t = reshapedWeight(
          param.getName().str(),
          planShape(cast<RankedTensorType>(param.getType())), std::nullopt,
          shape);
      values[kernel.getResult(0)] = Binding{Binding::tensor, t, {}};
      return success();
    }
    auto x = input(reshape.getInput(), root);
    if (!x)
      return failure();
    const PlanTensor &t = entry->tensors[*x];
    if (t.kind == TensorKind::weight) {
      // A constant, or a weight reshaped before.
      const PlanWeight &w = out.plan.weights[t.ref];
      if (w.layout != WeightLayout::plain)
        return root->emitError() << "codegen reshapes plain weights only";
      uint32_t reshaped =
          reshapedWeight(w.name, out.weightSourceShapes[t.ref],
                         out.weightSplats[t.ref], shape);
      values[kernel.getResult(0)] = Binding{Binding::tensor, reshaped, {}};
      return success();
    }
    if (t.kind != TensorKind::activation)
      return root->emitError()
             << "codegen reshapes activations and weights, not states";
    alias(kernel.getResult(0), *x);
    return success();
  }
  if (auto slice = dyn_cast<SliceOp>(root)) {
    auto x = input(slice.getInput(), root);
    if (!x)
      return failure();
    const PlanTensor &t = entry->tensors[*x];
    const int64_t dim = slice.getDim() ? int64_t(*slice.getDim())
                                       : int64_t(t.shape.size()) - 1;
    bool contiguous = t.kind == TensorKind::activation &&
                      std::all_of(t.shape.begin(), t.shape.end(),
                                  [](int64_t d) { return d >= 0; });
    uint64_t inner = 1;
    for (int64_t d = 0; d < int64_t(t.shape.size()); ++d) {
      if (d < dim)
        contiguous = contiguous && t.shape[d] == 1;
      else if (d > dim)
        inner *= uint64_t(t.shape[d]);
    }
    if (contiguous) {
      alias(kernel.getResult(0), *x, uint64_t(slice.getOffset()) * inner);
      return success();
    }
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
