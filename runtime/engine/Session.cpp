//===- Session.cpp - one sequence being evaluated by a model --------------===//
//
// Implements eval: choose the entry point, size the arena for the call's
// token count, then call each kernel of the plan with halide_buffer_t
// descriptions of its tensors (weights in place in the mapped file, states,
// arena slots, KV-cache row crops) and the position.
//
//===----------------------------------------------------------------------===//

#include "runtime/engine/Session.h"

#include "runtime/engine/HalideTypes.h"

#include "HalideRuntime.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mgc;

//===----------------------------------------------------------------------===//
// AlignedBuffer
//===----------------------------------------------------------------------===//

AlignedBuffer::~AlignedBuffer() { std::free(data_); }

AlignedBuffer::AlignedBuffer(AlignedBuffer &&other) noexcept
    : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

AlignedBuffer &AlignedBuffer::operator=(AlignedBuffer &&other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

bool AlignedBuffer::reserve(uint64_t bytes) {
  if (bytes <= size_ && data_)
    return true;
  void *p = nullptr;
  if (::posix_memalign(&p, 64, bytes ? bytes : 64) != 0)
    return false;
  std::free(data_);
  data_ = static_cast<uint8_t *>(p);
  size_ = bytes;
  zero();
  return true;
}

void AlignedBuffer::zero() {
  if (data_)
    std::memset(data_, 0, size_);
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

Session::Session(std::shared_ptr<const Model> model, int64_t contextLimit)
    : model_(std::move(model)) {
  const Plan &plan = model_->plan();
  context_ = plan.context;
  if (contextLimit < 0 ||
      (contextLimit > 0 && plan.context > 0 && contextLimit > plan.context)) {
    status_ = Status::error(StatusCode::invalidArgument,
                            "context " + std::to_string(contextLimit) +
                                " exceeds the model's KV-cache capacity of " +
                                std::to_string(plan.context) + " positions");
    return;
  }
  if (contextLimit > 0)
    context_ = contextLimit;
  states_.resize(plan.states.size());
  for (size_t i = 0; i < states_.size(); ++i)
    if (!states_[i].reserve(4 *
                            uint64_t(planElements(plan.states[i].shape, 1)))) {
      status_ =
          Status::error(StatusCode::outOfMemory,
                        "cannot allocate state '" + plan.states[i].name + "'");
      return;
    }
  entries_.resize(plan.entries.size());
}

void Session::enableProfiling(bool on) {
  const Plan &plan = model_->plan();
  callProfile_.clear();
  profiledSeconds_ = 0;
  if (on)
    for (const PlanEntry &e : plan.entries)
      callProfile_.emplace_back(e.calls.size());
}

void Session::enableRoutingStats(bool on) {
  routing_.clear();
  routingIndex_.clear();
  if (!on)
    return;
  for (const PlanEntry &e : model_->plan().entries) {
    routingIndex_.emplace_back(e.calls.size(), -1);
    for (size_t c = 0; c < e.calls.size(); ++c) {
      const PlanCall &call = e.calls[c];
      if (call.kind != CallKind::dispatch)
        continue;
      routingIndex_.back()[c] = int(routing_.size());
      RoutingCounts counts;
      counts.name = call.name;
      counts.load.assign(size_t(call.experts), 0);
      routing_.push_back(std::move(counts));
    }
  }
}

RoutingCounts *Session::routingCounts(size_t entry, size_t call) {
  if (routingIndex_.empty())
    return nullptr;
  int index = routingIndex_[entry][call];
  return index < 0 ? nullptr : &routing_[size_t(index)];
}

void Session::reset() {
  position_ = 0;
  for (AlignedBuffer &s : states_)
    s.zero();
}

Status Session::eval(const int32_t *tokens, int64_t count, float *logits,
                     Path path, LogitRows rows) {
  if (!status_.ok())
    return status_;
  const Plan &plan = model_->plan();
  if (count < 1 || !tokens)
    return Status::error(StatusCode::invalidArgument,
                         "eval needs at least one token");
  if (context_ > 0 && count > context_ - position_)
    return Status::error(StatusCode::contextFull,
                         "position " + std::to_string(position_) + " + " +
                             std::to_string(count) +
                             " tokens exceeds the context of " +
                             std::to_string(context_) + " positions");
  for (int64_t i = 0; i < count; ++i)
    if (tokens[i] < 0 || tokens[i] >= plan.vocab)
      return Status::error(StatusCode::invalidArgument,
                           "token id " + std::to_string(tokens[i]) +
                               " is outside the vocabulary [0, " +
                               std::to_string(plan.vocab) + ")");
  // Prefill takes any token count; decode exactly its own.
  const PlanEntry *entry = nullptr;
  size_t index = 0;
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const PlanEntry &e = plan.entries[i];
    bool fits = e.tokens == kTokensExtent || e.tokens == count;
    bool wanted = path == Path::automatic && count == 1 ? e.name == "decode"
                                                        : e.name == "prefill";
    if (fits && (wanted || !entry)) {
      entry = &e;
      index = i;
      if (wanted)
        break;
    }
  }
  if (!entry)
    return Status::error(StatusCode::invalidArgument,
                         "the model has no entry point for " +
                             std::to_string(count) + " tokens");
  auto start = std::chrono::steady_clock::now();
  Status s =
      run(*entry, index, entries_[index], tokens, count, logits, rows);
  if (!callProfile_.empty())
    profiledSeconds_ += std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count();
  if (s.ok())
    position_ += count;
  return s;
}

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// A halide_buffer_t of a dense row-major tensor of mgc `shape` at `host`
/// (dimension 0 of Halide is the innermost of mgc), with a token multiple
/// -m read as m x `tokens`; `dims` must hold shape.size() entries.
void describe(halide_buffer_t &b, halide_dimension_t *dims, void *host,
              PlanType type, const std::vector<int64_t> &shape,
              int64_t tokens) {
  std::memset(&b, 0, sizeof(b));
  b.host = static_cast<uint8_t *>(host);
  b.type = halideTypeOf(type);
  b.dimensions = int32_t(shape.size());
  b.dim = dims;
  int64_t stride = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t extent = shape[shape.size() - 1 - d];
    if (extent < 0)
      extent = -extent * tokens;
    dims[d] = halide_dimension_t();
    dims[d].min = 0;
    dims[d].extent = int32_t(extent);
    dims[d].stride = int32_t(stride);
    dims[d].flags = 0;
    stride *= extent;
  }
}

} // namespace

Status Session::run(const PlanEntry &entry, size_t entryIndex,
                    EntryState &state, const int32_t *tokens, int64_t count,
                    float *logits, LogitRows rows) {
  const Plan &plan = model_->plan();
  // Size the arena for `count` tokens.
  std::vector<uint64_t> slotBytes(entry.slots, 0);
  for (const PlanTensor &t : entry.tensors)
    if (t.kind == TensorKind::activation)
      slotBytes[t.ref] =
          std::max(slotBytes[t.ref],
                   4 * (t.offset + uint64_t(planElements(t.shape, count))));
  state.slots.resize(entry.slots);
  for (uint32_t s = 0; s < entry.slots; ++s)
    if (!state.slots[s].reserve(slotBytes[s]))
      return Status::error(StatusCode::outOfMemory,
                           "cannot allocate " + std::to_string(slotBytes[s]) +
                               " bytes of activations");

  int32_t position = int32_t(position_);
  auto hostOf = [&](const PlanTensor &t) -> void * {
    switch (t.kind) {
    case TensorKind::activation:
      return state.slots[t.ref].data() + 4 * t.offset;
    case TensorKind::weight:
      return const_cast<uint8_t *>(model_->weight(t.ref));
    case TensorKind::state:
      return states_[t.ref].data();
    case TensorKind::tokens:
      return const_cast<int32_t *>(tokens);
    }
    return nullptr;
  };
  auto hostOfArg = [&](const PlanCall &call, size_t a) {
    return hostOf(entry.tensors[call.args[a].tensor]);
  };

  // The expert an expert loop is running: its index and sorted rows.
  struct Expert {
    int64_t index = -1, firstRow = 0, rows = 0;
    RoutingCounts *counts = nullptr;
  } expert;

  constexpr size_t kMaxRank = 8;
  std::vector<halide_buffer_t> buffers;
  std::vector<halide_dimension_t> dims;
  std::vector<void *> argv;
  // What a call ran on: its rows (tokens, or an expert's routed rows), the
  // (query, key) pairs an attention scores and the cached positions it
  // reads, priced by its PlanCost.
  auto account = [&](size_t c, int64_t rows, double seconds) {
    if (callProfile_.empty())
      return;
    const PlanCall &call = entry.calls[c];
    const PlanCost &k = call.cost;
    double T = double(rows), start = double(position_);
    bool cached = false;
    for (const PlanArg &a : call.args)
      cached |= a.kind == ArgKind::position;
    // Causal over the cache: query t sees start + t + 1 keys (at most the
    // window); without a cache every query sees the call's T keys.
    double pairs = 0, positions = cached ? start + T : T;
    if (k.flopsPerPair > 0 || k.bytesPerPosition > 0) {
      if (!cached)
        pairs = T * T;
      else
        for (int64_t t = 0; t < rows; ++t) {
          double keys = start + double(t) + 1;
          pairs += k.window > 0 ? std::min(keys, k.window) : keys;
        }
      if (cached && k.window > 0)
        positions = std::min(positions, k.window + T - 1);
    }
    CallProfile &p = callProfile_[entryIndex][c];
    p.seconds += seconds;
    double flops = k.flopsPerToken * T + k.flopsPerPair * pairs;
    p.flops += flops;
    p.matmulFlops += k.matmul ? flops : 0;
    p.pairFlops += k.flopsPerPair * pairs;
    p.weightBytes += k.weightBytes + k.weightBytesPerToken * T;
    p.bytes += k.weightBytes + k.stateBytes + k.bytesPerToken * T +
               k.bytesPerPosition * (k.flopsPerPair > 0 ? positions : 0);
    ++p.runs;
  };

  // `lastRow`: the call runs on row count - 1 alone (its token-extent
  // tensors viewed from that row, one row long).
  auto runKernel = [&](const PlanCall &call, bool lastRow) -> Status {
    size_t n = call.args.size();
    buffers.assign(n, halide_buffer_t());
    dims.assign(n * kMaxRank, halide_dimension_t());
    argv.assign(n, nullptr);
    for (size_t a = 0; a < n; ++a) {
      const PlanArg &arg = call.args[a];
      if (arg.kind == ArgKind::position) {
        argv[a] = &position;
        continue;
      }
      const PlanTensor &t = entry.tensors[arg.tensor];
      halide_dimension_t *d = &dims[a * kMaxRank];
      uint8_t *host = static_cast<uint8_t *>(hostOf(t));
      if (arg.kind == ArgKind::expertSlice) {
        // [E, ...] at the current expert, as [...].
        std::vector<int64_t> inner(t.shape.begin() + 1, t.shape.end());
        uint64_t bytes =
            planTypeBytes(t.type) * uint64_t(planElements(inner, count));
        describe(buffers[a], d, host + bytes * uint64_t(expert.index), t.type,
                 inner, count);
        if (expert.counts)
          expert.counts->expertWeightBytes += bytes;
        argv[a] = &buffers[a];
        continue;
      }
      const int last = int(t.shape.size()) - 1;
      if (lastRow && t.kind != TensorKind::weight) {
        describe(buffers[a], d, host, t.type, t.shape, 1);
        buffers[a].host += planTypeBytes(t.type) * uint64_t(count - 1) *
                           uint64_t(d[last].stride);
        argv[a] = &buffers[a];
        continue;
      }
      describe(buffers[a], d, host, t.type, t.shape, count);
      if (arg.kind == ArgKind::stateRows) {
        // Rows [position, position + T) of dimension 1 of [H, C, D].
        buffers[a].host += 4 * uint64_t(position_) * uint64_t(d[0].extent);
        d[1].min = position;
        d[1].extent = int32_t(count);
      } else if (arg.kind == ArgKind::expertRows) {
        // The current expert's rows of dimension 0, starting at row 0.
        if (expert.firstRow + expert.rows > d[last].extent)
          return Status::error(StatusCode::kernelFailed,
                               "call '" + call.name +
                                   "': expert rows out of range");
        buffers[a].host += 4 * uint64_t(expert.firstRow) *
                           uint64_t(d[last].stride);
        d[last].extent = int32_t(expert.rows);
      }
      argv[a] = &buffers[a];
    }
    int rc = model_->kernel(call.kernel)(argv.data());
    if (rc != 0)
      return Status::error(StatusCode::kernelFailed,
                           "kernel '" + call.name +
                               "' failed with Halide error " +
                               std::to_string(rc));
    return Status::success();
  };
  auto routeError = [](const PlanCall &call) {
    return Status::error(StatusCode::kernelFailed,
                         "'" + call.name +
                             "': the router chose an expert outside [0, " +
                             std::to_string(call.experts) + ")");
  };

  for (size_t c = 0; c < entry.calls.size(); ++c) {
    const PlanCall &call = entry.calls[c];
    auto start = std::chrono::steady_clock::now();
    size_t timedCalls = 1;
    switch (call.kind) {
    case CallKind::kernel: {
      const bool lastRow = call.lastRowSuffices && rows == LogitRows::last;
      if (Status s = runKernel(call, lastRow); !s.ok())
        return s;
      account(c, lastRow ? 1 : count, secondsSince(start));
      timedCalls = 0;
      break;
    }
    case CallKind::capacity: {
      const int64_t k = entry.tensors[call.args[0].tensor].shape[1];
      int64_t dropped = limitCapacity(
          static_cast<const int32_t *>(hostOfArg(call, 0)),
          static_cast<float *>(hostOfArg(call, 1)), count, k, call.experts,
          call.factor);
      if (dropped < 0)
        return routeError(call);
      // The next dispatch of these routes owns the counts.
      for (size_t d = c + 1; d < entry.calls.size(); ++d)
        if (entry.calls[d].kind == CallKind::dispatch &&
            entry.calls[d].args[0].tensor == call.args[0].tensor) {
          if (RoutingCounts *counts = routingCounts(entryIndex, d))
            counts->dropped += uint64_t(dropped);
          break;
        }
      break;
    }
    case CallKind::dispatch: {
      const int64_t k = entry.tensors[call.args[0].tensor].shape[1];
      RoutingCounts *counts = routingCounts(entryIndex, c);
      if (counts) {
        counts->tokens += uint64_t(count);
        counts->routes += uint64_t(count * k);
      }
      if (!dispatchRoutes(static_cast<const int32_t *>(hostOfArg(call, 0)),
                          static_cast<const float *>(hostOfArg(call, 1)),
                          count, k, call.experts,
                          static_cast<int32_t *>(hostOfArg(call, 2)),
                          static_cast<int32_t *>(hostOfArg(call, 3)),
                          static_cast<int32_t *>(hostOfArg(call, 4)),
                          counts ? counts->load.data() : nullptr))
        return routeError(call);
      break;
    }
    case CallKind::expertLoop: {
      const PlanTensor &offsetsTensor = entry.tensors[call.args[0].tensor];
      const int32_t *offsets =
          static_cast<const int32_t *>(hostOf(offsetsTensor));
      // The dispatch that wrote these offsets owns the counts.
      expert.counts = nullptr;
      for (size_t d = c; d-- > 0;)
        if (entry.calls[d].kind == CallKind::dispatch &&
            entry.calls[d].args[4].tensor == call.args[0].tensor) {
          expert.counts = routingCounts(entryIndex, d);
          break;
        }
      const int64_t experts = offsetsTensor.shape[0] - 1;
      const size_t body = size_t(call.body);
      for (int64_t e = 0; e < experts; ++e) {
        expert.index = e;
        expert.firstRow = offsets[e];
        expert.rows = int64_t(offsets[e + 1]) - offsets[e];
        if (expert.rows <= 0)
          continue;
        for (size_t b = 0; b < body; ++b) {
          auto bodyStart = std::chrono::steady_clock::now();
          if (Status s = runKernel(entry.calls[c + 1 + b], false); !s.ok())
            return s;
          account(c + 1 + b, expert.rows, secondsSince(bodyStart));
        }
      }
      expert = Expert();
      timedCalls = 0; // the loop itself is its body's time
      c += body;
      break;
    }
    }
    if (timedCalls)
      account(c, count, secondsSince(start));
  }
  if (logits) {
    const uint64_t row = 4 * uint64_t(plan.vocab);
    const uint8_t *all =
        static_cast<const uint8_t *>(hostOf(entry.tensors[entry.logits]));
    if (rows == LogitRows::last)
      std::memcpy(logits, all + row * uint64_t(count - 1), row);
    else
      std::memcpy(logits, all, row * uint64_t(count));
  }
  return Status::success();
}
