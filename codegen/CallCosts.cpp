//===- CallCosts.cpp - analytic FLOPs and bytes of each plan call ---------===//

#include "codegen/CallCosts.h"

#include <variant>

using namespace mgc;

namespace {

constexpr double kF32 = 4; // bytes per element: every activation is f32

/// Elements per token of an activation shape (dimension 0 the tokens), or of
/// the whole tensor when it has no token dimension.
double perToken(const std::vector<int64_t> &shape) {
  double n = 1;
  for (size_t i = shape.empty() || shape[0] >= 0 ? 0 : 1; i < shape.size(); ++i)
    n *= double(shape[i]);
  return n;
}

double elements(const std::vector<int64_t> &shape) {
  double n = 1;
  for (int64_t d : shape)
    n *= double(d < 0 ? 1 : d);
  return n;
}

struct Estimate {
  PlanCost &c;
  const PlanEntry &entry;
  const PlanCall &call;

  /// Whether argument `index` of the call is bound to a weight.
  bool isWeight(size_t index) const {
    return index < call.args.size() &&
           call.args[index].kind == ArgKind::tensor &&
           entry.tensors[call.args[index].tensor].kind == TensorKind::weight;
  }

  void operator()(const EmbedRequest &r) {
    // its table row
    c.weightBytesPerToken = double(planTypeBytes(r.tableType)) * double(r.hidden);
    c.bytesPerToken = 4 + 2 * kF32 * double(r.hidden); // id, row, result
  }
  void operator()(const NormRequest &r) {
    double e = perToken(r.shape);
    c.flopsPerToken = 4 * e; // square, sum, scale, weight
    c.bytesPerToken = 2 * kF32 * e;
    c.weightBytes = kF32 * (elements(r.weightShape) * !r.weightShape.empty() +
                            elements(r.biasShape) * !r.biasShape.empty());
  }
  void operator()(const LinearRequest &r) {
    c.matmul = true;
    c.flopsPerToken = 2 * double(r.K) * double(r.N);
    c.weightBytes = double(r.N) * (double(planTypeBytes(r.weightType)) *
                                       double(r.K) +
                                   kF32 * r.hasBias);
    // An epilogue's few operations per output are not counted (the FLOPs
    // stay the product's, as `mgc inspect` counts them); its residual is
    // read.
    c.bytesPerToken = kF32 * double(r.K + r.N * (1 + r.hasResidual));
  }
  void operator()(const RopeRequest &r) {
    double rotated = double(r.features) / double(r.headDim) * r.rotaryDim;
    c.flopsPerToken = 3 * rotated; // two products and a sum per element
    c.bytesPerToken = 2 * kF32 * double(r.features);
  }
  void operator()(const ElementwiseRequest &r) {
    double e = perToken(r.shape);
    c.flopsPerToken = e * ((r.activation >= 0) + (r.binary >= 0));
    c.bytesPerToken = 2 * kF32 * e;
    if (r.binary >= 0) {
      if (isWeight(1))
        c.weightBytes = kF32 * elements(r.rhsShape);
      else
        c.bytesPerToken += kF32 * perToken(r.rhsShape);
    }
  }
  void operator()(const AttentionRequest &r) {
    double k = double(r.numKvHeads) * double(r.headDim);
    double v = double(r.numKvHeads) * double(r.valueHeadDim);
    if (r.append) {
      c.bytesPerToken = 2 * kF32 * (k + v); // read k, v; write cache rows
      return;
    }
    c.flopsPerPair =
        2 * double(r.numHeads) * double(r.headDim + r.valueHeadDim);
    c.bytesPerToken = kF32 * double(r.numHeads) *
                      double(r.headDim + r.valueHeadDim); // q in, result out
    c.bytesPerPosition = kF32 * (k + v); // each cached (or given) key, value
    c.window = double(r.window);
  }
  void operator()(const RouteSelectRequest &r) {
    c.flopsPerToken = double(r.experts) * double(r.topK + 3);
    c.bytesPerToken = kF32 * double(r.experts + 2 * r.topK);
    c.weightBytes = r.bias ? kF32 * double(r.experts) : 0;
  }
  void operator()(const GatherRowsRequest &r) {
    c.bytesPerToken = 4 + 2 * kF32 * double(r.features);
  }
  void operator()(const CombineExpertsRequest &r) {
    double f = double(r.features), k = double(r.topK);
    c.flopsPerToken = 2 * k * f;
    c.bytesPerToken = kF32 * (k * f + f + 2 * k);
  }
  void operator()(const LayoutRequest &r) {
    double in = 0;
    for (const std::vector<int64_t> &shape : r.inputShapes)
      in += perToken(shape);
    c.bytesPerToken = kF32 * (in + perToken(r.resultShape));
  }
  void operator()(const HeadLinearRequest &r) {
    double h = double(r.heads);
    c.matmul = true;
    c.flopsPerToken = 2 * h * double(r.in) * double(r.out);
    double rows = double(r.transpose ? r.in : r.out);
    c.weightBytes = kF32 * h * rows * double(r.columns);
    c.bytesPerToken = kF32 * h * double(r.in + r.out);
  }
  void operator()(const ScanRequest &r) {
    double state = double(r.heads) * double(r.headDim) * double(r.stateSize);
    c.flopsPerToken = (r.variant == 3 ? 9 : 5) * state * (r.direction + 1);
    if (r.chunk > 0) {
      // The chunked ssd form (SsdChunkScan.h): per head the in-chunk
      // products, what the chunk adds to the state and what the carried
      // state gives each token; per group the chunk's scores c_i . b_j.
      double heads = double(r.heads), P = double(r.headDim);
      double N = double(r.stateSize), L = double(r.chunk);
      c.flopsPerToken = heads * (2 * L * P + 4 * P * N + 2 * P * N / L) +
                        double(r.groups) * 2 * L * N;
    }
    // x in, y out, and the per-token operands b, c (and dt, decays).
    c.bytesPerToken =
        kF32 * (2 * double(r.heads) * double(r.headDim) +
                2 * double(r.groups) * double(r.stateSize));
    c.stateBytes = r.hasState ? 2 * kF32 * state : 0;
  }
  void operator()(const Conv1dRequest &r) {
    c.flopsPerToken = 2 * double(r.channels) * double(r.width);
    c.bytesPerToken = 2 * kF32 * double(r.channels);
    c.weightBytes = kF32 * double(r.channels) * double(r.width + r.hasBias);
    c.stateBytes =
        r.hasState ? 2 * kF32 * double(r.channels) * double(r.width - 1) : 0;
  }
  void operator()(const SequenceRequest &r) {
    c.bytesPerToken = 2 * kF32 * perToken(r.shape);
    c.stateBytes = r.hasState ? 2 * kF32 * perToken(r.shape) : 0;
  }
};

} // namespace

void mgc::estimateCallCosts(LoweredModel &model) {
  for (PlanEntry &entry : model.plan.entries)
    for (PlanCall &call : entry.calls)
      if (call.kind == CallKind::kernel && call.kernel < model.kernels.size())
        std::visit(Estimate{call.cost, entry, call},
                   model.kernels[call.kernel].params);
}
