//===- ModelFileTest.cpp - the compiled model container -------------------===//
//
// A written model reads back section by section, with page-aligned weights;
// every kind of damage (bad magic, other version, truncation, flipped bits,
// trailing bytes) is refused with a message naming the file, never a crash.
//
//===----------------------------------------------------------------------===//

#include "runtime/model/ModelFile.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

namespace fs = std::filesystem;
using namespace mgc;

namespace {

class ModelFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("mgc-model-file-" +
           std::string(
               ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir);
    path = (dir / "model.mgc").string();
    weights.assign(10000, '\0');
    for (size_t i = 0; i < weights.size(); ++i)
      weights[i] = char(i * 7 + 1);
    ASSERT_EQ(writeModelFile(path, "x86-64-avx512", "the plan", "kernel code",
                             weights),
              "");
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string bytes() {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void overwrite(const std::string &data) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  }
  std::string openError() {
    std::string error;
    EXPECT_EQ(ModelFile::open(path, error), nullptr);
    return error;
  }

  fs::path dir;
  std::string path, weights;
};

TEST_F(ModelFileTest, RoundTrips) {
  std::string error;
  std::unique_ptr<ModelFile> file = ModelFile::open(path, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_EQ(file->target(), "x86-64-avx512");
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(file->plan().data),
                        file->plan().size),
            "the plan");
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(file->code().data),
                        file->code().size),
            "kernel code");
  ASSERT_EQ(file->weights().size, weights.size());
  EXPECT_EQ(std::memcmp(file->weights().data, weights.data(), weights.size()),
            0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(file->weights().data) %
                kWeightsAlignment,
            0u);
  // No temporary is left beside the output.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
}

TEST_F(ModelFileTest, RefusesOtherFiles) {
  overwrite("GGUF and then some bytes that are not a model at all........"
            "................................................................"
            "................");
  EXPECT_EQ(openError(), path + ": not an mgc compiled model (bad magic number)");
  overwrite("MGC");
  EXPECT_NE(openError().find("smaller than the 128-byte header"),
            std::string::npos);
  std::string missing = (dir / "missing.mgc").string();
  std::string error;
  EXPECT_EQ(ModelFile::open(missing, error), nullptr);
  EXPECT_NE(error.find(missing + ": cannot open"), std::string::npos);
}

TEST_F(ModelFileTest, RefusesAnotherVersion) {
  std::string data = bytes();
  data[8] = 3;
  overwrite(data);
  EXPECT_NE(openError().find("format version 3 is not supported by this "
                             "runtime, which reads version 2"),
            std::string::npos);
}

TEST_F(ModelFileTest, RefusesTruncation) {
  std::string data = bytes();
  for (size_t cut : {size_t(200), size_t(4096), data.size() - 1}) {
    overwrite(data.substr(0, cut));
    EXPECT_NE(openError().find("truncated or corrupt"), std::string::npos)
        << "cut at " << cut;
  }
}

TEST_F(ModelFileTest, RefusesCorruption) {
  std::string data = bytes();
  for (size_t at : {size_t(130), size_t(4096 + 5000)}) {
    std::string damaged = data;
    damaged[at] ^= 0x10;
    overwrite(damaged);
    EXPECT_NE(openError().find("checksum mismatch"), std::string::npos)
        << "flipped byte " << at;
  }
  overwrite(data + "x");
  EXPECT_NE(openError().find("unexpected bytes after the weights section"),
            std::string::npos);
}

TEST_F(ModelFileTest, WriterRejectsBadTargets) {
  EXPECT_NE(writeModelFile(path, "", "", "", ""), "");
  EXPECT_NE(writeModelFile(path, std::string(40, 'x'), "", "", ""), "");
  // A NUL would silently shorten the name read back.
  EXPECT_NE(writeModelFile(path, std::string("x86\0evil", 8), "", "", ""), "");
}

} // namespace
