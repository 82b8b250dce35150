// config.json with zero or absurd sizes: one error at the key, before any
// IR (or weights) is built.

// RUN: not mgc compile %S/Inputs/robust/hf-zero-layers --target arm64 2>&1 | FileCheck %s --check-prefix=ZERO_LAYERS
// ZERO_LAYERS: hf-zero-layers/config.json:18:3: error: 'num_hidden_layers' must be an integer in [1, 4096], got 0

// RUN: not mgc compile %S/Inputs/robust/hf-huge-vocab --target arm64 2>&1 | FileCheck %s --check-prefix=HUGE_VOCAB
// HUGE_VOCAB: hf-huge-vocab/config.json:34:3: error: 'vocab_size' must be an integer in [1, 16777216], got 1099511627776

// RUN: not mgc compile %S/Inputs/robust/hf-negative-hidden --target arm64 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: hf-negative-hidden/config.json:11:3: error: 'hidden_size' must be an integer in [1, 1048576], got -64

// `mgc inspect` (which sizes models before their weights are downloaded)
// refuses them the same way.
// RUN: not mgc inspect %S/Inputs/robust/hf-huge-vocab 2>&1 | FileCheck %s --check-prefix=HUGE_VOCAB
