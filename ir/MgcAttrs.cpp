//===- MgcAttrs.cpp - mgc attribute verification and syntax -----*- C++ -*-===//
//
// Verifiers for #mgc.rope, #mgc.target and #mgc.schedule, and the custom
// syntax of #mgc.schedule (lists print in brackets so empty lists read well).
//
//===----------------------------------------------------------------------===//

#include "ir/MgcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mgc;

#include "ir/MgcEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/MgcAttrs.cpp.inc"

void MgcDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/MgcAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// RopeAttr
//===----------------------------------------------------------------------===//

LogicalResult RopeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               FloatAttr thetaAttr, int64_t rotaryDim,
                               RopeStyle, RopeScaling scaling,
                               FloatAttr factorAttr, int64_t originalContext,
                               FloatAttr lowFreqAttr, FloatAttr highFreqAttr,
                               FloatAttr attentionAttr) {
  double theta = thetaAttr.getValueAsDouble();
  double factor = factorAttr.getValueAsDouble();
  double lowFreqFactor = lowFreqAttr.getValueAsDouble();
  double highFreqFactor = highFreqAttr.getValueAsDouble();
  if (!(theta > 0.0))
    return emitError() << "rope theta must be positive, got " << theta;
  if (rotaryDim <= 0 || rotaryDim % 2 != 0)
    return emitError() << "rope rotary_dim must be a positive even number, got "
                       << rotaryDim;
  if (!(factor > 0.0))
    return emitError() << "rope factor must be positive, got " << factor;
  if (scaling == RopeScaling::none && factor != 1.0)
    return emitError() << "rope factor " << factor
                       << " needs a scaling kind (linear, ntk, yarn or llama3)";
  double attentionFactor = attentionAttr.getValueAsDouble();
  if (attentionFactor < 0 ||
      (attentionFactor != 0 && scaling != RopeScaling::yarn))
    return emitError() << "rope attention_factor belongs to yarn scaling and "
                          "must be positive, got "
                       << attentionFactor;
  if (originalContext < 0)
    return emitError() << "rope original_context must not be negative, got "
                       << originalContext;
  if ((scaling == RopeScaling::yarn || scaling == RopeScaling::llama3) &&
      originalContext == 0)
    return emitError() << "rope scaling '" << stringifyRopeScaling(scaling)
                       << "' needs original_context (the trained context length)";
  if (scaling == RopeScaling::llama3 &&
      !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0.0))
    return emitError() << "rope llama3 scaling needs 0 < low_freq_factor < "
                          "high_freq_factor, got "
                       << lowFreqFactor << " and " << highFreqFactor;
  return success();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef isa, StringRef halide,
                                 int64_t vectorBits, int64_t cores,
                                 int64_t l1Bytes, int64_t l2Bytes,
                                 int64_t l3Bytes, FloatAttr bandwidthGbps,
                                 FloatAttr peakGflops) {
  if (isa.empty())
    return emitError() << "target isa must not be empty";
  if (halide.empty())
    return emitError() << "target halide string must not be empty";
  if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
    return emitError() << "target vector_bits must be 128, 256 or 512, got "
                       << vectorBits;
  if (cores <= 0)
    return emitError() << "target cores must be positive, got " << cores;
  if (l1Bytes <= 0 || l2Bytes <= 0 || l3Bytes < 0)
    return emitError() << "target cache sizes must be positive (l3 may be 0)";
  if (!(bandwidthGbps.getValueAsDouble() > 0.0) ||
      !(peakGflops.getValueAsDouble() > 0.0))
    return emitError()
           << "target bandwidth_gbps and peak_gflops must be positive";
  return success();
}

//===----------------------------------------------------------------------===//
// ScheduleAttr
//===----------------------------------------------------------------------===//

LogicalResult
ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError, Phase,
                     ArrayRef<int64_t> tiles, int64_t vectorWidth,
                     int64_t unroll, ArrayRef<int64_t> parallelDims,
                     int64_t threads) {
  for (int64_t tile : tiles)
    if (tile <= 0)
      return emitError() << "schedule tile sizes must be positive, got "
                         << tile;
  if (vectorWidth <= 0 || !llvm::isPowerOf2_64(vectorWidth))
    return emitError() << "schedule vector width must be a power of two, got "
                       << vectorWidth;
  if (unroll <= 0)
    return emitError() << "schedule unroll must be positive, got " << unroll;
  for (int64_t dim : parallelDims)
    if (dim < 0 || dim >= int64_t(tiles.size()))
      return emitError() << "schedule parallel dimension " << dim
                         << " is not one of the " << tiles.size()
                         << " tiled dimensions";
  if (threads <= 0)
    return emitError() << "schedule threads must be positive, got " << threads;
  return success();
}

/// Parses `[a, b, ...]`, possibly empty.
static ParseResult parseBracketedList(AsmParser &parser,
                                      SmallVectorImpl<int64_t> &values) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square,
      [&]() { return parser.parseInteger(values.emplace_back()); });
}

/// Parses `name = <integer>`.
static ParseResult parseNamedInteger(AsmParser &parser, StringRef name,
                                     int64_t &value) {
  return failure(parser.parseKeyword(name) || parser.parseEqual() ||
                 parser.parseInteger(value));
}

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef phaseName;
  SmallVector<int64_t> tiles, parallel;
  int64_t vector = 0, unroll = 0, threads = 0;
  if (parser.parseLess() || parser.parseKeyword(&phaseName) ||
      parser.parseComma() || parser.parseKeyword("tiles") ||
      parser.parseEqual() || parseBracketedList(parser, tiles) ||
      parser.parseComma() || parseNamedInteger(parser, "vector", vector) ||
      parser.parseComma() || parseNamedInteger(parser, "unroll", unroll) ||
      parser.parseComma() || parser.parseKeyword("parallel") ||
      parser.parseEqual() || parseBracketedList(parser, parallel) ||
      parser.parseComma() || parseNamedInteger(parser, "threads", threads) ||
      parser.parseGreater())
    return {};
  std::optional<Phase> phase = symbolizePhase(phaseName);
  if (!phase) {
    parser.emitError(loc) << "unknown schedule phase '" << phaseName
                          << "'; expected prefill or decode";
    return {};
  }
  return parser.getChecked<ScheduleAttr>(loc, parser.getContext(), *phase,
                                         tiles, vector, unroll, parallel,
                                         threads);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyPhase(getPhase()) << ", tiles = [";
  llvm::interleaveComma(getTiles(), printer);
  printer << "], vector = " << getVectorWidth() << ", unroll = " << getUnroll()
          << ", parallel = [";
  llvm::interleaveComma(getParallelDims(), printer);
  printer << "], threads = " << getThreads() << ">";
}
