// `mgc run --profile`: per op kind and per kernel call, time, FLOPs, bytes,
// intensity and roofline fraction, each call with its description position.
// The JSON report agrees with `mgc inspect`: per decode step, the matrix
// products' FLOPs and the weight bytes read equal the analytic figures, the
// attention FLOPs follow the keys attended, and the calls' times add up to
// the eval time (at least a quarter of it; the rest is the runtime's own
// work, more of it when the machine is loaded).
// Dense (llama), MoE (mixtral: only the chosen experts' weights count) and
// MLA + MoE (deepseek-v3).

// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.llama.mgc
// RUN: mgc run %t.llama.mgc --tokens 5,6,7 -n 20 --profile 2>&1 >/dev/null | FileCheck %s --check-prefix=TEXT
// TEXT: profile: {{[0-9.]+}} ms in calls of {{[0-9.]+}} ms evaluating; roofline of the target: {{[0-9.]+}} GFLOP/s, {{[0-9.]+}} GB/s (all its cores)
// TEXT-NEXT: op ms share GFLOP GFLOP/s GB/s FLOP/B roof
// TEXT-DAG: {{^}}linear {{.*}}%{{$}}
// TEXT-DAG: {{^}}attention {{.*}}%{{$}}
// TEXT-DAG: {{^}}norm {{.*}}%{{$}}
// TEXT-DAG: {{^}}other {{.*}}%{{$}}
// TEXT: op ms share GFLOP GFLOP/s GB/s FLOP/B roof call source
// TEXT: {{^}}linear {{.*}}% {{(prefill|decode)}}.{{.*}} {{.*}}examples/llama.toml:{{[0-9]+}}:{{[0-9]+$}}

// RUN: mgc run %t.llama.mgc --tokens 5,6,7 -n 60 --profile --json 2> %t.llama.json > /dev/null
// RUN: mgc inspect %mgc_src_root/examples/llama.toml --json > %t.llama.inspect.json
// RUN: mgc-check-profile %t.llama.json %t.llama.inspect.json --decode-steps 57 --first 3 | FileCheck %s
// CHECK: profile consistent

// RUN: mgc compile %mgc_src_root/examples/mixtral.toml --random-weights -o %t.mixtral.mgc
// RUN: mgc run %t.mixtral.mgc --tokens 5,6,7 -n 60 --profile --json 2> %t.mixtral.json > /dev/null
// RUN: mgc inspect %mgc_src_root/examples/mixtral.toml --json > %t.mixtral.inspect.json
// RUN: mgc-check-profile %t.mixtral.json %t.mixtral.inspect.json --decode-steps 57 --first 3 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/deepseek-v3.toml --random-weights -o %t.dsv3.mgc
// RUN: mgc run %t.dsv3.mgc --tokens 5,6,7 -n 60 --profile --json 2> %t.dsv3.json > /dev/null
// RUN: mgc inspect %mgc_src_root/examples/deepseek-v3.toml --json > %t.dsv3.inspect.json
// RUN: mgc-check-profile %t.dsv3.json %t.dsv3.inspect.json --decode-steps 57 --first 3 | FileCheck %s

// A wrong expectation fails: the decode steps started at position 3, not 4.
// RUN: not mgc-check-profile %t.llama.json %t.llama.inspect.json --decode-steps 57 --first 4 | FileCheck %s --check-prefix=WRONG
// WRONG: attention FLOPs over the decode steps: {{.*}} MISMATCH
