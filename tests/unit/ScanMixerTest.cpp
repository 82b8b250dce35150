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
  /// With `prefillOnly` (bidirectional mixers, as in an encoder), only
  /// `prefill`. Returns null when a block fails.
  OwningOpRef<ModuleOp> build(const ModelSpec &spec, int layers = 1,
                              bool channelMix = false,
                              int64_t intermediate = 0,
                              bool prefillOnly = false) {
    OpBuilder b(&context);
    OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
    for (auto [name, tokens] :
         {std::pair<StringRef, int64_t>{"prefill", kDyn}, {"decode", 1}}) {
      if (prefillOnly && name == "decode")
        continue;
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

TEST_F(ScanMixerTest, HydraRunsTwoStatelessSsdScansOneOverReversedTokens) {
  ScanSpec s;
  s.kind = ScanMixerKind::hydra;
  s.stateSize = 16;
  s.expand = 2;
  s.headDim = 16;
  s.heads = 8;
  s.groups = 1;
  s.convWidth = 7;
  auto module = build(modelWith(s), 1, false, 0, /*prefillOnly=*/true);
  ASSERT_TRUE(module);

  // Bidirectional: nothing to carry between calls.
  EXPECT_TRUE(states(*module).empty());
  func::FuncOp f = entry(*module, "prefill");
  EXPECT_EQ(written(f), std::vector<std::string>{});

  std::vector<ScanOp> ops = scans(f);
  ASSERT_EQ(ops.size(), 2u);
  for (ScanOp op : ops) {
    EXPECT_EQ(op.getVariant(), ScanVariant::ssd);
    EXPECT_EQ(op.getDirection(), ScanDirection::forward);
    EXPECT_FALSE(op.getState() || op.getD());
    EXPECT_EQ(shape(op.getX()), (Shape{kDyn, 8, 16}));
    EXPECT_EQ(shape(op.getDt()), (Shape{kDyn, 8}));
    EXPECT_EQ(shape(op.getB()), (Shape{kDyn, 1, 16}));
    EXPECT_EQ(shape(op.getC()), (Shape{kDyn, 1, 16}));
  }
  // One A for both directions.
  EXPECT_EQ(ops[0].getDecay(), ops[1].getDecay());
  // The backward scan reads reversed x, dt, B and C, and its shifted output
  // is reversed back: 4 reversals, 2 shifts by one token.
  auto reversed = [](Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (isa<ReverseOp>(def))
        return true;
      if (!isa<ReshapeOp, SliceOp>(def))
        return false;
      v = def->getOperand(0);
    }
    return false;
  };
  EXPECT_FALSE(reversed(ops[0].getX()) || reversed(ops[0].getDt()) ||
               reversed(ops[0].getB()) || reversed(ops[0].getC()));
  EXPECT_TRUE(reversed(ops[1].getX()) && reversed(ops[1].getDt()) &&
              reversed(ops[1].getB()) && reversed(ops[1].getC()));
  EXPECT_EQ(count<ReverseOp>(f), 4);
  EXPECT_EQ(count<TokenShiftOp>(f), 2);

  // A centered convolution over x, B_fw, C_fw, B_bw, C_bw: I + 4 G N.
  int centered = 0;
  f.walk([&](Conv1dOp conv) {
    centered += conv.getCentered() && !conv.getState() &&
                shape(conv.getWeight()) == Shape{192, 7};
  });
  EXPECT_EQ(centered, 1);

  // The gated norm runs over all I channels at once.
  bool wholeNorm = false;
  f.walk([&](NormOp norm) {
    wholeNorm |= shape(norm.getInput()) == Shape{kDyn, 128} &&
                 norm.getWeight() && shape(norm.getWeight()) == Shape{128};
  });
  EXPECT_TRUE(wholeNorm);

  auto w = params(f);
  EXPECT_EQ(w["layers.0.mixer.in_proj.weight"], (Shape{128 + 192 + 16, 64}));
  EXPECT_EQ(w["layers.0.mixer.conv1d.weight"], (Shape{192, 7}));
  EXPECT_EQ(w["layers.0.mixer.conv1d.bias"], (Shape{192}));
  EXPECT_EQ(w["layers.0.mixer.dt_bias"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.A_log"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{8}));
  EXPECT_EQ(w["layers.0.mixer.fc_D.weight"], (Shape{8, 128}));
  EXPECT_EQ(w["layers.0.mixer.norm.weight"], (Shape{128}));
  EXPECT_EQ(w["layers.0.mixer.out_proj.weight"], (Shape{64, 128}));
  EXPECT_EQ(w.count("layers.0.mixer.in_proj.bias"), 0u);
  EXPECT_EQ(w.size(), 9u);
}

TEST_F(ScanMixerTest, H3LowersToShiftConvAndLtiScanOverKeyValuePairs) {
  ScanSpec s;
  s.kind = ScanMixerKind::h3;
  s.stateSize = 8;
  s.heads = 16; // head_dim 4: 16 (k, v) pairs per head
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);

  auto st = states(*module);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st["layers.0.mixer.shift_state"],
            std::make_pair(StateKind::conv, Shape{7, 64}));
  EXPECT_EQ(st["layers.0.mixer.ssm_state"],
            std::make_pair(StateKind::recurrent, Shape{16, 16, 4}));
  expectStateWrittenEverywhere(*module);

  for (StringRef name : {"prefill", "decode"}) {
    func::FuncOp f = entry(*module, name);
    int64_t t = name == "prefill" ? kDyn : 1;
    std::vector<ScanOp> ops = scans(f);
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops[0].getVariant(), ScanVariant::lti);
    EXPECT_FALSE(ops[0].getDt());
    EXPECT_EQ(shape(ops[0].getX()), (Shape{t, 16, 16}));
    EXPECT_EQ(shape(ops[0].getDecay()), (Shape{16, 16, 4}));
    EXPECT_EQ(shape(ops[0].getB()), (Shape{16, 4}));
    EXPECT_EQ(shape(ops[0].getC()), (Shape{16, 4}));
    EXPECT_EQ(shape(ops[0].getD()), (Shape{16}));
    // The shift SSM: a width-N causal conv whose weight is computed from B
    // and C, not a stored weight.
    int convs = 0;
    f.walk([&](Conv1dOp conv) {
      ++convs;
      EXPECT_FALSE(conv.getCentered());
      EXPECT_TRUE(conv.getState());
      EXPECT_EQ(shape(conv.getWeight()), (Shape{64, 8}));
      EXPECT_FALSE(conv.getWeight().getDefiningOp<ParamOp>());
    });
    EXPECT_EQ(convs, 1);
    // The read-out lays the 4 channels of each head out as (d2 h).
    EXPECT_EQ(count<ConcatOp>(f), 2); // + the zero padding of C
  }

  auto w = params(entry(*module, "prefill"));
  for (const char *proj : {"q_proj", "k_proj", "v_proj", "output_linear"}) {
    EXPECT_EQ(w["layers.0.mixer." + std::string(proj) + ".weight"],
              (Shape{64, 64}));
    EXPECT_EQ(w["layers.0.mixer." + std::string(proj) + ".bias"], (Shape{64}));
  }
  EXPECT_EQ(w["layers.0.mixer.ssm_k_kernel.kernel.B"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.mixer.ssm_k_kernel.kernel.C"], (Shape{64, 8}));
  EXPECT_EQ(w["layers.0.mixer.ssm_k_D"], (Shape{64}));
  EXPECT_EQ(w["layers.0.mixer.kernel.kernel.log_dt"], (Shape{16}));
  EXPECT_EQ(w["layers.0.mixer.kernel.kernel.inv_A_real"], (Shape{16, 4}));
  EXPECT_EQ(w["layers.0.mixer.kernel.kernel.B"], (Shape{16, 4, 2}));
  EXPECT_EQ(w["layers.0.mixer.kernel.kernel.C"], (Shape{16, 4, 2}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{16}));
  EXPECT_EQ(w.count("layers.0.mixer.kernel.kernel.A_imag"), 0u);
  EXPECT_EQ(w.size(), 16u);
}

TEST_F(ScanMixerTest, H3DefaultsToOneChannelPerHead) {
  // The reference default head_dim = 1: H = hidden heads, one kv per head.
  ScanSpec s;
  s.kind = ScanMixerKind::h3;
  s.stateSize = 64;
  auto module = build(modelWith(s));
  ASSERT_TRUE(module);
  auto st = states(*module);
  EXPECT_EQ(st["layers.0.mixer.shift_state"],
            std::make_pair(StateKind::conv, Shape{63, 64}));
  EXPECT_EQ(st["layers.0.mixer.ssm_state"],
            std::make_pair(StateKind::recurrent, Shape{64, 1, 32}));
  func::FuncOp f = entry(*module, "decode");
  EXPECT_EQ(count<BroadcastOp>(f), 2); // C's rows and the decay over P = 1
  EXPECT_EQ(count<ConcatOp>(f), 1);    // C's zero padding only
  auto w = params(f);
  EXPECT_EQ(w["layers.0.mixer.kernel.kernel.B"], (Shape{64, 32, 2}));
  EXPECT_EQ(w["layers.0.mixer.D"], (Shape{64}));
}

TEST_F(ScanMixerTest, H3AndHydraRejectShapesTheyCannotLower) {
  struct Case {
    ScanMixerKind kind;
    int64_t stateSize, heads, convWidth;
    const char *message;
  };
  for (const Case &c :
       {Case{ScanMixerKind::h3, 7, 0, 4, "state_size must be even"},
        Case{ScanMixerKind::h3, 8, 5, 4, "heads 5 must divide hidden_size 64"},
        Case{ScanMixerKind::hydra, 16, 0, 4,
             "needs an odd conv_width, got 4"}}) {
    ScanSpec s;
    s.kind = c.kind;
    s.stateSize = c.stateSize;
    s.heads = c.heads;
    s.headDim = 16;
    s.convWidth = c.convWidth;
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    EXPECT_FALSE(build(modelWith(s), 1, false, 0,
                       c.kind == ScanMixerKind::hydra));
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
  }
}

} // namespace
