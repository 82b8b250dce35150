//===- ByteReader.cpp - bounds-checked little-endian file reading ---------===//

#include "runtime/tokenizer/ByteReader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

using namespace mgc;

ByteReader::~ByteReader() {
  if (file_)
    std::fclose(file_);
}

bool ByteReader::open(const std::string &path) {
  path_ = path;
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return fail(0, "cannot open: no such file");
  if (!std::filesystem::is_regular_file(status))
    return fail(0, "cannot open: not a regular file");
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    return fail(0, "cannot read the file size: " + ec.message());
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_)
    return fail(0, std::string("cannot open: ") + std::strerror(errno));
  size_ = size;
  return true;
}

bool ByteReader::fail(uint64_t at, const std::string &message) {
  if (error_.empty())
    error_ = path_ + ": offset " + std::to_string(at) + ": " + message;
  return false;
}

bool ByteReader::need(uint64_t n, const char *what) {
  if (!error_.empty())
    return false;
  if (n <= remaining())
    return true;
  return fail(std::string(what) + ": needs " + std::to_string(n) +
              " bytes, but the file ends after " + std::to_string(remaining()) +
              " (file size " + std::to_string(size_) +
              "; truncated or corrupt?)");
}

bool ByteReader::skip(uint64_t n, const char *what) {
  if (!need(n, what))
    return false;
  if (n > 0 && std::fseek(file_, static_cast<long>(offset_ + n), SEEK_SET) != 0)
    return fail(std::string(what) + ": seek failed");
  offset_ += n;
  return true;
}

bool ByteReader::readBytes(void *dst, uint64_t n, const char *what) {
  if (!need(n, what))
    return false;
  if (n > 0 && std::fread(dst, 1, n, file_) != n)
    return fail(std::string(what) + ": read failed");
  offset_ += n;
  return true;
}

bool ByteReader::readString(std::string &dst, uint64_t n, const char *what) {
  if (!need(n, what)) // before allocating n bytes
    return false;
  dst.resize(n);
  return readBytes(dst.data(), n, what);
}

bool ByteReader::readU8(uint8_t &v, const char *what) {
  return readBytes(&v, 1, what);
}

bool ByteReader::readU32(uint32_t &v, const char *what) {
  uint8_t b[4];
  if (!readBytes(b, 4, what))
    return false;
  v = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
      uint32_t(b[3]) << 24;
  return true;
}

bool ByteReader::readI32(int32_t &v, const char *what) {
  uint32_t u;
  if (!readU32(u, what))
    return false;
  std::memcpy(&v, &u, 4);
  return true;
}

bool ByteReader::readU64(uint64_t &v, const char *what) {
  uint8_t b[8];
  if (!readBytes(b, 8, what))
    return false;
  v = 0;
  for (int i = 7; i >= 0; --i)
    v = v << 8 | b[i];
  return true;
}

bool ByteReader::readF32(float &v, const char *what) {
  uint32_t u;
  if (!readU32(u, what))
    return false;
  std::memcpy(&v, &u, 4);
  return true;
}
