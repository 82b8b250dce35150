//===- MgcAttrs.td - mgc enums and attributes ---------------*- tablegen -*-===//
//
// Enumerations select op variants (and print as bare keywords in op syntax);
// attribute definitions describe RoPE, compilation targets and kernel
// schedules.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_ATTRS_TD
#define MGC_ATTRS_TD

include "ir/MgcDialect.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

def Mgc_NormKind : I32EnumAttr<"NormKind", "normalization kind", [
    I32EnumAttrCase<"rms", 0>,
    I32EnumAttrCase<"layer", 1>]> {
  let cppNamespace = "::mgc";
}

def Mgc_ActivationKind : I32EnumAttr<"ActivationKind", "elementwise activation", [
    I32EnumAttrCase<"silu", 0>,
    I32EnumAttrCase<"gelu", 1>,
    I32EnumAttrCase<"gelu_tanh", 2>,
    I32EnumAttrCase<"relu", 3>,
    I32EnumAttrCase<"relu_squared", 4>,
    I32EnumAttrCase<"sigmoid", 5>,
    I32EnumAttrCase<"tanh", 6>,
    I32EnumAttrCase<"softplus", 7>,
    I32EnumAttrCase<"exp", 8>]> {
  let cppNamespace = "::mgc";
}

// The FFN inside an expert. Gated kinds compute act(x Wg^T) * (x Wu^T) and
// need a gate weight; the others compute act(x Wu^T).
def Mgc_FfnKind : I32EnumAttr<"FfnKind", "expert FFN kind", [
    I32EnumAttrCase<"swiglu", 0>,
    I32EnumAttrCase<"geglu", 1>,
    I32EnumAttrCase<"gelu", 2>,
    I32EnumAttrCase<"gelu_tanh", 3>,
    I32EnumAttrCase<"relu", 4>,
    I32EnumAttrCase<"silu", 5>]> {
  let cppNamespace = "::mgc";
}

def Mgc_AttentionMask : I32EnumAttr<"AttentionMask", "attention mask", [
    I32EnumAttrCase<"causal", 0>,
    I32EnumAttrCase<"bidirectional", 1>]> {
  let cppNamespace = "::mgc";
}

def Mgc_RouteScoring : I32EnumAttr<"RouteScoring", "router scoring function", [
    I32EnumAttrCase<"softmax", 0>,
    I32EnumAttrCase<"sigmoid", 1>]> {
  let cppNamespace = "::mgc";
}

// The structure of the state transition A_t of `mgc.scan`.
def Mgc_ScanVariant : I32EnumAttr<"ScanVariant", "linear recurrence variant", [
    // Mamba-1: diagonal decay exp(dt * A) selected per channel and step.
    I32EnumAttrCase<"selective", 0>,
    // Mamba-2 / SSD: one scalar decay exp(dt * A) per head and step.
    I32EnumAttrCase<"ssd", 1>,
    // RWKV-5/6: data-dependent diagonal decay over keys plus a bonus term.
    I32EnumAttrCase<"rwkv", 2>,
    // RWKV-7 / DeltaNet: diagonal decay plus a rank-1 update.
    I32EnumAttrCase<"delta", 3>,
    // S4 / H3: time-invariant diagonal decay.
    I32EnumAttrCase<"lti", 4>]> {
  let cppNamespace = "::mgc";
}

def Mgc_ScanDirection : I32EnumAttr<"ScanDirection", "scan direction", [
    I32EnumAttrCase<"forward", 0>,
    I32EnumAttrCase<"bidirectional", 1>]> {
  let cppNamespace = "::mgc";
}

def Mgc_StateKind : I32EnumAttr<"StateKind", "kind of persistent state", [
    I32EnumAttrCase<"kv_cache", 0>,
    I32EnumAttrCase<"recurrent", 1>,
    I32EnumAttrCase<"conv", 2>]> {
  let cppNamespace = "::mgc";
}

def Mgc_RopeStyle : I32EnumAttr<"RopeStyle", "RoPE pairing convention", [
    // Rotates adjacent pairs (x[2i], x[2i+1]) - Meta's original layout.
    I32EnumAttrCase<"interleaved", 0>,
    // Rotates (x[i], x[i + d/2]) - the Hugging Face rotate_half layout.
    I32EnumAttrCase<"half", 1>]> {
  let cppNamespace = "::mgc";
}

def Mgc_RopeScaling : I32EnumAttr<"RopeScaling", "RoPE context scaling", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"linear", 1>,
    I32EnumAttrCase<"ntk", 2>,
    I32EnumAttrCase<"yarn", 3>,
    I32EnumAttrCase<"llama3", 4>]> {
  let cppNamespace = "::mgc";
}

def Mgc_Phase : I32EnumAttr<"Phase", "execution phase a kernel is scheduled for", [
    I32EnumAttrCase<"prefill", 0>,
    I32EnumAttrCase<"decode", 1>]> {
  let cppNamespace = "::mgc";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

// Floating-point attribute parameters are held as f64 FloatAttrs, which
// print and parse as plain numbers.
class Mgc_F64Parameter<string desc>
    : AttrParameter<"::mlir::FloatAttr", desc>;
class Mgc_F64Default<string value>
    : DefaultValuedParameter<"::mlir::FloatAttr",
                             "$_builder.getF64FloatAttr(" # value # ")">;

class Mgc_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Mgc_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Mgc_RopeAttr : Mgc_Attr<"Rope", "rope"> {
  let summary = "rotary position embedding parameters";
  let description = [{
    Describes how positions rotate query and key heads: the base `theta`, how
    many leading dimensions of each head rotate (`rotary_dim`; less than the
    head size for partial rotary as in Phi-2), the pairing `style`, and an
    optional context-extension `scaling` with its `factor`, the context the
    model was trained at (`original_context`), for `llama3` the low and high
    frequency factors, and for `yarn` the `attention_factor` cos and sin are
    scaled by (0: the default 0.1 ln(factor) + 1).

    ```mlir
    #mgc.rope<theta = 500000.0, rotary_dim = 64, style = half,
              scaling = llama3, factor = 8.0, original_context = 8192>
    ```
  }];
  let parameters = (ins
    Mgc_F64Parameter<"RoPE base">:$theta,
    "int64_t":$rotary_dim,
    "::mgc::RopeStyle":$style,
    DefaultValuedParameter<"::mgc::RopeScaling", "::mgc::RopeScaling::none">:$scaling,
    Mgc_F64Default<"1.0">:$factor,
    DefaultValuedParameter<"int64_t", "0">:$original_context,
    Mgc_F64Default<"1.0">:$low_freq_factor,
    Mgc_F64Default<"4.0">:$high_freq_factor,
    Mgc_F64Default<"0.0">:$attention_factor
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Mgc_TargetAttr : Mgc_Attr<"Target", "target"> {
  let summary = "the hardware a module is compiled for";
  let description = [{
    Names the target (`isa`), the Halide target string kernels are compiled
    with, and the machine figures the scheduler's cost model reads: vector
    width in bits, cores, cache sizes in bytes, memory bandwidth in GB/s and
    the FP32 peak in GFLOP/s.

    ```mlir
    module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512",
        halide = "x86-64-linux-avx512_skylake", vector_bits = 512, cores = 2,
        l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 33554432,
        bandwidth_gbps = 40.0, peak_gflops = 230.0>} {}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"target name">:$isa,
    StringRefParameter<"Halide target string">:$halide,
    "int64_t":$vector_bits,
    "int64_t":$cores,
    "int64_t":$l1_bytes,
    "int64_t":$l2_bytes,
    "int64_t":$l3_bytes,
    Mgc_F64Parameter<"memory bandwidth in GB/s">:$bandwidth_gbps,
    Mgc_F64Parameter<"FP32 peak in GFLOP/s">:$peak_gflops
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Mgc_ScheduleAttr : Mgc_Attr<"Schedule", "schedule"> {
  let summary = "how one kernel is tiled, vectorized and parallelized";
  let description = [{
    Chosen per kernel by the scheduler for the module's target: the phase the
    variant serves, tile sizes per loop dimension (outermost first), the
    vector width in lanes, the unroll factor of the innermost tile, the loop
    dimensions run in parallel, and the thread count.

    ```mlir
    #mgc.schedule<prefill, tiles = [6, 64], vector = 16, unroll = 4,
                  parallel = [1], threads = 2>
    ```
  }];
  let parameters = (ins
    "::mgc::Phase":$phase,
    ArrayRefParameter<"int64_t">:$tiles,
    "int64_t":$vector_width,
    "int64_t":$unroll,
    ArrayRefParameter<"int64_t">:$parallel_dims,
    "int64_t":$threads
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // MGC_ATTRS_TD
