//===- InputKindTest.cpp - detecting model inputs by content --------------===//
//
// Writes small files of each kind to a temporary directory and checks that
// detection goes by what the file holds, not by its name.
//
//===----------------------------------------------------------------------===//

#include "frontends/InputKind.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

class InputKindTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("mgc-input-kind-" + std::to_string(::testing::UnitTest::GetInstance()
                                                  ->random_seed()) +
           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string &name, const std::string &bytes) {
    fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  fs::path dir;
};

std::string bytesOf(const std::vector<int32_t> &words) {
  return std::string(reinterpret_cast<const char *>(words.data()),
                     words.size() * sizeof(int32_t));
}

TEST_F(InputKindTest, MlirIsDetectedWhateverTheExtension) {
  auto detected = mgc::detectInputKind(
      write("model.txt", "// a comment\nmodule {\n}\n"));
  ASSERT_TRUE(detected.ok) << detected.error;
  EXPECT_EQ(detected.kind, mgc::InputKind::MlirText);

  detected = mgc::detectInputKind(
      write("alias.mlir", "#map = affine_map<(d0) -> (d0)>\nmodule {}\n"));
  ASSERT_TRUE(detected.ok) << detected.error;
  EXPECT_EQ(detected.kind, mgc::InputKind::MlirText);
}

TEST_F(InputKindTest, LongLeadingCommentsDoNotHideTheKind) {
  std::string comments;
  while (comments.size() < 8192)
    comments += "// a long explanation of the model that follows\n";
  auto detected = mgc::detectInputKind(write("long.mlir", comments + "module {}\n"));
  ASSERT_TRUE(detected.ok) << detected.error;
  EXPECT_EQ(detected.kind, mgc::InputKind::MlirText);
}

TEST_F(InputKindTest, TomlDescriptionWithLeadingComment) {
  auto detected = mgc::detectInputKind(
      write("jamba.mlir", "# Jamba-style hybrid\n[model]\nname = \"x\"\n"));
  ASSERT_TRUE(detected.ok) << detected.error;
  EXPECT_EQ(detected.kind, mgc::InputKind::Description);
}

TEST_F(InputKindTest, GgufSafetensorsAndConfig) {
  auto gguf = mgc::detectInputKind(write("m.bin", std::string("GGUF\3\0\0\0", 8)));
  ASSERT_TRUE(gguf.ok);
  EXPECT_EQ(gguf.kind, mgc::InputKind::Gguf);

  std::string header = "{\"__metadata__\":{}}";
  std::string lengthBytes(8, '\0');
  lengthBytes[0] = static_cast<char>(header.size());
  auto st = mgc::detectInputKind(write("w", lengthBytes + header));
  ASSERT_TRUE(st.ok);
  EXPECT_EQ(st.kind, mgc::InputKind::Safetensors);

  auto config = mgc::detectInputKind(write("c", "{\"model_type\": \"llama\"}"));
  ASSERT_TRUE(config.ok);
  EXPECT_EQ(config.kind, mgc::InputKind::HuggingFaceConfig);
}

TEST_F(InputKindTest, HuggingFaceDirectoryNeedsConfig) {
  fs::create_directories(dir / "hf");
  auto missing = mgc::detectInputKind((dir / "hf").string());
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("must contain config.json"), std::string::npos);

  write("hf/config.json", "{}");
  auto present = mgc::detectInputKind((dir / "hf").string());
  ASSERT_TRUE(present.ok);
  EXPECT_EQ(present.kind, mgc::InputKind::HuggingFaceDir);
}

TEST_F(InputKindTest, Llama2cHeaderMustFitTheFile) {
  // dim 8, hidden 16, 1 layer, 2 heads, 2 kv heads, vocab 4, seq_len 8.
  std::string header = bytesOf({8, 16, 1, 2, 2, 4, 8});
  std::string weights(4 * 8 * sizeof(float), '\0');
  auto full = mgc::detectInputKind(write("stories.bin", header + weights));
  ASSERT_TRUE(full.ok) << full.error;
  EXPECT_EQ(full.kind, mgc::InputKind::Llama2c);

  // The same header without the weights it implies is not a checkpoint.
  auto truncated = mgc::detectInputKind(write("cut.bin", header));
  EXPECT_FALSE(truncated.ok);
}

TEST_F(InputKindTest, ErrorsNameThePath) {
  std::string missingPath = (dir / "nope").string();
  auto missing = mgc::detectInputKind(missingPath);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.error, missingPath + ": no such file or directory");

  auto empty = mgc::detectInputKind(write("empty", ""));
  EXPECT_FALSE(empty.ok);
  EXPECT_NE(empty.error.find("empty"), std::string::npos);

  auto garbage = mgc::detectInputKind(write("garbage", std::string("\x01\x02\x03", 3)));
  EXPECT_FALSE(garbage.ok);
  EXPECT_NE(garbage.error.find("unrecognized input"), std::string::npos);
}

} // namespace
