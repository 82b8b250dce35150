// `mgc compare`: a compiled model and a description (compiled here with
// random weights) side by side: the figures the compiler recorded, measured
// prefill and decode speed, memory against context, and SVG plots drawn by
// gnuplot.

// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.llama.mgc
// RUN: rm -rf %t.plots
// RUN: mgc compare %t.llama.mgc %mgc_src_root/examples/mamba.toml --contexts 8,32 -p 16 -n 4 -r 1 --plots %t.plots 2>/dev/null | FileCheck %s
// CHECK: model llama-tiny mamba-tiny
// CHECK-NEXT: params total 156,480 98,240
// CHECK-NEXT: params active per token 156,480 98,240
// CHECK-NEXT: weight bytes per token 495,104 392,960
// CHECK-NEXT: KV bytes per position 512 0
// CHECK-NEXT: state bytes 0 19,456
// CHECK-NEXT: prefill tokens/s (pp16) {{[0-9.]+}} {{[0-9.]+$}}
// CHECK-NEXT: decode ms/token @8 {{[0-9.]+}} {{[0-9.]+$}}
// CHECK-NEXT: decode ms/token @32 {{[0-9.]+}} {{[0-9.]+$}}
// Weights plus 512 bytes of KV cache per position, or plus the fixed state.
// CHECK-NEXT: memory MB @8 0.630 0.412
// CHECK-NEXT: memory MB @32 0.642 0.412
// CHECK-NEXT: plots: {{.*}}/decode-latency.svg, {{.*}}/memory.svg

// RUN: FileCheck %s --check-prefix=LATENCY < %t.plots/decode-latency.svg
// LATENCY: <svg
// LATENCY-DAG: >decode latency vs context<
// LATENCY-DAG: >llama-tiny<
// LATENCY-DAG: >mamba-tiny<
// LATENCY: </svg>
// RUN: FileCheck %s --check-prefix=MEMORY < %t.plots/memory.svg
// MEMORY: <svg
// MEMORY: >memory vs context (weights + KV cache + state)<
// MEMORY: </svg>

// RUN: mgc compare %t.llama.mgc %t.llama.mgc --contexts 8 -p 8 -n 2 -r 1 --json | FileCheck %s --check-prefix=JSON
// JSON: {"contexts": [8], "prefill_tokens": 8, "models": [{"model": "llama-tiny", "params_total": 156480, "params_active": 156480, "weight_bytes_per_token": 495104, "kv_bytes_per_token": 512, "state_bytes": 0, "prefill_tokens_per_s": {{[0-9.]+}}, "decode_ms_per_token": [{{[0-9.]+}}], "memory_bytes": [630016]}, {"model": "llama-tiny"

// Contexts beyond a model's capacity (llama-tiny holds 256) are skipped.
// RUN: mgc compare %t.llama.mgc %t.llama.mgc --contexts 8,300 -p 8 -n 2 -r 1 | FileCheck %s --check-prefix=BEYOND
// BEYOND: decode ms/token @300 - -

// RUN: not mgc compare %t.llama.mgc 2>&1 | FileCheck %s --check-prefix=ONE
// ONE: mgc compare: error: give at least two models to compare
// RUN: not mgc compare %t.llama.mgc %t.llama.mgc --contexts 0 2>&1 | FileCheck %s --check-prefix=BADCTX
// BADCTX: mgc compare: error: --contexts needs comma-separated positive lengths, got '0'
// RUN: not env PATH=/nonexistent mgc compare %t.llama.mgc %t.llama.mgc --contexts 8 -p 8 -n 2 -r 1 --plots %t.none 2>&1 | FileCheck %s --check-prefix=NOPLOT
// NOPLOT: mgc compare: error: --plots needs gnuplot, which is not installed (Debian: gnuplot-nox)
