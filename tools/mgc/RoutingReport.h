//===- RoutingReport.h - `mgc run --stats` for MoE layers -------*- C++ -*-===//
//
// Per MoE layer: how many routes the router made, how many the capacity
// limit dropped, the load of every expert (routes dispatched to it), the
// imbalance (largest load over the mean), the expert weight bytes read per
// token, and the share of the layer's time spent routing (router
// projection, selection, capacity and dispatch).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_ROUTINGREPORT_H
#define MGC_TOOLS_MGC_ROUTINGREPORT_H

#include "runtime/engine/Session.h"

#include <cstdio>

namespace mgc {

/// Writes the report of `session`'s routing statistics (enableRoutingStats
/// and enableProfiling on) to `out`: a table (nothing for a model without
/// MoE layers), or with `json` one JSON array of layers ([] without MoE).
void printRoutingReport(const Session &session, std::FILE *out, bool json);

} // namespace mgc

#endif // MGC_TOOLS_MGC_ROUTINGREPORT_H
