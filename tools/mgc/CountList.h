//===- CountList.h - "1,2,3" option values ----------------------*- C++ -*-===//
//
// The comma-separated counts `mgc bench` and `mgc compare` take (-p, -n, -d,
// -t, --contexts).
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_COUNTLIST_H
#define MGC_TOOLS_MGC_COUNTLIST_H

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace mgc {

/// Parses "1,2,3" into integers in [min, 2^30]; false on anything else
/// (empty items, signs beyond the range, trailing characters).
inline bool parseCountList(const std::string &text, int64_t min,
                           std::vector<int64_t> &out) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    char *end = nullptr;
    long long value = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < min || value > (1ll << 30))
      return false;
    out.push_back(value);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

} // namespace mgc

#endif // MGC_TOOLS_MGC_COUNTLIST_H
