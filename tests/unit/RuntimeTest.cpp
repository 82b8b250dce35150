//===- RuntimeTest.cpp - the runtime's C API on a real model --------------===//
//
// Compiles stories260K (real trained weights, ../shared/models) with the mgc
// binary, then checks through the C API: prefill, decode step by step and
// chunked prefill give the same logits (and llama2.c's); reset starts over;
// the context and token ids are enforced; and tampered model files (a plan
// binding a kernel wrongly, a missing kernel, a foreign target) are refused
// with a status and a message. Skips when ../shared/models is absent.
//
//===----------------------------------------------------------------------===//

#include "runtime/api/mgc_runtime.h"
#include "runtime/model/ModelFile.h"
#include "runtime/model/Plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

const std::string kModels = MGC_SOURCE_DIR "/../shared/models/stories260K";
constexpr int kVocab = 512;

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// Whether `path` exists and is newer than `than`.
bool newer(const std::string &path, const std::string &than) {
  struct stat a, b;
  return ::stat(path.c_str(), &a) == 0 && ::stat(than.c_str(), &b) == 0 &&
         a.st_mtime > b.st_mtime;
}

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The 200 tokens llama2.c fed for reference prompt `k` (column 2 of
/// dump_pK.tokens.txt).
std::vector<int32_t> referenceTokens(int k) {
  std::ifstream in(kModels + "/refs/dump_p" + std::to_string(k) +
                   ".tokens.txt");
  std::vector<int32_t> tokens;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("prompt", 0) == 0)
      continue;
    std::istringstream fields(line);
    int pos, input;
    if (fields >> pos >> input)
      tokens.push_back(input);
  }
  return tokens;
}

/// Largest |a - b| / max(1, |b|).
double maxError(const std::vector<float> &a, const std::vector<float> &b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::fmax(worst, std::fabs(double(a[i]) - double(b[i])) /
                                 std::fmax(1.0, std::fabs(double(b[i]))));
  return worst;
}

class RuntimeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!exists(kModels + "/stories260K.bin"))
      return;
    modelPath = new std::string(std::string(MGC_BINARY_DIR) +
                                "/tests/runtime-test-stories260K.mgc");
    // Each test runs in its own process under ctest: compile once per mgc
    // build (the write is atomic, so concurrent compiles are harmless).
    std::string mgc = std::string(MGC_TOOLS_DIR) + "/mgc";
    if (newer(*modelPath, mgc)) {
      compiled = true;
      return;
    }
    ::setenv("MGC_CACHE_DIR", MGC_BINARY_DIR "/tests/kernel-cache", 1);
    std::string command =
        mgc + " compile " + kModels + "/stories260K.bin -o " + *modelPath;
    compiled = std::system(command.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    delete modelPath;
    modelPath = nullptr;
  }
  void SetUp() override {
    if (!exists(kModels + "/stories260K.bin"))
      GTEST_SKIP() << "../shared/models/stories260K is absent; the runtime "
                      "tests need its real weights";
    ASSERT_TRUE(compiled) << "mgc compile failed";
    ASSERT_EQ(mgc_model_open(modelPath->c_str(), nullptr, &model),
              MGC_STATUS_OK)
        << mgc_last_error();
  }
  void TearDown() override { mgc_model_release(model); }

  mgc_session_t *newSession(int64_t context = 0) {
    mgc_session_options_t options;
    mgc_session_options_initialize(&options);
    options.context = context;
    mgc_session_t *session = nullptr;
    EXPECT_EQ(mgc_session_create(model, &options, &session), MGC_STATUS_OK)
        << mgc_last_error();
    return session;
  }

  /// Writes a copy of the model with its plan replaced by `edit(plan)` (or
  /// its target renamed) and returns the status of opening it.
  template <typename Edit>
  mgc_status_t openEdited(Edit edit, const std::string &target = "") {
    std::string error;
    std::unique_ptr<mgc::ModelFile> file =
        mgc::ModelFile::open(*modelPath, error);
    EXPECT_TRUE(file) << error;
    mgc::Plan plan;
    EXPECT_TRUE(mgc::parsePlan(file->plan().data, file->plan().size,
                               file->weights().size, plan, error))
        << error;
    edit(plan);
    auto section = [](mgc::Section s) {
      return std::string(reinterpret_cast<const char *>(s.data), s.size);
    };
    std::string path = *modelPath + ".edited-" + std::to_string(::getpid());
    EXPECT_EQ(
        mgc::writeModelFile(path, target.empty() ? file->target() : target,
                            mgc::serializePlan(plan), section(file->code()),
                            section(file->weights())),
        "");
    mgc_model_t *edited = nullptr;
    mgc_status_t status = mgc_model_open(path.c_str(), nullptr, &edited);
    EXPECT_EQ(edited == nullptr, status != MGC_STATUS_OK);
    mgc_model_release(edited);
    std::remove(path.c_str());
    return status;
  }

  static std::string *modelPath;
  static bool compiled;
  mgc_model_t *model = nullptr;
};

std::string *RuntimeTest::modelPath = nullptr;
bool RuntimeTest::compiled = false;

TEST_F(RuntimeTest, DescribesTheModel) {
  EXPECT_EQ(mgc_model_vocab_size(model), kVocab);
  EXPECT_EQ(mgc_model_context_length(model), 512);
}

TEST_F(RuntimeTest, DecodeAndChunkedPrefillEqualOnePrefill) {
  std::vector<int32_t> tokens = referenceTokens(1);
  ASSERT_EQ(tokens.size(), 200u);
  const int64_t n = int64_t(tokens.size());

  // One prefill call over all 200 tokens.
  mgc_session_t *whole = newSession();
  std::vector<float> prefill(size_t(n * kVocab));
  ASSERT_EQ(mgc_session_eval(whole, tokens.data(), n, prefill.data()),
            MGC_STATUS_OK)
      << mgc_last_error();
  EXPECT_EQ(mgc_session_position(whole), n);

  // The prompt (8 tokens), then one decode call per token.
  mgc_session_t *stepped = newSession();
  std::vector<float> decode(size_t(n * kVocab));
  ASSERT_EQ(mgc_session_eval(stepped, tokens.data(), 8, decode.data()),
            MGC_STATUS_OK);
  for (int64_t i = 8; i < n; ++i)
    ASSERT_EQ(mgc_session_eval(stepped, &tokens[size_t(i)], 1,
                               &decode[size_t(i * kVocab)]),
              MGC_STATUS_OK)
        << mgc_last_error();

  // Prefill in chunks of 64 at positions 0, 64, 128, 192.
  mgc_session_t *chunked = newSession();
  std::vector<float> chunks(size_t(n * kVocab));
  for (int64_t i = 0; i < n; i += 64) {
    int64_t count = std::min<int64_t>(64, n - i);
    ASSERT_EQ(mgc_session_eval(chunked, &tokens[size_t(i)], count,
                               &chunks[size_t(i * kVocab)]),
              MGC_STATUS_OK);
  }
  EXPECT_LT(maxError(decode, prefill), 1e-4);
  EXPECT_LT(maxError(chunks, prefill), 1e-4);

  // And llama2.c's logits.
  std::string reference = readAll(kModels + "/refs/dump_p1.logits.f32");
  ASSERT_EQ(reference.size(), prefill.size() * 4);
  std::vector<float> expected(prefill.size());
  std::memcpy(expected.data(), reference.data(), reference.size());
  EXPECT_LT(maxError(prefill, expected), 1e-4);
  EXPECT_LT(maxError(decode, expected), 1e-4);

  // reset() starts a new sequence: the same logits, bit for bit.
  mgc_session_reset(whole);
  EXPECT_EQ(mgc_session_position(whole), 0);
  std::vector<float> again(prefill.size());
  ASSERT_EQ(mgc_session_eval(whole, tokens.data(), n, again.data()),
            MGC_STATUS_OK);
  EXPECT_EQ(again, prefill);
  mgc_session_release(whole);
  mgc_session_release(stepped);
  mgc_session_release(chunked);
}

TEST_F(RuntimeTest, LastPositionLogitsAreTheLastRowOfAll) {
  std::vector<int32_t> tokens = referenceTokens(1);
  const int64_t n = 37; // not a multiple of the GEMM's row tile

  mgc_session_t *all = newSession();
  std::vector<float> every(size_t(n * kVocab));
  ASSERT_EQ(mgc_session_eval(all, tokens.data(), n, every.data()),
            MGC_STATUS_OK)
      << mgc_last_error();
  std::vector<float> lastOfAll(every.end() - kVocab, every.end());

  // The logits product on the last row alone: the same values (each output
  // sums its products in the same order), and the session advances alike.
  mgc_session_t *last = newSession();
  std::vector<float> row(kVocab);
  ASSERT_EQ(mgc_session_eval_last(last, tokens.data(), n, row.data()),
            MGC_STATUS_OK)
      << mgc_last_error();
  EXPECT_EQ(row, lastOfAll);
  EXPECT_EQ(mgc_session_position(last), n);

  // Then decode continues identically from both.
  std::vector<float> a(kVocab), b(kVocab);
  ASSERT_EQ(mgc_session_eval(all, &tokens[size_t(n)], 1, a.data()),
            MGC_STATUS_OK);
  ASSERT_EQ(mgc_session_eval_last(last, &tokens[size_t(n)], 1, b.data()),
            MGC_STATUS_OK);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, lastOfAll);
  mgc_session_release(all);
  mgc_session_release(last);
}

TEST_F(RuntimeTest, OnlyThePrefillLogitsProductRunsOnTheLastRow) {
  std::string error;
  std::unique_ptr<mgc::ModelFile> file = mgc::ModelFile::open(*modelPath, error);
  ASSERT_TRUE(file) << error;
  mgc::Plan plan;
  ASSERT_TRUE(mgc::parsePlan(file->plan().data, file->plan().size,
                             file->weights().size, plan, error))
      << error;
  for (const mgc::PlanEntry &e : plan.entries)
    for (size_t c = 0; c < e.calls.size(); ++c)
      EXPECT_EQ(e.calls[c].lastRowSuffices,
                e.name == "prefill" && c + 1 == e.calls.size())
          << e.name << " call " << c << " " << e.calls[c].name;
  // A plan that marks another call is refused.
  EXPECT_EQ(openEdited([](mgc::Plan &p) {
              p.entries[0].calls[0].lastRowSuffices = true;
            }),
            MGC_STATUS_INVALID_MODEL);
  EXPECT_NE(std::string(mgc_last_error()).find("on the last row alone"),
            std::string::npos)
      << mgc_last_error();
}

TEST_F(RuntimeTest, EnforcesContextAndTokenIds) {
  mgc_session_t *session = newSession(8);
  std::vector<int32_t> tokens(9, 1);
  EXPECT_EQ(mgc_session_eval(session, tokens.data(), 9, nullptr),
            MGC_STATUS_CONTEXT_FULL);
  EXPECT_NE(std::string(mgc_last_error()).find("exceeds the context of 8"),
            std::string::npos)
      << mgc_last_error();
  ASSERT_EQ(mgc_session_eval(session, tokens.data(), 8, nullptr),
            MGC_STATUS_OK);
  EXPECT_EQ(mgc_session_eval(session, tokens.data(), 1, nullptr),
            MGC_STATUS_CONTEXT_FULL);
  mgc_session_reset(session);
  int32_t bad = kVocab;
  EXPECT_EQ(mgc_session_eval(session, &bad, 1, nullptr),
            MGC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(mgc_session_eval(session, tokens.data(), 0, nullptr),
            MGC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(mgc_session_position(session), 0);
  mgc_session_release(session);

  mgc_session_options_t options;
  mgc_session_options_initialize(&options);
  options.context = 513;
  mgc_session_t *tooLong = nullptr;
  EXPECT_EQ(mgc_session_create(model, &options, &tooLong),
            MGC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(tooLong, nullptr);
}

TEST_F(RuntimeTest, RefusesPlansThatMisbindKernels) {
  // One argument too few for the first kernel.
  EXPECT_EQ(
      openEdited([](mgc::Plan &p) { p.entries[0].calls[0].args.pop_back(); }),
      MGC_STATUS_INVALID_MODEL);
  EXPECT_NE(std::string(mgc_last_error()).find("arguments, the plan binds"),
            std::string::npos)
      << mgc_last_error();
  // The embedding's output bound to its (read-only, mapped) table.
  EXPECT_EQ(openEdited([](mgc::Plan &p) {
              mgc::PlanCall &embed = p.entries[0].calls[0];
              embed.args[2] = embed.args[1];
            }),
            MGC_STATUS_INVALID_MODEL);
  EXPECT_NE(std::string(mgc_last_error()).find("output bound to a read-only"),
            std::string::npos)
      << mgc_last_error();
  // A kernel the code section does not export.
  EXPECT_EQ(
      openEdited([](mgc::Plan &p) { p.kernels[0].symbol = "mgc_missing"; }),
      MGC_STATUS_INVALID_MODEL);
  EXPECT_NE(std::string(mgc_last_error()).find("lacks kernel 'mgc_missing'"),
            std::string::npos)
      << mgc_last_error();
  // Unchanged, it opens.
  EXPECT_EQ(openEdited([](mgc::Plan &) {}), MGC_STATUS_OK) << mgc_last_error();
}

TEST_F(RuntimeTest, RefusesAForeignTarget) {
#if defined(__x86_64__)
  EXPECT_EQ(openEdited([](mgc::Plan &) {}, "arm64"),
            MGC_STATUS_UNSUPPORTED_CPU);
  EXPECT_NE(std::string(mgc_last_error()).find("compiled for arm64"),
            std::string::npos)
      << mgc_last_error();
#endif
  EXPECT_EQ(openEdited([](mgc::Plan &) {}, "riscv64"),
            MGC_STATUS_UNSUPPORTED_CPU);
  EXPECT_NE(std::string(mgc_last_error()).find("unknown target 'riscv64'"),
            std::string::npos)
      << mgc_last_error();
}

TEST(RuntimeApi, ReportsMissingFiles) {
  mgc_model_t *model = nullptr;
  EXPECT_EQ(mgc_model_open("/nonexistent/model.mgc", nullptr, &model),
            MGC_STATUS_IO_ERROR);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(mgc_last_error()).find("cannot open"),
            std::string::npos);
  EXPECT_EQ(mgc_model_open(nullptr, nullptr, &model),
            MGC_STATUS_INVALID_ARGUMENT);
  mgc_model_release(nullptr);
  mgc_session_release(nullptr);
}

} // namespace
