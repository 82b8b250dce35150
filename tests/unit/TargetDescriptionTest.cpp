//===- TargetDescriptionTest.cpp - resolving target names -----------------===//
//
// Unit tests of the target resolver: the named targets' reference figures,
// the error for unknown names, the overrides, and host detection.
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using mgc::TargetDescription;

TargetDescription resolve(const std::string &name) {
  std::string error;
  std::optional<TargetDescription> target = mgc::resolveTarget(name, &error);
  EXPECT_TRUE(target) << name << ": " << error;
  return target.value_or(TargetDescription{});
}

void expectPositiveFigures(const TargetDescription &t) {
  EXPECT_TRUE(t.vectorBits == 128 || t.vectorBits == 256 ||
              t.vectorBits == 512)
      << t.vectorBits;
  EXPECT_GT(t.cores, 0);
  EXPECT_GT(t.l1Bytes, 0);
  EXPECT_GT(t.l2Bytes, 0);
  EXPECT_GE(t.l3Bytes, 0);
  EXPECT_GT(t.bandwidthGbps, 0);
  EXPECT_GT(t.peakGflops, 0);
  EXPECT_TRUE(std::isfinite(t.bandwidthGbps) && std::isfinite(t.peakGflops));
}

TEST(TargetDescription, NamesAreListedInOrder) {
  EXPECT_EQ(mgc::acceptedTargetNames(),
            "host, x86-64-avx2, x86-64-avx512, x86-64-avx512-bf16, arm64");
}

TEST(TargetDescription, X86Avx512IsTheReferenceZen4) {
  TargetDescription t = resolve("x86-64-avx512");
  EXPECT_EQ(t.isa, "x86-64-avx512");
  EXPECT_EQ(t.halideTarget,
            "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41");
  EXPECT_EQ(t.vectorBits, 512);
  EXPECT_EQ(t.cores, 2);
  EXPECT_EQ(t.l1Bytes, 32 * 1024);
  EXPECT_EQ(t.l2Bytes, 1024 * 1024);
  EXPECT_EQ(t.l3Bytes, 32 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(t.bandwidthGbps, 40.0);
  EXPECT_DOUBLE_EQ(t.peakGflops, 230.0);
}

TEST(TargetDescription, X86Avx512Bf16AddsSapphireRapidsToTheSameMachine) {
  TargetDescription t = resolve("x86-64-avx512-bf16");
  const TargetDescription plain = resolve("x86-64-avx512");
  EXPECT_EQ(t.isa, "x86-64-avx512-bf16");
  EXPECT_EQ(t.halideTarget,
            "x86-64-linux-avx-avx2-avx512-avx512_cannonlake-"
            "avx512_sapphirerapids-avx512_skylake-f16c-fma-sse41");
  EXPECT_EQ(t.vectorBits, plain.vectorBits);
  EXPECT_EQ(t.cores, plain.cores);
  EXPECT_DOUBLE_EQ(t.peakGflops, plain.peakGflops);
  EXPECT_DOUBLE_EQ(t.bandwidthGbps, plain.bandwidthGbps);
}

TEST(TargetDescription, Bf16DotProductsAreAWholeFeatureOfTheString) {
  EXPECT_TRUE(mgc::hasBf16DotProducts(mgc::kHalideX86Avx512Bf16));
  EXPECT_TRUE(mgc::hasBf16DotProducts("x86-64-linux-avx512_sapphirerapids"));
  EXPECT_FALSE(mgc::hasBf16DotProducts(mgc::kHalideX86Avx512));
  EXPECT_FALSE(mgc::hasBf16DotProducts(mgc::kHalideX86Avx2));
  EXPECT_FALSE(mgc::hasBf16DotProducts(mgc::kHalideArm64));
  EXPECT_FALSE(mgc::hasBf16DotProducts("x86-64-linux-avx512_sapphirerapidsx"));
}

TEST(TargetDescription, X86Avx2HasHalfTheVectorAndTheSamePeak) {
  TargetDescription t = resolve("x86-64-avx2");
  EXPECT_EQ(t.isa, "x86-64-avx2");
  EXPECT_EQ(t.halideTarget, "x86-64-linux-avx-avx2-f16c-fma-sse41");
  EXPECT_EQ(t.vectorBits, 256);
  EXPECT_EQ(t.cores, 2);
  EXPECT_DOUBLE_EQ(t.peakGflops, resolve("x86-64-avx512").peakGflops);
  expectPositiveFigures(t);
}

TEST(TargetDescription, Arm64IsACortexA76Board) {
  TargetDescription t = resolve("arm64");
  EXPECT_EQ(t.isa, "arm64");
  EXPECT_EQ(t.halideTarget, "arm-64-linux");
  EXPECT_EQ(t.vectorBits, 128);
  EXPECT_EQ(t.cores, 4);
  // 4 cores x 4 lanes x 2 flop/FMA x 2 FMA/cycle x 2.4 GHz.
  EXPECT_NEAR(t.peakGflops, 4 * 4 * 2 * 2 * 2.4, 1e-9);
  expectPositiveFigures(t);
}

TEST(TargetDescription, NoNamedTargetUsesHalideHost) {
  for (const std::string &name : mgc::targetNames()) {
    TargetDescription t = resolve(name);
    EXPECT_EQ(t.halideTarget.find("host"), std::string::npos) << name;
    // Sapphire Rapids code (it may use AVX512-FP16) only where named so.
    if (name != "x86-64-avx512-bf16" &&
        !(name == "host" && t.isa == "x86-64-avx512-bf16"))
      EXPECT_EQ(t.halideTarget.find("sapphirerapids"), std::string::npos)
          << name;
  }
}

TEST(TargetDescription, UnknownNameListsTheAcceptedOnes) {
  std::string error;
  EXPECT_FALSE(mgc::resolveTarget("x86-64-avx1024", &error));
  EXPECT_EQ(error, "unknown target 'x86-64-avx1024'; expected one of: host, "
                   "x86-64-avx2, x86-64-avx512, x86-64-avx512-bf16, arm64");
  EXPECT_FALSE(mgc::resolveTarget("", nullptr)); // No error sink: no crash.
}

TEST(TargetDescription, HostIsANamedTargetWithMeasuredFigures) {
  TargetDescription host = resolve("host");
  EXPECT_TRUE(host.isa == "x86-64-avx512" || host.isa == "x86-64-avx2" ||
              host.isa == "x86-64-avx512-bf16" || host.isa == "arm64")
      << host.isa;
  EXPECT_EQ(host.halideTarget, resolve(host.isa).halideTarget);
  EXPECT_EQ(host.vectorBits, resolve(host.isa).vectorBits);
  expectPositiveFigures(host);
  // Detected once per process.
  EXPECT_DOUBLE_EQ(resolve("host").bandwidthGbps, host.bandwidthGbps);
}

TEST(TargetDescription, BandwidthIsMeasured) {
  double gbps = mgc::measureReadBandwidthGbps(1);
  EXPECT_GT(gbps, 0.1);   // Slower than 100 MB/s is no measurement.
  EXPECT_LT(gbps, 1e4);   // Nor is faster than 10 TB/s.
}

TEST(TargetDescription, CoresOverrideRescalesPeak) {
  TargetDescription t = resolve("x86-64-avx512");
  std::string error;
  ASSERT_TRUE(mgc::applyTargetOverrides(t, 8, 0.0, &error)) << error;
  EXPECT_EQ(t.cores, 8);
  EXPECT_DOUBLE_EQ(t.peakGflops, 230.0 * 4);
  EXPECT_DOUBLE_EQ(t.bandwidthGbps, 40.0);

  ASSERT_TRUE(mgc::applyTargetOverrides(t, 0, 25.5, &error)) << error;
  EXPECT_EQ(t.cores, 8);
  EXPECT_DOUBLE_EQ(t.bandwidthGbps, 25.5);
}

TEST(TargetDescription, NegativeOverridesAreRejected) {
  TargetDescription t = resolve("arm64");
  const TargetDescription before = t;
  std::string error;
  EXPECT_FALSE(mgc::applyTargetOverrides(t, -1, 0.0, &error));
  EXPECT_EQ(error, "cores must not be negative (0 keeps the target's 4), got -1");
  EXPECT_FALSE(mgc::applyTargetOverrides(t, 0, -3.0, &error));
  EXPECT_NE(error.find("bandwidth-gbps must be a non-negative"),
            std::string::npos)
      << error;
  EXPECT_FALSE(mgc::applyTargetOverrides(
      t, 0, std::numeric_limits<double>::quiet_NaN(), &error));
  EXPECT_EQ(t.cores, before.cores);
  EXPECT_EQ(t.bandwidthGbps, before.bandwidthGbps);
}

} // namespace
