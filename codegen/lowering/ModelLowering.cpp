//===- ModelLowering.cpp - scheduled mgc IR to a plan and kernels ---------===//
//
// This file implements lowerModel: one pass over each entry point's ops in
// order, binding every SSA value to a plan tensor (or the position), turning
// each mgc.kernel's body op into kernel requests and calls, and assigning
// activations to arena slots by liveness.
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/ModelLowering.h"

#include "codegen/CallCosts.h"
#include "codegen/TargetDescription.h"
#include "codegen/lowering/Lowering.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace mgc {
namespace lowering {

RopeRequest ropeRequest(RopeAttr rope, int64_t tokens, int64_t features,
                        int64_t headDim) {
  RopeRequest r;
  r.tokens = tokens;
  r.features = features;
  r.headDim = headDim;
  r.rotaryDim = rope.getRotaryDim();
  r.style = int(rope.getStyle());
  r.scaling = int(rope.getScaling());
  r.theta = toDouble(rope.getTheta());
  r.factor = toDouble(rope.getFactor());
  r.originalContext = rope.getOriginalContext();
  r.lowFreqFactor = toDouble(rope.getLowFreqFactor());
  r.highFreqFactor = toDouble(rope.getHighFreqFactor());
  r.attentionFactor = toDouble(rope.getAttentionFactor());
  return r;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

uint32_t Lowering::addTensor(PlanTensor tensor) {
  entry->tensors.push_back(std::move(tensor));
  return uint32_t(entry->tensors.size() - 1);
}

Binding *Lowering::binding(Value value) {
  auto it = values.find(value);
  return it == values.end() ? nullptr : &it->second;
}

uint32_t Lowering::activation(Value result) {
  auto type = cast<RankedTensorType>(result.getType());
  uint32_t index = temporary(planShape(type), type.getElementType().isF32()
                                                  ? PlanType::f32
                                                  : PlanType::i32);
  values[result] = Binding{Binding::tensor, index, {}};
  return index;
}

uint32_t Lowering::temporary(const std::vector<int64_t> &shape,
                             PlanType type) {
  PlanTensor t;
  t.kind = TensorKind::activation;
  t.type = type;
  t.shape = shape;
  t.ref = slots.allocate(planElements(shape, 1));
  slotUsers[t.ref] = 1;
  return addTensor(std::move(t));
}

std::optional<uint32_t> Lowering::stateTensor(StringRef name, Operation *at) {
  auto state = dyn_cast_or_null<StateOp>(SymbolTable::lookupSymbolIn(
      module, StringAttr::get(module.getContext(), name)));
  if (!state) {
    at->emitError() << "no mgc.state named '" << name << "'";
    return std::nullopt;
  }
  auto it = stateByName.find(name.str());
  uint32_t index;
  if (it != stateByName.end()) {
    index = it->second;
  } else {
    PlanState s;
    s.name = name.str();
    s.shape = planShape(cast<RankedTensorType>(state.getType()));
    out.plan.states.push_back(s);
    index = uint32_t(out.plan.states.size() - 1);
    stateByName[s.name] = index;
    if (state.getKind() == StateKind::kv_cache && s.shape.size() == 3)
      out.plan.context = out.plan.context == 0
                             ? s.shape[1]
                             : std::min(out.plan.context, s.shape[1]);
  }
  auto [pos, inserted] = entryTensorOfState.try_emplace(index, 0);
  if (inserted) {
    PlanTensor t;
    t.kind = TensorKind::state;
    t.shape = out.plan.states[index].shape;
    t.ref = index;
    pos->second = addTensor(std::move(t));
  }
  return pos->second;
}

namespace {

/// The plan type of a weight element type: f32, f16 or bf16.
std::optional<PlanType> weightTypeOf(Type element) {
  if (element.isF32())
    return PlanType::f32;
  if (element.isF16())
    return PlanType::f16;
  if (element.isBF16())
    return PlanType::bf16;
  return std::nullopt;
}

/// The type a weight of `precision` is stored in for `layout`. Decode is
/// bound by reading the weights, so its rows stay in the model's precision
/// (half the bytes at 16 bits). The prefill GEMM is bound by multiply-adds,
/// and widening 16-bit panel values in its micro-kernel takes issue slots
/// from them (the 125M Llama with bf16 panels prefills 9-12 % slower on 1
/// thread, 4-9 % on 2), so its panels hold the same values widened to f32
/// at compile time. (f16 rows halve the bytes too, but their widening,
/// without F16C in Halide 14's x86 code, makes the 125M Llama decode at 59
/// tokens/s on 2 threads against 72 from f32 rows and 87 from bf16 ones.)
PlanType storedType(PlanType precision, WeightLayout layout) {
  return layout == WeightLayout::panels ? PlanType::f32 : precision;
}

} // namespace

Value outerValue(KernelOp kernel, Value inner) {
  auto arg = dyn_cast<BlockArgument>(inner);
  if (!arg || arg.getOwner() != &kernel.getBody().front())
    return {};
  return kernel.getInputs()[arg.getArgNumber()];
}

uint32_t Lowering::weightTensor(const std::string &key, PlanWeight weight,
                                PlanType precision,
                                const std::vector<int64_t> &sourceShape,
                                std::optional<double> splat) {
  auto it = weightByKey.find(key);
  uint32_t index;
  if (it != weightByKey.end()) {
    index = it->second;
  } else {
    out.plan.weights.push_back(std::move(weight));
    out.weightSourceShapes.push_back(sourceShape);
    out.weightSplats.push_back(splat);
    out.weightPrecisions.push_back(precision);
    index = uint32_t(out.plan.weights.size() - 1);
    weightByKey[key] = index;
  }
  auto [pos, inserted] = entryTensorOfWeight.try_emplace(index, 0);
  if (inserted) {
    PlanTensor t;
    t.kind = TensorKind::weight;
    t.type = out.plan.weights[index].type;
    t.shape = out.plan.weights[index].shape;
    t.ref = index;
    pos->second = addTensor(std::move(t));
  }
  return pos->second;
}

uint32_t Lowering::constantWeight(ConstantOp constant) {
  auto type = cast<RankedTensorType>(constant.getType());
  const double value = constant.getValue().convertToDouble();
  PlanWeight w;
  w.shape = planShape(type);
  char text[64];
  std::snprintf(text, sizeof(text), "%a", value);
  w.name = "mgc.constant " + std::string(text);
  for (int64_t d : w.shape)
    w.name += " " + std::to_string(d);
  return weightTensor(w.name, w, PlanType::f32, w.shape, value);
}

std::optional<uint32_t> Lowering::input(Value inner, Operation *at) {
  if (auto constant = inner.getDefiningOp<ConstantOp>())
    return constantWeight(constant);
  Value outer = outerValue(currentKernel, inner);
  Binding *b = outer ? binding(outer) : nullptr;
  if (b && b->kind == Binding::param)
    return weight(inner, WeightLayout::plain, 0, at);
  if (!b || b->kind != Binding::tensor) {
    at->emitError() << "codegen cannot bind this operand (a constant or "
                       "position where a tensor is expected)";
    return std::nullopt;
  }
  return b->index;
}

std::optional<uint32_t> Lowering::weight(Value inner, WeightLayout layout,
                                         int64_t panel, Operation *at) {
  Value outer = outerValue(currentKernel, inner);
  Binding *b = outer ? binding(outer) : nullptr;
  if (!b || b->kind != Binding::param) {
    at->emitError() << "codegen needs a weight (mgc.param) for this operand";
    return std::nullopt;
  }
  auto type = cast<RankedTensorType>(b->paramOp.getType());
  std::vector<int64_t> shape = planShape(type);
  std::string name = b->paramOp.getName().str();
  std::optional<PlanType> precision = weightTypeOf(type.getElementType());
  if (!precision) {
    at->emitError() << "codegen stores weights as f32, f16 or bf16, not "
                    << type.getElementType();
    return std::nullopt;
  }
  if (auto parts = b->paramOp.getParts()) {
    std::vector<std::pair<std::string, int64_t>> list;
    for (auto [part, rows] : llvm::zip(*parts, *b->paramOp.getPartRows()))
      list.emplace_back(cast<StringAttr>(part).getValue().str(), rows);
    auto [it, inserted] = out.weightParts.try_emplace(name, list);
    if (!inserted && it->second != list) {
      at->emitError() << "weight '" << name
                      << "' names two different concatenations of weights";
      return std::nullopt;
    }
  }
  PlanWeight w;
  w.type = storedType(*precision, layout);
  std::string key =
      name +
      (layout == WeightLayout::panels ? "#panels" + std::to_string(panel)
                                      : "#plain") +
      "#" + std::to_string(int(w.type));
  w.name = name;
  w.layout = layout;
  w.panel = layout == WeightLayout::panels ? panel : 0;
  w.shape = shape;
  if (layout == WeightLayout::panels) {
    // [..., N, K] -> [..., ceil(N / P), K, P]: every trailing matrix (each
    // expert's, for stacked expert weights) packed on its own.
    if (shape.size() < 2) {
      at->emitError() << "codegen packs only matrices into panels";
      return std::nullopt;
    }
    size_t rank = shape.size();
    w.shape.assign(shape.begin(), shape.end() - 2);
    w.shape.insert(w.shape.end(), {(shape[rank - 2] + panel - 1) / panel,
                                   shape[rank - 1], panel});
  }
  return weightTensor(key, w, *precision, shape, std::nullopt);
}

uint32_t Lowering::addKernel(KernelRequest request) {
  std::string key = request.key();
  auto it = kernelByKey.find(key);
  if (it != kernelByKey.end())
    return it->second;
  request.symbol = kernelSymbolForKey(key);
  out.plan.kernels.push_back({request.symbol, request.name});
  out.kernels.push_back(std::move(request));
  uint32_t index = uint32_t(out.kernels.size() - 1);
  kernelByKey[key] = index;
  return index;
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

KernelSchedule rowwiseSchedule(const KernelSchedule &base) {
  KernelSchedule s = base;
  s.unroll = 1;
  if (base.decode) {
    s.tiles = {1, 4 * base.vectorWidth};
    s.parallelDims = {};
    s.threads = 1;
  } else {
    s.tiles = {8, 4 * base.vectorWidth};
    s.parallelDims = {0};
  }
  return s;
}

LogicalResult matchLinearEpilogue(KernelOp kernel, ArrayRef<Operation *> ops,
                                  LinearEpilogue &epilogue) {
  auto unsupported = [&]() {
    return kernel.emitError()
           << "codegen supports kernels of one op, or an mgc.linear followed "
              "by an activation and/or a residual add of its result "
              "(mgc-fuse-epilogues); this one holds "
           << ops.size() << " ops";
  };
  if (!isa<LinearOp>(ops.front()))
    return unsupported();
  Value last = ops.front()->getResult(0);
  for (Operation *op : ops.drop_front()) {
    if (auto act = dyn_cast<ActivationOp>(op);
        act && act.getInput() == last && epilogue.empty()) {
      epilogue.activation = int(act.getKind());
    } else if (auto add = dyn_cast<AddOp>(op);
               add && !epilogue.residual &&
               (add.getLhs() == last) != (add.getRhs() == last) &&
               add.getLhs().getType() == add.getRhs().getType()) {
      epilogue.residual = add.getLhs() == last ? add.getRhs() : add.getLhs();
    } else {
      return unsupported();
    }
    last = op->getResult(0);
  }
  auto yield = cast<YieldOp>(kernel.getBody().front().getTerminator());
  if (yield.getValues().size() != 1 || yield.getValues()[0] != last)
    return unsupported();
  return success();
}

LogicalResult Lowering::lowerKernel(KernelOp kernel) {
  currentKernel = kernel;
  auto scheduleAttr = kernel.getScheduleAttr();
  if (!scheduleAttr)
    return kernel.emitError()
           << "kernel has no #mgc.schedule; run mgc-schedule before codegen";
  KernelSchedule schedule;
  schedule.decode = scheduleAttr.getPhase() == Phase::decode;
  schedule.tiles.assign(scheduleAttr.getTiles().begin(),
                        scheduleAttr.getTiles().end());
  schedule.vectorWidth = scheduleAttr.getVectorWidth();
  schedule.unroll = scheduleAttr.getUnroll();
  schedule.parallelDims.assign(scheduleAttr.getParallelDims().begin(),
                               scheduleAttr.getParallelDims().end());
  schedule.threads = scheduleAttr.getThreads();
  schedule.halideTarget = out.halideTarget;

  // The compute ops of the body (constants are their operands, bound as
  // constant weights): one op, or a product with a fused epilogue, lowered
  // as the product.
  SmallVector<Operation *> ops = kernel.getComputeOps();
  if (ops.empty())
    return kernel.emitError() << "kernel has no op";
  Operation *root = ops.front();
  LinearEpilogue epilogue;
  if (ops.size() > 1 && failed(matchLinearEpilogue(kernel, ops, epilogue)))
    return failure();
  if (!isa<EmbedOp, NormOp, LinearOp, LogitsOp, ActivationOp, AddOp, SubOp,
           MulOp, DivOp, RopeOp, AttentionOp, RouteOp, ExpertOp, ReshapeOp, SliceOp,
           ConcatOp, BroadcastOp, HeadLinearOp, ScanOp, Conv1dOp,
           TokenShiftOp, ReverseOp>(root))
    return root->emitError()
           << "codegen does not support '" << root->getName().getStringRef()
           << "' yet; supported: embed, norm, linear, logits, activation, "
              "add, sub, mul, rope, attention, route, expert, reshape, slice, "
              "concat, broadcast, head_linear, scan, conv1d, token_shift, "
              "reverse";
  for (Type type : root->getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    bool routeIndices = isa<RouteOp>(root) && tensor &&
                        tensor == root->getResult(0).getType() &&
                        tensor.getElementType().isInteger(32);
    if (!tensor || (!tensor.getElementType().isF32() && !routeIndices))
      return root->emitError() << "codegen supports f32 activations only";
  }
  currentOp = root->getName().stripDialect().str();
  if (auto route = dyn_cast<RouteOp>(root))
    return lowerRoute(kernel, route, schedule);
  if (auto expert = dyn_cast<ExpertOp>(root))
    return lowerExpert(kernel, expert, schedule);
  if (isa<ReshapeOp, SliceOp, ConcatOp, BroadcastOp>(root))
    return lowerLayout(kernel, root, schedule);
  if (auto scan = dyn_cast<ScanOp>(root))
    return lowerScan(kernel, scan, schedule);
  if (auto conv = dyn_cast<Conv1dOp>(root))
    return lowerConv1d(kernel, conv, schedule);
  if (auto linear = dyn_cast<LinearOp>(root); linear && needsRowsLinear(linear)) {
    if (!epilogue.empty())
      return kernel.emitError() << "codegen fuses epilogues only into "
                                   "products of [T, K] inputs by a weight";
    return lowerRowsLinear(kernel, linear, schedule);
  }
  if (isa<TokenShiftOp, ReverseOp>(root))
    return lowerSequence(kernel, root, schedule);
  std::string name = kernel.getName().str();
  auto request = [&](KernelParams params, const KernelSchedule &s,
                     const std::string &suffix = "") {
    return addKernel({"", name + suffix, std::move(params), s});
  };
  auto resultShape = [&](unsigned i = 0) {
    return planShape(cast<RankedTensorType>(root->getResult(i).getType()));
  };
  // Binds the kernel's results as activations, after its inputs are read
  // (so a result never shares a slot with an input).
  auto bindResult = [&]() { return activation(kernel.getResult(0)); };

  if (auto op = dyn_cast<EmbedOp>(root)) {
    auto tokens = input(op.getTokens(), op);
    auto table = weight(op.getTable(), WeightLayout::plain, 0, op);
    if (!tokens || !table)
      return failure();
    std::vector<int64_t> shape = resultShape();
    EmbedRequest r;
    r.tableType = entry->tensors[*table].type;
    r.vocab = entry->tensors[*table].shape[0];
    r.hidden = shape[1];
    r.tokens = shape[0];
    uint32_t k = request(r, schedule);
    call(k, {arg(*tokens), arg(*table), arg(bindResult())});
    return success();
  }
  if (auto op = dyn_cast<NormOp>(root)) {
    auto x = input(op.getInput(), op);
    if (!x)
      return failure();
    NormRequest r;
    r.layer = op.getKind() == NormKind::layer;
    r.shape = resultShape();
    r.eps = op.getEps().convertToDouble();
    std::vector<PlanArg> args = {arg(*x)};
    for (Value param : {op.getWeight(), op.getBias()}) {
      if (!param)
        continue;
      auto w = input(param, op);
      if (!w)
        return failure();
      (param == op.getWeight() ? r.weightShape : r.biasShape) =
          entry->tensors[*w].shape;
      args.push_back(arg(*w));
    }
    uint32_t k = request(r, schedule);
    args.push_back(arg(bindResult()));
    call(k, args);
    return success();
  }
  if (isa<LinearOp, LogitsOp>(root)) {
    Value x = root->getOperand(0), w = root->getOperand(1);
    Value bias = isa<LinearOp>(root) ? cast<LinearOp>(root).getBias() : Value();
    if (auto logits = dyn_cast<LogitsOp>(root); logits && logits.getSoftCap())
      return root->emitError()
             << "codegen does not support logits soft-capping yet";
    if (cast<RankedTensorType>(x.getType()).getRank() != 2)
      return root->emitError()
             << "codegen supports linear ops on [T, K] inputs only";
    auto xt = input(x, root);
    std::optional<uint32_t> bt;
    if (bias && !(bt = input(bias, root)))
      return failure();
    if (!xt)
      return failure();
    std::optional<PlanArg> biasArg;
    if (bt)
      biasArg = arg(*bt);
    std::optional<PlanArg> residualArg;
    if (epilogue.residual) {
      std::optional<uint32_t> rt = input(epilogue.residual, root);
      if (!rt)
        return failure();
      residualArg = arg(*rt);
    }
    if (!matmul(w, arg(*xt), biasArg, arg(bindResult()), ArgKind::tensor,
                schedule, "", root, epilogue.activation, residualArg))
      return failure();
    return success();
  }
  if (auto op = dyn_cast<HeadLinearOp>(root)) {
    auto x = input(op.getInput(), op);
    auto w = input(op.getWeight(), op);
    if (!x || !w)
      return failure();
    std::vector<int64_t> shape = resultShape();
    HeadLinearRequest r;
    r.tokens = shape[0];
    r.heads = shape[1];
    r.in = entry->tensors[*x].shape[2];
    r.out = shape[2];
    r.block = int64_t(op.getBlock());
    r.offset = int64_t(op.getOffset());
    r.columns = entry->tensors[*w].shape[1];
    r.transpose = op.getTranspose();
    uint32_t k = request(r, rowwiseSchedule(schedule));
    call(k, {arg(*x), arg(*w), arg(bindResult())});
    return success();
  }
  if (auto op = dyn_cast<ActivationOp>(root)) {
    auto x = input(op.getInput(), op);
    if (!x)
      return failure();
    ElementwiseRequest r;
    r.shape = resultShape();
    r.activation = int(op.getKind());
    uint32_t k = request(r, schedule);
    call(k, {arg(*x), arg(bindResult())});
    return success();
  }
  if (isa<AddOp, SubOp, MulOp, DivOp>(root)) {
    auto lhs = input(root->getOperand(0), root);
    auto rhs = input(root->getOperand(1), root);
    if (!lhs || !rhs)
      return failure();
    ElementwiseRequest r;
    r.shape = resultShape();
    if (entry->tensors[*lhs].shape != r.shape)
      return root->emitError()
             << "codegen needs the left operand in the result's shape";
    // ElementwiseKernelSpec::Binary's order.
    r.binary = isa<AddOp>(root)   ? 0
               : isa<SubOp>(root) ? 1
               : isa<MulOp>(root) ? 2
                                  : 3;
    r.rhsShape = entry->tensors[*rhs].shape;
    uint32_t k = request(r, schedule);
    call(k, {arg(*lhs), arg(*rhs), arg(bindResult())});
    return success();
  }
  if (auto op = dyn_cast<RopeOp>(root)) {
    auto x = input(op.getInput(), op);
    if (!x)
      return failure();
    Binding *pos = binding(outerValue(kernel, op.getPosition()));
    if (!pos || pos->kind != Binding::position)
      return op.emitError() << "codegen needs the entry point's position";
    RopeAttr rope = op.getRope();
    std::vector<int64_t> shape = resultShape();
    if (shape.size() != 2)
      return op.emitError() << "codegen supports RoPE on [T, features] only";
    RopeRequest r =
        ropeRequest(rope, shape[0], shape[1], int64_t(op.getHeadDim()));
    uint32_t k = request(r, schedule);
    call(k, {arg(*x), positionArg(), arg(bindResult())});
    return success();
  }
  return lowerAttention(kernel, cast<AttentionOp>(root), schedule);
}

std::optional<uint32_t>
Lowering::matmul(Value w, PlanArg x, std::optional<PlanArg> bias, PlanArg y,
                 ArgKind wKind, const KernelSchedule &schedule,
                 const std::string &suffix, Operation *at, int activation,
                 std::optional<PlanArg> residual) {
  // The matrix is the last two dimensions ([E, N, K] stacked per expert).
  auto wType = cast<RankedTensorType>(w.getType());
  if (wType.getRank() != (wKind == ArgKind::expertSlice ? 3 : 2)) {
    at->emitError() << "codegen supports linear ops with [N, K] weights only";
    return std::nullopt;
  }
  LinearRequest r;
  r.N = wType.getShape()[wType.getRank() - 2];
  r.K = wType.getShape().back();
  r.hasBias = bias.has_value();
  // Prefill reads panels; so does decode for f32 weights (the same copy:
  // streaming a panel is as fast as streaming rows). 16-bit weights are read
  // as rows in decode, where they stay 16-bit (panels are widened to f32).
  const bool panels = !schedule.decode || wType.getElementType().isF32();
  if (panels) {
    if (schedule.tiles.size() != 2) {
      currentKernel.emitError() << "linear schedule needs two tiles";
      return std::nullopt;
    }
    r.panel = schedule.tiles[1];
  }
  auto wt = weight(w, panels ? WeightLayout::panels : WeightLayout::plain,
                   r.panel, at);
  if (!wt)
    return std::nullopt;
  r.weightType = entry->tensors[*wt].type;
  r.bf16Activations = isa<BFloat16Type>(wType.getElementType()) &&
                      hasBf16DotProducts(schedule.halideTarget);
  r.activation = activation;
  r.hasResidual = residual.has_value();
  std::vector<PlanArg> args = {x, {wKind, *wt}};
  if (bias)
    args.push_back(*bias);
  if (residual)
    args.push_back(*residual);
  args.push_back(y);
  uint32_t k = addKernel(
      {"", currentKernel.getName().str() + suffix, r, schedule});
  call(k, args, suffix);
  return k;
}

LogicalResult Lowering::lowerAttention(KernelOp kernel, AttentionOp op,
                                       const KernelSchedule &schedule) {
  auto q = input(op.getQ(), op), k = input(op.getK(), op),
       v = input(op.getV(), op);
  if (!q || !k || !v)
    return failure();
  const bool cached = bool(op.getKCache());
  if (cached || op.getRope()) {
    Binding *pos = binding(outerValue(kernel, op.getPosition()));
    if (op.getRope() && !cached)
      return op.emitError() << "codegen supports rotary attention only with a "
                               "KV cache (it needs a position)";
    if (!pos || pos->kind != Binding::position)
      return op.emitError() << "codegen needs the entry point's position";
  }
  std::vector<int64_t> qShape = entry->tensors[*q].shape,
                       kShape = entry->tensors[*k].shape;
  AttentionRequest r;
  r.causal = op.getMask() == AttentionMask::causal;
  r.tokens = qShape[0];
  r.numHeads = int64_t(op.getNumHeads());
  r.numKvHeads = int64_t(op.getNumKvHeads());
  r.headDim = int64_t(op.getHeadDim());
  r.valueHeadDim = op.getValueHeadDim();
  r.window = op.getWindow() ? int64_t(*op.getWindow()) : 0;
  r.scale = op.getScale() ? op.getScale()->convertToDouble() : 0.0;
  r.softCap = op.getSoftCap() ? op.getSoftCap()->convertToDouble() : 0.0;
  const std::string name = kernel.getName().str();

  // RoPE on q and k first, into temporaries; k is cached rotated.
  std::vector<uint32_t> temporaries;
  if (std::optional<RopeAttr> rope = op.getRope()) {
    KernelSchedule rowwise = rowwiseSchedule(schedule);
    for (uint32_t *t : {&*q, &*k}) {
      const std::vector<int64_t> shape = entry->tensors[*t].shape;
      RopeRequest rr = ropeRequest(*rope, shape[0], shape[1], r.headDim);
      uint32_t fn = addKernel(
          {"", name + (t == &*q ? ".rope_q" : ".rope_k"), rr, rowwise});
      uint32_t rotated = temporary(shape);
      temporaries.push_back(rotated);
      call(fn, {arg(*t), positionArg(), arg(rotated)},
           t == &*q ? ".rope_q" : ".rope_k");
      *t = rotated;
    }
  }

  if (!cached) {
    uint32_t fn = addKernel({"", name, r, schedule});
    call(fn, {arg(*q), arg(*k), arg(*v), arg(activation(kernel.getResult(0)))});
  } else {
    // The caches must be states, updated in place: the kernel's cache
    // results are the same state tensors. (Bindings are copied: adding
    // values below may move the map's entries.)
    Value kIn = outerValue(kernel, op.getKCache()),
          vIn = outerValue(kernel, op.getVCache());
    Binding *kb = kIn ? binding(kIn) : nullptr;
    Binding *vb = vIn ? binding(vIn) : nullptr;
    if (!kb || !vb || kb->kind != Binding::tensor ||
        vb->kind != Binding::tensor ||
        entry->tensors[kb->index].kind != TensorKind::state ||
        entry->tensors[vb->index].kind != TensorKind::state)
      return op.emitError()
             << "codegen needs the KV caches to be mgc.state values";
    const Binding kCache = *kb, vCache = *vb;
    r.capacity = entry->tensors[kCache.index].shape[1];
    AttentionRequest append = r;
    append.append = true;
    uint32_t appendFn = addKernel({"", name + ".append", append, schedule});
    call(appendFn,
         {arg(*k),
          arg(*v),
          positionArg(),
          {ArgKind::stateRows, kCache.index},
          {ArgKind::stateRows, vCache.index}},
         ".append");
    uint32_t fn = addKernel({"", name, r, schedule});
    uint32_t result = activation(kernel.getResult(0));
    call(fn, {arg(*q), arg(kCache.index), arg(vCache.index), positionArg(),
              arg(result)});
    auto yield = cast<YieldOp>(kernel.getBody().front().getTerminator());
    if (kernel.getNumResults() != 3 ||
        yield.getValues()[1] != op.getKCacheOut() ||
        yield.getValues()[2] != op.getVCacheOut())
      return kernel.emitError() << "codegen expects an attention kernel to "
                                   "yield the result and both caches";
    values[kernel.getResult(1)] = kCache;
    values[kernel.getResult(2)] = vCache;
  }
  for (uint32_t t : temporaries)
    release(t);
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerEntry(func::FuncOp func) {
  out.plan.entries.emplace_back();
  entry = &out.plan.entries.back();
  entry->name = func.getName().str();
  values.clear();
  entryTensorOfWeight.clear();
  entryTensorOfState.clear();
  slots = SlotAllocator();
  slotUsers.clear();

  // Arguments: the token ids and the position.
  bool haveTokens = false;
  for (BlockArgument a : func.getArguments()) {
    if (isa<IndexType>(a.getType())) {
      values[a] = Binding{Binding::position, 0, {}};
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(a.getType());
    if (!type || type.getRank() != 1 || !type.getElementType().isInteger(32) ||
        haveTokens)
      return func.emitError() << "codegen expects entry points taking token "
                                 "ids (tensor<?xi32>) and a position (index)";
    haveTokens = true;
    PlanTensor t;
    t.kind = TensorKind::tokens;
    t.type = PlanType::i32;
    t.shape = planShape(type);
    entry->tokens = t.shape[0];
    entry->input = addTensor(std::move(t));
    values[a] = Binding{Binding::tensor, entry->input, {}};
  }
  if (!haveTokens)
    return func.emitError() << "entry point has no token ids argument";

  // Last use of every value, by op index in the body.
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, unsigned> index;
  llvm::DenseMap<Value, unsigned> lastUse;
  unsigned n = 0;
  for (Operation &op : body) {
    index[&op] = n;
    for (Value operand : op.getOperands())
      lastUse[operand] = n;
    ++n;
  }
  auto releaseDead = [&](Operation &op) {
    unsigned i = index[&op];
    auto release = [&](Value v) {
      Binding *b = binding(v);
      auto it = lastUse.find(v);
      if (!b || b->kind != Binding::tensor ||
          (it != lastUse.end() && it->second > i))
        return;
      PlanTensor &t = entry->tensors[b->index];
      if (t.kind == TensorKind::activation && b->index != entry->logits)
        releaseSlot(t.ref);
    };
    llvm::SmallPtrSet<void *, 8> released; // an operand may repeat
    for (Value v : op.getOperands())
      if (lastUse[v] == i && released.insert(v.getAsOpaquePointer()).second)
        release(v);
    for (Value v : op.getResults())
      if (!lastUse.count(v))
        release(v);
  };

  bool returned = false;
  for (Operation &op : body) {
    if (auto param = dyn_cast<ParamOp>(op)) {
      values[param.getResult()] = Binding{Binding::param, 0, param};
    } else if (auto read = dyn_cast<StateReadOp>(op)) {
      std::optional<uint32_t> t = stateTensor(read.getState(), read);
      if (!t)
        return failure();
      values[read.getResult()] = Binding{Binding::tensor, *t, {}};
    } else if (auto write = dyn_cast<StateWriteOp>(op)) {
      Binding *b = binding(write.getValue());
      auto it = stateByName.find(write.getState().str());
      if (!b || b->kind != Binding::tensor || it == stateByName.end() ||
          entry->tensors[b->index].kind != TensorKind::state ||
          entry->tensors[b->index].ref != it->second)
        return write.emitError()
               << "codegen supports state writes of the state's own updated "
                  "value only (caches updated in place)";
    } else if (auto kernel = dyn_cast<KernelOp>(op)) {
      if (failed(lowerKernel(kernel)))
        return failure();
    } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      Binding *b =
          ret.getNumOperands() == 1 ? binding(ret.getOperand(0)) : nullptr;
      if (!b || b->kind != Binding::tensor ||
          entry->tensors[b->index].kind != TensorKind::activation)
        return ret.emitError() << "codegen expects an entry point to return "
                                  "the logits of a kernel";
      entry->logits = b->index;
      const std::vector<int64_t> &shape = entry->tensors[b->index].shape;
      if (shape.size() != 2)
        return ret.emitError() << "logits must be [T, vocab]";
      if (out.plan.vocab != 0 && out.plan.vocab != shape[1])
        return ret.emitError() << "entry points disagree on the vocabulary";
      out.plan.vocab = shape[1];
      markLastRowCall();
      returned = true;
    } else if (isa<ConstantOp>(op) && op.use_empty()) {
      continue;
    } else {
      return op.emitError()
             << "codegen does not support '" << op.getName().getStringRef()
             << "' outside a kernel (run mgc-outline-kernels)";
    }
    releaseDead(op);
  }
  if (!returned)
    return func.emitError() << "entry point returns nothing";
  entry->slots = slots.count();
  return success();
}

LogicalResult Lowering::run() {
  auto target = dyn_cast_or_null<TargetAttr>(
      module->getAttr(MgcDialect::kTargetAttrName));
  if (!target)
    return module.emitError()
           << "codegen needs the module's '" << MgcDialect::kTargetAttrName
           << "' attribute; run mgc-set-target first";
  out.targetName = target.getIsa().str();
  out.halideTarget = target.getHalide().str();
  out.plan.model = module.getSymName() ? module.getSymName()->str() : "model";
  // Entry points in a fixed order: prefill first.
  std::vector<func::FuncOp> funcs;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      funcs.push_back(func);
  std::stable_sort(
      funcs.begin(), funcs.end(), [](func::FuncOp a, func::FuncOp b) {
        return a.getName() == "prefill" && b.getName() != "prefill";
      });
  if (funcs.empty())
    return module.emitError() << "the module has no entry points";
  for (func::FuncOp func : funcs)
    if (failed(lowerEntry(func)))
      return failure();
  return success();
}

} // namespace lowering

LogicalResult lowerModel(ModuleOp module, LoweredModel &out) {
  out = LoweredModel();
  if (failed(lowering::Lowering(module, out).run()))
    return failure();
  lowering::describeCalls(module, out);
  estimateCallCosts(out);
  return success();
}

} // namespace mgc
