// `mgc inspect MODEL.mgc` prints a compiled model's execution and memory
// plan: prefill and decode read f32 GEMM weights from the same panels (one
// copy, bf16 decode reads rows: weight-types.mlir); activations share arena
// slots by lifetime; attention with RoPE becomes rope, cache-append and
// attention calls on the per-sequence caches. At -O0 (naive schedules) the
// panels are one column wide, i.e. the weights are stored as rows.

// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -O0 -o %t.mgc
// RUN: mgc inspect %t.mgc | FileCheck %s
// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.fused.mgc
// RUN: mgc inspect %t.fused.mgc | FileCheck %s --check-prefix=FUSED
// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights --disable-pass mgc-fuse-epilogues -o %t.noepi.mgc
// RUN: mgc inspect %t.noepi.mgc | FileCheck %s --check-prefix=NOEPI

// CHECK: compiled model 'llama-tiny' for {{[a-z0-9-]+}}: vocabulary 512, context 256
// CHECK: tokenizer: none
// CHECK: states: 4, 131072 bytes per sequence
// CHECK-NEXT: @layers.0.attn.k_cache [2, 256, 16]

// CHECK: entry prefill (T tokens): 37 calls, 35 activations in 7 arena slots
// Each slot is as large as the largest activation it holds (172, 512, 172,
// 32, 32, 32 and 172 floats per token), against 3360 for 35 buffers.
// CHECK-NEXT: arena: 1124 floats (4496 bytes) per token; 3360 floats if every activation tensor (views too) had its own
// CHECK: prefill.embed.tokens(tokens, @embed.tokens.weight, %s[[X:[0-9]+]][T, 64])
// CHECK-NEXT: prefill.layers.0.mixer_norm(%s[[X]][T, 64], @layers.0.mixer_norm.weight, %s[[N:[0-9]+]][T, 64])
// CHECK-NEXT: prefill.layers.0.attn.q(%s[[N]][T, 64], @layers.0.attn.q.weight(panels 1), %s[[Q:[0-9]+]][T, 64])  [[[QFN:mgc_[0-9a-f]+]]]
// CHECK: prefill.layers.0.attention.rope_q(%s[[Q]][T, 64], position, %s{{[0-9]+}}[T, 64])
// CHECK-NEXT: prefill.layers.0.attention.rope_k(
// CHECK-NEXT: prefill.layers.0.attention.append({{.*}}, position, @layers.0.attn.k_cache[position:+T], @layers.0.attn.v_cache[position:+T])
// CHECK-NEXT: prefill.layers.0.attention(%s{{[0-9]+}}[T, 64], @layers.0.attn.k_cache, @layers.0.attn.v_cache, position, %s{{[0-9]+}}[T, 64])
// The o projection has q's shapes and schedule: the same compiled function.
// CHECK-NEXT: prefill.layers.0.attn.o({{.*}}@layers.0.attn.o.weight(panels 1){{.*}}  [[[QFN]]]
// CHECK: prefill.output({{.*}}, @output.weight(panels 1), %s[[L:[0-9]+]][T, 512])
// CHECK-NEXT: -> logits %s[[L]][T, 512]

// CHECK: entry decode (1 tokens)
// CHECK: decode.layers.0.attn.q(%s{{[0-9]+}}[1, 64], @layers.0.attn.q.weight(panels 1), %s{{[0-9]+}}[1, 64])
// CHECK: -> logits %s{{[0-9]+}}[1, 512]

// At -O2 (mgc-fuse-projections) q, k and v are one product, as are the
// MLP's up and gate. Prefill copies the columns of each part out of the
// [T, N] result; decode's [1, N] result is read in place at offsets.
// mgc-fuse-epilogues adds the residual inside the o and down products,
// which take it as an argument before their output: two calls and two
// activations fewer per layer.
// FUSED: entry prefill (T tokens): 37 calls, 35 activations in 7 arena slots
// FUSED: prefill.layers.0.attn.q+k+v(%s{{[0-9]+}}[T, 64], @layers.0.attn.q+k+v.weight(panels 64), %s[[QKV:[0-9]+]][T, 128])
// FUSED-NEXT: prefill.layers.0.slice(%s[[QKV]][T, 128], %s{{[0-9]+}}[T, 64])
// FUSED-NEXT: prefill.layers.0.slice.1(%s[[QKV]][T, 128], %s{{[0-9]+}}[T, 32])
// FUSED-NEXT: prefill.layers.0.slice.2(%s[[QKV]][T, 128], %s{{[0-9]+}}[T, 32])
// FUSED: prefill.layers.0.attention(
// FUSED-NEXT: prefill.layers.0.attn.o(%s{{[0-9]+}}[T, 64], @layers.0.attn.o.weight(panels 64), %s[[R:[0-9]+]][T, 64], %s[[H:[0-9]+]][T, 64])
// FUSED-NEXT: prefill.layers.0.ffn_norm(%s[[H]][T, 64],
// FUSED-NEXT: prefill.layers.0.ffn.up+gate(%s{{[0-9]+}}[T, 64], @layers.0.ffn.up+gate.weight(panels 64), %s{{[0-9]+}}[T, 344])
// FUSED: prefill.layers.0.ffn.down(%s{{[0-9]+}}[T, 172], @layers.0.ffn.down.weight(panels 64), %s[[H]][T, 64], %s{{[0-9]+}}[T, 64])
// FUSED-NEXT: prefill.layers.1.mixer_norm(
// FUSED-NOT: prefill.layers.0.add
// FUSED: entry decode (1 tokens): 27 calls, 35 activations in 5 arena slots
// Without mgc-fuse-epilogues (--disable-pass) the adds are calls of their own.
// NOEPI: entry prefill (T tokens): 41 calls, 39 activations in 7 arena slots
// NOEPI: prefill.layers.0.attn.o(%s{{[0-9]+}}[T, 64], @layers.0.attn.o.weight(panels 64), %s[[O:[0-9]+]][T, 64])
// NOEPI-NEXT: prefill.layers.0.add(%s{{[0-9]+}}[T, 64], %s[[O]][T, 64], %s{{[0-9]+}}[T, 64])
// NOEPI: entry decode (1 tokens): 31 calls, 39 activations in 5 arena slots
// FUSED: decode.layers.0.attn.q+k+v(%s{{[0-9]+}}[1, 64], @layers.0.attn.q+k+v.weight(panels 64), %s[[D:[0-9]+]][1, 128])
// FUSED-NEXT: decode.layers.0.attention.rope_q(%s[[D]][1, 64], position,
// FUSED-NEXT: decode.layers.0.attention.rope_k(%s[[D]]+64[1, 32], position,
// FUSED-NEXT: decode.layers.0.attention.append(%s{{[0-9]+}}[1, 32], %s[[D]]+96[1, 32], position,
// FUSED: decode.layers.0.ffn.up+gate(%s{{[0-9]+}}[1, 64], @layers.0.ffn.up+gate.weight(panels 64), %s[[G:[0-9]+]][1, 344])
// FUSED-NEXT: decode.layers.0.activation(%s[[G]]+172[1, 172],
