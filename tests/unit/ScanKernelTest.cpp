//===- ScanKernelTest.cpp - scan kernels against a reference --------------===//
//
// JIT-compiles the mgc.scan kernel for the explicit AVX-512 target (AVX2
// where the CPU lacks AVX-512) and compares it on random data with a
// double-precision reference written from the op's equations (ir/MgcOps.td)
// for every variant, in the operand shapes the frontends produce (Mamba-1:
// one head of all channels; Mamba-2 and Hydra: heads sharing groups of b and
// c; RWKV: P = N keys per head; S4D and H3: one or a few channels per head),
// forward with and without a skip term and a carried state, and
// bidirectional. A prefill split in two with the state carried, and decode
// steps that update the state in place, must give the outputs and final
// state of one prefill of every token.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"
#include "codegen/kernels/ScanKernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

namespace {

using namespace mgc;
using Halide::Buffer;
using Variant = ScanKernelSpec::Variant;
using Direction = ScanKernelSpec::Direction;
using Skip = ScanKernelSpec::Skip;

//===----------------------------------------------------------------------===//
// Targets and schedules
//===----------------------------------------------------------------------===//

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }
int lanes() { return hasAvx512() ? 16 : 8; }

/// What mgc-schedule picks for a scan: one head, one vector of channels per
/// tile, heads in parallel.
KernelSchedule prefill() {
  KernelSchedule s;
  s.tiles = {1, lanes()};
  s.vectorWidth = lanes();
  s.parallelDims = {0};
  s.threads = 2;
  s.halideTarget = hasAvx512() ? kHalideX86Avx512 : kHalideX86Avx2;
  return s;
}

/// The decode schedule (built with tokens = 1).
KernelSchedule decode() {
  KernelSchedule s = prefill();
  s.decode = true;
  return s;
}

/// Two heads per tile, two vectors advancing together, heads and channels
/// in parallel: whole heads for P <= 2 vectors, else ragged channel tiles.
KernelSchedule tiled() {
  KernelSchedule s = prefill();
  s.tiles = {2, 2 * lanes()};
  s.unroll = 2;
  s.parallelDims = {0, 1};
  return s;
}

/// Enough whole heads per tile to fill a vector of narrow heads (S4D, H3).
KernelSchedule wideHeads() {
  KernelSchedule s = prefill();
  s.tiles = {lanes(), 1 << 20};
  return s;
}

constexpr int kTokenCounts[] = {1, 5, 37};

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// The operands of one scan call except the state, as Halide buffers (mgc
/// shapes reversed: x [T, H, P] is x(p, h, t)).
struct Operands {
  Buffer<float> x, dt, decay, b, c, d, bonus, alpha, beta;

  /// Calls fn(buffer, timed) for each operand the spec takes, in the
  /// kernel's call order; `timed` when its outermost dimension is T.
  void forEach(const ScanKernelSpec &spec,
               const std::function<void(Buffer<float> &, bool)> &fn) {
    const Variant v = spec.variant;
    fn(x, true);
    if (spec.hasDt)
      fn(dt, v != Variant::lti);
    fn(decay, v == Variant::delta || (v == Variant::rwkv && spec.perTokenDecay));
    fn(b, v != Variant::lti);
    fn(c, v != Variant::lti);
    if (spec.skip != Skip::none)
      fn(d, false);
    if (v == Variant::rwkv)
      fn(bonus, false);
    if (v == Variant::delta) {
      fn(alpha, true);
      fn(beta, true);
    }
  }
};

/// A buffer for an mgc tensor of `shape` (outermost first).
Buffer<float> tensor(std::vector<int> shape) {
  std::reverse(shape.begin(), shape.end());
  return Buffer<float>(shape);
}

void fill(Buffer<float> &buffer, std::mt19937 &rng, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  buffer.for_each_value([&](float &value) { value = dist(rng); });
}

/// Random operands for T tokens, in ranges the models produce: positive
/// steps dt (softplus), negative decay rates, and for delta RWKV-7's
/// contracting rank-1 update, alpha = -k and beta = k * a with k a unit key
/// and a in (0, 1).
Operands randomOperands(const ScanKernelSpec &spec, int T, std::mt19937 &rng) {
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  const int G = int(spec.groups);
  const Variant v = spec.variant;
  Operands o;
  o.x = tensor({T, H, P});
  fill(o.x, rng, -1, 1);
  if (spec.hasDt) {
    o.dt = v == Variant::selective ? tensor({T, H, P})
           : v == Variant::ssd     ? tensor({T, H})
                                   : tensor({H, P});
    fill(o.dt, rng, 0.05f, 1);
  }
  switch (v) {
  case Variant::selective:
  case Variant::lti:
    o.decay = tensor({H, P, N});
    break;
  case Variant::ssd:
    o.decay = tensor({H});
    break;
  case Variant::rwkv:
    o.decay = spec.perTokenDecay ? tensor({T, H, N}) : tensor({H, N});
    break;
  case Variant::delta:
    o.decay = tensor({T, H, N});
    break;
  }
  fill(o.decay, rng, -1.5f, -0.01f);
  o.b = v == Variant::lti ? tensor({G, N}) : tensor({T, G, N});
  o.c = v == Variant::lti ? tensor({G, N}) : tensor({T, G, N});
  fill(o.b, rng, -1, 1);
  fill(o.c, rng, -1, 1);
  if (spec.skip != Skip::none) {
    o.d = spec.skip == Skip::perHead ? tensor({H}) : tensor({H, P});
    fill(o.d, rng, -1, 1);
  }
  if (v == Variant::rwkv) {
    o.bonus = tensor({H, N});
    fill(o.bonus, rng, -1, 1);
  }
  if (v == Variant::delta) {
    o.alpha = tensor({T, H, N});
    o.beta = tensor({T, H, N});
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> rate(0, 1);
    for (int t = 0; t < T; ++t)
      for (int h = 0; h < H; ++h) {
        std::vector<float> k(N);
        double norm = 0;
        for (float &value : k) {
          value = normal(rng);
          norm += double(value) * value;
        }
        for (int n = 0; n < N; ++n) {
          float unit = float(k[n] / std::sqrt(norm));
          o.alpha(n, h, t) = -unit;
          o.beta(n, h, t) = unit * rate(rng);
        }
      }
  }
  return o;
}

/// Tokens [first, first + count) of a buffer whose outermost dimension is
/// T, copied to a buffer of its own (kernel tensors start at 0).
Buffer<float> tokensOf(const Buffer<float> &buffer, int first, int count) {
  std::vector<int> sizes;
  for (int i = 0; i < buffer.dimensions(); ++i)
    sizes.push_back(buffer.dim(i).extent());
  sizes.back() = count;
  Buffer<float> out(sizes);
  Buffer<float> window(
      buffer.get()->cropped(buffer.dimensions() - 1, first, count));
  window.translate(buffer.dimensions() - 1, -first);
  out.copy_from(window);
  return out;
}

/// The operands of tokens [first, first + count).
Operands tokensOf(const ScanKernelSpec &spec, Operands all, int first,
                  int count) {
  all.forEach(spec, [&](Buffer<float> &buffer, bool timed) {
    if (timed)
      buffer = tokensOf(buffer, first, count);
  });
  return all;
}

/// Every operand and the state replaced by its absolute value: the
/// reference then yields, for each output, the sum of the magnitudes of the
/// terms it adds up (decays exp(.) and steps dt are positive already).
Operands magnitudes(const ScanKernelSpec &spec, Operands o) {
  o.forEach(spec, [&](Buffer<float> &buffer, bool) {
    Buffer<float> copy = buffer.copy();
    copy.for_each_value([](float &value) { value = std::fabs(value); });
    buffer = copy;
  });
  // Decays are exponents: keep their signs.
  return o;
}

//===----------------------------------------------------------------------===//
// The reference
//===----------------------------------------------------------------------===//

struct Reference {
  std::vector<double> y;     // [T][H][P]
  std::vector<double> state; // [H][P][N]
};

/// One scan from the first token to the last (or, backward, the last to
/// the first) starting from `state` ([H][P][N]), written from mgc.scan's
/// equations.
Reference scanOnce(const ScanKernelSpec &spec, const Operands &o,
                   std::vector<double> state, bool backward,
                   const Operands &signs) {
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  const int G = int(spec.groups), T = o.x.dim(2).extent();
  const Variant v = spec.variant;
  const bool tokenDecay =
      v == Variant::delta || (v == Variant::rwkv && spec.perTokenDecay);
  Reference r;
  r.y.assign(size_t(T) * H * P, 0);
  for (int step = 0; step < T; ++step) {
    const int t = backward ? T - 1 - step : step;
    for (int h = 0; h < H; ++h) {
      const int g = h / (H / G);
      for (int p = 0; p < P; ++p) {
        double *row = &state[(size_t(h) * P + p) * N];
        const std::vector<double> before(row, row + N);
        const double x = o.x(p, h, t);
        double y = 0, dot = 0;
        if (v == Variant::delta)
          for (int k = 0; k < N; ++k)
            dot += before[k] * o.alpha(k, h, t);
        if (v == Variant::rwkv)
          for (int n = 0; n < N; ++n)
            y += (before[n] + x * o.bonus(n, h) * o.b(n, h, t)) * o.c(n, h, t);
        for (int n = 0; n < N; ++n) {
          switch (v) {
          case Variant::selective: {
            double dt = o.dt(p, h, t);
            row[n] = std::exp(dt * signs.decay(n, p, h)) * before[n] +
                     dt * x * o.b(n, g, t);
            break;
          }
          case Variant::ssd: {
            double dt = o.dt(h, t);
            row[n] = std::exp(dt * signs.decay(h)) * before[n] +
                     dt * x * o.b(n, g, t);
            break;
          }
          case Variant::lti: {
            double s = spec.hasDt ? o.dt(p, h) : 1.0;
            row[n] = std::exp(s * signs.decay(n, p, h)) * before[n] +
                     s * x * o.b(n, g);
            break;
          }
          case Variant::rwkv: {
            double a = tokenDecay ? signs.decay(n, h, t) : signs.decay(n, h);
            row[n] = std::exp(a) * before[n] + x * o.b(n, h, t);
            break;
          }
          case Variant::delta:
            row[n] = std::exp(signs.decay(n, h, t)) * before[n] +
                     dot * o.beta(n, h, t) + x * o.b(n, h, t);
            break;
          }
        }
        if (v != Variant::rwkv)
          for (int n = 0; n < N; ++n)
            y += row[n] * (v == Variant::lti ? o.c(n, g) : o.c(n, g, t));
        if (spec.skip != Skip::none)
          y += (spec.skip == Skip::perHead ? o.d(h) : o.d(p, h)) * x;
        r.y[(size_t(t) * H + h) * P + p] = y;
      }
    }
  }
  r.state = state;
  return r;
}

/// The scan's outputs (forward, or forward plus backward).
Reference reference(const ScanKernelSpec &spec, const Operands &o,
                    const std::vector<double> &state, const Operands &signs) {
  Reference r = scanOnce(spec, o, state, false, signs);
  if (spec.direction == Direction::bidirectional) {
    std::vector<double> zero(state.size(), 0.0);
    Reference back = scanOnce(spec, o, zero, true, signs);
    for (size_t i = 0; i < r.y.size(); ++i)
      r.y[i] += back.y[i];
  }
  return r;
}

std::vector<double> valuesOf(const Buffer<float> &buffer) {
  std::vector<double> out;
  Buffer<float> dense = buffer.copy(); // dimension 0 innermost, no gaps
  for (size_t i = 0; i < dense.number_of_elements(); ++i)
    out.push_back(dense.data()[i]);
  return out;
}

/// Compares with the reference: within 2e-5 of the sum of the magnitudes
/// of the terms (`scale`), the float rounding of ~N-term sums and exp over
/// a few dozen tokens.
void expectNear(const std::vector<double> &values,
                const std::vector<double> &want,
                const std::vector<double> &scale, const std::string &what) {
  ASSERT_EQ(values.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(values[i] - want[i]) <= 2e-5 * scale[i] + 1e-30)) {
      ADD_FAILURE() << what << ": element " << i << " is " << values[i]
                    << ", expected " << want[i] << " (term magnitude "
                    << scale[i] << ")";
      return;
    }
}

void expectNear(const Buffer<float> &got, const std::vector<double> &want,
                const std::vector<double> &scale, const std::string &what) {
  expectNear(valuesOf(got), want, scale, what);
}

/// A state buffer in the spec's layout: [H, P, N], or [N, H, P].
Buffer<float> stateBuffer(const ScanKernelSpec &spec) {
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  return spec.entryMajorState ? Buffer<float>(P, H, N) : Buffer<float>(N, P, H);
}

/// The values of a state buffer in the op's [H][P][N] order.
std::vector<double> stateValues(const ScanKernelSpec &spec,
                                const Buffer<float> &state) {
  if (!spec.entryMajorState)
    return valuesOf(state);
  std::vector<double> out;
  for (int h = 0; h < spec.heads; ++h)
    for (int p = 0; p < spec.headDim; ++p)
      for (int n = 0; n < spec.stateSize; ++n)
        out.push_back(state(p, h, n));
  return out;
}

std::vector<double> absolute(std::vector<double> values) {
  for (double &value : values)
    value = std::fabs(value);
  return values;
}

//===----------------------------------------------------------------------===//
// Running the kernel
//===----------------------------------------------------------------------===//

KernelPipeline built(KernelPipelineResult result) {
  EXPECT_TRUE(result.kernel.has_value()) << result.error;
  if (!result.kernel)
    throw std::runtime_error(result.error);
  return *result.kernel;
}

/// Runs the kernel on `o`; with a state, from `state`, writing the final
/// state into `stateOut` (which may be `state` itself). Returns y.
Buffer<float> run(KernelPipeline &kernel, const ScanKernelSpec &spec,
                  Operands &o, Buffer<float> state = {},
                  Buffer<float> stateOut = {}) {
  size_t index = 0;
  o.forEach(spec, [&](Buffer<float> &buffer, bool) {
    kernel.bind(index++, buffer);
  });
  Buffer<float> y(o.x.dim(0).extent(), o.x.dim(1).extent(),
                  o.x.dim(2).extent());
  if (spec.hasState) {
    kernel.bind(index++, state);
    Halide::Realization outputs(y, stateOut);
    kernel.pipeline.realize(outputs, kernel.target);
  } else {
    kernel.pipeline.realize(y, kernel.target);
  }
  return y;
}

std::string describe(const ScanKernelSpec &spec, const std::string &what,
                     int T) {
  static const char *names[] = {"selective", "ssd", "rwkv", "delta", "lti"};
  return std::string(names[int(spec.variant)]) +
         (spec.direction == Direction::bidirectional ? " bidirectional" : "") +
         " H=" + std::to_string(spec.heads) +
         " P=" + std::to_string(spec.headDim) +
         " N=" + std::to_string(spec.stateSize) +
         " G=" + std::to_string(spec.groups) +
         (spec.skip != Skip::none ? " with d" : "") +
         (spec.hasState ? " with state" : "") +
         (spec.entryMajorState ? " [N, H, P]" : "") + ", " + what +
         ", T=" + std::to_string(T);
}

/// Checks the kernel of `spec` under `schedule` against the reference for
/// every token count, from a random state when the spec carries one.
void checkAgainstReference(const ScanKernelSpec &spec,
                           const KernelSchedule &schedule,
                           const std::string &scheduleName, std::mt19937 &rng) {
  KernelPipeline kernel = built(buildScanKernel(spec, schedule));
  const int H = int(spec.heads), P = int(spec.headDim), N = int(spec.stateSize);
  for (int T : kTokenCounts) {
    Operands o = randomOperands(spec, T, rng);
    Buffer<float> state = stateBuffer(spec), stateOut = stateBuffer(spec);
    fill(state, rng, -1, 1);
    std::vector<double> start(size_t(H) * P * N, 0.0);
    if (spec.hasState)
      start = stateValues(spec, state);
    std::vector<double> startAbs = absolute(start);
    Buffer<float> y = run(kernel, spec, o, state, stateOut);
    Reference want = reference(spec, o, start, o);
    Reference scale = reference(spec, magnitudes(spec, o), startAbs, o);
    const std::string what = describe(spec, scheduleName, T);
    expectNear(y, want.y, scale.y, what + ": y");
    if (spec.hasState)
      expectNear(stateValues(spec, stateOut), want.state, scale.state,
                 what + ": state");
  }
}

/// The specs of one frontend's operand shapes: without and with a state,
/// and without and with `skip` when the variant takes one.
std::vector<ScanKernelSpec> withAndWithout(ScanKernelSpec spec, Skip skip) {
  std::vector<Skip> skips{Skip::none};
  if (skip != Skip::none)
    skips.push_back(skip);
  std::vector<ScanKernelSpec> specs;
  for (Skip s : skips)
    for (bool state : {false, true}) {
      spec.skip = s;
      spec.hasState = state;
      specs.push_back(spec);
    }
  return specs;
}

void checkVariant(const ScanKernelSpec &base, Skip skip,
                  const std::vector<std::pair<std::string, KernelSchedule>>
                      &schedules,
                  std::mt19937 &rng) {
  for (const ScanKernelSpec &spec : withAndWithout(base, skip))
    for (const auto &[name, schedule] : schedules)
      checkAgainstReference(spec, schedule, name, rng);
}

const std::vector<std::pair<std::string, KernelSchedule>> &schedules() {
  static const std::vector<std::pair<std::string, KernelSchedule>> all = {
      {"prefill", prefill()}, {"tiled", tiled()}};
  return all;
}

//===----------------------------------------------------------------------===//
// Each variant against the reference
//===----------------------------------------------------------------------===//

ScanKernelSpec spec(Variant variant, int H, int P, int N, int G) {
  ScanKernelSpec s;
  s.variant = variant;
  s.heads = H;
  s.headDim = P;
  s.stateSize = N;
  s.groups = G;
  s.hasDt = variant == Variant::selective || variant == Variant::ssd;
  return s;
}

TEST(ScanKernel, SelectiveMamba1) {
  std::mt19937 rng(1);
  // Mamba-1: one head whose channels are the inner channels, G = 1; 48
  // channels are three vector tiles, or a 32-channel tile and a ragged one.
  checkVariant(spec(Variant::selective, 1, 48, 16, 1), Skip::perChannel,
               schedules(), rng);
  // Several heads and groups, a state narrower than a vector.
  checkVariant(spec(Variant::selective, 4, 16, 5, 2), Skip::perChannel,
               {{"prefill", prefill()}}, rng);
}

TEST(ScanKernel, SsdMamba2) {
  std::mt19937 rng(2);
  // Mamba-2: heads of P channels in groups sharing b and c, d per head.
  checkVariant(spec(Variant::ssd, 4, 32, 16, 2), Skip::perHead, schedules(),
               rng);
  // One group, heads of one vector (whole-head tiles), d per channel.
  checkVariant(spec(Variant::ssd, 3, 16, 24, 1), Skip::perChannel,
               {{"prefill", prefill()}}, rng);
  // The state stored entry-major, in partial-head and whole-head tiles.
  ScanKernelSpec entryMajor = spec(Variant::ssd, 4, 32, 16, 2);
  entryMajor.hasState = entryMajor.entryMajorState = true;
  for (const auto &[name, schedule] : schedules())
    checkAgainstReference(entryMajor, schedule, name, rng);
}

TEST(ScanKernel, RwkvTokenAndFixedDecay) {
  std::mt19937 rng(3);
  // RWKV-6: decays per token; P = N (values x keys) per head.
  checkVariant(spec(Variant::rwkv, 2, 16, 16, 2), Skip::none, schedules(),
               rng);
  // RWKV-5: decays fixed per head, heads wider than a vector.
  ScanKernelSpec fixed = spec(Variant::rwkv, 2, 32, 32, 2);
  fixed.perTokenDecay = false;
  checkVariant(fixed, Skip::none, schedules(), rng);
}

TEST(ScanKernel, DeltaRwkv7) {
  std::mt19937 rng(4);
  checkVariant(spec(Variant::delta, 2, 16, 16, 2), Skip::none, schedules(),
               rng);
  checkVariant(spec(Variant::delta, 1, 32, 32, 1), Skip::none,
               {{"prefill", prefill()}}, rng);
}

TEST(ScanKernel, LtiS4dAndH3) {
  std::mt19937 rng(5);
  // S4D: one channel per head (G = H), d per head, no dt; tiles of whole
  // heads fill vectors with many heads.
  ScanKernelSpec s4d = spec(Variant::lti, 20, 1, 8, 20);
  checkVariant(s4d, Skip::perHead,
               {{"prefill", prefill()}, {"wide heads", wideHeads()}}, rng);
  s4d.hasState = s4d.entryMajorState = true;
  checkAgainstReference(s4d, wideHeads(), "wide heads", rng);
  s4d.hasState = s4d.entryMajorState = false;
  // H3: heads of d * d channels sharing one b and c per head; with dt.
  ScanKernelSpec h3 = spec(Variant::lti, 3, 4, 4, 3);
  checkVariant(h3, Skip::perHead, {{"wide heads", wideHeads()}}, rng);
  h3.hasDt = true;
  h3.groups = 1;
  checkVariant(h3, Skip::perChannel, schedules(), rng);
}

TEST(ScanKernel, BidirectionalEveryVariant) {
  std::mt19937 rng(6);
  std::vector<ScanKernelSpec> specs = {
      spec(Variant::selective, 1, 32, 8, 1), spec(Variant::ssd, 2, 16, 8, 1),
      spec(Variant::rwkv, 2, 16, 16, 2), spec(Variant::delta, 1, 16, 16, 1),
      spec(Variant::lti, 16, 1, 8, 16)};
  specs[0].skip = Skip::perChannel;
  specs[1].skip = Skip::perHead;
  for (ScanKernelSpec &s : specs) {
    s.direction = Direction::bidirectional;
    checkAgainstReference(s, prefill(), "prefill", rng);
    checkAgainstReference(s, tiled(), "tiled", rng);
  }
}

//===----------------------------------------------------------------------===//
// Carrying the state
//===----------------------------------------------------------------------===//

/// The stateful specs of every frontend shape.
std::vector<ScanKernelSpec> statefulSpecs() {
  std::vector<ScanKernelSpec> specs = {
      spec(Variant::selective, 1, 48, 16, 1), spec(Variant::ssd, 4, 32, 16, 2),
      spec(Variant::rwkv, 2, 16, 16, 2), spec(Variant::delta, 2, 16, 16, 2),
      spec(Variant::lti, 20, 1, 8, 20)};
  specs[0].skip = Skip::perChannel;
  specs[1].skip = Skip::perHead;
  specs[4].skip = Skip::perHead;
  for (ScanKernelSpec &s : specs)
    s.hasState = true;
  // The same with the state stored entry-major ([N, H, P]).
  for (size_t i = 0, count = specs.size(); i < count; ++i) {
    specs.push_back(specs[i]);
    specs.back().entryMajorState = true;
  }
  return specs;
}

/// Runs tokens [first, T) of `all` one at a time through the decode kernel
/// of `s` (static T = 1, the recurrent form), updating `state` in place,
/// and appends their outputs to `outputs`.
void decodeSteps(const ScanKernelSpec &s, const Operands &all, int first,
                 Buffer<float> &state, std::vector<double> &outputs) {
  ScanKernelSpec one = s;
  one.tokens = 1;
  one.chunk = 0;
  KernelPipeline decodeKernel = built(buildScanKernel(one, decode()));
  for (int t = first; t < all.x.dim(2).extent(); ++t) {
    Operands token = tokensOf(s, all, t, 1);
    std::vector<double> y =
        valuesOf(run(decodeKernel, one, token, state, state));
    outputs.insert(outputs.end(), y.begin(), y.end());
  }
}

/// Compares the outputs of every token, in order, and the final state with
/// the reference.
void expectScan(const ScanKernelSpec &s, const std::vector<double> &outputs,
                const Buffer<float> &state, const Reference &want,
                const Reference &scale, const std::string &what) {
  expectNear(outputs, want.y, scale.y, what + ": y");
  expectNear(stateValues(s, state), want.state, scale.state,
             what + ": state");
}

TEST(ScanKernel, PrefillInTwoPartsEqualsOnePrefill) {
  std::mt19937 rng(7);
  const int T = 37;
  for (const ScanKernelSpec &s : statefulSpecs()) {
    KernelPipeline kernel = built(buildScanKernel(s, prefill()));
    Operands all = randomOperands(s, T, rng);
    Buffer<float> start = stateBuffer(s);
    fill(start, rng, -1, 1);
    std::vector<double> startValues = stateValues(s, start);
    std::vector<double> startAbs = absolute(startValues);
    Reference want = reference(s, all, startValues, all);
    Reference scale = reference(s, magnitudes(s, all), startAbs, all);
    for (int first : {1, 16, 36}) {
      // Part one writes a new state; part two updates it in place.
      Buffer<float> state = stateBuffer(s);
      Operands head = tokensOf(s, all, 0, first);
      Operands tail = tokensOf(s, all, first, T - first);
      Buffer<float> y1 = run(kernel, s, head, start, state);
      Buffer<float> y2 = run(kernel, s, tail, state, state);
      std::vector<double> y = valuesOf(y1), rest = valuesOf(y2);
      y.insert(y.end(), rest.begin(), rest.end());
      expectScan(s, y, state, want, scale,
                 describe(s, "split after " + std::to_string(first), T));
    }
  }
}

TEST(ScanKernel, DecodeStepsInPlaceEqualPrefill) {
  std::mt19937 rng(8);
  const int T = 9, prompt = 4;
  for (ScanKernelSpec s : statefulSpecs()) {
    Operands all = randomOperands(s, T, rng);
    Buffer<float> state = stateBuffer(s);
    fill(state, rng, -1, 1);
    std::vector<double> startValues = stateValues(s, state);
    std::vector<double> startAbs = absolute(startValues);
    Reference want = reference(s, all, startValues, all);
    Reference scale = reference(s, magnitudes(s, all), startAbs, all);

    // The prompt with the prefill kernel, then one token at a time with the
    // decode kernel (static T = 1), the state updated in place throughout.
    KernelPipeline prefillKernel = built(buildScanKernel(s, prefill()));
    Operands head = tokensOf(s, all, 0, prompt);
    Buffer<float> y = run(prefillKernel, s, head, state, state);
    std::vector<double> outputs = valuesOf(y);
    decodeSteps(s, all, prompt, state, outputs);
    expectScan(s, outputs, state, want, scale,
               describe(s, "decode steps", T));
  }
}

//===----------------------------------------------------------------------===//
// The chunked prefill form of ssd (SsdChunkScan.h)
//===----------------------------------------------------------------------===//

/// Chunked ssd specs: several groups and whole chunks, one group, heads of
/// one vector and ragged ones, with and without state and skip terms.
std::vector<ScanKernelSpec> chunkedSpecs(int chunk) {
  std::vector<ScanKernelSpec> specs;
  for (ScanKernelSpec s : withAndWithout(spec(Variant::ssd, 4, 32, 16, 2),
                                         Skip::perHead)) {
    s.chunk = chunk;
    specs.push_back(s);
  }
  for (ScanKernelSpec s : withAndWithout(spec(Variant::ssd, 3, 20, 24, 1),
                                         Skip::perChannel)) {
    s.chunk = chunk;
    s.entryMajorState = s.hasState;
    specs.push_back(s);
  }
  return specs;
}

TEST(ScanKernel, SsdChunkedMatchesReference) {
  std::mt19937 rng(9);
  // 1, 5 and 37 tokens: one padded chunk; with 8-token chunks, four whole
  // chunks and a partial one.
  for (int chunk : {2, 8, 64})
    for (const ScanKernelSpec &s : chunkedSpecs(chunk))
      checkAgainstReference(s, prefill(),
                            "chunks of " + std::to_string(chunk), rng);
}

TEST(ScanKernel, SsdChunkedPrefillThenDecodeEqualsOnePrefill) {
  std::mt19937 rng(10);
  const int T = 45, prompt = 40;
  for (ScanKernelSpec s : chunkedSpecs(16)) {
    if (!s.hasState)
      continue;
    Operands all = randomOperands(s, T, rng);
    Buffer<float> state = stateBuffer(s);
    fill(state, rng, -1, 1);
    std::vector<double> startValues = stateValues(s, state);
    Reference want = reference(s, all, startValues, all);
    Reference scale =
        reference(s, magnitudes(s, all), absolute(startValues), all);
    // The prompt in two chunked calls (the second starting mid-chunk of the
    // first's grid), then token-by-token decode, all in place.
    KernelPipeline chunked = built(buildScanKernel(s, prefill()));
    std::vector<double> outputs;
    for (auto [first, count] : {std::pair{0, 23}, std::pair{23, prompt - 23}}) {
      Operands part = tokensOf(s, all, first, count);
      std::vector<double> y = valuesOf(run(chunked, s, part, state, state));
      outputs.insert(outputs.end(), y.begin(), y.end());
    }
    decodeSteps(s, all, prompt, state, outputs);
    expectScan(s, outputs, state, want, scale,
               describe(s, "chunked prefill, then decode", T));
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(ScanKernel, ImpossibleSpecsAndSchedulesAreErrors) {
  auto error = [](const ScanKernelSpec &s, const KernelSchedule &schedule) {
    return buildScanKernel(s, schedule).error;
  };
  ScanKernelSpec s = spec(Variant::ssd, 4, 32, 16, 3);
  EXPECT_NE(error(s, prefill()).find("multiple"), std::string::npos);
  s = spec(Variant::rwkv, 4, 16, 16, 1);
  EXPECT_NE(error(s, prefill()).find("one key per head"), std::string::npos);
  s = spec(Variant::selective, 1, 32, 16, 1);
  s.hasDt = false;
  EXPECT_NE(error(s, prefill()).find("needs 'dt'"), std::string::npos);
  s = spec(Variant::delta, 2, 16, 16, 2);
  s.skip = Skip::perHead;
  EXPECT_NE(error(s, prefill()).find("no skip term"), std::string::npos);
  s = spec(Variant::ssd, 2, 16, 16, 1);
  s.direction = Direction::bidirectional;
  s.hasState = true;
  EXPECT_NE(error(s, prefill()).find("carries no state"), std::string::npos);

  s = spec(Variant::ssd, 2, 64, 16, 1);
  KernelSchedule bad = prefill();
  bad.tiles = {1};
  EXPECT_NE(error(s, bad).find("expected 2 tiles"), std::string::npos);
  bad = prefill();
  bad.tiles = {1, lanes() + 1}; // part of a head, not whole vectors
  EXPECT_NE(error(s, bad).find("nor a multiple of vector width"),
            std::string::npos);
  bad = prefill();
  bad.unroll = 2; // one vector per tile cannot advance two
  EXPECT_NE(error(s, bad).find("vector width x unroll"), std::string::npos);
  bad = prefill();
  bad.parallelDims = {2};
  EXPECT_NE(error(s, bad).find("does not exist"), std::string::npos);
  bad.parallelDims = {0, 0};
  EXPECT_NE(error(s, bad).find("listed twice"), std::string::npos);
  s = spec(Variant::selective, 1, 32, 16, 1);
  s.chunk = 16;
  EXPECT_NE(error(s, prefill()).find("only forward ssd scans have a chunked"),
            std::string::npos);
  s = spec(Variant::ssd, 2, 16, 16, 1);
  s.chunk = 1;
  EXPECT_NE(error(s, prefill()).find("outside 2 .. 4096"), std::string::npos);
  s = spec(Variant::ssd, 2, 64, 16, 1);
  bad = prefill();
  bad.halideTarget = "host";
  EXPECT_NE(error(s, bad).find("host"), std::string::npos);
}

} // namespace
