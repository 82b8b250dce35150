//===- WeightsSection.h - the weights of a compiled model -------*- C++ -*-===//
//
// Writes the weights section of a compiled model: every weight of the plan,
// rounded to the model's precision for it and stored in the plan's type for
// it (f32, f16 or bf16) in the layout its kernels read (row-major, or the
// column panels of the prefill GEMM, WeightPacking.h), each starting on a
// page boundary so the runtime can use the mapped file directly. Weights
// come from a weight file (f32, f16 or bf16, converted) or are synthesized
// deterministically (--random-weights). Plain C++: no MLIR, no Halide.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_WEIGHTSSECTION_H
#define MGC_CODEGEN_WEIGHTSSECTION_H

#include "runtime/model/Plan.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mgc {

class WeightFile;

/// Where weight values come from: a weight file, or random values.
struct WeightSource {
  const WeightFile *file = nullptr; // used when not random
  bool random = false;
  uint64_t seed = 0; // random: the same seed gives the same weights
};

/// Weights the model defines as a concatenation along dimension 0 of its
/// weights (mgc.param `parts`): name -> (part, rows) in order.
using WeightParts =
    std::map<std::string, std::vector<std::pair<std::string, int64_t>>>;

/// Synthesized value `index` of the weight called `name` with `shape`:
/// uniform in (-s, s) with s = 1 / sqrt(last dimension) for matrices, 1 for
/// norm weights (names containing "norm"), and 0.02 * uniform otherwise.
float randomWeight(const std::string &name, const std::vector<int64_t> &shape,
                   uint64_t seed, int64_t index);

/// Values 0 .. count-1 of randomWeight(name, shape, seed, i) into `out`,
/// using the machine's cores for large weights.
void fillRandomWeights(const std::string &name,
                       const std::vector<int64_t> &shape, uint64_t seed,
                       float *out, int64_t count);

/// Fills `section` with plan.weights, setting each weight's offset and
/// size. `sourceShapes[i]` is the shape the model gives weight i (before
/// packing); `splats[i]`, when set, is the value of every element of a
/// weight that holds a compile-time constant rather than a model tensor;
/// `precisions[i]` the type its values are rounded to (to nearest even)
/// before they are stored as plan.weights[i].type; a weight named in
/// `parts` is assembled from its parts (each read or synthesized as itself).
/// Returns "" on success, else one message naming the weight.
std::string
buildWeightsSection(Plan &plan,
                    const std::vector<std::vector<int64_t>> &sourceShapes,
                    const std::vector<std::optional<double>> &splats,
                    const std::vector<PlanType> &precisions,
                    const WeightParts &parts, const WeightSource &source,
                    std::string &section);

} // namespace mgc

#endif // MGC_CODEGEN_WEIGHTSSECTION_H
