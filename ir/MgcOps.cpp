//===- MgcOps.cpp - mgc op verifiers ----------------------------*- C++ -*-===//
//
// Shape and attribute checks for every mgc op. Messages name the operand, the
// shape it must have (symbolically and with numbers) and what it got, so a
// frontend bug or a bad description is easy to trace.
//
//===----------------------------------------------------------------------===//

#include "ir/MgcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mgc;

namespace {
constexpr int64_t kDynamic = ShapedType::kDynamic;

/// True when two dimension sizes can be equal (a dynamic size matches any).
bool dimsMatch(int64_t a, int64_t b) {
  return a == kDynamic || b == kDynamic || a == b;
}

RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Prints `[1, ?, 3]`.
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (dim == kDynamic)
      os << "?";
    else
      os << dim;
  });
  os << "]";
  return text;
}

/// Checks that `value` has rank `expected.size()` and dimensions matching
/// `expected` (kDynamic entries match any size). `symbolic` names the
/// dimensions for the message, e.g. "[T, heads * head_dim]".
LogicalResult expectShape(Operation *op, Value value, StringRef name,
                          StringRef symbolic, ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> shape = tensorType(value).getShape();
  bool ok = shape.size() == expected.size();
  for (size_t i = 0; ok && i < shape.size(); ++i)
    ok = dimsMatch(shape[i], expected[i]);
  if (ok)
    return success();
  return op->emitOpError() << "'" << name << "' must be " << symbolic << " = "
                           << formatShape(expected) << ", got "
                           << value.getType();
}

/// Checks that `value` has rank `rank`.
LogicalResult expectRank(Operation *op, Value value, StringRef name,
                         int64_t rank, StringRef symbolic) {
  if (tensorType(value).getRank() == rank)
    return success();
  return op->emitOpError() << "'" << name << "' must have rank " << rank << " "
                           << symbolic << ", got " << value.getType();
}

/// Checks that a weight has rank `rank` and only static, non-zero
/// dimensions (its sizes define the model's dimensions).
LogicalResult expectWeight(Operation *op, Value value, StringRef name,
                           int64_t rank, StringRef symbolic) {
  if (failed(expectRank(op, value, name, rank, symbolic)))
    return failure();
  for (int64_t dim : tensorType(value).getShape())
    if (dim <= 0)
      return op->emitOpError()
             << "'" << name << "' " << symbolic
             << " must have static, non-zero dimensions, got "
             << value.getType();
  return success();
}

/// Checks that the last dimension of `value` is static.
LogicalResult expectStaticLastDim(Operation *op, Value value, StringRef name) {
  RankedTensorType type = tensorType(value);
  if (type.getRank() > 0 && !type.isDynamicDim(type.getRank() - 1))
    return success();
  return op->emitOpError() << "'" << name
                           << "' must have a static last dimension, got "
                           << value.getType();
}

/// Checks that `result` has the type of `input`.
LogicalResult expectSameType(Operation *op, Value result, StringRef resultName,
                             Value input, StringRef inputName) {
  if (result.getType() == input.getType())
    return success();
  return op->emitOpError() << "'" << resultName << "' must have the type of '"
                           << inputName << "' (" << input.getType()
                           << "), got " << result.getType();
}

LogicalResult expectPositive(Operation *op, StringRef name, int64_t value) {
  if (value > 0)
    return success();
  return op->emitOpError() << "'" << name << "' must be positive, got "
                           << value;
}

LogicalResult expectPositive(Operation *op, StringRef name, double value) {
  if (value > 0.0)
    return success();
  return op->emitOpError() << "'" << name << "' must be positive, got "
                           << value;
}
} // namespace

//===----------------------------------------------------------------------===//
// Weights and state
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  if (getName().empty())
    return emitOpError() << "weight name must not be empty";
  if (!getType().hasStaticShape())
    return emitOpError() << "weight '" << getName()
                         << "' must have a static shape, got " << getType();
  if (getType().getNumElements() == 0)
    return emitOpError() << "weight '" << getName()
                         << "' must not have a zero-sized dimension, got "
                         << getType();
  if (!getParts() && !getPartRows())
    return success();
  if (!getParts() || !getPartRows() ||
      getParts()->size() != getPartRows()->size() || getParts()->size() < 2)
    return emitOpError() << "weight '" << getName()
                         << "' needs 'parts' and 'part_rows' of one equal "
                            "length, at least 2";
  int64_t rows = 0;
  for (auto [part, count] : llvm::zip(*getParts(), *getPartRows())) {
    if (cast<StringAttr>(part).getValue().empty() || count <= 0)
      return emitOpError() << "weight '" << getName()
                           << "' has an empty part name or a part of no rows";
    rows += count;
  }
  if (getType().getRank() < 1 || rows != getType().getDimSize(0))
    return emitOpError() << "weight '" << getName() << "' has "
                         << (getType().getRank() ? getType().getDimSize(0) : 0)
                         << " rows, its parts " << rows;
  return success();
}

LogicalResult ConstantOp::verify() {
  if (!getType().hasStaticShape())
    return emitOpError() << "must have a static shape, got " << getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

LogicalResult StateOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape() || type.getNumElements() == 0)
    return emitOpError() << "state @" << getSymName()
                         << " must have a static, non-empty shape, got "
                         << type;
  if (getKind() == StateKind::kv_cache && type.getRank() != 3)
    return emitOpError() << "kv_cache state @" << getSymName()
                         << " must be [kv_heads, capacity, head_dim], got "
                         << type;
  if (getKind() == StateKind::recurrent && type.getRank() != 3)
    return emitOpError() << "recurrent state @" << getSymName()
                         << " must be [heads, P, N], got " << type;
  if (getKind() == StateKind::conv && type.getRank() != 2)
    return emitOpError() << "conv state @" << getSymName()
                         << " must be [width - 1, channels], got " << type;
  return success();
}

/// Resolves `symbol` to a state declaration and checks its type.
static LogicalResult verifyStateUse(Operation *op, FlatSymbolRefAttr symbol,
                                    Type accessType,
                                    SymbolTableCollection &symbolTable) {
  auto state = symbolTable.lookupNearestSymbolFrom<StateOp>(op, symbol);
  if (!state)
    return op->emitOpError() << symbol << " does not name an mgc.state";
  if (state.getType() != accessType)
    return op->emitOpError() << "type " << accessType << " does not match "
                             << symbol << " declared as " << state.getType();
  return success();
}

LogicalResult
StateReadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyStateUse(*this, getStateAttr(), getType(), symbolTable);
}

LogicalResult
StateWriteOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyStateUse(*this, getStateAttr(), getValue().getType(),
                        symbolTable);
}

//===----------------------------------------------------------------------===//
// Supporting ops
//===----------------------------------------------------------------------===//

LogicalResult EmbedOp::verify() {
  if (failed(expectWeight(*this, getTable(), "table", 2, "[vocab, hidden]")))
    return failure();
  ArrayRef<int64_t> table = getTable().getType().getShape();
  int64_t tokens = getTokens().getType().getDimSize(0);
  return expectShape(*this, getResult(), "result", "[T, hidden]",
                     {tokens, table[1]});
}

/// Checks that a norm parameter has the shape of a suffix of the input
/// that includes the last dimension.
static LogicalResult verifyNormParam(Operation *op, Value param, StringRef name,
                                     RankedTensorType inputType) {
  ArrayRef<int64_t> shape = tensorType(param).getShape();
  ArrayRef<int64_t> input = inputType.getShape();
  bool ok = !shape.empty() && shape.size() <= input.size() &&
            input.take_back(shape.size()) == shape;
  if (ok)
    return success();
  return op->emitOpError() << "'" << name << "' " << param.getType()
                           << " must have the shape of a suffix of the input "
                           << inputType << " ending at its last dimension";
}

LogicalResult NormOp::verify() {
  Value input = getInput();
  if (failed(expectStaticLastDim(*this, input, "input")))
    return failure();
  RankedTensorType inputType = tensorType(input);
  if (getWeight() &&
      failed(verifyNormParam(*this, getWeight(), "weight", inputType)))
    return failure();
  if (getBias()) {
    if (getKind() == NormKind::rms)
      return emitOpError() << "rms norm takes no bias; use 'layer' for a "
                              "norm with bias";
    if (failed(verifyNormParam(*this, getBias(), "bias", inputType)))
      return failure();
  }
  if (failed(expectPositive(*this, "eps", getEps().convertToDouble())))
    return failure();
  return expectSameType(*this, getResult(), "result", input, "input");
}

LogicalResult LinearOp::verify() {
  if (failed(expectWeight(*this, getWeight(), "weight", 2, "[out, in]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")))
    return failure();
  ArrayRef<int64_t> weight = getWeight().getType().getShape();
  ArrayRef<int64_t> input = getInput().getType().getShape();
  if (input.back() != weight[1])
    return emitOpError() << "'input' has " << input.back()
                         << " features but 'weight' " << getWeight().getType()
                         << " expects " << weight[1] << " (weight is [out, in])";
  if (getBias() &&
      failed(expectShape(*this, getBias(), "bias", "[out]", {weight[0]})))
    return failure();
  SmallVector<int64_t> expected(input.begin(), input.end());
  expected.back() = weight[0];
  return expectShape(*this, getResult(), "result", "[..., out]", expected);
}

LogicalResult HeadLinearOp::verify() {
  if (failed(expectWeight(*this, getWeight(), "weight", 2,
                          "[heads * block, cols]")) ||
      failed(expectRank(*this, getInput(), "input", 3, "[T, heads, in]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")) ||
      failed(expectPositive(*this, "block", int64_t(getBlock()))))
    return failure();
  ArrayRef<int64_t> input = getInput().getType().getShape();
  ArrayRef<int64_t> weight = getWeight().getType().getShape();
  ArrayRef<int64_t> result = getResult().getType().getShape();
  const int64_t heads = input[1], block = int64_t(getBlock()),
                offset = int64_t(getOffset());
  if (ShapedType::isDynamic(heads) || heads * block != weight[0])
    return emitOpError() << "'weight' " << getWeight().getType()
                         << " does not hold " << heads << " blocks of "
                         << block << " rows";
  if (result.size() != 3)
    return emitOpError() << "'result' must be [T, heads, out]";
  // The rows of each block used: `out` of them, or `in` when transposed.
  const int64_t rows = getTranspose() ? input[2] : result[2];
  const int64_t cols = getTranspose() ? result[2] : input[2];
  if (offset < 0 || offset + rows > block)
    return emitOpError() << "rows " << offset << " .. " << offset + rows
                         << " do not fit a block of " << block;
  if (cols != weight[1])
    return emitOpError() << "'weight' has " << weight[1] << " columns, "
                         << (getTranspose() ? "the result" : "the input")
                         << " needs " << cols;
  return expectShape(*this, getResult(), "result", "[T, heads, out]",
                     {input[0], heads, result[2]});
}

LogicalResult RopeOp::verify() {
  int64_t headDim = getHeadDim();
  if (failed(expectPositive(*this, "head_dim", headDim)) ||
      failed(expectRank(*this, getInput(), "input", 2,
                        "[T, heads * head_dim]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")))
    return failure();
  int64_t features = getInput().getType().getShape().back();
  if (features % headDim != 0)
    return emitOpError() << "'input' has " << features
                         << " features, not a multiple of head_dim "
                         << headDim;
  if (getRope().getRotaryDim() > headDim)
    return emitOpError() << "rope rotary_dim " << getRope().getRotaryDim()
                         << " exceeds head_dim " << headDim;
  return success();
}

LogicalResult Conv1dOp::verify() {
  if (failed(expectRank(*this, getInput(), "input", 2, "[T, channels]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")) ||
      failed(expectWeight(*this, getWeight(), "weight", 2, "[channels, width]")))
    return failure();
  int64_t channels = getInput().getType().getShape()[1];
  int64_t width = getWeight().getType().getShape()[1];
  if (failed(expectShape(*this, getWeight(), "weight", "[channels, width]",
                         {channels, width})))
    return failure();
  if (getBias() && failed(expectShape(*this, getBias(), "bias", "[channels]",
                                      {channels})))
    return failure();
  if (bool(getState()) != bool(getStateOut()))
    return emitOpError() << "a state operand and a state result go together";
  if (getCentered()) {
    // The window [t - (W - 1) / 2, t + (W - 1) / 2] is symmetric only for odd
    // widths; PyTorch's padding W // 2 makes even widths one token longer.
    if (width % 2 == 0)
      return emitOpError() << "a centered convolution needs an odd width, got "
                           << width;
    if (getState())
      return emitOpError() << "a centered convolution reads later tokens and "
                              "carries no state";
  }
  if (getState()) {
    if (width < 2)
      return emitOpError() << "a width-1 convolution has no state to carry";
    if (failed(expectShape(*this, getState(), "state",
                           "[width - 1, channels]", {width - 1, channels})) ||
        failed(expectSameType(*this, getStateOut(), "state_out", getState(),
                              "state")))
      return failure();
  }
  return expectSameType(*this, getResult(), "result", getInput(), "input");
}

LogicalResult ReverseOp::verify() {
  if (getInput().getType().getRank() == 0)
    return emitOpError() << "needs a token dimension to reverse, got "
                         << getInput().getType();
  return success();
}

/// `rhs` must have the element type of `lhs` and broadcast to its shape.
static LogicalResult verifyBroadcast(Operation *op, Value lhs, Value rhs) {
  RankedTensorType lhsType = tensorType(lhs), rhsType = tensorType(rhs);
  if (lhsType.getElementType() != rhsType.getElementType())
    return op->emitOpError() << "operands must have one element type, got "
                             << lhsType << " and " << rhsType;
  ArrayRef<int64_t> lhsShape = lhsType.getShape(), rhsShape = rhsType.getShape();
  bool ok = rhsShape.size() <= lhsShape.size();
  for (size_t i = 0; ok && i < rhsShape.size(); ++i) {
    int64_t r = rhsShape[rhsShape.size() - 1 - i];
    ok = r == 1 || dimsMatch(r, lhsShape[lhsShape.size() - 1 - i]);
  }
  if (ok)
    return success();
  return op->emitOpError() << "'rhs' " << rhsType
                           << " does not broadcast to 'lhs' " << lhsType
                           << ": aligned at the last dimension, each size "
                              "must match or be 1";
}

LogicalResult AddOp::verify() {
  return verifyBroadcast(*this, getLhs(), getRhs());
}
LogicalResult SubOp::verify() {
  return verifyBroadcast(*this, getLhs(), getRhs());
}
LogicalResult MulOp::verify() {
  return verifyBroadcast(*this, getLhs(), getRhs());
}
LogicalResult DivOp::verify() {
  return verifyBroadcast(*this, getLhs(), getRhs());
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "must keep the element type, got " << in
                         << " -> " << out;
  // Only a leading token dimension may be dynamic, and it is kept.
  auto features = [](RankedTensorType type, int64_t &count) {
    count = 1;
    for (int64_t i = 1; i < type.getRank(); ++i) {
      if (type.isDynamicDim(i))
        return false;
      count *= type.getDimSize(i);
    }
    return true;
  };
  if (in.getRank() == 0 || out.getRank() == 0)
    return emitOpError() << "needs ranked, non-scalar tensors, got " << in
                         << " -> " << out;
  if (in.hasStaticShape() && out.hasStaticShape()) {
    if (in.getNumElements() != out.getNumElements())
      return emitOpError() << "must keep the element count, got " << in
                           << " -> " << out;
    return success();
  }
  int64_t inCount = 0, outCount = 0;
  if (!features(in, inCount) || !features(out, outCount) ||
      !dimsMatch(in.getDimSize(0), out.getDimSize(0)) ||
      in.isDynamicDim(0) != out.isDynamicDim(0))
    return emitOpError() << "may only regroup static dimensions after a kept "
                            "token dimension, got "
                         << in << " -> " << out;
  if (inCount != outCount)
    return emitOpError() << "must keep the " << inCount
                         << " features per token, got " << in << " -> " << out;
  return success();
}

LogicalResult SliceOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  int64_t rank = in.getRank();
  int64_t dim = getDim() ? int64_t(*getDim()) : rank - 1;
  if (dim < 0 || dim >= rank)
    return emitOpError() << "dim " << dim << " is not a dimension of "
                         << in;
  if (out.getRank() != rank || in.isDynamicDim(dim) || out.isDynamicDim(dim))
    return emitOpError() << "slices static dimension " << dim << " of " << in
                         << " into a tensor of the same rank, got " << out;
  SmallVector<int64_t> expected(in.getShape());
  expected[dim] = out.getDimSize(dim);
  if (failed(expectShape(*this, getResult(), "result",
                         "the input's shape, shorter along dim", expected)))
    return failure();
  int64_t offset = int64_t(getOffset());
  int64_t size = out.getDimSize(dim), available = in.getDimSize(dim);
  if (offset < 0 || size <= 0 || offset + size > available)
    return emitOpError() << "range [" << offset << ", " << offset + size
                         << ") is outside the " << available
                         << " elements of dimension " << dim;
  return success();
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  bool ok = in.getRank() == out.getRank() &&
            in.getElementType() == out.getElementType();
  for (int64_t d = 0; ok && d < in.getRank(); ++d)
    ok = in.getDimSize(d) == 1 || dimsMatch(in.getDimSize(d), out.getDimSize(d));
  if (ok)
    return success();
  return emitOpError() << "can only expand size-1 dimensions, got " << in
                       << " -> " << out;
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  RankedTensorType first = tensorType(getInputs().front());
  int64_t total = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    RankedTensorType type = tensorType(input);
    if (failed(expectStaticLastDim(*this, input, "input")))
      return failure();
    bool ok = type.getRank() == first.getRank() &&
              type.getElementType() == first.getElementType();
    for (int64_t d = 0; ok && d + 1 < type.getRank(); ++d)
      ok = dimsMatch(type.getDimSize(d), first.getDimSize(d));
    if (!ok)
      return emitOpError() << "input #" << i << " " << type
                           << " must match input #0 " << first
                           << " in element type and all but the last "
                              "dimension";
    total += type.getShape().back();
  }
  SmallVector<int64_t> expected(first.getShape());
  expected.back() = total;
  return expectShape(*this, getResult(), "result",
                     "the inputs' shape with the summed last dimension",
                     expected);
}

LogicalResult TokenShiftOp::verify() {
  if (failed(expectRank(*this, getInput(), "input", 2, "[T, features]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")))
    return failure();
  int64_t features = getInput().getType().getShape()[1];
  if (bool(getState()) != bool(getStateOut()))
    return emitOpError() << "a state operand and a state result go together";
  if (getState() &&
      (failed(expectShape(*this, getState(), "state", "[1, features]",
                          {1, features})) ||
       failed(expectSameType(*this, getStateOut(), "state_out", getState(),
                             "state"))))
    return failure();
  return expectSameType(*this, getResult(), "result", getInput(), "input");
}

LogicalResult LogitsOp::verify() {
  if (failed(expectRank(*this, getInput(), "input", 2, "[T, hidden]")) ||
      failed(expectWeight(*this, getWeight(), "weight", 2, "[vocab, hidden]")))
    return failure();
  ArrayRef<int64_t> input = getInput().getType().getShape();
  ArrayRef<int64_t> weight = getWeight().getType().getShape();
  if (failed(expectShape(*this, getInput(), "input", "[T, hidden]",
                         {kDynamic, weight[1]})) ||
      failed(expectShape(*this, getResult(), "result", "[T, vocab]",
                         {input[0], weight[0]})))
    return failure();
  if (getSoftCap())
    return expectPositive(*this, "soft_cap", getSoftCap()->convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  int64_t heads = getNumHeads(), kvHeads = getNumKvHeads();
  int64_t headDim = getHeadDim(), vHeadDim = getValueHeadDim();
  if (failed(expectPositive(*this, "num_heads", heads)) ||
      failed(expectPositive(*this, "num_kv_heads", kvHeads)) ||
      failed(expectPositive(*this, "head_dim", headDim)) ||
      failed(expectPositive(*this, "v_head_dim", vHeadDim)))
    return failure();
  if (heads % kvHeads != 0)
    return emitOpError() << "num_heads " << heads
                         << " must be a multiple of num_kv_heads " << kvHeads;

  if (failed(expectRank(*this, getQ(), "q", 2, "[T, num_heads * head_dim]")))
    return failure();
  int64_t tokens = getQ().getType().getDimSize(0);
  if (failed(expectShape(*this, getQ(), "q", "[T, num_heads * head_dim]",
                         {tokens, heads * headDim})) ||
      failed(expectShape(*this, getK(), "k", "[T, num_kv_heads * head_dim]",
                         {tokens, kvHeads * headDim})) ||
      failed(expectShape(*this, getV(), "v", "[T, num_kv_heads * v_head_dim]",
                         {tokens, kvHeads * vHeadDim})) ||
      failed(expectShape(*this, getResult(), "result",
                         "[T, num_heads * v_head_dim]",
                         {tokens, heads * vHeadDim})))
    return failure();

  bool hasCache = getKCache() && getVCache() && getPosition();
  bool anyCache = getKCache() || getVCache() || getPosition();
  if (hasCache != anyCache)
    return emitOpError() << "k_cache, v_cache and position go together";
  if (getCachesOut().size() != (hasCache ? 2u : 0u))
    return emitOpError() << "returns " << getCachesOut().size()
                         << " updated caches; expected "
                         << (hasCache ? "2 (k and v) since caches are given"
                                      : "none since no caches are given");
  if (hasCache) {
    if (getMask() == AttentionMask::bidirectional)
      return emitOpError() << "bidirectional attention cannot use a KV cache: "
                              "later tokens would change earlier outputs";
    if (failed(expectRank(*this, getKCache(), "k_cache", 3,
                          "[num_kv_heads, capacity, head_dim]")))
      return failure();
    int64_t capacity = getKCache().getType().getDimSize(1);
    if (capacity <= 0)
      return emitOpError() << "KV cache capacity must be static and non-zero, got "
                           << getKCache().getType();
    if (failed(expectShape(*this, getKCache(), "k_cache",
                           "[num_kv_heads, capacity, head_dim]",
                           {kvHeads, capacity, headDim})) ||
        failed(expectShape(*this, getVCache(), "v_cache",
                           "[num_kv_heads, capacity, v_head_dim]",
                           {kvHeads, capacity, vHeadDim})) ||
        failed(expectSameType(*this, getKCacheOut(), "k_cache_out",
                              getKCache(), "k_cache")) ||
        failed(expectSameType(*this, getVCacheOut(), "v_cache_out",
                              getVCache(), "v_cache")))
      return failure();
    if (tokens != kDynamic && tokens > capacity)
      return emitOpError() << tokens << " tokens do not fit a KV cache of "
                           << capacity << " positions";
  }

  if (getWindow()) {
    if (failed(expectPositive(*this, "window", int64_t(*getWindow()))))
      return failure();
    if (getMask() == AttentionMask::bidirectional)
      return emitOpError() << "a sliding window needs causal masking";
  }
  if (getScale() &&
      failed(expectPositive(*this, "scale", getScale()->convertToDouble())))
    return failure();
  if (getSoftCap() &&
      failed(expectPositive(*this, "soft_cap", getSoftCap()->convertToDouble())))
    return failure();
  if (getRope() && getRope()->getRotaryDim() > headDim)
    return emitOpError() << "rope rotary_dim " << getRope()->getRotaryDim()
                         << " exceeds head_dim " << headDim;
  return success();
}

//===----------------------------------------------------------------------===//
// RouteOp
//===----------------------------------------------------------------------===//

LogicalResult RouteOp::verify() {
  if (failed(expectWeight(*this, getGate(), "gate", 2, "[experts, hidden]")))
    return failure();
  ArrayRef<int64_t> gate = getGate().getType().getShape();
  int64_t experts = gate[0];
  if (failed(expectRank(*this, getInput(), "input", 2, "[T, hidden]")) ||
      failed(expectShape(*this, getInput(), "input", "[T, hidden]",
                         {kDynamic, gate[1]})))
    return failure();
  if (getBias() &&
      failed(expectShape(*this, getBias(), "bias", "[experts]", {experts})))
    return failure();

  int64_t topK = getTopK();
  if (topK < 1 || topK > experts)
    return emitOpError() << "top_k must be in [1, " << experts
                         << "] (the number of experts), got " << topK;
  if (bool(getNGroup()) != bool(getTopkGroup()))
    return emitOpError() << "n_group and topk_group go together";
  if (getNGroup()) {
    int64_t groups = *getNGroup(), keptGroups = *getTopkGroup();
    if (groups < 1 || experts % groups != 0)
      return emitOpError() << "n_group " << groups << " must divide the "
                           << experts << " experts";
    if (keptGroups < 1 || keptGroups > groups)
      return emitOpError() << "topk_group must be in [1, " << groups
                           << "], got " << keptGroups;
    int64_t eligible = keptGroups * (experts / groups);
    if (topK > eligible)
      return emitOpError() << "top_k " << topK << " exceeds the " << eligible
                           << " experts in the best " << keptGroups
                           << " groups";
  }
  if (failed(expectPositive(*this, "scale", getScale().convertToDouble())))
    return failure();
  if (getCapacityFactor() &&
      failed(expectPositive(*this, "capacity_factor",
                            getCapacityFactor()->convertToDouble())))
    return failure();

  int64_t tokens = getInput().getType().getDimSize(0);
  if (failed(expectShape(*this, getIndices(), "indices", "[T, top_k]",
                         {tokens, topK})) ||
      failed(expectShape(*this, getWeights(), "weights", "[T, top_k]",
                         {tokens, topK})))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// ExpertOp
//===----------------------------------------------------------------------===//

LogicalResult ExpertOp::verify() {
  if (failed(expectRank(*this, getInput(), "input", 2, "[T, hidden]")) ||
      failed(expectStaticLastDim(*this, getInput(), "input")) ||
      failed(expectWeight(*this, getUp(), "up", 3, "[experts, ffn, hidden]")))
    return failure();
  int64_t tokens = getInput().getType().getDimSize(0);
  int64_t hidden = getInput().getType().getDimSize(1);
  ArrayRef<int64_t> up = getUp().getType().getShape();
  int64_t experts = up[0], ffn = up[1];

  if (failed(expectRank(*this, getIndices(), "indices", 2, "[T, top_k]")))
    return failure();
  int64_t topK = getIndices().getType().getDimSize(1);
  if (failed(expectShape(*this, getIndices(), "indices", "[T, top_k]",
                         {tokens, topK})) ||
      failed(expectShape(*this, getWeights(), "weights", "[T, top_k]",
                         {tokens, topK})) ||
      failed(expectShape(*this, getUp(), "up", "[experts, ffn, hidden]",
                         {experts, ffn, hidden})) ||
      failed(expectShape(*this, getDown(), "down", "[experts, hidden, ffn]",
                         {experts, hidden, ffn})))
    return failure();
  if (topK != kDynamic && topK > experts)
    return emitOpError() << "top_k " << topK << " exceeds the " << experts
                         << " experts";

  bool gated = isGated(getKind());
  if (gated && !getGate())
    return emitOpError() << "'" << stringifyFfnKind(getKind())
                         << "' experts need a gate(...) weight";
  if (!gated && getGate())
    return emitOpError() << "'" << stringifyFfnKind(getKind())
                         << "' experts take no gate weight; use swiglu or "
                            "geglu for gated experts";
  if (getGate() && failed(expectShape(*this, getGate(), "gate",
                                      "[experts, ffn, hidden]",
                                      {experts, ffn, hidden})))
    return failure();
  return expectSameType(*this, getResult(), "result", getInput(), "input");
}

//===----------------------------------------------------------------------===//
// ScanOp
//===----------------------------------------------------------------------===//

namespace {
/// Checks that the operand `name` is present exactly when `wanted`.
LogicalResult expectPresence(ScanOp op, Value value, StringRef name,
                             bool wanted, StringRef why) {
  if (bool(value) == wanted)
    return success();
  return op.emitOpError() << "variant '" << stringifyScanVariant(op.getVariant())
                          << "' " << (wanted ? "needs" : "takes no") << " '"
                          << name << "'" << why;
}
} // namespace

LogicalResult ScanOp::verify() {
  ScanVariant variant = getVariant();
  bool timeVaryingBC = variant != ScanVariant::lti;
  bool keyed = variant == ScanVariant::rwkv || variant == ScanVariant::delta;

  if (failed(expectRank(*this, getX(), "x", 3, "[T, H, P]")))
    return failure();
  ArrayRef<int64_t> x = getX().getType().getShape();
  int64_t tokens = x[0], heads = x[1], headDim = x[2];
  if (heads <= 0 || headDim <= 0)
    return emitOpError() << "'x' must have static, non-zero H and P, got "
                         << getX().getType();

  // b and c: [T, G, N] (time-varying) or [G, N] (lti).
  int64_t bcRank = timeVaryingBC ? 3 : 2;
  StringRef bcShape = timeVaryingBC ? "[T, G, N]" : "[G, N]";
  if (failed(expectRank(*this, getB(), "b", bcRank, bcShape)))
    return failure();
  ArrayRef<int64_t> b = getB().getType().getShape();
  int64_t groups = b[bcRank - 2], stateSize = b[bcRank - 1];
  if (groups <= 0 || stateSize <= 0)
    return emitOpError() << "'b' must have static, non-zero G and N, got "
                         << getB().getType();
  if (heads % groups != 0)
    return emitOpError() << "the " << heads
                         << " heads of 'x' must be a multiple of the "
                         << groups << " groups of 'b'";
  if (keyed && groups != heads)
    return emitOpError() << "variant '" << stringifyScanVariant(variant)
                         << "' needs one key per head: 'b' must be [T, H, N] "
                            "with H = "
                         << heads << ", got " << getB().getType();
  SmallVector<int64_t> bcExpected =
      timeVaryingBC ? SmallVector<int64_t>{tokens, groups, stateSize}
                    : SmallVector<int64_t>{groups, stateSize};
  if (failed(expectShape(*this, getB(), "b", bcShape, bcExpected)) ||
      failed(expectShape(*this, getC(), "c", bcShape, bcExpected)))
    return failure();

  // Discretization step dt.
  switch (variant) {
  case ScanVariant::selective:
    if (failed(expectPresence(*this, getDt(), "dt", true, "")) ||
        failed(expectShape(*this, getDt(), "dt", "[T, H, P]",
                           {tokens, heads, headDim})))
      return failure();
    break;
  case ScanVariant::ssd:
    if (failed(expectPresence(*this, getDt(), "dt", true, "")) ||
        failed(expectShape(*this, getDt(), "dt", "[T, H]", {tokens, heads})))
      return failure();
    break;
  case ScanVariant::lti:
    if (getDt() && failed(expectShape(*this, getDt(), "dt", "[H, P]",
                                      {heads, headDim})))
      return failure();
    break;
  case ScanVariant::rwkv:
  case ScanVariant::delta:
    if (failed(expectPresence(*this, getDt(), "dt", false,
                              ": its decay is given directly in log form")))
      return failure();
    break;
  }

  // Decay parameter a.
  switch (variant) {
  case ScanVariant::selective:
  case ScanVariant::lti:
    if (failed(expectShape(*this, getDecay(), "decay", "[H, P, N]",
                           {heads, headDim, stateSize})))
      return failure();
    break;
  case ScanVariant::ssd:
    if (failed(expectShape(*this, getDecay(), "decay", "[H]", {heads})))
      return failure();
    break;
  case ScanVariant::rwkv:
    // RWKV-5 decays are fixed per head, RWKV-6 decays depend on the token.
    if (getDecay().getType().getRank() == 2) {
      if (failed(expectShape(*this, getDecay(), "decay", "[H, N]",
                             {heads, stateSize})))
        return failure();
      break;
    }
    [[fallthrough]];
  case ScanVariant::delta:
    if (failed(expectShape(*this, getDecay(), "decay", "[T, H, N]",
                           {tokens, heads, stateSize})))
      return failure();
    break;
  }

  // Skip term, bonus and rank-1 update.
  if (getD()) {
    if (keyed)
      return emitOpError() << "variant '" << stringifyScanVariant(variant)
                           << "' has no skip term 'd'";
    int64_t rank = getD().getType().getRank();
    if (failed(rank == 1
                   ? expectShape(*this, getD(), "d", "[H]", {heads})
                   : expectShape(*this, getD(), "d", "[H, P]",
                                 {heads, headDim})))
      return failure();
  }
  if (failed(expectPresence(*this, getBonus(), "bonus",
                            variant == ScanVariant::rwkv,
                            variant == ScanVariant::rwkv
                                ? " ([H, N], the current-token bonus u)"
                                : "")))
    return failure();
  if (getBonus() && failed(expectShape(*this, getBonus(), "bonus", "[H, N]",
                                       {heads, stateSize})))
    return failure();
  if (failed(expectPresence(*this, getAlpha(), "rank1", variant == ScanVariant::delta,
                            variant == ScanVariant::delta
                                ? " (alpha, beta: [T, H, N] each)"
                                : "")))
    return failure();
  if (getAlpha() &&
      (failed(expectShape(*this, getAlpha(), "alpha", "[T, H, N]",
                          {tokens, heads, stateSize})) ||
       failed(expectShape(*this, getBeta(), "beta", "[T, H, N]",
                          {tokens, heads, stateSize}))))
    return failure();

  // State.
  if (bool(getState()) != bool(getStateOut()))
    return emitOpError() << "a state operand and a state result go together";
  if (getState()) {
    if (getDirection() == ScanDirection::bidirectional)
      return emitOpError() << "a bidirectional scan reads the whole sequence "
                              "and carries no state";
    if (failed(expectShape(*this, getState(), "state", "[H, P, N]",
                           {heads, headDim, stateSize})) ||
        failed(expectSameType(*this, getStateOut(), "state_out", getState(),
                              "state")))
      return failure();
  }
  return expectSameType(*this, getResult(), "result", getX(), "x");
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

SmallVector<Operation *> KernelOp::getComputeOps() {
  SmallVector<Operation *> ops;
  for (Operation &op : getBody().front())
    if (!isa<YieldOp, ConstantOp>(op))
      ops.push_back(&op);
  return ops;
}

LogicalResult KernelOp::verify() {
  if (getName().empty())
    return emitOpError() << "kernel name must not be empty";
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments for " << getInputs().size()
                         << " inputs";
  for (auto [i, input, arg] : llvm::enumerate(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError() << "body argument #" << i << " has type "
                           << arg.getType() << " but input #" << i << " is "
                           << input.getType();
  auto yield = body.empty() ? YieldOp() : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError() << "body must end with mgc.yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values of types (" << yield.getValues().getTypes()
                         << ") but the kernel returns ("
                         << getResultTypes() << ")";
  return success();
}

#define GET_OP_CLASSES
#include "ir/MgcOps.cpp.inc"

void MgcDialect::registerOps() {
  addOperations<
#define GET_OP_LIST
#include "ir/MgcOps.cpp.inc"
      >();
}
