// Inputs mgc cannot build give a message, a non-zero exit and no output
// file, never an allocator abort or a half-written model.

// A valid description whose weights exceed this machine's memory.
// RUN: rm -f %t.mgc
// RUN: not mgc compile %S/Inputs/huge-weights.toml --random-weights -o %t.mgc 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: mgc compile: error: the weights take 158330492289024 bytes, more than this machine's {{[0-9]+}} bytes of memory
// RUN: not ls %t.mgc
