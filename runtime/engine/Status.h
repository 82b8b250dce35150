//===- Status.h - outcome of a runtime operation ----------------*- C++ -*-===//
//
// A status code and one message, returned by every fallible runtime
// operation (no exceptions cross the runtime's interfaces). The codes are
// those of the C API (runtime/api/mgc_runtime.h).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_RUNTIME_ENGINE_STATUS_H
#define MGC_RUNTIME_ENGINE_STATUS_H

#include <string>

namespace mgc {

enum class StatusCode {
  ok = 0,
  invalidArgument = 1, // a bad token, count, option or call order
  ioError = 2,         // the file cannot be read or mapped
  invalidModel =
      3, // not a valid compiled model (magic, version, checksum, plan)
  unsupportedCpu = 4, // compiled for an ISA this CPU lacks
  contextFull = 5,    // positions beyond the context
  kernelFailed = 6,   // a compiled kernel returned an error
  outOfMemory = 7,
};

struct Status {
  StatusCode code = StatusCode::ok;
  std::string message; // empty when ok

  bool ok() const { return code == StatusCode::ok; }
  static Status success() { return {}; }
  static Status error(StatusCode code, std::string message) {
    return {code, std::move(message)};
  }
};

} // namespace mgc

#endif // MGC_RUNTIME_ENGINE_STATUS_H
