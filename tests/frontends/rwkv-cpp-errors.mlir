// Malformed rwkv.cpp model files (magic 'ggmf', written here byte by byte)
// are refused with one message naming the file and the byte offset.
// Header: u32 magic, version, n_vocab, n_embed, n_layer, data_type; then
// parameters: u32 dim_count, key_length, data_type, dims, name, data.

// RUN: printf 'fmgg\145\000\000\000' > %t.short.bin
// RUN: not mgc compile %t.short.bin 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: mgc compile: error: {{.*}}short.bin: at byte offset 0: an rwkv.cpp model file starts with a 24-byte header (six u32: magic, version, n_vocab, n_embed, n_layer, data_type), but the file has 8 bytes

// A legacy llama.cpp GGMF file shares the magic.
// RUN: printf 'fmgg\001\000\000\000\000\001\000\000\100\000\000\000\001\000\000\000\000\000\000\000' > %t.llama.bin
// RUN: not mgc compile %t.llama.bin 2>&1 | FileCheck %s --check-prefix=LLAMA
// LLAMA: llama.bin: at byte offset 4: rwkv.cpp file version 1 is not supported; expected 100 or 101 (a 'ggmf' file of a small version is a legacy llama.cpp model, which mgc does not read)

// RUN: printf 'fmgg\145\000\000\000\000\001\000\000\100\000\000\000\001\000\000\000\004\000\000\000' > %t.type.bin
// RUN: not mgc compile %t.type.bin 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: type.bin: at byte offset 20: the header's data type 4 (Q4_1_O) was removed from rwkv.cpp; requantize the model

// RUN: printf 'fmgg\145\000\000\000\000\000\000\000\100\000\000\000\001\000\000\000\000\000\000\000' > %t.vocab.bin
// RUN: not mgc compile %t.vocab.bin 2>&1 | FileCheck %s --check-prefix=VOCAB
// VOCAB: vocab.bin: at byte offset 8: header field n_vocab is 0; expected 1 to 16777216

// RUN: printf 'fmgg\145\000\000\000\000\001\000\000\100\000\000\000\001\000\000\000\000\000\000\000' > %t.empty.bin
// RUN: not mgc compile %t.empty.bin 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: empty.bin: at byte offset 24: the file holds a header but no parameters

// RUN: cp %t.empty.bin %t.dims.bin && printf '\004\000\000\000\012\000\000\000\000\000\000\000' >> %t.dims.bin
// RUN: not mgc compile %t.dims.bin 2>&1 | FileCheck %s --check-prefix=DIMS
// DIMS: dims.bin: at byte offset 24: a parameter has 4 dimensions; rwkv.cpp allows 1 to 3

// RUN: cp %t.empty.bin %t.ptype.bin && printf '\001\000\000\000\012\000\000\000\052\000\000\000\100\000\000\000emb.weight' >> %t.ptype.bin
// RUN: not mgc compile %t.ptype.bin 2>&1 | FileCheck %s --check-prefix=PTYPE
// PTYPE: ptype.bin: at byte offset 32: tensor 'emb.weight' has data type 42 is unknown; rwkv.cpp's types are 0 FP32, 1 FP16, 2 Q4_0, 3 Q4_1, 7 Q5_0, 8 Q5_1, 9 Q8_0, 10 Q8_1, 11 Q2_K, 12 Q3_K, 13 Q4_K, 14 Q5_K, 15 Q6_K, 16 Q8_K

// RUN: cp %t.empty.bin %t.name.bin && printf '\001\000\000\000\012\000\000\000\000\000\000\000\100\000\000\000emb' >> %t.name.bin
// RUN: not mgc compile %t.name.bin 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: name.bin: at byte offset 24: the file ends inside the name of the parameter at byte offset 24 (10 bytes)

// RUN: cp %t.empty.bin %t.data.bin && printf '\002\000\000\000\012\000\000\000\000\000\000\000\100\000\000\000\000\001\000\000emb.weight\000\000\000\000' >> %t.data.bin
// RUN: not mgc compile %t.data.bin 2>&1 | FileCheck %s --check-prefix=DATA
// DATA: data.bin: at byte offset 24: tensor 'emb.weight' (FP32 [256, 64], 65536 bytes of data from byte offset 54) runs past the end of the file (58 bytes)

// RUN: cp %t.empty.bin %t.block.bin && printf '\002\000\000\000\012\000\000\000\010\000\000\000\050\000\000\000\000\001\000\000emb.weight' >> %t.block.bin
// RUN: not mgc compile %t.block.bin 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: block.bin: at byte offset 24: tensor 'emb.weight' of type Q5_1 has rows of 40 elements, not a multiple of its block size 32

// A file that reads but lacks what its architecture needs.
// RUN: cp %t.empty.bin %t.arch.bin && printf '\001\000\000\000\013\000\000\000\000\000\000\000\001\000\000\000ln_out.bias\000\000\000\000' >> %t.arch.bin
// RUN: not mgc compile %t.arch.bin 2>&1 | FileCheck %s --check-prefix=ARCH
// ARCH: arch.bin: this RWKV-4 file has no tensor 'emb.weight'
