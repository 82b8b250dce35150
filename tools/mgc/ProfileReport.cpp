//===- ProfileReport.cpp - `mgc run --profile`, `mgc bench --profile` -----===//

#include "tools/mgc/ProfileReport.h"

#include <algorithm>
#include <map>

using namespace mgc;

namespace {

/// "layers.N" of a call name ("prefill.layers.3.ffn.router"), or "".
std::string layerOf(const std::string &name) {
  size_t at = name.find("layers.");
  if (at == std::string::npos)
    return {};
  return name.substr(at, name.find('.', at + 7) - at);
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
      out += buffer;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void printJsonRow(const ProfileRow &r, const Plan &plan, std::FILE *out) {
  std::fprintf(out,
               "{\"name\": %s, \"op\": %s, \"layer\": %s, \"source\": %s, "
               "\"runs\": %lld, \"seconds\": %.9g, \"flops\": %.9g, "
               "\"flops_matmul\": %.9g, \"flops_attention\": %.9g, "
               "\"bytes\": %.9g, "
               "\"weight_bytes\": %.9g, \"roofline_fraction\": %.6g}",
               jsonString(r.name).c_str(), jsonString(r.op).c_str(),
               jsonString(r.layer).c_str(), jsonString(r.source).c_str(),
               static_cast<long long>(r.runs), r.seconds, r.flops,
               r.matmulFlops, r.pairFlops, r.bytes, r.weightBytes,
               rooflineFraction(r, plan.peakGflops, plan.bandwidthGBps));
}

void printTableRow(const ProfileRow &r, double total, const Plan &plan,
                   std::FILE *out, bool site) {
  double gflops = r.seconds > 0 ? r.flops / r.seconds / 1e9 : 0;
  double gbps = r.seconds > 0 ? r.bytes / r.seconds / 1e9 : 0;
  double intensity = r.bytes > 0 ? r.flops / r.bytes : 0;
  std::fprintf(out, "%-10s %9.3f %6.1f%% %9.3f %9.2f %8.2f %7.2f %6.1f%%",
               r.op.c_str(), 1e3 * r.seconds,
               total > 0 ? 100 * r.seconds / total : 0.0, r.flops / 1e9, gflops,
               gbps, intensity,
               100 * rooflineFraction(r, plan.peakGflops, plan.bandwidthGBps));
  if (site)
    std::fprintf(out, "  %s%s%s", r.name.c_str(), r.source.empty() ? "" : "  ",
                 r.source.c_str());
  std::fprintf(out, "\n");
}

} // namespace

std::string mgc::opKind(const PlanCall &call) {
  if (call.kind == CallKind::capacity)
    return "route";
  if (call.kind != CallKind::kernel)
    return "expert";
  static const std::map<std::string, std::string> kinds = {
      {"attention", "attention"}, {"route", "route"},
      {"expert", "expert"},       {"scan", "scan"},
      {"linear", "linear"},       {"logits", "linear"},
      {"head_linear", "linear"},  {"norm", "norm"},
  };
  auto it = kinds.find(call.op);
  return it == kinds.end() ? "other" : it->second;
}

std::vector<ProfileRow> mgc::profileCalls(const Session &session) {
  const Plan &plan = session.model().plan();
  const auto &profile = session.callProfile();
  std::vector<ProfileRow> rows;
  for (size_t e = 0; e < plan.entries.size() && e < profile.size(); ++e)
    for (size_t c = 0; c < plan.entries[e].calls.size(); ++c) {
      const Session::CallProfile &p = profile[e][c];
      const PlanCall &call = plan.entries[e].calls[c];
      if (p.runs == 0)
        continue;
      ProfileRow r;
      r.name = call.name;
      r.op = opKind(call);
      r.layer = layerOf(call.name);
      r.source = call.source;
      r.seconds = p.seconds;
      r.flops = p.flops;
      r.bytes = p.bytes;
      r.weightBytes = p.weightBytes;
      r.matmulFlops = p.matmulFlops;
      r.pairFlops = p.pairFlops;
      r.runs = p.runs;
      rows.push_back(std::move(r));
    }
  return rows;
}

std::vector<ProfileRow>
mgc::profileOpKinds(const std::vector<ProfileRow> &calls) {
  std::map<std::string, ProfileRow> byKind;
  for (const ProfileRow &c : calls) {
    ProfileRow &k = byKind[c.op];
    k.name = k.op = c.op;
    k.seconds += c.seconds;
    k.flops += c.flops;
    k.bytes += c.bytes;
    k.weightBytes += c.weightBytes;
    k.matmulFlops += c.matmulFlops;
    k.pairFlops += c.pairFlops;
    k.runs += c.runs;
  }
  std::vector<ProfileRow> rows;
  for (auto &[kind, row] : byKind)
    rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ProfileRow &a, const ProfileRow &b) {
                     return a.seconds > b.seconds;
                   });
  return rows;
}

double mgc::rooflineFraction(const ProfileRow &row, double peakGflops,
                             double bandwidthGBps) {
  if (row.seconds <= 0 || bandwidthGBps <= 0)
    return 0;
  const double bandwidth = bandwidthGBps * 1e9;
  if (row.flops <= 0)
    return row.bytes / row.seconds / bandwidth;
  if (peakGflops <= 0)
    return 0;
  double roof = row.bytes > 0
                    ? std::min(peakGflops * 1e9, row.flops / row.bytes * bandwidth)
                    : peakGflops * 1e9;
  return row.flops / row.seconds / roof;
}

void mgc::printProfile(const Session &session, std::FILE *out, size_t top) {
  const Plan &plan = session.model().plan();
  std::vector<ProfileRow> calls = profileCalls(session);
  std::vector<ProfileRow> kinds = profileOpKinds(calls);
  double total = 0;
  for (const ProfileRow &k : kinds)
    total += k.seconds;
  std::fprintf(out,
               "profile: %.3f ms in calls of %.3f ms evaluating; roofline of "
               "the target: %.1f GFLOP/s, %.1f GB/s (all its cores)\n",
               1e3 * total, 1e3 * session.profiledSeconds(), plan.peakGflops,
               plan.bandwidthGBps);
  const char *header = "%-10s %9s %7s %9s %9s %8s %7s %7s%s\n";
  std::fprintf(out, header, "op", "ms", "share", "GFLOP", "GFLOP/s", "GB/s",
               "FLOP/B", "roof", "");
  for (const ProfileRow &k : kinds)
    printTableRow(k, total, plan, out, false);
  std::stable_sort(calls.begin(), calls.end(),
                   [](const ProfileRow &a, const ProfileRow &b) {
                     return a.seconds > b.seconds;
                   });
  if (top > 0 && calls.size() > top)
    calls.resize(top);
  std::fprintf(out, "\n");
  std::fprintf(out, header, "op", "ms", "share", "GFLOP", "GFLOP/s", "GB/s",
               "FLOP/B", "roof", "  call  source");
  for (const ProfileRow &c : calls)
    printTableRow(c, total, plan, out, true);
}

void mgc::printProfileJson(const Session &session, std::FILE *out) {
  const Plan &plan = session.model().plan();
  std::vector<ProfileRow> calls = profileCalls(session);
  std::vector<ProfileRow> kinds = profileOpKinds(calls);
  std::fprintf(out,
               "{\"eval_seconds\": %.9g, \"peak_gflops\": %.9g, "
               "\"bandwidth_gbps\": %.9g, \"op_kinds\": [",
               session.profiledSeconds(), plan.peakGflops, plan.bandwidthGBps);
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::fprintf(out, i ? ", " : "");
    printJsonRow(kinds[i], plan, out);
  }
  std::fprintf(out, "], \"calls\": [");
  for (size_t i = 0; i < calls.size(); ++i) {
    std::fprintf(out, i ? ", " : "");
    printJsonRow(calls[i], plan, out);
  }
  std::fprintf(out, "]}\n");
}
