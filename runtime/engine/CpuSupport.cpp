//===- CpuSupport.cpp - can this CPU run a model's kernels? ---------------===//

#include "runtime/engine/CpuSupport.h"

#include <utility>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

using namespace mgc;

namespace {

#if defined(__x86_64__)
/// F16C is not among __builtin_cpu_supports' names in every compiler: CPUID
/// leaf 1, ECX bit 29.
bool hasF16c() {
  unsigned a, b, c, d;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29));
}

/// Whether the CPU has x86 feature `name` (with OS support for its state).
bool hasX86(const std::string &name) {
  __builtin_cpu_init();
  if (name == "f16c")
    return hasF16c();
  if (name == "sse4.1")
    return __builtin_cpu_supports("sse4.1");
  if (name == "avx")
    return __builtin_cpu_supports("avx");
  if (name == "avx2")
    return __builtin_cpu_supports("avx2");
  if (name == "fma")
    return __builtin_cpu_supports("fma");
  if (name == "avx512f")
    return __builtin_cpu_supports("avx512f");
  if (name == "avx512cd")
    return __builtin_cpu_supports("avx512cd");
  if (name == "avx512vl")
    return __builtin_cpu_supports("avx512vl");
  if (name == "avx512bw")
    return __builtin_cpu_supports("avx512bw");
  if (name == "avx512dq")
    return __builtin_cpu_supports("avx512dq");
  if (name == "avx512bf16")
    return __builtin_cpu_supports("avx512bf16");
  if (name == "avx512fp16") { // CPUID leaf 7 EDX bit 23, by number (as F16C)
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (d & (1u << 23)) &&
           __builtin_cpu_supports("avx512f");
  }
  if (name == "avx512vnni")
    return __builtin_cpu_supports("avx512vnni");
  if (name == "avx512ifma")
    return __builtin_cpu_supports("avx512ifma");
  if (name == "avx512vbmi")
    return __builtin_cpu_supports("avx512vbmi");
  if (name == "avx512vbmi2")
    return __builtin_cpu_supports("avx512vbmi2");
  if (name == "avx512bitalg")
    return __builtin_cpu_supports("avx512bitalg");
  if (name == "avx512vpopcntdq")
    return __builtin_cpu_supports("avx512vpopcntdq");
  return false;
}
#endif

} // namespace

std::string mgc::checkCpuForTarget(const std::string &target) {
  // The features of the Halide target strings in codegen/TargetDescription.h.
  const std::vector<std::string> avx2 = {"sse4.1", "avx", "avx2", "fma",
                                         "f16c"};
  std::vector<std::string> needed;
  if (target == "x86-64-avx2") {
    needed = avx2;
  } else if (target == "x86-64-avx512" || target == "x86-64-avx512-bf16") {
    needed = avx2;
    for (const char *f :
         {"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq"})
      needed.push_back(f);
    if (target == "x86-64-avx512-bf16")
      for (const char *f :
           {"avx512bf16", "avx512fp16", "avx512vnni", "avx512ifma",
            "avx512vbmi", "avx512vbmi2", "avx512bitalg", "avx512vpopcntdq"})
        needed.push_back(f);
  } else if (target == "arm64") {
#if defined(__aarch64__)
    return {};
#else
    return "the model was compiled for arm64, but this is not an AArch64 CPU; "
           "recompile it with --target host";
#endif
  } else {
    return "the model was compiled for an unknown target '" + target +
           "'; this runtime knows x86-64-avx2, x86-64-avx512, "
           "x86-64-avx512-bf16 and arm64";
  }
#if defined(__x86_64__)
  std::string missing;
  for (const std::string &f : needed)
    if (!hasX86(f))
      missing += (missing.empty() ? "" : ", ") + f;
  if (missing.empty())
    return {};
  return "the model was compiled for " + target + ", but this CPU lacks " +
         missing + "; recompile it with --target host (or x86-64-avx2)";
#else
  return "the model was compiled for " + target +
         ", but this is not an x86-64 CPU; recompile it with --target host";
#endif
}
