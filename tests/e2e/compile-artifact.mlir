// `mgc compile -o FILE.mgc` writes a compiled model; inputs without weights
// need --random-weights, and ops codegen cannot handle yet are named.

// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights=7 -o %t.mgc
// RUN: mgc run %t.mgc --tokens 1,2,3 -n 6 | FileCheck %s --check-prefix=SAMPLED
// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights=7 --emit=artifact -o %t.same
// RUN: mgc run %t.mgc --tokens 1,2,3 -n 6 > %t.a.txt
// RUN: mgc run %t.same --tokens 1,2,3 -n 6 > %t.b.txt
// RUN: diff %t.a.txt %t.b.txt
// RUN: mgc run %t.mgc --tokens 1,2,3 -n 6 --temp 1.0 --top-k 40 --top-p 0.9 --seed 5 -t 1 | FileCheck %s --check-prefix=SAMPLED
// SAMPLED: {{[0-9]+,[0-9]+,[0-9]+}}

// RUN: not mgc compile %mgc_src_root/examples/llama.toml -o %t.no-weights.mgc 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// WEIGHTS: names no weights; compile it with --random-weights

// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --emit=artifact 2>&1 | FileCheck %s --check-prefix=STDOUT
// STDOUT: --emit=artifact writes a compiled model file; name it with -o FILE.mgc

// RUN: not mgc compile %mgc_src_root/examples/gpt2.toml --random-weights -o %t.gpt2.mgc 2>&1 | FileCheck %s --check-prefix=UNHANDLED
// UNHANDLED: error: codegen does not support 'mgc.positions' yet
// RUN: not mgc compile %S/Inputs/unfusable-kernel.mlir --random-weights -o %t.unfusable.mgc 2>&1 | FileCheck %s --check-prefix=UNFUSABLE
// RUN: not test -e %t.unfusable.mgc
// UNFUSABLE: unfusable-kernel.mlir:8:10: error: codegen supports kernels of one op, or an mgc.linear followed by an activation and/or a residual add of its result (mgc-fuse-epilogues); this one holds 2 ops
