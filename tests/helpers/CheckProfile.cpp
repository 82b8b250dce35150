//===- CheckProfile.cpp - a profile against the analytic model ------------===//
//
// `mgc-check-profile PROFILE.json INSPECT.json --decode-steps N --first P`
// reads `mgc run --profile --json`'s report (stderr) and `mgc inspect
// --json`'s figures for the same model, for a run whose decode steps were
// N tokens at positions P .. P + N - 1, and checks:
//
//  - the calls' times add up to no more than the eval time and to at least
//    a quarter of it (the rest is the runtime's own work between calls,
//    about a tenth on a quiet machine; the loose bound keeps a loaded
//    machine from failing the check, which is there to catch calls that
//    go unaccounted);
//  - per decode step, the FLOPs of matrix products ("flops_matmul" of every
//    call, experts' included) equal inspect's flops_per_token, and the
//    weight bytes read equal inspect's weight_bytes_per_token;
//  - over the decode steps, the FLOPs scoring (query, key) pairs
//    ("flops_attention") equal inspect's per-key attention FLOPs times the
//    keys the steps attended (P + 1 .. P + N).
//
// Prints each comparison; exits 1 on the first mismatch (relative 1e-9).
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::optional<llvm::json::Value> load(const char *path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    std::fprintf(stderr, "error: cannot read %s\n", path);
    return std::nullopt;
  }
  // The profile is the last line that is a JSON object.
  llvm::StringRef text = (*buffer)->getBuffer().trim();
  size_t start = text.rfind("\n{");
  llvm::StringRef json = start == llvm::StringRef::npos
                             ? text
                             : text.substr(start + 1);
  auto value = llvm::json::parse(json);
  if (!value) {
    std::fprintf(stderr, "error: %s: %s\n", path,
                 llvm::toString(value.takeError()).c_str());
    return std::nullopt;
  }
  return std::move(*value);
}

bool same(const char *what, double got, double want) {
  bool ok = std::fabs(got - want) <= 1e-9 * std::max(1.0, std::fabs(want));
  std::printf("%s: %.17g (expected %.17g)%s\n", what, got, want,
              ok ? "" : " MISMATCH");
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 7 || std::string(argv[3]) != "--decode-steps" ||
      std::string(argv[5]) != "--first") {
    std::fprintf(stderr, "usage: mgc-check-profile PROFILE.json INSPECT.json "
                         "--decode-steps N --first P\n");
    return 2;
  }
  auto profile = load(argv[1]), inspect = load(argv[2]);
  if (!profile || !inspect)
    return 1;
  const double steps = std::atof(argv[4]), first = std::atof(argv[6]);
  const llvm::json::Object *p = profile->getAsObject();
  const llvm::json::Object *m = inspect->getAsObject();
  const llvm::json::Array *calls = p ? p->getArray("calls") : nullptr;
  if (!calls || !m) {
    std::fprintf(stderr, "error: not a profile and an inspect report\n");
    return 1;
  }
  double seconds = 0, matmul = 0, weights = 0, attention = 0;
  for (const llvm::json::Value &c : *calls) {
    const llvm::json::Object *call = c.getAsObject();
    seconds += call->getNumber("seconds").value_or(0);
    llvm::StringRef name = call->getString("name").value_or("");
    if (!name.starts_with("decode."))
      continue;
    weights += call->getNumber("weight_bytes").value_or(0);
    matmul += call->getNumber("flops_matmul").value_or(0);
    attention += call->getNumber("flops_attention").value_or(0);
  }
  double eval = p->getNumber("eval_seconds").value_or(0);
  bool ok = true;
  std::printf("calls %.6f s of eval %.6f s\n", seconds, eval);
  if (!(seconds <= eval && seconds >= 0.25 * eval)) {
    std::printf("call times do not add up to the eval time MISMATCH\n");
    ok = false;
  }
  ok &= same("matmul FLOPs per decode token", matmul / steps,
             *m->getNumber("flops_per_token"));
  ok &= same("weight bytes per decode token", weights / steps,
             *m->getNumber("weight_bytes_per_token"));
  // Per-key attention FLOPs from inspect's first context row.
  const llvm::json::Object *row =
      m->getArray("context")->front().getAsObject();
  double perKey = *row->getNumber("attention_flops_per_token") /
                  *row->getNumber("tokens");
  double keys = steps * first + steps * (steps + 1) / 2;
  ok &= same("attention FLOPs over the decode steps", attention,
             perKey * keys);
  if (ok)
    std::printf("profile consistent\n");
  return ok ? 0 : 1;
}
