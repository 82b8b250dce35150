//===- Json.cpp - a small strict JSON parser for weight headers -----------===//
//
// This file implements parseJson, a recursive-descent parser over a byte
// range that reports the first error with its byte offset.
//
//===----------------------------------------------------------------------===//

#include "weights/Json.h"

#include <charconv>
#include <unordered_set>

using namespace mgc;

const JsonValue *JsonValue::get(const std::string &key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key)
      return &items[i];
  return nullptr;
}

const char *JsonValue::kindName() const {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "boolean";
  case Kind::Number:
    return "number";
  case Kind::String:
    return "string";
  case Kind::Array:
    return "array";
  case Kind::Object:
    return "object";
  }
  return "unknown";
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
public:
  Parser(const char *text, uint64_t size) : p_(text), size_(size) {}

  bool parseDocument(JsonValue &out) {
    skipSpace();
    if (!parseValue(out, 0))
      return false;
    skipSpace();
    if (pos_ != size_)
      return fail("unexpected text after the JSON value");
    return true;
  }

  uint64_t errorOffset = 0;
  std::string error;

private:
  bool fail(const std::string &message) {
    errorOffset = pos_;
    error = message;
    return false;
  }
  bool atEnd() const { return pos_ >= size_; }
  char peek() const { return atEnd() ? '\0' : p_[pos_]; }
  void skipSpace() {
    while (!atEnd() && (p_[pos_] == ' ' || p_[pos_] == '\t' ||
                        p_[pos_] == '\n' || p_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(const char *word) {
    for (uint64_t i = 0; word[i]; ++i)
      if (pos_ + i >= size_ || p_[pos_ + i] != word[i])
        return fail(std::string("invalid literal; expected '") + word + "'");
    pos_ += std::char_traits<char>::length(word);
    return true;
  }

  bool parseValue(JsonValue &out, int depth) {
    out.offset = pos_;
    if (atEnd())
      return fail("unexpected end of the JSON text; expected a value");
    switch (p_[pos_]) {
    case '{':
      return parseObject(out, depth);
    case '[':
      return parseArray(out, depth);
    case '"':
      out.kind = JsonValue::Kind::String;
      return parseString(out.string);
    case 't':
      out.kind = JsonValue::Kind::Bool;
      out.boolean = true;
      return literal("true");
    case 'f':
      out.kind = JsonValue::Kind::Bool;
      return literal("false");
    case 'n':
      out.kind = JsonValue::Kind::Null;
      return literal("null");
    default:
      if (p_[pos_] == '-' || (p_[pos_] >= '0' && p_[pos_] <= '9'))
        return parseNumber(out);
      return fail(std::string("unexpected character '") + p_[pos_] +
                  "'; expected a JSON value");
    }
  }

  bool parseObject(JsonValue &out, int depth) {
    if (depth >= kMaxDepth)
      return fail("JSON nested deeper than 64 levels");
    out.kind = JsonValue::Kind::Object;
    ++pos_; // '{'
    skipSpace();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    std::unordered_set<std::string> seen;
    while (true) {
      skipSpace();
      if (peek() != '"')
        return fail("expected a string key in the object");
      uint64_t keyOffset = pos_;
      std::string key;
      if (!parseString(key))
        return false;
      if (!seen.insert(key).second) {
        pos_ = keyOffset;
        return fail("duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (peek() != ':')
        return fail("expected ':' after an object key");
      ++pos_;
      skipSpace();
      out.keys.push_back(std::move(key));
      out.items.emplace_back();
      if (!parseValue(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}' in the object");
    }
  }

  bool parseArray(JsonValue &out, int depth) {
    if (depth >= kMaxDepth)
      return fail("JSON nested deeper than 64 levels");
    out.kind = JsonValue::Kind::Array;
    ++pos_; // '['
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      out.items.emplace_back();
      if (!parseValue(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']' in the array");
    }
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xc0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += char(0xe0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3f));
      out += char(0x80 | (cp & 0x3f));
    } else {
      out += char(0xf0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3f));
      out += char(0x80 | ((cp >> 6) & 0x3f));
      out += char(0x80 | (cp & 0x3f));
    }
  }

  bool hex4(uint32_t &out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      char c = peek();
      int v = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (atEnd() || v < 0)
        return fail("expected four hex digits after \\u");
      out = out * 16 + uint32_t(v);
    }
    return true;
  }

  /// One UTF-8 sequence starting at pos_ (a byte >= 0x80), copied to `out`.
  bool utf8Sequence(std::string &out) {
    uint8_t c = uint8_t(p_[pos_]);
    int extra = c >= 0xc2 && c <= 0xdf   ? 1
                : c >= 0xe0 && c <= 0xef ? 2
                : c >= 0xf0 && c <= 0xf4 ? 3
                                         : -1;
    if (extra < 0 || pos_ + uint64_t(extra) >= size_)
      return fail("invalid UTF-8 in a string");
    uint32_t cp = c & (0x3f >> extra);
    for (int i = 1; i <= extra; ++i) {
      uint8_t d = uint8_t(p_[pos_ + i]);
      if ((d & 0xc0) != 0x80)
        return fail("invalid UTF-8 in a string");
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return fail("invalid UTF-8 in a string");
    out.append(p_ + pos_, size_t(extra + 1));
    pos_ += uint64_t(extra + 1);
    return true;
  }

  bool parseString(std::string &out) {
    ++pos_; // opening quote
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      char c = p_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (uint8_t(c) < 0x20)
        return fail("control character in a string; it must be escaped");
      if (uint8_t(c) >= 0x80) {
        if (!utf8Sequence(out))
          return false;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      char e = peek();
      ++pos_;
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp))
          return false;
        if (cp >= 0xdc00 && cp <= 0xdfff)
          return fail("unpaired low surrogate in \\u escape");
        if (cp >= 0xd800 && cp <= 0xdbff) {
          uint32_t low;
          if (peek() != '\\' || pos_ + 1 >= size_ || p_[pos_ + 1] != 'u')
            return fail("unpaired high surrogate in \\u escape");
          pos_ += 2;
          if (!hex4(low))
            return false;
          if (low < 0xdc00 || low > 0xdfff)
            return fail("unpaired high surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos_;
        return fail("invalid escape in a string");
      }
    }
  }

  bool digits() {
    uint64_t start = pos_;
    while (!atEnd() && p_[pos_] >= '0' && p_[pos_] <= '9')
      ++pos_;
    return pos_ > start;
  }

  bool parseNumber(JsonValue &out) {
    uint64_t start = pos_;
    out.kind = JsonValue::Kind::Number;
    if (peek() == '-')
      ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("invalid number");
    }
    bool integral = true;
    if (peek() == '.') {
      ++pos_;
      integral = false;
      if (!digits())
        return fail("invalid number: digits must follow '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      integral = false;
      if (peek() == '+' || peek() == '-')
        ++pos_;
      if (!digits())
        return fail("invalid number: the exponent needs digits");
    }
    const char *first = p_ + start, *last = p_ + pos_;
    if (integral) {
      auto r = std::from_chars(first, last, out.integer);
      out.isInteger = r.ec == std::errc() && r.ptr == last;
    }
    auto r = std::from_chars(first, last, out.number);
    if (r.ec != std::errc() && !out.isInteger) {
      pos_ = start;
      return fail("number out of range");
    }
    if (out.isInteger)
      out.number = double(out.integer);
    return true;
  }

  const char *p_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

} // namespace

bool mgc::parseJson(const char *text, uint64_t size, JsonValue &out,
                    uint64_t &errorOffset, std::string &error) {
  Parser parser(text, size);
  out = JsonValue();
  if (parser.parseDocument(out))
    return true;
  errorOffset = parser.errorOffset;
  error = parser.error;
  return false;
}
