// Every malformed description gets one error naming file:line:col, the key
// and what would be accepted, and a non-zero exit.

// RUN: not mgc compile %S/Inputs/bad/bad-enum.toml --target arm64 2>&1 | FileCheck %s --check-prefix=BAD_ENUM
// BAD_ENUM: bad-enum.toml:14:14: error: 'ffns.mlp.activation' is "swish"; expected one of "swiglu", "geglu", "gelu", "gelu_tanh", "relu", "silu"

// RUN: not mgc compile %S/Inputs/bad/heads-not-dividing.toml --target arm64 2>&1 | FileCheck %s --check-prefix=HEADS_NOT_DIVIDING
// HEADS_NOT_DIVIDING: heads-not-dividing.toml:7:1: error: attention mixer 'attn': heads 5 must divide hidden_size 32 (or give head_dim explicitly)

// RUN: not mgc compile %S/Inputs/bad/huge-vocab.toml --target arm64 2>&1 | FileCheck %s --check-prefix=HUGE_VOCAB
// HUGE_VOCAB: huge-vocab.toml:3:14: error: 'model.vocab_size' must be in [1, 16777216], got 1099511627776

// RUN: not mgc compile %S/Inputs/bad/kv-heads.toml --target arm64 2>&1 | FileCheck %s --check-prefix=KV_HEADS
// KV_HEADS: kv-heads.toml:7:1: error: attention mixer 'attn': kv_heads 3 must divide heads 4

// RUN: not mgc compile %S/Inputs/bad/missing-layers.toml --target arm64 2>&1 | FileCheck %s --check-prefix=MISSING_LAYERS
// MISSING_LAYERS: missing-layers.toml:1:1: error: missing required key 'layers'

// RUN: not mgc compile %S/Inputs/bad/missing-vocab.toml --target arm64 2>&1 | FileCheck %s --check-prefix=MISSING_VOCAB
// MISSING_VOCAB: missing-vocab.toml:1:1: error: missing required key 'model.vocab_size'

// RUN: not mgc compile %S/Inputs/bad/mla-rope-dim.toml --target arm64 2>&1 | FileCheck %s --check-prefix=MLA_ROPE_DIM
// MLA_ROPE_DIM: mla-rope-dim.toml:7:1: error: attention mixer 'attn': MLA needs 0 < rope_head_dim (8) < head_dim (8)

// RUN: not mgc compile %S/Inputs/bad/moe-bias.toml --target arm64 2>&1 | FileCheck %s --check-prefix=MOE_BIAS
// MOE_BIAS: moe-bias.toml:16:8: error: 'ffns.mlp.bias': MoE experts have no biases

// RUN: not mgc compile %S/Inputs/bad/moe-groups.toml --target arm64 2>&1 | FileCheck %s --check-prefix=MOE_GROUPS
// MOE_GROUPS: moe-groups.toml:11:1: error: ffn 'mlp': n_group 3 must divide the 8 experts

// RUN: not mgc compile %S/Inputs/bad/rms-bias.toml --target arm64 2>&1 | FileCheck %s --check-prefix=RMS_BIAS
// RMS_BIAS: rms-bias.toml:6:31: error: 'model.norm.bias': an rms norm has no bias

// RUN: not mgc compile %S/Inputs/bad/rope-factor.toml --target arm64 2>&1 | FileCheck %s --check-prefix=ROPE_FACTOR
// ROPE_FACTOR: rope-factor.toml:6:36: error: 'model.rope.factor' needs a scaling kind (linear, ntk, yarn or llama3)

// RUN: not mgc compile %S/Inputs/bad/scan-heads.toml --target arm64 2>&1 | FileCheck %s --check-prefix=SCAN_HEADS
// SCAN_HEADS: scan-heads.toml:7:1: error: scan mixer 'attn': head_dim 48 must divide the inner width 64 (expand * hidden_size)

// RUN: not mgc compile %S/Inputs/bad/scan-variant.toml --target arm64 2>&1 | FileCheck %s --check-prefix=SCAN_VARIANT
// SCAN_VARIANT: scan-variant.toml:7:1: error: missing required key 'mixers.attn.variant' (mamba1, mamba2, rwkv4, rwkv5.1, rwkv5.2, rwkv6, rwkv7, s4, h3 or hydra)

// RUN: not mgc compile %S/Inputs/bad/syntax.toml --target arm64 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: syntax.toml:9:9: error: syntax error: Error while parsing value: could not determine value type

// RUN: not mgc compile %S/Inputs/bad/topk-experts.toml --target arm64 2>&1 | FileCheck %s --check-prefix=TOPK_EXPERTS
// TOPK_EXPERTS: topk-experts.toml:11:1: error: ffn 'mlp': top_k must be in [1, 4] (the number of experts), got 6

// RUN: not mgc compile %S/Inputs/bad/unknown-key.toml --target arm64 2>&1 | FileCheck %s --check-prefix=UNKNOWN_KEY
// UNKNOWN_KEY: unknown-key.toml:10:1: error: unknown key 'mixers.attn.kv_head'

// RUN: not mgc compile %S/Inputs/bad/unknown-mixer.toml --target arm64 2>&1 | FileCheck %s --check-prefix=UNKNOWN_MIXER
// UNKNOWN_MIXER: unknown-mixer.toml:16:18: error: unknown mixer 'mamba'; defined: attn

// RUN: not mgc compile %S/Inputs/bad/unknown-table.toml --target arm64 2>&1 | FileCheck %s --check-prefix=UNKNOWN_TABLE
// UNKNOWN_TABLE: unknown-table.toml:19:2: error: unknown key 'extras'

// RUN: not mgc compile %S/Inputs/bad/window-bidirectional.toml --target arm64 2>&1 | FileCheck %s --check-prefix=WINDOW_BIDIRECTIONAL
// WINDOW_BIDIRECTIONAL: window-bidirectional.toml:7:1: error: attention mixer 'attn': a sliding window needs causal attention

// RUN: not mgc compile %S/Inputs/bad/wrong-type.toml --target arm64 2>&1 | FileCheck %s --check-prefix=WRONG_TYPE
// WRONG_TYPE: wrong-type.toml:5:14: error: 'model.num_layers' must be an integer

// RUN: not mgc compile %S/Inputs/bad/yarn-context.toml --target arm64 2>&1 | FileCheck %s --check-prefix=YARN_CONTEXT
// YARN_CONTEXT: yarn-context.toml:6:8: error: 'model.rope': yarn scaling needs original_context (the trained context length)

// RUN: not mgc compile %S/Inputs/bad/zero-layers.toml --target arm64 2>&1 | FileCheck %s --check-prefix=ZERO_LAYERS
// ZERO_LAYERS: zero-layers.toml:5:14: error: 'model.num_layers' must be in [1, 4096], got 0
// RUN: not mgc compile %S/Inputs/bad/rwkv-after-attention.toml --target arm64 2>&1 | FileCheck %s --check-prefix=RWKV_AFTER_ATTENTION
// RWKV_AFTER_ATTENTION: rwkv-after-attention.toml:10:1: error: ffn 'cm': an rwkv channel mix must follow an RWKV mixer (rwkv4, rwkv5.1, rwkv5.2, rwkv6 or rwkv7), not 'attn'

// RUN: not mgc compile %S/Inputs/bad/attention-factor.toml --target arm64 2>&1 | FileCheck %s --check-prefix=ATTENTION_FACTOR
// ATTENTION_FACTOR: attention-factor.toml:5:8: error: rope attention_factor belongs to yarn scaling and must be positive
