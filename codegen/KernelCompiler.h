//===- KernelCompiler.h - kernels to one shared object ----------*- C++ -*-===//
//
// The Halide-facing half of codegen: builds each KernelRequest's pipeline
// with the generators of codegen/kernels, compiles it ahead of time for the
// request's explicit Halide target (never "host") into an object file, adds
// the Halide runtime once, and links everything into one shared object with
// the system C++ compiler. Objects are kept in a content-addressed cache, so
// recompiling an unchanged kernel is a file copy.
//
// No MLIR here: the requests are plain structs (KernelRequest.h). Halide
// errors never escape; every failure is one message naming the kernel.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_CODEGEN_KERNELCOMPILER_H
#define MGC_CODEGEN_KERNELCOMPILER_H

#include "codegen/KernelRequest.h"

#include <string>
#include <vector>

namespace mgc {

struct KernelLibraryOptions {
  std::string halideTarget; // explicit Halide target string of every kernel
  std::string workDir;      // an existing directory for objects and the link
  // Object cache directory (created when missing); "" disables the cache.
  std::string cacheDir;
  int jobs = 1;         // kernels compiled at once
  std::string compiler; // linker driver; "": $CXX, else "c++"
};

/// What building a library did.
struct KernelLibraryStats {
  int compiled = 0;           // objects compiled now
  int cached = 0;             // objects taken from the cache
  bool libraryCached = false; // the linked library came from the cache
};

/// The default object cache: $MGC_CACHE_DIR, else $XDG_CACHE_HOME/mgc/kernels,
/// else $HOME/.cache/mgc/kernels; "" when none can be named or
/// MGC_CACHE_DIR is "off".
std::string defaultKernelCacheDir();

/// Compiles `requests` (distinct symbols) and the Halide runtime and links
/// them into a shared object whose bytes are returned in `sharedObject`.
/// Returns "" on success, else one message.
std::string buildKernelLibrary(const std::vector<KernelRequest> &requests,
                               const KernelLibraryOptions &options,
                               std::string &sharedObject,
                               KernelLibraryStats *stats = nullptr);

} // namespace mgc

#endif // MGC_CODEGEN_KERNELCOMPILER_H
