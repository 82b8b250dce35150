//===- LayoutKernel.h - Halide kernels that only move data ------*- C++ -*-===//
//
// mgc.slice, mgc.concat and mgc.broadcast: copies that regroup a tensor's
// elements (mgc.reshape moves nothing; codegen binds its result to the same
// memory). Shapes follow KernelSchedule.h: mgc order, rank 1 to 4, dimension
// 0 may be kDynamicExtent (the tokens) in every input and the result alike.
// The schedule is row-wise (checkRowSchedule): rows are dimension 0, features
// the innermost dimension, vectorized; dimensions in between loop inside.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELS_LAYOUTKERNEL_H
#define MGC_CODEGEN_KERNELS_LAYOUTKERNEL_H

#include "codegen/kernels/ElementwiseKernel.h"

namespace mgc {

struct LayoutKernelSpec {
  enum class Kind {
    slice,     // result[.., i, ..] = input[.., offset + i, ..] along `dim`
    concat,    // the inputs joined along the last dimension, in order
    broadcast, // size-1 dimensions of the input repeated to the result's
  };
  Kind kind = Kind::slice;
  std::vector<std::vector<int64_t>> inputShapes; // one, or concat's several
  std::vector<int64_t> resultShape;
  int64_t dim = 0;    // slice
  int64_t offset = 0; // slice
};

/// (inputs...) -> result, f32.
KernelPipelineResult buildLayoutKernel(const LayoutKernelSpec &spec,
                                       const KernelSchedule &schedule);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELS_LAYOUTKERNEL_H
