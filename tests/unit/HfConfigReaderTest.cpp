//===- HfConfigReaderTest.cpp - Hugging Face config.json reading ----------===//
//
// Reads the small but realistic configs under tests/frontends/Inputs/hf/<type>
// and checks every ModelSpec field they set against values worked out by hand
// from transformers' configuration and modeling code, the warnings about
// ignored keys, and each error (message and file position) on configs written
// to a temporary directory.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfigReader.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace mgc;

namespace {

std::string inputDir(const std::string &type) {
  return std::string(MGC_SOURCE_DIR) + "/tests/frontends/Inputs/hf/" + type;
}

/// The outcome of one read.
struct Read {
  bool ok = false;
  ModelSpec spec;
  std::vector<Diagnostic> warnings;
  Diagnostic error;
};

Read readPath(const std::string &path) {
  Read r;
  r.ok = readHfConfig(path, r.spec, r.warnings, r.error);
  return r;
}

Read readInput(const std::string &type) {
  Read r = readPath(inputDir(type));
  EXPECT_TRUE(r.ok) << formatDiagnostic(r.error);
  return r;
}

/// The key each warning is about: the first quoted name in its message.
std::vector<std::string> warnedKeys(const std::vector<Diagnostic> &warnings) {
  std::vector<std::string> keys;
  for (const Diagnostic &w : warnings) {
    size_t open = w.message.find('\'');
    size_t close = w.message.find('\'', open + 1);
    keys.push_back(w.message.substr(open + 1, close - open - 1));
  }
  return keys;
}

void expectPos(SourcePos pos, int line, int column) {
  EXPECT_EQ(pos.line, line);
  EXPECT_EQ(pos.column, column);
}

/// Writes config.json text to a fresh temporary directory and reads it.
class HfConfigErrorTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir =
        fs::temp_directory_path() /
        ("mgc-hf-config-" +
         std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  Read read(const std::string &text) {
    std::ofstream(dir / "config.json", std::ios::binary) << text;
    return readPath(dir.string());
  }

  /// Reads `text`, expects a failure at line:column whose message holds
  /// every one of `parts`.
  void expectError(const std::string &text, int line, int column,
                   const std::vector<std::string> &parts) {
    Read r = read(text);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error.file, (dir / "config.json").string());
    EXPECT_EQ(r.error.line, line) << r.error.message;
    EXPECT_EQ(r.error.column, column) << r.error.message;
    for (const std::string &part : parts)
      EXPECT_NE(r.error.message.find(part), std::string::npos)
          << "'" << part << "' not in: " << r.error.message;
  }

  fs::path dir;
};

/// A llama config of the smallest size, with `extra` keys added.
std::string llamaWith(const std::string &extra) {
  return "{\n"
         "  \"model_type\": \"llama\",\n"
         "  \"vocab_size\": 256,\n"
         "  \"hidden_size\": 64,\n"
         "  \"intermediate_size\": 128,\n"
         "  \"num_hidden_layers\": 2,\n"
         "  \"num_attention_heads\": 4" +
         extra + "\n}\n";
}

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

TEST(HfConfigReader, Llama) {
  Read r = readInput("llama");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.file, inputDir("llama") + "/config.json");
  EXPECT_EQ(s.name, "llama");
  expectPos(s.pos, 16, 3); // "model_type"
  EXPECT_EQ(s.vocab, 256);
  EXPECT_EQ(s.hidden, 64);
  EXPECT_EQ(s.numLayers, 2);
  EXPECT_EQ(s.maxContext, 131072);
  EXPECT_EQ(s.norm.kind, NormKind::rms);
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-5);
  EXPECT_FALSE(s.norm.bias);
  expectPos(s.norm.pos, 21, 3);
  EXPECT_EQ(s.positions, PositionKind::rope);
  EXPECT_TRUE(s.tieEmbeddings);
  EXPECT_FALSE(s.parallelBlock);
  EXPECT_FALSE(s.postNorm);

  // RoPE: llama3 scaling, rotate_half.
  EXPECT_DOUBLE_EQ(s.rope.theta, 500000.0);
  EXPECT_EQ(s.rope.style, RopeStyle::half);
  EXPECT_EQ(s.rope.scaling, RopeScaling::llama3);
  EXPECT_DOUBLE_EQ(s.rope.factor, 8.0);
  EXPECT_EQ(s.rope.originalContext, 8192);
  EXPECT_DOUBLE_EQ(s.rope.lowFreqFactor, 1.0);
  EXPECT_DOUBLE_EQ(s.rope.highFreqFactor, 4.0);
  EXPECT_EQ(s.rope.rotaryDim, 0);
  expectPos(s.rope.pos, 22, 3); // "rope_scaling"

  ASSERT_EQ(s.mixers.size(), 1u);
  const MixerSpec &m = s.mixers[0];
  EXPECT_EQ(m.name, "attn");
  EXPECT_EQ(m.kind, MixerSpec::Kind::attention);
  expectPos(m.pos, 17, 3);
  EXPECT_EQ(m.attention.heads, 4);
  EXPECT_EQ(m.attention.kvHeads, 2);
  EXPECT_EQ(m.attention.headDim, 16);
  EXPECT_EQ(m.attention.vHeadDim, 16);
  EXPECT_TRUE(m.attention.causal);
  EXPECT_TRUE(m.attention.rope);
  EXPECT_EQ(m.attention.window, 0);
  EXPECT_FALSE(m.attention.qkvBias);
  EXPECT_FALSE(m.attention.outBias);
  EXPECT_EQ(m.attention.kvLoraRank, 0);

  ASSERT_EQ(s.ffns.size(), 1u);
  const FfnSpec &f = s.ffns[0];
  EXPECT_EQ(f.name, "dense");
  EXPECT_EQ(f.kind, FfnSpec::Kind::mlp);
  EXPECT_EQ(f.activation, FfnKind::swiglu);
  EXPECT_EQ(f.intermediate, 172);
  EXPECT_FALSE(f.bias);
  expectPos(f.pos, 13, 3);

  ASSERT_EQ(s.layers.size(), 2u);
  for (const LayerSpec &layer : s.layers) {
    EXPECT_EQ(layer.mixer, 0);
    EXPECT_EQ(layer.ffn, 0);
  }

  EXPECT_EQ(warnedKeys(r.warnings),
            (std::vector<std::string>{
                "architectures", "attention_dropout", "bos_token_id",
                "eos_token_id", "initializer_range", "pretraining_tp",
                "torch_dtype", "transformers_version", "use_cache"}));
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings[0].file, s.file);
  EXPECT_EQ(r.warnings[0].line, 2);
  EXPECT_EQ(r.warnings[0].column, 3);
  EXPECT_EQ(r.warnings[0].message,
            "'architectures' is ignored: metadata that does not change the "
            "computation");
}

TEST(HfConfigReader, ConfigFileOrDirectory) {
  Read fromDir = readInput("llama");
  Read fromFile = readPath(inputDir("llama") + "/config.json");
  ASSERT_TRUE(fromFile.ok) << formatDiagnostic(fromFile.error);
  EXPECT_EQ(fromFile.spec.file, fromDir.spec.file);
  EXPECT_EQ(fromFile.spec.ffns[0].intermediate, 172);
}

TEST(HfConfigReader, Mistral) {
  Read r = readInput("mistral");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.vocab, 320);
  EXPECT_EQ(s.maxContext, 512);
  EXPECT_FALSE(s.tieEmbeddings);
  EXPECT_DOUBLE_EQ(s.rope.theta, 10000.0);
  EXPECT_EQ(s.rope.scaling, RopeScaling::none);
  expectPos(s.rope.pos, 17, 3); // "rope_theta"
  ASSERT_EQ(s.mixers.size(), 1u);
  EXPECT_EQ(s.mixers[0].name, "attn");
  EXPECT_EQ(s.mixers[0].attention.kvHeads, 1);
  EXPECT_EQ(s.mixers[0].attention.headDim, 16);
  EXPECT_EQ(s.mixers[0].attention.window, 128);
  expectPos(s.mixers[0].pos, 18, 3); // "sliding_window"
  ASSERT_EQ(s.ffns.size(), 1u);
  EXPECT_EQ(s.ffns[0].intermediate, 224);
  EXPECT_EQ(
      warnedKeys(r.warnings),
      (std::vector<std::string>{"architectures", "bos_token_id", "eos_token_id",
                                "initializer_range", "torch_dtype",
                                "transformers_version", "use_cache"}));
}

TEST(HfConfigReader, Qwen2SlidingWindowFromMaxWindowLayers) {
  Read r = readInput("qwen2");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.maxContext, 4096);
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-6);
  EXPECT_TRUE(s.tieEmbeddings);
  // yarn: factor 4 = max_position_embeddings 4096 / original 1024.
  EXPECT_DOUBLE_EQ(s.rope.theta, 1e6);
  EXPECT_EQ(s.rope.scaling, RopeScaling::yarn);
  EXPECT_DOUBLE_EQ(s.rope.factor, 4.0);
  EXPECT_EQ(s.rope.originalContext, 1024);
  EXPECT_EQ(s.rope.style, RopeStyle::half);

  // Layers 0-1 attend fully; from max_window_layers = 2 on, a window.
  ASSERT_EQ(s.mixers.size(), 2u);
  EXPECT_EQ(s.mixers[0].name, "attn");
  EXPECT_EQ(s.mixers[0].attention.window, 0);
  EXPECT_EQ(s.mixers[1].name, "attn_sliding");
  EXPECT_EQ(s.mixers[1].attention.window, 256);
  expectPos(s.mixers[1].pos, 25, 3);
  for (const MixerSpec &m : s.mixers) {
    EXPECT_EQ(m.attention.heads, 8);
    EXPECT_EQ(m.attention.kvHeads, 2);
    EXPECT_EQ(m.attention.headDim, 8);
    EXPECT_TRUE(m.attention.qkvBias); // Qwen2: q/k/v biased, o not
    EXPECT_FALSE(m.attention.outBias);
  }
  ASSERT_EQ(s.layers.size(), 4u);
  EXPECT_EQ(s.layers[0].mixer, 0);
  EXPECT_EQ(s.layers[1].mixer, 0);
  EXPECT_EQ(s.layers[2].mixer, 1);
  EXPECT_EQ(s.layers[3].mixer, 1);
  EXPECT_EQ(s.ffns[0].intermediate, 160);
}

TEST(HfConfigReader, Gpt2) {
  Read r = readInput("gpt2");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.vocab, 256);
  EXPECT_EQ(s.hidden, 64);
  EXPECT_EQ(s.numLayers, 2);
  EXPECT_EQ(s.maxContext, 128);
  EXPECT_EQ(s.positions, PositionKind::learned);
  EXPECT_EQ(s.norm.kind, NormKind::layer);
  EXPECT_TRUE(s.norm.bias);
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-5);
  expectPos(s.norm.pos, 11, 3);
  EXPECT_TRUE(s.tieEmbeddings);
  EXPECT_FALSE(s.postNorm);
  ASSERT_EQ(s.mixers.size(), 1u);
  const AttentionSpec &a = s.mixers[0].attention;
  expectPos(s.mixers[0].pos, 15, 3); // "n_head"
  EXPECT_EQ(a.heads, 4);
  EXPECT_EQ(a.kvHeads, 4);
  EXPECT_EQ(a.headDim, 16);
  EXPECT_FALSE(a.rope);
  EXPECT_TRUE(a.causal);
  EXPECT_TRUE(a.qkvBias);
  EXPECT_TRUE(a.outBias);
  EXPECT_EQ(a.scale, 0.0);
  ASSERT_EQ(s.ffns.size(), 1u);
  EXPECT_EQ(s.ffns[0].activation, FfnKind::gelu_tanh); // gelu_new
  EXPECT_EQ(s.ffns[0].intermediate, 256);              // n_inner null: 4 * 64
  EXPECT_TRUE(s.ffns[0].bias);
  EXPECT_EQ(warnedKeys(r.warnings),
            (std::vector<std::string>{
                "architectures", "attn_pdrop", "bos_token_id", "embd_pdrop",
                "eos_token_id", "initializer_range", "n_ctx",
                "reorder_and_upcast_attn", "resid_pdrop", "summary_activation",
                "summary_first_dropout", "summary_proj_to_labels",
                "summary_type", "summary_use_proj", "task_specific_params"}));
}

TEST(HfConfigReader, Bert) {
  Read r = readInput("bert");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.vocab, 256);
  EXPECT_EQ(s.maxContext, 128);
  EXPECT_EQ(s.positions, PositionKind::learned);
  EXPECT_EQ(s.tokenTypes, 2);
  EXPECT_TRUE(s.postNorm);
  EXPECT_TRUE(s.embeddingNorm);
  EXPECT_TRUE(s.tieEmbeddings);
  EXPECT_EQ(s.norm.kind, NormKind::layer);
  EXPECT_TRUE(s.norm.bias);
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-12);
  ASSERT_EQ(s.mixers.size(), 1u);
  const AttentionSpec &a = s.mixers[0].attention;
  EXPECT_FALSE(a.causal);
  EXPECT_FALSE(a.rope);
  EXPECT_EQ(a.heads, 4);
  EXPECT_EQ(a.headDim, 16);
  EXPECT_TRUE(a.qkvBias);
  EXPECT_TRUE(a.outBias);
  ASSERT_EQ(s.ffns.size(), 1u);
  EXPECT_EQ(s.ffns[0].activation, FfnKind::gelu);
  EXPECT_EQ(s.ffns[0].intermediate, 256);
  EXPECT_TRUE(s.ffns[0].bias);
  EXPECT_EQ(
      warnedKeys(r.warnings),
      (std::vector<std::string>{
          "architectures", "attention_probs_dropout_prob", "classifier_dropout",
          "gradient_checkpointing", "hidden_dropout_prob", "initializer_range",
          "pad_token_id", "transformers_version", "use_cache"}));
}

//===----------------------------------------------------------------------===//
// MoE
//===----------------------------------------------------------------------===//

TEST(HfConfigReader, Mixtral) {
  Read r = readInput("mixtral");
  const ModelSpec &s = r.spec;
  EXPECT_DOUBLE_EQ(s.rope.theta, 1e6);
  ASSERT_EQ(s.mixers.size(), 1u);
  EXPECT_EQ(s.mixers[0].attention.window, 0); // "sliding_window": null
  EXPECT_EQ(s.mixers[0].attention.kvHeads, 2);
  ASSERT_EQ(s.ffns.size(), 1u);
  const FfnSpec &f = s.ffns[0];
  EXPECT_EQ(f.name, "moe");
  EXPECT_EQ(f.kind, FfnSpec::Kind::moe);
  expectPos(f.pos, 18, 3); // "num_local_experts"
  EXPECT_EQ(f.activation, FfnKind::swiglu);
  EXPECT_EQ(f.intermediate, 112);
  EXPECT_EQ(f.moe.experts, 4);
  EXPECT_EQ(f.moe.topK, 2);
  EXPECT_EQ(f.moe.scoring, RouteScoring::softmax);
  EXPECT_TRUE(f.moe.normalize);
  EXPECT_DOUBLE_EQ(f.moe.scale, 1.0);
  EXPECT_EQ(f.moe.groups, 0);
  EXPECT_FALSE(f.moe.correctionBias);
  EXPECT_EQ(f.moe.sharedExperts, 0);
  for (const LayerSpec &layer : s.layers)
    EXPECT_EQ(layer.ffn, 0);
  EXPECT_EQ(
      warnedKeys(r.warnings),
      (std::vector<std::string>{
          "architectures", "attention_dropout", "bos_token_id", "eos_token_id",
          "initializer_range", "output_router_logits", "router_aux_loss_coef",
          "torch_dtype", "transformers_version", "use_cache"}));
}

TEST(HfConfigReader, Qwen2MoeSparseStepAndMlpOnlyLayers) {
  Read r = readInput("qwen2_moe");
  const ModelSpec &s = r.spec;
  ASSERT_EQ(s.mixers.size(), 1u);
  EXPECT_EQ(s.mixers[0].attention.window, 0); // use_sliding_window false
  EXPECT_TRUE(s.mixers[0].attention.qkvBias);
  EXPECT_FALSE(s.mixers[0].attention.outBias);

  ASSERT_EQ(s.ffns.size(), 2u);
  const FfnSpec &dense = s.ffns[0];
  EXPECT_EQ(dense.name, "dense");
  EXPECT_EQ(dense.kind, FfnSpec::Kind::mlp);
  EXPECT_EQ(dense.intermediate, 128);
  const FfnSpec &moe = s.ffns[1];
  EXPECT_EQ(moe.name, "moe");
  expectPos(moe.pos, 20, 3); // "num_experts"
  EXPECT_EQ(moe.intermediate, 32);
  EXPECT_EQ(moe.moe.experts, 8);
  EXPECT_EQ(moe.moe.topK, 2);
  EXPECT_EQ(moe.moe.scoring, RouteScoring::softmax);
  EXPECT_FALSE(moe.moe.normalize);
  EXPECT_EQ(moe.moe.sharedExperts, 1);
  EXPECT_EQ(moe.moe.sharedIntermediate, 96);
  EXPECT_TRUE(moe.moe.sharedGate);
  // decoder_sparse_step 2 makes layers 1 and 3 sparse; mlp_only_layers [3]
  // keeps 3 dense.
  ASSERT_EQ(s.layers.size(), 4u);
  EXPECT_EQ(s.layers[0].ffn, 0);
  EXPECT_EQ(s.layers[1].ffn, 1);
  EXPECT_EQ(s.layers[2].ffn, 0);
  EXPECT_EQ(s.layers[3].ffn, 0);

  // The window settings come first, as they are read.
  std::vector<std::string> keys = warnedKeys(r.warnings);
  ASSERT_GE(keys.size(), 2u);
  EXPECT_EQ(keys[0], "sliding_window");
  EXPECT_EQ(keys[1], "max_window_layers");
  expectPos(SourcePos{r.warnings[0].line, r.warnings[0].column}, 29, 3);
  EXPECT_NE(r.warnings[0].message.find("'use_sliding_window' is false"),
            std::string::npos);
  EXPECT_EQ(
      std::vector<std::string>(keys.begin() + 2, keys.end()),
      (std::vector<std::string>{
          "architectures", "attention_dropout", "bos_token_id", "eos_token_id",
          "initializer_range", "output_router_logits", "router_aux_loss_coef",
          "torch_dtype", "transformers_version", "use_cache"}));
}

TEST(HfConfigReader, DeepseekV3) {
  Read r = readInput("deepseek_v3");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.vocab, 512);
  EXPECT_EQ(s.numLayers, 3);
  EXPECT_EQ(s.maxContext, 4096);

  // MLA: query/key heads are nope 16 + rope 8; values 16.
  ASSERT_EQ(s.mixers.size(), 1u);
  const AttentionSpec &a = s.mixers[0].attention;
  EXPECT_EQ(a.heads, 4);
  EXPECT_EQ(a.kvHeads, 4);
  EXPECT_EQ(a.headDim, 24);
  EXPECT_EQ(a.vHeadDim, 16);
  EXPECT_EQ(a.ropeHeadDim, 8);
  EXPECT_EQ(a.qLoraRank, 32);
  EXPECT_EQ(a.kvLoraRank, 16);
  EXPECT_FALSE(a.qkvBias);
  EXPECT_FALSE(a.outBias);
  // softmax_scale = qk_head_dim^-0.5 * mscale^2, mscale = 0.1 * 1.0 * ln 4 + 1.
  double mscale = 0.1 * std::log(4.0) + 1.0;
  EXPECT_NEAR(a.scale, mscale * mscale / std::sqrt(24.0), 1e-12);

  EXPECT_EQ(s.rope.scaling, RopeScaling::yarn);
  EXPECT_DOUBLE_EQ(s.rope.factor, 4.0);
  EXPECT_EQ(s.rope.originalContext, 1024);
  EXPECT_EQ(s.rope.style, RopeStyle::interleaved); // rope_interleave default
  expectPos(s.rope.pos, 40, 3);

  ASSERT_EQ(s.ffns.size(), 2u);
  EXPECT_EQ(s.ffns[0].name, "dense");
  EXPECT_EQ(s.ffns[0].intermediate, 96);
  EXPECT_EQ(s.ffns[0].activation, FfnKind::swiglu);
  const FfnSpec &moe = s.ffns[1];
  EXPECT_EQ(moe.name, "moe");
  expectPos(moe.pos, 22, 3); // "n_routed_experts"
  EXPECT_EQ(moe.intermediate, 16);
  EXPECT_EQ(moe.moe.experts, 8);
  EXPECT_EQ(moe.moe.topK, 2);
  EXPECT_EQ(moe.moe.scoring, RouteScoring::sigmoid);
  EXPECT_TRUE(moe.moe.correctionBias);
  EXPECT_TRUE(moe.moe.normalize);
  EXPECT_DOUBLE_EQ(moe.moe.scale, 2.5);
  EXPECT_EQ(moe.moe.groups, 4);
  EXPECT_EQ(moe.moe.topkGroups, 2);
  EXPECT_EQ(moe.moe.sharedExperts, 1);
  EXPECT_EQ(moe.moe.sharedIntermediate, 16); // derived: 16 * 1
  EXPECT_FALSE(moe.moe.sharedGate);

  // first_k_dense_replace 1: layer 0 dense, the rest MoE.
  ASSERT_EQ(s.layers.size(), 3u);
  EXPECT_EQ(s.layers[0].ffn, 0);
  EXPECT_EQ(s.layers[1].ffn, 1);
  EXPECT_EQ(s.layers[2].ffn, 1);

  EXPECT_EQ(warnedKeys(r.warnings),
            (std::vector<std::string>{
                "architectures", "attention_dropout", "aux_loss_alpha",
                "bos_token_id", "eos_token_id", "ep_size", "initializer_range",
                "num_nextn_predict_layers", "quantization_config", "seq_aux",
                "torch_dtype", "transformers_version", "use_cache"}));
}

//===----------------------------------------------------------------------===//
// State-space models
//===----------------------------------------------------------------------===//

TEST(HfConfigReader, Mamba) {
  Read r = readInput("mamba");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.vocab, 256);
  EXPECT_EQ(s.hidden, 64);
  EXPECT_EQ(s.positions, PositionKind::none);
  EXPECT_EQ(s.norm.kind, NormKind::rms);
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-5);
  EXPECT_TRUE(s.tieEmbeddings); // MambaConfig's default
  ASSERT_EQ(s.mixers.size(), 1u);
  const MixerSpec &m = s.mixers[0];
  EXPECT_EQ(m.name, "mamba");
  EXPECT_EQ(m.kind, MixerSpec::Kind::scan);
  expectPos(m.pos, 20, 3); // "state_size"
  EXPECT_EQ(m.scan.kind, ScanMixerKind::mamba1);
  EXPECT_EQ(m.scan.stateSize, 16);
  EXPECT_EQ(m.scan.expand, 2);
  EXPECT_EQ(m.scan.convWidth, 4);
  EXPECT_TRUE(m.scan.convBias);
  EXPECT_FALSE(m.scan.projBias);
  EXPECT_EQ(m.scan.dtRank, 4); // "auto": ceil(64 / 16)
  EXPECT_TRUE(s.ffns.empty());
  ASSERT_EQ(s.layers.size(), 2u);
  for (const LayerSpec &layer : s.layers) {
    EXPECT_EQ(layer.mixer, 0);
    EXPECT_EQ(layer.ffn, -1);
  }
  std::vector<std::string> keys = warnedKeys(r.warnings);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "architectures", "bos_token_id", "eos_token_id",
                      "initializer_range", "n_layer", "pad_token_id",
                      "rescale_prenorm_residual", "residual_in_fp32",
                      "time_step_floor", "time_step_init_scheme",
                      "time_step_max", "time_step_min", "time_step_scale",
                      "torch_dtype", "transformers_version", "use_cache"}));
  // n_layer is not a MambaConfig key: reported as unknown.
  EXPECT_EQ(r.warnings[4].message,
            "unknown key 'n_layer' for model_type 'mamba', ignored");
  expectPos(SourcePos{r.warnings[4].line, r.warnings[4].column}, 15, 3);
}

TEST(HfConfigReader, Mamba2WithInfinityLimit) {
  Read r = readInput("mamba2");
  const ModelSpec &s = r.spec;
  EXPECT_FALSE(s.tieEmbeddings);
  EXPECT_EQ(s.positions, PositionKind::none);
  ASSERT_EQ(s.mixers.size(), 1u);
  const ScanSpec &scan = s.mixers[0].scan;
  expectPos(s.mixers[0].pos, 17, 3); // "num_heads"
  EXPECT_EQ(scan.kind, ScanMixerKind::mamba2);
  EXPECT_EQ(scan.heads, 8);
  EXPECT_EQ(scan.headDim, 16);
  EXPECT_EQ(scan.groups, 2);
  EXPECT_EQ(scan.stateSize, 32);
  EXPECT_EQ(scan.expand, 2);
  EXPECT_EQ(scan.convWidth, 4);
  EXPECT_TRUE(scan.convBias);
  EXPECT_FALSE(scan.projBias);
  for (const LayerSpec &layer : s.layers)
    EXPECT_EQ(layer.ffn, -1);
  std::vector<std::string> keys = warnedKeys(r.warnings);
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys[0], "time_step_rank");
  EXPECT_EQ(std::vector<std::string>(keys.begin() + 1, keys.end()),
            (std::vector<std::string>{
                "architectures", "bos_token_id", "chunk_size", "eos_token_id",
                "initializer_range", "pad_token_id", "rescale_prenorm_residual",
                "residual_in_fp32", "time_step_floor", "time_step_max",
                "time_step_min", "torch_dtype", "transformers_version",
                "use_cache"}));
}

//===----------------------------------------------------------------------===//
// Other mappings, on configs written here
//===----------------------------------------------------------------------===//

TEST_F(HfConfigErrorTest, LlamaDefaultsAndBiases) {
  Read r = read(llamaWith(",\n  \"attention_bias\": true,\n"
                          "  \"mlp_bias\": true,\n"
                          "  \"partial_rotary_factor\": 0.5"));
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.maxContext, 2048);      // LlamaConfig default
  EXPECT_DOUBLE_EQ(s.norm.eps, 1e-6); // LlamaConfig default
  EXPECT_FALSE(s.tieEmbeddings);
  EXPECT_DOUBLE_EQ(s.rope.theta, 10000.0);
  EXPECT_EQ(s.rope.rotaryDim, 8); // 0.5 * (64 / 4)
  const AttentionSpec &a = s.mixers[0].attention;
  EXPECT_EQ(a.kvHeads, 4);
  EXPECT_TRUE(a.qkvBias);
  EXPECT_TRUE(a.outBias);
  EXPECT_TRUE(s.ffns[0].bias);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(HfConfigErrorTest, RopeVariants) {
  Read linear = read(llamaWith(",\n  \"rope_scaling\": {\"type\": \"linear\", "
                               "\"factor\": 2.0}"));
  ASSERT_TRUE(linear.ok) << formatDiagnostic(linear.error);
  EXPECT_EQ(linear.spec.rope.scaling, RopeScaling::linear);
  EXPECT_DOUBLE_EQ(linear.spec.rope.factor, 2.0);

  Read dynamic = read(llamaWith(",\n  \"max_position_embeddings\": 4096,\n"
                                "  \"rope_scaling\": {\"rope_type\": "
                                "\"dynamic\", \"factor\": 2.0}"));
  ASSERT_TRUE(dynamic.ok) << formatDiagnostic(dynamic.error);
  EXPECT_EQ(dynamic.spec.rope.scaling, RopeScaling::ntk);
  EXPECT_DOUBLE_EQ(dynamic.spec.rope.factor, 2.0);
  EXPECT_EQ(dynamic.spec.rope.originalContext, 4096);

  // transformers 5 keeps theta inside rope_parameters.
  Read v5 = read(llamaWith(",\n  \"rope_parameters\": {\"rope_type\": "
                           "\"default\", \"rope_theta\": 1000000.0}"));
  ASSERT_TRUE(v5.ok) << formatDiagnostic(v5.error);
  EXPECT_EQ(v5.spec.rope.scaling, RopeScaling::none);
  EXPECT_DOUBLE_EQ(v5.spec.rope.theta, 1e6);
  EXPECT_TRUE(v5.warnings.empty());
}

TEST_F(HfConfigErrorTest, MistralNullWindow) {
  Read r = read("{\n  \"model_type\": \"mistral\",\n  \"vocab_size\": 256,\n"
                "  \"hidden_size\": 64,\n  \"intermediate_size\": 128,\n"
                "  \"num_hidden_layers\": 2,\n  \"num_attention_heads\": 16,\n"
                "  \"sliding_window\": null\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  EXPECT_EQ(r.spec.mixers[0].attention.window, 0);
  EXPECT_EQ(r.spec.mixers[0].attention.kvHeads, 8); // MistralConfig default
  EXPECT_EQ(r.spec.maxContext, 4096 * 32);
}

TEST_F(HfConfigErrorTest, Qwen2WindowOffWarns) {
  Read r =
      read("{\n  \"model_type\": \"qwen2\",\n  \"vocab_size\": 256,\n"
           "  \"hidden_size\": 64,\n  \"intermediate_size\": 128,\n"
           "  \"num_hidden_layers\": 2,\n  \"num_attention_heads\": 4,\n"
           "  \"num_key_value_heads\": 4,\n"
           "  \"sliding_window\": 32,\n  \"use_sliding_window\": false\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  ASSERT_EQ(r.spec.mixers.size(), 1u);
  EXPECT_EQ(r.spec.mixers[0].attention.window, 0);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 9);
  EXPECT_EQ(r.warnings[0].column, 3);
  EXPECT_EQ(r.warnings[0].message,
            "'sliding_window' has no effect: 'use_sliding_window' is false, "
            "so every layer attends to the whole context");
}

TEST_F(HfConfigErrorTest, Qwen2LayerTypes) {
  std::string base =
      "{\n  \"model_type\": \"qwen2\",\n  \"vocab_size\": 256,\n"
      "  \"hidden_size\": 64,\n  \"intermediate_size\": 128,\n"
      "  \"num_hidden_layers\": 3,\n  \"num_attention_heads\": 4,\n"
      "  \"num_key_value_heads\": 4,\n  \"sliding_window\": 32,\n"
      "  \"layer_types\": [\"sliding_attention\", \"full_attention\", "
      "\"sliding_attention\"],\n";
  // layer_types overrides max_window_layers (default 28).
  Read r = read(base + "  \"use_sliding_window\": true\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  ASSERT_EQ(r.spec.mixers.size(), 2u);
  EXPECT_EQ(r.spec.mixers[0].name, "attn_sliding");
  EXPECT_EQ(r.spec.mixers[0].attention.window, 32);
  EXPECT_EQ(r.spec.mixers[1].name, "attn");
  EXPECT_EQ(r.spec.layers[0].mixer, 0);
  EXPECT_EQ(r.spec.layers[1].mixer, 1);
  EXPECT_EQ(r.spec.layers[2].mixer, 0);

  Read off = read(base + "  \"use_sliding_window\": false\n}\n");
  ASSERT_TRUE(off.ok) << formatDiagnostic(off.error);
  ASSERT_EQ(off.spec.mixers.size(), 1u);
  EXPECT_EQ(off.spec.mixers[0].attention.window, 0);
  EXPECT_EQ(warnedKeys(off.warnings),
            (std::vector<std::string>{"sliding_window", "layer_types"}));

  expectError(base + "  \"use_sliding_window\": true,\n"
                     "  \"num_hidden_layers\": 2\n}\n",
              10, 3,
              {"'layer_types' lists 3 layers but num_hidden_layers is 2"});
}

TEST_F(HfConfigErrorTest, DeepseekV3Variants) {
  std::string base =
      "{\n  \"model_type\": \"deepseek_v3\",\n  \"vocab_size\": 256,\n"
      "  \"hidden_size\": 64,\n  \"num_hidden_layers\": 2,\n"
      "  \"num_attention_heads\": 4,\n  \"kv_lora_rank\": 16,\n"
      "  \"qk_rope_head_dim\": 8,\n  \"qk_nope_head_dim\": 8,\n"
      "  \"v_head_dim\": 8,\n  \"n_routed_experts\": 4,\n"
      "  \"num_experts_per_tok\": 2,\n  \"moe_intermediate_size\": 16,\n"
      "  \"first_k_dense_replace\": 0,\n  \"n_group\": 1,\n"
      "  \"topk_group\": 1";
  Read r = read(base + ",\n  \"q_lora_rank\": null,\n"
                       "  \"rope_interleave\": false,\n"
                       "  \"attention_bias\": true\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  const AttentionSpec &a = r.spec.mixers[0].attention;
  EXPECT_EQ(a.qLoraRank, 0); // full-rank queries
  EXPECT_TRUE(a.qkvBias);
  EXPECT_TRUE(a.outBias);
  EXPECT_EQ(a.scale, 0.0); // no rope_scaling: 1 / sqrt(16)
  EXPECT_EQ(r.spec.rope.style, RopeStyle::half);
  EXPECT_EQ(r.spec.rope.scaling, RopeScaling::none);
  ASSERT_EQ(r.spec.ffns.size(), 1u); // no dense layer
  EXPECT_EQ(r.spec.layers[0].ffn, 0);
  EXPECT_TRUE(r.warnings.empty());

  // A missing key has no position of its own: the object's.
  expectError(base + "\n}\n", 1, 1,
              {"missing 'q_lora_rank'", "null for full-rank queries"});
  expectError(
      base + ",\n  \"q_lora_rank\": 32,\n"
             "  \"scoring_func\": \"softmax\"\n}\n",
      18, 3,
      {"'scoring_func' \"softmax\" is not supported", "expected \"sigmoid\""});
  expectError(base + ",\n  \"q_lora_rank\": 32,\n"
                     "  \"moe_layer_freq\": 2\n}\n",
              18, 3, {"'moe_layer_freq' 2 is not supported"});
}

TEST_F(HfConfigErrorTest, MambaSizes) {
  std::string base = "{\n  \"model_type\": \"mamba\",\n  \"vocab_size\": 256,\n"
                     "  \"hidden_size\": 64,\n  \"num_hidden_layers\": 2,\n";
  Read r = read(base + "  \"time_step_rank\": 8\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  EXPECT_EQ(r.spec.mixers[0].scan.dtRank, 8);
  expectError(base + "  \"time_step_rank\": \"big\"\n}\n", 6, 3,
              {"'time_step_rank' must be \"auto\" or an integer"});
  expectError(base + "  \"intermediate_size\": 96\n}\n", 6, 3,
              {"'intermediate_size' 96 disagrees with expand * hidden_size = "
               "128"});
  expectError(base + "  \"expand\": 1.5\n}\n", 6, 3,
              {"'expand' must be a whole number"});
}

TEST_F(HfConfigErrorTest, Gpt2ScaleByInverseLayerIndex) {
  Read r = read("{\n  \"model_type\": \"gpt2\",\n  \"vocab_size\": 256,\n"
                "  \"n_embd\": 64,\n  \"n_head\": 4,\n  \"n_layer\": 2,\n"
                "  \"scale_attn_by_inverse_layer_idx\": true\n}\n");
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  ASSERT_EQ(r.spec.mixers.size(), 2u);
  EXPECT_EQ(r.spec.layers[1].mixer, 1);
  EXPECT_DOUBLE_EQ(r.spec.mixers[0].attention.scale, 1.0 / 4.0); // 1/sqrt(16)
  EXPECT_DOUBLE_EQ(r.spec.mixers[1].attention.scale, 1.0 / 8.0); // ... / 2
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(HfConfigErrorTest, MalformedJson) {
  // A missing comma: the position of the next key.
  expectError("{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 64\n"
              "  \"vocab_size\": 256\n}\n",
              4, 3, {"invalid JSON: Expected , or } after object property"});
  // A trailing comma: the closing brace.
  expectError("{\n  \"model_type\": \"llama\",\n}\n", 3, 1,
              {"invalid JSON: Expected object key"});
  // Python's NaN is not JSON (its Infinity is read as +inf).
  expectError("{\n  \"model_type\": \"mamba2\",\n  \"x\": NaN\n}\n", 3, 8,
              {"invalid JSON: Invalid JSON value"});
}

TEST_F(HfConfigErrorTest, NotAnObject) {
  expectError("[1, 2]\n", 1, 1, {"JSON object"});
}

TEST_F(HfConfigErrorTest, MissingFile) {
  Read r = readPath((dir / "nothing-here").string());
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.line, 0);
  EXPECT_NE(r.error.message.find("cannot read"), std::string::npos);
}

TEST_F(HfConfigErrorTest, MissingModelType) {
  expectError(
      "{\n  \"hidden_size\": 64\n}\n", 1, 1,
      {"missing 'model_type'", "llama, mistral, qwen2, mixtral", "bert"});
}

TEST_F(HfConfigErrorTest, UnknownModelType) {
  expectError("{\n  \"hidden_size\": 64,\n  \"model_type\": \"t5\"\n}\n", 3, 3,
              {"model_type 't5' is not supported; supported: llama, mistral, "
               "qwen2, mixtral, qwen2_moe, qwen3, qwen3_moe, deepseek_v3, "
               "mamba, mamba2, jamba, gpt2, bert, phi"});
}

TEST_F(HfConfigErrorTest, UnsupportedModelTypeSaysWhy) {
  expectError("{\n  \"model_type\": \"gemma\"\n}\n", 2, 3,
              {"'gemma' is not supported", "sqrt(hidden_size)"});
}

TEST_F(HfConfigErrorTest, WrongType) {
  expectError("{\n  \"model_type\": \"llama\",\n  \"vocab_size\": 256,\n"
              "  \"hidden_size\": 64,\n  \"num_hidden_layers\": \"12\"\n}\n",
              5, 3,
              {"'num_hidden_layers' must be an integer in [1, 4096], got the "
               "string \"12\""});
  expectError(
      llamaWith(",\n  \"tie_word_embeddings\": 1"), 8, 3,
      {"'tie_word_embeddings' must be true or false, got the number 1"});
}

TEST_F(HfConfigErrorTest, MissingRequiredKey) {
  expectError("{\n  \"model_type\": \"llama\",\n  \"vocab_size\": 256,\n"
              "  \"num_hidden_layers\": 2\n}\n",
              1, 1, {"missing 'hidden_size': expected an integer"});
}

TEST_F(HfConfigErrorTest, UnsupportedRopeScaling) {
  expectError(llamaWith(",\n  \"rope_scaling\": {\n    \"rope_type\": "
                        "\"longrope\",\n    \"short_factor\": [1.0],\n"
                        "    \"long_factor\": [1.0]\n  }"),
              9, 5,
              {"'rope_scaling.rope_type' \"longrope\" is not supported",
               "\"default\", \"linear\", \"dynamic\", \"yarn\" or "
               "\"llama3\""});
  expectError(llamaWith(",\n  \"rope_scaling\": {\"factor\": 2.0}"), 8, 3,
              {"'rope_scaling' needs \"rope_type\""});
}

TEST_F(HfConfigErrorTest, YarnSettingsRopeSpecCannotCarry) {
  std::string yarn = ",\n  \"max_position_embeddings\": 4096,\n"
                     "  \"rope_scaling\": {\n    \"type\": \"yarn\",\n"
                     "    \"factor\": 4.0,\n"
                     "    \"original_max_position_embeddings\": 1024,\n";
  expectError(llamaWith(yarn + "    \"beta_fast\": 16\n  }"), 13, 5,
              {"'rope_scaling.beta_fast' 16 is not supported"});
  // transformers 4 would use 4096 / 2048 = 2, transformers 5 the stated 4.
  expectError(llamaWith(",\n  \"max_position_embeddings\": 4096,\n"
                        "  \"rope_scaling\": {\"type\": \"yarn\", \"factor\": "
                        "4.0, \"original_max_position_embeddings\": 2048}"),
              9, 36, {"'rope_scaling.factor' 4 disagrees", "= 2"});
}

TEST_F(HfConfigErrorTest, SettingsThatCannotBeHonoured) {
  expectError(llamaWith(",\n  \"hidden_act\": \"gelu_pytorch_tanh\""), 8, 3,
              {"'hidden_act' \"gelu_pytorch_tanh\" is not supported in a "
               "gated MLP",
               "\"silu\""});
  expectError("{\n  \"model_type\": \"bert\",\n  \"vocab_size\": 256,\n"
              "  \"hidden_size\": 64,\n  \"num_hidden_layers\": 2,\n"
              "  \"num_attention_heads\": 4,\n  \"intermediate_size\": 256,\n"
              "  \"position_embedding_type\": \"relative_key\"\n}\n",
              8, 3, {"\"relative_key\"", "expected \"absolute\""});
  expectError("{\n  \"model_type\": \"mamba2\",\n  \"vocab_size\": 256,\n"
              "  \"hidden_size\": 64,\n  \"num_hidden_layers\": 2,\n"
              "  \"num_heads\": 8,\n  \"head_dim\": 16,\n"
              "  \"time_step_limit\": [0.0, 0.1]\n}\n",
              8, 3, {"'time_step_limit' clamps dt"});
}

TEST_F(HfConfigErrorTest, InconsistencyFoundByFinalize) {
  // 4 heads of 16 do not fill... here 5 heads do not divide 64.
  expectError("{\n  \"model_type\": \"llama\",\n  \"vocab_size\": 256,\n"
              "  \"hidden_size\": 64,\n  \"intermediate_size\": 128,\n"
              "  \"num_hidden_layers\": 2,\n  \"num_attention_heads\": 5\n}\n",
              7, 3, {"heads 5 must divide hidden_size 64"});
}

TEST_F(HfConfigErrorTest, UnknownKeyWarns) {
  Read r = read(llamaWith(",\n  \"my_new_setting\": 3"));
  ASSERT_TRUE(r.ok) << formatDiagnostic(r.error);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 8);
  EXPECT_EQ(r.warnings[0].column, 3);
  EXPECT_EQ(r.warnings[0].message,
            "unknown key 'my_new_setting' for model_type 'llama', ignored");
}

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Qwen3, Jamba, Phi and yarn attention factors
//===----------------------------------------------------------------------===//

TEST(HfConfigReader, Qwen3NormalizesQueryAndKeyHeads) {
  Read r = readInput("qwen3");
  const ModelSpec &s = r.spec;
  ASSERT_EQ(s.mixers.size(), 1u);
  const AttentionSpec &a = s.mixers[0].attention;
  EXPECT_TRUE(a.qkNorm);
  EXPECT_EQ(a.headDim, 32);
  EXPECT_EQ(a.kvHeads, 2);
  EXPECT_EQ(a.window, 0); // use_sliding_window is false
  EXPECT_FALSE(a.qkvBias);
  EXPECT_TRUE(s.tieEmbeddings);
  EXPECT_EQ(s.ffns[0].kind, FfnSpec::Kind::mlp);
  EXPECT_EQ(s.ffns[0].intermediate, 192);
}

TEST(HfConfigReader, Qwen3MoeHasNoSharedExpert) {
  Read r = readInput("qwen3_moe");
  const ModelSpec &s = r.spec;
  EXPECT_TRUE(s.mixers[0].attention.qkNorm);
  ASSERT_EQ(s.ffns.size(), 1u); // decoder_sparse_step 1: every layer is MoE
  const MoeSpec &m = s.ffns[0].moe;
  EXPECT_EQ(m.experts, 8);
  EXPECT_EQ(m.topK, 2);
  EXPECT_TRUE(m.normalize);
  EXPECT_EQ(m.sharedExperts, 0);
  EXPECT_EQ(s.ffns[0].intermediate, 32);
}

TEST(HfConfigReader, JambaInterleavesAttentionMambaAndExperts) {
  Read r = readInput("jamba");
  const ModelSpec &s = r.spec;
  EXPECT_EQ(s.positions, PositionKind::none);
  ASSERT_EQ(s.layers.size(), 8u);
  // attn_layer_period 4 / offset 3, expert_layer_period 2 / offset 1.
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const MixerSpec &mixer = s.mixers[s.layers[i].mixer];
    const FfnSpec &ffn = s.ffns[s.layers[i].ffn];
    EXPECT_EQ(mixer.kind, i % 4 == 3 ? MixerSpec::Kind::attention
                                     : MixerSpec::Kind::scan)
        << "layer " << i;
    EXPECT_EQ(ffn.kind, i % 2 == 1 ? FfnSpec::Kind::moe : FfnSpec::Kind::mlp)
        << "layer " << i;
  }
  const MixerSpec &mamba = s.mixers[s.layers[0].mixer];
  EXPECT_TRUE(mamba.scan.dtBcNorm);
  EXPECT_EQ(mamba.scan.dtRank, 4); // "auto": ceil(64 / 16)
  EXPECT_FALSE(s.mixers[s.layers[3].mixer].attention.rope);
  const MoeSpec &m = s.ffns[s.layers[1].ffn].moe;
  EXPECT_EQ(m.experts, 4);
  EXPECT_FALSE(m.normalize); // Jamba keeps the softmax top-k weights
}

TEST(HfConfigReader, PhiRunsBlocksInParallelWithHeadBias) {
  Read r = readInput("phi");
  const ModelSpec &s = r.spec;
  EXPECT_TRUE(s.parallelBlock);
  EXPECT_TRUE(s.outputBias);
  EXPECT_EQ(s.norm.kind, NormKind::layer);
  EXPECT_TRUE(s.norm.bias);
  EXPECT_EQ(s.rope.rotaryDim, 6); // int(16 * 0.4)
  EXPECT_TRUE(s.mixers[0].attention.qkvBias);
  EXPECT_TRUE(s.mixers[0].attention.outBias);
  EXPECT_EQ(s.ffns[0].activation, FfnKind::gelu_tanh);
  EXPECT_TRUE(s.ffns[0].bias);
}

} // namespace

TEST_F(HfConfigErrorTest, YarnAttentionFactorIsCarried) {
  std::string yarn = ",\n  \"max_position_embeddings\": 4096,\n"
                     "  \"rope_scaling\": {\n    \"type\": \"yarn\",\n"
                     "    \"factor\": 4.0,\n"
                     "    \"original_max_position_embeddings\": 1024";
  // DeepSeek-V3's own mscale == mscale_all_dim gives cos/sin factor 1.
  Read same = read(llamaWith(yarn + ",\n    \"mscale\": 1.0,\n"
                                    "    \"mscale_all_dim\": 1.0\n  }"));
  ASSERT_TRUE(same.ok) << formatDiagnostic(same.error);
  EXPECT_EQ(same.spec.rope.attentionFactor, 1.0);
  // Without those keys the default 0.1 ln(4) + 1 applies (0: derived).
  Read plain = read(llamaWith(yarn + "\n  }"));
  ASSERT_TRUE(plain.ok) << formatDiagnostic(plain.error);
  EXPECT_EQ(plain.spec.rope.attentionFactor, 0.0);
  Read given = read(llamaWith(yarn + ",\n    \"attention_factor\": 1.5\n  }"));
  ASSERT_TRUE(given.ok) << formatDiagnostic(given.error);
  EXPECT_EQ(given.spec.rope.attentionFactor, 1.5);
}
