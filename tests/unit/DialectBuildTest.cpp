//===- DialectBuildTest.cpp - building mgc IR through the C++ API ---------===//
//
// Builds a decoder layer with a KV cache, a MoE block and a scan block through
// the generated builders, checks that it verifies, and that its printed form
// parses back to the same IR.
//
//===----------------------------------------------------------------------===//

#include "ir/MgcDialect.h"
#include "tools/Registration.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class DialectBuildTest : public ::testing::Test {
protected:
  DialectBuildTest() : builder(&context) {
    DialectRegistry registry;
    mgc::registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }
  Value param(StringRef name, ArrayRef<int64_t> shape) {
    return builder.create<mgc::ParamOp>(loc(), tensor(shape), name);
  }
  Location loc() { return builder.getUnknownLoc(); }

  MLIRContext context;
  OpBuilder builder;
};

constexpr int64_t kDyn = ShapedType::kDynamic;

TEST_F(DialectBuildTest, DecoderLayerWithCacheVerifiesAndRoundTrips) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc());
  builder.setInsertionPointToEnd(module->getBody());
  auto cacheType = tensor({2, 16, 8});
  builder.create<mgc::StateOp>(loc(), mgc::StateKind::kv_cache, "k_cache",
                               cacheType);
  builder.create<mgc::StateOp>(loc(), mgc::StateKind::kv_cache, "v_cache",
                               cacheType);

  auto hidden = tensor({kDyn, 32});
  auto funcType = builder.getFunctionType(
      {RankedTensorType::get({kDyn}, builder.getI32Type()),
       builder.getIndexType()},
      {tensor({kDyn, 64})});
  auto func = builder.create<func::FuncOp>(loc(), "decode", funcType);
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  Value tokens = entry->getArgument(0), pos = entry->getArgument(1);

  Value x = builder.create<mgc::EmbedOp>(loc(), hidden, tokens,
                                         param("embed", {64, 32}));
  Value norm = builder.create<mgc::NormOp>(
      loc(), hidden, mgc::NormKind::rms, x, param("norm", {32}), Value(),
      llvm::APFloat(1e-5));
  Value q = builder.create<mgc::LinearOp>(loc(), hidden, norm,
                                          param("wq", {32, 32}), Value());
  Value k = builder.create<mgc::LinearOp>(loc(), tensor({kDyn, 16}), norm,
                                          param("wk", {16, 32}), Value());
  Value v = builder.create<mgc::LinearOp>(loc(), tensor({kDyn, 16}), norm,
                                          param("wv", {16, 32}), Value());
  Value kCache = builder.create<mgc::StateReadOp>(loc(), cacheType, "k_cache");
  Value vCache = builder.create<mgc::StateReadOp>(loc(), cacheType, "v_cache");

  auto rope = mgc::RopeAttr::get(
      &context, builder.getF64FloatAttr(10000.0), /*rotaryDim=*/8,
      mgc::RopeStyle::half, mgc::RopeScaling::none,
      builder.getF64FloatAttr(1.0), /*originalContext=*/0,
      builder.getF64FloatAttr(1.0), builder.getF64FloatAttr(4.0),
      builder.getF64FloatAttr(0.0));
  auto attention = builder.create<mgc::AttentionOp>(
      loc(), hidden, TypeRange{cacheType, cacheType},
      mgc::AttentionMask::causal, q, k, v, kCache, vCache, pos,
      /*num_heads=*/4, /*num_kv_heads=*/2, /*head_dim=*/8, IntegerAttr(),
      IntegerAttr(), FloatAttr(), FloatAttr(), rope);
  builder.create<mgc::StateWriteOp>(loc(), attention.getKCacheOut(),
                                    "k_cache");
  builder.create<mgc::StateWriteOp>(loc(), attention.getVCacheOut(),
                                    "v_cache");
  Value h = builder.create<mgc::AddOp>(loc(), hidden, x,
                                       attention.getResult());

  // MoE block: 4 experts, top-2.
  auto route = builder.create<mgc::RouteOp>(
      loc(), RankedTensorType::get({kDyn, 2}, builder.getI32Type()),
      tensor({kDyn, 2}), mgc::RouteScoring::softmax, h,
      param("gate", {4, 32}), Value(), /*top_k=*/2, /*normalize=*/true,
      /*scale=*/llvm::APFloat(1.0), IntegerAttr(), IntegerAttr(), FloatAttr());
  Value moe = builder.create<mgc::ExpertOp>(
      loc(), hidden, mgc::FfnKind::swiglu, h, route.getIndices(),
      route.getWeights(), param("experts.gate", {4, 48, 32}),
      param("experts.up", {4, 48, 32}), param("experts.down", {4, 32, 48}));

  // SSD scan block: 4 heads of 8 channels, state 16, one group.
  Value xs = builder.create<mgc::ParamOp>(loc(), tensor({3, 4, 8}), "xs");
  auto scan = builder.create<mgc::ScanOp>(
      loc(), TypeRange{tensor({3, 4, 8}), tensor({4, 8, 16})},
      mgc::ScanVariant::ssd, mgc::ScanDirection::forward, xs,
      param("dt", {3, 4}), param("a", {4}), param("b", {3, 1, 16}),
      param("c", {3, 1, 16}), param("d", {4}), Value(), Value(), Value(),
      param("h0", {4, 8, 16}));
  EXPECT_TRUE(scan.getStateOut());

  Value logits = builder.create<mgc::LogitsOp>(
      loc(), tensor({kDyn, 64}), moe, param("embed", {64, 32}), FloatAttr());
  builder.create<func::ReturnOp>(loc(), logits);

  ASSERT_TRUE(succeeded(verify(*module)));

  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  OwningOpRef<ModuleOp> reparsed =
      parseSourceString<ModuleOp>(printed, &context);
  ASSERT_TRUE(reparsed);
  std::string reprinted;
  llvm::raw_string_ostream os2(reprinted);
  reparsed->print(os2);
  EXPECT_EQ(printed, reprinted);
  EXPECT_NE(printed.find("mgc.attention causal"), std::string::npos);
  EXPECT_NE(printed.find("cache("), std::string::npos);
}

TEST_F(DialectBuildTest, ScheduleAttrRoundTripsThroughItsSyntax) {
  auto schedule = mgc::ScheduleAttr::get(&context, mgc::Phase::prefill,
                                         {6, 64}, 16, 4, {1}, 2);
  std::string text;
  llvm::raw_string_ostream os(text);
  Attribute(schedule).print(os);
  EXPECT_EQ(text, "#mgc.schedule<prefill, tiles = [6, 64], vector = 16, "
                  "unroll = 4, parallel = [1], threads = 2>");
  EXPECT_EQ(parseAttribute(text, &context), schedule);

  // Empty lists are allowed and print as [].
  auto decode =
      mgc::ScheduleAttr::get(&context, mgc::Phase::decode, {}, 8, 1, {}, 1);
  std::string decodeText;
  llvm::raw_string_ostream os2(decodeText);
  Attribute(decode).print(os2);
  EXPECT_EQ(parseAttribute(decodeText, &context), decode);
}

TEST_F(DialectBuildTest, VerifierRejectsBadGroupedQueryAttention) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc());
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(loc(), "f",
                                           builder.getFunctionType({}, {}));
  builder.setInsertionPointToEnd(func.addEntryBlock());
  // 6 query heads cannot share 4 KV heads.
  builder.create<mgc::AttentionOp>(
      loc(), tensor({5, 48}), TypeRange(), mgc::AttentionMask::causal,
      param("q", {5, 48}), param("k", {5, 32}), param("v", {5, 32}), Value(),
      Value(), Value(), 6, 4, 8, IntegerAttr(), IntegerAttr(), FloatAttr(),
      FloatAttr(), mgc::RopeAttr());
  builder.create<func::ReturnOp>(loc());

  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(verify(*module)));
  EXPECT_EQ(message, "'mgc.attention' op num_heads 6 must be a multiple of "
                     "num_kv_heads 4");
}

} // namespace
