//===- PlanTest.cpp - the execution plan's binary form --------------------===//
//
// A plan survives serialization unchanged; a truncated, extended or
// byte-flipped plan is rejected with a message (or, for harmless flips,
// still validates), never a crash; cross references are checked.
//
//===----------------------------------------------------------------------===//

#include "runtime/model/Plan.h"

#include <gtest/gtest.h>

using namespace mgc;

namespace {

PlanCall kernelCall(uint32_t kernel, const std::string &name,
                    std::vector<PlanArg> args) {
  PlanCall c;
  c.kernel = kernel;
  c.name = name;
  c.op = "linear";
  c.args = std::move(args);
  return c;
}

/// A small valid plan: embed, one linear, logits in [T, 8].
Plan samplePlan() {
  Plan plan;
  plan.model = "tiny";
  plan.vocab = 8;
  plan.context = 16;
  plan.kernels = {{"mgc_embed", "prefill.embed"},
                  {"mgc_linear", "prefill.out"}};
  PlanWeight table{"embed.weight", WeightLayout::plain, 0, {8, 4},
                   PlanType::f32, 0, 128};
  PlanWeight out{"out.weight",  WeightLayout::panels, 16, {1, 4, 16},
                 PlanType::f32, 4096, 256};
  plan.weights = {table, out};
  plan.states = {{"kv", {2, 16, 2}}};
  PlanEntry e;
  e.name = "prefill";
  e.tokens = kTokensExtent;
  e.tensors = {
      {TensorKind::tokens, PlanType::i32, {kTokensExtent}, 0},
      {TensorKind::weight, PlanType::f32, {8, 4}, 0},
      {TensorKind::activation, PlanType::f32, {kTokensExtent, 4}, 0},
      {TensorKind::weight, PlanType::f32, {1, 4, 16}, 1},
      {TensorKind::activation, PlanType::f32, {kTokensExtent, 8}, 1},
      {TensorKind::state, PlanType::f32, {2, 16, 2}, 0},
  };
  e.slots = 2;
  e.input = 0;
  e.logits = 4;
  e.calls = {
      kernelCall(0, "prefill.embed",
                 {{ArgKind::tensor, 0},
                  {ArgKind::tensor, 1},
                  {ArgKind::tensor, 2}}),
      kernelCall(1, "prefill.out",
                 {{ArgKind::tensor, 2},
                  {ArgKind::tensor, 3},
                  {ArgKind::position, 0},
                  {ArgKind::stateRows, 5},
                  {ArgKind::tensor, 4}})};
  plan.entries = {e};
  plan.tokenizerFormat = "llama2c";
  plan.tokenizer = std::string("\x07\x00\x00\x00", 4);
  return plan;
}

constexpr uint64_t kWeights = 8192;

bool parse(const std::string &bytes, Plan &plan, std::string &error) {
  return parsePlan(reinterpret_cast<const uint8_t *>(bytes.data()),
                   bytes.size(), kWeights, plan, error);
}

TEST(Plan, RoundTrips) {
  Plan plan = samplePlan();
  ASSERT_EQ(validatePlan(plan, kWeights), "");
  std::string bytes = serializePlan(plan);
  Plan back;
  std::string error;
  ASSERT_TRUE(parse(bytes, back, error)) << error;
  EXPECT_EQ(serializePlan(back), bytes);
  EXPECT_EQ(back.weights[1].shape, (std::vector<int64_t>{1, 4, 16}));
  EXPECT_EQ(back.entries[0].calls[1].args[3].kind, ArgKind::stateRows);
  EXPECT_EQ(back.tokenizer, plan.tokenizer);
  ASSERT_NE(back.entry("prefill"), nullptr);
  EXPECT_EQ(back.entry("decode"), nullptr);
}

TEST(Plan, EveryTruncationIsAnError) {
  std::string bytes = serializePlan(samplePlan());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Plan plan;
    std::string error;
    EXPECT_FALSE(parse(bytes.substr(0, n), plan, error)) << n;
    EXPECT_FALSE(error.empty()) << n;
  }
  Plan plan;
  std::string error;
  EXPECT_FALSE(parse(bytes + "x", plan, error));
  EXPECT_NE(error.find("unexpected bytes at the end"), std::string::npos)
      << error;
}

TEST(Plan, ByteFlipsNeverCrash) {
  std::string bytes = serializePlan(samplePlan());
  for (size_t i = 0; i < bytes.size(); ++i)
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[i] = char(damaged[i] ^ flip);
      Plan plan;
      std::string error;
      if (!parse(damaged, plan, error))
        EXPECT_FALSE(error.empty());
      else
        EXPECT_EQ(validatePlan(plan, kWeights), "");
    }
}

TEST(Plan, ChecksCrossReferences) {
  auto rejects = [](Plan plan, const char *what) {
    std::string error = validatePlan(plan, kWeights);
    EXPECT_NE(error.find(what), std::string::npos) << error;
  };
  Plan p = samplePlan();
  p.weights[1].offset = kWeights; // outside the section
  rejects(p, "weights section");
  p = samplePlan();
  p.entries[0].calls[0].kernel = 7;
  rejects(p, "kernel 7 does not exist");
  p = samplePlan();
  p.entries[0].calls[1].args[3] = {ArgKind::stateRows, 2}; // an activation
  rejects(p, "not a [heads, capacity, dim] state");
  p = samplePlan();
  p.entries[0].tensors[2].ref = 9; // slot out of range
  rejects(p, "arena slot 9");
  p = samplePlan();
  p.entries[0].logits = 2; // [T, 4], not [T, vocab]
  rejects(p, "logits must be an f32 activation [T, 8]");
  p = samplePlan();
  p.kernels[1].symbol = "not a symbol";
  rejects(p, "not a unique C identifier");
  p = samplePlan();
  p.weights[1].shape = {1, 4, 8}; // panel 16 but 8 columns
  rejects(p, "panel layout");
}

TEST(Plan, OnlyTheLastCallWritingTheLogitsMayRunOnTheLastRow) {
  // The logits product without the state arguments: sound, and kept.
  Plan plan = samplePlan();
  std::vector<PlanArg> &args = plan.entries[0].calls[1].args;
  args = {args[0], args[1], args[4]};
  plan.entries[0].calls[1].lastRowSuffices = true;
  ASSERT_EQ(validatePlan(plan, kWeights), "");
  Plan back;
  std::string error;
  ASSERT_TRUE(parse(serializePlan(plan), back, error)) << error;
  EXPECT_TRUE(back.entries[0].calls[1].lastRowSuffices);
  EXPECT_FALSE(back.entries[0].calls[0].lastRowSuffices);

  const char *unsound = "may run on the last row alone";
  Plan first = plan; // not the last call, not writing the logits
  first.entries[0].calls[0].lastRowSuffices = true;
  EXPECT_NE(validatePlan(first, kWeights).find(unsound), std::string::npos);
  Plan cache = samplePlan(); // rows of a cache follow the position
  cache.entries[0].calls[1].lastRowSuffices = true;
  EXPECT_NE(validatePlan(cache, kWeights).find(unsound), std::string::npos);
  Plan fixed = plan; // an activation of fixed rows has no last token row
  fixed.entries[0].tensors[2].shape = {3, 4};
  EXPECT_NE(validatePlan(fixed, kWeights).find(unsound), std::string::npos);

  // The flag is a byte of 0 or 1 right after the matmul flag, at the end of
  // the call (the plan ends with the tokenizer's format and bytes).
  std::string bytes = serializePlan(plan);
  size_t flag = bytes.size() - (4 + 7) - (4 + 4) - 1;
  ASSERT_EQ(bytes[flag], 1);
  bytes[flag] = 2;
  EXPECT_FALSE(parse(bytes, back, error));
  EXPECT_NE(error.find("last-row flag is 2"), std::string::npos) << error;
}

TEST(Plan, RejectsOtherMagicAndVersions) {
  std::string bytes = serializePlan(samplePlan());
  Plan plan;
  std::string error;
  std::string magic = bytes;
  magic[0] = 'X';
  EXPECT_FALSE(parse(magic, plan, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
  std::string version = bytes;
  version[8] = 9;
  EXPECT_FALSE(parse(version, plan, error));
  EXPECT_NE(error.find("plan version 9 is not supported"), std::string::npos)
      << error;
}

} // namespace
