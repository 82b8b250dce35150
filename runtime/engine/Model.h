//===- Model.h - a compiled model, opened for execution ---------*- C++ -*-===//
//
// Opens a compiled model file: validates the container (magic, version,
// checksum), checks that this CPU can run its target, reads and validates
// the plan against the weights section, loads the kernels and checks every
// call of the plan against the signature the kernel itself declares (its
// Halide metadata): argument count, scalar or buffer, rank, element type, and
// that outputs are written only to activations or KV-cache rows (never to
// the read-only mapped weights). A model that passes these checks cannot make
// a kernel read or write outside the buffers the runtime gives it.
//
// Weights are used in place from the read-only mapping of the file.
//
// Thread safety: a Model is immutable after open (setThreads aside), and may
// be shared by any number of Sessions on any threads.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_MODEL_H
#define MGC_RUNTIME_ENGINE_MODEL_H

#include "runtime/engine/KernelLibrary.h"
#include "runtime/engine/Status.h"
#include "runtime/model/ModelFile.h"
#include "runtime/model/Plan.h"

#include <memory>
#include <string>
#include <vector>

namespace mgc {

class Model {
public:
  /// Opens and checks `path`; on failure `out` stays null.
  static Status open(const std::string &path, std::unique_ptr<Model> &out);
  /// Opens the model embedded in bytes [offset, offset + size) of `path`
  /// (see ModelFile::open); on failure `out` stays null.
  static Status open(const std::string &path, uint64_t offset, uint64_t size,
                     std::unique_ptr<Model> &out);

  const Plan &plan() const { return plan_; }
  const ModelFile &file() const { return *file_; }
  const std::string &target() const { return file_->target(); }
  /// The first byte of weight `index` (plan().weights[index]).
  const uint8_t *weight(uint32_t index) const {
    return file_->weights().data + plan_.weights[index].offset;
  }
  /// The argv entry of plan().kernels[index].
  KernelLibrary::ArgvFunction kernel(uint32_t index) const {
    return kernels_[index];
  }
  /// Threads the kernels' parallel loops use.
  void setThreads(int threads) { library_->setThreads(threads); }

private:
  Model() = default;
  static Status openImpl(const std::string &path, uint64_t offset,
                         uint64_t size, bool whole,
                         std::unique_ptr<Model> &out);
  Status checkCalls() const;

  std::unique_ptr<ModelFile> file_;
  Plan plan_;
  std::unique_ptr<KernelLibrary> library_;
  std::vector<KernelLibrary::ArgvFunction> kernels_; // per plan_.kernels
};

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_MODEL_H
