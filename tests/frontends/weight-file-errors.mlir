// Broken weight files, one thing wrong in each: one error naming the file,
// the byte offset and what is wrong, a non-zero exit, and no output file.
// Sizes are checked against the file before anything is read or allocated,
// so a file that claims terabytes of tensors is refused at once. The inputs
// are written by Inputs/robust/make_inputs.py.

// GGUF. The magic is what makes a file a GGUF file.
// RUN: mgc compile %S/Inputs/robust/gguf-good.gguf --target arm64 -O0 | FileCheck %s --check-prefix=GOOD
// GOOD: mgc.param "layers.0.attn.q.weight" : tensor<8x8xf32>
// RUN: not mgc compile %S/Inputs/robust/gguf-magic.gguf 2>&1 | FileCheck %s --check-prefix=MAGIC
// MAGIC: mgc compile: error: {{.*}}gguf-magic.gguf: unrecognized input; expected a model description (TOML), a Hugging Face directory or config.json, a GGUF file, a llama2.c checkpoint, an rwkv.cpp model file, or mgc IR (.mlir)
// RUN: not mgc compile %S/Inputs/robust/gguf-version.gguf 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: mgc compile: error: {{.*}}gguf-version.gguf: at byte offset 4: GGUF version 7 is not supported; expected 2 or 3
// RUN: not mgc compile %S/Inputs/robust/gguf-truncated-metadata.gguf 2>&1 | FileCheck %s --check-prefix=TRUNCATED_METADATA
// TRUNCATED_METADATA: mgc compile: error: {{.*}}gguf-truncated-metadata.gguf: at byte offset 783: metadata value 'tokenizer.ggml.scores' claims 24 elements of f32, more than the 3 bytes left in the file can hold
// RUN: not mgc compile %S/Inputs/robust/gguf-truncated-data.gguf 2>&1 | FileCheck %s --check-prefix=TRUNCATED_DATA
// TRUNCATED_DATA: mgc compile: error: {{.*}}gguf-truncated-data.gguf: at byte offset 1890: tensor 'output.weight' (F32 [24, 8], 768 bytes) at data offset 3168 (file offset 1952 + 3168) lies beyond the end of the file (5788 bytes)
// RUN: not mgc compile %S/Inputs/robust/gguf-unknown-type.gguf 2>&1 | FileCheck %s --check-prefix=UNKNOWN_TYPE
// UNKNOWN_TYPE: mgc compile: error: {{.*}}gguf-unknown-type.gguf: the GGUF weights do not fit the architecture (1 problem):
// UNKNOWN_TYPE-NEXT: weight 'layers.0.attn.q.weight' (stored as 'blk.0.attn_q.weight') has type ggml type 99 (unknown to mgc); mgc reads F32, F16 and BF16
// RUN: not mgc compile %S/Inputs/robust/gguf-wrong-shape.gguf 2>&1 | FileCheck %s --check-prefix=WRONG_SHAPE
// WRONG_SHAPE: weight 'layers.0.attn.q.weight' (stored as 'blk.0.attn_q.weight') has shape [9, 8]; the architecture needs [8, 8]
// RUN: not mgc compile %S/Inputs/robust/gguf-duplicate.gguf 2>&1 | FileCheck %s --check-prefix=DUPLICATE
// DUPLICATE: mgc compile: error: {{.*}}gguf-duplicate.gguf: at byte offset 1943: tensor 'blk.0.attn_norm.weight' is defined twice
// RUN: not mgc compile %S/Inputs/robust/gguf-huge-tensor.gguf 2>&1 | FileCheck %s --check-prefix=HUGE_TENSOR
// HUGE_TENSOR: mgc compile: error: {{.*}}gguf-huge-tensor.gguf: at byte offset 1254: tensor 'token_embd.weight' (F32 [1048576, 1048576], 4398046511104 bytes) at data offset 0 (file offset 1952 + 0) lies beyond the end of the file (5120 bytes)
// RUN: not mgc compile %S/Inputs/robust/gguf-huge-count.gguf 2>&1 | FileCheck %s --check-prefix=HUGE_COUNT
// HUGE_COUNT: mgc compile: error: {{.*}}gguf-huge-count.gguf: at byte offset 8: the header claims 1099511627776 tensors and 17 metadata entries, more than the 5888-byte file can hold
// The model file is not written.
// RUN: rm -f %t.gguf.mgc
// RUN: not mgc compile %S/Inputs/robust/gguf-huge-tensor.gguf -o %t.gguf.mgc 2>&1 | FileCheck %s --check-prefix=HUGE_TENSOR
// RUN: not ls %t.gguf.mgc

// safetensors, in a Hugging Face directory: read when the weights are
// packed into a compiled model.
// RUN: rm -f %t.st.mgc
// RUN: not mgc compile %S/Inputs/robust/st-header-length -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_HEADER
// ST_HEADER: mgc compile: error: {{.*}}st-header-length/model.safetensors: at byte offset 0: the header length 1099511627776 runs past the end of the file: only 3400 bytes follow the 8-byte length
// RUN: not mgc compile %S/Inputs/robust/st-bad-json -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_JSON
// ST_JSON: mgc compile: error: {{.*}}st-bad-json/model.safetensors: at byte offset 30: invalid JSON header: expected a string key in the object
// RUN: not mgc compile %S/Inputs/robust/st-overlap -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_OVERLAP
// ST_OVERLAP: mgc compile: error: {{.*}}st-overlap/model.safetensors: at byte offset 66: the data_offsets of tensors 'a' [0, 8] and 'b' [4, 12] overlap
// RUN: not mgc compile %S/Inputs/robust/st-out-of-range -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_RANGE
// ST_RANGE: mgc compile: error: {{.*}}st-out-of-range/model.safetensors: at byte offset 55: tensor 'a': data_offsets [0, 16] run past the end of the data section (8 bytes, file offset 63 to 71)
// RUN: not mgc compile %S/Inputs/robust/st-dtype-shape -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_DTYPE
// ST_DTYPE: mgc compile: error: {{.*}}st-dtype-shape/model.safetensors: at byte offset 58: tensor 'a': dtype BF16 and shape [2, 3] need 12 bytes, but data_offsets [0, 8] hold 8
// RUN: not mgc compile %S/Inputs/robust/st-truncated -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_TRUNCATED
// ST_TRUNCATED: mgc compile: error: {{.*}}st-truncated/model.safetensors: at byte offset 833: tensor 'lm_head.weight': data_offsets [1792, 2560] run past the end of the data section (2510 bytes, file offset 848 to 3358)
// RUN: not mgc compile %S/Inputs/robust/st-huge-tensor -o %t.st.mgc 2>&1 | FileCheck %s --check-prefix=ST_HUGE
// ST_HUGE: mgc compile: error: {{.*}}st-huge-tensor/model.safetensors: at byte offset 69: tensor 'a': data_offsets [0, 4398046511104] run past the end of the data section (8 bytes, file offset 88 to 96)
// RUN: not ls %t.st.mgc

// llama2.c checkpoints: the header gives the size the file must have.
// RUN: mgc compile %S/Inputs/robust/llama2c-good.bin --target arm64 -O0 | FileCheck %s --check-prefix=GOOD_BIN
// GOOD_BIN: mgc.param "embed.tokens.weight" : tensor<24x8xf32>
// RUN: not mgc compile %S/Inputs/robust/llama2c-truncated.bin 2>&1 | FileCheck %s --check-prefix=BIN_SHORT
// BIN_SHORT: mgc compile: error: {{.*}}llama2c-truncated.bin: expected 3324 bytes for a llama2.c checkpoint with dim=8, hidden_dim=16, layers=1, heads=2, kv_heads=1, vocab=24 (shared classifier), seq_len=8, got 3224
// RUN: not mgc compile %S/Inputs/robust/llama2c-extra.bin 2>&1 | FileCheck %s --check-prefix=BIN_LONG
// BIN_LONG: mgc compile: error: {{.*}}llama2c-extra.bin: expected 3324 bytes for a llama2.c checkpoint with dim=8, hidden_dim=16, layers=1, heads=2, kv_heads=1, vocab=24 (shared classifier), seq_len=8, got 3388
// A header with an implausible size is not taken for a checkpoint (vocab_size
// -2^31, whose negation once overflowed).
// RUN: not mgc compile %S/Inputs/robust/llama2c-vocab-int-min.bin 2>&1 | FileCheck %s --check-prefix=BIN_VOCAB
// BIN_VOCAB: mgc compile: error: {{.*}}llama2c-vocab-int-min.bin: unrecognized input
