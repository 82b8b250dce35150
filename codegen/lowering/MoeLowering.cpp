//===- MoeLowering.cpp - mgc.route and mgc.expert to kernels and steps ----===//
//
// A route kernel becomes the router projection, the selection kernel and,
// with a capacity factor, the runtime's capacity step. An expert kernel
// becomes the runtime's dispatch (routes grouped by expert), an expert loop
// whose body gathers the expert's tokens and runs its FFN on them with that
// expert's weights only, and the kernel that sums each token's expert
// outputs with their routing weights (MoeKernels.h, Plan.h CallKind).
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

using namespace mlir;

namespace mgc {
namespace lowering {

LogicalResult Lowering::lowerRoute(KernelOp kernel, RouteOp op,
                                   const KernelSchedule &schedule) {
  auto yield = cast<YieldOp>(kernel.getBody().front().getTerminator());
  if (kernel.getNumResults() != 2 ||
      yield.getValues()[0] != op.getIndices() ||
      yield.getValues()[1] != op.getWeights())
    return kernel.emitError()
           << "codegen expects a route kernel to yield its indices and "
              "weights";
  auto x = input(op.getInput(), op);
  if (!x)
    return failure();
  std::optional<uint32_t> bias;
  if (op.getBias() && !(bias = input(op.getBias(), op)))
    return failure();
  const std::vector<int64_t> xShape = entry->tensors[*x].shape;
  auto gateType = cast<RankedTensorType>(op.getGate().getType());
  const int64_t experts = gateType.getShape()[0];
  const int64_t topK = int64_t(op.getTopK());

  // The router's logits, [T, E].
  uint32_t scores = temporary({xShape[0], experts});
  if (!matmul(op.getGate(), arg(*x), std::nullopt, arg(scores),
              ArgKind::tensor, schedule, ".scores", op))
    return failure();

  RouteSelectRequest r;
  r.scoring = int(op.getScoring());
  r.tokens = xShape[0];
  r.experts = experts;
  r.topK = topK;
  r.bias = bias.has_value();
  r.normalize = op.getNormalize();
  r.scale = op.getScale().convertToDouble();
  r.groups = op.getNGroup() ? int64_t(*op.getNGroup()) : 0;
  r.topkGroups = op.getTopkGroup() ? int64_t(*op.getTopkGroup()) : 0;
  uint32_t select = addKernel({"", kernel.getName().str() + ".select", r,
                               rowwiseSchedule(schedule)});
  std::vector<PlanArg> args = {arg(scores)};
  if (bias)
    args.push_back(arg(*bias));
  uint32_t indices = activation(kernel.getResult(0));
  uint32_t weights = activation(kernel.getResult(1));
  args.push_back(arg(indices));
  args.push_back(arg(weights));
  call(select, args, ".select");
  release(scores);

  if (std::optional<APFloat> factor = op.getCapacityFactor()) {
    PlanCall &c =
        step(CallKind::capacity, {arg(indices), arg(weights)}, ".capacity");
    c.experts = experts;
    c.factor = factor->convertToDouble();
  }
  return success();
}

LogicalResult Lowering::lowerExpert(KernelOp kernel, ExpertOp op,
                                    const KernelSchedule &schedule) {
  auto x = input(op.getInput(), op);
  auto indices = input(op.getIndices(), op);
  auto weights = input(op.getWeights(), op);
  if (!x || !indices || !weights)
    return failure();
  const std::vector<int64_t> xShape = entry->tensors[*x].shape;
  const std::vector<int64_t> routeShape = entry->tensors[*indices].shape;
  auto upType = cast<RankedTensorType>(op.getUp().getType());
  const int64_t experts = upType.getShape()[0], ffn = upType.getShape()[1];
  const int64_t hidden = xShape[1], topK = routeShape[1];
  // One row per route: top_k per token (a token multiple when T is
  // dynamic, which kTokensExtent * topK expresses).
  const int64_t routes = routeShape[0] * topK;
  const bool gated = ExpertOp::isGated(op.getKind());
  const KernelSchedule rowwise = rowwiseSchedule(schedule);
  const std::string name = kernel.getName().str();

  // Group the routes by expert.
  uint32_t rows = temporary({routes}, PlanType::i32);
  uint32_t slots = temporary(routeShape, PlanType::i32);
  uint32_t offsets = temporary({experts + 1}, PlanType::i32);
  step(CallKind::dispatch,
       {arg(*indices), arg(*weights), arg(rows), arg(slots), arg(offsets)},
       ".dispatch")
      .experts = experts;

  // Each expert with routes runs its FFN on its rows of these.
  uint32_t xs = temporary({routes, hidden});
  uint32_t up = temporary({routes, ffn});
  uint32_t gate = gated ? temporary({routes, ffn}) : 0;
  uint32_t act = temporary({routes, ffn});
  uint32_t ys = temporary({routes, hidden});
  auto rowsOf = [](uint32_t tensor) {
    return PlanArg{ArgKind::expertRows, tensor};
  };
  size_t loop = entry->calls.size();
  step(CallKind::expertLoop, {arg(offsets)}, ".experts");

  uint32_t gather = addKernel(
      {"", name + ".gather", GatherRowsRequest{hidden}, rowwise});
  call(gather, {arg(*x), rowsOf(rows), rowsOf(xs)}, ".gather");
  if (gated && !matmul(op.getGate(), rowsOf(xs), std::nullopt, rowsOf(gate),
                       ArgKind::expertSlice, schedule, ".gate", op))
    return failure();
  if (!matmul(op.getUp(), rowsOf(xs), std::nullopt, rowsOf(up),
              ArgKind::expertSlice, schedule, ".up", op))
    return failure();
  ElementwiseRequest e;
  e.shape = {kTokensExtent, ffn};
  e.activation = int(ExpertOp::activationOf(op.getKind()));
  if (gated) {
    e.binary = 2; // act(gate) * up
    e.rhsShape = e.shape;
  }
  uint32_t activate = addKernel({"", name + ".act", e, rowwise});
  if (gated)
    call(activate, {rowsOf(gate), rowsOf(up), rowsOf(act)}, ".act");
  else
    call(activate, {rowsOf(up), rowsOf(act)}, ".act");
  if (!matmul(op.getDown(), rowsOf(act), std::nullopt, rowsOf(ys),
              ArgKind::expertSlice, schedule, ".down", op))
    return failure();
  entry->calls[loop].body = int64_t(entry->calls.size() - loop - 1);

  // y[t] = sum_j weights[t, j] * ys[slots[t, j]].
  CombineExpertsRequest c;
  c.features = hidden;
  c.topK = topK;
  uint32_t combine = addKernel({"", name + ".combine", c, rowwise});
  call(combine,
       {arg(ys), arg(slots), arg(*weights), arg(activation(kernel.getResult(0)))},
       ".combine");
  for (uint32_t t : {rows, slots, offsets, xs, up, act, ys})
    release(t);
  if (gated)
    release(gate);
  return success();
}

} // namespace lowering
} // namespace mgc
