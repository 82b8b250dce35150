//===- Session.h - one sequence being evaluated by a model ------*- C++ -*-===//
//
// A Session owns what one sequence needs besides the model: its states (KV
// caches, zero at the start), the activation arena of each entry point
// (sized for the token count of the call), and the position of the next
// token. eval() runs a batch of tokens through the prefill entry point, or a
// single token through decode, and returns their logits.
//
// Thread safety: a Session is used by one thread at a time; different
// sessions of one model may run concurrently.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_SESSION_H
#define MGC_RUNTIME_ENGINE_SESSION_H

#include "runtime/engine/Model.h"
#include "runtime/engine/Routing.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mgc {

/// A 64-byte aligned, zero-initialized block of memory.
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  ~AlignedBuffer();
  AlignedBuffer(AlignedBuffer &&other) noexcept;
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept;
  /// Makes the block at least `bytes` long (contents are not kept).
  bool reserve(uint64_t bytes);
  void zero();
  uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }

private:
  uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
};

class Session {
public:
  /// Which entry point eval uses.
  enum class Path {
    automatic, // decode for one token (when the model has it), else prefill
    prefill,   // always prefill
  };

  /// `contextLimit` caps the positions below the model's context (0: the
  /// model's own). Check status() before use.
  explicit Session(std::shared_ptr<const Model> model,
                   int64_t contextLimit = 0);

  /// Failure to allocate the states, or a context limit beyond the model's.
  const Status &status() const { return status_; }

  /// Which positions' logits eval computes.
  enum class LogitRows {
    all,  // every position's: [count][vocab]
    last, // the last position's only, [vocab] (what sampling the next token
          // needs); the logits product then runs on that row alone
  };

  /// Runs `count` tokens at positions position() .. position() + count - 1
  /// and, when `logits` is not null, writes the logits `rows` asks for.
  /// On success the position advances by `count`.
  Status eval(const int32_t *tokens, int64_t count, float *logits,
              Path path = Path::automatic, LogitRows rows = LogitRows::all);

  int64_t position() const { return position_; }
  /// Positions this session can hold.
  int64_t contextLength() const { return context_; }
  /// Starts a new sequence: position 0, states zeroed.
  void reset();
  const Model &model() const { return *model_; }

  /// Starts (or stops) measuring every call: see callProfile().
  void enableProfiling(bool on);
  /// Time, FLOPs and bytes moved (PlanCall::cost applied to each run's
  /// rows and positions) of each call of each entry point (by
  /// plan().entries and PlanEntry::calls index; an expert loop's body calls
  /// add up over its experts) since profiling was enabled; empty while off.
  struct CallProfile {
    double seconds = 0, flops = 0, bytes = 0, weightBytes = 0;
    double matmulFlops = 0; // the part of flops in matrix products
    double pairFlops = 0;   // the part scoring (query, key) pairs
    int64_t runs = 0;
  };
  const std::vector<std::vector<CallProfile>> &callProfile() const {
    return callProfile_;
  }
  /// Wall time of the eval calls since profiling was enabled: what the
  /// calls' times add up to, plus the runtime's own work between them.
  double profiledSeconds() const { return profiledSeconds_; }

  /// Routing counts of every MoE layer (one per dispatch call of each entry
  /// point, in plan order) since they were enabled; empty while off.
  void enableRoutingStats(bool on);
  const std::vector<RoutingCounts> &routingStats() const { return routing_; }

private:
  /// Everything one entry point's calls need, for the current token count.
  struct EntryState {
    std::vector<AlignedBuffer> slots; // (slots) activation memory
  };

  Status run(const PlanEntry &entry, size_t entryIndex, EntryState &state,
             const int32_t *tokens, int64_t count, float *logits,
             LogitRows rows);
  /// The routing counts of dispatch call `call` of entry `entry`, or null
  /// when routing statistics are off.
  RoutingCounts *routingCounts(size_t entry, size_t call);

  std::shared_ptr<const Model> model_;
  Status status_;
  int64_t context_ = 0;
  int64_t position_ = 0;
  std::vector<AlignedBuffer> states_; // (plan states) KV caches
  std::vector<EntryState> entries_;   // (plan entries)
  std::vector<std::vector<CallProfile>> callProfile_; // (entries, calls)
  double profiledSeconds_ = 0;
  std::vector<RoutingCounts> routing_;           // when routing stats are on
  std::vector<std::vector<int>> routingIndex_;   // (entries, calls) -> routing_
};

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_SESSION_H
