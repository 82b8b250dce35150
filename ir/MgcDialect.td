//===- MgcDialect.td - the mgc dialect ---------------------*- tablegen -*-===//
//
// The mgc dialect describes language models at the level of their building
// blocks (attention, routing, experts, linear recurrences) and, after
// outlining, as scheduled kernels.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_DIALECT_TD
#define MGC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Mgc_Dialect : Dialect {
  let name = "mgc";
  let cppNamespace = "::mgc";
  let summary = "A dialect for large-language-model architectures";
  let description = [{
    The mgc dialect models dense transformers, sparse Mixture-of-Experts and
    hybrid / state-space models with a small set of core ops:

    * `mgc.attention` - scaled dot-product attention over an optional KV cache,
    * `mgc.route` - the token-to-expert router of a MoE layer,
    * `mgc.expert` - a bank of expert FFNs applied to routed tokens,
    * `mgc.scan` - one op for every structured linear recurrence.

    Weights are referenced by name (`mgc.param`), recurrent and cache state is
    declared at module level (`mgc.state`) and accessed explicitly
    (`mgc.state_read`, `mgc.state_write`). After outlining, fused groups live
    in `mgc.kernel` regions carrying a `#mgc.schedule`; the module carries the
    `#mgc.target` it is compiled for in its `mgc.target` attribute.

    Tensors are builtin ranked tensors. Activations are `[tokens, features]`;
    the token dimension may be dynamic, every other dimension is static.
    Weight matrices are stored `[out, in]`, so each output is a contiguous dot
    product.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the module attribute that holds the compilation target.
    static constexpr ::llvm::StringLiteral kTargetAttrName = "mgc.target";

  private:
    // Defined beside the generated storage classes they need.
    void registerAttributes();
    void registerOps();
  }];
}

class Mgc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mgc_Dialect, mnemonic, traits>;

#endif // MGC_DIALECT_TD
