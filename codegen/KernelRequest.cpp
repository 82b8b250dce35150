//===- KernelRequest.cpp - one kernel codegen is asked to compile ---------===//
//
// Implements KernelRequest::key: a canonical text of every field that
// determines the generated code.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelRequest.h"

#include <cstdio>

using namespace mgc;

namespace {

/// Appends fields as "name=value;" with exact doubles.
class KeyBuilder {
public:
  KeyBuilder &add(const char *name, int64_t value) {
    text += name;
    text += '=' + std::to_string(value) + ';';
    return *this;
  }
  KeyBuilder &add(const char *name, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%a", value);
    text += name;
    text += '=';
    text += buffer;
    text += ';';
    return *this;
  }
  KeyBuilder &add(const char *name, const std::vector<int64_t> &values) {
    text += name;
    text += "=[";
    for (int64_t v : values)
      text += std::to_string(v) + ',';
    text += "];";
    return *this;
  }
  KeyBuilder &add(const char *name, const std::string &value) {
    text += name;
    text += "=\"" + value + "\";";
    return *this;
  }
  std::string text;
};

struct ParamsKey {
  KeyBuilder &k;
  void operator()(const EmbedRequest &r) {
    k.add("embed", int64_t(1))
        .add("vocab", r.vocab)
        .add("hidden", r.hidden)
        .add("tokens", r.tokens)
        .add("table_type", int64_t(r.tableType));
  }
  void operator()(const NormRequest &r) {
    k.add("norm", int64_t(r.layer))
        .add("shape", r.shape)
        .add("weight", r.weightShape)
        .add("bias", r.biasShape)
        .add("eps", r.eps);
  }
  void operator()(const LinearRequest &r) {
    k.add("linear", int64_t(1))
        .add("K", r.K)
        .add("N", r.N)
        .add("bias", int64_t(r.hasBias))
        .add("panel", r.panel)
        .add("weight_type", int64_t(r.weightType))
        .add("bf16_activations", int64_t(r.bf16Activations))
        .add("activation", int64_t(r.activation))
        .add("residual", int64_t(r.hasResidual));
  }
  void operator()(const RopeRequest &r) {
    k.add("rope", int64_t(1))
        .add("tokens", r.tokens)
        .add("features", r.features)
        .add("head_dim", r.headDim)
        .add("rotary_dim", r.rotaryDim)
        .add("style", int64_t(r.style))
        .add("scaling", int64_t(r.scaling))
        .add("theta", r.theta)
        .add("factor", r.factor)
        .add("original", r.originalContext)
        .add("low", r.lowFreqFactor)
        .add("high", r.highFreqFactor)
        .add("attention_factor", r.attentionFactor);
  }
  void operator()(const ElementwiseRequest &r) {
    k.add("elementwise", int64_t(1))
        .add("shape", r.shape)
        .add("activation", int64_t(r.activation))
        .add("binary", int64_t(r.binary))
        .add("rhs", r.rhsShape);
  }
  void operator()(const RouteSelectRequest &r) {
    k.add("route_select", int64_t(r.scoring))
        .add("tokens", r.tokens)
        .add("experts", r.experts)
        .add("top_k", r.topK)
        .add("bias", int64_t(r.bias))
        .add("normalize", int64_t(r.normalize))
        .add("scale", r.scale)
        .add("groups", r.groups)
        .add("topk_groups", r.topkGroups);
  }
  void operator()(const GatherRowsRequest &r) {
    k.add("gather_rows", r.features);
  }
  void operator()(const HeadLinearRequest &r) {
    k.add("head_linear", int64_t(r.transpose))
        .add("tokens", r.tokens)
        .add("heads", r.heads)
        .add("in", r.in)
        .add("out", r.out)
        .add("block", r.block)
        .add("offset", r.offset)
        .add("columns", r.columns);
  }
  void operator()(const LayoutRequest &r) {
    k.add("layout", int64_t(r.kind))
        .add("result", r.resultShape)
        .add("dim", r.dim)
        .add("offset", r.offset);
    for (const std::vector<int64_t> &shape : r.inputShapes)
      k.add("input", shape);
  }
  void operator()(const ScanRequest &r) {
    k.add("scan", int64_t(r.variant))
        .add("direction", int64_t(r.direction))
        .add("skip", int64_t(r.skip))
        .add("tokens", r.tokens)
        .add("heads", r.heads)
        .add("head_dim", r.headDim)
        .add("state_size", r.stateSize)
        .add("groups", r.groups)
        .add("dt", int64_t(r.hasDt))
        .add("token_decay", int64_t(r.perTokenDecay))
        .add("state", int64_t(r.hasState))
        .add("entry_major", int64_t(r.entryMajorState))
        .add("chunk", r.chunk);
  }
  void operator()(const Conv1dRequest &r) {
    k.add("conv1d", int64_t(r.centered))
        .add("tokens", r.tokens)
        .add("channels", r.channels)
        .add("width", r.width)
        .add("bias", int64_t(r.hasBias))
        .add("state", int64_t(r.hasState));
  }
  void operator()(const SequenceRequest &r) {
    k.add("sequence", int64_t(r.kind))
        .add("shape", r.shape)
        .add("state", int64_t(r.hasState));
  }
  void operator()(const CombineExpertsRequest &r) {
    k.add("combine_experts", r.features).add("top_k", r.topK);
  }
  void operator()(const AttentionRequest &r) {
    k.add("attention", int64_t(r.append))
        .add("causal", int64_t(r.causal))
        .add("tokens", r.tokens)
        .add("heads", r.numHeads)
        .add("kv_heads", r.numKvHeads)
        .add("head_dim", r.headDim)
        .add("v_head_dim", r.valueHeadDim)
        .add("capacity", r.capacity)
        .add("window", r.window)
        .add("scale", r.scale)
        .add("soft_cap", r.softCap);
  }
};

} // namespace

std::string KernelRequest::key() const {
  KeyBuilder k;
  std::visit(ParamsKey{k}, params);
  const KernelSchedule &s = schedule;
  k.add("decode", int64_t(s.decode))
      .add("tiles", s.tiles)
      .add("vector", s.vectorWidth)
      .add("unroll", s.unroll)
      .add("parallel", s.parallelDims)
      .add("threads", s.threads)
      .add("target", s.halideTarget);
  return k.text;
}

namespace {
/// 64-bit FNV-1a with a seed, finished by an xor-shift.
uint64_t hash64(const std::string &text, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (unsigned char c : text)
    h = (h ^ c) * 0x100000001b3ull;
  return h ^ (h >> 31);
}
} // namespace

std::string mgc::contentHashHex(const std::string &text) {
  char buffer[33];
  std::snprintf(
      buffer, sizeof(buffer), "%016llx%016llx",
      static_cast<unsigned long long>(hash64(text, 0)),
      static_cast<unsigned long long>(hash64(text, 0x9e3779b97f4a7c15ull)));
  return buffer;
}

std::string mgc::kernelSymbolForKey(const std::string &key) {
  return "mgc_" + contentHashHex(key).substr(0, 20);
}
