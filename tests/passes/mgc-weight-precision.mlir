// RUN: mgc-opt %s --mgc-weight-precision=type=bf16 | FileCheck %s --check-prefix=BF16
// RUN: mgc-opt %s --mgc-weight-precision=type=f16 | FileCheck %s --check-prefix=F16
// RUN: mgc-opt %s --mgc-weight-precision=type=f32 | FileCheck %s --check-prefix=F32
// RUN: not mgc-opt %s --mgc-weight-precision=type=f8 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: mgc compile %mgc_src_root/examples/mixtral.toml -O0 --weight-type bf16 --emit=mlir | FileCheck %s --check-prefix=MIXTRAL
// RUN: mgc compile %mgc_src_root/examples/mamba2.toml -O0 --weight-type f16 --emit=mlir | FileCheck %s --check-prefix=MAMBA2
// RUN: not mgc compile %mgc_src_root/examples/llama.toml --weight-type int4 2>&1 | FileCheck %s --check-prefix=FLAG

// Matrix operands of products and lookups take the weight type; vectors,
// biases and any weight another op also reads stay f32, in every entry
// point alike.

// BF16-LABEL: func.func @prefill
// BF16: mgc.param "embed.weight" : tensor<16x4xbf16>
// BF16: mgc.param "q.weight" : tensor<4x4xbf16>
// BF16: mgc.param "q.bias" : tensor<4xf32>
// BF16: mgc.param "shared.weight" : tensor<4x4xf32>
// BF16: mgc.param "router.weight" : tensor<2x4xf32>
// BF16: mgc.param "experts.gate" : tensor<2x8x4xbf16>
// BF16: mgc.param "experts.up" : tensor<2x8x4xbf16>
// BF16: mgc.param "experts.down" : tensor<2x4x8xbf16>
// F16: mgc.param "embed.weight" : tensor<16x4xf16>
// F16: mgc.param "q.weight" : tensor<4x4xf16>
// F32-NOT: bf16
// F32-NOT: f16
// BAD: unknown weight type 'f8' (expected f32, f16 or bf16)
func.func @prefill(%tokens: tensor<?xi32>) -> tensor<?x16xf32> {
  %table = mgc.param "embed.weight" : tensor<16x4xf32>
  %x = mgc.embed %tokens, %table : (tensor<?xi32>, tensor<16x4xf32>) -> tensor<?x4xf32>
  %wq = mgc.param "q.weight" : tensor<4x4xf32>
  %bq = mgc.param "q.bias" : tensor<4xf32>
  %q = mgc.linear %x, %wq bias %bq : (tensor<?x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %ws = mgc.param "shared.weight" : tensor<4x4xf32>
  %s = mgc.linear %q, %ws : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %router = mgc.param "router.weight" : tensor<2x4xf32>
  %ids, %weights = mgc.route softmax %s, %router {top_k = 1 : i64} : (tensor<?x4xf32>, tensor<2x4xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>)
  %gate = mgc.param "experts.gate" : tensor<2x8x4xf32>
  %up = mgc.param "experts.up" : tensor<2x8x4xf32>
  %down = mgc.param "experts.down" : tensor<2x4x8xf32>
  %e = mgc.expert swiglu %s, %ids, %weights gate(%gate) up(%up) down(%down) : (tensor<?x4xf32>, tensor<?x1xi32>, tensor<?x1xf32>, tensor<2x8x4xf32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x4xf32>
  %logits = mgc.logits %e, %table : (tensor<?x4xf32>, tensor<16x4xf32>) -> tensor<?x16xf32>
  func.return %logits : tensor<?x16xf32>
}

// The decode entry reads "shared.weight" as a plain tensor too, so it stays
// f32 in both entry points.
// BF16-LABEL: func.func @decode
// BF16: mgc.param "shared.weight" : tensor<4x4xf32>
func.func @decode(%tokens: tensor<1xi32>) -> tensor<4x4xf32> {
  %ws = mgc.param "shared.weight" : tensor<4x4xf32>
  %y = mgc.add %ws, %ws : tensor<4x4xf32>, tensor<4x4xf32>
  func.return %y : tensor<4x4xf32>
}

// MIXTRAL: mgc.param "embed.tokens.weight" : tensor<512x64xbf16>
// MIXTRAL: mgc.param "layers.0.mixer_norm.weight" : tensor<64xf32>
// MIXTRAL: mgc.param "layers.0.attn.q.weight" : tensor<64x64xbf16>
// MIXTRAL: mgc.param "layers.0.ffn.router.weight" : tensor<8x64xf32>
// MIXTRAL: mgc.param "layers.0.ffn.experts.gate" : tensor<8x128x64xbf16>
// MAMBA2: mgc.param "layers.0.mixer.in_proj.weight" : tensor<392x64xf16>
// MAMBA2: mgc.param "layers.0.mixer.conv1d.weight" : tensor<256x4xf32>
// MAMBA2: mgc.param "layers.0.mixer.A_log" : tensor<8xf32>
// MAMBA2: mgc.param "layers.0.mixer.out_proj.weight" : tensor<64x128xf16>
// FLAG: unknown weight type 'int4'; expected f32, f16 or bf16
