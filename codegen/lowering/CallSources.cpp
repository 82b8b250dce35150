//===- CallSources.cpp - where each plan call comes from ------------------===//
//
// After lowering: each call is tagged with the source location of the
// mgc.kernel it implements (the description line or config key the op was
// built from), and the plan with the target's limits, for profiles.
//
//===----------------------------------------------------------------------===//

#include "codegen/lowering/Lowering.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace mgc {
namespace lowering {

namespace {

/// "file:line:col" of `loc`, looking through fused and named locations; ""
/// when it has no file position.
std::string positionOf(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
            ":" + std::to_string(file.getColumn()));
  if (auto named = dyn_cast<NameLoc>(loc))
    return positionOf(named.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string p = positionOf(inner); !p.empty())
        return p;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return positionOf(callSite.getCallee());
  return {};
}

} // namespace

void describeCalls(ModuleOp module, LoweredModel &out) {
  if (auto target = dyn_cast_or_null<TargetAttr>(
          module->getAttr(MgcDialect::kTargetAttrName))) {
    out.plan.peakGflops = target.getPeakGflops().getValueAsDouble();
    out.plan.bandwidthGBps = target.getBandwidthGbps().getValueAsDouble();
  }
  // A call is named after its kernel, plus a suffix for kernels that lower
  // to several calls: the longest kernel name that prefixes it is its own.
  std::map<std::string, std::string> sourceOf;
  module.walk([&](KernelOp kernel) {
    // The (first) body op carries the description's location.
    SmallVector<Operation *> ops = kernel.getComputeOps();
    Location loc = ops.empty() ? kernel.getLoc() : ops.front()->getLoc();
    sourceOf[kernel.getName().str()] = positionOf(loc);
  });
  for (PlanEntry &entry : out.plan.entries)
    for (PlanCall &call : entry.calls) {
      std::string name = call.name;
      while (!name.empty()) {
        auto it = sourceOf.find(name);
        if (it != sourceOf.end()) {
          call.source = it->second;
          break;
        }
        size_t dot = name.rfind('.');
        name = dot == std::string::npos ? "" : name.substr(0, dot);
      }
    }
}

} // namespace lowering
} // namespace mgc
