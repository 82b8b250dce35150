//===- TomlTable.cpp - typed, position-aware reads of a TOML table --------===//

#include "frontends/TomlTable.h"

#include <algorithm>

using namespace mgc;

SourcePos mgc::toSourcePos(const toml::source_position &position) {
  return {int(position.line), int(position.column)};
}

TomlTable::TomlTable(const toml::table &table, std::string path,
                     ReadError &error)
    : table_(table), path_(std::move(path)), error_(error) {}

SourcePos TomlTable::pos() const { return toSourcePos(table_.source().begin); }

bool TomlTable::has(const std::string &key) const {
  return table_.contains(key);
}

std::vector<std::string> TomlTable::keys() const {
  std::vector<std::pair<SourcePos, std::string>> ordered;
  for (const auto &[key, node] : table_)
    ordered.emplace_back(toSourcePos(key.source().begin), std::string(key.str()));
  std::sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) {
    return std::make_pair(a.first.line, a.first.column) <
           std::make_pair(b.first.line, b.first.column);
  });
  std::vector<std::string> names;
  for (auto &entry : ordered)
    names.push_back(std::move(entry.second));
  return names;
}

SourcePos TomlTable::posOf(const std::string &key) const {
  const toml::node *node = table_.get(key);
  return node ? toSourcePos(node->source().begin) : pos();
}

void TomlTable::fail(SourcePos pos, const std::string &message) {
  if (error_.failed)
    return;
  error_.failed = true;
  error_.pos = pos;
  error_.message = message;
}

static std::string qualified(const std::string &path, const std::string &key) {
  return path.empty() ? key : path + "." + key;
}

const toml::node *TomlTable::lookup(const std::string &key, bool required) {
  read_.insert(key);
  if (error_.failed)
    return nullptr;
  const toml::node *node = table_.get(key);
  if (!node && required)
    fail(pos(), "missing required key '" + qualified(path_, key) + "'");
  return node;
}

void TomlTable::typeError(const std::string &key, const char *expected) {
  fail(posOf(key), "'" + qualified(path_, key) + "' must be " + expected);
}

void TomlTable::getInt(const std::string &key, int64_t &out, int64_t min,
                       int64_t max, bool required) {
  const toml::node *node = lookup(key, required);
  if (!node)
    return;
  std::optional<int64_t> value = node->value_exact<int64_t>();
  if (!value)
    return typeError(key, "an integer");
  if (*value < min || *value > max)
    return fail(posOf(key), "'" + qualified(path_, key) + "' must be in [" +
                                std::to_string(min) + ", " +
                                std::to_string(max) + "], got " +
                                std::to_string(*value));
  out = *value;
}

void TomlTable::getFloat(const std::string &key, double &out, bool allowZero) {
  const toml::node *node = lookup(key, false);
  if (!node)
    return;
  std::optional<double> value;
  if (node->is_floating_point())
    value = node->value_exact<double>();
  else if (node->is_integer())
    value = double(*node->value_exact<int64_t>());
  if (!value)
    return typeError(key, "a number");
  if (!(*value > 0 || (allowZero && *value == 0)))
    return typeError(key, allowZero ? "a number >= 0" : "a number > 0");
  out = *value;
}

void TomlTable::getBool(const std::string &key, bool &out) {
  const toml::node *node = lookup(key, false);
  if (!node)
    return;
  std::optional<bool> value = node->value_exact<bool>();
  if (!value)
    return typeError(key, "true or false");
  out = *value;
}

std::optional<std::string> TomlTable::getString(const std::string &key,
                                                bool required) {
  const toml::node *node = lookup(key, required);
  if (!node)
    return std::nullopt;
  std::optional<std::string> value = node->value_exact<std::string>();
  if (!value)
    typeError(key, "a string");
  return value;
}

std::optional<size_t>
TomlTable::getChoice(const std::string &key,
                     const std::vector<std::string> &choices, bool required) {
  std::optional<std::string> value = getString(key, required);
  if (!value || error_.failed)
    return std::nullopt;
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == *value)
      return i;
  std::string accepted;
  for (size_t i = 0; i < choices.size(); ++i)
    accepted += (i ? ", " : "") + ("\"" + choices[i] + "\"");
  fail(posOf(key), "'" + qualified(path_, key) + "' is \"" + *value +
                       "\"; expected one of " + accepted);
  return std::nullopt;
}

std::optional<std::vector<std::pair<std::string, SourcePos>>>
TomlTable::getStringList(const std::string &key, bool required) {
  const toml::node *node = lookup(key, required);
  if (!node)
    return std::nullopt;
  const toml::array *array = node->as_array();
  if (!array || array->empty()) {
    typeError(key, "a non-empty array of strings");
    return std::nullopt;
  }
  std::vector<std::pair<std::string, SourcePos>> items;
  for (const toml::node &item : *array) {
    std::optional<std::string> value = item.value_exact<std::string>();
    if (!value) {
      fail(toSourcePos(item.source().begin),
           "'" + qualified(path_, key) + "' must hold only strings");
      return std::nullopt;
    }
    items.emplace_back(*value, toSourcePos(item.source().begin));
  }
  return items;
}

std::optional<TomlTable> TomlTable::getTable(const std::string &key,
                                             bool required) {
  const toml::node *node = lookup(key, required);
  if (!node)
    return std::nullopt;
  const toml::table *table = node->as_table();
  if (!table) {
    typeError(key, "a table");
    return std::nullopt;
  }
  return TomlTable(*table, qualified(path_, key), error_);
}

void TomlTable::rejectUnknownKeys() {
  for (const auto &[key, node] : table_) {
    std::string name(key.str());
    if (!read_.count(name))
      return fail(toSourcePos(key.source().begin),
                  "unknown key '" + qualified(path_, name) + "'");
  }
}
