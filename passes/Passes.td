//===- Passes.td - mgc passes ------------------------------*- tablegen -*-===//
//
// Every mgc pass, grouped under banners and alphabetical within a group.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_PASSES_TD
#define MGC_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Target selection
//===----------------------------------------------------------------------===//

def SetTargetPass : Pass<"mgc-set-target", "::mlir::ModuleOp"> {
  let summary = "Attaches the #mgc.target the module is compiled for";
  let description = [{
    Resolves a target name (`host`, `x86-64-avx2`, `x86-64-avx512`, `arm64`)
    to a `#mgc.target` attribute and stores it in the module's `mgc.target`
    attribute, which scheduling and codegen read. Machine figures the name
    does not fix (cores, cache sizes, bandwidth, peak) can be overridden by
    options; otherwise they are taken from the host for `host` and from the
    target's documented defaults for named targets.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"host\"",
           "target to compile for: host, x86-64-avx2, x86-64-avx512 or arm64">,
    Option<"cores", "cores", "int64_t", /*default=*/"0",
           "cores to schedule for (0: the target's default)">,
    Option<"bandwidthGbps", "bandwidth-gbps", "double", /*default=*/"0.0",
           "memory bandwidth in GB/s (0: the target's default)">,
  ];
  let dependentDialects = ["::mgc::MgcDialect"];
}

#endif // MGC_PASSES_TD
