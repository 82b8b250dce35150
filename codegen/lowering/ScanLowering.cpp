//===- ScanLowering.cpp - mgc.scan, conv1d, token_shift, reverse ----------===//
//
// The ops of recurrent mixers, each one kernel call: mgc.scan a scan kernel
// (ScanKernel.h), mgc.conv1d a convolution kernel (Conv1dKernel.h),
// mgc.token_shift and mgc.reverse a sequence kernel (SequenceKernel.h).
//
// What they carry from one call to the next (the scan's recurrent state, the
// convolution's last W - 1 tokens, the token shift's last token) is an
// mgc.state, updated in place as attention's KV caches are: the kernel's
// state result is bound to the state tensor its state operand reads, so the
// entry point's mgc.state_write finds the state's own value.
//
// A recurrent state that only scans read is stored entry-major, [N, H, P]
// instead of the op's [H, P, N], which lets a decode step load and store
// vectors of channels contiguously (ScanKernel.h, entryMajorState).
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

using namespace mlir;

namespace mgc {
namespace lowering {

namespace {

/// Whether every read of `state` feeds scans' state operands only, so its
/// layout is the scan kernels' business.
bool onlyScansRead(ModuleOp module, StateOp state) {
  bool only = true;
  module.walk([&](StateReadOp read) {
    if (!only || read.getState() != state.getSymName())
      return;
    for (OpOperand &use : read.getResult().getUses()) {
      auto kernel = dyn_cast<KernelOp>(use.getOwner());
      if (!kernel) {
        only = false;
        return;
      }
      Value inner =
          kernel.getBody().front().getArgument(use.getOperandNumber());
      for (OpOperand &innerUse : inner.getUses()) {
        auto scan = dyn_cast<ScanOp>(innerUse.getOwner());
        if (!scan || scan.getState() != inner)
          only = false;
      }
    }
  });
  return only;
}

/// The schedule a scan kernel is built with, derived from mgc-schedule's
/// [heads, channels] choice for the scan's shape (ScanKernel.h):
///
/// - a channels tile narrower than a head must be a whole number of
///   vectors x unroll: it is rounded down to one (unroll dropped when that
///   leaves less than a vector of unrolled lanes), or widened to the head;
/// - a tile of whole heads narrower than a vector (S4D and H3 have one
///   channel per head) takes enough heads to fill one;
/// - the scan runs in parallel over whichever of heads and channels has
///   more than one tile (a Mamba-1 scan is one head of many channels), and
///   serially when the work is a single tile.
KernelSchedule scanSchedule(const KernelSchedule &base, int64_t heads,
                            int64_t headDim) {
  KernelSchedule s = base;
  const int64_t vw = std::max<int64_t>(1, s.vectorWidth);
  int64_t channels = std::min(s.tiles[1], headDim);
  if (channels < headDim && channels % (vw * s.unroll) != 0) {
    if (channels < vw * s.unroll)
      s.unroll = 1;
    channels = std::max(vw, channels / (vw * s.unroll) * (vw * s.unroll));
    channels = std::min(channels, headDim);
  }
  int64_t headsTile = std::min(s.tiles[0], heads);
  if (channels == headDim)
    headsTile = std::min(heads, std::max(headsTile, (vw + headDim - 1) / headDim));
  s.tiles = {headsTile, channels};
  const int64_t headTiles = (heads + headsTile - 1) / headsTile;
  const int64_t channelTiles = (headDim + channels - 1) / channels;
  if (s.parallelDims.empty() || (headTiles < 2 && channelTiles < 2))
    s.parallelDims = {};
  else
    s.parallelDims = {headTiles >= channelTiles ? int64_t(0) : int64_t(1)};
  return s;
}

/// Tokens per chunk of Mamba-2's chunked prefill (SsdChunkScan.h). Per token
/// and head the chunked form adds 2 L P FLOPs of in-chunk products to the
/// 4 P N of the state's update and read-out, and passes over the [P, N]
/// state once per chunk instead of once per token. On a 2-core AVX-512
/// machine, a Mamba-2 of 24 layers, P = 64, N = 128 prefills 512 tokens at
/// 919, 946, 882 and 557 tokens/s with chunks of 16, 32, 64 and 128 (780
/// token by token).
constexpr int64_t kSsdChunkTokens = 32;

} // namespace

std::optional<Binding> Lowering::carriedState(KernelOp kernel, Value inner,
                                              Value stateOut, Operation *op) {
  Value outer = outerValue(kernel, inner);
  Binding *b = outer ? binding(outer) : nullptr;
  if (!b || b->kind != Binding::tensor ||
      entry->tensors[b->index].kind != TensorKind::state) {
    op->emitError() << "codegen needs the '" << op->getName().stripDialect()
                    << "' state operand to be an mgc.state value (updated in "
                       "place)";
    return std::nullopt;
  }
  auto yield = cast<YieldOp>(kernel.getBody().front().getTerminator());
  if (kernel.getNumResults() != 2 || yield.getValues()[0] != op->getResult(0) ||
      yield.getValues()[1] != stateOut) {
    kernel.emitError() << "codegen expects a '"
                       << op->getName().stripDialect()
                       << "' kernel to yield its result and its state";
    return std::nullopt;
  }
  return *b; // a copy: binding more values may move the map's entries
}

LogicalResult Lowering::lowerScan(KernelOp kernel, ScanOp op,
                                  const KernelSchedule &schedule) {
  auto xType = cast<RankedTensorType>(op.getX().getType());
  if (xType.getRank() != 3)
    return op.emitError() << "codegen supports scans of x [T, H, P] only";
  if (schedule.tiles.size() != 2)
    return kernel.emitError()
           << "a scan schedule needs two tiles [heads, channels]";
  ScanRequest r;
  r.variant = int(op.getVariant());
  r.direction = int(op.getDirection());
  std::vector<int64_t> xShape = planShape(xType);
  r.tokens = xShape[0];
  r.heads = xShape[1];
  r.headDim = xShape[2];
  auto bShape = cast<RankedTensorType>(op.getB().getType()).getShape();
  r.stateSize = bShape.back();
  r.groups = bShape[bShape.size() - 2];
  r.hasDt = bool(op.getDt());
  r.perTokenDecay =
      cast<RankedTensorType>(op.getDecay().getType()).getRank() == 3;
  if (Value d = op.getD()) // ScanKernelSpec::Skip perHead [H], perChannel [H, P]
    r.skip = cast<RankedTensorType>(d.getType()).getRank() == 1 ? 1 : 2;
  r.hasState = bool(op.getState());

  // Inputs in the op's operand order (absent ones left out), as the kernel
  // takes them.
  std::vector<PlanArg> args;
  for (Value operand : {op.getX(), op.getDt(), op.getDecay(), op.getB(),
                        op.getC(), op.getD(), op.getBonus(), op.getAlpha(),
                        op.getBeta()}) {
    if (!operand)
      continue;
    auto t = input(operand, op);
    if (!t)
      return failure();
    args.push_back(arg(*t));
  }
  std::optional<Binding> state;
  if (r.hasState) {
    state = carriedState(kernel, op.getState(), op.getStateOut(), op);
    if (!state)
      return failure();
    PlanTensor &tensor = entry->tensors[state->index];
    auto stateOp = dyn_cast_or_null<StateOp>(SymbolTable::lookupSymbolIn(
        module, StringAttr::get(module.getContext(),
                                out.plan.states[tensor.ref].name)));
    if (stateOp && onlyScansRead(module, stateOp)) {
      // [H, P, N] -> [N, H, P], in the plan and in every entry's tensors of
      // the state (the first scan to read it decides; later ones agree).
      const std::vector<int64_t> entryMajor = {r.stateSize, r.heads,
                                               r.headDim};
      out.plan.states[tensor.ref].shape = entryMajor;
      for (PlanEntry &e : out.plan.entries)
        for (PlanTensor &t : e.tensors)
          if (t.kind == TensorKind::state && t.ref == tensor.ref)
            t.shape = entryMajor;
      r.entryMajorState = true;
    }
    args.push_back(arg(state->index));
  }
  if (op.getVariant() == ScanVariant::ssd &&
      op.getDirection() == ScanDirection::forward &&
      r.tokens == kDynamicTokens)
    r.chunk = kSsdChunkTokens;
  KernelSchedule s = scanSchedule(schedule, r.heads, r.headDim);
  uint32_t fn = addKernel({"", kernel.getName().str(), r, s});
  args.push_back(arg(activation(kernel.getResult(0))));
  if (state) {
    args.push_back(arg(state->index));
    values[kernel.getResult(1)] = *state;
  }
  call(fn, args);
  return success();
}

LogicalResult Lowering::lowerConv1d(KernelOp kernel, Conv1dOp op,
                                    const KernelSchedule &schedule) {
  auto x = input(op.getInput(), op), w = input(op.getWeight(), op);
  if (!x || !w)
    return failure();
  std::vector<PlanArg> args = {arg(*x), arg(*w)};
  Conv1dRequest r;
  const std::vector<int64_t> xShape = entry->tensors[*x].shape;
  r.tokens = xShape[0];
  r.channels = xShape[1];
  r.width = entry->tensors[*w].shape[1];
  r.centered = op.getCentered();
  if (Value bias = op.getBias()) {
    auto b = input(bias, op);
    if (!b)
      return failure();
    r.hasBias = true;
    args.push_back(arg(*b));
  }
  std::optional<Binding> state;
  if (op.getState()) {
    state = carriedState(kernel, op.getState(), op.getStateOut(), op);
    if (!state)
      return failure();
    r.hasState = true;
    args.push_back(arg(state->index));
  }
  uint32_t fn = addKernel({"", kernel.getName().str(), r, schedule});
  args.push_back(arg(activation(kernel.getResult(0))));
  if (state) {
    args.push_back(arg(state->index));
    values[kernel.getResult(1)] = *state;
  }
  call(fn, args);
  return success();
}

LogicalResult Lowering::lowerSequence(KernelOp kernel, Operation *root,
                                      const KernelSchedule &schedule) {
  auto x = input(root->getOperand(0), root);
  if (!x)
    return failure();
  SequenceRequest r;
  r.kind = isa<TokenShiftOp>(root) ? 0 : 1;
  r.shape = entry->tensors[*x].shape;
  std::vector<PlanArg> args = {arg(*x)};
  std::optional<Binding> state;
  if (auto shift = dyn_cast<TokenShiftOp>(root); shift && shift.getState()) {
    state = carriedState(kernel, shift.getState(), shift.getStateOut(), root);
    if (!state)
      return failure();
    r.hasState = true;
    args.push_back(arg(state->index));
  }
  uint32_t fn = addKernel({"", kernel.getName().str(), r, schedule});
  args.push_back(arg(activation(kernel.getResult(0))));
  if (state) {
    args.push_back(arg(state->index));
    values[kernel.getResult(1)] = *state;
  }
  call(fn, args);
  return success();
}

} // namespace lowering
} // namespace mgc
