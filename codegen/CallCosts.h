//===- CallCosts.h - analytic FLOPs and bytes of each plan call -*- C++ -*-===//
//
// Fills PlanCall::cost (runtime/model/Plan.h) of every kernel call from the
// kernel request it runs: the FLOPs and bytes moved per row, per scored
// (query, key) pair and per cached position, and the weight and state bytes
// per call. Matrix products count 2 FLOPs per multiply-add, the figure `mgc
// inspect` reports; element-wise work counts one FLOP per element and
// operation. Profiles divide these by measured times to place each kernel
// under the target's roofline.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_CALLCOSTS_H
#define MGC_CODEGEN_CALLCOSTS_H

#include "codegen/LoweredModel.h"

namespace mgc {

void estimateCallCosts(LoweredModel &model);

} // namespace mgc

#endif // MGC_CODEGEN_CALLCOSTS_H
