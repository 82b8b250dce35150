//===- HalideHelpers.cpp - shared helpers of the Halide kernel generators -===//
//
// Implements the target parsing and tensor-argument helpers declared in
// HalideHelpers.h.
//
//===----------------------------------------------------------------------===//

#include "codegen/kernels/HalideHelpers.h"

#include <cmath>
#include <cassert>
#include <sstream>

namespace mgc {

std::optional<Halide::Target> parseHalideTarget(const std::string &text,
                                                std::string *error) {
  auto fail = [&](const std::string &message) -> std::optional<Halide::Target> {
    if (error)
      *error = message;
    return std::nullopt;
  };
  if (text.empty())
    return fail("no Halide target string given; expected an explicit one "
                "such as x86-64-linux-avx-avx2-f16c-fma-sse41");
  // "host" may start the string ("host", "host-debug"); Target() would then
  // detect the CPU, which on Zen 4 yields an unsafe Sapphire Rapids target.
  std::stringstream tokens(text);
  for (std::string token; std::getline(tokens, token, '-');)
    if (token == "host")
      return fail("Halide target '" + text +
                  "' names 'host'; kernels are compiled for an explicit "
                  "target string only");
  if (!Halide::Target::validate_target_string(text))
    return fail("'" + text + "' is not a Halide 14 target string");
  return Halide::Target(text);
}

void constrainTensor(Halide::OutputImageParam param,
                     const std::vector<int64_t> &shape) {
  assert(static_cast<int>(shape.size()) == param.dimensions() &&
         "shape rank differs from the parameter's");
  int64_t stride = 1;
  // Halide dimension d is mgc dimension rank-1-d.
  for (int d = 0; d < param.dimensions(); ++d) {
    int64_t extent = shape[shape.size() - 1 - d];
    param.dim(d).set_min(0).set_stride(static_cast<int>(stride));
    if (extent == kDynamicExtent) {
      assert(d + 1 == param.dimensions() && "only the outermost is dynamic");
      continue;
    }
    assert(extent > 0 && "static extents are positive");
    param.dim(d).set_extent(static_cast<int>(extent));
    stride *= extent;
  }
}

Halide::ImageParam tensorInput(Halide::Type type, const std::string &name,
                               const std::vector<int64_t> &shape) {
  Halide::ImageParam param(type, static_cast<int>(shape.size()), name);
  constrainTensor(param, shape);
  return param;
}

Halide::Expr widenToF32(const Halide::Expr &value) {
  using namespace Halide;
  if (value.type() != Float(16))
    return cast<float>(value);
  Expr bits = cast<uint32_t>(reinterpret<uint16_t>(value));
  Expr magnitude = reinterpret<float>((bits & 0x7fffu) << 13) *
                   Expr(std::ldexp(1.0f, 112));
  return reinterpret<float>(reinterpret<uint32_t>(magnitude) |
                            ((bits & 0x8000u) << 16));
}

} // namespace mgc
