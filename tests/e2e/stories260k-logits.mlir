// stories260K's logits at every one of the 200 positions of each reference
// run match llama2.c's within 1e-4 relative (absolute below 1), from the
// llama2.c checkpoint and from the GGUF file (its tokenizer given at run
// time, or embedded by the compiler from the GGUF input).
// REQUIRES: shared-models

// RUN: mgc compile %shared_models/stories260K/stories260K.bin -o %t.mgc
// RUN: mgc run %t.mgc --prompt "Once upon a time" -n 200 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.p0.f32 > /dev/null
// RUN: mgc-compare-logits %t.p0.f32 %shared_models/stories260K/refs/dump_p0.logits.f32 --vocab 512 --positions 200 | FileCheck %s
// RUN: mgc run %t.mgc --prompt "Lily and Tom went to the park" -n 200 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.p1.f32 > /dev/null
// RUN: mgc-compare-logits %t.p1.f32 %shared_models/stories260K/refs/dump_p1.logits.f32 --vocab 512 --positions 200 | FileCheck %s
// RUN: mgc run %t.mgc --prompt "" -n 200 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.p4.f32 > /dev/null
// RUN: mgc-compare-logits %t.p4.f32 %shared_models/stories260K/refs/dump_p4.logits.f32 --vocab 512 --positions 200 | FileCheck %s

// RUN: mgc compile %shared_models/stories260K/stories260K.gguf -o %t.gguf.mgc
// RUN: mgc run %t.gguf.mgc --prompt "Once upon a time" -n 200 --tokenizer %shared_models/stories260K/stories260K.gguf --dump-logits %t.g0.f32 > %t.g0.txt
// RUN: diff %t.g0.txt %shared_models/stories260K/refs/run_t0_n200_p0.txt
// RUN: mgc-compare-logits %t.g0.f32 %shared_models/stories260K/refs/dump_p0.logits.f32 --vocab 512 --positions 200 | FileCheck %s
// RUN: mgc inspect %t.gguf.mgc | FileCheck %s --check-prefix=EMBEDDED
// EMBEDDED: tokenizer: gguf, embedded
// RUN: mgc run %t.gguf.mgc --prompt "Lily and Tom went to the park" -n 200 > %t.g1.txt
// RUN: diff %t.g1.txt %shared_models/stories260K/refs/run_t0_n200_p1.txt

// CHECK: positions 200, max abs error
