//===- MappedFile.cpp - a whole file mapped read-only -----------*- C++ -*-===//
//
// This file implements MappedFile (POSIX mmap of a whole file, read-only and
// private) and the small checked-arithmetic and message helpers the readers
// share.
//
//===----------------------------------------------------------------------===//

#include "weights/ReaderDetail.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mgc;

std::shared_ptr<MappedFile> MappedFile::open(const std::string &path,
                                             std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    ::close(fd);
    return nullptr;
  }
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->path_ = path;
  file->size_ = uint64_t(st.st_size);
  if (file->size_ > 0) {
    void *base = ::mmap(nullptr, size_t(file->size_), PROT_READ, MAP_PRIVATE,
                        fd, 0);
    if (base == MAP_FAILED) {
      error = path + ": cannot map " + std::to_string(file->size_) +
              " bytes: " + std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
    file->data_ = static_cast<const uint8_t *>(base);
  }
  ::close(fd); // the mapping keeps the file alive
  return file;
}

MappedFile::~MappedFile() {
  if (data_)
    ::munmap(const_cast<uint8_t *>(data_), size_t(size_));
}

std::string mgc::errorAt(const std::string &path, uint64_t offset,
                         const std::string &message) {
  return path + ": at byte offset " + std::to_string(offset) + ": " + message;
}

bool mgc::mulChecked(uint64_t a, uint64_t b, uint64_t &out) {
  const uint64_t max = uint64_t(std::numeric_limits<int64_t>::max());
  if (a != 0 && b > max / a)
    return false;
  out = a * b;
  return out <= max;
}

bool mgc::addChecked(uint64_t a, uint64_t b, uint64_t &out) {
  const uint64_t max = uint64_t(std::numeric_limits<int64_t>::max());
  if (a > max || b > max - a)
    return false;
  out = a + b;
  return true;
}

std::string mgc::shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}
