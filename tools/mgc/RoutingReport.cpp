//===- RoutingReport.cpp - `mgc run --stats` for MoE layers ---------------===//

#include "tools/mgc/RoutingReport.h"

#include <algorithm>
#include <map>
#include <string>

using namespace mgc;

namespace {

/// The layer a call belongs to: its name without the entry point prefix,
/// cut after "layers.<n>" when it has one ("prefill.layers.3.ffn.router"
/// -> "layers.3"), else its name without the entry point.
std::string layerOf(const std::string &name) {
  std::string rest = name.substr(name.find('.') + 1);
  size_t at = rest.find("layers.");
  if (at == std::string::npos)
    return rest;
  size_t end = rest.find('.', at + 7);
  return rest.substr(0, end);
}

struct LayerReport {
  std::vector<uint64_t> load;
  uint64_t tokens = 0, routes = 0, dropped = 0, weightBytes = 0;
  double routingSeconds = 0, layerSeconds = 0;
};

} // namespace

void mgc::printRoutingReport(const Session &session, std::FILE *out,
                             bool json) {
  const Plan &plan = session.model().plan();
  std::map<std::string, LayerReport> layers; // by layer, both entry points
  std::vector<std::string> order;
  for (const RoutingCounts &c : session.routingStats()) {
    std::string layer = layerOf(c.name);
    auto [it, inserted] = layers.try_emplace(layer);
    if (inserted)
      order.push_back(layer);
    LayerReport &r = it->second;
    r.load.resize(std::max(r.load.size(), c.load.size()), 0);
    for (size_t e = 0; e < c.load.size(); ++e)
      r.load[e] += c.load[e];
    r.tokens += c.tokens;
    r.routes += c.routes;
    r.dropped += c.dropped;
    r.weightBytes += c.expertWeightBytes;
  }
  if (layers.empty() && !json)
    return;
  const std::vector<std::vector<Session::CallProfile>> &profile =
      session.callProfile();
  for (size_t e = 0; e < plan.entries.size() && e < profile.size(); ++e)
    for (size_t c = 0; c < plan.entries[e].calls.size(); ++c) {
      const PlanCall &call = plan.entries[e].calls[c];
      auto it = layers.find(layerOf(call.name));
      if (it == layers.end())
        continue;
      it->second.layerSeconds += profile[e][c].seconds;
      if (call.op == "route" || call.kind == CallKind::dispatch)
        it->second.routingSeconds += profile[e][c].seconds;
    }

  if (json) {
    std::fprintf(out, "[");
    for (size_t i = 0; i < order.size(); ++i) {
      const LayerReport &r = layers[order[i]];
      uint64_t dispatched = 0, most = 0;
      for (uint64_t l : r.load) {
        dispatched += l;
        most = std::max(most, l);
      }
      double mean =
          r.load.empty() ? 0 : double(dispatched) / double(r.load.size());
      std::fprintf(out,
                   "%s{\"layer\": \"%s\", \"tokens\": %llu, \"routes\": "
                   "%llu, \"dropped\": %llu, \"imbalance\": %.6g, "
                   "\"routing_share\": %.6g, \"expert_weight_bytes\": %llu, "
                   "\"load\": [",
                   i ? ", " : "", order[i].c_str(),
                   static_cast<unsigned long long>(r.tokens),
                   static_cast<unsigned long long>(r.routes),
                   static_cast<unsigned long long>(r.dropped),
                   mean > 0 ? double(most) / mean : 0.0,
                   r.layerSeconds > 0 ? r.routingSeconds / r.layerSeconds : 0.0,
                   static_cast<unsigned long long>(r.weightBytes));
      for (size_t e = 0; e < r.load.size(); ++e)
        std::fprintf(out, "%s%llu", e ? ", " : "",
                     static_cast<unsigned long long>(r.load[e]));
      std::fprintf(out, "]}");
    }
    std::fprintf(out, "]");
    return;
  }
  std::fprintf(out, "routing (prefill and decode together):\n");
  std::fprintf(out, "%-12s %8s %8s %9s %8s %12s  %s\n", "layer", "routes",
               "dropped", "imbalance", "routing", "expert KB/t",
               "load per expert");
  for (const std::string &layer : order) {
    const LayerReport &r = layers[layer];
    uint64_t dispatched = 0, most = 0;
    for (uint64_t l : r.load) {
      dispatched += l;
      most = std::max(most, l);
    }
    double mean = r.load.empty() ? 0 : double(dispatched) / double(r.load.size());
    std::string loads;
    for (uint64_t l : r.load)
      loads += (loads.empty() ? "" : " ") + std::to_string(l);
    std::fprintf(out, "%-12s %8llu %8llu %9.2f %7.1f%% %12.1f  %s\n",
                 layer.c_str(), static_cast<unsigned long long>(r.routes),
                 static_cast<unsigned long long>(r.dropped),
                 mean > 0 ? double(most) / mean : 0.0,
                 r.layerSeconds > 0
                     ? 100.0 * r.routingSeconds / r.layerSeconds
                     : 0.0,
                 r.tokens ? double(r.weightBytes) / 1e3 / double(r.tokens)
                          : 0.0,
                 loads.c_str());
  }
}
