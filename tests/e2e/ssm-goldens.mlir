// Tiny random-weight Mamba, Mamba-2 and Jamba models saved by Hugging Face
// transformers (tests/goldens/README.md) compile from their config.json +
// safetensors (conv1d weights stored [C, 1, K], Jamba's per-expert tensors
// stacked) and match transformers: the prompt's logits in one prefill, the
// 16 greedy tokens, and the logits of every decode step after the prompt,
// which continue the recurrent and convolution states the prefill left
// (within 1e-4 relative).

// RUN: mgc compile %mgc_src_root/tests/goldens/mamba -o %t.mamba.mgc 2>/dev/null
// RUN: mgc run %t.mamba.mgc --tokens $(cat %mgc_src_root/tests/goldens/mamba/prompt.txt) -n 12 --dump-logits %t.mamba.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.mamba.prompt.f32 %mgc_src_root/tests/goldens/mamba/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.mamba.mgc --tokens $(cat %mgc_src_root/tests/goldens/mamba/prompt.txt) -n 28 --dump-logits %t.mamba.greedy.f32 | cut -d, -f1-16 > %t.mamba.ids
// RUN: diff -w %t.mamba.ids %mgc_src_root/tests/goldens/mamba/greedy.txt
// RUN: mgc-compare-logits %t.mamba.greedy.f32 %mgc_src_root/tests/goldens/mamba/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// RUN: mgc compile %mgc_src_root/tests/goldens/mamba2 -o %t.mamba2.mgc 2>/dev/null
// RUN: mgc run %t.mamba2.mgc --tokens $(cat %mgc_src_root/tests/goldens/mamba2/prompt.txt) -n 12 --dump-logits %t.mamba2.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.mamba2.prompt.f32 %mgc_src_root/tests/goldens/mamba2/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.mamba2.mgc --tokens $(cat %mgc_src_root/tests/goldens/mamba2/prompt.txt) -n 28 --dump-logits %t.mamba2.greedy.f32 | cut -d, -f1-16 > %t.mamba2.ids
// RUN: diff -w %t.mamba2.ids %mgc_src_root/tests/goldens/mamba2/greedy.txt
// RUN: mgc-compare-logits %t.mamba2.greedy.f32 %mgc_src_root/tests/goldens/mamba2/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// RUN: mgc compile %mgc_src_root/tests/goldens/jamba -o %t.jamba.mgc 2>/dev/null
// RUN: mgc run %t.jamba.mgc --tokens $(cat %mgc_src_root/tests/goldens/jamba/prompt.txt) -n 12 --dump-logits %t.jamba.prompt.f32 > /dev/null
// RUN: mgc-compare-logits %t.jamba.prompt.f32 %mgc_src_root/tests/goldens/jamba/logits.f32 --vocab 256 --positions 12 | FileCheck %s --check-prefix=PROMPT
// RUN: mgc run %t.jamba.mgc --tokens $(cat %mgc_src_root/tests/goldens/jamba/prompt.txt) -n 28 --dump-logits %t.jamba.greedy.f32 | cut -d, -f1-16 > %t.jamba.ids
// RUN: diff -w %t.jamba.ids %mgc_src_root/tests/goldens/jamba/greedy.txt
// RUN: mgc-compare-logits %t.jamba.greedy.f32 %mgc_src_root/tests/goldens/jamba/greedy-logits.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=GREEDY

// PROMPT: positions 12, max abs error
// GREEDY: positions 28, max abs error
