// `mgc compile --time-report` says where a compile's time went, and the
// kernel cache makes a recompile cheap: every object and the linked library
// come from the cache, and the model computes the same logits. A different
// set of kernels (-O0's) is a different library: it is linked anew.
//
// RUN: rm -rf %t.cache
// RUN: env MGC_CACHE_DIR=%t.cache mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.cold.mgc --time-report 2>&1 | FileCheck %s --check-prefix=COLD
// RUN: env MGC_CACHE_DIR=%t.cache mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.warm.mgc --time-report 2>&1 | FileCheck %s --check-prefix=WARM
// RUN: mgc run %t.cold.mgc --tokens 1,2,3 -n 8 --dump-logits %t.cold.f32 > /dev/null
// RUN: mgc run %t.warm.mgc --tokens 1,2,3 -n 8 --dump-logits %t.warm.f32 > /dev/null
// RUN: cmp %t.cold.f32 %t.warm.f32
// RUN: env MGC_CACHE_DIR=%t.cache mgc compile %mgc_src_root/examples/llama.toml --random-weights -O0 -o %t.o0.mgc --time-report 2>&1 | FileCheck %s --check-prefix=OTHER
//
// Without an artifact there is no codegen to report: the IR is written.
// RUN: mgc compile %mgc_src_root/examples/llama.toml --time-report -o %t.mlir 2>&1 | FileCheck %s --check-prefix=TEXT

// COLD: mgc compile: time report
// COLD-NEXT: front end {{[0-9]+\.[0-9][0-9][0-9]}} s
// COLD-NEXT: passes
// COLD-NEXT: lowering
// COLD-NEXT: weights {{[0-9]+\.[0-9][0-9][0-9]}} s {{[1-9][0-9]*}} bytes
// COLD-NEXT: kernels {{.*}} functions: {{[1-9][0-9]*}} objects compiled, 0 cached{{$}}
// COLD-NEXT: writing
// COLD-NEXT: total

// WARM: kernels {{.*}} functions: 0 objects compiled, {{[1-9][0-9]*}} cached, linked library cached

// OTHER: kernels {{.*}} functions: {{[1-9][0-9]*}} objects compiled, {{[0-9]+}} cached{{$}}

// TEXT: front end
// TEXT-NEXT: passes
// TEXT-NEXT: writing {{.*}} s {{[1-9][0-9]*}} bytes of IR
// TEXT-NEXT: total
