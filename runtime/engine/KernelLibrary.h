//===- KernelLibrary.h - a model's compiled kernels, loaded -----*- C++ -*-===//
//
// Loads the code section of a compiled model (a shared object holding the
// Halide-generated kernels and one Halide runtime) straight from memory:
// the bytes go to an anonymous memfd that is dlopen'ed as /proc/self/fd/N,
// so nothing is written to disk. Each kernel is called through the
// `<symbol>_argv(void **args)` entry Halide generates, and described by its
// `<symbol>_metadata()`.
//
// Thread safety: lookups are const and may run concurrently; setThreads
// changes the (process-wide, per library) Halide thread pool size.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_KERNELLIBRARY_H
#define MGC_RUNTIME_ENGINE_KERNELLIBRARY_H

#include "runtime/engine/Status.h"

#include <cstdint>
#include <memory>
#include <string>

struct halide_filter_metadata_t;

namespace mgc {

class KernelLibrary {
public:
  /// A kernel's argv entry: args[i] points to a halide_buffer_t for buffer
  /// arguments and to the value for scalars; returns 0 or a Halide error.
  using ArgvFunction = int (*)(void **args);

  /// Loads `size` bytes of shared object; `label` names it in messages.
  static Status load(const uint8_t *code, uint64_t size,
                     const std::string &label,
                     std::unique_ptr<KernelLibrary> &out);
  /// Stops the library's worker threads, then unloads it.
  ~KernelLibrary();
  KernelLibrary(const KernelLibrary &) = delete;
  KernelLibrary &operator=(const KernelLibrary &) = delete;

  /// `<symbol>_argv`, or null when the library does not export it.
  ArgvFunction function(const std::string &symbol) const;
  /// `<symbol>_metadata()`, or null.
  const halide_filter_metadata_t *metadata(const std::string &symbol) const;
  /// Sets the number of threads the kernels' parallel loops use (>= 1).
  void setThreads(int threads);

private:
  KernelLibrary() = default;
  void *handle_ = nullptr;
};

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_KERNELLIBRARY_H
