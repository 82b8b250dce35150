//===- KernelSchedule.h - what a kernel generator is asked to build -*- C++ -*-===//
//
// The plain-C++ form of a #mgc.schedule plus the target a kernel is built
// for, handed to the Halide kernel generators. Kept free of MLIR so the
// generators (plain CMake targets with RTTI and exceptions, linking Halide)
// do not depend on the compiler's IR.
//
// Layout convention for every generator: a row-major mgc tensor
// [d0, d1, ..., dk] is a Halide buffer whose dimension 0 is dk (contiguous),
// dimension 1 is d(k-1), and so on. The token dimension T of activations is
// the outermost Halide dimension and is the only one that may vary at run
// time.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_KERNELSCHEDULE_H
#define MGC_CODEGEN_KERNELS_KERNELSCHEDULE_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

struct KernelSchedule {
  bool decode = false;            // one token (decode) or a prompt (prefill)
  std::vector<int64_t> tiles;     // per loop dimension, outermost first
  int64_t vectorWidth = 16;       // lanes of the element type
  int64_t unroll = 1;             // unroll factor of the innermost tile
  std::vector<int64_t> parallelDims; // loop dimensions run across threads
  int64_t threads = 1;            // threads the kernel is scheduled for
  std::string halideTarget;       // explicit Halide target string, never "host"
};

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_KERNELSCHEDULE_H
