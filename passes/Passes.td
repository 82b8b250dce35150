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

//===----------------------------------------------------------------------===//
// Weight layout and precision
//===----------------------------------------------------------------------===//

def WeightPrecisionPass : Pass<"mgc-weight-precision", "::mlir::ModuleOp"> {
  let summary = "Stores the matrix weights in f16 or bf16";
  let description = [{
    Changes the element type of every `mgc.param` read only as a matrix of
    products or lookups (the weight of `mgc.linear` and `mgc.logits`, the
    gate, up and down weights of `mgc.expert`, the table of `mgc.embed`) to
    `type`. The weights section then holds the values rounded to nearest
    even in that type (matrix products for decode read them as such;
    prefill's packed panels hold them widened to f32), and every product
    accumulates in f32. Everything else stays f32: norm scales, biases, the
    router weights of `mgc.route`, convolution and scan parameters, and
    weights that any other op also reads. With `type=f32` the module is left
    as it is.
  }];
  let options = [
    Option<"type", "type", "std::string", /*default=*/"\"f32\"",
           "element type of the matrix weights: f32, f16 or bf16">,
  ];
  let dependentDialects = ["::mgc::MgcDialect"];
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def FuseProjectionsPass : Pass<"mgc-fuse-projections", "::mlir::ModuleOp"> {
  let summary = "Merges linear ops that read the same input into one";
  let description = [{
    Replaces the `mgc.linear` ops of a block that multiply the same input by
    weights of the same width and type (attention's q, k and v; an MLP's gate
    and up) with one `mgc.linear` by their weights concatenated along the
    output dimension (an `mgc.param` with `parts`), followed by an
    `mgc.slice` per original result. Biases are merged the same way when
    every op has one; ops with and without a bias are not merged. One matrix
    product instead of several: the input is read once, and one kernel call
    streams all the weights. Runs before `mgc-outline-kernels` (kernel
    bodies are left alone). A weight that other ops read too is kept and
    also stored inside the concatenation.
  }];
  let dependentDialects = ["::mgc::MgcDialect"];
}

//===----------------------------------------------------------------------===//
// Kernel formation
//===----------------------------------------------------------------------===//

def OutlineKernelsPass : Pass<"mgc-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Outlines each compute op of the entry points into an mgc.kernel";
  let description = [{
    Wraps every compute op of `prefill` and `decode` (everything but weight
    references, state access, constants and the return) in its own
    `mgc.kernel`, the unit codegen turns into one Halide pipeline. Weights
    and state values become kernel inputs, bound by the runtime; constants
    are copied into the kernels that use them. Kernels are named after the
    entry point, the layer and the weight they apply (e.g.
    `decode.layers.3.attn.q`), or the op, so profiles read back to the model.
    Fusion passes run before this one and leave fused groups for it to
    outline together.
  }];
  let dependentDialects = ["::mgc::MgcDialect"];
}

def FuseEpiloguesPass : Pass<"mgc-fuse-epilogues", "::mlir::ModuleOp"> {
  let summary = "Merges activations and residual adds into matrix products";
  let description = [{
    Runs on outlined kernels (after `mgc-outline-kernels`). A kernel whose
    body is an `mgc.linear` of a [T, K] input by a weight parameter absorbs
    the single kernel that uses its result when that kernel is an
    `mgc.activation` of it or an `mgc.add` of it and another tensor of its
    type (a residual connection), and then, once more, a residual add after
    an absorbed activation. The merged kernel keeps the product's name and
    reads `linear [-> activation] [-> add]`; codegen runs it as one matrix
    product that applies the activation and adds the residual to each output
    as it stores it: the product's result is never written to memory and
    read back, and one call replaces two or three. A result used more than
    once, a broadcasting add, or any other consumer is left alone, and so
    is softplus (its accurate log1p needs strict float arithmetic, which
    would cost the whole product its fused multiply-adds).
  }];
  let dependentDialects = ["::mgc::MgcDialect"];
}

def SchedulePass : Pass<"mgc-schedule", "::mlir::ModuleOp"> {
  let summary = "Chooses a #mgc.schedule for every kernel from the target";
  let description = [{
    Reads the module's `#mgc.target` and attaches a `#mgc.schedule` to every
    `mgc.kernel`: the phase (prefill or decode, from the entry point), the
    vector width in lanes of the kernel's element type, tile sizes and the
    parallel loop dimension by kernel kind (matrix products, attention,
    scans, row-wise ops), and the thread count from the target's cores.
    Matrix products in prefill use register-blocked tiles of 6 rows by as
    many column vectors as the ISA's vector registers hold (4 on AVX-512 and
    arm64, 2 on AVX2), parallel over column panels; in decode they stream weights in column
    blocks sized to keep every core busy.

    With `naive` (what `mgc compile -O0` runs), every kernel gets the
    schedule a straightforward loop nest would have: tiles of 1, scalar
    lanes, no unrolling, one thread and no parallel loop, so each
    optimization's effect can be measured against it. Weights are then
    packed for that schedule too (rows, one output per panel).
  }];
  let options = [
    Option<"naive", "naive", "bool", /*default=*/"false",
           "scalar, serial, untiled loops for every kernel (-O0)">,
  ];
  let dependentDialects = ["::mgc::MgcDialect"];
}

#endif // MGC_PASSES_TD
