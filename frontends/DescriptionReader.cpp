//===- DescriptionReader.cpp - mgc's native model descriptions -------------===//

#include "frontends/DescriptionReader.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

using namespace mgc;

namespace {

constexpr int64_t kMaxSize = int64_t(1) << 24;

template <typename Enum>
void readEnum(TomlTable &t, const std::string &key,
              const std::vector<std::string> &names, Enum &out) {
  if (std::optional<size_t> index = t.getChoice(key, names))
    out = Enum(*index);
}

void readNorm(TomlTable &t, NormSpec &norm) {
  norm.pos = t.pos();
  readEnum(t, "kind", {"rms", "layer"}, norm.kind);
  t.getFloat("eps", norm.eps);
  norm.bias = norm.kind == NormKind::layer;
  t.getBool("bias", norm.bias);
  if (!t.failed() && norm.bias && norm.kind == NormKind::rms)
    t.fail(t.posOf("bias"), "'" + t.path() + ".bias': an rms norm has no bias");
  t.rejectUnknownKeys();
}

void readRope(TomlTable &t, RopeSpec &rope) {
  rope.pos = t.pos();
  t.getFloat("theta", rope.theta);
  t.getInt("rotary_dim", rope.rotaryDim, 2, kMaxSize);
  readEnum(t, "style", {"interleaved", "half"}, rope.style);
  readEnum(t, "scaling", {"none", "linear", "ntk", "yarn", "llama3"},
           rope.scaling);
  t.getFloat("factor", rope.factor);
  t.getInt("original_context", rope.originalContext, 1, kMaxSize);
  t.getFloat("low_freq_factor", rope.lowFreqFactor);
  t.getFloat("high_freq_factor", rope.highFreqFactor);
  t.getFloat("attention_factor", rope.attentionFactor);
  if (!t.failed() && rope.scaling == RopeScaling::none && rope.factor != 1.0)
    t.fail(t.posOf("factor"), "'" + t.path() +
                                  ".factor' needs a scaling kind (linear, "
                                  "ntk, yarn or llama3)");
  if (!t.failed() &&
      (rope.scaling == RopeScaling::yarn ||
       rope.scaling == RopeScaling::llama3) &&
      rope.originalContext == 0)
    t.fail(t.pos(), "'" + t.path() + "': " +
                        (rope.scaling == RopeScaling::yarn ? "yarn" : "llama3") +
                        " scaling needs original_context (the trained "
                        "context length)");
  t.rejectUnknownKeys();
}

void readModel(TomlTable &t, ModelSpec &spec) {
  spec.pos = t.pos();
  if (std::optional<std::string> name = t.getString("name"))
    spec.name = *name;
  t.getInt("vocab_size", spec.vocab, 1, kMaxSize, true);
  t.getInt("hidden_size", spec.hidden, 1, int64_t(1) << 20, true);
  t.getInt("num_layers", spec.numLayers, 1, 4096, true);
  t.getInt("max_context", spec.maxContext, 1, kMaxSize);
  t.getBool("tie_embeddings", spec.tieEmbeddings);
  t.getBool("output_bias", spec.outputBias);
  readEnum(t, "positions", {"rope", "learned", "none"}, spec.positions);
  if (std::optional<size_t> block =
          t.getChoice("block", {"pre_norm", "post_norm", "parallel"})) {
    spec.postNorm = *block == 1;
    spec.parallelBlock = *block == 2;
  }
  t.getBool("embedding_norm", spec.embeddingNorm);
  t.getInt("token_types", spec.tokenTypes, 1, 1024);
  if (std::optional<TomlTable> norm = t.getTable("norm"))
    readNorm(*norm, spec.norm);
  if (std::optional<TomlTable> rope = t.getTable("rope"))
    readRope(*rope, spec.rope);
  else
    spec.rope.pos = spec.pos;
  t.rejectUnknownKeys();
}

void readAttention(TomlTable &t, AttentionSpec &a) {
  t.getInt("heads", a.heads, 1, 4096, true);
  t.getInt("kv_heads", a.kvHeads, 1, 4096);
  t.getInt("head_dim", a.headDim, 1, 65536);
  t.getInt("v_head_dim", a.vHeadDim, 1, 65536);
  t.getBool("causal", a.causal);
  t.getInt("window", a.window, 1, kMaxSize);
  t.getFloat("soft_cap", a.softCap);
  t.getFloat("scale", a.scale);
  t.getBool("qkv_bias", a.qkvBias);
  t.getBool("out_bias", a.outBias);
  t.getBool("rope", a.rope);
  t.getBool("qk_norm", a.qkNorm);
  t.getInt("q_lora_rank", a.qLoraRank, 1, 65536);
  t.getInt("kv_lora_rank", a.kvLoraRank, 1, 65536);
  t.getInt("rope_head_dim", a.ropeHeadDim, 2, 65536);
}

void readScan(TomlTable &t, ScanSpec &s) {
  // In ScanMixerKind's order.
  readEnum(t, "variant",
           {"mamba1", "mamba2", "rwkv6", "rwkv7", "s4", "h3", "hydra", "rwkv4",
            "rwkv5.1", "rwkv5.2"},
           s.kind);
  if (!t.has("variant"))
    t.fail(t.pos(), "missing required key '" + t.path() +
                        ".variant' (mamba1, mamba2, rwkv4, rwkv5.1, rwkv5.2, "
                        "rwkv6, rwkv7, s4, h3 or hydra)");
  t.getInt("state_size", s.stateSize, 1, 65536);
  t.getInt("expand", s.expand, 1, 64);
  // Hydra's centered convolution needs an odd width; its reference uses 7.
  if (s.kind == ScanMixerKind::hydra)
    s.convWidth = 7;
  t.getInt("conv_width", s.convWidth, 0, 64);
  t.getBool("conv_bias", s.convBias);
  t.getBool("proj_bias", s.projBias);
  t.getInt("dt_rank", s.dtRank, 1, 65536);
  t.getBool("dt_bc_norm", s.dtBcNorm);
  t.getInt("heads", s.heads, 1, 65536);
  t.getInt("head_dim", s.headDim, 1, 65536);
  t.getInt("groups", s.groups, 1, 65536);
  t.getInt("decay_lora_rank", s.decayLoraRank, 1, 65536);
  t.getInt("mix_lora_rank", s.mixLoraRank, 1, 65536);
}

void readMixer(TomlTable &t, MixerSpec &mixer) {
  mixer.pos = t.pos();
  std::optional<size_t> kind = t.getChoice("kind", {"attention", "scan"}, true);
  if (!kind)
    return;
  mixer.kind = MixerSpec::Kind(*kind);
  if (mixer.kind == MixerSpec::Kind::attention)
    readAttention(t, mixer.attention);
  else
    readScan(t, mixer.scan);
  t.rejectUnknownKeys();
}

void readFfn(TomlTable &t, FfnSpec &ffn) {
  ffn.pos = t.pos();
  std::optional<size_t> kind =
      t.getChoice("kind", {"mlp", "moe", "rwkv"}, true);
  if (!kind)
    return;
  ffn.kind = FfnSpec::Kind(*kind);
  if (ffn.kind == FfnSpec::Kind::rwkv)
    for (const char *fixed : {"activation", "bias"})
      if (t.has(fixed))
        t.fail(t.posOf(fixed), "'" + t.path() + "." + fixed +
                                   "': the rwkv channel mix has a fixed "
                                   "squared-ReLU form without biases");
  readEnum(t, "activation",
           {"swiglu", "geglu", "gelu", "gelu_tanh", "relu", "silu"},
           ffn.activation);
  t.getInt("intermediate_size", ffn.intermediate, 1, kMaxSize, true);
  t.getBool("bias", ffn.bias);
  if (ffn.kind == FfnSpec::Kind::moe) {
    MoeSpec &m = ffn.moe;
    t.getInt("experts", m.experts, 1, 65536, true);
    t.getInt("top_k", m.topK, 1, 65536, true);
    readEnum(t, "scoring", {"softmax", "sigmoid"}, m.scoring);
    t.getBool("normalize", m.normalize);
    t.getFloat("scale", m.scale);
    t.getInt("n_group", m.groups, 1, 65536);
    t.getInt("topk_group", m.topkGroups, 1, 65536);
    t.getFloat("capacity_factor", m.capacityFactor);
    t.getBool("correction_bias", m.correctionBias);
    t.getInt("shared_experts", m.sharedExperts, 0, 65536);
    t.getInt("shared_intermediate_size", m.sharedIntermediate, 1, kMaxSize);
    t.getBool("shared_gate", m.sharedGate);
    if (!t.failed() && ffn.bias)
      t.fail(t.posOf("bias"), "'" + t.path() +
                                  ".bias': MoE experts have no biases");
  }
  t.rejectUnknownKeys();
}

/// Reads a [mixers] or [ffns] table of named blocks.
template <typename Spec, typename ReadFn>
void readNamed(TomlTable &root, const std::string &key, std::vector<Spec> &out,
               std::map<std::string, int> &index, ReadFn read) {
  std::optional<TomlTable> table = root.getTable(key, key == "mixers");
  if (!table)
    return;
  for (const std::string &name : table->keys()) {
    std::optional<TomlTable> entry = table->getTable(name);
    if (!entry)
      return;
    Spec spec;
    spec.name = name;
    read(*entry, spec);
    index[name] = int(out.size());
    out.push_back(std::move(spec));
  }
}

/// Resolves each name of a [layers] list against the defined blocks.
bool resolveNames(TomlTable &t,
                  const std::vector<std::pair<std::string, SourcePos>> &names,
                  const std::map<std::string, int> &index, bool allowNone,
                  const std::string &what, std::vector<int> &out) {
  for (const auto &[name, pos] : names) {
    if (allowNone && name == "none") {
      out.push_back(-1);
      continue;
    }
    auto it = index.find(name);
    if (it == index.end()) {
      std::string defined;
      for (const auto &[known, unused] : index)
        defined += (defined.empty() ? "" : ", ") + known;
      t.fail(pos, "unknown " + what + " '" + name + "'; defined: " +
                      (defined.empty() ? std::string("none") : defined) +
                      (allowNone ? " (or \"none\")" : ""));
      return false;
    }
    out.push_back(it->second);
  }
  return true;
}

/// [layers]: `mixer` and `ffn` lists repeat until num_layers; the optional
/// `mixer_prefix` / `ffn_prefix` lists give the first layers explicitly
/// (DeepSeek-V3's first dense layers).
void readLayers(TomlTable &t, ModelSpec &spec,
                const std::map<std::string, int> &mixers,
                const std::map<std::string, int> &ffns) {
  std::vector<int> mixerCycle, ffnCycle, mixerPrefix, ffnPrefix;
  auto read = [&](const char *key, const std::map<std::string, int> &index,
                  bool allowNone, const char *what, std::vector<int> &out,
                  bool required) {
    if (auto names = t.getStringList(key, required))
      resolveNames(t, *names, index, allowNone, what, out);
  };
  read("mixer", mixers, false, "mixer", mixerCycle, true);
  read("ffn", ffns, true, "ffn", ffnCycle, false);
  read("mixer_prefix", mixers, false, "mixer", mixerPrefix, false);
  read("ffn_prefix", ffns, true, "ffn", ffnPrefix, false);
  t.rejectUnknownKeys();
  if (t.failed())
    return;
  auto pick = [](const std::vector<int> &prefix, const std::vector<int> &cycle,
                 int64_t layer, int fallback) {
    if (layer < int64_t(prefix.size()))
      return prefix[layer];
    if (cycle.empty())
      return fallback;
    return cycle[(layer - prefix.size()) % cycle.size()];
  };
  for (int64_t i = 0; i < spec.numLayers; ++i)
    spec.layers.push_back(
        {pick(mixerPrefix, mixerCycle, i, 0), pick(ffnPrefix, ffnCycle, i, -1)});
}

/// Reads the file at `path` into `text`.
bool readText(const std::string &path, std::string &text) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream out;
  out << in.rdbuf();
  text = out.str();
  return !in.bad();
}

std::string codePointName(uint32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", unsigned(c));
  return buffer;
}

/// What checkText found in a description's text.
struct TextCheck {
  /// Where the first non-ASCII character outside a comment or string is
  /// (npos if none), and which one.
  size_t unsafeOffset = std::string::npos;
  SourcePos unsafePos;
  uint32_t unsafeChar = 0;
  const char *where = "";
};

/// Checks the description text before toml++ sees it: valid UTF-8 and no
/// control characters but tab and line breaks (else false, with `error`),
/// and finds the first non-ASCII character outside a comment or string.
///
/// toml++ 3.3.0 has undefined behaviour (TOML_UNREACHABLE in
/// is_non_ascii_horizontal_whitespace, marzer/tomlplusplus#190) when it asks
/// whether one of many non-ASCII characters is whitespace, which it does
/// everywhere outside comments and strings (keys, bare values, between
/// tokens) and, in a multi-line basic string, after a backslash. TOML allows
/// non-ASCII characters nowhere else, so the only valid descriptions refused
/// are those with a non-ASCII character as the first one after a
/// line-ending backslash. Where this model of TOML's structure loses track
/// (the text is no longer TOML), no later non-ASCII character counts as
/// being in a string or comment.
bool checkText(const std::string &text, TextCheck &check, ReadError &error) {
  // Where toml++'s parser is: a key (line start, a table header, an inline
  // table), a value, a bare value (numbers, booleans, dates: everything up
  // to a ',', ']', '}', '#' or line break), after a value, or lost.
  enum class Mode { key, value, bare, afterValue, lost };
  enum class String { none, basic, literal, multiBasic, multiLiteral };
  // The open arrays ('[') and inline tables ('{'); a header is a '['
  // while `header` is set.
  std::string nesting;
  bool header = false;
  Mode mode = Mode::key;
  bool lineStart = true; // in a key, nothing read on this line yet
  String string = String::none;
  Mode afterString = Mode::afterValue;
  bool comment = false;
  // After a backslash in a multi-line basic string: 1 the escaped
  // character, 2 the blanks and line breaks after a line-ending backslash.
  int escape = 0;
  int line = 1, column = 1;
  auto fail = [&](const std::string &message) {
    error = {true, {line, column}, "syntax error: " + message};
    return false;
  };
  auto unsafe = [&](size_t offset, uint32_t c, const char *where) {
    if (check.unsafeOffset == std::string::npos) {
      check.unsafeOffset = offset;
      check.unsafePos = {line, column};
      check.unsafeChar = c;
      check.where = where;
    }
  };
  auto closeNesting = [&](char close) {
    char open = close == ']' ? '[' : '{';
    if (nesting.empty() || nesting.back() != open)
      return Mode::lost;
    nesting.pop_back();
    return Mode::afterValue;
  };
  auto newLine = [&](Mode m) {
    if (m == Mode::lost)
      return m;
    if (!nesting.empty())
      return nesting.back() == '[' && m != Mode::key ? m : Mode::lost;
    lineStart = true;
    return m == Mode::key || m == Mode::afterValue || m == Mode::bare
               ? Mode::key
               : Mode::lost;
  };
  size_t i = 0, n = text.size();
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
    i = 3; // a byte order mark
  auto run = [&](char q) {
    size_t k = i;
    while (k < n && text[k] == q)
      ++k;
    return k - i;
  };
  while (i < n) {
    // Decode one code point.
    uint8_t b = uint8_t(text[i]);
    uint32_t c = b;
    size_t length = 1;
    if (b >= 0x80) {
      length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
      static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      bool ok = length >= 2 && b < 0xF5 && i + length <= n;
      c = ok ? b & (0x7F >> length) : 0;
      for (size_t k = 1; ok && k < length; ++k) {
        uint8_t next = uint8_t(text[i + k]);
        ok = (next & 0xC0) == 0x80;
        c = (c << 6) | (next & 0x3F);
      }
      if (!ok || c < kMin[length] || c > 0x10FFFF ||
          (c >= 0xD800 && c <= 0xDFFF)) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", unsigned(b));
        return fail(std::string("invalid UTF-8 (byte ") + byte +
                    "); a description must be UTF-8 text");
      }
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
      return fail("control character " + codePointName(c) +
                  "; only tab and line breaks are allowed");
    size_t step = length;
    bool ascii = c < 0x80;
    bool blank = c == ' ' || c == '\t' || c == '\r';
    if (comment) {
      if (c == '\n') {
        comment = false;
        mode = newLine(mode);
      }
    } else if (escape != 0) {
      if (!ascii)
        unsafe(i, c, "after a backslash in a string");
      if (escape == 1 && !blank && c != '\n') {
        escape = 0; // an escaped character
      } else if (blank || c == '\n') {
        escape = 2;
      } else {
        escape = 0;
        continue; // the first character after a line-ending backslash
      }
    } else if (string != String::none) {
      bool basic = string == String::basic || string == String::multiBasic;
      bool multi =
          string == String::multiBasic || string == String::multiLiteral;
      char quote = basic ? '"' : '\'';
      if (c == uint32_t(quote)) {
        step = multi ? run(quote) : 1;
        if (!multi || step >= 3) {
          string = String::none;
          mode = afterString;
        }
      } else if (c == '\n' && !multi) {
        string = String::none;
        mode = Mode::lost;
      } else if (basic && c == '\\') {
        escape = 1;
      }
    } else {
      if (!ascii)
        unsafe(i, c, "outside a string or comment");
      bool quote = c == '"' || c == '\'';
      switch (mode) {
      case Mode::key:
        if (c == '#' && lineStart && nesting.empty()) {
          comment = true;
        } else if (c == '[' && lineStart && nesting.empty()) {
          step = run('[') >= 2 ? 2 : 1;
          header = true;
          nesting.push_back('[');
        } else if (c == ']' && header) {
          step = run(']') >= 2 ? 2 : 1;
          header = false;
          mode = closeNesting(']');
        } else if (c == '}' && lineStart && !nesting.empty() &&
                   nesting.back() == '{') {
          mode = closeNesting('}'); // {}
        } else if (c == '=' && !header) {
          mode = Mode::value;
        } else if (c == '\n') {
          mode = newLine(mode);
        } else if (quote) {
          string = String::basic; // set below
          afterString = Mode::key;
        } else if (!blank && !(c == '.' || c == '_' || c == '-' ||
                               (c >= '0' && c <= '9') ||
                               (c >= 'a' && c <= 'z') ||
                               (c >= 'A' && c <= 'Z'))) {
          mode = Mode::lost;
        }
        if (!blank && c != '\n' && mode == Mode::key && !comment)
          lineStart = false;
        break;
      case Mode::value:
        if (quote) {
          string = String::basic; // set below
          afterString = Mode::afterValue;
        } else if (c == '[') {
          nesting.push_back('[');
        } else if (c == '{') {
          nesting.push_back('{');
          mode = Mode::key;
          lineStart = true;
        } else if (c == ']') {
          mode = closeNesting(']'); // [] or a trailing comma
        } else if (c == '\n') {
          mode = newLine(mode);
        } else if (c == '#' && !nesting.empty() && nesting.back() == '[') {
          comment = true;
        } else if (!blank) {
          mode = Mode::bare;
        }
        break;
      case Mode::bare:
      case Mode::afterValue:
        if (c == ',') {
          mode = nesting.empty() ? Mode::lost
                 : nesting.back() == '[' ? Mode::value
                                          : Mode::key;
          lineStart = mode == Mode::key;
        } else if (c == ']' || c == '}') {
          mode = closeNesting(char(c));
        } else if (c == '#') {
          comment = true;
          if (mode == Mode::bare)
            mode = Mode::afterValue;
        } else if (c == '\n') {
          mode = newLine(mode == Mode::bare ? Mode::afterValue : mode);
        } else if (mode == Mode::afterValue && !blank) {
          mode = Mode::lost;
        }
        break;
      case Mode::lost:
        break;
      }
      if (string == String::basic) {
        char q = char(c);
        bool multi = run(q) >= 3;
        step = multi ? 3 : 1;
        string = q == '"' ? (multi ? String::multiBasic : String::basic)
                          : (multi ? String::multiLiteral : String::literal);
      }
    }
    for (size_t k = 0; k < step; ++k) {
      if (text[i + k] == '\n') {
        ++line;
        column = 1;
      } else if ((uint8_t(text[i + k]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    i += step;
  }
  return true;
}

} // namespace

bool mgc::readDescription(const std::string &path, ModelSpec &spec,
                          ReadError &error) {
  std::string text;
  if (!readText(path, text)) {
    error = {true, {}, "the file cannot be read"};
    return false;
  }
  TextCheck check;
  if (!checkText(text, check, error))
    return false;
  if (check.unsafeOffset != std::string::npos) {
    // toml++ reads the text before that character safely: a syntax error
    // on an earlier line comes first (but not one of the cut text's end).
    toml::parse_result prefix =
        toml::parse(std::string_view(text).substr(0, check.unsafeOffset), path);
    std::string_view what = prefix ? "" : prefix.error().description();
    SourcePos at = prefix ? SourcePos() : toSourcePos(prefix.error().source().begin);
    if (!prefix && at.line < check.unsafePos.line &&
        what.find("end-of-file") == what.npos &&
        what.find("EOF") == what.npos) {
      error = {true, at, "syntax error: " + std::string(what)};
      return false;
    }
    error = {true, check.unsafePos,
             "syntax error: non-ASCII character " +
                 codePointName(check.unsafeChar) + " " + check.where};
    return false;
  }
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error &e = parsed.error();
    error = {true, toSourcePos(e.source().begin),
             "syntax error: " + std::string(e.description())};
    return false;
  }
  spec = ModelSpec();
  spec.file = path;
  TomlTable root(parsed.table(), "", error);
  if (std::optional<TomlTable> model = root.getTable("model", true))
    readModel(*model, spec);
  std::map<std::string, int> mixers, ffns;
  readNamed(root, "mixers", spec.mixers, mixers, readMixer);
  readNamed(root, "ffns", spec.ffns, ffns, readFfn);
  if (std::optional<TomlTable> layers = root.getTable("layers", true))
    readLayers(*layers, spec, mixers, ffns);
  root.rejectUnknownKeys();
  if (error.failed)
    return false;
  std::string message;
  SourcePos pos;
  if (!finalizeModelSpec(spec, message, pos)) {
    error = {true, pos, message};
    return false;
  }
  return true;
}
