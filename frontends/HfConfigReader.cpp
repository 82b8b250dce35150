//===- HfConfigReader.cpp - Hugging Face config.json as a ModelSpec -------===//
//
// This file implements readHfConfig: it loads config.json, parses it with
// LLVM's JSON parser, dispatches on `model_type` to the per-family readers
// (HfConfigDense.cpp, HfConfigMoe.cpp, HfConfigSsm.cpp), warns about every
// key they did not use, and finalizes the spec.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mgc;
using namespace mgc::hf;
using llvm::StringRef;
namespace json = llvm::json;

namespace {

/// Why a top-level key that no reader used does not change the computation;
/// null for keys mgc does not know.
const char *ignoredReason(StringRef key) {
  static const char *kMeta = "metadata that does not change the computation";
  static const char *kGeneration =
      "a generation or tokenizer setting, not part of the architecture";
  static const char *kTraining =
      "a training setting (initialization, dropout or auxiliary loss)";
  static const char *kImplementation =
      "an implementation or precision choice of transformers that does not "
      "change the computed function";
  static const std::map<std::string, const char *> table = {
      {"architectures", kMeta},
      {"transformers_version", kMeta},
      {"torch_dtype", kMeta},
      {"dtype", kMeta},
      {"_name_or_path", kMeta},
      {"auto_map", kMeta},
      {"id2label", kMeta},
      {"label2id", kMeta},
      {"num_labels", kMeta},
      {"problem_type", kMeta},
      {"finetuning_task", kMeta},
      {"task_specific_params", kMeta},
      {"is_encoder_decoder", kMeta},
      {"use_cache", kGeneration},
      {"max_length", kGeneration},
      {"min_length", kGeneration},
      {"do_sample", kGeneration},
      {"temperature", kGeneration},
      {"top_k", kGeneration},
      {"top_p", kGeneration},
      {"num_beams", kGeneration},
      {"repetition_penalty", kGeneration},
      {"initializer_range", kTraining},
      {"initializer_factor", kTraining},
      {"router_aux_loss_coef", kTraining},
      {"router_jitter_noise", kTraining},
      {"output_router_logits", kTraining},
      {"aux_loss_alpha", kTraining},
      {"seq_aux", kTraining},
      {"rescale_prenorm_residual", kTraining},
      {"time_step_min", kTraining},
      {"time_step_max", kTraining},
      {"time_step_floor", kTraining},
      {"time_step_scale", kTraining},
      {"time_step_init_scheme", kTraining},
      {"gradient_checkpointing", kTraining},
      {"pretraining_tp", kImplementation},
      {"residual_in_fp32", kImplementation},
      {"use_mambapy", kImplementation},
      {"use_mamba_kernels", kImplementation},
      {"use_associative_scan", kImplementation},
      {"reorder_and_upcast_attn", kImplementation},
      {"chunk_size", kImplementation},
      {"chunk_size_feed_forward", kImplementation},
      {"n_ctx", "a legacy key; transformers reads n_positions"},
      {"num_logits_to_keep", kImplementation},
      {"ep_size", kImplementation},
      {"attn_implementation", kImplementation},
      {"_attn_implementation", kImplementation},
      {"output_attentions", kImplementation},
      {"output_hidden_states", kImplementation},
      {"return_dict", kImplementation},
      {"torchscript", kImplementation},
      {"quantization_config",
       "it describes how the weights are stored, not the architecture"},
      {"num_nextn_predict_layers",
       "the multi-token-prediction module is not used for next-token logits"},
  };
  auto it = table.find(key.str());
  if (it != table.end())
    return it->second;
  if (key.ends_with("_token_id") || key.ends_with("_token_ids"))
    return kGeneration;
  if (key.ends_with("dropout") || key.ends_with("_pdrop") ||
      key.ends_with("dropout_prob") || key.starts_with("summary_"))
    return kTraining;
  return nullptr;
}

struct ModelType {
  const char *name;
  void (*read)(Object &, ModelSpec &);
};

const ModelType kModelTypes[] = {
    {"llama", readLlama},        {"mistral", readMistral},
    {"qwen2", readQwen2},        {"mixtral", readMixtral},
    {"qwen2_moe", readQwen2Moe}, {"qwen3", readQwen3},
    {"qwen3_moe", readQwen3Moe}, {"deepseek_v3", readDeepseekV3},
    {"mamba", readMamba},        {"mamba2", readMamba2},
    {"jamba", readJamba},        {"gpt2", readGpt2},
    {"bert", readBert},          {"phi", readPhi},
};

/// Model types people will try whose computation ModelSpec cannot express
/// yet, with what is missing.
const char *unsupportedReason(StringRef type) {
  if (type == "gemma" || type == "gemma2" || type == "gemma3_text")
    return "it scales embeddings by sqrt(hidden_size) and its norms multiply "
           "by (1 + weight), which mgc's ModelSpec cannot express";
  return nullptr;
}

std::string supportedList() {
  std::string list;
  for (const std::string &type : supportedHfModelTypes())
    list += (list.empty() ? "" : ", ") + type;
  return list;
}

/// Python's json writes float infinities as the bare words Infinity and
/// -Infinity (e.g. Mamba-2's time_step_limit). Rewrites them, outside
/// strings, as an overflowing literal of the same length, so offsets into
/// the text stay valid.
void replaceInfinities(std::string &text) {
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (text.compare(i, 8, "Infinity") == 0) {
      text.replace(i, 8, "1e999   ");
      i += 7;
    }
  }
}

/// Extracts the offset of the offending character and the message of a
/// json::ParseError, whose text reads "[line:column, byte=N]: message". The
/// parser reports most errors just past the character it rejected.
void parseErrorParts(const std::string &text, size_t &offset,
                     std::string &message) {
  offset = 0;
  message = text;
  size_t byte = text.find("byte=");
  size_t close = text.find("]: ");
  if (byte == std::string::npos || close == std::string::npos)
    return;
  offset = std::strtoull(text.c_str() + byte + 5, nullptr, 10);
  message = text.substr(close + 3);
  if (offset > 0 && message != "Text after end of document")
    --offset;
}

} // namespace

std::string mgc::formatDiagnostic(const Diagnostic &d, const char *severity) {
  std::string where = d.file;
  if (d.line > 0)
    where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  return where + ": " + severity + ": " + d.message;
}

const std::vector<std::string> &mgc::supportedHfModelTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> out;
    for (const ModelType &type : kModelTypes)
      out.push_back(type.name);
    return out;
  }();
  return types;
}

bool mgc::readHfConfig(const std::string &path, ModelSpec &spec,
                       std::vector<Diagnostic> &warnings, Diagnostic &error) {
  error = Diagnostic();
  std::string file = path;
  if (llvm::sys::fs::is_directory(path)) {
    llvm::SmallString<256> joined(path);
    llvm::sys::path::append(joined, "config.json");
    file = joined.str().str();
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
  if (!buffer) {
    error = Diagnostic{file, 0, 0,
                       "cannot read: " + buffer.getError().message() +
                           " (expected a Hugging Face model directory "
                           "holding config.json, or a config.json)"};
    return false;
  }
  Context context(file, (*buffer)->getBuffer().str(), warnings, error);

  // Parse a copy whose infinities (and UTF-8 byte-order mark) are rewritten
  // in place; positions come from the original text.
  std::string parsed = context.text();
  if (StringRef(parsed).starts_with("\xEF\xBB\xBF"))
    parsed.replace(0, 3, "   ");
  replaceInfinities(parsed);
  llvm::Expected<json::Value> root = json::parse(parsed);
  if (!root) {
    size_t offset;
    std::string message;
    parseErrorParts(llvm::toString(root.takeError()), offset, message);
    context.fail(context.posAt(offset), "invalid JSON: " + message);
    return false;
  }
  const json::Object *object = root->getAsObject();
  if (!object) {
    context.fail(SourcePos{1, 1}, "config.json must hold a JSON object of "
                                  "configuration keys");
    return false;
  }
  context.indexKeys();

  spec = ModelSpec();
  spec.file = file;
  Object cfg(context, *object, "");
  std::string type = cfg.getString("model_type", "");
  if (context.failed())
    return false;
  if (type.empty()) {
    context.fail(cfg.posOf("model_type"),
                 "missing 'model_type': expected one of " + supportedList());
    return false;
  }
  const ModelType *entry = nullptr;
  for (const ModelType &candidate : kModelTypes)
    if (type == candidate.name)
      entry = &candidate;
  if (!entry) {
    const char *reason = unsupportedReason(type);
    context.fail(cfg.posOf("model_type"),
                 "model_type '" + type + "' is not supported" +
                     (reason ? std::string(": ") + reason : "") +
                     "; supported: " + supportedList());
    return false;
  }

  spec.name = type;
  spec.pos = cfg.posOf("model_type");
  spec.norm.pos = spec.rope.pos = spec.pos;
  entry->read(cfg, spec);
  if (context.failed())
    return false;
  cfg.warnUnread(ignoredReason, "model_type '" + type + "'");

  std::string message;
  SourcePos pos;
  if (!finalizeModelSpec(spec, message, pos)) {
    context.fail(pos.line > 0 ? pos : spec.pos, message);
    return false;
  }
  return true;
}
