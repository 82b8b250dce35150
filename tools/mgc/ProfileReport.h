//===- ProfileReport.h - `mgc run --profile`, `mgc bench --profile` -*- C++ -*-===//
//
// Where a model's time goes, per kernel call site and per op kind
// (attention, route, expert, scan, linear, norm, other): time and its
// share, FLOPs and bytes moved (the plan's analytic costs applied to what
// each call ran on), arithmetic intensity, and the fraction of the target's
// roofline reached: achieved FLOP/s over min(peak, intensity x bandwidth),
// or achieved bytes/s over the bandwidth for kernels that do no arithmetic.
// Each call site names its layer and the description position it came from.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_PROFILEREPORT_H
#define MGC_TOOLS_MGC_PROFILEREPORT_H

#include "runtime/engine/Session.h"

#include <cstdio>
#include <string>
#include <vector>

namespace mgc {

/// One call site's (or op kind's) totals.
struct ProfileRow {
  std::string name;   // the call (entry.kernel[.part]) or the op kind
  std::string op;     // the op kind it counts under
  std::string layer;  // "layers.N", or "" outside the layers
  std::string source; // description position, "" when unknown
  double seconds = 0, flops = 0, bytes = 0, weightBytes = 0;
  double matmulFlops = 0; // the part of flops in matrix products
  double pairFlops = 0;   // the part scoring attention's (query, key) pairs
  int64_t runs = 0;
};

/// The op kind a call counts under: attention, route, expert, scan,
/// linear, norm or other.
std::string opKind(const PlanCall &call);

/// Every call site that ran since profiling was enabled, in plan order.
std::vector<ProfileRow> profileCalls(const Session &session);

/// The same totals per op kind, largest time first.
std::vector<ProfileRow> profileOpKinds(const std::vector<ProfileRow> &calls);

/// The fraction of the roofline `row` reached on a target of `peakGflops`
/// and `bandwidthGBps`; 0 when unknown.
double rooflineFraction(const ProfileRow &row, double peakGflops,
                        double bandwidthGBps);

/// The report as tables (op kinds, then the `top` slowest call sites; 0:
/// all), or as one JSON object.
void printProfile(const Session &session, std::FILE *out, size_t top);
void printProfileJson(const Session &session, std::FILE *out);

} // namespace mgc

#endif // MGC_TOOLS_MGC_PROFILEREPORT_H
