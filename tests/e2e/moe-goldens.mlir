// Tiny random-weight Mixtral, Qwen2-MoE and DeepSeek-V3 models saved by
// Hugging Face transformers (tests/goldens/README.md) compile from their
// config.json + safetensors (per-expert tensors stacked) and match
// transformers: the prompt's logits in one prefill, the 16 greedy tokens,
// and the logits of every decode step after the prompt (within 1e-4
// relative).

// RUN: mgc compile %mgc_src_root/tests/goldens/mixtral -o %t.mixtral.mgc 2>/dev/null
// RUN: mgc run %t.mixtral.mgc --tokens $(cat %mgc_src_root/tests/goldens/mixtral/prompt.txt) -n 12 --dump-logits %t.mixtral.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.mixtral.prompt.f32 %mgc_src_root/tests/goldens/mixtral/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.mixtral.mgc --tokens $(cat %mgc_src_root/tests/goldens/mixtral/prompt.txt) -n 28 --dump-logits %t.mixtral.greedy.f32 | cut -d, -f1-16 > %t.mixtral.ids
// RUN: diff -w %t.mixtral.ids %mgc_src_root/tests/goldens/mixtral/greedy.txt
// RUN: mgc-compare-logits %t.mixtral.greedy.f32 %mgc_src_root/tests/goldens/mixtral/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// RUN: mgc compile %mgc_src_root/tests/goldens/qwen2_moe -o %t.qwen.mgc 2>/dev/null
// RUN: mgc run %t.qwen.mgc --tokens $(cat %mgc_src_root/tests/goldens/qwen2_moe/prompt.txt) -n 12 --dump-logits %t.qwen.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.qwen.prompt.f32 %mgc_src_root/tests/goldens/qwen2_moe/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.qwen.mgc --tokens $(cat %mgc_src_root/tests/goldens/qwen2_moe/prompt.txt) -n 28 --dump-logits %t.qwen.greedy.f32 | cut -d, -f1-16 > %t.qwen.ids
// RUN: diff -w %t.qwen.ids %mgc_src_root/tests/goldens/qwen2_moe/greedy.txt
// RUN: mgc-compare-logits %t.qwen.greedy.f32 %mgc_src_root/tests/goldens/qwen2_moe/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// RUN: mgc compile %mgc_src_root/tests/goldens/deepseek_v3 -o %t.deepseek.mgc 2>/dev/null
// RUN: mgc run %t.deepseek.mgc --tokens $(cat %mgc_src_root/tests/goldens/deepseek_v3/prompt.txt) -n 12 --dump-logits %t.deepseek.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.deepseek.prompt.f32 %mgc_src_root/tests/goldens/deepseek_v3/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.deepseek.mgc --tokens $(cat %mgc_src_root/tests/goldens/deepseek_v3/prompt.txt) -n 28 --dump-logits %t.deepseek.greedy.f32 | cut -d, -f1-16 > %t.deepseek.ids
// RUN: diff -w %t.deepseek.ids %mgc_src_root/tests/goldens/deepseek_v3/greedy.txt
// RUN: mgc-compare-logits %t.deepseek.greedy.f32 %mgc_src_root/tests/goldens/deepseek_v3/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// PROMPT: positions 12, max abs error
// GREEDY: positions 28, max abs error

// MLA caches only the latent: per layer and token one key head of
// kv_lora_rank + rope dims (16 + 8) and one value head of kv_lora_rank (16),
// 3 layers x 40 x 4 bytes, where caching every head's keys and values would
// take 3 x 4 x (16 + 12) x 4 = 1,344 bytes.
// RUN: mgc inspect %mgc_src_root/tests/goldens/deepseek_v3 2>/dev/null | FileCheck %s --check-prefix=MLA
// MLA: KV-cache bytes per token 480{{$}}
