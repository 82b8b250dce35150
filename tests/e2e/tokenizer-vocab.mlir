// An embedded tokenizer must cover the model's vocabulary exactly: a
// mismatch is an error and leaves no output file.

// REQUIRES: shared-models
// RUN: not mgc compile %mgc_src_root/tests/goldens/mixtral --tokenizer %shared_models/stories260K/stories260K.gguf -o %t.tok.mgc 2>&1 | FileCheck %s --check-prefix=VOCAB
// VOCAB: mgc compile: error: {{.*}}stories260K.gguf: its tokenizer has 512 tokens, the model's vocabulary 256
// RUN: not ls %t.tok.mgc
