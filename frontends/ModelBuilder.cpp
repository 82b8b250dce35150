//===- ModelBuilder.cpp - lowering a ModelSpec to mgc IR --------*- C++ -*-===//
//
// Assembles the residual stream: embeddings, each layer's mixer and FFN
// blocks in the model's norm arrangement (pre-norm, post-norm or parallel),
// the final norm and the logits. Global weight names:
//
//   embed.tokens.weight       [vocab, hidden]
//   embed.positions.weight    [max_context, hidden]   learned positions
//   embed.token_types.weight  [token_types, hidden]   segment embeddings
//   embed.norm.{weight,bias}  [hidden]                embedding norm
//   layers.<i>.mixer_norm.*, layers.<i>.ffn_norm.*    [hidden]
//   norm.{weight,bias}        [hidden]                final norm (pre-norm)
//   head.transform.{weight,bias}, head.norm.*          encoder LM head
//   output.weight             [vocab, hidden]         untied LM head
//   output.bias               [vocab]                 LM head bias (encoders,
//                                                     output_bias)
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mgc;

namespace {

/// True when some mixer is bidirectional (attention without a causal mask, or
/// Hydra's two-way scan): such models only have a full-sequence entry point.
bool isEncoder(const ModelSpec &spec) {
  for (const MixerSpec &mixer : spec.mixers) {
    if (mixer.kind == MixerSpec::Kind::attention && !mixer.attention.causal)
      return true;
    if (mixer.kind == MixerSpec::Kind::scan &&
        mixer.scan.kind == ScanMixerKind::hydra)
      return true;
  }
  return false;
}

Value embed(GraphBuilder &g, Value tokens) {
  const ModelSpec &spec = g.spec();
  OpBuilder &b = g.builder();
  Value table = g.globalParam("embed.tokens.weight", {spec.vocab, spec.hidden});
  Value h = b.create<EmbedOp>(g.loc(), g.activation({spec.hidden}), tokens,
                              table);
  if (spec.positions == PositionKind::learned) {
    Value positions = b.create<PositionsOp>(g.loc(), tokens.getType(), tokens,
                                            g.position());
    Value posTable = g.globalParam("embed.positions.weight",
                                   {spec.maxContext, spec.hidden});
    h = g.add(h, b.create<EmbedOp>(g.loc(), g.activation({spec.hidden}),
                                   positions, posTable));
  }
  if (spec.tokenTypes > 0) {
    // Every token is of segment 0: its row is added to all of them.
    Value types = g.globalParam("embed.token_types.weight",
                                {spec.tokenTypes, spec.hidden});
    h = g.add(h, g.slice(types, 0, 1, /*dim=*/0));
  }
  if (spec.embeddingNorm)
    h = g.norm(h, spec.norm, "embed.norm");
  return h;
}

Value buildMixer(GraphBuilder &g, const MixerSpec &mixer, Value x) {
  g.setSource(mixer.pos);
  return mixer.kind == MixerSpec::Kind::attention
             ? buildAttention(g, mixer, x)
             : buildScanMixer(g, mixer, x);
}

Value buildLayer(GraphBuilder &g, int index, Value h) {
  const ModelSpec &spec = g.spec();
  const LayerSpec &layer = spec.layers[index];
  const MixerSpec &mixer = spec.mixers[layer.mixer];
  const FfnSpec *ffn = layer.ffn >= 0 ? &spec.ffns[layer.ffn] : nullptr;
  g.setPrefix("layers." + std::to_string(index));
  auto ffnOf = [&](Value x) {
    g.setSource(ffn->pos);
    if (ffn->kind == FfnSpec::Kind::rwkv)
      return buildRwkvChannelMix(g, mixer.scan.kind, ffn->intermediate, x);
    return buildFfn(g, *ffn, x);
  };
  // A block lowering returns null after reporting what it cannot lower.
  auto residual = [&](Value h, Value out) { return out ? g.add(h, out) : out; };

  if (spec.parallelBlock) {
    // Phi-2 / GPT-J: both blocks read one norm of the same input.
    g.setSource(mixer.pos);
    Value x = g.norm(h, spec.norm, "mixer_norm");
    Value out = residual(h, buildMixer(g, mixer, x));
    return ffn && out ? residual(out, ffnOf(x)) : out;
  }
  if (spec.postNorm) {
    // BERT: normalize after each residual add.
    Value out = residual(h, buildMixer(g, mixer, h));
    if (!out)
      return out;
    h = g.norm(out, spec.norm, "mixer_norm");
    if (!ffn)
      return h;
    out = residual(h, ffnOf(h));
    return out ? g.norm(out, spec.norm, "ffn_norm") : out;
  }
  g.setSource(mixer.pos);
  h = residual(h, buildMixer(g, mixer, g.norm(h, spec.norm, "mixer_norm")));
  if (!ffn || !h)
    return h;
  g.setSource(ffn->pos);
  return residual(h, ffnOf(g.norm(h, spec.norm, "ffn_norm")));
}

Value logits(GraphBuilder &g, Value h) {
  const ModelSpec &spec = g.spec();
  g.setPrefix("");
  g.setSource(spec.pos);
  if (spec.postNorm) {
    // Encoder LM head: transform, activation, norm, tied decoder plus bias.
    h = g.linear(h, "head.transform", spec.hidden, /*bias=*/true);
    h = g.activation(h, ActivationKind::gelu);
    h = g.norm(h, spec.norm, "head.norm");
  } else {
    h = g.norm(h, spec.norm, "norm");
  }
  Value weight = g.globalParam(spec.tieEmbeddings ? "embed.tokens.weight"
                                                  : "output.weight",
                               {spec.vocab, spec.hidden});
  Value out = g.builder().create<LogitsOp>(
      g.loc(), g.activation({spec.vocab}), h, weight, FloatAttr());
  if (spec.postNorm || spec.outputBias)
    out = g.add(out, g.globalParam("output.bias", {spec.vocab}));
  return out;
}

/// Builds one entry point; fails after a block lowering reported an error.
LogicalResult buildEntryPoint(OpBuilder &b, ModuleOp module,
                              const ModelSpec &spec, StringRef name,
                              int64_t tokens) {
  MLIRContext *ctx = b.getContext();
  auto tokenType = RankedTensorType::get({tokens}, b.getI32Type());
  auto logitsType = RankedTensorType::get({tokens, spec.vocab}, b.getF32Type());
  auto type = b.getFunctionType({tokenType, b.getIndexType()}, {logitsType});
  Location loc = FileLineColLoc::get(ctx, spec.file, spec.pos.line,
                                     spec.pos.column);
  b.setInsertionPointToEnd(module.getBody());
  auto func = b.create<func::FuncOp>(loc, name, type);
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);

  GraphBuilder g(b, module, spec, tokens, entry->getArgument(1));
  Value h = embed(g, entry->getArgument(0));
  for (int i = 0; i < int(spec.layers.size()) && h; ++i)
    h = buildLayer(g, i, h);
  if (!h)
    return failure();
  b.create<func::ReturnOp>(g.loc(), logits(g, h));
  return success();
}

} // namespace

OwningOpRef<ModuleOp> mgc::buildModel(const ModelSpec &spec,
                                      MLIRContext &context) {
  context.getOrLoadDialect<MgcDialect>();
  context.getOrLoadDialect<func::FuncDialect>();
  OpBuilder b(&context);
  Location loc = FileLineColLoc::get(&context, spec.file, spec.pos.line,
                                     spec.pos.column);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc, spec.name);
  if (failed(buildEntryPoint(b, *module, spec, "prefill",
                             ShapedType::kDynamic)) ||
      (!isEncoder(spec) &&
       failed(buildEntryPoint(b, *module, spec, "decode", 1))) ||
      failed(verify(*module)))
    return {};
  return module;
}
