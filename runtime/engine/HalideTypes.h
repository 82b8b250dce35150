//===- HalideTypes.h - plan element types as Halide's -----------*- C++ -*-===//
//
// The halide_type_t a kernel argument of a plan element type has.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_HALIDETYPES_H
#define MGC_RUNTIME_ENGINE_HALIDETYPES_H

#include "runtime/model/Plan.h"

#include "HalideRuntime.h"

namespace mgc {

inline halide_type_t halideTypeOf(PlanType type) {
  switch (type) {
  case PlanType::i32:
    return halide_type_t(halide_type_int, 32);
  case PlanType::f16:
    return halide_type_t(halide_type_float, 16);
  case PlanType::bf16:
    return halide_type_t(halide_type_bfloat, 16);
  case PlanType::f32:
    break;
  }
  return halide_type_t(halide_type_float, 32);
}

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_HALIDETYPES_H
