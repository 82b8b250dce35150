//===- CpuSupport.h - can this CPU run a model's kernels? -------*- C++ -*-===//
//
// Maps an mgc target name (the one in a model file's header) to the
// instruction-set features its kernels use and checks them against the
// running CPU, so a model compiled for AVX-512 fails with a message on an
// AVX2-only machine instead of dying of SIGILL.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_CPUSUPPORT_H
#define MGC_RUNTIME_ENGINE_CPUSUPPORT_H

#include <string>

namespace mgc {

/// "" when this CPU (and OS) supports every feature kernels compiled for
/// `target` ("x86-64-avx512", "x86-64-avx512-bf16", "x86-64-avx2", "arm64")
/// may use; otherwise a message naming the missing features or the unknown
/// target.
std::string checkCpuForTarget(const std::string &target);

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_CPUSUPPORT_H
