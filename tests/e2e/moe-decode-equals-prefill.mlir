// MoE models with random weights: decode with the KV cache equals one
// prefill over the same tokens, whatever experts the tokens pick. Mixtral
// (softmax top-2, renormalized), Qwen2-MoE (top-4 without renormalizing,
// sigmoid-gated shared expert), GShard (top-2 with a capacity factor) and
// Switch (top-1 with a capacity factor). With a capacity factor the two runs
// drop different routes (capacity depends on the tokens per call), so those
// compare decode against prefills of one token at a time instead: the same
// calls as decode, through the prefill entry point.

// RUN: mgc compile %mgc_src_root/examples/mixtral.toml --random-weights -o %t.mixtral.mgc
// RUN: mgc run %t.mixtral.mgc --tokens 1,2,3,4 -n 60 --dump-logits %t.mixtral.decode.f32 > %t.mixtral.ids
// RUN: mgc run %t.mixtral.mgc --tokens 1,2,3,4,$(cut -d, -f1-56 %t.mixtral.ids) -n 60 --dump-logits %t.mixtral.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.mixtral.decode.f32 %t.mixtral.prefill.f32 --vocab 512 --positions 60 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/qwen2-moe.toml --random-weights -o %t.qwen.mgc
// RUN: mgc run %t.qwen.mgc --tokens 1,2,3,4 -n 60 --dump-logits %t.qwen.decode.f32 > %t.qwen.ids
// RUN: mgc run %t.qwen.mgc --tokens 1,2,3,4,$(cut -d, -f1-56 %t.qwen.ids) -n 60 --dump-logits %t.qwen.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.qwen.decode.f32 %t.qwen.prefill.f32 --vocab 512 --positions 60 | FileCheck %s

// CHECK: positions 60, max abs error

// A step reads only the experts its tokens chose. One token at a time (a
// one-token prompt, then decode): each MoE layer reads exactly its top 2
// experts' gate, up and down weights per token, 2 x 3 x 128 x 64 x 4 bytes
// = 196.6 KB, not all 8 experts' 786.4 KB.
// RUN: mgc run %t.mixtral.mgc --tokens 7 -n 40 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=DECODE
// DECODE: routing (prefill and decode together):
// DECODE-NEXT: layer routes dropped imbalance routing expert KB/t load per expert
// DECODE-NEXT: layers.0 80 0 {{[0-9.]+}} {{[0-9.]+}}% 196.6 {{[0-9]+( [0-9]+){7}$}}
// DECODE-NEXT: layers.1 80 0 {{[0-9.]+}} {{[0-9.]+}}% 196.6 {{[0-9]+( [0-9]+){7}$}}

// A 64-token prompt in one prefill reads each chosen expert once for all
// its tokens: far less than 196.6 KB per token.
// RUN: mgc run %t.mixtral.mgc --tokens $(seq -s, 1 64) -n 64 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=PREFILL
// PREFILL: layers.0 128 0 {{[0-9.]+}} {{[0-9.]+}}% {{[0-9]\.[0-9]|1[0-9]\.[0-9]}} {{[0-9]+( [0-9]+){7}$}}

// Capacity: Switch's top-1 routing with capacity factor 1.25 drops routes of
// a 60-token prefill (each expert keeps ceil(1.25 x 60 / 8) = 10), never of
// a single token.
// RUN: mgc compile %mgc_src_root/examples/switch.toml --random-weights -o %t.switch.mgc
// RUN: mgc run %t.switch.mgc --tokens $(seq -s, 1 60) -n 60 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=SWITCH
// SWITCH: layers.1 60 {{[1-9][0-9]*}} {{[0-9.]+}}
// RUN: mgc run %t.switch.mgc --tokens 5 -n 30 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=SWITCH-DECODE
// SWITCH-DECODE: layers.1 30 0 {{[0-9.]+}}

// DeepSeek-V3 (MLA with the latent cache, sigmoid group-limited routing)
// and Kimi K2 (full-rank MLA queries).
// RUN: mgc compile %mgc_src_root/examples/deepseek-v3.toml --random-weights -o %t.dsv3.mgc
// RUN: mgc run %t.dsv3.mgc --tokens 1,2,3,4 -n 60 --dump-logits %t.dsv3.decode.f32 > %t.dsv3.ids
// RUN: mgc run %t.dsv3.mgc --tokens 1,2,3,4,$(cut -d, -f1-56 %t.dsv3.ids) -n 60 --dump-logits %t.dsv3.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.dsv3.decode.f32 %t.dsv3.prefill.f32 --vocab 512 --positions 60 | FileCheck %s
// RUN: mgc compile %mgc_src_root/examples/kimi-k2.toml --random-weights -o %t.kimi.mgc
// RUN: mgc run %t.kimi.mgc --tokens 1,2,3,4 -n 60 --dump-logits %t.kimi.decode.f32 > %t.kimi.ids
// RUN: mgc run %t.kimi.mgc --tokens 1,2,3,4,$(cut -d, -f1-56 %t.kimi.ids) -n 60 --dump-logits %t.kimi.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.kimi.decode.f32 %t.kimi.prefill.f32 --vocab 512 --positions 60 | FileCheck %s
