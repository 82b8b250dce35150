//===- ScanMixerTest.cpp - lowering scan mixers to mgc ops ----------------===//
//
// Builds prefill and decode entry points around one (or two) scan-mixer
// layers of each family, checks that the module verifies, and checks the
// structure that matters: the scan variant, the declared state and its
// shapes, the weights and their shapes, and that state is written back in
// both entry points.
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"
#include "frontends/ScanMixers.h"
#include "tools/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <vector>

using namespace mlir;
using namespace mgc;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;
using Shape = std::vector<int64_t>;

class ScanMixerTest : public ::testing::Test {
protected:
  ScanMixerTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// A model whose layers all use `scan` as mixer.
  static ModelSpec modelWith(ScanSpec scan, int64_t hidden = 64) {
    ModelSpec spec;
    spec.name = "scan-test";
    spec.file = "scan-test.toml";
    spec.vocab = 128;
    spec.hidden = hidden;
    spec.numLayers = 1;
    MixerSpec mixer;
    mixer.name = "mix";
    mixer.kind = MixerSpec::Kind::scan;
    mixer.scan = scan;
    spec.mixers.push_back(mixer);
    return spec;
  }

  /// Builds `prefill` (T dynamic) and `decode` (T = 1), each applying
  /// `layers` residual layers x += block(x), where block is the mixer (or,
  /// with `channelMix`, the RWKV channel mix of `intermediate` features).
  /// Returns null when a block fails.
  OwningOpRef<ModuleOp> build(const ModelSpec &spec, int layers = 1,
                              bool channelMix = false,
                              int64_t intermediate = 0) {
    OpBuilder b(&context);
    OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
    for (auto [name, tokens] :
         {std::pair<StringRef, int64_t>{"prefill", kDyn}, {"decode", 1}}) {
      auto act = RankedTensorType::get({tokens, spec.hidden}, b.getF32Type());
      b.setInsertionPointToEnd(module->getBody());
      auto func = b.create<func::FuncOp>(
          b.getUnknownLoc(), name,
          b.getFunctionType({act, b.getIndexType()}, {act}));
      Block *entry = func.addEntryBlock();
      b.setInsertionPointToEnd(entry);
      GraphBuilder g(b, *module, spec, tokens, entry->getArgument(1));
      Value h = entry->getArgument(0);
      for (int i = 0; i < layers; ++i) {
        g.setPrefix("layers." + std::to_string(i));
        Value out = channelMix
                        ? buildRwkvChannelMix(g, spec.mixers[0].scan.kind,
                                              intermediate, h)
                        : buildScanMixer(g, spec.mixers[0], h);
        if (!out)
          return {};
        EXPECT_EQ(out.getType(), act);
        h = g.add(h, out);
      }
      b.create<func::ReturnOp>(g.loc(), h);
    }
    EXPECT_TRUE(succeeded(verify(*module)));
    return module;
  }

  static func::FuncOp entry(ModuleOp module, StringRef name) {
    return module.lookupSymbol<func::FuncOp>(name);
  }

  /// Declared state: symbol -> (kind, shape).
  static std::map<std::string, std::pair<StateKind, Shape>>
  states(ModuleOp module) {
    std::map<std::string, std::pair<StateKind, Shape>> result;
    for (auto state : module.getOps<StateOp>()) {
      auto type = cast<RankedTensorType>(state.getType());
      result[state.getSymName().str()] = {
          state.getKind(),
          Shape(type.getShape().begin(), type.getShape().end())};
    }
    return result;
  }

  /// Weights named in `func`: name -> shape.
  static std::map<std::string, Shape> params(func::FuncOp func) {
    std::map<std::string, Shape> result;
    func.walk([&](ParamOp param) {
      ArrayRef<int64_t> shape = param.getType().getShape();
      result[param.getName().str()] = Shape(shape.begin(), shape.end());
    });
    return result;
  }

  static std::vector<ScanOp> scans(func::FuncOp func) {
    std::vector<ScanOp> result;
    func.walk([&](ScanOp op) { result.push_back(op); });
    return result;
  }

  template <typename OpT> static int count(func::FuncOp func) {
    int n = 0;
    func.walk([&](OpT) { ++n; });
    return n;
  }

  /// The symbols `func` writes state to.
  static std::vector<std::string> written(func::FuncOp func) {
    std::vector<std::string> result;
    func.walk([&](StateWriteOp op) { result.push_back(op.getState().str()); });
    std::sort(result.begin(), result.end());
    return result;
  }

  static Shape shape(Value v) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
    return Shape(s.begin(), s.end());
  }

  /// Both entry points write every declared state exactly once per layer.
  void expectStateWrittenEverywhere(ModuleOp module) {
    std::vector<std::string> declared;
    for (auto &[name, info] : states(module))
      declared.push_back(name);
    EXPECT_EQ(written(entry(module, "prefill")), declared);
    EXPECT_EQ(written(entry(module, "decode")), declared);
  }

  MLIRContext context;
};

TEST_F(ScanMixerTest, Mamba1LowersToSelectiveScanWithConvAndSsmState) {
  ScanSpec s;
  s.kind = ScanMixerKind::mamba1;
  s.stateSize = 16;
  s.expand = 2;
  s.convWidth = 4;
  s.dtRank = 4;
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);

  auto st = states(*module);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st["layers.0.mixer.conv_state"],
            std::make_pair(StateKind::conv, Shape{3, 128}));
  EXPECT_EQ(st["layers.0.mixer.ssm_state"],
            std::make_pair(StateKind::recurrent, Shape{1, 128, 16}));
  expectStateWrittenEverywhere(*module);

  for (StringRef name : {"prefill", "decode"}) {
    func::FuncOp f = entry(*module, name);
    std::vector<ScanOp> ops = scans(f);
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops[0].getVariant(), ScanVariant::selective);
    EXPECT_EQ(ops[0].getDirection(), ScanDirection::forward);
    EXPECT_TRUE(ops[0].getD() && ops[0].getDt() && ops[0].getState());
    EXPECT_EQ(shape(ops[0].getDecay()), (Shape{1, 128, 16}));
    EXPECT_EQ(shape(ops[0].getD()), (Shape{1, 128}));
    int64_t t = name == "prefill" ? kDyn : 1;
    EXPECT_EQ(shape(ops[0].getX()), (Shape{t, 1, 128}));
    EXPECT_EQ(shape(ops[0].getB()), (Shape{t, 1, 16}));
    EXPECT_EQ(count<Conv1dOp>(f), 1);
  }

  auto w = params(entry(*module, "prefill"));
  EXPECT_EQ(w["layers.0.mixer.in_proj.weight"], (Shape{256, 64}));
  EXPECT_EQ(w["layers.0.mixer.conv1d.weight"], (Shape{128, 4}));
  EXPECT_EQ(w["layers.0.mixer.conv1d.bias"], (Shape{128}));
  EXPECT_EQ(w["layers.0.mixer.x_proj.weight"], (Shape{4 + 32, 128}));
  EXPECT_EQ(w["layers.0.mixer.dt_proj.weight"], (Shape{128, 4}));
  EXPECT_EQ(w["layers.0.mixer.dt_proj.bias"], (Shape{128}));
  EXPECT_EQ(w["layers.0.mixer.A_log"], (Shape{128, 16}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{128}));
  EXPECT_EQ(w["layers.0.mixer.out_proj.weight"], (Shape{64, 128}));
  EXPECT_EQ(w.count("layers.0.mixer.in_proj.bias"), 0u);
}

TEST_F(ScanMixerTest, Mamba2LowersToSsdScanAndGroupedGatedNorm) {
  ScanSpec s;
  s.kind = ScanMixerKind::mamba2;
  s.stateSize = 32;
  s.expand = 2;
  s.headDim = 16;
  s.heads = 8;
  s.groups = 2;
  s.convWidth = 4;
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);

  // conv channels: I + 2 G N = 128 + 128.
  auto st = states(*module);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st["layers.0.mixer.conv_state"],
            std::make_pair(StateKind::conv, Shape{3, 256}));
  EXPECT_EQ(st["layers.0.mixer.ssm_state"],
            std::make_pair(StateKind::recurrent, Shape{8, 16, 32}));
  expectStateWrittenEverywhere(*module);

  func::FuncOp f = entry(*module, "decode");
  std::vector<ScanOp> ops = scans(f);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].getVariant(), ScanVariant::ssd);
  EXPECT_EQ(shape(ops[0].getX()), (Shape{1, 8, 16}));
  EXPECT_EQ(shape(ops[0].getDt()), (Shape{1, 8}));
  EXPECT_EQ(shape(ops[0].getDecay()), (Shape{8}));
  EXPECT_EQ(shape(ops[0].getB()), (Shape{1, 2, 32}));
  EXPECT_EQ(shape(ops[0].getD()), (Shape{8}));

  // The gated norm runs per group: [T, G, I / G] with weight [G, I / G].
  bool groupedNorm = false;
  f.walk([&](NormOp norm) {
    groupedNorm |= shape(norm.getInput()) == Shape{1, 2, 64} &&
                   norm.getWeight() && shape(norm.getWeight()) == Shape{2, 64};
  });
  EXPECT_TRUE(groupedNorm);

  auto w = params(f);
  EXPECT_EQ(w["layers.0.mixer.in_proj.weight"], (Shape{128 + 256 + 8, 64}));
  EXPECT_EQ(w["layers.0.mixer.conv1d.weight"], (Shape{256, 4}));
  EXPECT_EQ(w["layers.0.mixer.dt_bias"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.A_log"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.norm.weight"], (Shape{128}));
  EXPECT_EQ(w["layers.0.mixer.out_proj.weight"], (Shape{64, 128}));
}

TEST_F(ScanMixerTest, Rwkv6LowersToRwkvScanWithBonusAndShiftState) {
  ScanSpec s;
  s.kind = ScanMixerKind::rwkv6;
  s.headDim = 16;
  s.heads = 4;
  s.mixLoraRank = 8;
  s.decayLoraRank = 12;
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);

  auto st = states(*module);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st["layers.0.att.shift"],
            std::make_pair(StateKind::conv, Shape{1, 64}));
  EXPECT_EQ(st["layers.0.att.wkv"],
            std::make_pair(StateKind::recurrent, Shape{4, 16, 16}));
  expectStateWrittenEverywhere(*module);

  func::FuncOp f = entry(*module, "prefill");
  std::vector<ScanOp> ops = scans(f);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].getVariant(), ScanVariant::rwkv);
  EXPECT_EQ(shape(ops[0].getDecay()), (Shape{kDyn, 4, 16}));
  EXPECT_EQ(shape(ops[0].getBonus()), (Shape{4, 16}));
  EXPECT_FALSE(ops[0].getD());
  EXPECT_EQ(count<TokenShiftOp>(f), 1);

  auto w = params(f);
  EXPECT_EQ(w["layers.0.att.time_maa_x"], (Shape{64}));
  EXPECT_EQ(w["layers.0.att.time_maa_g"], (Shape{64}));
  EXPECT_EQ(w["layers.0.att.time_maa_w1"], (Shape{40, 64}));
  EXPECT_EQ(w["layers.0.att.time_maa_w2"], (Shape{5, 64, 8}));
  EXPECT_EQ(w["layers.0.att.time_decay"], (Shape{64}));
  EXPECT_EQ(w["layers.0.att.time_decay_w1"], (Shape{12, 64}));
  EXPECT_EQ(w["layers.0.att.time_decay_w2"], (Shape{64, 12}));
  EXPECT_EQ(w["layers.0.att.time_faaaa"], (Shape{4, 16}));
  EXPECT_EQ(w["layers.0.att.gate.weight"], (Shape{64, 64}));
  EXPECT_EQ(w["layers.0.att.ln_x.bias"], (Shape{64}));
  EXPECT_EQ(w["layers.0.att.output.weight"], (Shape{64, 64}));
}

TEST_F(ScanMixerTest, Rwkv7LowersToDeltaScanAndSharesTheFirstValue) {
  ScanSpec s;
  s.kind = ScanMixerKind::rwkv7;
  s.headDim = 16;
  s.heads = 4;
  s.mixLoraRank = 8;
  s.decayLoraRank = 12;
  auto module = build(modelWith(s), /*layers=*/2);
  ASSERT_TRUE(module);

  auto st = states(*module);
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st["layers.1.att.shift"],
            std::make_pair(StateKind::conv, Shape{1, 64}));
  EXPECT_EQ(st["layers.1.att.wkv"],
            std::make_pair(StateKind::recurrent, Shape{4, 16, 16}));
  expectStateWrittenEverywhere(*module);

  func::FuncOp f = entry(*module, "decode");
  std::vector<ScanOp> ops = scans(f);
  ASSERT_EQ(ops.size(), 2u);
  for (ScanOp op : ops) {
    EXPECT_EQ(op.getVariant(), ScanVariant::delta);
    EXPECT_TRUE(op.getAlpha() && op.getBeta());
    EXPECT_EQ(shape(op.getAlpha()), (Shape{1, 4, 16}));
    EXPECT_FALSE(op.getBonus());
  }

  // Only later layers have the value-residual LoRA, and they read the first
  // layer's value projection.
  auto w = params(f);
  EXPECT_EQ(w.count("layers.0.att.v0"), 0u);
  EXPECT_EQ(w["layers.1.att.v0"], (Shape{64}));
  EXPECT_EQ(w["layers.1.att.v1"], (Shape{8, 64}));
  EXPECT_EQ(w["layers.1.att.v2"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.att.w1"], (Shape{12, 64}));
  EXPECT_EQ(w["layers.0.att.w2"], (Shape{64, 12}));
  EXPECT_EQ(w["layers.0.att.a2"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.att.g1"], (Shape{8, 64}));
  EXPECT_EQ(w["layers.0.att.r_k"], (Shape{4, 16}));
  EXPECT_EQ(w["layers.0.att.k_k"], (Shape{64}));
  EXPECT_EQ(w["layers.0.att.ln_x.weight"], (Shape{64}));
  EXPECT_EQ(w.count("layers.0.att.gate.weight"), 0u);

  int valueUses = 0;
  f.walk([&](LinearOp op) {
    auto param = op.getWeight().getDefiningOp<ParamOp>();
    if (param && param.getName() == "layers.0.att.value.weight")
      for (Operation *user : op.getResult().getUsers())
        for (Value operand : user->getOperands())
          if (auto def = operand.getDefiningOp<LinearOp>(); def && def != op)
            if (auto p = def.getWeight().getDefiningOp<ParamOp>())
              valueUses += p.getName() == "layers.1.att.value.weight";
  });
  EXPECT_EQ(valueUses, 1); // layers.1: v_first - v
}

TEST_F(ScanMixerTest, S4dRealLowersToLtiScan) {
  ScanSpec s;
  s.kind = ScanMixerKind::s4;
  s.stateSize = 8;
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);

  auto st = states(*module);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st["layers.0.mixer.ssm_state"],
            std::make_pair(StateKind::recurrent, Shape{64, 1, 8}));
  expectStateWrittenEverywhere(*module);

  func::FuncOp f = entry(*module, "prefill");
  std::vector<ScanOp> ops = scans(f);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].getVariant(), ScanVariant::lti);
  EXPECT_FALSE(ops[0].getDt());
  EXPECT_EQ(shape(ops[0].getX()), (Shape{kDyn, 64, 1}));
  EXPECT_EQ(shape(ops[0].getDecay()), (Shape{64, 1, 8}));
  EXPECT_EQ(shape(ops[0].getB()), (Shape{64, 8}));
  EXPECT_EQ(shape(ops[0].getC()), (Shape{64, 8}));

  auto w = params(f);
  EXPECT_EQ(w["layers.0.mixer.kernel.log_dt"], (Shape{64}));
  EXPECT_EQ(w["layers.0.mixer.kernel.log_A_real"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.mixer.kernel.C"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{64}));
  EXPECT_EQ(w["layers.0.mixer.output_linear.0.weight"], (Shape{128, 64}));
}

TEST_F(ScanMixerTest, RwkvChannelMixesCarryTheirOwnShiftState) {
  for (ScanMixerKind kind : {ScanMixerKind::rwkv6, ScanMixerKind::rwkv7}) {
    ScanSpec s;
    s.kind = kind;
    s.headDim = 16;
    auto module = build(modelWith(s), 1, /*channelMix=*/true,
                        /*intermediate=*/224);
    ASSERT_TRUE(module);
    auto st = states(*module);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st["layers.0.ffn.shift"],
              std::make_pair(StateKind::conv, Shape{1, 64}));
    expectStateWrittenEverywhere(*module);
    auto w = params(entry(*module, "prefill"));
    EXPECT_EQ(w["layers.0.ffn.key.weight"], (Shape{224, 64}));
    EXPECT_EQ(w["layers.0.ffn.value.weight"], (Shape{64, 224}));
    EXPECT_EQ(w.count("layers.0.ffn.receptance.weight"),
              kind == ScanMixerKind::rwkv6 ? 1u : 0u);
  }
}

TEST_F(ScanMixerTest, UnsupportedFamiliesReportAnError) {
  for (ScanMixerKind kind : {ScanMixerKind::h3, ScanMixerKind::hydra}) {
    ScanSpec s;
    s.kind = kind;
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    EXPECT_FALSE(build(modelWith(s)));
    EXPECT_NE(message.find("is not supported"), std::string::npos) << message;
  }
}

} // namespace
