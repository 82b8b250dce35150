//===- WeightsSection.cpp - the weights of a compiled model ---------------===//
//
// Implements buildWeightsSection: page-aligned tensors, rounded to their
// precision, packed into panels where the plan asks for them, and stored
// as f32, f16 or bf16.
//
//===----------------------------------------------------------------------===//

#include "codegen/WeightsSection.h"

#include "codegen/kernels/WeightPacking.h"
#include "runtime/model/ModelFile.h"
#include "weights/WeightFile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <unistd.h>

using namespace mgc;

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t nameHash(const std::string &name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name)
    h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// A stacked weight [E, ...] read from E tensors `<name>.<e>` of shape [...]
/// (one per expert, as Hugging Face MoE checkpoints store them).
std::string stackedValues(const std::string &name,
                          const std::vector<int64_t> &shape,
                          const WeightFile &file, std::vector<float> &out) {
  const std::vector<int64_t> piece(shape.begin() + 1, shape.end());
  const int64_t pieceElements = planElements(piece, 1);
  for (int64_t e = 0; e < shape[0]; ++e) {
    std::string error, pieceName = name + "." + std::to_string(e);
    const TensorInfo *tensor = file.get(pieceName, error);
    if (!tensor)
      return error;
    if (tensor->shape != piece)
      return file.path() + ": weight '" + pieceName + "' has shape " +
             shapeText(tensor->shape) + ", the model needs " +
             shapeText(piece);
    if (!WeightFile::copyAsF32(*tensor, out.data() + e * pieceElements,
                               error))
      return error;
  }
  if (file.find(name + "." + std::to_string(shape[0])))
    return file.path() + ": more than the model's " +
           std::to_string(shape[0]) + " experts for '" + name + "'";
  return {};
}

/// Whether a tensor stored as `stored` holds the depthwise convolution
/// weight `name` of the model's `shape` [C, K] in PyTorch's Conv1d layout
/// [C, 1, K] (Mamba's `conv1d.weight`): the same values in the same order.
bool isConv1dLayout(const std::string &name,
                    const std::vector<int64_t> &stored,
                    const std::vector<int64_t> &shape) {
  const std::string suffix = "conv1d.weight";
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) ==
             0 &&
         shape.size() == 2 && stored.size() == 3 && stored[0] == shape[0] &&
         stored[1] == 1 && stored[2] == shape[1];
}

/// The weight's values in the model's shape, as f32.
std::string sourceValues(const std::string &name,
                         const std::vector<int64_t> &shape,
                         const WeightSource &source, std::vector<float> &out) {
  int64_t n = planElements(shape, 1);
  out.resize(size_t(n));
  if (source.random) {
    fillRandomWeights(name, shape, source.seed, out.data(), n);
    return {};
  }
  if (!source.file)
    return "no weights for '" + name +
           "': the input has no weight file (use --random-weights)";
  std::string error;
  if (!source.file->find(name) && shape.size() >= 2 &&
      source.file->find(name + ".0"))
    return stackedValues(name, shape, *source.file, out);
  const TensorInfo *tensor = source.file->get(name, error);
  if (!tensor)
    return error;
  if (tensor->shape != shape && !isConv1dLayout(name, tensor->shape, shape))
    return source.file->path() + ": weight '" + name + "' has shape " +
           shapeText(tensor->shape) + ", the model needs " + shapeText(shape);
  if (!WeightFile::copyAsF32(*tensor, out.data(), error))
    return error;
  return {};
}

/// Stores `count` values at `out` as `type`.
void store(PlanType type, const float *values, uint64_t count, char *out) {
  if (type == PlanType::f32) {
    std::memcpy(out, values, size_t(count) * 4);
    return;
  }
  std::vector<uint16_t> encoded(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i)
    encoded[i] = type == PlanType::f16 ? floatToHalf(values[i])
                                       : floatToBf16(values[i]);
  std::memcpy(out, encoded.data(), size_t(count) * 2);
}

/// Elements of a weight of `shape` [..., N, K] packed in panels of `panel`
/// columns: each trailing matrix (one per expert of a stacked expert
/// weight) is packed on its own.
int64_t panelWeightElements(const std::vector<int64_t> &shape, int64_t panel) {
  const int64_t N = shape[shape.size() - 2], K = shape.back();
  return planElements(shape, 1) / (N * K) * packedPanelElements(N, K, panel);
}

/// Stores `values` of `shape` [..., N, K] at `out` as `type`, in panels of
/// `panel` columns. f32 panels are packed in place (the section is aligned
/// for floats); other types are packed into `buffer`, then converted.
void storePanels(const std::vector<float> &values,
                 const std::vector<int64_t> &shape, int64_t panel,
                 PlanType type, char *out, std::vector<float> &buffer) {
  const int64_t N = shape[shape.size() - 2], K = shape.back();
  const int64_t matrices = planElements(shape, 1) / (N * K);
  const int64_t matrixPacked = packedPanelElements(N, K, panel);
  float *target = reinterpret_cast<float *>(out);
  if (type != PlanType::f32) {
    buffer.resize(size_t(matrices * matrixPacked));
    target = buffer.data();
  }
  for (int64_t m = 0; m < matrices; ++m)
    packForPanels(values.data() + m * N * K, N, K, panel,
                  target + m * matrixPacked);
  if (type != PlanType::f32)
    store(type, buffer.data(), uint64_t(matrices * matrixPacked), out);
}

/// Rounds every value of weight `name` to `precision` (a no-op for f32).
/// Returns "" or why the weight does not fit the type.
std::string roundTo(PlanType precision, const std::string &name,
                    std::vector<float> &values) {
  if (precision == PlanType::f32)
    return {};
  for (float &v : values) {
    float rounded = precision == PlanType::f16 ? halfToFloat(floatToHalf(v))
                                               : bf16ToFloat(floatToBf16(v));
    if (std::isinf(rounded) && !std::isinf(v))
      return "weight '" + name + "' holds " + std::to_string(v) +
             ", beyond the range of " +
             (precision == PlanType::f16 ? "f16 (65504)" : "bf16") +
             "; compile it with a wider --weight-type";
    v = rounded;
  }
  return {};
}

/// The values of weight `name` of `shape`, assembled from its parts when
/// it has some, rounded to `precision`.
std::string modelValues(const std::string &name,
                        const std::vector<int64_t> &shape,
                        const WeightParts &parts, PlanType precision,
                        const WeightSource &source, std::vector<float> &out) {
  auto it = parts.find(name);
  if (it == parts.end()) {
    if (std::string error = sourceValues(name, shape, source, out);
        !error.empty())
      return error;
    return roundTo(precision, name, out);
  }
  out.clear();
  std::vector<float> piece;
  for (const auto &[part, rows] : it->second) {
    std::vector<int64_t> partShape = shape;
    partShape[0] = rows;
    if (std::string error = sourceValues(part, partShape, source, piece);
        !error.empty())
      return error;
    if (std::string error = roundTo(precision, part, piece); !error.empty())
      return error;
    out.insert(out.end(), piece.begin(), piece.end());
  }
  if (int64_t(out.size()) != planElements(shape, 1))
    return "internal error: the parts of weight '" + name +
           "' do not add up to its shape";
  return {};
}

/// What randomWeight needs of a weight, computed once per weight.
struct RandomStream {
  uint64_t key;    // the name's hash mixed with the seed
  float divisor;   // a uniform value in (-1, 1) is divided by it,
  float factor;    // then multiplied by this (one of them is 1: exact)
  float constant;  // when set (norm vectors), every value; else NaN
};

RandomStream randomStream(const std::string &name,
                          const std::vector<int64_t> &shape, uint64_t seed) {
  RandomStream stream{nameHash(name) ^ splitmix64(seed), 1.0f, 0.02f,
                      std::numeric_limits<float>::quiet_NaN()};
  if (shape.size() >= 2) {
    stream.divisor = std::sqrt(float(shape.back()));
    stream.factor = 1.0f;
  } else if (name.find("norm") != std::string::npos) {
    stream.constant = 1.0f;
  }
  return stream;
}

float randomValue(const RandomStream &stream, int64_t index) {
  uint64_t bits = splitmix64(
      stream.key ^ splitmix64(uint64_t(index) * 0x632be59bd9b4e019ull));
  // Uniform in (-1, 1) from the top 24 bits.
  float u = (float(bits >> 40) + 0.5f) / float(1 << 24) * 2.0f - 1.0f;
  return stream.factor * (u / stream.divisor);
}

} // namespace

float mgc::randomWeight(const std::string &name,
                        const std::vector<int64_t> &shape, uint64_t seed,
                        int64_t index) {
  RandomStream stream = randomStream(name, shape, seed);
  return std::isnan(stream.constant) ? randomValue(stream, index)
                                     : stream.constant;
}

void mgc::fillRandomWeights(const std::string &name,
                            const std::vector<int64_t> &shape, uint64_t seed,
                            float *out, int64_t count) {
  const RandomStream stream = randomStream(name, shape, seed);
  if (!std::isnan(stream.constant)) {
    std::fill(out, out + count, stream.constant);
    return;
  }
  auto fill = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      out[i] = randomValue(stream, i);
  };
  // Large matrices are split between the cores: a 125M-parameter model's
  // weights are otherwise most of a cached compile.
  const int64_t kPerThread = int64_t(1) << 20;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<int64_t>(threads, count / kPerThread));
  if (threads < 2) {
    fill(0, count);
    return;
  }
  std::vector<std::thread> workers;
  const int64_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t)
    workers.emplace_back(fill, std::min(count, t * chunk),
                         std::min(count, (t + 1) * chunk));
  fill(0, chunk);
  for (std::thread &worker : workers)
    worker.join();
}

std::string
mgc::buildWeightsSection(Plan &plan,
                         const std::vector<std::vector<int64_t>> &sourceShapes,
                         const std::vector<std::optional<double>> &splats,
                         const std::vector<PlanType> &precisions,
                         const WeightParts &parts, const WeightSource &source,
                         std::string &section) {
  section.clear();
  if (sourceShapes.size() != plan.weights.size() ||
      splats.size() != plan.weights.size() ||
      precisions.size() != plan.weights.size())
    return "internal error: weight shapes do not match the plan";
  // By name, so a weight stored in two layouts (prefill panels, decode
  // rows) is read or synthesized (and rounded) once.
  std::vector<size_t> order(plan.weights.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return plan.weights[a].name < plan.weights[b].name;
  });
  // Lay the section out first, so it is allocated once.
  uint64_t end = 0;
  for (size_t i : order) {
    PlanWeight &w = plan.weights[i];
    w.offset =
        (end + kWeightsAlignment - 1) / kWeightsAlignment * kWeightsAlignment;
    w.bytes = planTypeBytes(w.type) * uint64_t(planElements(w.shape, 1));
    end = w.offset + w.bytes;
  }
  // The section is built in memory: refuse what this machine cannot hold
  // rather than fail inside the allocator.
  const uint64_t memory = uint64_t(::sysconf(_SC_PHYS_PAGES)) *
                          uint64_t(::sysconf(_SC_PAGE_SIZE));
  if (memory > 0 && end > memory)
    return "the weights take " + std::to_string(end) +
           " bytes, more than this machine's " + std::to_string(memory) +
           " bytes of memory";
  section.assign(size_t(end), '\0');

  std::vector<float> values, packed;
  const std::string *loaded = nullptr; // the name `values` holds
  for (size_t i : order) {
    const PlanWeight &w = plan.weights[i];
    const std::vector<int64_t> &shape = sourceShapes[i];
    if (splats[i]) {
      values.assign(size_t(planElements(shape, 1)), float(*splats[i]));
      loaded = nullptr;
    } else if (!loaded || *loaded != w.name) {
      if (std::string error = modelValues(w.name, shape, parts, precisions[i],
                                          source, values);
          !error.empty())
        return error;
      loaded = &w.name;
    }
    const uint64_t elements =
        w.layout == WeightLayout::panels
            ? uint64_t(panelWeightElements(shape, w.panel))
            : uint64_t(values.size());
    if (planTypeBytes(w.type) * elements != w.bytes)
      return "internal error: weight '" + w.name + "' size mismatch";
    char *out = &section[size_t(w.offset)];
    if (w.layout == WeightLayout::panels)
      storePanels(values, shape, w.panel, w.type, out, packed);
    else
      store(w.type, values.data(), elements, out);
  }
  return {};
}
