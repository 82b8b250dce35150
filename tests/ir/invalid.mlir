// RUN: mgc-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the mgc ops and of the module's `mgc.target` attribute.
// Errors raised while parsing #mgc.rope, #mgc.target and #mgc.schedule are in
// invalid-attrs.mlir.

//===----------------------------------------------------------------------===//
// mgc.param
//===----------------------------------------------------------------------===//

// A weight must be named.
func.func @param_empty_name() {
  // expected-error @+1 {{'mgc.param' op weight name must not be empty}}
  %w = mgc.param "" : tensor<4xf32>
  return
}

// -----

// Weights have static shapes.
func.func @param_dynamic_shape() {
  // expected-error @+1 {{'mgc.param' op weight 'w' must have a static shape, got 'tensor<?x4xf32>'}}
  %w = mgc.param "w" : tensor<?x4xf32>
  return
}

// -----

// A concatenated weight names its parts and their rows alike.
func.func @param_parts_without_rows() {
  // expected-error @+1 {{'mgc.param' op weight 'a+b' needs 'parts' and 'part_rows' of one equal length, at least 2}}
  %w = mgc.param "a+b" {parts = ["a", "b"]} : tensor<4x4xf32>
  return
}

// -----

// Its parts' rows add up to its own.
func.func @param_parts_rows() {
  // expected-error @+1 {{'mgc.param' op weight 'a+b' has 4 rows, its parts 5}}
  %w = mgc.param "a+b" {parts = ["a", "b"], part_rows = array<i64: 2, 3>} : tensor<4x4xf32>
  return
}

// -----

// Weights are float tensors (ODS type constraint).
func.func @param_integer_type() {
  // expected-error @+1 {{'mgc.param' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %w = mgc.param "w" : tensor<4xi32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.state
//===----------------------------------------------------------------------===//

// -----

// State buffers have static shapes.
// expected-error @+1 {{'mgc.state' op state @s must have a static, non-empty shape, got 'tensor<4x?x64xf32>'}}
mgc.state kv_cache @s : tensor<4x?x64xf32>

// -----

// A KV cache is [kv_heads, capacity, head_dim].
// expected-error @+1 {{'mgc.state' op kv_cache state @k must be [kv_heads, capacity, head_dim], got 'tensor<256x64xf32>'}}
mgc.state kv_cache @k : tensor<256x64xf32>

// -----

// A recurrent state is [heads, P, N].
// expected-error @+1 {{'mgc.state' op recurrent state @h must be [heads, P, N], got 'tensor<4x8x16x2xf32>'}}
mgc.state recurrent @h : tensor<4x8x16x2xf32>

// -----

// A convolution state is [width - 1, channels].
// expected-error @+1 {{'mgc.state' op conv state @c must be [width - 1, channels], got 'tensor<3x4x8xf32>'}}
mgc.state conv @c : tensor<3x4x8xf32>

// -----

// State kinds are keywords (ODS enum parser).
// expected-error @+1 {{custom op 'mgc.state' expected string or keyword containing one of the following enum values for attribute 'kind' [kv_cache, recurrent, conv]}}
mgc.state window @w : tensor<3x8xf32>

// -----

// State is a ranked float tensor (ODS type constraint).
// expected-error @+1 {{'mgc.state' op attribute 'type' failed to satisfy constraint: type attribute of ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
mgc.state recurrent @h : tensor<*xf32>

// -----

// State is declared at module level only.
func.func @state_in_function() {
  // expected-error @+1 {{'mgc.state' op expects parent op 'builtin.module'}}
  mgc.state conv @c : tensor<3x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.state_read / mgc.state_write
//===----------------------------------------------------------------------===//

// -----

// Reading an undeclared state.
func.func @state_read_unknown() {
  // expected-error @+1 {{'mgc.state_read' op @missing does not name an mgc.state}}
  %0 = mgc.state_read @missing : tensor<3x8xf32>
  return
}

// -----

// Reading a symbol that is not a state.
func.func @not_a_state() {
  return
}
func.func @state_read_not_state() {
  // expected-error @+1 {{'mgc.state_read' op @not_a_state does not name an mgc.state}}
  %0 = mgc.state_read @not_a_state : tensor<3x8xf32>
  return
}

// -----

// Reads have the declared type.
mgc.state conv @c : tensor<3x8xf32>
func.func @state_read_type() {
  // expected-error @+1 {{'mgc.state_read' op type 'tensor<3x16xf32>' does not match @c declared as 'tensor<3x8xf32>'}}
  %0 = mgc.state_read @c : tensor<3x16xf32>
  return
}

// -----

// Writing an undeclared state.
func.func @state_write_unknown(%v: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.state_write' op @missing does not name an mgc.state}}
  mgc.state_write %v, @missing : tensor<3x8xf32>
  return
}

// -----

// Writing a symbol that is not a state.
func.func @state_write_not_state(%v: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.state_write' op @state_write_not_state does not name an mgc.state}}
  mgc.state_write %v, @state_write_not_state : tensor<3x8xf32>
  return
}

// -----

// Writes have the declared type, element type included.
mgc.state conv @c : tensor<3x8xf32>
func.func @state_write_type(%v: tensor<3x8xf16>) {
  // expected-error @+1 {{'mgc.state_write' op type 'tensor<3x8xf16>' does not match @c declared as 'tensor<3x8xf32>'}}
  mgc.state_write %v, @c : tensor<3x8xf16>
  return
}

//===----------------------------------------------------------------------===//
// mgc.embed
//===----------------------------------------------------------------------===//

// -----

// The table is [vocab, hidden].
func.func @embed_table_rank(%t: tensor<?xi32>, %table: tensor<32000xf32>) {
  // expected-error @+1 {{'mgc.embed' op 'table' must have rank 2 [vocab, hidden], got 'tensor<32000xf32>'}}
  %h = mgc.embed %t, %table : (tensor<?xi32>, tensor<32000xf32>) -> tensor<?x768xf32>
  return
}

// -----

// One row of hidden size per token.
func.func @embed_result_hidden(%t: tensor<?xi32>, %table: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.embed' op 'result' must be [T, hidden] = [?, 768], got 'tensor<?x512xf32>'}}
  %h = mgc.embed %t, %table : (tensor<?xi32>, tensor<32000x768xf32>) -> tensor<?x512xf32>
  return
}

// -----

// One row per token.
func.func @embed_result_tokens(%t: tensor<4xi32>, %table: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.embed' op 'result' must be [T, hidden] = [4, 768], got 'tensor<5x768xf32>'}}
  %h = mgc.embed %t, %table : (tensor<4xi32>, tensor<32000x768xf32>) -> tensor<5x768xf32>
  return
}

// -----

// Token ids are i32 (ODS type constraint).
func.func @embed_i64_tokens(%t: tensor<?xi64>, %table: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.embed' op operand #0 must be 1D tensor of 32-bit signless integer values, but got 'tensor<?xi64>'}}
  %h = mgc.embed %t, %table : (tensor<?xi64>, tensor<32000x768xf32>) -> tensor<?x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.norm
//===----------------------------------------------------------------------===//

// -----

// Norms reduce over a static last dimension.
func.func @norm_dynamic_hidden(%x: tensor<4x?xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'input' must have a static last dimension, got 'tensor<4x?xf32>'}}
  %n = mgc.norm rms %x {eps = 1.0e-05} : (tensor<4x?xf32>) -> tensor<4x?xf32>
  return
}

// -----

// A rank-0 input has no last dimension.
func.func @norm_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'mgc.norm' op 'input' must have a static last dimension, got 'tensor<f32>'}}
  %n = mgc.norm rms %x {eps = 1.0e-05} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

// The weight has the size of the last dimension.
func.func @norm_weight_shape(%x: tensor<?x768xf32>, %w: tensor<512xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'weight' 'tensor<512xf32>' must have the shape of a suffix of the input 'tensor<?x768xf32>' ending at its last dimension}}
  %n = mgc.norm rms %x weight %w {eps = 1.0e-05} : (tensor<?x768xf32>, tensor<512xf32>) -> tensor<?x768xf32>
  return
}

// -----

// RMS norm has no bias.
func.func @norm_rms_bias(%x: tensor<?x768xf32>, %w: tensor<768xf32>, %b: tensor<768xf32>) {
  // expected-error @+1 {{'mgc.norm' op rms norm takes no bias; use 'layer' for a norm with bias}}
  %n = mgc.norm rms %x weight %w bias %b {eps = 1.0e-05} : (tensor<?x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The layer-norm bias has the size of the last dimension.
func.func @norm_bias_shape(%x: tensor<?x768xf32>, %w: tensor<768xf32>, %b: tensor<1x768xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'bias' 'tensor<1x768xf32>' must have the shape of a suffix of the input 'tensor<?x768xf32>' ending at its last dimension}}
  %n = mgc.norm layer %x weight %w bias %b {eps = 1.0e-05} : (tensor<?x768xf32>, tensor<768xf32>, tensor<1x768xf32>) -> tensor<?x768xf32>
  return
}

// -----

// eps must be positive.
func.func @norm_eps(%x: tensor<?x768xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'eps' must be positive, got 0.000000e+00}}
  %n = mgc.norm layer %x {eps = 0.0} : (tensor<?x768xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The result has the input's type.
func.func @norm_result_type(%x: tensor<?x768xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'result' must have the type of 'input' ('tensor<?x768xf32>'), got 'tensor<?x768xbf16>'}}
  %n = mgc.norm rms %x {eps = 1.0e-05} : (tensor<?x768xf32>) -> tensor<?x768xbf16>
  return
}

// -----

// Norm kinds are keywords (ODS enum parser).
func.func @norm_unknown_kind(%x: tensor<?x768xf32>) {
  // expected-error @+1 {{custom op 'mgc.norm' expected string or keyword containing one of the following enum values for attribute 'kind' [rms, layer]}}
  %n = mgc.norm foo %x {eps = 1.0e-05} : (tensor<?x768xf32>) -> tensor<?x768xf32>
  return
}

// -----

// eps is required (ODS attribute constraint).
func.func @norm_missing_eps(%x: tensor<?x768xf32>) {
  // expected-error @+1 {{'mgc.norm' op requires attribute 'eps'}}
  %n = mgc.norm rms %x : (tensor<?x768xf32>) -> tensor<?x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.linear
//===----------------------------------------------------------------------===//

// -----

// Every head has a block of rows.
func.func @head_linear_blocks(%x: tensor<?x4x8xf32>, %w: tensor<60x32xf32>) {
  // expected-error @+1 {{'mgc.head_linear' op 'weight' 'tensor<60x32xf32>' does not hold 4 blocks of 16 rows}}
  %y = mgc.head_linear %x, %w {block = 16, offset = 0, transpose} : (tensor<?x4x8xf32>, tensor<60x32xf32>) -> tensor<?x4x32xf32>
  return
}

// -----

// The rows used lie inside the block.
func.func @head_linear_rows(%x: tensor<?x4x8xf32>, %w: tensor<64x32xf32>) {
  // expected-error @+1 {{'mgc.head_linear' op rows 12 .. 20 do not fit a block of 16}}
  %y = mgc.head_linear %x, %w {block = 16, offset = 12, transpose} : (tensor<?x4x8xf32>, tensor<64x32xf32>) -> tensor<?x4x32xf32>
  return
}

// -----

// Without transpose the input's features are the weight's columns.
func.func @head_linear_columns(%x: tensor<?x4x8xf32>, %w: tensor<64x32xf32>) {
  // expected-error @+1 {{'mgc.head_linear' op 'weight' has 32 columns, the input needs 8}}
  %y = mgc.head_linear %x, %w {block = 16, offset = 0} : (tensor<?x4x8xf32>, tensor<64x32xf32>) -> tensor<?x4x4xf32>
  return
}

// -----

// The result keeps the tokens and heads.
func.func @head_linear_result(%x: tensor<?x4x8xf32>, %w: tensor<64x32xf32>) {
  // expected-error @+1 {{'mgc.head_linear' op 'result' must be [T, heads, out]}}
  %y = mgc.head_linear %x, %w {block = 16, offset = 0, transpose} : (tensor<?x4x8xf32>, tensor<64x32xf32>) -> tensor<?x128xf32>
  return
}

// -----

// The weight is a matrix.
func.func @linear_weight_rank(%x: tensor<?x768xf32>, %w: tensor<768xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'weight' must have rank 2 [out, in], got 'tensor<768xf32>'}}
  %y = mgc.linear %x, %w : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?xf32>
  return
}

// -----

// The contracted dimension is static.
func.func @linear_dynamic_features(%x: tensor<4x?xf32>, %w: tensor<256x768xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'input' must have a static last dimension, got 'tensor<4x?xf32>'}}
  %y = mgc.linear %x, %w : (tensor<4x?xf32>, tensor<256x768xf32>) -> tensor<4x256xf32>
  return
}

// -----

// Weights are stored [out, in]: the input's features match 'in'.
func.func @linear_features(%x: tensor<?x256xf32>, %w: tensor<256x768xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'input' has 256 features but 'weight' 'tensor<256x768xf32>' expects 768 (weight is [out, in])}}
  %y = mgc.linear %x, %w : (tensor<?x256xf32>, tensor<256x768xf32>) -> tensor<?x256xf32>
  return
}

// -----

// The bias has one entry per output.
func.func @linear_bias(%x: tensor<?x768xf32>, %w: tensor<256x768xf32>, %b: tensor<768xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'bias' must be [out] = [256], got 'tensor<768xf32>'}}
  %y = mgc.linear %x, %w bias %b : (tensor<?x768xf32>, tensor<256x768xf32>, tensor<768xf32>) -> tensor<?x256xf32>
  return
}

// -----

// The result replaces the last dimension by 'out'.
func.func @linear_result(%x: tensor<2x?x768xf32>, %w: tensor<256x768xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'result' must be [..., out] = [2, ?, 256], got 'tensor<2x?x768xf32>'}}
  %y = mgc.linear %x, %w : (tensor<2x?x768xf32>, tensor<256x768xf32>) -> tensor<2x?x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.rope
//===----------------------------------------------------------------------===//

// -----

// head_dim must be positive.
func.func @rope_head_dim(%q: tensor<?x768xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.rope' op 'head_dim' must be positive, got 0}}
  %r = mgc.rope %q at %pos {head_dim = 0, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>} : tensor<?x768xf32>
  return
}

// -----

// The input is [T, heads * head_dim].
func.func @rope_rank(%q: tensor<?x12x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.rope' op 'input' must have rank 2 [T, heads * head_dim], got 'tensor<?x12x64xf32>'}}
  %r = mgc.rope %q at %pos {head_dim = 64, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>} : tensor<?x12x64xf32>
  return
}

// -----

// The feature dimension is static.
func.func @rope_dynamic_features(%q: tensor<4x?xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.rope' op 'input' must have a static last dimension, got 'tensor<4x?xf32>'}}
  %r = mgc.rope %q at %pos {head_dim = 64, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>} : tensor<4x?xf32>
  return
}

// -----

// The features split into whole heads.
func.func @rope_features(%q: tensor<?x100xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.rope' op 'input' has 100 features, not a multiple of head_dim 64}}
  %r = mgc.rope %q at %pos {head_dim = 64, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>} : tensor<?x100xf32>
  return
}

// -----

// Only dimensions of the head can rotate.
func.func @rope_rotary_dim(%q: tensor<?x128xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.rope' op rope rotary_dim 64 exceeds head_dim 32}}
  %r = mgc.rope %q at %pos {head_dim = 32, rope = #mgc.rope<theta = 10000.0, rotary_dim = 64, style = half>} : tensor<?x128xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.conv1d
//===----------------------------------------------------------------------===//

// -----

// The input is [T, channels].
func.func @conv1d_input_rank(%x: tensor<?x2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'input' must have rank 2 [T, channels], got 'tensor<?x2x8xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x2x8xf32>, tensor<8x4xf32>) -> tensor<?x2x8xf32>
  return
}

// -----

// The channel count is static.
func.func @conv1d_dynamic_channels(%x: tensor<?x?xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'input' must have a static last dimension, got 'tensor<?x?xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x?xf32>, tensor<8x4xf32>) -> tensor<?x?xf32>
  return
}

// -----

// The weight is [channels, width].
func.func @conv1d_weight_rank(%x: tensor<?x8xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'weight' must have rank 2 [channels, width], got 'tensor<4xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x8xf32>, tensor<4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// One filter per channel.
func.func @conv1d_weight_channels(%x: tensor<?x8xf32>, %w: tensor<16x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'weight' must be [channels, width] = [8, 4], got 'tensor<16x4xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x8xf32>, tensor<16x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// One bias per channel.
func.func @conv1d_bias(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'bias' must be [channels] = [8], got 'tensor<4xf32>'}}
  %y = mgc.conv1d %x, %w bias %b : (tensor<?x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// A state operand comes with a state result.
func.func @conv1d_state_without_result(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>, %s: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op a state operand and a state result go together}}
  %y = mgc.conv1d %x, %w state(%s) : (tensor<?x8xf32>, tensor<8x4xf32>, tensor<3x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

// A state result comes with a state operand.
func.func @conv1d_result_without_state(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op a state operand and a state result go together}}
  %y, %s1 = mgc.conv1d %x, %w : (tensor<?x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<3x8xf32>)
  return
}

// -----

// A width-1 convolution looks at no earlier tokens.
func.func @conv1d_width1_state(%x: tensor<?x8xf32>, %w: tensor<8x1xf32>, %s: tensor<0x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op a width-1 convolution has no state to carry}}
  %y, %s1 = mgc.conv1d %x, %w state(%s) : (tensor<?x8xf32>, tensor<8x1xf32>, tensor<0x8xf32>) -> (tensor<?x8xf32>, tensor<0x8xf32>)
  return
}

// -----

// The state holds the last width - 1 tokens.
func.func @conv1d_state_shape(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'state' must be [width - 1, channels] = [3, 8], got 'tensor<4x8xf32>'}}
  %y, %s1 = mgc.conv1d %x, %w state(%s) : (tensor<?x8xf32>, tensor<8x4xf32>, tensor<4x8xf32>) -> (tensor<?x8xf32>, tensor<4x8xf32>)
  return
}

// -----

// The returned state has the type of the state operand.
func.func @conv1d_state_out(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>, %s: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'state_out' must have the type of 'state' ('tensor<3x8xf32>'), got 'tensor<3x8xf16>'}}
  %y, %s1 = mgc.conv1d %x, %w state(%s) : (tensor<?x8xf32>, tensor<8x4xf32>, tensor<3x8xf32>) -> (tensor<?x8xf32>, tensor<3x8xf16>)
  return
}

// -----

// The result has the input's type.
func.func @conv1d_result(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'result' must have the type of 'input' ('tensor<?x8xf32>'), got 'tensor<4x8xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<4x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.add / mgc.sub / mgc.mul
//===----------------------------------------------------------------------===//

// -----

// Both operands have one element type.
func.func @add_element_type(%a: tensor<?x768xf32>, %b: tensor<768xf16>) {
  // expected-error @+1 {{'mgc.add' op operands must have one element type, got 'tensor<?x768xf32>' and 'tensor<768xf16>'}}
  %r = mgc.add %a, %b : tensor<?x768xf32>, tensor<768xf16>
  return
}

// -----

// Each rhs size matches lhs or is 1.
func.func @sub_broadcast(%a: tensor<?x768xf32>, %b: tensor<?x2xf32>) {
  // expected-error @+1 {{'mgc.sub' op 'rhs' 'tensor<?x2xf32>' does not broadcast to 'lhs' 'tensor<?x768xf32>': aligned at the last dimension, each size must match or be 1}}
  %r = mgc.sub %a, %b : tensor<?x768xf32>, tensor<?x2xf32>
  return
}

// -----

// rhs has at most the rank of lhs.
func.func @mul_rank(%a: tensor<768xf32>, %b: tensor<4x768xf32>) {
  // expected-error @+1 {{'mgc.mul' op 'rhs' 'tensor<4x768xf32>' does not broadcast to 'lhs' 'tensor<768xf32>': aligned at the last dimension, each size must match or be 1}}
  %r = mgc.mul %a, %b : tensor<768xf32>, tensor<4x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.logits
//===----------------------------------------------------------------------===//

// -----

// The input is [T, hidden].
func.func @logits_input_rank(%h: tensor<768xf32>, %w: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.logits' op 'input' must have rank 2 [T, hidden], got 'tensor<768xf32>'}}
  %l = mgc.logits %h, %w : (tensor<768xf32>, tensor<32000x768xf32>) -> tensor<32000xf32>
  return
}

// -----

// The weight is [vocab, hidden].
func.func @logits_weight_rank(%h: tensor<?x768xf32>, %w: tensor<32000x12x64xf32>) {
  // expected-error @+1 {{'mgc.logits' op 'weight' must have rank 2 [vocab, hidden], got 'tensor<32000x12x64xf32>'}}
  %l = mgc.logits %h, %w : (tensor<?x768xf32>, tensor<32000x12x64xf32>) -> tensor<?x32000xf32>
  return
}

// -----

// The hidden sizes agree.
func.func @logits_hidden(%h: tensor<?x512xf32>, %w: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.logits' op 'input' must be [T, hidden] = [?, 768], got 'tensor<?x512xf32>'}}
  %l = mgc.logits %h, %w : (tensor<?x512xf32>, tensor<32000x768xf32>) -> tensor<?x32000xf32>
  return
}

// -----

// One logit per token and vocabulary entry.
func.func @logits_result(%h: tensor<?x768xf32>, %w: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.logits' op 'result' must be [T, vocab] = [?, 32000], got 'tensor<?x32768xf32>'}}
  %l = mgc.logits %h, %w : (tensor<?x768xf32>, tensor<32000x768xf32>) -> tensor<?x32768xf32>
  return
}

// -----

// The soft cap must be positive.
func.func @logits_soft_cap(%h: tensor<?x768xf32>, %w: tensor<32000x768xf32>) {
  // expected-error @+1 {{'mgc.logits' op 'soft_cap' must be positive, got -3.000000e+01}}
  %l = mgc.logits %h, %w {soft_cap = -30.0} : (tensor<?x768xf32>, tensor<32000x768xf32>) -> tensor<?x32000xf32>
  return
}

// -----

// Logits are f32 (ODS type constraint).
func.func @logits_f16(%h: tensor<?x768xf16>, %w: tensor<32000x768xf16>) {
  // expected-error @+1 {{'mgc.logits' op result #0 must be ranked tensor of 32-bit float values, but got 'tensor<?x32000xf16>'}}
  %l = mgc.logits %h, %w : (tensor<?x768xf16>, tensor<32000x768xf16>) -> tensor<?x32000xf16>
  return
}

//===----------------------------------------------------------------------===//
// mgc.attention
//===----------------------------------------------------------------------===//

// -----

// num_heads must be positive.
func.func @attention_num_heads(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'num_heads' must be positive, got 0}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 0, num_kv_heads = 4, head_dim = 64} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// num_kv_heads must be positive.
func.func @attention_num_kv_heads(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'num_kv_heads' must be positive, got 0}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 0, head_dim = 64} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// head_dim must be positive.
func.func @attention_head_dim(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'head_dim' must be positive, got -64}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = -64} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// v_head_dim must be positive.
func.func @attention_v_head_dim(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'v_head_dim' must be positive, got 0}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, v_head_dim = 0} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Query heads are shared evenly among key/value heads.
func.func @attention_gqa(%q: tensor<?x768xf32>, %k: tensor<?x320xf32>, %v: tensor<?x320xf32>) {
  // expected-error @+1 {{'mgc.attention' op num_heads 12 must be a multiple of num_kv_heads 5}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 5, head_dim = 64} : (tensor<?x768xf32>, tensor<?x320xf32>, tensor<?x320xf32>) -> tensor<?x768xf32>
  return
}

// -----

// q is [T, num_heads * head_dim], not split by head.
func.func @attention_q_rank(%q: tensor<?x12x64xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'q' must have rank 2 [T, num_heads * head_dim], got 'tensor<?x12x64xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<?x12x64xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// q has num_heads * head_dim features.
func.func @attention_q_shape(%q: tensor<?x512xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'q' must be [T, num_heads * head_dim] = [?, 768], got 'tensor<?x512xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<?x512xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// k has num_kv_heads * head_dim features.
func.func @attention_k_shape(%q: tensor<?x768xf32>, %k: tensor<?x768xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'k' must be [T, num_kv_heads * head_dim] = [?, 256], got 'tensor<?x768xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<?x768xf32>, tensor<?x768xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// k has as many tokens as q.
func.func @attention_k_tokens(%q: tensor<4x768xf32>, %k: tensor<5x256xf32>, %v: tensor<4x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'k' must be [T, num_kv_heads * head_dim] = [4, 256], got 'tensor<5x256xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<4x768xf32>, tensor<5x256xf32>, tensor<4x256xf32>) -> tensor<4x768xf32>
  return
}

// -----

// v has num_kv_heads * v_head_dim features.
func.func @attention_v_shape(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'v' must be [T, num_kv_heads * v_head_dim] = [?, 512], got 'tensor<?x256xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, v_head_dim = 128} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x1536xf32>
  return
}

// -----

// The result has num_heads * v_head_dim features.
func.func @attention_result_shape(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x512xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'result' must be [T, num_heads * v_head_dim] = [?, 1536], got 'tensor<?x768xf32>'}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, v_head_dim = 128} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x512xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Both caches and the position are given together.
func.func @attention_partial_cache(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op k_cache, v_cache and position go together}}
  %o, %kc1 = mgc.attention causal %q, %k, %v cache(%kc, ) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// Caches are given without a position.
func.func @attention_cache_no_position(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>) {
  // expected-error @+1 {{'mgc.attention' op k_cache, v_cache and position go together}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// Updated caches are returned when caches are given.
func.func @attention_cache_no_results(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op returns 0 updated caches; expected 2 (k and v) since caches are given}}
  %o = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, index) -> tensor<1x768xf32>
  return
}

// -----

// Both updated caches are returned, k then v.
func.func @attention_one_cache_result(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op returns 1 updated caches; expected 2 (k and v) since caches are given}}
  %o, %kc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// Updated caches are returned only when caches are given.
func.func @attention_results_no_cache(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op returns 2 updated caches; expected none since no caches are given}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// Bidirectional attention does not decode.
func.func @attention_bidirectional_cache(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op bidirectional attention cannot use a KV cache: later tokens would change earlier outputs}}
  %o, %kc1, %vc1 = mgc.attention bidirectional %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// The key cache is [num_kv_heads, capacity, head_dim].
func.func @attention_k_cache_rank(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<512x256xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 'k_cache' must have rank 3 [num_kv_heads, capacity, head_dim], got 'tensor<512x256xf32>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<512x256xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<512x256xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// A KV cache has a fixed capacity.
func.func @attention_dynamic_capacity(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x?x64xf32>, %vc: tensor<4x?x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op KV cache capacity must be static and non-zero, got 'tensor<4x?x64xf32>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x?x64xf32>, tensor<4x?x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x?x64xf32>, tensor<4x?x64xf32>)
  return
}

// -----

// The key cache holds num_kv_heads heads of head_dim.
func.func @attention_k_cache_shape(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<12x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 'k_cache' must be [num_kv_heads, capacity, head_dim] = [4, 512, 64], got 'tensor<12x512x64xf32>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<12x512x64xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<12x512x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// The value cache has the key cache's capacity and v_head_dim.
func.func @attention_v_cache_shape(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x256x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 'v_cache' must be [num_kv_heads, capacity, v_head_dim] = [4, 512, 64], got 'tensor<4x256x64xf32>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x256x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x256x64xf32>)
  return
}

// -----

// The updated key cache has the key cache's type.
func.func @attention_k_cache_out(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 'k_cache_out' must have the type of 'k_cache' ('tensor<4x512x64xf32>'), got 'tensor<4x513x64xf32>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x513x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// The updated value cache has the value cache's type.
func.func @attention_v_cache_out(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 'v_cache_out' must have the type of 'v_cache' ('tensor<4x512x64xf32>'), got 'tensor<4x512x64xf16>'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, index) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf16>)
  return
}

// -----

// A prefill longer than the cache cannot be cached.
func.func @attention_cache_overflow(%q: tensor<16x768xf32>, %k: tensor<16x256xf32>, %v: tensor<16x256xf32>, %kc: tensor<4x8x64xf32>, %vc: tensor<4x8x64xf32>, %pos: index) {
  // expected-error @+1 {{'mgc.attention' op 16 tokens do not fit a KV cache of 8 positions}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<16x768xf32>, tensor<16x256xf32>, tensor<16x256xf32>, tensor<4x8x64xf32>, tensor<4x8x64xf32>, index) -> (tensor<16x768xf32>, tensor<4x8x64xf32>, tensor<4x8x64xf32>)
  return
}

// -----

// A sliding window is positive.
func.func @attention_window(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'window' must be positive, got 0}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, window = 0} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// A sliding window looks back only.
func.func @attention_window_bidirectional(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op a sliding window needs causal masking}}
  %o = mgc.attention bidirectional %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, window = 128} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The score scale is positive.
func.func @attention_scale(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'scale' must be positive, got 0.000000e+00}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, scale = 0.0} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The score soft cap is positive.
func.func @attention_soft_cap(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op 'soft_cap' must be positive, got -5.000000e+01}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, soft_cap = -50.0} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// RoPE rotates at most the whole head.
func.func @attention_rope_rotary_dim(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{'mgc.attention' op rope rotary_dim 128 exceeds head_dim 64}}
  %o = mgc.attention causal %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64, rope = #mgc.rope<theta = 10000.0, rotary_dim = 128, style = half>} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Masks are keywords (ODS enum parser).
func.func @attention_unknown_mask(%q: tensor<?x768xf32>, %k: tensor<?x256xf32>, %v: tensor<?x256xf32>) {
  // expected-error @+1 {{custom op 'mgc.attention' expected string or keyword containing one of the following enum values for attribute 'mask' [causal, bidirectional]}}
  %o = mgc.attention sliding %q, %k, %v {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<?x768xf32>, tensor<?x256xf32>, tensor<?x256xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The position is an index (ODS type constraint).
func.func @attention_position_type(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>, %pos: i64) {
  // expected-error @+1 {{'mgc.attention' op operand #5 must be index, but got 'i64'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) at %pos {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>, i64) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
  return
}

//===----------------------------------------------------------------------===//
// mgc.route
//===----------------------------------------------------------------------===//

// -----

// A cache is written at a position (ODS optional group).
func.func @attention_cache_without_at(%q: tensor<1x768xf32>, %k: tensor<1x256xf32>, %v: tensor<1x256xf32>, %kc: tensor<4x512x64xf32>, %vc: tensor<4x512x64xf32>) {
  // expected-error @+1 {{expected 'at'}}
  %o, %kc1, %vc1 = mgc.attention causal %q, %k, %v cache(%kc, %vc) {num_heads = 12, num_kv_heads = 4, head_dim = 64} : (tensor<1x768xf32>, tensor<1x256xf32>, tensor<1x256xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>) -> (tensor<1x768xf32>, tensor<4x512x64xf32>, tensor<4x512x64xf32>)
  return
}

// -----

// The gate is [experts, hidden].
func.func @route_gate_rank(%h: tensor<?x768xf32>, %g: tensor<768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'gate' must have rank 2 [experts, hidden], got 'tensor<768xf32>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<?x768xf32>, tensor<768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// The input is [T, hidden].
func.func @route_input_rank(%h: tensor<768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'input' must have rank 2 [T, hidden], got 'tensor<768xf32>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// Input and gate agree on the hidden size.
func.func @route_hidden(%h: tensor<?x512xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'input' must be [T, hidden] = [?, 768], got 'tensor<?x512xf32>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<?x512xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// One score-correction bias per expert.
func.func @route_bias(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{'mgc.route' op 'bias' must be [experts] = [8], got 'tensor<16xf32>'}}
  %i, %w = mgc.route sigmoid %h, %g bias %b {top_k = 2} : (tensor<?x768xf32>, tensor<8x768xf32>, tensor<16xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// A token picks at least one expert.
func.func @route_top_k_zero(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op top_k must be in [1, 8] (the number of experts), got 0}}
  %i, %w = mgc.route softmax %h, %g {top_k = 0} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x0xi32>, tensor<?x0xf32>)
  return
}

// -----

// A token picks at most every expert.
func.func @route_top_k_large(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op top_k must be in [1, 8] (the number of experts), got 9}}
  %i, %w = mgc.route softmax %h, %g {top_k = 9} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x9xi32>, tensor<?x9xf32>)
  return
}

// -----

// Group-limited routing needs both group counts.
func.func @route_n_group_alone(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op n_group and topk_group go together}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, n_group = 4} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// topk_group needs n_group.
func.func @route_topk_group_alone(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op n_group and topk_group go together}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, topk_group = 2} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// Groups split the experts evenly.
func.func @route_n_group_divides(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op n_group 3 must divide the 8 experts}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, n_group = 3, topk_group = 1} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// There is at least one group.
func.func @route_n_group_zero(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op n_group 0 must divide the 8 experts}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, n_group = 0, topk_group = 1} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// At most every group is kept.
func.func @route_topk_group(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op topk_group must be in [1, 4], got 5}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, n_group = 4, topk_group = 5} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// At least one group is kept.
func.func @route_topk_group_zero(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op topk_group must be in [1, 4], got 0}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, n_group = 4, topk_group = 0} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// The kept groups hold enough experts for top_k.
func.func @route_top_k_eligible(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op top_k 3 exceeds the 2 experts in the best 1 groups}}
  %i, %w = mgc.route softmax %h, %g {top_k = 3, n_group = 4, topk_group = 1} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x3xi32>, tensor<?x3xf32>)
  return
}

// -----

// The routing scale is positive.
func.func @route_scale(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'scale' must be positive, got -1.000000e+00}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, scale = -1.0} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// The capacity factor is positive.
func.func @route_capacity_factor(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'capacity_factor' must be positive, got 0.000000e+00}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2, capacity_factor = 0.0} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// top_k indices per token.
func.func @route_indices(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'indices' must be [T, top_k] = [?, 2], got 'tensor<?x1xi32>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x1xi32>, tensor<?x2xf32>)
  return
}

// -----

// top_k weights per token.
func.func @route_weights(%h: tensor<4x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op 'weights' must be [T, top_k] = [4, 2], got 'tensor<2x4xf32>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<4x768xf32>, tensor<8x768xf32>) -> (tensor<4x2xi32>, tensor<2x4xf32>)
  return
}

// -----

// Expert indices are i32 (ODS type constraint).
func.func @route_index_type(%h: tensor<?x768xf32>, %g: tensor<8x768xf32>) {
  // expected-error @+1 {{'mgc.route' op result #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<?x2xi64>'}}
  %i, %w = mgc.route softmax %h, %g {top_k = 2} : (tensor<?x768xf32>, tensor<8x768xf32>) -> (tensor<?x2xi64>, tensor<?x2xf32>)
  return
}

//===----------------------------------------------------------------------===//
// mgc.expert
//===----------------------------------------------------------------------===//

// -----

// The input is [T, hidden].
func.func @expert_input_rank(%h: tensor<768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'input' must have rank 2 [T, hidden], got 'tensor<768xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<768xf32>
  return
}

// -----

// The hidden size is static.
func.func @expert_dynamic_hidden(%h: tensor<?x?xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'input' must have a static last dimension, got 'tensor<?x?xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x?xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x?xf32>
  return
}

// -----

// Up projections are stacked per expert.
func.func @expert_up_rank(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'up' must have rank 3 [experts, ffn, hidden], got 'tensor<2048x768xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Indices are [T, top_k].
func.func @expert_indices_rank(%h: tensor<?x768xf32>, %i: tensor<?xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'indices' must have rank 2 [T, top_k], got 'tensor<?xi32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Indices have a row per token.
func.func @expert_indices_tokens(%h: tensor<4x768xf32>, %i: tensor<3x2xi32>, %w: tensor<4x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'indices' must be [T, top_k] = [4, 2], got 'tensor<3x2xi32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<4x768xf32>, tensor<3x2xi32>, tensor<4x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<4x768xf32>
  return
}

// -----

// One weight per index.
func.func @expert_weights(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x1xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'weights' must be [T, top_k] = [?, 2], got 'tensor<?x1xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x1xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Up projections read the hidden size.
func.func @expert_up_hidden(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x512xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'up' must be [experts, ffn, hidden] = [8, 2048, 768], got 'tensor<8x2048x512xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x512xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Down projections are [experts, hidden, ffn], the transpose of up.
func.func @expert_down(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x2048x768xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'down' must be [experts, hidden, ffn] = [8, 768, 2048], got 'tensor<8x2048x768xf32>'}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x2048x768xf32>) -> tensor<?x768xf32>
  return
}

// -----

// A token routes to at most every expert.
func.func @expert_top_k(%h: tensor<?x768xf32>, %i: tensor<?x16xi32>, %w: tensor<?x16xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op top_k 16 exceeds the 8 experts}}
  %y = mgc.expert gelu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x16xi32>, tensor<?x16xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Gated experts need a gate weight.
func.func @expert_missing_gate(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'swiglu' experts need a gate(...) weight}}
  %y = mgc.expert swiglu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// Ungated experts take no gate weight.
func.func @expert_extra_gate(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<8x2048x768xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'relu' experts take no gate weight; use swiglu or geglu for gated experts}}
  %y = mgc.expert relu %h, %i, %w gate(%g) up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The gate weight has the shape of the up weight.
func.func @expert_gate_shape(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<8x1024x768xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'gate' must be [experts, ffn, hidden] = [8, 2048, 768], got 'tensor<8x1024x768xf32>'}}
  %y = mgc.expert geglu %h, %i, %w gate(%g) up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x1024x768xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

// -----

// The result has the input's type.
func.func @expert_result(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'result' must have the type of 'input' ('tensor<?x768xf32>'), got 'tensor<?x2048xf32>'}}
  %y = mgc.expert silu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x2048xf32>
  return
}

// -----

// FFN kinds are keywords (ODS enum parser).
func.func @expert_unknown_kind(%h: tensor<?x768xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<8x2048x768xf32>, %down: tensor<8x768x2048xf32>) {
  // expected-error @+1 {{custom op 'mgc.expert' expected string or keyword containing one of the following enum values for attribute 'kind' [swiglu, geglu, gelu, gelu_tanh, relu, silu]}}
  %y = mgc.expert reglu %h, %i, %w up(%up) down(%down) : (tensor<?x768xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x2048x768xf32>, tensor<8x768x2048xf32>) -> tensor<?x768xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.scan
//===----------------------------------------------------------------------===//

// -----

// x is [T, H, P].
func.func @scan_x_rank(%x: tensor<?x32xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'x' must have rank 3 [T, H, P], got 'tensor<?x32xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x32xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x32xf32>
  return
}

// -----

// Heads and head size are static.
func.func @scan_x_dynamic(%x: tensor<?x4x?xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'x' must have static, non-zero H and P, got 'tensor<?x4x?xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x?xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x?xf32>
  return
}

// -----

// Time-varying b and c are [T, G, N].
func.func @scan_b_rank(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<1x16xf32>, %c: tensor<1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'b' must have rank 3 [T, G, N], got 'tensor<1x16xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Time-invariant (lti) b and c are [G, N].
func.func @scan_lti_b_rank(%x: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'b' must have rank 2 [G, N], got 'tensor<?x1x16xf32>'}}
  %y = mgc.scan lti forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Groups and state size are static.
func.func @scan_b_dynamic(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x?xf32>, %c: tensor<?x1x?xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'b' must have static, non-zero G and N, got 'tensor<?x1x?xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x?xf32>, tensor<?x1x?xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Groups are shared by a whole number of heads.
func.func @scan_groups(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x3x16xf32>, %c: tensor<?x3x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op the 4 heads of 'x' must be a multiple of the 3 groups of 'b'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x3x16xf32>, tensor<?x3x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// rwkv has one key per head.
func.func @scan_rwkv_groups(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x2x16xf32>, %c: tensor<?x2x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'rwkv' needs one key per head: 'b' must be [T, H, N] with H = 4, got 'tensor<?x2x16xf32>'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta has one key per head.
func.func @scan_delta_groups(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'delta' needs one key per head: 'b' must be [T, H, N] with H = 4, got 'tensor<?x1x16xf32>'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// b has a row per token.
func.func @scan_b_tokens(%x: tensor<6x4x8xf32>, %dt: tensor<6x4xf32>, %a: tensor<4xf32>, %b: tensor<5x1x16xf32>, %c: tensor<6x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'b' must be [T, G, N] = [6, 1, 16], got 'tensor<5x1x16xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<6x4x8xf32>, tensor<6x4xf32>, tensor<4xf32>, tensor<5x1x16xf32>, tensor<6x1x16xf32>) -> tensor<6x4x8xf32>
  return
}

// -----

// c has the shape of b.
func.func @scan_c(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x32xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'c' must be [T, G, N] = [?, 1, 16], got 'tensor<?x1x32xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x32xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// lti c has the shape of b.
func.func @scan_lti_c(%x: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<1x16xf32>, %c: tensor<2x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'c' must be [G, N] = [1, 16], got 'tensor<2x16xf32>'}}
  %y = mgc.scan lti forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<2x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// selective needs a step size.
func.func @scan_selective_no_dt(%x: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'selective' needs 'dt'}}
  %y = mgc.scan selective forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// selective steps are per channel: [T, H, P].
func.func @scan_selective_dt(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'dt' must be [T, H, P] = [?, 4, 8], got 'tensor<?x4xf32>'}}
  %y = mgc.scan selective forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// ssd needs a step size.
func.func @scan_ssd_no_dt(%x: tensor<?x4x8xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'ssd' needs 'dt'}}
  %y = mgc.scan ssd forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// ssd steps are per head: [T, H].
func.func @scan_ssd_dt(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'dt' must be [T, H] = [?, 4], got 'tensor<?x4x8xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// lti steps are time-invariant: [H, P].
func.func @scan_lti_dt(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<1x16xf32>, %c: tensor<1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'dt' must be [H, P] = [4, 8], got 'tensor<?x4x8xf32>'}}
  %y = mgc.scan lti forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// rwkv gives its decay directly.
func.func @scan_rwkv_dt(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'rwkv' takes no 'dt': its decay is given directly in log form}}
  %y = mgc.scan rwkv forward %x dt(%dt) decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta gives its decay directly.
func.func @scan_delta_dt(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'delta' takes no 'dt': its decay is given directly in log form}}
  %y = mgc.scan delta forward %x dt(%dt) decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// selective decays are [H, P, N].
func.func @scan_selective_decay(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [H, P, N] = [4, 8, 16], got 'tensor<4x16xf32>'}}
  %y = mgc.scan selective forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// lti decays are [H, P, N].
func.func @scan_lti_decay(%x: tensor<?x4x8xf32>, %a: tensor<4x8x32xf32>, %b: tensor<1x16xf32>, %c: tensor<1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [H, P, N] = [4, 8, 16], got 'tensor<4x8x32xf32>'}}
  %y = mgc.scan lti forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<4x8x32xf32>, tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// ssd decays are one scalar per head.
func.func @scan_ssd_decay(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [H] = [4], got 'tensor<4x8x16xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// RWKV-5 decays are [H, N].
func.func @scan_rwkv5_decay(%x: tensor<?x4x8xf32>, %a: tensor<4x8xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [H, N] = [4, 16], got 'tensor<4x8xf32>'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// RWKV-6 decays are [T, H, N].
func.func @scan_rwkv6_decay(%x: tensor<?x4x8xf32>, %a: tensor<?x4x8xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [T, H, N] = [?, 4, 16], got 'tensor<?x4x8xf32>'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta decays are [T, H, N].
func.func @scan_delta_decay(%x: tensor<?x4x8xf32>, %a: tensor<4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'decay' must be [T, H, N] = [?, 4, 16], got 'tensor<4x16xf32>'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// rwkv has no skip term.
func.func @scan_rwkv_d(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %d: tensor<4xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'rwkv' has no skip term 'd'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) d(%d) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta has no skip term.
func.func @scan_delta_d(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %d: tensor<4xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'delta' has no skip term 'd'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) d(%d) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// A rank-1 skip term has one entry per head.
func.func @scan_d_heads(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %d: tensor<8xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'd' must be [H] = [4], got 'tensor<8xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) d(%d) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<8xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Otherwise the skip term is [H, P].
func.func @scan_d_channels(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'd' must be [H, P] = [4, 8], got 'tensor<4x8x16xf32>'}}
  %y = mgc.scan selective forward %x dt(%dt) decay(%a) b(%b) c(%c) d(%d) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x8x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// rwkv needs the current-token bonus.
func.func @scan_rwkv_no_bonus(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'rwkv' needs 'bonus' ([H, N], the current-token bonus u)}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Only rwkv takes a bonus.
func.func @scan_ssd_bonus(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'ssd' takes no 'bonus'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta takes no bonus either.
func.func @scan_delta_bonus(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'delta' takes no 'bonus'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) bonus(%u) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// selective takes no bonus.
func.func @scan_selective_bonus(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'selective' takes no 'bonus'}}
  %y = mgc.scan selective forward %x dt(%dt) decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// lti takes no bonus.
func.func @scan_lti_bonus(%x: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<1x16xf32>, %c: tensor<1x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'lti' takes no 'bonus'}}
  %y = mgc.scan lti forward %x decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<1x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// The bonus is [H, N].
func.func @scan_bonus_shape(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x8xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'bonus' must be [H, N] = [4, 16], got 'tensor<4x8xf32>'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) bonus(%u) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x8xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// delta needs its rank-1 update.
func.func @scan_delta_no_rank1(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'delta' needs 'rank1' (alpha, beta: [T, H, N] each)}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Only delta takes a rank-1 update.
func.func @scan_rwkv_rank1(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %u: tensor<4x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'rwkv' takes no 'rank1'}}
  %y = mgc.scan rwkv forward %x decay(%a) b(%b) c(%c) bonus(%u) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// lti takes no rank-1 update.
func.func @scan_lti_rank1(%x: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<1x16xf32>, %c: tensor<1x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'lti' takes no 'rank1'}}
  %y = mgc.scan lti forward %x decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<1x16xf32>, tensor<1x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// selective takes no rank-1 update.
func.func @scan_selective_rank1(%x: tensor<?x4x8xf32>, %dt: tensor<?x4x8xf32>, %a: tensor<4x8x16xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'selective' takes no 'rank1'}}
  %y = mgc.scan selective forward %x dt(%dt) decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<4x8x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// ssd takes no rank-1 update.
func.func @scan_ssd_rank1(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op variant 'ssd' takes no 'rank1'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// alpha is [T, H, N].
func.func @scan_alpha(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %al: tensor<?x4x8xf32>, %be: tensor<?x4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'alpha' must be [T, H, N] = [?, 4, 16], got 'tensor<?x4x8xf32>'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x8xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// beta is [T, H, N].
func.func @scan_beta(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %al: tensor<?x4x16xf32>, %be: tensor<4x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'beta' must be [T, H, N] = [?, 4, 16], got 'tensor<4x16xf32>'}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) rank1(%al, %be) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// A state operand comes with a state result.
func.func @scan_state_without_result(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %h: tensor<4x8x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op a state operand and a state result go together}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) state(%h) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x8x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// A state result comes with a state operand.
func.func @scan_result_without_state(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op a state operand and a state result go together}}
  %y, %h1 = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> (tensor<?x4x8xf32>, tensor<4x8x16xf32>)
  return
}

// -----

// Bidirectional scans are stateless.
func.func @scan_bidirectional_state(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %h: tensor<4x8x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op a bidirectional scan reads the whole sequence and carries no state}}
  %y, %h1 = mgc.scan ssd bidirectional %x dt(%dt) decay(%a) b(%b) c(%c) state(%h) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x8x16xf32>) -> (tensor<?x4x8xf32>, tensor<4x8x16xf32>)
  return
}

// -----

// The state is [H, P, N].
func.func @scan_state_shape(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %h: tensor<4x16x8xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'state' must be [H, P, N] = [4, 8, 16], got 'tensor<4x16x8xf32>'}}
  %y, %h1 = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) state(%h) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x16x8xf32>) -> (tensor<?x4x8xf32>, tensor<4x16x8xf32>)
  return
}

// -----

// The returned state has the type of the state operand.
func.func @scan_state_out(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>, %h: tensor<4x8x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'state_out' must have the type of 'state' ('tensor<4x8x16xf32>'), got 'tensor<4x8x16xbf16>'}}
  %y, %h1 = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) state(%h) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<4x8x16xf32>) -> (tensor<?x4x8xf32>, tensor<4x8x16xbf16>)
  return
}

// -----

// The result has the type of x.
func.func @scan_result(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'result' must have the type of 'x' ('tensor<?x4x8xf32>'), got 'tensor<?x4x16xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x16xf32>
  return
}

// -----

// Variants are keywords (ODS enum parser).
func.func @scan_unknown_variant(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x1x16xf32>, %c: tensor<?x1x16xf32>) {
  // expected-error @+1 {{custom op 'mgc.scan' expected string or keyword containing one of the following enum values for attribute 'variant' [selective, ssd, rwkv, delta, lti]}}
  %y = mgc.scan mamba forward %x dt(%dt) decay(%a) b(%b) c(%c) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// The rank-1 update is a pair of operands (ODS optional group).
func.func @scan_rank1_single(%x: tensor<?x4x8xf32>, %a: tensor<?x4x16xf32>, %b: tensor<?x4x16xf32>, %c: tensor<?x4x16xf32>, %al: tensor<?x4x16xf32>) {
  // expected-error @+1 {{expected ','}}
  %y = mgc.scan delta forward %x decay(%a) b(%b) c(%c) rank1(%al) : (tensor<?x4x8xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>) -> tensor<?x4x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// mgc.kernel / mgc.yield
//===----------------------------------------------------------------------===//

// -----

// A kernel must be named.
func.func @kernel_empty_name(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op kernel name must not be empty}}
  %y = mgc.kernel "" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// One body argument per input.
func.func @kernel_argument_count(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op body has 1 arguments for 2 inputs}}
  %y = mgc.kernel "k" ins(%x, %w : tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// Body arguments have the types of the inputs.
func.func @kernel_argument_type(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op body argument #1 has type 'tensor<8xf16>' but input #1 is 'tensor<8xf32>'}}
  %y = mgc.kernel "k" ins(%x, %w : tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>, %b: tensor<8xf16>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The body ends with mgc.yield.
func.func @kernel_no_yield(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.kernel' op body must end with mgc.yield}}
  mgc.kernel "k" ins(%x : tensor<?x8xf32>) {
  ^bb0(%a: tensor<?x8xf32>):
    %w = mgc.param "w" : tensor<8xf32>
  }
  return
}

// -----

// Another dialect's terminator does not end a kernel.
func.func @kernel_func_return(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op body must end with mgc.yield}}
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    func.return %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// The body block is not empty (SingleBlock trait).
func.func @kernel_empty_body() {
  // expected-error @+1 {{'mgc.kernel' op expects a non-empty block}}
  mgc.kernel "k" ins() {
  ^bb0:
  }
  return
}

// -----

// The yielded values have the kernel's result types.
func.func @kernel_yield_types(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op yields 2 values of types ('tensor<?x8xf32>', 'tensor<?x8xf32>') but the kernel returns ('tensor<?x8xf32>')}}
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a, %a : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// A kernel's schedule is a #mgc.schedule (ODS attribute constraint).
func.func @kernel_schedule_kind(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'mgc.kernel' op attribute 'schedule' failed to satisfy constraint}}
  %y = mgc.kernel "k" ins(%x : tensor<?x8xf32>) -> tensor<?x8xf32> attributes {schedule = 4 : i64} {
  ^bb0(%a: tensor<?x8xf32>):
    mgc.yield %a : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// mgc.yield terminates kernels only.
func.func @yield_outside_kernel(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.yield' op expects parent op 'mgc.kernel'}}
  mgc.yield %x : tensor<?x8xf32>
}

//===----------------------------------------------------------------------===//
// The module's mgc.target attribute
//===----------------------------------------------------------------------===//

// -----

// mgc.target is the only discardable mgc attribute.
// expected-error @+1 {{unknown mgc attribute 'mgc.schedule'; the only discardable mgc attribute is 'mgc.target'}}
module attributes {mgc.schedule = 1 : i64} {
}

// -----

// The target belongs on the module.
// expected-error @+1 {{'mgc.target' may only be placed on a builtin.module}}
func.func @target_on_function() attributes {mgc.target = #mgc.target<isa = "x86-64-avx2", halide = "x86-64-linux-avx2", vector_bits = 256, cores = 2, l1_bytes = 32768, l2_bytes = 1048576, l3_bytes = 0, bandwidth_gbps = 20.0, peak_gflops = 100.0>} {
  return
}

// -----

// The target is a #mgc.target, not a target string.
// expected-error @+1 {{'mgc.target' must be a #mgc.target attribute}}
module attributes {mgc.target = "x86-64-avx2"} {
}

//===----------------------------------------------------------------------===//
// Weights define the model's sizes: static and non-zero
//===----------------------------------------------------------------------===//

// -----

// A weight with a zero-sized dimension is rejected.
func.func @param_zero_dim() {
  // expected-error @+1 {{'mgc.param' op weight 'w' must not have a zero-sized dimension, got 'tensor<0x8xf32>'}}
  %w = mgc.param "w" : tensor<0x8xf32>
  return
}

// -----

// Zero B/C groups would divide by zero; they are rejected first.
func.func @scan_zero_groups(%x: tensor<?x4x8xf32>, %dt: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<?x0x16xf32>) {
  // expected-error @+1 {{'mgc.scan' op 'b' must have static, non-zero G and N, got 'tensor<?x0x16xf32>'}}
  %y = mgc.scan ssd forward %x dt(%dt) decay(%a) b(%b) c(%b) : (tensor<?x4x8xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<?x0x16xf32>, tensor<?x0x16xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// The router's expert count must be static.
func.func @route_dynamic_experts(%x: tensor<?x16xf32>, %g: tensor<?x16xf32>) {
  // expected-error @+1 {{'mgc.route' op 'gate' [experts, hidden] must have static, non-zero dimensions, got 'tensor<?x16xf32>'}}
  %i, %w = mgc.route softmax %x, %g {top_k = 2} : (tensor<?x16xf32>, tensor<?x16xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// A linear weight's sizes must be static.
func.func @linear_dynamic_weight(%x: tensor<?x16xf32>, %w: tensor<8x?xf32>) {
  // expected-error @+1 {{'mgc.linear' op 'weight' [out, in] must have static, non-zero dimensions, got 'tensor<8x?xf32>'}}
  %y = mgc.linear %x, %w : (tensor<?x16xf32>, tensor<8x?xf32>) -> tensor<?x8xf32>
  return
}

// -----

// Expert weights must have a static expert count.
func.func @expert_dynamic_experts(%x: tensor<?x16xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %up: tensor<?x32x16xf32>, %down: tensor<?x16x32xf32>) {
  // expected-error @+1 {{'mgc.expert' op 'up' [experts, ffn, hidden] must have static, non-zero dimensions, got 'tensor<?x32x16xf32>'}}
  %y = mgc.expert gelu %x, %i, %w up(%up) down(%down) : (tensor<?x16xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<?x32x16xf32>, tensor<?x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// A convolution filter has a static, non-zero width.
func.func @conv1d_dynamic_width(%x: tensor<?x8xf32>, %w: tensor<8x?xf32>, %s: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'weight' [channels, width] must have static, non-zero dimensions, got 'tensor<8x?xf32>'}}
  %y, %s1 = mgc.conv1d %x, %w state(%s) : (tensor<?x8xf32>, tensor<8x?xf32>, tensor<3x8xf32>) -> (tensor<?x8xf32>, tensor<3x8xf32>)
  return
}

// -----

func.func @conv1d_zero_width(%x: tensor<?x8xf32>, %w: tensor<8x0xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op 'weight' [channels, width] must have static, non-zero dimensions, got 'tensor<8x0xf32>'}}
  %y = mgc.conv1d %x, %w : (tensor<?x8xf32>, tensor<8x0xf32>) -> tensor<?x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// Shape plumbing: reshape, slice, concat, token_shift
//===----------------------------------------------------------------------===//

// -----

// A reshape keeps the element type.
func.func @reshape_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'mgc.reshape' op must keep the element type, got 'tensor<4x8xf32>' -> 'tensor<32xf16>'}}
  %y = mgc.reshape %x : tensor<4x8xf32> -> tensor<32xf16>
  return
}

// -----

// A static reshape keeps the element count.
func.func @reshape_count(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'mgc.reshape' op must keep the element count, got 'tensor<4x8xf32>' -> 'tensor<33xf32>'}}
  %y = mgc.reshape %x : tensor<4x8xf32> -> tensor<33xf32>
  return
}

// -----

// The dynamic token dimension stays first and dynamic.
func.func @reshape_token_dim(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.reshape' op may only regroup static dimensions after a kept token dimension, got 'tensor<?x8xf32>' -> 'tensor<8x?xf32>'}}
  %y = mgc.reshape %x : tensor<?x8xf32> -> tensor<8x?xf32>
  return
}

// -----

// Features per token are kept.
func.func @reshape_features(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.reshape' op must keep the 8 features per token, got 'tensor<?x8xf32>' -> 'tensor<?x3x3xf32>'}}
  %y = mgc.reshape %x : tensor<?x8xf32> -> tensor<?x3x3xf32>
  return
}

// -----

// Scalars cannot be reshaped.
func.func @reshape_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'mgc.reshape' op needs ranked, non-scalar tensors, got 'tensor<f32>' -> 'tensor<1xf32>'}}
  %y = mgc.reshape %x : tensor<f32> -> tensor<1xf32>
  return
}

// -----

// A slice stays inside the last dimension.
func.func @slice_range(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.slice' op range [6, 10) is outside the 8 elements of dimension 1}}
  %y = mgc.slice %x {offset = 6} : tensor<?x8xf32> -> tensor<?x4xf32>
  return
}

// -----

// A slice keeps the rank.
func.func @slice_rank(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.slice' op slices static dimension 1 of 'tensor<?x8xf32>' into a tensor of the same rank, got 'tensor<?x2x4xf32>'}}
  %y = mgc.slice %x {offset = 0} : tensor<?x8xf32> -> tensor<?x2x4xf32>
  return
}

// -----

// A slice keeps the other dimensions.
func.func @slice_shape(%x: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.slice' op 'result' must be the input's shape, shorter along dim = [3, 4], got 'tensor<2x4xf32>'}}
  %y = mgc.slice %x {offset = 0} : tensor<3x8xf32> -> tensor<2x4xf32>
  return
}

// -----

// The sliced dimension exists.
func.func @slice_dim(%x: tensor<3x8xf32>) {
  // expected-error @+1 {{'mgc.slice' op dim 2 is not a dimension of 'tensor<3x8xf32>'}}
  %y = mgc.slice %x {offset = 0, dim = 2} : tensor<3x8xf32> -> tensor<3x8xf32>
  return
}

// -----

// The sliced dimension is static.
func.func @slice_dynamic(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.slice' op slices static dimension 0 of 'tensor<?x8xf32>' into a tensor of the same rank, got 'tensor<2x8xf32>'}}
  %y = mgc.slice %x {offset = 0, dim = 0} : tensor<?x8xf32> -> tensor<2x8xf32>
  return
}

// -----

// Concat needs at least one input.
func.func @concat_empty() {
  // expected-error @+1 {{'mgc.concat' op needs at least one input}}
  %y = mgc.concat : () -> tensor<4xf32>
  return
}

// -----

// Concat inputs agree on all but the last dimension.
func.func @concat_mismatch(%a: tensor<?x2x4xf32>, %b: tensor<?x3x4xf32>) {
  // expected-error @+1 {{'mgc.concat' op input #1 'tensor<?x3x4xf32>' must match input #0 'tensor<?x2x4xf32>' in element type and all but the last dimension}}
  %y = mgc.concat %a, %b : (tensor<?x2x4xf32>, tensor<?x3x4xf32>) -> tensor<?x2x8xf32>
  return
}

// -----

// Concat's result sums the last dimensions.
func.func @concat_result(%a: tensor<?x4xf32>, %b: tensor<?x2xf32>) {
  // expected-error @+1 {{'mgc.concat' op 'result' must be the inputs' shape with the summed last dimension = [?, 6], got 'tensor<?x7xf32>'}}
  %y = mgc.concat %a, %b : (tensor<?x4xf32>, tensor<?x2xf32>) -> tensor<?x7xf32>
  return
}

// -----

// Token shift works on [T, features].
func.func @token_shift_rank(%x: tensor<?x4x8xf32>) {
  // expected-error @+1 {{'mgc.token_shift' op 'input' must have rank 2 [T, features], got 'tensor<?x4x8xf32>'}}
  %y = mgc.token_shift %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Its state holds one token.
func.func @token_shift_state(%x: tensor<?x8xf32>, %s: tensor<2x8xf32>) {
  // expected-error @+1 {{'mgc.token_shift' op 'state' must be [1, features] = [1, 8], got 'tensor<2x8xf32>'}}
  %y, %s1 = mgc.token_shift %x state(%s) : (tensor<?x8xf32>, tensor<2x8xf32>) -> (tensor<?x8xf32>, tensor<2x8xf32>)
  return
}

// -----

// A state operand and a state result go together.
func.func @token_shift_state_result(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.token_shift' op a state operand and a state result go together}}
  %y, %s1 = mgc.token_shift %x : (tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<1x8xf32>)
  return
}

// -----

// The result has the input's type.
func.func @token_shift_result(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'mgc.token_shift' op 'result' must have the type of 'input' ('tensor<?x8xf32>'), got 'tensor<?x8xf16>'}}
  %y = mgc.token_shift %x : (tensor<?x8xf32>) -> tensor<?x8xf16>
  return
}

// -----

// Group-norm weights are a suffix of the input; a prefix is not.
func.func @norm_group_weight(%x: tensor<?x4x8xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'mgc.norm' op 'weight' 'tensor<4xf32>' must have the shape of a suffix of the input 'tensor<?x4x8xf32>' ending at its last dimension}}
  %y = mgc.norm rms %x weight %w {eps = 1.0e-5} : (tensor<?x4x8xf32>, tensor<4xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

// Positions have the tokens' type.
func.func @positions_type(%t: tensor<?xi32>, %p: index) {
  // expected-error @+1 {{'mgc.positions' op failed to verify that all of {tokens, result} have same type}}
  %y = "mgc.positions"(%t, %p) : (tensor<?xi32>, index) -> tensor<4xi32>
  return
}

// -----

// Broadcast only expands size-1 dimensions.
func.func @broadcast_size(%x: tensor<?x2x8xf32>) {
  // expected-error @+1 {{'mgc.broadcast' op can only expand size-1 dimensions, got 'tensor<?x2x8xf32>' -> 'tensor<?x4x8xf32>'}}
  %y = mgc.broadcast %x : tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

// Constants have a static shape.
func.func @constant_dynamic() {
  // expected-error @+1 {{'mgc.constant' op must have a static shape, got 'tensor<?xf32>'}}
  %c = mgc.constant 1.0 : tensor<?xf32>
  return
}

// -----

// A centered convolution's window is symmetric: its width must be odd.
func.func @conv1d_centered_even_width(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op a centered convolution needs an odd width, got 4}}
  %y = mgc.conv1d %x, %w {centered} : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// A centered convolution reads later tokens: nothing to carry to a next call.
func.func @conv1d_centered_state(%x: tensor<?x8xf32>, %w: tensor<8x5xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{'mgc.conv1d' op a centered convolution reads later tokens and carries no state}}
  %y, %s1 = mgc.conv1d %x, %w state(%s) {centered} : (tensor<?x8xf32>, tensor<8x5xf32>, tensor<4x8xf32>) -> (tensor<?x8xf32>, tensor<4x8xf32>)
  return
}

// -----

// Reverse flips the token dimension, which a scalar tensor lacks.
func.func @reverse_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'mgc.reverse' op needs a token dimension to reverse, got 'tensor<f32>'}}
  %y = mgc.reverse %x : tensor<f32>
  return
}
