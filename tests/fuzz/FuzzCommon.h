//===- FuzzCommon.h - shared helpers of mgc's libFuzzer harnesses -*- C++ -*-===//
//
// mgc's readers take paths, so each harness writes its input to a file in a
// directory private to the process (under $TMPDIR, else /dev/shm when it
// exists, else /tmp) and reads it back. The directory is removed at exit, or
// by the next harness to start when its process died first.
//
// `violated` reports a broken contract of a reader (an error without a
// message, a tensor outside the file, an encode/decode mismatch): it prints
// what is wrong and aborts, which libFuzzer records as a crash.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TESTS_FUZZ_FUZZCOMMON_H
#define MGC_TESTS_FUZZ_FUZZCOMMON_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <cerrno>
#include <csignal>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mgcfuzz {

[[noreturn]] inline void violated(const char *what,
                                  const std::string &detail = "") {
  std::fprintf(stderr, "\n*** mgc fuzz: contract violated: %s%s%s\n", what,
               detail.empty() ? "" : ": ", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

namespace detail {
inline std::string &scratchPath() {
  static std::string path;
  return path;
}

inline void removeDirectory(const std::string &dir) {
  if (DIR *d = ::opendir(dir.c_str())) {
    while (struct dirent *e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
        continue;
      ::unlink((dir + "/" + e->d_name).c_str());
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}

inline void removeScratch() {
  if (!scratchPath().empty())
    removeDirectory(scratchPath());
}

/// Removes the scratch directories of harness processes that died without
/// cleaning up (a crash, or libFuzzer's _Exit): mgc-fuzz-<pid>-XXXXXX whose
/// process is gone.
inline void removeStaleScratch(const std::string &root) {
  DIR *d = ::opendir(root.c_str());
  if (!d)
    return;
  while (struct dirent *e = ::readdir(d)) {
    long pid = 0;
    if (std::sscanf(e->d_name, "mgc-fuzz-%ld-", &pid) != 1 || pid <= 0)
      continue;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
      removeDirectory(root + "/" + e->d_name);
  }
  ::closedir(d);
}
} // namespace detail

/// A directory private to this process, created on first use.
inline const std::string &scratchDir() {
  std::string &dir = detail::scratchPath();
  if (dir.empty()) {
    const char *base = std::getenv("TMPDIR");
    struct stat st;
    std::string root = base && *base ? base
                       : ::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode)
                           ? "/dev/shm"
                           : "/tmp";
    detail::removeStaleScratch(root);
    std::string pattern =
        root + "/mgc-fuzz-" + std::to_string(::getpid()) + "-XXXXXX";
    if (!::mkdtemp(&pattern[0]))
      violated("cannot create a scratch directory", pattern);
    dir = pattern;
    std::atexit(detail::removeScratch);
  }
  return dir;
}

/// Writes `size` bytes to `name` in the scratch directory (replacing what
/// was there) and returns its path.
inline std::string writeScratch(const std::string &name, const void *data,
                                size_t size) {
  std::string path = scratchDir() + "/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    violated("cannot write a scratch file", path);
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n <= 0)
      violated("cannot write a scratch file", path);
    p += n;
    size -= size_t(n);
  }
  ::close(fd);
  return path;
}

/// Reads every byte of [data, data + size), so that a range a reader hands
/// out which leaves its mapping faults here (ASan checks heap ranges too).
inline uint8_t touch(const void *data, uint64_t size) {
  const volatile uint8_t *p = static_cast<const volatile uint8_t *>(data);
  uint8_t x = 0;
  for (uint64_t i = 0; i < size; ++i)
    x ^= p[i];
  return x;
}

} // namespace mgcfuzz

#endif // MGC_TESTS_FUZZ_FUZZCOMMON_H
