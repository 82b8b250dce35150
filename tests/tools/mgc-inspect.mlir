// `mgc inspect`: analytic size and cost figures, checked against values
// computed by hand for examples/llama.toml and for the IR below, and errors.

// The model `mgc inspect %s` reads. It comes first because the input kind is
// detected from the first 4 KiB of a file.
mgc.state kv_cache @k : tensor<1x16x4xf16>
mgc.state recurrent @h : tensor<1x2x2xf32>
func.func @decode(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %w0 = mgc.param "w" : tensor<8x8xbf16>
  %w1 = mgc.param "w" : tensor<8x8xbf16>
  %a = mgc.linear %x, %w0 : (tensor<1x8xf32>, tensor<8x8xbf16>) -> tensor<1x8xf32>
  %b = mgc.linear %a, %w1 : (tensor<1x8xf32>, tensor<8x8xbf16>) -> tensor<1x8xf32>
  return %b : tensor<1x8xf32>
}

// examples/llama.toml: vocab 512, hidden 64, 2 layers, 4 heads over 2 KV heads
// (head_dim 64 / 4 = 16), SwiGLU FFN 172, RMSNorm, untied output,
// max_context 256, f32 weights. Weights (ModelBuilder.cpp, BuildAttention.cpp,
// BuildFfn.cpp), in elements:
//   embed.tokens.weight 512*64                                      = 32768
//   per layer: mixer_norm 64; attn.q 64*64 = 4096; attn.k 32*64 = 2048;
//     attn.v 32*64 = 2048; attn.o 64*64 = 4096; ffn_norm 64;
//     ffn.up 172*64 = 11008; ffn.gate 11008; ffn.down 64*172 = 11008  = 45440
//   2 layers                                                        = 90880
//   norm.weight 64; output.weight 512*64                            = 32768
//   params_total = params_active = 32768 + 90880 + 64 + 32768       = 156480
// flops_per_token = 2 x matmul multiply-adds per token:
//   2 * (2 layers * (4096 + 2048 + 2048 + 4096 + 3 * 11008) + 32768 logits)
//   = 2 * (2 * 45312 + 32768) = 2 * 123392                           = 246784
// weight_bytes_per_token: every weight but the embedding table whole, plus
//   one 64-wide row of it: (156480 - 32768 + 64) * 4 B = 123776 * 4  = 495104
// weight_bytes_total = 156480 * 4                                   = 625920
// kv_bytes_per_token = 2 layers * (k + v) * 2 kv heads * 16 * 4 B   = 512
// At context C: kv_cache_bytes = 512 * C and
//   attention_flops_per_token = 2 layers * 2 * 4 heads * (16 + 16) * C = 512 * C
//   C = 128: 65536; C = 1024: 524288; C = 4096: 2097152.

// RUN: mgc inspect %mgc_src_root/examples/llama.toml --json | FileCheck %s
// CHECK: {"params_total":156480,"params_active":156480,"flops_per_token":246784,"weight_bytes_per_token":495104,
// CHECK-SAME: "kv_bytes_per_token":512,"state_bytes":0,"scan_flops_per_token":0,"weight_bytes_total":625920,"max_context":256,
// CHECK-SAME: "model":"llama-tiny","entry_point":"decode",
// CHECK-SAME: "context":[
// CHECK-SAME: {"tokens":128,"kv_cache_bytes":65536,"attention_flops_per_token":65536},
// CHECK-SAME: {"tokens":1024,"kv_cache_bytes":524288,"attention_flops_per_token":524288},
// CHECK-SAME: {"tokens":4096,"kv_cache_bytes":2097152,"attention_flops_per_token":2097152}]}
// CHECK-EMPTY:

// The table (default) shows the same figures.
// RUN: mgc inspect %mgc_src_root/examples/llama.toml --context 256 | FileCheck %s --check-prefix=TABLE
// TABLE:      llama-tiny (decode entry point)
// TABLE-NEXT: params total 156,480 (156.5 K)
// TABLE-NEXT: params active 156,480 (156.5 K)
// TABLE-NEXT: FLOPs per token 246,784 (246.8 K)
// TABLE-NEXT: scan FLOPs per token 0
// TABLE-NEXT: weight bytes total 625,920 (611.2 KiB)
// TABLE-NEXT: weight bytes per token 495,104 (483.5 KiB)
// TABLE-NEXT: KV-cache bytes per token 512
// TABLE-NEXT: state bytes 0
// TABLE-NEXT: max context 256
// TABLE:      context KV-cache bytes attention FLOPs per token
// TABLE-NEXT: 256 131,072 (128.0 KiB) 131,072 (131.1 K)

// This file as mgc IR (top): "w" (bf16, 8*8 = 64 elements) is named twice and
// counted once, but both linears count: flops 2 * (64 + 64) = 256; bytes
// 64 * 2 = 128. The f16 KV cache holds 1 head * 4 * 2 B = 8 B per position,
// the recurrent state 1*2*2 * 4 B = 16 B at any context.
// RUN: mgc inspect %s --json --context=1,3 | FileCheck %s --check-prefix=MLIR
// MLIR: {"params_total":64,"params_active":64,"flops_per_token":256,"weight_bytes_per_token":128,
// MLIR-SAME: "kv_bytes_per_token":8,"state_bytes":16,
// MLIR-SAME: "context":[{"tokens":1,"kv_cache_bytes":8,"attention_flops_per_token":0},{"tokens":3,"kv_cache_bytes":24,"attention_flops_per_token":0}]}

// Errors exit non-zero with one message.
// RUN: not mgc inspect %t.missing.toml 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: mgc inspect: error: {{.*}}missing.toml: no such file or directory
// RUN: not mgc inspect %s --context 128,0 2>&1 | FileCheck %s --check-prefix=CONTEXT
// CONTEXT: mgc inspect: error: --context takes positive token counts separated by commas, e.g. --context 128,1024,4096; got '128,0'
// RUN: not mgc inspect 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: mgc inspect: error: no input given
// RUN: not mgc inspect %s --bogus 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: mgc inspect: error: unknown option '--bogus'
// RUN: printf 'func.func @forward() {\n  return\n}\n' > %t.noentry.mlir
// RUN: not mgc inspect %t.noentry.mlir 2>&1 | FileCheck %s --check-prefix=NOENTRY
// NOENTRY: error: cannot inspect the model: it has no 'decode' or 'prefill' entry point (a func.func with a body); its functions: @forward

// One model per family from the examples, computed by hand.
//
// MoE, examples/mixtral.toml (vocab 512, hidden 64, 2 layers, 4 heads of 16
// sharing 2 KV heads, 8 SwiGLU experts of 128, top-2, untied):
//   attention q 64*64 + k 32*64 + v 32*64 + o 64*64 = 12288; norms 2*64 = 128;
//   router 8*64 = 512; one expert 3*128*64 = 24576, eight = 196608.
//   total  = 2*(12288 + 128 + 512 + 196608) + embed 32768 + output 32768
//            + final norm 64 = 484672
//   active = 2*(12288 + 128 + 512 + 2*24576) + 32768 + 32768 + 64 = 189760
//   flops  = 2 * (2*(12288 + 512 + 2*24576) + output 32768) = 313344
// RUN: mgc inspect %mgc_src_root/examples/mixtral.toml --json | FileCheck %s --check-prefix=MOE
// MOE: {"params_total":484672,"params_active":189760,"flops_per_token":313344,
//
// SSM, examples/mamba.toml (vocab 512, hidden 64, 2 Mamba-1 layers, inner
// 128, state 16, dt rank 4, conv 4, tied):
//   per layer: norm 64 + in_proj 256*64 + conv 128*4 + 128 + x_proj 36*128
//              + dt_proj 128*4 + 128 + A_log 128*16 + D 128 + out_proj 64*128
//            = 32704
//   total = 2*32704 + embed 32768 + final norm 64 = 98240
//   state = 2 * (conv [3, 128] + ssm [1, 128, 16]) * 4 B = 19456; no KV cache
// RUN: mgc inspect %mgc_src_root/examples/mamba.toml --json | FileCheck %s --check-prefix=SSM
// SSM: {"params_total":98240,"params_active":98240,
// SSM-SAME: "kv_bytes_per_token":0,"state_bytes":19456,
