//===- Schedule.cpp - a #mgc.schedule for every kernel --------------------===//
//
// This file implements the mgc-schedule pass, which chooses tiles, vector
// width, unrolling, parallel dimension and thread count for each mgc.kernel
// from the module's #mgc.target and the kind of work the kernel does.
//
// Loop dimensions per kernel kind, outermost first (what `tiles` and
// `parallel` index):
//   matrix product (linear, logits, expert, route)  [rows, output columns]
//     (output columns: the panel width the weights are packed in, or for
//     16-bit decode weights, read as rows, the block of outputs per task)
//   attention                                       [heads, queries]
//     (the heads tile is one GQA group: query heads sharing a KV head)
//   scan                                            [heads, channels]
//   everything else (row-wise)                      [rows, features]
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mgc {
#define GEN_PASS_DEF_SCHEDULEPASS
#include "passes/Passes.h.inc"
} // namespace mgc

using namespace mlir;

namespace mgc {
namespace {

enum class KernelKind { matrix, attention, scan, rowwise };

/// The kernel's first compute op decides its kind: a matrix product with a
/// fused epilogue (mgc-fuse-epilogues) is scheduled as the product.
KernelKind kindOf(KernelOp kernel) {
  SmallVector<Operation *> ops = kernel.getComputeOps();
  Operation *root = ops.empty() ? nullptr : ops.front();
  if (isa_and_nonnull<LinearOp, LogitsOp, ExpertOp, RouteOp>(root))
    return KernelKind::matrix;
  if (isa_and_nonnull<AttentionOp>(root))
    return KernelKind::attention;
  if (isa_and_nonnull<ScanOp>(root))
    return KernelKind::scan;
  return KernelKind::rowwise;
}

/// Columns a matrix-product kernel produces: the result's last dimension.
int64_t outputColumns(KernelOp kernel) {
  auto type = dyn_cast<RankedTensorType>(kernel.getResult(0).getType());
  return type && type.getRank() > 0 ? type.getShape().back() : 1;
}

/// Vector lanes of the kernel's element type on the target.
int64_t lanes(KernelOp kernel, TargetAttr target) {
  unsigned bits = 32;
  if (kernel.getNumResults() > 0)
    if (auto type = dyn_cast<RankedTensorType>(kernel.getResult(0).getType()))
      bits = std::max(8u, type.getElementTypeBitWidth());
  return std::max<int64_t>(1, target.getVectorBits() / bits);
}

/// Bits of the narrowest matrix weight a matrix kernel reads (32 unless
/// mgc-weight-precision stored them as f16 or bf16).
unsigned weightBits(KernelOp kernel) {
  unsigned bits = 32;
  auto note = [&](Value weight) {
    if (auto type = dyn_cast<RankedTensorType>(weight.getType()))
      bits = std::min(bits, type.getElementTypeBitWidth());
  };
  kernel.walk([&](Operation *op) {
    if (auto linear = dyn_cast<LinearOp>(op))
      note(linear.getWeight());
    else if (auto logits = dyn_cast<LogitsOp>(op))
      note(logits.getWeight());
    else if (auto expert = dyn_cast<ExpertOp>(op))
      note(expert.getUp());
  });
  return bits;
}

/// Architectural vector registers of the target's ISA, which bound the
/// register-blocked matrix tile.
int64_t vectorRegisters(TargetAttr target) {
  StringRef isa = target.getIsa();
  if (isa.starts_with("x86-64-avx512") || isa == "arm64")
    return 32;
  return 16; // AVX2 (ymm0-15)
}

/// Vectors of columns per register tile of `rows` rows: the accumulators
/// plus one vector per loaded weight column and one broadcast input must fit
/// in registers (24 + 4 of 32 on AVX-512, 12 + 2 of 16 on AVX2).
int64_t tileVectors(TargetAttr target, int64_t rows) {
  int64_t registers = vectorRegisters(target);
  for (int64_t vectors = 4; vectors > 1; --vectors)
    if (rows * vectors + vectors + 1 <= registers)
      return vectors;
  return 1;
}

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

ScheduleAttr chooseSchedule(KernelOp kernel, Phase phase, TargetAttr target) {
  MLIRContext *ctx = kernel.getContext();
  int64_t vector = lanes(kernel, target);
  int64_t cores = target.getCores();
  bool decode = phase == Phase::decode;
  switch (kindOf(kernel)) {
  case KernelKind::matrix: {
    // Register blocking: 6 rows by up to 4 vectors of columns accumulate
    // in registers; column panels are split across cores.
    const int64_t rows = 6;
    const int64_t panel = tileVectors(target, rows) * vector;
    if (!decode)
      return ScheduleAttr::get(ctx, phase, {rows, panel}, vector, 4, {1},
                               cores);
    // One token: weights stream once. f32 weights are read from the
    // prefill's panels (one copy of the weights), a panel per task.
    if (weightBits(kernel) == 32)
      return ScheduleAttr::get(ctx, phase, {1, panel}, vector, 1, {1}, cores);
    // 16-bit weights stream as rows, in column blocks small enough that
    // every core gets several of them (load balance), at least one vector.
    int64_t columns = outputColumns(kernel);
    int64_t block = roundUp(std::max<int64_t>(1, columns / (4 * cores)),
                            vector);
    return ScheduleAttr::get(ctx, phase, {1, block}, vector, 1, {1}, cores);
  }
  case KernelKind::attention: {
    // Heads are independent; the query heads of one GQA group share the
    // cached keys and values, so they are computed together.
    int64_t group = 1;
    kernel.walk([&](AttentionOp op) {
      group = int64_t(op.getNumHeads()) / int64_t(op.getNumKvHeads());
    });
    // Prefill scores tiles of 32 queries, 8 keys at a time (8 x 2 vector
    // accumulators of 16 lanes); decode one query.
    return ScheduleAttr::get(ctx, phase, {group, decode ? 1 : 32}, vector,
                             decode ? 1 : 8, {0}, cores);
  }
  case KernelKind::scan:
    // Time is sequential; heads and channels are not.
    return ScheduleAttr::get(ctx, phase, {1, vector}, vector, 1, {0}, cores);
  case KernelKind::rowwise:
    // A single decode row is too little work to share between cores.
    if (decode)
      return ScheduleAttr::get(ctx, phase, {1, 4 * vector}, vector, 1, {}, 1);
    return ScheduleAttr::get(ctx, phase, {8, 4 * vector}, vector, 1, {0},
                             cores);
  }
  llvm_unreachable("unknown kernel kind");
}

/// The loop nest as written: every dimension a loop of single steps, no
/// vectors, no unrolling, one thread.
ScheduleAttr naiveSchedule(KernelOp kernel, Phase phase) {
  return ScheduleAttr::get(kernel.getContext(), phase, {1, 1}, 1, 1, {}, 1);
}

struct SchedulePass : impl::SchedulePassBase<SchedulePass> {
  using SchedulePassBase::SchedulePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = dyn_cast_or_null<TargetAttr>(
        module->getAttr(MgcDialect::kTargetAttrName));
    if (!target) {
      module.emitError() << "mgc-schedule needs the module's '"
                         << MgcDialect::kTargetAttrName
                         << "' attribute; run mgc-set-target first";
      return signalPassFailure();
    }
    module.walk([&](KernelOp kernel) {
      auto func = kernel->getParentOfType<func::FuncOp>();
      Phase phase = func && func.getName() == "decode" ? Phase::decode
                                                       : Phase::prefill;
      kernel.setScheduleAttr(naive ? naiveSchedule(kernel, phase)
                                   : chooseSchedule(kernel, phase, target));
    });
  }
};

} // namespace
} // namespace mgc
