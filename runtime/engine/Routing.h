//===- Routing.h - the MoE routing steps the runtime does itself -*- C++ -*-===//
//
// Capacity limiting and grouping of a layer's routes by expert (see
// CallKind::capacity and CallKind::dispatch in runtime/model/Plan.h). Both
// are O(tokens x top_k) integer bookkeeping that decides which rows each
// expert's kernels see; the arithmetic stays in compiled kernels.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_ROUTING_H
#define MGC_RUNTIME_ENGINE_ROUTING_H

#include <cstdint>
#include <string>
#include <vector>

namespace mgc {

/// Routing counts of one MoE layer, accumulated over calls.
struct RoutingCounts {
  std::string name;             // the expert kernel's name
  std::vector<uint64_t> load;   // routes dispatched to each expert
  uint64_t tokens = 0;          // tokens routed
  uint64_t routes = 0;          // routes the router made (tokens x top_k)
  uint64_t dropped = 0;         // routes dropped by the capacity limit
  uint64_t expertWeightBytes = 0; // expert weight bytes the kernels read
};

/// Drops the routes over capacity: each of `experts` experts keeps at most
/// ceil(factor * tokens * k / experts) routes, taken in order of choice rank
/// (all first choices, then all second choices, ...) and, within a rank, of
/// token. A dropped route's weight becomes 0. Returns the number dropped, or
/// -1 when an index is outside [0, experts).
int64_t limitCapacity(const int32_t *indices, float *weights, int64_t tokens,
                      int64_t k, int64_t experts, double factor);

/// Groups the routes of non-zero weight by expert (see CallKind::dispatch):
/// fills rows [tokens * k], slots [tokens, k] and offsets [experts + 1].
/// Adds each expert's route count to `load` when it is not null. Returns
/// false when an index is outside [0, experts).
bool dispatchRoutes(const int32_t *indices, const float *weights,
                    int64_t tokens, int64_t k, int64_t experts, int32_t *rows,
                    int32_t *slots, int32_t *offsets, uint64_t *load);

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_ROUTING_H
