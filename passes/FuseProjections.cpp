//===- FuseProjections.cpp - one linear op for projections of one input ---===//
//
// This file implements the mgc-fuse-projections pass (Passes.td). Groups are
// the linear ops of one block with the same input, weight width, element
// type and bias presence whose weights (and biases) are whole mgc.params;
// each group of two or more becomes a linear op by a concatenated param and
// one slice per original result, placed where the group's first op was.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

namespace mgc {
#define GEN_PASS_DEF_FUSEPROJECTIONSPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

/// A weight that is a model tensor as it is (not itself fused).
ParamOp plainParam(Value value) {
  auto param = value ? value.getDefiningOp<ParamOp>() : ParamOp();
  return param && !param.getParts() ? param : ParamOp();
}

/// "p.q+k+v.s" for "p.q.s", "p.k.s", "p.v.s": the parts' common prefix
/// (through a dot) and suffix (from a dot) around their own names joined by
/// '+'.
std::string fusedName(ArrayRef<std::string> names) {
  std::string prefix = names[0], suffix = names[0];
  size_t shortest = names[0].size();
  for (const std::string &name : names) {
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n])
      ++n;
    prefix.resize(n);
    size_t m = 0;
    while (m < suffix.size() && m < name.size() &&
           suffix[suffix.size() - 1 - m] == name[name.size() - 1 - m])
      ++m;
    suffix = suffix.substr(suffix.size() - m);
    shortest = std::min(shortest, name.size());
  }
  size_t dot = prefix.rfind('.');
  prefix.resize(dot == std::string::npos ? 0 : dot + 1);
  dot = suffix.find('.');
  suffix = dot == std::string::npos ? "" : suffix.substr(dot);
  if (prefix.size() + suffix.size() >= shortest)
    suffix.clear();
  std::string fused = prefix;
  for (size_t i = 0; i < names.size(); ++i)
    fused += (i ? "+" : "") +
             names[i].substr(prefix.size(), names[i].size() - prefix.size() -
                                                 suffix.size());
  return fused + suffix;
}

/// The parts of each fused name given so far: a name is one concatenation
/// in every entry point, never two.
using FusedNames = llvm::StringMap<ArrayAttr>;

/// One param holding `params` concatenated along dimension 0.
Value concatenatedParam(OpBuilder &b, Location loc,
                        MutableArrayRef<ParamOp> params, FusedNames &given) {
  std::vector<std::string> names;
  SmallVector<Attribute> parts;
  SmallVector<int64_t> rows;
  int64_t total = 0;
  for (ParamOp p : params) {
    names.push_back(p.getName().str());
    parts.push_back(b.getStringAttr(p.getName()));
    rows.push_back(p.getType().getDimSize(0));
    total += rows.back();
  }
  SmallVector<int64_t> shape(params[0].getType().getShape());
  shape[0] = total;
  auto type = RankedTensorType::get(shape, params[0].getType().getElementType());
  ArrayAttr partsAttr = b.getArrayAttr(parts);
  // The short name, unless it already names other parts (it drops the
  // parts' shared prefix and suffix, so two groups may share it); then the
  // parts' whole names joined, which cannot collide.
  std::string name = fusedName(names);
  auto [it, inserted] = given.try_emplace(name, partsAttr);
  if (!inserted && it->second != partsAttr) {
    name = llvm::join(names, "+");
    given.try_emplace(name, partsAttr);
  }
  return b.create<ParamOp>(loc, type, b.getStringAttr(name), partsAttr,
                           b.getDenseI64ArrayAttr(rows));
}

/// Replaces `group` (two or more linear ops, in block order) by one.
void fuse(ArrayRef<LinearOp> group, FusedNames &given) {
  LinearOp first = group.front();
  OpBuilder b(first);
  Location loc = first.getLoc();
  SmallVector<ParamOp> weights, biases;
  for (LinearOp op : group) {
    weights.push_back(plainParam(op.getWeight()));
    if (op.getBias())
      biases.push_back(plainParam(op.getBias()));
  }
  Value weight = concatenatedParam(b, loc, weights, given);
  Value bias =
      biases.empty() ? Value() : concatenatedParam(b, loc, biases, given);
  auto resultType = cast<RankedTensorType>(first.getType());
  SmallVector<int64_t> shape(resultType.getShape());
  shape.back() = cast<RankedTensorType>(weight.getType()).getDimSize(0);
  auto fusedType = RankedTensorType::get(shape, resultType.getElementType());
  Value fused = b.create<LinearOp>(loc, fusedType, first.getInput(), weight,
                                   bias);
  int64_t offset = 0;
  for (LinearOp op : group) {
    Value slice = b.create<SliceOp>(op.getLoc(), op.getType(), fused,
                                    b.getI64IntegerAttr(offset), IntegerAttr());
    offset += cast<RankedTensorType>(op.getType()).getShape().back();
    op.getResult().replaceAllUsesWith(slice);
  }
  for (LinearOp op : group) {
    SmallVector<Operation *> params;
    for (Value operand : {op.getWeight(), op.getBias()})
      if (operand)
        params.push_back(operand.getDefiningOp());
    op.erase();
    for (Operation *param : params)
      if (param->use_empty())
        param->erase();
  }
}

struct FuseProjectionsPass
    : impl::FuseProjectionsPassBase<FuseProjectionsPass> {
  using FuseProjectionsPassBase::FuseProjectionsPassBase;

  void runOnOperation() override {
    // Groups keyed by (input, weight width, element type, has bias), in
    // the order their first op appears.
    using Key = std::tuple<void *, int64_t, Type, int>;
    SmallVector<SmallVector<LinearOp>> groups;
    getOperation().walk([&](Block *block) {
      // Kernel bodies are outlined already: fusion runs before outlining.
      if (isa_and_nonnull<KernelOp>(block->getParentOp()))
        return;
      llvm::MapVector<Key, SmallVector<LinearOp>> byKey;
      for (Operation &op : *block) {
        auto linear = dyn_cast<LinearOp>(op);
        if (!linear)
          continue;
        ParamOp weight = plainParam(linear.getWeight());
        if (!weight || weight.getType().getRank() != 2 ||
            (linear.getBias() && !plainParam(linear.getBias())))
          continue;
        Key key{linear.getInput().getAsOpaquePointer(),
                weight.getType().getDimSize(1),
                weight.getType().getElementType(), linear.getBias() ? 1 : 0};
        byKey[key].push_back(linear);
      }
      for (auto &entry : byKey)
        if (entry.second.size() > 1)
          groups.push_back(entry.second);
    });
    FusedNames given;
    for (ArrayRef<LinearOp> group : groups)
      fuse(group, given);
  }
};

} // namespace
} // namespace mgc
