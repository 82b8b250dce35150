// `mgc compile` on mgc IR input: target selection, the optimizing pipeline,
// per-pass IR dumps, atomic output, and clear errors with a non-zero exit.

// RUN: mgc compile %s --target x86-64-avx512 | FileCheck %s
// CHECK: module attributes {mgc.target = #mgc.target<isa = "x86-64-avx512"
// CHECK-LABEL: func.func @decode
// -O2 merges the two reads of the same weight.
// CHECK-COUNT-1: mgc.param "w"
// CHECK-NOT: mgc.param "w"
// CHECK: return

// RUN: mgc compile %s --target arm64 -O0 | FileCheck %s --check-prefix=O0
// O0: #mgc.target<isa = "arm64"
// O0-COUNT-2: mgc.param "w"

// RUN: rm -rf %t.dumps && mgc compile %s --target x86-64-avx2 --dump-ir-dir %t.dumps -o %t.out.mlir
// RUN: ls %t.dumps | FileCheck %s --check-prefix=DUMPS
// DUMPS: 00-input.mlir
// DUMPS-NEXT: 01-mgc-set-target.mlir
// DUMPS-NEXT: 02-cse.mlir
// DUMPS-NEXT: 03-canonicalize.mlir
// RUN: FileCheck %s --check-prefix=OUT < %t.out.mlir
// OUT: isa = "x86-64-avx2"
// RUN: not grep mgc.target %t.dumps/00-input.mlir

// RUN: mgc compile %s --target x86-64-avx512 --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=AFTER
// AFTER: IR Dump After SetTargetPass (mgc-set-target)
// AFTER: IR Dump After CSE (cse)
// AFTER: IR Dump After Canonicalizer (canonicalize)

// A failed compile exits non-zero and leaves no output file behind.
// RUN: rm -f %t.bad.mlir
// RUN: not mgc compile %s --target foo -o %t.bad.mlir 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: mgc compile: error: unknown target 'foo'; expected one of: host, x86-64-avx2, x86-64-avx512, x86-64-avx512-bf16, arm64
// RUN: not ls %t.bad.mlir
// RUN: not mgc compile %S/Inputs/dynamic-weight.mlir -o %t.bad.mlir 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: dynamic-weight.mlir:2:8: error: 'mgc.param' op weight 'w' must have a static shape, got 'tensor<?xf32>'
// RUN: not ls %t.bad.mlir

// RUN: not mgc compile %t.missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: mgc compile: error: {{.*}}missing.mlir: no such file or directory
// RUN: printf 'GGUF\003\000\000\000' > %t.gguf
// RUN: not mgc compile %t.gguf 2>&1 | FileCheck %s --check-prefix=GGUF
// GGUF: mgc compile: error: {{.*}}.gguf: at byte offset 8: the file ends inside the GGUF header (the file has 8 bytes)
// RUN: not mgc compile %s --emit=asm 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: --emit=asm is not available in this build; it accepts --emit=mlir, --emit=scheduled-mlir, --emit=artifact and --emit=exe

// --emit=scheduled-mlir outlines kernels and schedules them for the target.
// RUN: mgc compile %s --target x86-64-avx2 --emit=scheduled-mlir | FileCheck %s --check-prefix=SCHED
// SCHED: mgc.kernel "decode.w" ins({{.*}}) -> tensor<1x8xf32> attributes {schedule = #mgc.schedule<decode, tiles = [1, 16], vector = 8, unroll = 1, parallel = [1], threads = 2>}
// RUN: not mgc compile 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: mgc compile: error: no input given
// RUN: not mgc compile %s --bogus 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: mgc compile: error: unknown option '--bogus'
// RUN: not mgc compile %s --disable-pass cse 2>&1 | FileCheck %s --check-prefix=DISABLE
// DISABLE: mgc compile: error: --disable-pass cse: only the fusion passes can be left out: mgc-fuse-projections, mgc-fuse-epilogues
// RUN: not mgc frobnicate 2>&1 | FileCheck %s --check-prefix=COMMAND
// COMMAND: mgc: error: unknown command 'frobnicate'

func.func @decode(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %w0 = mgc.param "w" : tensor<8x8xf32>
  %w1 = mgc.param "w" : tensor<8x8xf32>
  %a = mgc.linear %x, %w0 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
  %b = mgc.linear %a, %w1 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
  return %b : tensor<1x8xf32>
}
