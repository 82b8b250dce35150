//===- TomlTable.h - typed, position-aware reads of a TOML table -*- C++ -*-===//
//
// Wraps one table of a parsed TOML document: typed getters that report the
// key's file position and what would be accepted, remembering which keys were
// read so that any other key can be reported as unknown. The first error
// sticks; later reads are no-ops, so readers can check once at the end.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_FRONTENDS_TOMLTABLE_H
#define MGC_FRONTENDS_TOMLTABLE_H

#include "frontends/ModelSpec.h"

#include <toml++/toml.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mgc {

/// The first error of a read, with where it is.
struct ReadError {
  bool failed = false;
  SourcePos pos;
  std::string message;
};

class TomlTable {
public:
  /// `path` names the table in messages, e.g. "mixers.attn".
  TomlTable(const toml::table &table, std::string path, ReadError &error);

  const std::string &path() const { return path_; }
  SourcePos pos() const;
  bool has(const std::string &key) const;
  /// The keys of the table, in file order.
  std::vector<std::string> keys() const;
  /// The position of `key` (of the table when absent).
  SourcePos posOf(const std::string &key) const;
  bool failed() const { return error_.failed; }
  /// Records an error at `pos` unless one is already recorded.
  void fail(SourcePos pos, const std::string &message);

  /// Integer in [min, max]; `required` keys must be present.
  void getInt(const std::string &key, int64_t &out, int64_t min, int64_t max,
              bool required = false);
  /// Number (integer or float) > 0 unless `allowZero`.
  void getFloat(const std::string &key, double &out, bool allowZero = false);
  void getBool(const std::string &key, bool &out);
  /// A string that must be one of `choices`; returns its index.
  std::optional<size_t> getChoice(const std::string &key,
                                  const std::vector<std::string> &choices,
                                  bool required = false);
  std::optional<std::string> getString(const std::string &key,
                                       bool required = false);
  /// A non-empty array of strings.
  std::optional<std::vector<std::pair<std::string, SourcePos>>>
  getStringList(const std::string &key, bool required = false);
  /// A nested table (inline or standard).
  std::optional<TomlTable> getTable(const std::string &key,
                                    bool required = false);
  /// Reports the first key that was never read.
  void rejectUnknownKeys();

private:
  const toml::node *lookup(const std::string &key, bool required);
  void typeError(const std::string &key, const char *expected);

  const toml::table &table_;
  std::string path_;
  ReadError &error_;
  std::set<std::string> read_;
};

/// Converts a toml++ source position.
SourcePos toSourcePos(const toml::source_position &position);

} // namespace mgc

#endif // MGC_FRONTENDS_TOMLTABLE_H
