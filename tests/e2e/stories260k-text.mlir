// stories260K (real trained weights) compiled from its llama2.c checkpoint
// generates exactly llama2.c's greedy text for 200 positions from each
// reference prompt; the tokenizer is given at run time or embedded at
// compile time (--tokenizer).
// REQUIRES: shared-models

// RUN: mgc compile %shared_models/stories260K/stories260K.bin -o %t.mgc
// RUN: mgc run %t.mgc --prompt "Once upon a time" -n 200 --tokenizer %shared_models/stories260K/tok512.bin > %t.p0.txt
// RUN: diff %t.p0.txt %shared_models/stories260K/refs/run_t0_n200_p0.txt

// RUN: mgc compile %shared_models/stories260K/stories260K.bin --tokenizer %shared_models/stories260K/tok512.bin -o %t.tok.mgc
// RUN: mgc run %t.tok.mgc --prompt "Lily and Tom went to the park" -n 200 > %t.p1.txt
// RUN: diff %t.p1.txt %shared_models/stories260K/refs/run_t0_n200_p1.txt
// RUN: mgc run %t.tok.mgc --prompt "" -n 200 > %t.p4.txt
// RUN: diff %t.p4.txt %shared_models/stories260K/refs/run_t0_n200_p4.txt

// Token ids in, generated ids out: 1 403 407 is "Once upon a time"'s start.
// RUN: mgc run %t.mgc --tokens 1,403,407 -n 8 | FileCheck %s --check-prefix=IDS
// IDS: 261,378,432,383,286
