//===- InspectModel.cpp - `mgc inspect` on a compiled model ---------------===//

#include "tools/mgc/InspectModel.h"

#include "runtime/model/ModelFile.h"
#include "runtime/model/Plan.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace mgc;

namespace {

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (shape[i] == kTokensExtent
                                ? std::string("T")
                                : std::to_string(shape[i]));
  return s + "]";
}

/// How a call argument reads: a weight or state by name, an activation by
/// slot ("%s3"), the tokens, the position.
std::string argText(const Plan &plan, const PlanEntry &entry,
                    const PlanArg &arg) {
  if (arg.kind == ArgKind::position)
    return "position";
  const PlanTensor &t = entry.tensors[arg.tensor];
  switch (t.kind) {
  case TensorKind::tokens:
    return "tokens";
  case TensorKind::weight: {
    const PlanWeight &w = plan.weights[t.ref];
    std::vector<std::string> notes;
    if (w.layout == WeightLayout::panels)
      notes.push_back("panels " + std::to_string(w.panel));
    if (w.type == PlanType::f16 || w.type == PlanType::bf16)
      notes.push_back(w.type == PlanType::f16 ? "f16" : "bf16");
    std::string text = "@" + w.name;
    for (size_t i = 0; i < notes.size(); ++i)
      text += (i ? ", " : "(") + notes[i];
    return notes.empty() ? text : text + ")";
  }
  case TensorKind::state:
    return "@" + plan.states[t.ref].name +
           (arg.kind == ArgKind::stateRows ? "[position:+T]" : "");
  case TensorKind::activation:
    return "%s" + std::to_string(t.ref) +
           (t.offset ? "+" + std::to_string(t.offset) : "") +
           shapeText(t.shape);
  }
  return "?";
}

} // namespace

bool mgc::isCompiledModel(const std::string &path) {
  char magic[sizeof(kModelFileMagic)] = {};
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  bool ok = std::fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
            std::memcmp(magic, kModelFileMagic, sizeof(magic)) == 0;
  std::fclose(f);
  return ok;
}

int mgc::inspectCompiledModel(const std::string &path) {
  std::string error;
  std::unique_ptr<ModelFile> file = ModelFile::open(path, error);
  Plan plan;
  if (file && !parsePlan(file->plan().data, file->plan().size,
                         file->weights().size, plan, error))
    file.reset();
  if (!file) {
    std::fprintf(stderr, "mgc inspect: error: %s\n", error.c_str());
    return 1;
  }
  uint64_t stateBytes = 0;
  for (const PlanState &s : plan.states)
    stateBytes += 4 * uint64_t(planElements(s.shape, 1));
  std::printf("compiled model '%s' for %s: vocabulary %lld, context %lld\n",
              plan.model.c_str(), file->target().c_str(),
              static_cast<long long>(plan.vocab),
              static_cast<long long>(plan.context));
  std::printf("sections: plan %llu bytes, code %llu bytes (%zu kernels), "
              "weights %llu bytes (%zu tensors)\n",
              static_cast<unsigned long long>(file->plan().size),
              static_cast<unsigned long long>(file->code().size),
              plan.kernels.size(),
              static_cast<unsigned long long>(file->weights().size),
              plan.weights.size());
  std::printf("tokenizer: %s\n",
              plan.tokenizerFormat.empty()
                  ? "none"
                  : (plan.tokenizerFormat + ", embedded").c_str());
  std::printf("states: %zu, %llu bytes per sequence\n", plan.states.size(),
              static_cast<unsigned long long>(stateBytes));
  for (const PlanState &s : plan.states)
    std::printf("  @%s %s\n", s.name.c_str(), shapeText(s.shape).c_str());
  for (const PlanEntry &entry : plan.entries) {
    std::vector<int64_t> slotElements(entry.slots, 0);
    size_t activations = 0;
    int64_t unshared = 0; // every activation in a buffer of its own
    for (const PlanTensor &t : entry.tensors)
      if (t.kind == TensorKind::activation) {
        ++activations;
        unshared += planElements(t.shape, 1);
        slotElements[t.ref] = std::max(
            slotElements[t.ref], int64_t(t.offset) + planElements(t.shape, 1));
      }
    int64_t arena = 0;
    for (int64_t elements : slotElements)
      arena += elements;
    std::printf("entry %s (%s tokens): %zu calls, %zu activations in %u "
                "arena slots\n",
                entry.name.c_str(),
                entry.tokens == kTokensExtent
                    ? "T"
                    : std::to_string(entry.tokens).c_str(),
                entry.calls.size(), activations, entry.slots);
    std::printf("  arena: %lld floats (%lld bytes) per token; %lld floats "
                "if every activation tensor (views too) had its own\n",
                static_cast<long long>(arena),
                static_cast<long long>(4 * arena),
                static_cast<long long>(unshared));
    for (uint32_t s = 0; s < entry.slots; ++s)
      std::printf("  slot %%s%u: %lld floats per token\n", s,
                  static_cast<long long>(slotElements[s]));
    for (const PlanCall &call : entry.calls) {
      std::string args;
      for (const PlanArg &arg : call.args)
        args += (args.empty() ? "" : ", ") + argText(plan, entry, arg);
      std::printf("  %s(%s)  [%s]\n", call.name.c_str(), args.c_str(),
                  plan.kernels[call.kernel].symbol.c_str());
    }
    std::printf("  -> logits %s\n",
                argText(plan, entry, {ArgKind::tensor, entry.logits}).c_str());
  }
  return 0;
}
