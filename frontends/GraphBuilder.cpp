//===- GraphBuilder.cpp - building one entry point's ops --------*- C++ -*-===//

#include "frontends/GraphBuilder.h"

using namespace mlir;
using namespace mgc;

GraphBuilder::GraphBuilder(OpBuilder &builder, ModuleOp module,
                           const ModelSpec &spec, int64_t tokens,
                           Value position)
    : builder_(builder), module_(module), spec_(spec), tokens_(tokens),
      position_(position), loc_(builder.getUnknownLoc()) {
  setSource(spec.pos);
}

void GraphBuilder::setSource(SourcePos pos) {
  if (pos.line > 0)
    loc_ = FileLineColLoc::get(builder_.getContext(), spec_.file, pos.line,
                               pos.column);
  else
    loc_ = FileLineColLoc::get(builder_.getContext(), spec_.file, 0, 0);
}

std::string GraphBuilder::qualify(StringRef name) const {
  if (prefix_.empty())
    return name.str();
  return prefix_ + "." + name.str();
}

RankedTensorType GraphBuilder::activation(ArrayRef<int64_t> features) {
  SmallVector<int64_t> shape{tokens_};
  shape.append(features.begin(), features.end());
  return RankedTensorType::get(shape, f32());
}

RankedTensorType GraphBuilder::tensor(ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, f32());
}

Value GraphBuilder::param(StringRef name, ArrayRef<int64_t> shape) {
  return globalParam(qualify(name), shape);
}

Value GraphBuilder::globalParam(StringRef name, ArrayRef<int64_t> shape) {
  return builder_.create<ParamOp>(loc_, tensor(shape), name);
}

Value GraphBuilder::constant(double value, ArrayRef<int64_t> shape) {
  return builder_.create<ConstantOp>(loc_, tensor(shape),
                                     builder_.getF64FloatAttr(value));
}

/// The shape of `value`, which must be a ranked tensor.
static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// `shape` with its last dimension replaced by `last`.
static SmallVector<int64_t> withLast(ArrayRef<int64_t> shape, int64_t last) {
  SmallVector<int64_t> result(shape);
  result.back() = last;
  return result;
}

Value GraphBuilder::linear(Value x, StringRef name, int64_t out, bool bias) {
  int64_t in = shapeOf(x).back();
  Value weight = param((name + ".weight").str(), {out, in});
  Value biasValue = bias ? param((name + ".bias").str(), {out}) : Value();
  auto type = RankedTensorType::get(withLast(shapeOf(x), out), f32());
  return builder_.create<LinearOp>(loc_, type, x, weight, biasValue);
}

Value GraphBuilder::headLinear(Value x, Value weight, int64_t block,
                               int64_t offset, bool transpose, int64_t out) {
  auto type = RankedTensorType::get(withLast(shapeOf(x), out), f32());
  return builder_.create<HeadLinearOp>(loc_, type, x, weight, block, offset,
                                       transpose);
}

Value GraphBuilder::norm(Value x, const NormSpec &spec, StringRef name,
                         unsigned paramRank) {
  ArrayRef<int64_t> shape = shapeOf(x).take_back(paramRank);
  Value weight = param((name + ".weight").str(), shape);
  Value bias = spec.kind == NormKind::layer && spec.bias
                   ? param((name + ".bias").str(), shape)
                   : Value();
  return builder_.create<NormOp>(loc_, x.getType(), spec.kind, x, weight, bias,
                                 llvm::APFloat(spec.eps));
}

Value GraphBuilder::activation(Value x, ActivationKind kind) {
  return builder_.create<ActivationOp>(loc_, x.getType(), kind, x);
}

Value GraphBuilder::add(Value lhs, Value rhs) {
  return builder_.create<AddOp>(loc_, lhs.getType(), lhs, rhs);
}
Value GraphBuilder::sub(Value lhs, Value rhs) {
  return builder_.create<SubOp>(loc_, lhs.getType(), lhs, rhs);
}
Value GraphBuilder::mul(Value lhs, Value rhs) {
  return builder_.create<MulOp>(loc_, lhs.getType(), lhs, rhs);
}

Value GraphBuilder::div(Value lhs, Value rhs) {
  return builder_.create<DivOp>(loc_, lhs.getType(), lhs, rhs);
}

Value GraphBuilder::reshape(Value x, ArrayRef<int64_t> features) {
  SmallVector<int64_t> shape{shapeOf(x).front()};
  shape.append(features.begin(), features.end());
  return builder_.create<ReshapeOp>(loc_, RankedTensorType::get(shape, f32()),
                                    x);
}

Value GraphBuilder::slice(Value x, int64_t offset, int64_t size, int64_t dim) {
  SmallVector<int64_t> shape(shapeOf(x));
  int64_t rank = shape.size();
  int64_t d = dim < 0 ? rank - 1 : dim;
  shape[d] = size;
  IntegerAttr dimAttr =
      d == rank - 1 ? IntegerAttr() : builder_.getI64IntegerAttr(d);
  return builder_.create<SliceOp>(loc_, RankedTensorType::get(shape, f32()), x,
                                  builder_.getI64IntegerAttr(offset), dimAttr);
}

Value GraphBuilder::concat(ValueRange inputs) {
  int64_t total = 0;
  for (Value input : inputs)
    total += shapeOf(input).back();
  auto type =
      RankedTensorType::get(withLast(shapeOf(inputs.front()), total), f32());
  return builder_.create<ConcatOp>(loc_, type, inputs);
}

Value GraphBuilder::broadcast(Value x, ArrayRef<int64_t> shape) {
  return builder_.create<BroadcastOp>(loc_, RankedTensorType::get(shape, f32()),
                                      x);
}

RopeAttr GraphBuilder::ropeAttr(int64_t headDim) {
  const RopeSpec &r = spec_.rope;
  int64_t rotary = r.rotaryDim > 0 ? std::min(r.rotaryDim, headDim) : headDim;
  return RopeAttr::get(builder_.getContext(), builder_.getF64FloatAttr(r.theta),
                       rotary, r.style, r.scaling,
                       builder_.getF64FloatAttr(r.factor), r.originalContext,
                       builder_.getF64FloatAttr(r.lowFreqFactor),
                       builder_.getF64FloatAttr(r.highFreqFactor),
                       builder_.getF64FloatAttr(r.attentionFactor));
}

Value GraphBuilder::rope(Value x, int64_t headDim, RopeAttr rope) {
  return builder_.create<RopeOp>(loc_, x.getType(), x, position_, headDim,
                                 rope);
}

Value GraphBuilder::readState(StringRef name, StateKind kind,
                              ArrayRef<int64_t> shape) {
  std::string symbol = qualify(name);
  RankedTensorType type = tensor(shape);
  // Prefill and decode share one declaration.
  if (!SymbolTable::lookupSymbolIn(module_, symbol)) {
    OpBuilder::InsertionGuard guard(builder_);
    builder_.setInsertionPoint(module_.getBody(),
                               module_.getBody()->begin());
    // Keep declarations in creation order: after the ones already there.
    for (Operation &op : *module_.getBody())
      if (isa<StateOp>(op))
        builder_.setInsertionPointAfter(&op);
    builder_.create<StateOp>(loc_, kind, symbol, type);
  }
  return builder_.create<StateReadOp>(loc_, type, symbol);
}

void GraphBuilder::writeState(StringRef name, Value value) {
  builder_.create<StateWriteOp>(loc_, value, qualify(name));
}

Value GraphBuilder::reverse(Value x) {
  return builder_.create<ReverseOp>(loc_, x.getType(), x);
}
