//===- KernelLibrary.cpp - a model's compiled kernels, loaded -------------===//

#include "runtime/engine/KernelLibrary.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace mgc;

Status KernelLibrary::load(const uint8_t *code, uint64_t size,
                           const std::string &label,
                           std::unique_ptr<KernelLibrary> &out) {
  auto fail = [&](StatusCode code, const std::string &what) {
    return Status::error(code, label + ": cannot load the kernels: " + what);
  };
  if (size == 0)
    return fail(StatusCode::invalidModel, "the code section is empty");
  int fd = ::memfd_create("mgc-kernels", MFD_CLOEXEC);
  if (fd < 0)
    return fail(StatusCode::ioError,
                std::string("memfd_create failed: ") + std::strerror(errno));
  for (uint64_t done = 0; done < size;) {
    ssize_t n = ::write(fd, code + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      return fail(StatusCode::ioError, "writing the code failed: " + why);
    }
    done += uint64_t(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  // RTLD_LOCAL: each model keeps its own Halide runtime and kernel symbols.
  void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ::close(fd); // the mapping made by dlopen keeps the contents alive
  if (!handle) {
    const char *why = ::dlerror();
    return fail(StatusCode::invalidModel,
                std::string("the code section is not a loadable shared "
                            "object (") +
                    (why ? why : "unknown error") + ")");
  }
  out.reset(new KernelLibrary());
  out->handle_ = handle;
  return Status::success();
}

KernelLibrary::~KernelLibrary() {
  if (!handle_)
    return;
  // Worker threads run code of this library: stop them before unloading.
  using Shutdown = void (*)();
  if (auto shutdown = reinterpret_cast<Shutdown>(
          ::dlsym(handle_, "halide_shutdown_thread_pool")))
    shutdown();
  ::dlclose(handle_);
}

KernelLibrary::ArgvFunction
KernelLibrary::function(const std::string &symbol) const {
  return reinterpret_cast<ArgvFunction>(
      ::dlsym(handle_, (symbol + "_argv").c_str()));
}

const halide_filter_metadata_t *
KernelLibrary::metadata(const std::string &symbol) const {
  using Metadata = const halide_filter_metadata_t *(*)();
  auto fn = reinterpret_cast<Metadata>(
      ::dlsym(handle_, (symbol + "_metadata").c_str()));
  return fn ? fn() : nullptr;
}

void KernelLibrary::setThreads(int threads) {
  using SetThreads = int (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(
          ::dlsym(handle_, "halide_set_num_threads")))
    set(threads < 1 ? 1 : threads);
}
