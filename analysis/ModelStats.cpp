//===- ModelStats.cpp - analytic size and cost figures ----------*- C++ -*-===//
//
// Walks one entry point of model-level mgc IR: every distinct weight is sized
// and classified by how its uses read it, every matmul, attention and
// recurrence op adds its per-token FLOPs, and the module's state declarations
// give the KV-cache and state bytes. The conventions are in ModelStats.h.
//
//===----------------------------------------------------------------------===//

#include "analysis/ModelStats.h"

#include "ir/MgcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace mgc;

namespace {

/// One distinct weight and what one token makes of it.
struct Weight {
  RankedTensorType type;
  int64_t active = 0; // elements used per token
  int64_t read = 0;   // elements read per decode step
};

/// The attention shape that its per-token FLOPs depend on.
struct AttentionShape {
  int64_t heads, headDim, valueHeadDim;
  std::optional<int64_t> window;
};

int64_t elementBytes(ShapedType type) {
  return (type.getElementTypeBitWidth() + 7) / 8;
}

int64_t bytesOf(ShapedType type) {
  return type.getNumElements() * elementBytes(type);
}

/// Records, in `weight`, the elements of a weight (`elements` in all) that
/// the uses of `value` make active and read per token; the largest use wins,
/// so a table that is both embedding and LM head counts whole.
LogicalResult accumulateUses(Value value, int64_t elements, Weight &weight) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    // Views pass the weight on unchanged: follow them to the real readers.
    if (auto reshape = dyn_cast<ReshapeOp>(user)) {
      if (failed(accumulateUses(reshape.getResult(), elements, weight)))
        return failure();
      continue;
    }
    if (auto kernel = dyn_cast<KernelOp>(user)) {
      Value argument =
          kernel.getBody().front().getArgument(use.getOperandNumber());
      if (failed(accumulateUses(argument, elements, weight)))
        return failure();
      continue;
    }

    int64_t active = elements, read = elements;
    if (auto embed = dyn_cast<EmbedOp>(user)) {
      // A lookup reads one row of the [vocab, hidden] table per token.
      read = elements / embed.getTable().getType().getDimSize(0);
    } else if (auto slice = dyn_cast<SliceOp>(user)) {
      RankedTensorType part = slice.getResult().getType();
      if (part.hasStaticShape())
        read = part.getNumElements();
    } else if (auto expert = dyn_cast<ExpertOp>(user)) {
      if (value != expert.getInput() && value != expert.getWeights()) {
        int64_t topK = expert.getIndices().getType().getDimSize(1);
        if (ShapedType::isDynamic(topK))
          return expert.emitError()
                 << "cannot count active experts: the indices "
                 << expert.getIndices().getType()
                 << " have a dynamic top_k; a static [T, top_k] is needed";
        int64_t experts = expert.getUp().getType().getDimSize(0);
        active = read = elements / experts * topK;
      }
    }
    weight.active = std::max(weight.active, active);
    weight.read = std::max(weight.read, read);
  }
  return success();
}

/// Product of the static dimensions strictly between the token dimension and
/// the feature dimension of `type`: how many vectors per token a matmul sees.
int64_t vectorsPerToken(ShapedType type) {
  int64_t count = 1;
  for (int64_t i = 1; i + 1 < type.getRank(); ++i)
    if (!type.isDynamicDim(i))
      count *= type.getDimSize(i);
  return count;
}

/// Multiply-adds per token of a matmul op; 0 for other ops.
int64_t matmulMacs(Operation *op) {
  if (auto linear = dyn_cast<LinearOp>(op))
    return linear.getWeight().getType().getNumElements() *
           vectorsPerToken(linear.getInput().getType());
  if (auto logits = dyn_cast<LogitsOp>(op))
    return logits.getWeight().getType().getNumElements();
  if (auto head = dyn_cast<HeadLinearOp>(op)) {
    // Every head multiplies its [in] vector by an [out, in] block part.
    ArrayRef<int64_t> in = head.getInput().getType().getShape();
    ArrayRef<int64_t> out = head.getResult().getType().getShape();
    return in[1] * in[2] * out[2];
  }
  if (auto route = dyn_cast<RouteOp>(op))
    return route.getGate().getType().getNumElements();
  if (auto expert = dyn_cast<ExpertOp>(op)) {
    int64_t topK = expert.getIndices().getType().getDimSize(1);
    RankedTensorType up = expert.getUp().getType();
    int64_t perExpert = up.getNumElements() / up.getDimSize(0); // F * D
    int64_t matrices = ExpertOp::isGated(expert.getKind()) ? 3 : 2;
    // A dynamic top_k was already rejected while sizing the weights.
    return ShapedType::isDynamic(topK) ? 0 : topK * matrices * perExpert;
  }
  return 0;
}

/// FLOPs per token of a recurrence op (see ModelStats.h); 0 for other ops.
int64_t recurrenceFlops(Operation *op) {
  if (auto conv = dyn_cast<Conv1dOp>(op))
    return 2 * conv.getWeight().getType().getNumElements();
  auto scan = dyn_cast<ScanOp>(op);
  if (!scan)
    return 0;
  ArrayRef<int64_t> x = scan.getX().getType().getShape();
  int64_t stateSize = scan.getB().getType().getShape().back();
  int64_t elements = x[1] * x[2] * stateSize; // H * P * N
  int64_t perElement = scan.getVariant() == ScanVariant::delta ? 9 : 5;
  int64_t directions =
      scan.getDirection() == ScanDirection::bidirectional ? 2 : 1;
  return directions * perElement * elements;
}

/// The entry point to analyze: `decode`, else `prefill`.
func::FuncOp findEntryPoint(ModuleOp module) {
  if (auto decode = module.lookupSymbol<func::FuncOp>("decode"))
    return decode;
  return module.lookupSymbol<func::FuncOp>("prefill");
}

} // namespace

FailureOr<ModelStats> mgc::computeModelStats(ModuleOp module,
                                             ArrayRef<int64_t> contexts) {
  func::FuncOp entry = findEntryPoint(module);
  if (!entry || entry.isExternal()) {
    InFlightDiagnostic error = module.emitError()
        << "cannot inspect the model: it has no 'decode' or 'prefill' "
           "entry point (a func.func with a body)";
    // Name what is there, so a misnamed entry point is easy to spot.
    std::string found;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      found += (found.empty() ? "@" : ", @") + func.getSymName().str();
    error << "; its functions: " << (found.empty() ? "none" : found);
    return failure();
  }
  ModelStats stats;
  stats.entryPoint = entry.getSymName().str();

  // Weights, in order of first appearance, keyed by name.
  llvm::MapVector<StringRef, Weight> weights;
  std::vector<AttentionShape> attentions;
  WalkResult walked = entry.walk([&](Operation *op) -> WalkResult {
    if (auto param = dyn_cast<ParamOp>(op)) {
      RankedTensorType type = param.getType();
      auto [it, inserted] = weights.insert({param.getName(), Weight{type}});
      if (!inserted && it->second.type != type) {
        param.emitError() << "weight '" << param.getName() << "' is " << type
                          << " here but " << it->second.type
                          << " elsewhere; one name must name one tensor";
        return WalkResult::interrupt();
      }
      if (failed(accumulateUses(param.getResult(), type.getNumElements(),
                                it->second)))
        return WalkResult::interrupt();
    }
    stats.flopsPerToken += 2 * matmulMacs(op);
    stats.scanFlopsPerToken += recurrenceFlops(op);
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      std::optional<int64_t> window;
      if (attention.getWindow())
        window = int64_t(*attention.getWindow());
      attentions.push_back({int64_t(attention.getNumHeads()),
                            int64_t(attention.getHeadDim()),
                            attention.getValueHeadDim(), window});
    }
    return WalkResult::advance();
  });
  if (walked.wasInterrupted())
    return failure();

  for (const auto &[name, weight] : weights) {
    int64_t bytes = elementBytes(weight.type);
    stats.paramsTotal += weight.type.getNumElements();
    stats.paramsActive += weight.active;
    stats.weightBytesTotal += weight.type.getNumElements() * bytes;
    stats.weightBytesPerToken += weight.read * bytes;
  }

  for (StateOp state : module.getOps<StateOp>()) {
    auto type = cast<RankedTensorType>(state.getType());
    if (state.getKind() != StateKind::kv_cache) {
      stats.stateBytes += bytesOf(type);
      continue;
    }
    // [kv_heads, capacity, head_dim]: bytes grow by one slice per position.
    int64_t capacity = type.getDimSize(1);
    stats.kvBytesPerToken += bytesOf(type) / capacity;
    stats.maxContext =
        stats.maxContext ? std::min(stats.maxContext, capacity) : capacity;
  }

  for (int64_t tokens : contexts) {
    ContextStats context;
    context.tokens = tokens;
    context.kvCacheBytes = stats.kvBytesPerToken * tokens;
    for (const AttentionShape &a : attentions) {
      int64_t attended = a.window ? std::min(tokens, *a.window) : tokens;
      context.attentionFlopsPerToken +=
          2 * a.heads * (a.headDim + a.valueHeadDim) * attended;
    }
    stats.contexts.push_back(context);
  }
  return stats;
}
