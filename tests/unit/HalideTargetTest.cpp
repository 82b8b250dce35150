//===- HalideTargetTest.cpp - Halide accepts mgc's target strings ---------===//
//
// Checks the Halide target strings of TargetDescription against Halide 14
// itself: each parses, is canonical, has the declared vector width, runs on
// this machine when the CPU has its features, and the AVX-512 one makes LLVM
// emit no AVX512-FP16 instruction (which Zen 4 lacks).
//
//===----------------------------------------------------------------------===//

#include "codegen/TargetDescription.h"

#include "Halide.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

using Halide::Target;

std::vector<mgc::TargetDescription> namedTargets() {
  std::vector<mgc::TargetDescription> targets;
  for (const std::string &name : mgc::targetNames())
    if (name != "host")
      targets.push_back(*mgc::resolveTarget(name));
  return targets;
}

/// True when the CPU Halide detects has every feature `target` enables.
bool hostHasFeaturesOf(const Target &target) {
  Target host = Halide::get_host_target();
  if (host.arch != target.arch || host.bits != target.bits)
    return false;
  for (int f = 0; f < Target::FeatureEnd; ++f)
    if (target.has_feature(Target::Feature(f)) &&
        !host.has_feature(Target::Feature(f)))
      return false;
  return true;
}

/// AVX512-FP16 mnemonics in an assembly listing: vmovw, and the packed and
/// scalar half-precision forms (`...ph`, `...sh`) except F16C's vcvtps2ph.
std::set<std::string> fp16Mnemonics(const std::string &asmPath) {
  std::ifstream in(asmPath);
  std::regex mnemonic(R"(^\s+(v[a-z0-9]+)\b)");
  std::regex fp16(R"(vmovw|v[a-z0-9]+(ph|sh))");
  std::set<std::string> found;
  std::string line;
  std::smatch match;
  while (std::getline(in, line))
    if (std::regex_search(line, match, mnemonic) &&
        std::regex_match(match[1].str(), fp16) && match[1] != "vcvtps2ph")
      found.insert(match[1]);
  return found;
}

/// Compiles a BF16 dot product plus an FP16 load, the kind of kernel that
/// made LLVM emit vmovw for a Sapphire Rapids target, to assembly.
std::string compileBf16Kernel(const std::string &halideTarget,
                              const std::string &name) {
  Halide::ImageParam w(Halide::BFloat(16), 2), v(Halide::BFloat(16), 1),
      h(Halide::Float(16), 1);
  Halide::Param<uint16_t> p;
  Halide::Var x;
  Halide::RDom r(0, 256);
  Halide::Func f("f");
  f(x) = Halide::sum(Halide::cast<float>(w(r, x)) * Halide::cast<float>(v(r))) +
         Halide::cast<float>(h(x)) + Halide::cast<float>(p);
  f.vectorize(x, 16);
  std::string path = testing::TempDir() + "/mgc_" + name + ".s";
  f.compile_to_assembly(path, {w, v, h, p}, "f", Target(halideTarget));
  return path;
}

TEST(HalideTarget, NamedTargetStringsAreValidAndCanonical) {
  for (const mgc::TargetDescription &target : namedTargets()) {
    SCOPED_TRACE(target.isa);
    ASSERT_TRUE(Target::validate_target_string(target.halideTarget));
    Target parsed(target.halideTarget);
    // Canonical: every feature is spelled out; nothing is left to "host".
    EXPECT_EQ(parsed.to_string(), target.halideTarget);
    EXPECT_EQ(parsed.os, Target::Linux);
    EXPECT_EQ(parsed.bits, 64);
    EXPECT_EQ(parsed.natural_vector_size(Halide::Float(32)) * 32,
              target.vectorBits);
  }
}

TEST(HalideTarget, Avx512IsSkylakeNotSapphireRapids) {
  Target avx512(mgc::kHalideX86Avx512);
  EXPECT_EQ(avx512.arch, Target::X86);
  EXPECT_TRUE(avx512.has_feature(Target::AVX512_Skylake));
  EXPECT_TRUE(avx512.has_feature(Target::FMA));
  EXPECT_FALSE(avx512.has_feature(Target::AVX512_SapphireRapids));
  EXPECT_FALSE(avx512.has_feature(Target::AVX512_Cannonlake));

  Target avx2(mgc::kHalideX86Avx2);
  EXPECT_TRUE(avx2.has_feature(Target::AVX2));
  EXPECT_TRUE(avx2.has_feature(Target::FMA));
  EXPECT_TRUE(avx2.has_feature(Target::F16C));
  EXPECT_FALSE(avx2.has_feature(Target::AVX512));

  EXPECT_EQ(Target(mgc::kHalideArm64).arch, Target::ARM);
}

TEST(HalideTarget, Avx512EmitsNoFp16Instructions) {
  // Control: the Sapphire Rapids target Halide 14 detects on Zen 4 does emit
  // one, so the scan below can see them.
  std::string spr = Target(mgc::kHalideX86Avx512)
                        .with_feature(Target::AVX512_Cannonlake)
                        .with_feature(Target::AVX512_SapphireRapids)
                        .to_string();
  EXPECT_FALSE(fp16Mnemonics(compileBf16Kernel(spr, "spr")).empty());

  std::set<std::string> found =
      fp16Mnemonics(compileBf16Kernel(mgc::kHalideX86Avx512, "avx512"));
  EXPECT_TRUE(found.empty()) << "first: " << *found.begin();
}

TEST(HalideTarget, HostTargetRunsHere) {
  std::string error;
  std::optional<mgc::TargetDescription> host = mgc::resolveTarget("host", &error);
  ASSERT_TRUE(host) << error;
  Target target(host->halideTarget);
  ASSERT_TRUE(hostHasFeaturesOf(target)) << host->halideTarget;

  // JIT-compile and run a vectorized FMA for the target: it must not trap.
  const int lanes = host->vectorBits / 32, n = 8 * lanes;
  Halide::Buffer<float> a(n), b(n);
  for (int i = 0; i < n; ++i) {
    a(i) = 0.5f * i;
    b(i) = 3.0f - i;
  }
  Halide::Var x;
  Halide::Func f("fma");
  f(x) = a(x) * b(x) + a(x);
  f.vectorize(x, lanes);
  Halide::Buffer<float> out = f.realize({n}, target);
  for (int i = 0; i < n; ++i)
    EXPECT_FLOAT_EQ(out(i), a(i) * b(i) + a(i)) << "at " << i;
}

TEST(HalideTarget, NamedTargetsThisCpuHasRunHere) {
  int ran = 0;
  for (const mgc::TargetDescription &named : namedTargets()) {
    Target target(named.halideTarget);
    if (!hostHasFeaturesOf(target))
      continue;
    SCOPED_TRACE(named.isa);
    ++ran;
    Halide::Var x;
    Halide::Func f("iota");
    f(x) = Halide::cast<float>(x) * 2.0f;
    f.vectorize(x, named.vectorBits / 32);
    Halide::Buffer<float> out = f.realize({64}, target);
    for (int i = 0; i < 64; ++i)
      EXPECT_EQ(out(i), 2.0f * i);
  }
  EXPECT_GT(ran, 0) << "no named target runs on this CPU";
}

} // namespace
