//===- MgcOps.td - mgc operations ---------------------------*- tablegen -*-===//
//
// Model-level ops (what frontends produce), state ops, and the kernel-level
// region op produced by outlining.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_OPS_TD
#define MGC_OPS_TD

include "ir/MgcAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Mgc_Float : AnyTypeOf<[F32, F16, BF16]>;
def Mgc_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Mgc_TokenTensor : 1DTensorOf<[I32]>;
def Mgc_IndexTensor : RankedTensorOf<[I32]>;

//===----------------------------------------------------------------------===//
// Weights and state
//===----------------------------------------------------------------------===//

def Mgc_ParamOp : Mgc_Op<"param", [Pure]> {
  let summary = "a named tensor of the model's weights";
  let description = [{
    Refers to the weight tensor `name` of the model's weight file (or of the
    synthesized weights). Weights are never inlined, so IR stays readable. The
    element type is the storage type; the shape must be static.

    With `parts`, the weight is the concatenation along dimension 0 of the
    model's weights `parts`, of `part_rows` rows each (fused projections,
    mgc-fuse-projections); `name` then only names the result.

    ```mlir
    %wq = mgc.param "layers.0.attn.wq" : tensor<768x768xf32>
    %wkv = mgc.param "layers.0.attn.k+v.weight" {
        parts = ["layers.0.attn.k.weight", "layers.0.attn.v.weight"],
        part_rows = array<i64: 256, 256>} : tensor<512x768xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, OptionalAttr<StrArrayAttr>:$parts,
                       OptionalAttr<DenseI64ArrayAttr>:$part_rows);
  let results = (outs Mgc_FloatTensor:$result);
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::llvm::StringRef":$name), [{
      build($_builder, $_state, type, name, nullptr, nullptr);
    }]>
  ];
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Mgc_ConstantOp : Mgc_Op<"constant", [Pure, ConstantLike]> {
  let summary = "a tensor filled with one number";
  let description = [{
    Every element equals `value` (converted to the element type); for the
    fixed scalars of a block's formula, such as RWKV's -1 and 1 / sqrt(N).

    ```mlir
    %half = mgc.constant 5.000000e-01 : tensor<1xf32>
    ```
  }];
  let arguments = (ins F64Attr:$value);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Mgc_StateOp : Mgc_Op<"state", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "declares persistent per-sequence state";
  let description = [{
    Declares a state buffer that lives across calls of the model's entry
    points: a KV cache, the recurrent state of a scan, or the rolling window
    of a causal convolution. The runtime owns one instance per sequence and
    sizes it from the declared static type (for KV caches, from the context
    limit).

    ```mlir
    mgc.state kv_cache @layers.0.k_cache : tensor<4x256x64xf32>
    ```
  }];
  let arguments = (ins Mgc_StateKind:$kind, SymbolNameAttr:$sym_name,
                       TypeAttrOf<Mgc_FloatTensor>:$type);
  let assemblyFormat = "$kind $sym_name attr-dict `:` $type";
  let hasVerifier = 1;
}

def Mgc_StateReadOp : Mgc_Op<"state_read", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "reads the current value of a declared state";
  let description = [{
    Yields the value the state named by `state` holds at this point of the
    call; its type must be the declared one.

    ```mlir
    %k = mgc.state_read @layers.0.k_cache : tensor<4x256x64xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$state);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$state attr-dict `:` type($result)";
}

def Mgc_StateWriteOp : Mgc_Op<"state_write", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite]>]> {
  let summary = "replaces the value of a declared state";
  let description = [{
    Stores `value` as the new contents of the state named by `state`; later
    reads in this call and the next call of any entry point see it.

    ```mlir
    mgc.state_write %k_next, @layers.0.k_cache : tensor<4x256x64xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$value, FlatSymbolRefAttr:$state);
  let assemblyFormat = "$value `,` $state attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Supporting ops
//===----------------------------------------------------------------------===//

def Mgc_EmbedOp : Mgc_Op<"embed", [Pure]> {
  let summary = "token embedding lookup";
  let description = [{
    Gathers one row of `table` (`[vocab, hidden]`) per token id.

    ```mlir
    %h = mgc.embed %tokens, %table
        : (tensor<?xi32>, tensor<32000x768xf32>) -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Mgc_TokenTensor:$tokens, Mgc_FloatTensor:$table);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat =
      "$tokens `,` $table attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mgc_NormOp : Mgc_Op<"norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "RMS or layer normalization over the last dimension";
  let description = [{
    `rms`: `x / sqrt(mean(x^2) + eps) * weight`.
    `layer`: `(x - mean(x)) / sqrt(var(x) + eps) * weight + bias`.
    Statistics are taken over the last dimension. The weight (and, for layer
    norm, the bias) has the shape of a suffix of the input that includes the
    last dimension: `[hidden]`, or `[H, P]` for a per-head group norm of a
    `[T, H, P]` input. Both are optional, for norms without learned
    parameters.

    ```mlir
    %n = mgc.norm rms %h weight %w {eps = 1.0e-05}
        : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Mgc_NormKind:$kind, Mgc_FloatTensor:$input,
                       Optional<Mgc_FloatTensor>:$weight,
                       Optional<Mgc_FloatTensor>:$bias, F64Attr:$eps);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input (`weight` $weight^)? (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_LinearOp : Mgc_Op<"linear", [Pure]> {
  let summary = "matrix multiply by a weight stored [out, in], plus bias";
  let description = [{
    `result[..., n] = sum_k input[..., k] * weight[n, k] + bias[n]`.

    ```mlir
    %q = mgc.linear %n, %wq : (tensor<?x768xf32>, tensor<768x768xf32>)
        -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, Mgc_FloatTensor:$weight,
                       Optional<Mgc_FloatTensor>:$bias);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_HeadLinearOp : Mgc_Op<"head_linear", [Pure]> {
  let summary = "per-head matrix multiply by a block of a stacked weight";
  let description = [{
    `input` is `[T, heads, in]` and `weight` `[heads * block, cols]` holds one
    block of `block` rows per head; head `h` multiplies by the rows
    `h * block + offset + i` of its block:

        result[t, h, n] = sum_k input[t, h, k] * weight[h * block + offset + n, k]
                          (rows `offset` .. `offset + out` of each block)
        result[t, h, n] = sum_k input[t, h, k] * weight[h * block + offset + k, n]
                          with `transpose` (rows `offset` .. `offset + in`)

    Multi-head latent attention absorbs its key/value up-projection `kv_b`
    this way: queries move into the latent space through each head's key
    rows (transposed), and the attention output, still latent, leaves
    through each head's value rows, so the KV cache holds only the latent.

    ```mlir
    %ql = mgc.head_linear %q_nope, %kv_b {block = 256, offset = 0, transpose}
        : (tensor<?x16x128xf32>, tensor<4096x512xf32>) -> tensor<?x16x512xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, Mgc_FloatTensor:$weight,
                       I64Attr:$block, I64Attr:$offset, UnitAttr:$transpose);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_RopeOp : Mgc_Op<"rope", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "applies rotary position embedding to each head";
  let description = [{
    `input` is `[tokens, heads * head_dim]`; token `t` sits at position
    `position + t`. Only the first `rotary_dim` dimensions of each head rotate.
    Attention can also apply RoPE itself (its `rope` attribute); this op is for
    models that rotate only part of a projection, such as MLA's decoupled key.

    ```mlir
    %qr = mgc.rope %q at %pos {head_dim = 64,
        rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>}
        : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, Index:$position,
                       I64Attr:$head_dim, Mgc_RopeAttr:$rope);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$input `at` $position attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Mgc_Conv1dOp : Mgc_Op<"conv1d", [Pure, AttrSizedOperandSegments]> {
  let summary = "causal (or centered) depthwise 1-D convolution over tokens";
  let description = [{
    `result[t, c] = bias[c] + sum_j weight[c, j] * x[t - (W - 1) + j, c]`,
    where `x` is the input preceded by the `W - 1` tokens held in `state`
    (zeros when no state is given). With a state operand the op also returns
    the state after the last token, for decode.

    ```mlir
    %y, %s1 = mgc.conv1d %x, %w bias %b state(%s0)
        : (tensor<?x1536xf32>, tensor<1536x4xf32>, tensor<1536xf32>,
           tensor<3x1536xf32>) -> (tensor<?x1536xf32>, tensor<3x1536xf32>)
    ```

    With `centered`, the window is centered on the token instead of ending
    at it (a non-causal "same" convolution, PyTorch's `padding = W // 2`):
    `result[t, c] = bias[c] + sum_j weight[c, j] * x[t - (W - 1) / 2 + j, c]`
    with zeros for the `(W - 1) / 2` positions beyond either end of the
    sequence. The width must be odd, and since every output reads later
    tokens, a centered convolution carries no state (bidirectional mixers
    such as Hydra).

    ```mlir
    %y = mgc.conv1d %x, %w bias %b {centered}
        : (tensor<?x1536xf32>, tensor<1536x7xf32>, tensor<1536xf32>)
        -> tensor<?x1536xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, Mgc_FloatTensor:$weight,
                       Optional<Mgc_FloatTensor>:$bias,
                       Optional<Mgc_FloatTensor>:$state,
                       UnitAttr:$centered);
  let results = (outs Mgc_FloatTensor:$result,
                      Optional<Mgc_FloatTensor>:$state_out);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? (`state` `(` $state^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_ActivationOp : Mgc_Op<"activation", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "elementwise activation function";
  let description = [{
    ```mlir
    %a = mgc.activation silu %g : tensor<?x2048xf32>
    ```
  }];
  let arguments = (ins Mgc_ActivationKind:$kind, Mgc_FloatTensor:$input);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
}

def Mgc_ReshapeOp : Mgc_Op<"reshape", [Pure]> {
  let summary = "regroups the feature dimensions of a tensor";
  let description = [{
    Changes the shape without moving data: the token dimension (the first,
    which may be dynamic) is kept and the remaining dimensions must hold the
    same number of elements, e.g. `[T, H * P]` to `[T, H, P]`. A tensor
    without a token dimension (a weight) may be reshaped freely as long as the
    element count is kept.

    ```mlir
    %x3 = mgc.reshape %x : tensor<?x1536xf32> -> tensor<?x24x64xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Mgc_PositionsOp : Mgc_Op<"positions", [Pure,
    AllTypesMatch<["tokens", "result"]>]> {
  let summary = "the absolute positions of a run of tokens";
  let description = [{
    `result[t] = position + t`: the positions of `tokens` when the first sits
    at `position`, for learned position embeddings.

    ```mlir
    %p = mgc.positions %tokens at %pos : tensor<?xi32>
    ```
  }];
  let arguments = (ins Mgc_TokenTensor:$tokens, Index:$position);
  let results = (outs Mgc_TokenTensor:$result);
  let assemblyFormat =
      "$tokens `at` $position attr-dict `:` type($tokens)";
}

def Mgc_BroadcastOp : Mgc_Op<"broadcast", [Pure]> {
  let summary = "repeats size-1 dimensions";
  let description = [{
    Expands every dimension of size 1 to the result's size; other dimensions
    are kept. Shares MLA's single RoPE key across heads.

    ```mlir
    %k = mgc.broadcast %k_rope : tensor<?x1x64xf32> -> tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Mgc_SliceOp : Mgc_Op<"slice", [Pure]> {
  let summary = "takes a contiguous range of one dimension";
  let description = [{
    Along dimension `dim` (default: the last), `result[..., i, ...] =
    input[..., offset + i, ...]` for `i` below the result's size there; every
    other dimension is kept. Splits fused projections (Mamba's x and z, MLA's
    rope part) and picks rows of tables.

    ```mlir
    %z = mgc.slice %xz {offset = 1536} : tensor<?x3072xf32> -> tensor<?x1536xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, I64Attr:$offset,
                       OptionalAttr<I64Attr>:$dim);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Mgc_ConcatOp : Mgc_Op<"concat", [Pure]> {
  let summary = "joins tensors along the last dimension";
  let description = [{
    All inputs share every dimension but the last; the result's last
    dimension is the sum of theirs.

    ```mlir
    %q = mgc.concat %q_nope, %q_rope : (tensor<?x16x128xf32>,
        tensor<?x16x64xf32>) -> tensor<?x16x192xf32>
    ```
  }];
  let arguments = (ins Variadic<Mgc_FloatTensor>:$inputs);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

def Mgc_TokenShiftOp : Mgc_Op<"token_shift", [Pure]> {
  let summary = "the previous token's features (RWKV token shift)";
  let description = [{
    `result[t] = input[t - 1]`, where the token before the first is taken from
    `state` (`[1, features]`, the last token of the previous call) or is zero
    without a state. With a state the op also returns the new state: the last
    input token.

    ```mlir
    %prev, %s1 = mgc.token_shift %x state(%s0)
        : (tensor<?x768xf32>, tensor<1x768xf32>)
        -> (tensor<?x768xf32>, tensor<1x768xf32>)
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input,
                       Optional<Mgc_FloatTensor>:$state);
  let results = (outs Mgc_FloatTensor:$result,
                      Optional<Mgc_FloatTensor>:$state_out);
  let assemblyFormat = [{
    $input (`state` `(` $state^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_ReverseOp : Mgc_Op<"reverse", [Pure,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "reverses the order of the tokens";
  let description = [{
    `result[t] = input[T - 1 - t]` along the first (token) dimension; the
    other dimensions are kept. Runs a forward recurrence or a token shift
    backwards over the sequence, as bidirectional mixers (Hydra) do: reverse
    the inputs, scan forward, reverse the result.

    ```mlir
    %xr = mgc.reverse %x : tensor<?x1536xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class Mgc_BinaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Mgc_Op<mnemonic, !listconcat(traits, [Pure,
                                            AllTypesMatch<["lhs", "result"]>])> {
  let summary = "elementwise " # mnemonic # " with broadcast of rhs";
  let description = "`result = " # formula # [{`. `rhs` broadcasts to
    `lhs`: aligned at the last dimension, each of its dimensions equals the
    one of `lhs` or is 1, and missing leading dimensions repeat (a
    per-channel vector over tokens, or a per-token gate `[T, 1]` over
    features).

    ```mlir
    %r = mgc.}] # mnemonic # [{ %a, %b : tensor<?x768xf32>, tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$lhs, Mgc_FloatTensor:$rhs);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)";
  let hasVerifier = 1;
}

def Mgc_AddOp : Mgc_BinaryOp<"add", "lhs + rhs">;
def Mgc_SubOp : Mgc_BinaryOp<"sub", "lhs - rhs">;
def Mgc_MulOp : Mgc_BinaryOp<"mul", "lhs * rhs">;
def Mgc_DivOp : Mgc_BinaryOp<"div", "lhs / rhs">;

def Mgc_LogitsOp : Mgc_Op<"logits", [Pure]> {
  let summary = "projects hidden states to vocabulary logits";
  let description = [{
    `result[t, v] = sum_k input[t, k] * weight[v, k]`, then, with
    `soft_cap = c`, `c * tanh(result / c)`. The weight may be the embedding
    table (tied embeddings). Logits are always f32.

    ```mlir
    %l = mgc.logits %h, %out : (tensor<?x768xf32>, tensor<32000x768xf32>)
        -> tensor<?x32000xf32>
    ```
  }];
  let arguments = (ins Mgc_FloatTensor:$input, Mgc_FloatTensor:$weight,
                       OptionalAttr<F64Attr>:$soft_cap);
  let results = (outs RankedTensorOf<[F32]>:$result);
  let assemblyFormat =
      "$input `,` $weight attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Core ops
//===----------------------------------------------------------------------===//

def Mgc_AttentionOp : Mgc_Op<"attention", [Pure, AttrSizedOperandSegments]> {
  let summary = "scaled dot-product attention, optionally over a KV cache";
  let description = [{
    `q` is `[tokens, num_heads * head_dim]`, `k` is
    `[tokens, num_kv_heads * head_dim]` and `v` is
    `[tokens, num_kv_heads * v_head_dim]`; the result is
    `[tokens, num_heads * v_head_dim]`. Query head `h` reads key/value head
    `h / (num_heads / num_kv_heads)`, which covers MHA, GQA and MQA. `v_head_dim`
    (default: `head_dim`) may differ from `head_dim`, as in DeepSeek's MLA.

    Without a cache, tokens attend to each other only. With a cache
    (`[num_kv_heads, capacity, head_dim]` for keys,
    `[num_kv_heads, capacity, v_head_dim]` for values) the new keys and values
    are written at positions `position ...` and every query attends over the
    cache up to its own position; the updated caches are returned.

    Options: `causal` or `bidirectional` masking, `window` (sliding window:
    a query at position p sees keys in (p - window, p]), `scale` (default
    `1 / sqrt(head_dim)`), `soft_cap` (`c * tanh(s / c)` on the scores) and
    `rope` (rotate q and k before caching).

    ```mlir
    %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc0, %vc0) at %pos
        {num_heads = 12, num_kv_heads = 4, head_dim = 64,
         rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>}
        : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>,
           tensor<4x512x64xf32>, tensor<4x512x64xf32>, index)
        -> (tensor<?x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
    ```
  }];
  let arguments = (ins
    Mgc_AttentionMask:$mask,
    Mgc_FloatTensor:$q, Mgc_FloatTensor:$k, Mgc_FloatTensor:$v,
    Optional<Mgc_FloatTensor>:$k_cache, Optional<Mgc_FloatTensor>:$v_cache,
    Optional<Index>:$position,
    I64Attr:$num_heads, I64Attr:$num_kv_heads, I64Attr:$head_dim,
    OptionalAttr<I64Attr>:$v_head_dim,
    OptionalAttr<I64Attr>:$window,
    OptionalAttr<F64Attr>:$scale,
    OptionalAttr<F64Attr>:$soft_cap,
    OptionalAttr<Mgc_RopeAttr>:$rope);
  // The updated caches (k then v) when caches are given; one variadic group
  // rather than two optional results keeps the functional-type syntax.
  let results = (outs Mgc_FloatTensor:$result,
                      Variadic<Mgc_FloatTensor>:$caches_out);
  let assemblyFormat = [{
    $mask $q `,` $k `,` $v
    (`cache` `(` $k_cache^ `,` $v_cache `)` `at` $position)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Head size of values: `v_head_dim` when given, else `head_dim`.
    int64_t getValueHeadDim() {
      return getVHeadDim() ? *getVHeadDim() : getHeadDim();
    }
    /// The updated key cache, or null without a cache.
    ::mlir::Value getKCacheOut() {
      return getCachesOut().size() == 2 ? getCachesOut()[0] : ::mlir::Value();
    }
    /// The updated value cache, or null without a cache.
    ::mlir::Value getVCacheOut() {
      return getCachesOut().size() == 2 ? getCachesOut()[1] : ::mlir::Value();
    }
  }];
}

def Mgc_RouteOp : Mgc_Op<"route", [Pure]> {
  let summary = "MoE router: picks top-k experts and their weights per token";
  let description = [{
    Computes router logits `input * gate^T` (`gate` is `[experts, hidden]`),
    scores them with `softmax` or `sigmoid`, and selects `top_k` experts per
    token. Selection may add a score-correction `bias` (DeepSeek-V3; the bias
    affects the choice, not the returned weights) and may be group-limited:
    experts form `n_group` groups of consecutive experts, a group scores the
    sum of its two best (biased) scores, and only the best `topk_group`
    groups are eligible. The chosen scores are renormalized to sum to one
    when `normalize` is set, then multiplied by `scale`. With
    `capacity_factor`, each expert takes at most `ceil(capacity_factor *
    tokens * top_k / experts)` tokens; overflowing assignments are dropped
    (weight 0), as in Switch and GShard, first choices before second ones
    and earlier tokens before later ones.

    Results: expert indices `[tokens, top_k]` (i32) and weights
    `[tokens, top_k]`.

    ```mlir
    %idx, %w = mgc.route softmax %h, %gate {top_k = 2, normalize}
        : (tensor<?x768xf32>, tensor<8x768xf32>)
        -> (tensor<?x2xi32>, tensor<?x2xf32>)
    ```
  }];
  let arguments = (ins
    Mgc_RouteScoring:$scoring,
    Mgc_FloatTensor:$input, Mgc_FloatTensor:$gate,
    Optional<Mgc_FloatTensor>:$bias,
    I64Attr:$top_k,
    UnitAttr:$normalize,
    DefaultValuedAttr<F64Attr, "1.0">:$scale,
    OptionalAttr<I64Attr>:$n_group,
    OptionalAttr<I64Attr>:$topk_group,
    OptionalAttr<F64Attr>:$capacity_factor);
  let results = (outs Mgc_IndexTensor:$indices, Mgc_FloatTensor:$weights);
  let assemblyFormat = [{
    $scoring $input `,` $gate (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mgc_ExpertOp : Mgc_Op<"expert", [Pure]> {
  let summary = "a bank of expert FFNs applied to routed tokens";
  let description = [{
    For each token `t` and each of its `k` routes,
    `y += weights[t, j] * ffn_e(input[t])` with `e = indices[t, j]`, where
    `ffn_e(x) = down_e(act(gate_e x) * up_e x)` for gated kinds (`swiglu`,
    `geglu`) and `down_e(act(up_e x))` otherwise. Weights are stacked per
    expert: `up` and `gate` are `[experts, ffn, hidden]`, `down` is
    `[experts, hidden, ffn]`. Only the selected experts contribute, so
    compiled code need only read their weights.

    ```mlir
    %y = mgc.expert swiglu %h, %idx, %w gate(%wg) up(%wu) down(%wd)
        : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>,
           tensor<8x2048x768xf32>, tensor<8x2048x768xf32>,
           tensor<8x768x2048xf32>) -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins
    Mgc_FfnKind:$kind,
    Mgc_FloatTensor:$input, Mgc_IndexTensor:$indices, Mgc_FloatTensor:$weights,
    Optional<Mgc_FloatTensor>:$gate, Mgc_FloatTensor:$up,
    Mgc_FloatTensor:$down);
  let results = (outs Mgc_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `,` $indices `,` $weights (`gate` `(` $gate^ `)`)?
    `up` `(` $up `)` `down` `(` $down `)` attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True for FFN kinds that multiply an activated gate projection.
    static bool isGated(::mgc::FfnKind kind) {
      return kind == ::mgc::FfnKind::swiglu || kind == ::mgc::FfnKind::geglu;
    }
    /// The element-wise activation an FFN of `kind` applies (to the gate
    /// projection for gated kinds).
    static ::mgc::ActivationKind activationOf(::mgc::FfnKind kind) {
      switch (kind) {
      case ::mgc::FfnKind::swiglu:
      case ::mgc::FfnKind::silu:
        return ::mgc::ActivationKind::silu;
      case ::mgc::FfnKind::geglu:
      case ::mgc::FfnKind::gelu:
        return ::mgc::ActivationKind::gelu;
      case ::mgc::FfnKind::gelu_tanh:
        return ::mgc::ActivationKind::gelu_tanh;
      case ::mgc::FfnKind::relu:
        return ::mgc::ActivationKind::relu;
      }
      return ::mgc::ActivationKind::silu;
    }
  }];
}

def Mgc_ScanOp : Mgc_Op<"scan", [Pure, AttrSizedOperandSegments]> {
  let summary = "a structured linear recurrence over tokens";
  let description = [{
    One op for every linear recurrence. Per head `h` the state is a
    `[P, N]` matrix and, for each token `t`,

        H_t = A_t(H_{t-1}) + x_t (x) b_t
        y_t = H_t c_t + d * x_t

    with `x` `[T, H, P]`, `b`, `c` `[T, G, N]` (`G` groups, each shared by
    `H / G` consecutive heads: head `h` reads group `h / (H / G)`) and the
    transition `A_t` chosen by the variant:

    | variant     | transition A_t(H)                    | decay operands                     |
    |-------------|--------------------------------------|------------------------------------|
    | `selective` | exp(dt * a) . H, per (p, n)          | `dt` [T,H,P], `decay` a [H,P,N]    |
    | `ssd`       | exp(dt * a) H, one scalar per head   | `dt` [T,H], `decay` a [H]          |
    | `rwkv`      | H diag(exp(a)), over keys n          | `decay` a [T,H,N] or [H,N] (log decay); `bonus` [H,N] |
    | `delta`     | H (diag(exp(a)) + alpha beta^T)      | `decay` a [T,H,N]; `rank1(alpha, beta)` [T,H,N] |
    | `lti`       | exp(a) . H, or exp(dt * a) . H       | `decay` a [H,P,N], optional `dt` [H,P]; `b`, `c` [G,N] |

    Where a `dt` operand is given (`selective`, `ssd`, `lti` with `dt`), the
    input term is scaled by it as well: `H_t = A_t(H_{t-1}) + (dt * x_t) (x) b_t`,
    while the skip term uses the unscaled input, `d * x_t`. For `rwkv` and
    `delta` (`G = H`, keys `b`, receptance `c`), `x` holds the values. `rwkv`
    reads the state before the update plus the current token's bonus:
    `y_t = (H_{t-1} + x_t (x) (bonus . b_t)) c_t`; every other variant reads
    the updated state, `y_t = H_t c_t + d * x_t`. `d` ([H,P] or [H]) is the
    optional skip term.

    Direction `forward` may carry state: the initial state `state(h0)`
    (`[H, P, N]`) makes the op also return the final state, for decode.
    `bidirectional` adds a backward scan with the same operands over the same
    sequence, `y_t = y_fwd_t + y_bwd_t`, and is stateless. (Hydra uses its own
    dt, B and C per direction, so mgc lowers it to two forward scans, one over
    `mgc.reverse`d inputs.)

    ```mlir
    %y, %h1 = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) d(%d)
        state(%h0)
        : (tensor<?x24x64xf32>, tensor<?x24xf32>, tensor<24xf32>,
           tensor<?x1x128xf32>, tensor<?x1x128xf32>, tensor<24xf32>,
           tensor<24x64x128xf32>) -> (tensor<?x24x64xf32>, tensor<24x64x128xf32>)
    ```
  }];
  let arguments = (ins
    Mgc_ScanVariant:$variant, Mgc_ScanDirection:$direction,
    Mgc_FloatTensor:$x,
    Optional<Mgc_FloatTensor>:$dt,
    Mgc_FloatTensor:$decay,
    Mgc_FloatTensor:$b,
    Mgc_FloatTensor:$c,
    Optional<Mgc_FloatTensor>:$d,
    Optional<Mgc_FloatTensor>:$bonus,
    Optional<Mgc_FloatTensor>:$alpha,
    Optional<Mgc_FloatTensor>:$beta,
    Optional<Mgc_FloatTensor>:$state);
  let results = (outs Mgc_FloatTensor:$result,
                      Optional<Mgc_FloatTensor>:$state_out);
  let assemblyFormat = [{
    $variant $direction $x (`dt` `(` $dt^ `)`)? `decay` `(` $decay `)`
    `b` `(` $b `)` `c` `(` $c `)` (`d` `(` $d^ `)`)?
    (`bonus` `(` $bonus^ `)`)? (`rank1` `(` $alpha^ `,` $beta `)`)?
    (`state` `(` $state^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernel level
//===----------------------------------------------------------------------===//

def Mgc_KernelOp : Mgc_Op<"kernel", [IsolatedFromAbove, SingleBlock]> {
  let summary = "a fused group of ops compiled as one kernel";
  let description = [{
    Produced by outlining: the body computes `results` from the block
    arguments, which are bound to `inputs`. Codegen turns each kernel into one
    Halide pipeline, scheduled by its `schedule` attribute.

    ```mlir
    %y = mgc.kernel "layers.0.ffn" ins(%h, %wu, %wd : tensor<?x768xf32>,
        tensor<2048x768xf32>, tensor<768x2048xf32>) -> tensor<?x768xf32>
        attributes {schedule = #mgc.schedule<decode, tiles = [1, 64],
                    vector = 16, unroll = 1, parallel = [1], threads = 2>} {
    ^bb0(%x: tensor<?x768xf32>, %u: tensor<2048x768xf32>,
         %d: tensor<768x2048xf32>):
      ...
      mgc.yield %r : tensor<?x768xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<AnyType>:$inputs,
                       OptionalAttr<Mgc_ScheduleAttr>:$schedule);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $name `ins` `(` ($inputs^ `:` type($inputs))? `)`
    (`->` type($results)^)? attr-dict-with-keyword $body
  }];
  let extraClassDeclaration = [{
    /// The body's compute ops, in order: all but the yield and the
    /// constants (copies of operands, not work).
    ::llvm::SmallVector<::mlir::Operation *> getComputeOps();
  }];
  let hasVerifier = 1;
}

def Mgc_YieldOp : Mgc_Op<"yield", [Pure, Terminator, ReturnLike,
                                    HasParent<"KernelOp">]> {
  let summary = "returns the results of a kernel body";
  let description = [{
    Terminates the body of an `mgc.kernel`; its operands become the kernel's
    results, in order and with the same types.

    ```mlir
    mgc.yield %y : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // MGC_OPS_TD
