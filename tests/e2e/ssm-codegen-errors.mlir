// Carried state that codegen cannot update in place is an error at the op:
// a scan's initial state must be an mgc.state (here a constant), and a
// state is never reshaped (only activations and weights are).

// RUN: not mgc compile %S/Inputs/scan-constant-state.mlir --random-weights -o %t.a.mgc 2>&1 | FileCheck %s --check-prefix=CONSTANT
// CONSTANT: scan-constant-state.mlir:11:15: error: codegen needs the 'scan' state operand to be an mgc.state value (updated in place)

// RUN: not mgc compile %S/Inputs/reshaped-state.mlir --random-weights -o %t.b.mgc 2>&1 | FileCheck %s --check-prefix=RESHAPE
// RESHAPE: reshaped-state.mlir:12:11: error: codegen reshapes activations and weights, not states
