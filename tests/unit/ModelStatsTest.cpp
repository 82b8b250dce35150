//===- ModelStatsTest.cpp - analytic model figures vs. hand counts --------===//
//
// Checks every figure computeModelStats reports for one tiny model per family
// (dense with GQA and a sliding window, MoE with a shared expert, a Mamba-2
// style scan) against values worked out by hand in the comments, and the
// conventions: decode before prefill, one count per weight name, slices.
//
//===----------------------------------------------------------------------===//

#include "analysis/ModelStats.h"
#include "tools/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlir;

namespace {

class ModelStatsTest : public ::testing::Test {
protected:
  ModelStatsTest() {
    DialectRegistry registry;
    mgc::registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `text` (failing the test if it does not verify) and analyzes it.
  mgc::ModelStats analyze(const char *text, ArrayRef<int64_t> contexts = {}) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, ParserConfig(&context));
    EXPECT_TRUE(module) << "test IR does not parse";
    if (!module)
      return {};
    FailureOr<mgc::ModelStats> stats =
        mgc::computeModelStats(*module, contexts);
    EXPECT_TRUE(succeeded(stats));
    return succeeded(stats) ? *stats : mgc::ModelStats();
  }

  /// Parses `text` and returns the error computeModelStats emits ("" if none).
  std::string analysisError(const char *text) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, ParserConfig(&context));
    EXPECT_TRUE(module) << "test IR does not parse";
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message += diag.str();
      return success();
    });
    if (module && succeeded(mgc::computeModelStats(*module, {128})))
      return "";
    return message;
  }

  MLIRContext context;
};

// Dense: vocab 32, hidden 16, 2 layers, GQA with 4 query heads over 2 KV
// heads of head_dim 4, SwiGLU FFN 24. The f16 embedding table is tied to the
// LM head; layer 1 has a sliding window of 24 and an f16 KV cache.
//
// Weights (elements):
//   embed [32,16] f16                                          = 512
//   per layer: mixer_norm 16 + q 16*16=256 + k 8*16=128 + v 128
//              + o 256 + ffn_norm 16 + up 24*16=384 + gate 384
//              + down 16*24=384                                = 1952
//   2 layers                                                   = 3904
//   norm 16; the LM head is "embed" again and counts once
//   params_total = params_active = 512 + 3904 + 16             = 4432
// Matmul multiply-adds per token:
//   per layer 256+128+128+256 + 3*384 = 1920; 2 layers = 3840; logits 512
//   flops_per_token = 2 * (3840 + 512)                         = 8704
// Weight bytes per token: the tied table is read whole by the logits,
//   so (3904 + 16) * 4 + 512 * 2 = 15680 + 1024                = 16704
//   (weight_bytes_total is the same: every weight is read whole)
// KV cache per position: layer 0 k+v 2 * (2 heads * 4 * 4 B) = 64,
//   layer 1 (f16) 2 * (2 * 4 * 2 B) = 32                       = 96
// Attention FLOPs per token, 2 * heads * (head_dim + v_head_dim) * positions
//   = 2 * 4 * 8 = 64 per position; layer 1 sees at most 24 positions:
//   C = 16:  64*16 + 64*16 = 2048        KV 96*16  = 1536
//   C = 64:  64*64 + 64*24 = 5632        KV 96*64  = 6144
//   C = 100: 64*100 + 64*24 = 7936       KV 96*100 = 9600
const char *kDense = R"MLIR(
module @dense {
  mgc.state kv_cache @l0.k : tensor<2x64x4xf32>
  mgc.state kv_cache @l0.v : tensor<2x64x4xf32>
  mgc.state kv_cache @l1.k : tensor<2x64x4xf16>
  mgc.state kv_cache @l1.v : tensor<2x64x4xf16>
  func.func @decode(%tok: tensor<1xi32>, %pos: index) -> tensor<1x32xf32> {
    %emb = mgc.param "embed" : tensor<32x16xf16>
    %h0 = mgc.embed %tok, %emb : (tensor<1xi32>, tensor<32x16xf16>) -> tensor<1x16xf32>

    %nw0 = mgc.param "l0.mixer_norm" : tensor<16xf32>
    %n0 = mgc.norm rms %h0 weight %nw0 {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %wq0 = mgc.param "l0.q" : tensor<16x16xf32>
    %q0 = mgc.linear %n0, %wq0 : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
    %wk0 = mgc.param "l0.k" : tensor<8x16xf32>
    %k0 = mgc.linear %n0, %wk0 : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %wv0 = mgc.param "l0.v" : tensor<8x16xf32>
    %v0 = mgc.linear %n0, %wv0 : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %kc0 = mgc.state_read @l0.k : tensor<2x64x4xf32>
    %vc0 = mgc.state_read @l0.v : tensor<2x64x4xf32>
    %a0, %c0:2 = mgc.attention causal %q0, %k0, %v0 cache(%kc0, %vc0) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 4}
        : (tensor<1x16xf32>, tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x64x4xf32>, tensor<2x64x4xf32>, index)
        -> (tensor<1x16xf32>, tensor<2x64x4xf32>, tensor<2x64x4xf32>)
    mgc.state_write %c0#0, @l0.k : tensor<2x64x4xf32>
    mgc.state_write %c0#1, @l0.v : tensor<2x64x4xf32>
    %wo0 = mgc.param "l0.o" : tensor<16x16xf32>
    %o0 = mgc.linear %a0, %wo0 : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
    %r0 = mgc.add %h0, %o0 : tensor<1x16xf32>, tensor<1x16xf32>
    %fw0 = mgc.param "l0.ffn_norm" : tensor<16xf32>
    %f0 = mgc.norm rms %r0 weight %fw0 {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %wu0 = mgc.param "l0.up" : tensor<24x16xf32>
    %u0 = mgc.linear %f0, %wu0 : (tensor<1x16xf32>, tensor<24x16xf32>) -> tensor<1x24xf32>
    %wg0 = mgc.param "l0.gate" : tensor<24x16xf32>
    %g0 = mgc.linear %f0, %wg0 : (tensor<1x16xf32>, tensor<24x16xf32>) -> tensor<1x24xf32>
    %s0 = mgc.activation silu %g0 : tensor<1x24xf32>
    %m0 = mgc.mul %s0, %u0 : tensor<1x24xf32>, tensor<1x24xf32>
    %wd0 = mgc.param "l0.down" : tensor<16x24xf32>
    %d0 = mgc.linear %m0, %wd0 : (tensor<1x24xf32>, tensor<16x24xf32>) -> tensor<1x16xf32>
    %h1 = mgc.add %r0, %d0 : tensor<1x16xf32>, tensor<1x16xf32>

    %nw1 = mgc.param "l1.mixer_norm" : tensor<16xf32>
    %n1 = mgc.norm rms %h1 weight %nw1 {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %wq1 = mgc.param "l1.q" : tensor<16x16xf32>
    %q1 = mgc.linear %n1, %wq1 : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
    %wk1 = mgc.param "l1.k" : tensor<8x16xf32>
    %k1 = mgc.linear %n1, %wk1 : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %wv1 = mgc.param "l1.v" : tensor<8x16xf32>
    %v1 = mgc.linear %n1, %wv1 : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %kc1 = mgc.state_read @l1.k : tensor<2x64x4xf16>
    %vc1 = mgc.state_read @l1.v : tensor<2x64x4xf16>
    %a1, %c1:2 = mgc.attention causal %q1, %k1, %v1 cache(%kc1, %vc1) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 4, window = 24}
        : (tensor<1x16xf32>, tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x64x4xf16>, tensor<2x64x4xf16>, index)
        -> (tensor<1x16xf32>, tensor<2x64x4xf16>, tensor<2x64x4xf16>)
    mgc.state_write %c1#0, @l1.k : tensor<2x64x4xf16>
    mgc.state_write %c1#1, @l1.v : tensor<2x64x4xf16>
    %wo1 = mgc.param "l1.o" : tensor<16x16xf32>
    %o1 = mgc.linear %a1, %wo1 : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
    %r1 = mgc.add %h1, %o1 : tensor<1x16xf32>, tensor<1x16xf32>
    %fw1 = mgc.param "l1.ffn_norm" : tensor<16xf32>
    %f1 = mgc.norm rms %r1 weight %fw1 {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %wu1 = mgc.param "l1.up" : tensor<24x16xf32>
    %u1 = mgc.linear %f1, %wu1 : (tensor<1x16xf32>, tensor<24x16xf32>) -> tensor<1x24xf32>
    %wg1 = mgc.param "l1.gate" : tensor<24x16xf32>
    %g1 = mgc.linear %f1, %wg1 : (tensor<1x16xf32>, tensor<24x16xf32>) -> tensor<1x24xf32>
    %s1 = mgc.activation silu %g1 : tensor<1x24xf32>
    %m1 = mgc.mul %s1, %u1 : tensor<1x24xf32>, tensor<1x24xf32>
    %wd1 = mgc.param "l1.down" : tensor<16x24xf32>
    %d1 = mgc.linear %m1, %wd1 : (tensor<1x24xf32>, tensor<16x24xf32>) -> tensor<1x16xf32>
    %h2 = mgc.add %r1, %d1 : tensor<1x16xf32>, tensor<1x16xf32>

    %nwf = mgc.param "norm" : tensor<16xf32>
    %nf = mgc.norm rms %h2 weight %nwf {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %head = mgc.param "embed" : tensor<32x16xf16>
    %logits = mgc.logits %nf, %head : (tensor<1x16xf32>, tensor<32x16xf16>) -> tensor<1x32xf32>
    return %logits : tensor<1x32xf32>
  }
}
)MLIR";

TEST_F(ModelStatsTest, DenseGqaModel) {
  mgc::ModelStats s = analyze(kDense, {16, 64, 100});
  EXPECT_EQ(s.entryPoint, "decode");
  EXPECT_EQ(s.paramsTotal, 4432);
  EXPECT_EQ(s.paramsActive, 4432);
  EXPECT_EQ(s.flopsPerToken, 8704);
  EXPECT_EQ(s.scanFlopsPerToken, 0);
  EXPECT_EQ(s.weightBytesTotal, 16704);
  EXPECT_EQ(s.weightBytesPerToken, 16704);
  EXPECT_EQ(s.kvBytesPerToken, 96);
  EXPECT_EQ(s.stateBytes, 0);
  EXPECT_EQ(s.maxContext, 64);
  ASSERT_EQ(s.contexts.size(), 3u);
  EXPECT_EQ(s.contexts[0].tokens, 16);
  EXPECT_EQ(s.contexts[0].kvCacheBytes, 1536);
  EXPECT_EQ(s.contexts[0].attentionFlopsPerToken, 2048);
  EXPECT_EQ(s.contexts[1].tokens, 64);
  EXPECT_EQ(s.contexts[1].kvCacheBytes, 6144);
  EXPECT_EQ(s.contexts[1].attentionFlopsPerToken, 5632);
  EXPECT_EQ(s.contexts[2].tokens, 100);
  EXPECT_EQ(s.contexts[2].kvCacheBytes, 9600);
  EXPECT_EQ(s.contexts[2].attentionFlopsPerToken, 7936);
}

// MoE: vocab 32, hidden 16, one layer with a router over 4 experts (top 2),
// SwiGLU experts of ffn 8 stored in bf16, one f32 SwiGLU shared expert of
// ffn 12, untied f32 embedding and LM head; no attention.
//
// Weights (elements):
//   embed 32*16 = 512; ffn_norm 16; router 4*16 = 64
//   experts gate 4*8*16 = 512, up 512, down 4*16*8 = 512       = 1536 (bf16)
//   shared up 12*16 = 192, gate 192, down 16*12 = 192          = 576
//   norm 16; output 32*16 = 512
//   params_total = 512+16+64+1536+576+16+512                   = 3232
//   params_active: routed experts count 2 of 4: 1536 * 2/4 = 768 active,
//     3232 - 1536 + 768                                        = 2464
// Matmul multiply-adds per token: router 64 + experts 2 * 3 * (8*16) = 768
//   + shared 576 + logits 512 = 1920; flops_per_token = 2 * 1920 = 3840
// Weight bytes per token: f32 weights but the table
//   (16+64+576+16+512) * 4 = 1184 * 4 = 4736; one embedding row 16 * 4 = 64;
//   active experts 768 * 2 = 1536;  4736 + 64 + 1536           = 6336
// Weight bytes total: (3232 - 1536) * 4 + 1536 * 2 = 6784 + 3072 = 9856
// No KV cache, no state: every context figure is 0.
const char *kMoe = R"MLIR(
module @moe {
  func.func @decode(%tok: tensor<1xi32>, %pos: index) -> tensor<1x32xf32> {
    %emb = mgc.param "embed" : tensor<32x16xf32>
    %h0 = mgc.embed %tok, %emb : (tensor<1xi32>, tensor<32x16xf32>) -> tensor<1x16xf32>
    %fw = mgc.param "l0.ffn_norm" : tensor<16xf32>
    %x = mgc.norm rms %h0 weight %fw {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %router = mgc.param "l0.router" : tensor<4x16xf32>
    %idx, %w = mgc.route softmax %x, %router {top_k = 2, normalize}
        : (tensor<1x16xf32>, tensor<4x16xf32>) -> (tensor<1x2xi32>, tensor<1x2xf32>)
    %eg = mgc.param "l0.experts.gate" : tensor<4x8x16xbf16>
    %eu = mgc.param "l0.experts.up" : tensor<4x8x16xbf16>
    %ed = mgc.param "l0.experts.down" : tensor<4x16x8xbf16>
    %routed = mgc.expert swiglu %x, %idx, %w gate(%eg) up(%eu) down(%ed)
        : (tensor<1x16xf32>, tensor<1x2xi32>, tensor<1x2xf32>, tensor<4x8x16xbf16>,
           tensor<4x8x16xbf16>, tensor<4x16x8xbf16>) -> tensor<1x16xf32>
    %su = mgc.param "l0.shared.up" : tensor<12x16xf32>
    %u = mgc.linear %x, %su : (tensor<1x16xf32>, tensor<12x16xf32>) -> tensor<1x12xf32>
    %sg = mgc.param "l0.shared.gate" : tensor<12x16xf32>
    %g = mgc.linear %x, %sg : (tensor<1x16xf32>, tensor<12x16xf32>) -> tensor<1x12xf32>
    %a = mgc.activation silu %g : tensor<1x12xf32>
    %m = mgc.mul %a, %u : tensor<1x12xf32>, tensor<1x12xf32>
    %sd = mgc.param "l0.shared.down" : tensor<16x12xf32>
    %shared = mgc.linear %m, %sd : (tensor<1x12xf32>, tensor<16x12xf32>) -> tensor<1x16xf32>
    %ffn = mgc.add %routed, %shared : tensor<1x16xf32>, tensor<1x16xf32>
    %h1 = mgc.add %h0, %ffn : tensor<1x16xf32>, tensor<1x16xf32>
    %nwf = mgc.param "norm" : tensor<16xf32>
    %nf = mgc.norm rms %h1 weight %nwf {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %out = mgc.param "output" : tensor<32x16xf32>
    %logits = mgc.logits %nf, %out : (tensor<1x16xf32>, tensor<32x16xf32>) -> tensor<1x32xf32>
    return %logits : tensor<1x32xf32>
  }
}
)MLIR";

TEST_F(ModelStatsTest, MoeModelWithSharedExpert) {
  mgc::ModelStats s = analyze(kMoe, {128});
  EXPECT_EQ(s.paramsTotal, 3232);
  EXPECT_EQ(s.paramsActive, 2464);
  EXPECT_EQ(s.flopsPerToken, 3840);
  EXPECT_EQ(s.scanFlopsPerToken, 0);
  EXPECT_EQ(s.weightBytesTotal, 9856);
  EXPECT_EQ(s.weightBytesPerToken, 6336);
  EXPECT_EQ(s.kvBytesPerToken, 0);
  EXPECT_EQ(s.stateBytes, 0);
  EXPECT_EQ(s.maxContext, 0);
  ASSERT_EQ(s.contexts.size(), 1u);
  EXPECT_EQ(s.contexts[0].kvCacheBytes, 0);
  EXPECT_EQ(s.contexts[0].attentionFlopsPerToken, 0);
}

// Scan (Mamba-2 style): vocab 32, hidden 16, one layer: x projected to 32
// channels, a causal depthwise conv of width 4 with its conv state, an ssd
// scan with H = 4 heads of P = 8 and state size N = 8 (one group), untied
// f32 embedding and LM head.
//
// Weights (elements): embed 512; mixer_norm 16; x_proj 32*16 = 512;
//   conv weight 32*4 = 128, bias 32; b_proj 8*16 = 128; c_proj 128;
//   dt_proj 4*16 = 64; a 4; d 4; out_proj 16*32 = 512; norm 16; output 512
//   params_total = params_active                               = 2568
// Matmul multiply-adds: x 512 + b 128 + c 128 + dt 64 + out 512
//   + logits 512 = 1856; flops_per_token = 2 * 1856            = 3712
// Recurrence FLOPs: scan 5 * H*P*N = 5 * 4*8*8 = 1280;
//   conv 2 * channels * width = 2 * 32 * 4 = 256; total        = 1536
// Weight bytes per token: (2568 - 512 + 16 one row) * 4 = 2072 * 4 = 8288
// Weight bytes total: 2568 * 4                                 = 10272
// State bytes: conv 3*32 * 4 = 384 + recurrent 4*8*8 * 4 = 1024 = 1408
const char *kScan = R"MLIR(
module @scan {
  mgc.state conv @l0.conv_state : tensor<3x32xf32>
  mgc.state recurrent @l0.ssm_state : tensor<4x8x8xf32>
  func.func @decode(%tok: tensor<1xi32>, %pos: index) -> tensor<1x32xf32> {
    %emb = mgc.param "embed" : tensor<32x16xf32>
    %h0 = mgc.embed %tok, %emb : (tensor<1xi32>, tensor<32x16xf32>) -> tensor<1x16xf32>
    %nw = mgc.param "l0.mixer_norm" : tensor<16xf32>
    %n = mgc.norm rms %h0 weight %nw {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %wx = mgc.param "l0.x_proj" : tensor<32x16xf32>
    %x = mgc.linear %n, %wx : (tensor<1x16xf32>, tensor<32x16xf32>) -> tensor<1x32xf32>
    %cw = mgc.param "l0.conv.weight" : tensor<32x4xf32>
    %cb = mgc.param "l0.conv.bias" : tensor<32xf32>
    %cs0 = mgc.state_read @l0.conv_state : tensor<3x32xf32>
    %xc, %cs1 = mgc.conv1d %x, %cw bias %cb state(%cs0)
        : (tensor<1x32xf32>, tensor<32x4xf32>, tensor<32xf32>, tensor<3x32xf32>)
        -> (tensor<1x32xf32>, tensor<3x32xf32>)
    mgc.state_write %cs1, @l0.conv_state : tensor<3x32xf32>
    %xs = mgc.activation silu %xc : tensor<1x32xf32>
    %x3 = mgc.reshape %xs : tensor<1x32xf32> -> tensor<1x4x8xf32>
    %wb = mgc.param "l0.b_proj" : tensor<8x16xf32>
    %b = mgc.linear %n, %wb : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %b3 = mgc.reshape %b : tensor<1x8xf32> -> tensor<1x1x8xf32>
    %wc = mgc.param "l0.c_proj" : tensor<8x16xf32>
    %c = mgc.linear %n, %wc : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
    %c3 = mgc.reshape %c : tensor<1x8xf32> -> tensor<1x1x8xf32>
    %wdt = mgc.param "l0.dt_proj" : tensor<4x16xf32>
    %dt0 = mgc.linear %n, %wdt : (tensor<1x16xf32>, tensor<4x16xf32>) -> tensor<1x4xf32>
    %dt = mgc.activation softplus %dt0 : tensor<1x4xf32>
    %a = mgc.param "l0.a" : tensor<4xf32>
    %d = mgc.param "l0.d" : tensor<4xf32>
    %hs0 = mgc.state_read @l0.ssm_state : tensor<4x8x8xf32>
    %y3, %hs1 = mgc.scan ssd forward %x3 dt(%dt) decay(%a) b(%b3) c(%c3) d(%d) state(%hs0)
        : (tensor<1x4x8xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<1x1x8xf32>,
           tensor<1x1x8xf32>, tensor<4xf32>, tensor<4x8x8xf32>)
        -> (tensor<1x4x8xf32>, tensor<4x8x8xf32>)
    mgc.state_write %hs1, @l0.ssm_state : tensor<4x8x8xf32>
    %y = mgc.reshape %y3 : tensor<1x4x8xf32> -> tensor<1x32xf32>
    %wo = mgc.param "l0.out_proj" : tensor<16x32xf32>
    %o = mgc.linear %y, %wo : (tensor<1x32xf32>, tensor<16x32xf32>) -> tensor<1x16xf32>
    %h1 = mgc.add %h0, %o : tensor<1x16xf32>, tensor<1x16xf32>
    %nwf = mgc.param "norm" : tensor<16xf32>
    %nf = mgc.norm rms %h1 weight %nwf {eps = 1.0e-5} : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
    %out = mgc.param "output" : tensor<32x16xf32>
    %logits = mgc.logits %nf, %out : (tensor<1x16xf32>, tensor<32x16xf32>) -> tensor<1x32xf32>
    return %logits : tensor<1x32xf32>
  }
}
)MLIR";

TEST_F(ModelStatsTest, ScanModelWithConvAndRecurrentState) {
  mgc::ModelStats s = analyze(kScan, {4096});
  EXPECT_EQ(s.paramsTotal, 2568);
  EXPECT_EQ(s.paramsActive, 2568);
  EXPECT_EQ(s.flopsPerToken, 3712);
  EXPECT_EQ(s.scanFlopsPerToken, 1536);
  EXPECT_EQ(s.weightBytesTotal, 10272);
  EXPECT_EQ(s.weightBytesPerToken, 8288);
  EXPECT_EQ(s.kvBytesPerToken, 0);
  EXPECT_EQ(s.stateBytes, 1408);
  EXPECT_EQ(s.maxContext, 0);
  ASSERT_EQ(s.contexts.size(), 1u);
  // Recurrent state does not grow with the context.
  EXPECT_EQ(s.contexts[0].kvCacheBytes, 0);
  EXPECT_EQ(s.contexts[0].attentionFlopsPerToken, 0);
}

// decode is analyzed when present (prefill's extra weight is not counted);
// a weight named twice counts once in params but its two matmuls both count
// in FLOPs; a sliced weight is read only in the slice.
//   params: w 8*8 = 64 + types 2*8 = 16 = 80
//   flops: 2 * (64 + 64) = 256
//   bytes per token: w 64 * 4 + one row of types 8 * 4 = 288
TEST_F(ModelStatsTest, DecodeFirstAndOneCountPerName) {
  mgc::ModelStats s = analyze(R"MLIR(
    func.func @prefill(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
      %big = mgc.param "prefill_only" : tensor<8x8xf32>
      %y = mgc.linear %x, %big : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
      return %y : tensor<?x8xf32>
    }
    func.func @decode(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
      %w0 = mgc.param "w" : tensor<8x8xf32>
      %w1 = mgc.param "w" : tensor<8x8xf32>
      %a = mgc.linear %x, %w0 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
      %b = mgc.linear %a, %w1 : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
      %types = mgc.param "types" : tensor<2x8xf32>
      %row = mgc.slice %types {offset = 0, dim = 0} : tensor<2x8xf32> -> tensor<1x8xf32>
      %c = mgc.add %b, %row : tensor<1x8xf32>, tensor<1x8xf32>
      return %c : tensor<1x8xf32>
    }
  )MLIR");
  EXPECT_EQ(s.entryPoint, "decode");
  EXPECT_EQ(s.paramsTotal, 80);
  EXPECT_EQ(s.paramsActive, 80);
  EXPECT_EQ(s.flopsPerToken, 256);
  EXPECT_EQ(s.weightBytesPerToken, 288);
}

// Encoders have only prefill; its weights and attention are analyzed.
//   attention at C = 128: 2 * 2 heads * (4 + 4) * 128 = 4096
TEST_F(ModelStatsTest, PrefillWhenNoDecode) {
  mgc::ModelStats s = analyze(R"MLIR(
    func.func @prefill(%q: tensor<?x8xf32>) -> tensor<?x8xf32> {
      %o = mgc.attention bidirectional %q, %q, %q
          {num_heads = 2, num_kv_heads = 2, head_dim = 4}
          : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
      return %o : tensor<?x8xf32>
    }
  )MLIR", {128});
  EXPECT_EQ(s.entryPoint, "prefill");
  EXPECT_EQ(s.paramsTotal, 0);
  ASSERT_EQ(s.contexts.size(), 1u);
  EXPECT_EQ(s.contexts[0].attentionFlopsPerToken, 4096);
}

TEST_F(ModelStatsTest, RejectsModuleWithoutEntryPoint) {
  std::string error = analysisError(R"MLIR(
    func.func @forward(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
      return %x : tensor<1x8xf32>
    }
  )MLIR");
  EXPECT_NE(error.find("no 'decode' or 'prefill' entry point"),
            std::string::npos)
      << error;
}

TEST_F(ModelStatsTest, RejectsOneNameWithTwoTypes) {
  std::string error = analysisError(R"MLIR(
    func.func @decode(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
      %a = mgc.param "w" : tensor<8x8xf32>
      %b = mgc.param "w" : tensor<8x8xf16>
      %y = mgc.linear %x, %a : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
      %z = mgc.linear %y, %b : (tensor<1x8xf32>, tensor<8x8xf16>) -> tensor<1x8xf32>
      return %z : tensor<1x8xf32>
    }
  )MLIR");
  EXPECT_NE(error.find("weight 'w' is 'tensor<8x8xf16>' here but "
                       "'tensor<8x8xf32>' elsewhere"),
            std::string::npos)
      << error;
}

} // namespace
