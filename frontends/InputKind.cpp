//===- InputKind.cpp - what kind of model input a path holds ----*- C++ -*-===//

#include "frontends/InputKind.h"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace fs = std::filesystem;

using namespace mgc;

const char *mgc::inputKindName(InputKind kind) {
  switch (kind) {
  case InputKind::MlirText:
    return "mgc IR (.mlir)";
  case InputKind::Description:
    return "mgc model description (TOML)";
  case InputKind::HuggingFaceDir:
    return "Hugging Face model directory";
  case InputKind::HuggingFaceConfig:
    return "Hugging Face config.json";
  case InputKind::Gguf:
    return "GGUF file";
  case InputKind::Llama2c:
    return "llama2.c checkpoint";
  case InputKind::Safetensors:
    return "safetensors weight file";
  case InputKind::RwkvCpp:
    return "rwkv.cpp model file";
  }
  return "unknown";
}

namespace {

DetectedInput found(InputKind kind) { return {true, kind, {}}; }
DetectedInput failed(const std::string &message) { return {false, {}, message}; }

/// Returns the first non-blank, non-comment line of a text prefix, where
/// `commentLead` starts a comment ("//" for MLIR, "#" for TOML).
std::string firstMeaningfulLine(const std::string &text,
                                const std::string &commentLead) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(pos, end - pos);
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos &&
        line.compare(first, commentLead.size(), commentLead) != 0)
      return line.substr(first);
    pos = end + 1;
  }
  return {};
}

bool startsWith(const std::string &text, const char *prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool looksLikeMlir(const std::string &head) {
  std::string line = firstMeaningfulLine(head, "//");
  return startsWith(line, "module") || startsWith(line, "func.func") ||
         startsWith(line, "mgc.") || startsWith(line, "#") ||
         startsWith(line, "!") || startsWith(line, "\"builtin.module\"");
}

bool looksLikeToml(const std::string &head) {
  std::string line = firstMeaningfulLine(head, "#");
  if (startsWith(line, "["))
    return line.find(']') != std::string::npos;
  size_t eq = line.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  for (size_t i = 0; i < eq; ++i) {
    char c = line[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.' || c == ' ' || c == '"'))
      return false;
  }
  return true;
}

/// A llama2.c checkpoint starts with seven int32s: dim, hidden_dim,
/// n_layers, n_heads, n_kv_heads, vocab_size (negative when the classifier
/// is not shared) and seq_len, all in plausible ranges.
bool looksLikeLlama2c(const std::string &head, uintmax_t fileSize) {
  if (head.size() < 28)
    return false;
  int32_t h[7];
  std::memcpy(h, head.data(), sizeof(h));
  int64_t dim = h[0], hidden = h[1], layers = h[2], heads = h[3],
          kvHeads = h[4], vocab = h[5] < 0 ? -int64_t(h[5]) : h[5],
          seqLen = h[6];
  bool plausible = dim > 0 && dim <= (1 << 16) && hidden > 0 &&
                   hidden <= (1 << 18) && layers > 0 && layers <= 1024 &&
                   heads > 0 && heads <= dim && dim % heads == 0 &&
                   kvHeads > 0 && kvHeads <= heads && vocab > 0 &&
                   vocab <= (1 << 22) && seqLen > 0 && seqLen <= (1 << 22);
  // The weights alone take at least the embedding table.
  return plausible &&
         fileSize >= 28 + uintmax_t(vocab) * uintmax_t(dim) * sizeof(float);
}

/// A safetensors file starts with a little-endian u64 header length and
/// then the header, a JSON object.
bool looksLikeSafetensors(const std::string &head, uintmax_t fileSize) {
  if (head.size() < 9)
    return false;
  uint64_t headerLength = 0;
  for (int i = 7; i >= 0; --i)
    headerLength = (headerLength << 8) | static_cast<unsigned char>(head[i]);
  return head[8] == '{' && headerLength >= 2 && headerLength <= fileSize - 8;
}

} // namespace

DetectedInput mgc::detectInputKind(const std::string &path) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    return failed(path + ": no such file or directory");
  if (fs::is_directory(status)) {
    if (fs::exists(fs::path(path) / "config.json", ec))
      return found(InputKind::HuggingFaceDir);
    return failed(path + ": a directory is read as a Hugging Face model and "
                         "must contain config.json");
  }
  if (!fs::is_regular_file(status))
    return failed(path + ": not a regular file");

  uintmax_t size = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in)
    return failed(path + ": cannot be read");
  // Enough to see past a long leading comment block of a text input.
  std::string head(65536, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.empty())
    return failed(path + ": the file is empty");

  if (startsWith(head, "GGUF"))
    return found(InputKind::Gguf);
  // rwkv.cpp's magic, the u32 0x67676d66 ('ggmf') little-endian; the reader
  // checks the version (legacy llama.cpp files share the magic).
  if (startsWith(head, "fmgg"))
    return found(InputKind::RwkvCpp);
  if (looksLikeSafetensors(head, size))
    return found(InputKind::Safetensors);
  std::string text = firstMeaningfulLine(head, "//");
  if (startsWith(text, "{"))
    return found(InputKind::HuggingFaceConfig);
  // TOML first: its '#' comments would otherwise read as MLIR aliases.
  if (looksLikeToml(head))
    return found(InputKind::Description);
  if (looksLikeMlir(head))
    return found(InputKind::MlirText);
  if (looksLikeLlama2c(head, size))
    return found(InputKind::Llama2c);
  return failed(path + ": unrecognized input; expected a model description "
                       "(TOML), a Hugging Face directory or config.json, a "
                       "GGUF file, a llama2.c checkpoint, an rwkv.cpp model "
                       "file, or mgc IR (.mlir)");
}
