//===- ExeFormat.cpp - executables made by --emit=exe ---------------------===//

#include "tools/mgc/ExeFormat.h"

#include "runtime/model/ModelFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mgc;

std::string mgc::encodeExeTrailer(uint64_t offset, uint64_t size) {
  std::string trailer(kExeTrailerSize, '\0');
  for (int i = 0; i < 8; ++i) {
    trailer[i] = char(uint8_t(offset >> (8 * i)));
    trailer[8 + i] = char(uint8_t(size >> (8 * i)));
  }
  std::memcpy(&trailer[16], kExeMagic, sizeof(kExeMagic));
  return trailer;
}

bool mgc::findEmbeddedModel(const std::string &path, uint64_t &offset,
                            uint64_t &size, std::string &error) {
  const std::string notExe =
      " (the file is truncated or corrupt, or was not made by mgc compile "
      "--emit=exe; recompile it)";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  struct stat st;
  uint8_t trailer[kExeTrailerSize];
  bool read = ::fstat(fd, &st) == 0 &&
              uint64_t(st.st_size) >= kExeTrailerSize &&
              ::pread(fd, trailer, kExeTrailerSize,
                      off_t(st.st_size - off_t(kExeTrailerSize))) ==
                  ssize_t(kExeTrailerSize);
  ::close(fd);
  if (!read || std::memcmp(trailer + 16, kExeMagic, sizeof(kExeMagic)) != 0) {
    error = path + ": no compiled model is embedded in this program" + notExe;
    return false;
  }
  offset = size = 0;
  for (int i = 7; i >= 0; --i) {
    offset = (offset << 8) | trailer[i];
    size = (size << 8) | trailer[8 + i];
  }
  uint64_t body = uint64_t(st.st_size) - kExeTrailerSize;
  if (offset > body || size != body - offset ||
      offset % kWeightsAlignment != 0) {
    error = path + ": the embedded model [" + std::to_string(offset) + ", +" +
            std::to_string(size) + ") does not fit the " +
            std::to_string(st.st_size) + "-byte file" + notExe;
    return false;
  }
  return true;
}
