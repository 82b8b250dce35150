//===- HfConfigObject.cpp - position-aware reads of config.json -----------===//
//
// This file implements the reading context of the Hugging Face config reader:
// where each key of the text starts (so every diagnostic can name
// file:line:col), and typed reads of one JSON object that name the key, what
// is wrong and what would be accepted, remembering which keys were read.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include <algorithm>
#include <cmath>

using namespace mgc;
using namespace mgc::hf;
using llvm::StringRef;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// Context
//===----------------------------------------------------------------------===//

Context::Context(std::string file, std::string text,
                 std::vector<Diagnostic> &warnings, Diagnostic &error)
    : file_(std::move(file)), text_(std::move(text)), warnings_(warnings),
      error_(error) {}

SourcePos Context::posAt(size_t offset) const {
  offset = std::min(offset, text_.size());
  SourcePos pos{1, 1};
  size_t lineStart = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text_[i] == '\n') {
      ++pos.line;
      lineStart = i + 1;
    }
  pos.column = int(offset - lineStart) + 1;
  return pos;
}

std::optional<SourcePos> Context::keyPos(const std::string &path) const {
  auto it = keyOffsets_.find(path);
  if (it == keyOffsets_.end())
    return std::nullopt;
  return posAt(it->second);
}

void Context::indexKeys() {
  // A container being scanned: objects expect a key after '{' and ','.
  struct Frame {
    bool object;
    std::string path;
    bool expectKey;
    std::string key;
  };
  std::vector<Frame> stack;
  const std::string &t = text_;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      size_t start = i;
      std::string s;
      for (++i; i < t.size() && t[i] != '"'; ++i) {
        if (t[i] == '\\' && i + 1 < t.size())
          s += t[i++];
        s += t[i];
      }
      if (!stack.empty() && stack.back().object && stack.back().expectKey) {
        Frame &f = stack.back();
        keyOffsets_.emplace(f.path.empty() ? s : f.path + "." + s, start);
        f.key = s;
        f.expectKey = false;
      }
    } else if (c == '{' || c == '[') {
      std::string path;
      if (!stack.empty()) {
        const Frame &f = stack.back();
        std::string inner = f.object ? f.key : "[]";
        path = f.path.empty() ? inner : f.path + "." + inner;
      }
      stack.push_back({c == '{', path, c == '{', ""});
    } else if ((c == '}' || c == ']') && !stack.empty()) {
      stack.pop_back();
    } else if (c == ',' && !stack.empty() && stack.back().object) {
      stack.back().expectKey = true;
    }
  }
}

void Context::fail(SourcePos pos, const std::string &message) {
  if (failed_)
    return;
  failed_ = true;
  error_ = Diagnostic{file_, pos.line, pos.column, message};
}

void Context::warn(SourcePos pos, const std::string &message) {
  warnings_.push_back(Diagnostic{file_, pos.line, pos.column, message});
}

//===----------------------------------------------------------------------===//
// Object
//===----------------------------------------------------------------------===//

namespace {

/// "a string (\"12\")", "a number (1.5)", ... for type errors.
std::string describe(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return *value.getAsBoolean() ? "true" : "false";
  case json::Value::Number: {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << value;
    return "the number " + os.str();
  }
  case json::Value::String:
    return "the string \"" + value.getAsString()->str() + "\"";
  case json::Value::Array:
    return "a list";
  case json::Value::Object:
    return "an object";
  }
  return "a value";
}

std::string range(int64_t min, int64_t max) {
  return "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

/// A JSON number, or a float in the tagged form transformers 5 writes for the
/// values JSON cannot hold: {"__float__": "Infinity"} ("-Infinity", "NaN").
std::optional<double> numberOf(const json::Value &value) {
  if (std::optional<double> v = value.getAsNumber())
    return v;
  const json::Object *tagged = value.getAsObject();
  if (!tagged || tagged->size() != 1)
    return std::nullopt;
  std::optional<StringRef> tag = tagged->getString("__float__");
  if (!tag)
    return std::nullopt;
  if (*tag == "Infinity")
    return HUGE_VAL;
  if (*tag == "-Infinity")
    return -HUGE_VAL;
  if (*tag == "NaN")
    return std::nan("");
  return std::nullopt;
}

} // namespace

Object::Object(Context &context, const json::Object &object, std::string path)
    : context_(context), object_(object), path_(std::move(path)) {}

SourcePos Object::pos() const {
  if (path_.empty())
    return SourcePos{1, 1};
  return context_.keyPos(path_).value_or(SourcePos{1, 1});
}

SourcePos Object::posOf(StringRef key) const {
  std::string full = path_.empty() ? key.str() : path_ + "." + key.str();
  return context_.keyPos(full).value_or(pos());
}

SourcePos Object::posOr(StringRef key, SourcePos fallback) const {
  std::string full = path_.empty() ? key.str() : path_ + "." + key.str();
  return context_.keyPos(full).value_or(fallback);
}

std::string Object::name(StringRef key) const {
  return "'" + (path_.empty() ? key.str() : path_ + "." + key.str()) + "'";
}

bool Object::has(StringRef key) const {
  const json::Value *value = object_.get(key);
  return value && value->kind() != json::Value::Null;
}

void Object::fail(StringRef key, const std::string &message) {
  context_.fail(posOf(key), message);
}

void Object::warn(StringRef key, const std::string &message) {
  context_.warn(posOf(key), message);
}

const json::Value *Object::lookup(StringRef key) {
  read_.insert(key.str());
  if (failed() || !has(key))
    return nullptr;
  return object_.get(key);
}

void Object::typeError(StringRef key, const char *expected,
                       const json::Value &got) {
  fail(key, name(key) + " must be " + expected + ", got " + describe(got));
}

int64_t Object::getInt(StringRef key, int64_t dflt, int64_t min, int64_t max) {
  const json::Value *value = lookup(key);
  if (!value)
    return dflt;
  std::optional<int64_t> v = value->getAsInteger();
  if (!v) {
    std::string expected = "an integer in " + range(min, max);
    typeError(key, expected.c_str(), *value);
    return dflt;
  }
  if (*v < min || *v > max) {
    fail(key, name(key) + " must be an integer in " + range(min, max) +
                  ", got " + std::to_string(*v));
    return dflt;
  }
  return *v;
}

int64_t Object::requireInt(StringRef key, int64_t min, int64_t max) {
  if (!failed() && !has(key))
    fail(key, "missing " + name(key) + ": expected an integer in " +
                  range(min, max));
  return getInt(key, 0, min, max);
}

double Object::getPositive(StringRef key, double dflt) {
  const json::Value *value = lookup(key);
  if (!value)
    return dflt;
  std::optional<double> v = value->getAsNumber();
  if (!v || !std::isfinite(*v) || *v <= 0) {
    typeError(key, "a positive number", *value);
    return dflt;
  }
  return *v;
}

double Object::requirePositive(StringRef key) {
  if (!failed() && !has(key))
    fail(key, "missing " + name(key) + ": expected a positive number");
  return getPositive(key, 1.0);
}

double Object::getNumber(StringRef key, double dflt) {
  const json::Value *value = lookup(key);
  if (!value)
    return dflt;
  std::optional<double> v = value->getAsNumber();
  if (!v || !std::isfinite(*v)) {
    typeError(key, "a finite number", *value);
    return dflt;
  }
  return *v;
}

bool Object::getBool(StringRef key, bool dflt) {
  const json::Value *value = lookup(key);
  if (!value)
    return dflt;
  std::optional<bool> v = value->getAsBoolean();
  if (!v) {
    typeError(key, "true or false", *value);
    return dflt;
  }
  return *v;
}

std::string Object::getString(StringRef key, const std::string &dflt) {
  const json::Value *value = lookup(key);
  if (!value)
    return dflt;
  std::optional<StringRef> v = value->getAsString();
  if (!v) {
    typeError(key, "a string", *value);
    return dflt;
  }
  return v->str();
}

std::vector<int64_t> Object::getIntList(StringRef key, int64_t min,
                                        int64_t max) {
  std::vector<int64_t> out;
  const json::Value *value = lookup(key);
  if (!value)
    return out;
  std::string expected = "a list of integers in " + range(min, max);
  const json::Array *array = value->getAsArray();
  if (!array) {
    typeError(key, expected.c_str(), *value);
    return out;
  }
  for (const json::Value &element : *array) {
    std::optional<int64_t> v = element.getAsInteger();
    if (!v || *v < min || *v > max) {
      fail(key, name(key) + " must be " + expected + ", but holds " +
                    describe(element));
      return {};
    }
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> Object::getStringList(StringRef key) {
  std::vector<std::string> out;
  const json::Value *value = lookup(key);
  if (!value)
    return out;
  const json::Array *array = value->getAsArray();
  if (!array) {
    typeError(key, "a list of strings", *value);
    return out;
  }
  for (const json::Value &element : *array) {
    std::optional<StringRef> v = element.getAsString();
    if (!v) {
      fail(key, name(key) + " must be a list of strings, but holds " +
                    describe(element));
      return {};
    }
    out.push_back(v->str());
  }
  return out;
}

std::vector<double> Object::getNumberList(StringRef key) {
  std::vector<double> out;
  const json::Value *value = lookup(key);
  if (!value)
    return out;
  const json::Array *array = value->getAsArray();
  if (!array) {
    typeError(key, "a list of numbers", *value);
    return out;
  }
  for (const json::Value &element : *array) {
    std::optional<double> v = numberOf(element);
    if (!v) {
      fail(key, name(key) + " must be a list of numbers, but holds " +
                    describe(element));
      return {};
    }
    out.push_back(*v);
  }
  return out;
}

std::optional<Object> Object::getObject(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value)
    return std::nullopt;
  const json::Object *object = value->getAsObject();
  if (!object) {
    typeError(key, "an object", *value);
    return std::nullopt;
  }
  return Object(context_, *object,
                path_.empty() ? key.str() : path_ + "." + key.str());
}

void Object::warnUnread(const char *(*reasonOf)(StringRef key),
                        const std::string &owner) {
  std::vector<std::pair<SourcePos, std::string>> unread;
  for (const auto &entry : object_) {
    std::string key = entry.first.str();
    if (!read_.count(key))
      unread.emplace_back(posOf(key), key);
  }
  std::sort(unread.begin(), unread.end(), [](const auto &a, const auto &b) {
    return std::make_pair(a.first.line, a.first.column) <
           std::make_pair(b.first.line, b.first.column);
  });
  for (const auto &[pos, key] : unread) {
    const char *reason = reasonOf(key);
    context_.warn(pos, reason ? name(key) + " is ignored: " + reason
                              : "unknown key " + name(key) + " for " + owner +
                                    ", ignored");
  }
}
