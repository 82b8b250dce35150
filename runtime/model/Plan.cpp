//===- Plan.cpp - the execution plan of a compiled model ------------------===//
//
// Serializes a Plan to its binary form and reads it back, checking every
// count and index (see Plan.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/model/Plan.h"

#include <cstring>
#include <set>

using namespace mgc;

namespace {

constexpr char kMagic[8] = {'M', 'G', 'C', 'P', 'L', 'A', 'N', '\0'};
// Bounds that keep sizes far from overflow and extents inside Halide's int32.
constexpr int64_t kMaxExtent = int64_t(1) << 31;
constexpr int64_t kMaxElements = int64_t(1) << 40;
constexpr uint32_t kMaxRank = 8;

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

class Writer {
public:
  void u8(uint8_t v) { out.push_back(char(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out.push_back(char(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      out.push_back(char(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(uint64_t(v)); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    u64(bits);
  }
  void str(const std::string &s) {
    u32(uint32_t(s.size()));
    out += s;
  }
  void shape(const std::vector<int64_t> &dims) {
    u32(uint32_t(dims.size()));
    for (int64_t d : dims)
      i64(d);
  }
  std::string out;
};

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Reads little-endian fields, failing (once, with the byte offset) instead
/// of reading past the end.
class Reader {
public:
  Reader(const uint8_t *data, uint64_t size) : data(data), size(size) {}

  bool ok() const { return error.empty(); }
  uint8_t u8() { return need(1) ? data[pos++] : 0; }
  uint32_t u32() {
    if (!need(4))
      return 0;
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
      v = (v << 8) | data[pos + i];
    pos += 4;
    return v;
  }
  uint64_t u64() {
    if (!need(8))
      return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | data[pos + i];
    pos += 8;
    return v;
  }
  int64_t i64() { return int64_t(u64()); }
  double f64() {
    uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!need(n))
      return {};
    std::string s(reinterpret_cast<const char *>(data + pos), n);
    pos += n;
    return s;
  }
  std::vector<int64_t> shape() {
    uint32_t rank = u32();
    if (rank > kMaxRank) {
      fail("a tensor of rank " + std::to_string(rank) + " (at most " +
           std::to_string(kMaxRank) + ")");
      return {};
    }
    std::vector<int64_t> dims(rank);
    for (int64_t &d : dims)
      d = i64();
    return dims;
  }
  /// A count of items each at least `minBytes` long; bounded by what is left.
  uint32_t count(uint64_t minBytes) {
    uint32_t n = u32();
    if (ok() && uint64_t(n) * minBytes > size - pos) {
      fail("a count of " + std::to_string(n) + " items that cannot fit");
      return 0;
    }
    return n;
  }
  void fail(const std::string &what) {
    if (error.empty())
      error = "corrupt plan at byte " + std::to_string(pos) + ": " + what;
  }
  uint64_t offset() const { return pos; }
  uint64_t remaining() const { return size - pos; }
  std::string error;

private:
  bool need(uint64_t n) {
    if (!ok())
      return false;
    if (n > size - pos) {
      fail("truncated (" + std::to_string(n) + " more bytes needed, " +
           std::to_string(size - pos) + " left)");
      return false;
    }
    return true;
  }
  const uint8_t *data;
  uint64_t size;
  uint64_t pos = 0;
};

bool isIdentifier(const std::string &s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
    return false;
  for (char c : s)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9')))
      return false;
  return true;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") +
         (shape[i] == kTokensExtent ? std::string("T")
          : shape[i] < 0            ? std::to_string(-shape[i]) + "T"
                                    : std::to_string(shape[i]));
  return s + "]";
}

/// "" when every extent is positive and bounded (dimension 0 may be a token
/// multiple, -1 to -kMaxTokensMultiple, when `tokensAllowed`).
std::string checkShape(const std::vector<int64_t> &shape, bool tokensAllowed) {
  if (shape.empty() || shape.size() > kMaxRank)
    return "shape " + shapeText(shape) + " has rank " +
           std::to_string(shape.size()) + " (1 to 8 expected)";
  int64_t elements = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d < 0 && d >= -kMaxTokensMultiple && i == 0 && tokensAllowed)
      continue;
    if (d < 1 || d >= kMaxExtent)
      return "shape " + shapeText(shape) + " has an invalid extent";
    elements *= d;
    if (elements > kMaxElements)
      return "shape " + shapeText(shape) + " is too large";
  }
  return {};
}


/// The shape of a tensor when it is an i32 activation of `rank`, else null.
const PlanTensor *intActivation(const PlanEntry &e, const PlanArg &a,
                                size_t rank) {
  if (a.kind != ArgKind::tensor || a.tensor >= e.tensors.size())
    return nullptr;
  const PlanTensor &t = e.tensors[a.tensor];
  return t.kind == TensorKind::activation && t.type == PlanType::i32 &&
                 t.shape.size() == rank
             ? &t
             : nullptr;
}

/// Whether call `c` of `e` may run on the last row alone: the entry's last
/// call, a kernel, writing the logits, every activation it binds [T, ...].
bool lastRowCallIsSound(const PlanEntry &e, size_t c) {
  const PlanCall &call = e.calls[c];
  if (c + 1 != e.calls.size() || call.kind != CallKind::kernel ||
      call.args.empty() || call.args.back().kind != ArgKind::tensor ||
      call.args.back().tensor != e.logits)
    return false;
  for (const PlanArg &a : call.args) {
    if (a.kind == ArgKind::position)
      continue;
    const PlanTensor &t = e.tensors[a.tensor];
    if (a.kind != ArgKind::tensor ||
        (t.kind != TensorKind::weight &&
         (t.shape.empty() || t.shape[0] != kTokensExtent)))
      return false;
  }
  return true;
}

/// "" when every call of `e` is well formed: kernels and arguments exist,
/// routing steps have the tensors their kind needs, expert loops are not
/// nested and hold only kernel calls, expert arguments occur only in them.
std::string validateCalls(const Plan &plan, const PlanEntry &e) {
  int64_t loopEnd = -1, loopExperts = 0;
  for (size_t c = 0; c < e.calls.size(); ++c) {
    const PlanCall &call = e.calls[c];
    std::string at = "call " + std::to_string(c) + ": ";
    bool inLoop = int64_t(c) < loopEnd;
    for (const PlanArg &a : call.args) {
      if (a.kind == ArgKind::position)
        continue;
      if (a.kind > ArgKind::expertSlice || a.tensor >= e.tensors.size())
        return at + "invalid argument";
      const PlanTensor &t = e.tensors[a.tensor];
      if (a.kind == ArgKind::stateRows &&
          (t.kind != TensorKind::state || t.shape.size() != 3))
        return at + "a row range of something that is not a [heads, "
                    "capacity, dim] state";
      if ((a.kind == ArgKind::expertRows || a.kind == ArgKind::expertSlice) &&
          !inLoop)
        return at + "an expert argument outside an expert loop";
      if (a.kind == ArgKind::expertRows && t.kind != TensorKind::activation)
        return at + "expert rows of something that is not an activation";
      if (a.kind == ArgKind::expertSlice &&
          (t.kind != TensorKind::weight || t.shape.size() < 2 ||
           t.shape[0] != loopExperts))
        return at + "an expert slice of something that is not a weight of " +
               std::to_string(loopExperts) + " experts";
    }
    if (call.lastRowSuffices && !lastRowCallIsSound(e, c))
      return at + "only the last call, a kernel writing the logits from "
                  "[T, ...] activations, may run on the last row alone";
    const PlanCost &k = call.cost;
    for (double v : {k.flopsPerToken, k.flopsPerPair, k.weightBytes,
                     k.weightBytesPerToken, k.stateBytes, k.bytesPerToken, k.bytesPerPosition,
                     k.window, call.factor})
      if (!(v >= 0 && v < 1e30))
        return at + "invalid cost or factor";
    switch (call.kind) {
    case CallKind::kernel:
      if (call.kernel >= plan.kernels.size())
        return at + "kernel " + std::to_string(call.kernel) + " does not exist";
      break;
    case CallKind::capacity:
    case CallKind::dispatch: {
      bool dispatch = call.kind == CallKind::dispatch;
      if (inLoop || call.experts < 1 || call.experts >= kMaxExtent ||
          call.args.size() != (dispatch ? 5u : 2u))
        return at + "malformed routing step";
      const PlanTensor *indices = intActivation(e, call.args[0], 2);
      const PlanArg &w = call.args[1];
      if (!indices || w.kind != ArgKind::tensor ||
          e.tensors[w.tensor].kind != TensorKind::activation ||
          e.tensors[w.tensor].type != PlanType::f32 ||
          e.tensors[w.tensor].shape != indices->shape)
        return at + "routing step needs i32 indices and f32 weights [T, k]";
      if (!dispatch) {
        if (!(call.factor > 0) || call.factor > 1e6)
          return at + "invalid capacity factor";
        break;
      }
      // Every route has a row: k per token, with dimension 0 of the same
      // kind (a token multiple, or static).
      const int64_t k = indices->shape[1];
      const int64_t routes = indices->shape[0] * k;
      const PlanTensor *rows = intActivation(e, call.args[2], 1);
      const PlanTensor *slots = intActivation(e, call.args[3], 2);
      const PlanTensor *offsets = intActivation(e, call.args[4], 1);
      if (!rows || rows->shape[0] != routes || !slots ||
          slots->shape != indices->shape || !offsets ||
          offsets->shape[0] != call.experts + 1)
        return at + "dispatch needs rows [" + std::to_string(k) +
               " per token], slots like the indices and offsets [" +
               std::to_string(call.experts + 1) + "]";
      break;
    }
    case CallKind::expertLoop: {
      const PlanTensor *offsets =
          call.args.size() == 1 ? intActivation(e, call.args[0], 1) : nullptr;
      if (inLoop || !offsets || offsets->shape[0] < 2 || call.body < 1 ||
          call.body > int64_t(e.calls.size() - c - 1))
        return at + "malformed expert loop";
      loopEnd = int64_t(c) + 1 + call.body;
      loopExperts = offsets->shape[0] - 1;
      for (int64_t b = 1; b <= call.body; ++b)
        if (e.calls[c + size_t(b)].kind != CallKind::kernel)
          return at + "an expert loop may repeat kernel calls only";
      break;
    }
    default:
      return at + "unknown call kind";
    }
  }
  return {};
}
std::vector<int64_t> figureFields(const PlanFigures &f) {
  return {f.paramsTotal,       f.paramsActive,     f.flopsPerToken,
          f.scanFlopsPerToken, f.weightBytesTotal, f.weightBytesPerToken,
          f.kvBytesPerToken,   f.stateBytes};
}
std::vector<int64_t *> figureFields(PlanFigures &f) {
  return {&f.paramsTotal,       &f.paramsActive,     &f.flopsPerToken,
          &f.scanFlopsPerToken, &f.weightBytesTotal, &f.weightBytesPerToken,
          &f.kvBytesPerToken,   &f.stateBytes};
}

} // namespace

//===----------------------------------------------------------------------===//
// Public functions
//===----------------------------------------------------------------------===//

const PlanEntry *Plan::entry(const std::string &name) const {
  for (const PlanEntry &e : entries)
    if (e.name == name)
      return &e;
  return nullptr;
}

int64_t mgc::planElements(const std::vector<int64_t> &shape, int64_t tokens) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d < 0 ? -d * tokens : d;
  return n;
}

std::string mgc::serializePlan(const Plan &plan) {
  Writer w;
  w.out.append(kMagic, sizeof(kMagic));
  w.u32(kPlanVersion);
  w.str(plan.model);
  w.i64(plan.vocab);
  w.i64(plan.context);
  w.f64(plan.peakGflops);
  w.f64(plan.bandwidthGBps);
  for (int64_t v : figureFields(plan.figures))
    w.i64(v);
  w.u32(uint32_t(plan.kernels.size()));
  for (const PlanKernel &k : plan.kernels) {
    w.str(k.symbol);
    w.str(k.name);
  }
  w.u32(uint32_t(plan.weights.size()));
  for (const PlanWeight &wt : plan.weights) {
    w.str(wt.name);
    w.u8(uint8_t(wt.layout));
    w.i64(wt.panel);
    w.shape(wt.shape);
    w.u8(uint8_t(wt.type));
    w.u64(wt.offset);
    w.u64(wt.bytes);
  }
  w.u32(uint32_t(plan.states.size()));
  for (const PlanState &s : plan.states) {
    w.str(s.name);
    w.shape(s.shape);
  }
  w.u32(uint32_t(plan.entries.size()));
  for (const PlanEntry &e : plan.entries) {
    w.str(e.name);
    w.i64(e.tokens);
    w.u32(uint32_t(e.tensors.size()));
    for (const PlanTensor &t : e.tensors) {
      w.u8(uint8_t(t.kind));
      w.u8(uint8_t(t.type));
      w.shape(t.shape);
      w.u32(t.ref);
      w.u64(t.offset);
    }
    w.u32(e.slots);
    w.u32(e.input);
    w.u32(e.logits);
    w.u32(uint32_t(e.calls.size()));
    for (const PlanCall &c : e.calls) {
      w.u8(uint8_t(c.kind));
      w.u32(c.kernel);
      w.str(c.name);
      w.str(c.op);
      w.u32(uint32_t(c.args.size()));
      for (const PlanArg &a : c.args) {
        w.u8(uint8_t(a.kind));
        w.u32(a.tensor);
      }
      w.i64(c.experts);
      w.i64(c.body);
      w.f64(c.factor);
      w.str(c.source);
      for (double v : {c.cost.flopsPerToken, c.cost.flopsPerPair,
                       c.cost.weightBytes, c.cost.weightBytesPerToken,
                       c.cost.stateBytes, c.cost.bytesPerToken,
                       c.cost.bytesPerPosition, c.cost.window})
        w.f64(v);
      w.u8(c.cost.matmul);
      w.u8(c.lastRowSuffices);
    }
  }
  w.str(plan.tokenizerFormat);
  w.str(plan.tokenizer);
  return w.out;
}

bool mgc::parsePlan(const uint8_t *data, uint64_t size, uint64_t weightsSize,
                    Plan &plan, std::string &error) {
  plan = Plan();
  if (size < sizeof(kMagic) + 4 || std::memcmp(data, kMagic, sizeof(kMagic)))
    return error = "the plan section is not an mgc plan (bad magic)", false;
  Reader r(data + sizeof(kMagic), size - sizeof(kMagic));
  uint32_t version = r.u32();
  if (version != kPlanVersion)
    return error = "plan version " + std::to_string(version) +
                   " is not supported (this runtime reads version " +
                   std::to_string(kPlanVersion) + ")",
           false;
  plan.model = r.str();
  plan.vocab = r.i64();
  plan.context = r.i64();
  plan.peakGflops = r.f64();
  plan.bandwidthGBps = r.f64();
  for (int64_t *v : figureFields(plan.figures))
    *v = r.i64();
  plan.kernels.resize(r.count(8));
  for (PlanKernel &k : plan.kernels) {
    k.symbol = r.str();
    k.name = r.str();
  }
  plan.weights.resize(r.count(30));
  for (PlanWeight &w : plan.weights) {
    w.name = r.str();
    w.layout = WeightLayout(r.u8());
    w.panel = r.i64();
    w.shape = r.shape();
    w.type = PlanType(r.u8());
    w.offset = r.u64();
    w.bytes = r.u64();
  }
  plan.states.resize(r.count(8));
  for (PlanState &s : plan.states) {
    s.name = r.str();
    s.shape = r.shape();
  }
  plan.entries.resize(r.count(32));
  for (PlanEntry &e : plan.entries) {
    e.name = r.str();
    e.tokens = r.i64();
    e.tensors.resize(r.count(18));
    for (PlanTensor &t : e.tensors) {
      t.kind = TensorKind(r.u8());
      t.type = PlanType(r.u8());
      t.shape = r.shape();
      t.ref = r.u32();
      t.offset = r.u64();
    }
    e.slots = r.u32();
    e.input = r.u32();
    e.logits = r.u32();
    e.calls.resize(r.count(110));
    for (PlanCall &c : e.calls) {
      c.kind = CallKind(r.u8());
      c.kernel = r.u32();
      c.name = r.str();
      c.op = r.str();
      c.args.resize(r.count(5));
      for (PlanArg &a : c.args) {
        a.kind = ArgKind(r.u8());
        a.tensor = r.u32();
      }
      c.experts = r.i64();
      c.body = r.i64();
      c.factor = r.f64();
      c.source = r.str();
      for (double *v : {&c.cost.flopsPerToken, &c.cost.flopsPerPair,
                        &c.cost.weightBytes, &c.cost.weightBytesPerToken,
                        &c.cost.stateBytes,
                        &c.cost.bytesPerToken, &c.cost.bytesPerPosition,
                        &c.cost.window})
        *v = r.f64();
      uint8_t matmul = r.u8();
      if (matmul > 1)
        r.fail("a call's matmul flag is " + std::to_string(matmul));
      c.cost.matmul = matmul == 1;
      uint8_t lastRow = r.u8();
      if (lastRow > 1)
        r.fail("a call's last-row flag is " + std::to_string(lastRow));
      c.lastRowSuffices = lastRow == 1;
    }
  }
  plan.tokenizerFormat = r.str();
  plan.tokenizer = r.str();
  if (r.ok() && r.remaining() != 0)
    r.fail(std::to_string(r.remaining()) + " unexpected bytes at the end");
  if (!r.ok())
    return error = r.error, false;
  error = validatePlan(plan, weightsSize);
  return error.empty();
}

std::string mgc::validatePlan(const Plan &plan, uint64_t weightsSize) {
  if (plan.vocab < 1 || plan.vocab >= kMaxExtent)
    return "invalid plan: vocabulary size " + std::to_string(plan.vocab);
  if (plan.context < 0 || plan.context >= kMaxExtent)
    return "invalid plan: context " + std::to_string(plan.context);
  if (!(plan.peakGflops >= 0 && plan.peakGflops < 1e12) ||
      !(plan.bandwidthGBps >= 0 && plan.bandwidthGBps < 1e12))
    return "invalid plan: target limits";
  for (int64_t v : figureFields(plan.figures))
    if (v < 0)
      return "invalid plan: negative model figures";
  std::set<std::string> symbols;
  for (const PlanKernel &k : plan.kernels)
    if (!isIdentifier(k.symbol) || !symbols.insert(k.symbol).second)
      return "invalid plan: kernel symbol '" + k.symbol +
             "' is not a unique C identifier";
  for (const PlanWeight &w : plan.weights) {
    std::string where = "invalid plan: weight '" + w.name + "': ";
    if (std::string bad = checkShape(w.shape, false); !bad.empty())
      return where + bad;
    if (w.layout == WeightLayout::panels) {
      if (w.shape.size() < 3 || w.panel != w.shape.back())
        return where + "panel layout needs shape [..., panels, K, P] with " +
               "P = " + std::to_string(w.panel);
    } else if (w.layout != WeightLayout::plain || w.panel != 0) {
      return where + "unknown layout";
    }
    if (w.type != PlanType::f32 && w.type != PlanType::f16 &&
        w.type != PlanType::bf16)
      return where + "unknown element type (weights are f32, f16 or bf16)";
    uint64_t bytes = planTypeBytes(w.type) * uint64_t(planElements(w.shape, 1));
    if (w.bytes != bytes)
      return where + "holds " + std::to_string(w.bytes) + " bytes, its shape " +
             shapeText(w.shape) + " needs " + std::to_string(bytes);
    if (w.offset % 64 != 0 || w.offset > weightsSize ||
        w.bytes > weightsSize - w.offset)
      return where + "bytes [" + std::to_string(w.offset) + ", +" +
             std::to_string(w.bytes) + ") are not an aligned range of the " +
             std::to_string(weightsSize) + "-byte weights section";
  }
  for (const PlanState &s : plan.states)
    if (std::string bad = checkShape(s.shape, false); !bad.empty())
      return "invalid plan: state '" + s.name + "': " + bad;
  if (plan.entries.empty())
    return "invalid plan: no entry points";
  std::set<std::string> names;
  for (const PlanEntry &e : plan.entries) {
    std::string where = "invalid plan: entry point '" + e.name + "': ";
    if (e.name.empty() || !names.insert(e.name).second)
      return where + "empty or repeated name";
    if (e.tokens != kTokensExtent && (e.tokens < 1 || e.tokens >= kMaxExtent))
      return where + "invalid token count " + std::to_string(e.tokens);
    for (size_t i = 0; i < e.tensors.size(); ++i) {
      const PlanTensor &t = e.tensors[i];
      std::string at = where + "tensor " + std::to_string(i) + ": ";
      bool isActivation =
          t.kind == TensorKind::activation || t.kind == TensorKind::tokens;
      if (std::string bad = checkShape(t.shape, isActivation); !bad.empty())
        return at + bad;
      if (t.type != PlanType::f32 && t.type != PlanType::i32 &&
          (t.kind != TensorKind::weight ||
           (t.type != PlanType::f16 && t.type != PlanType::bf16)))
        return at + "unknown element type";
      if (t.offset != 0 && t.kind != TensorKind::activation)
        return at + "only activations start at an offset";
      switch (t.kind) {
      case TensorKind::activation:
        if (t.ref >= e.slots)
          return at + "arena slot " + std::to_string(t.ref) + " of " +
                 std::to_string(e.slots);
        if (t.offset != 0 && (t.offset >= uint64_t(kMaxExtent) ||
                              (!t.shape.empty() && t.shape[0] < 0)))
          return at + "an offset into a slot needs a static shape and an "
                      "offset below " + std::to_string(kMaxExtent);
        break;
      case TensorKind::weight:
        if (t.ref >= plan.weights.size() ||
            plan.weights[t.ref].shape != t.shape ||
            t.type != plan.weights[t.ref].type)
          return at + "does not match a weight of the plan";
        break;
      case TensorKind::state:
        if (t.ref >= plan.states.size() ||
            plan.states[t.ref].shape != t.shape || t.type != PlanType::f32)
          return at + "does not match a state of the plan";
        break;
      case TensorKind::tokens:
        if (t.type != PlanType::i32 || t.shape.size() != 1 ||
            t.shape[0] != e.tokens)
          return at + "token ids must be i32 [T]";
        break;
      default:
        return at + "unknown kind";
      }
    }
    if (e.input >= e.tensors.size() ||
        e.tensors[e.input].kind != TensorKind::tokens)
      return where + "its input is not a token tensor";
    if (e.logits >= e.tensors.size())
      return where + "no logits tensor";
    const PlanTensor &logits = e.tensors[e.logits];
    if (logits.kind != TensorKind::activation || logits.type != PlanType::f32 ||
        logits.shape != std::vector<int64_t>{e.tokens, plan.vocab})
      return where + "logits must be an f32 activation [T, " +
             std::to_string(plan.vocab) + "]";
    if (std::string bad = validateCalls(plan, e); !bad.empty())
      return where + bad;
  }
  if (plan.tokenizerFormat != "" && plan.tokenizerFormat != "llama2c" &&
      plan.tokenizerFormat != "gguf")
    return "invalid plan: unknown tokenizer format '" + plan.tokenizerFormat +
           "'";
  return {};
}
