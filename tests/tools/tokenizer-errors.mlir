// `mgc compile --tokenizer FILE` checks the tokenizer before anything else
// is built: one error naming the file and the byte offset, a non-zero exit,
// and no model file. tok512.bin is stories260K's llama2.c tokenizer (512
// tokens, as examples/llama.toml's vocabulary).

// RUN: rm -f %t.mgc
// RUN: head -c 1000 %mgc_src_root/tests/fuzz/data/tok512.bin > %t.truncated.bin
// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --tokenizer %t.truncated.bin -o %t.mgc 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: mgc compile: error: {{.*}}truncated.bin: offset 1000: token length: needs 4 bytes, but the file ends after 0 (file size 1000; truncated or corrupt?) (token 71)

// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --tokenizer %t.missing.bin -o %t.mgc 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: mgc compile: error: {{.*}}missing.bin: offset 0: cannot open: no such file

// A llama2.c checkpoint is not a tokenizer.
// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --tokenizer %S/../frontends/Inputs/robust/llama2c-good.bin -o %t.mgc 2>&1 | FileCheck %s --check-prefix=NOT_TOKENIZER
// NOT_TOKENIZER: mgc compile: error: {{.*}}llama2c-good.bin: offset 17: token length 402653184 is outside 0..max_token_length (8) (token 1)

// An absurd max_token_length is refused before anything is allocated.
// RUN: printf '\377\377\377\177' > %t.maxlen.bin && tail -c +5 %mgc_src_root/tests/fuzz/data/tok512.bin >> %t.maxlen.bin
// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --tokenizer %t.maxlen.bin -o %t.mgc 2>&1 | FileCheck %s --check-prefix=MAXLEN
// MAXLEN: mgc compile: error: {{.*}}maxlen.bin: offset 0: max_token_length is 2147483647; expected 1..65536 and at most the file size (not a llama2.c tokenizer.bin?)

// A GGUF tokenizer is read as a GGUF file first.
// RUN: not mgc compile %mgc_src_root/examples/llama.toml --random-weights --tokenizer %S/../frontends/Inputs/robust/gguf-version.gguf -o %t.mgc 2>&1 | FileCheck %s --check-prefix=GGUF
// GGUF: mgc compile: error: {{.*}}gguf-version.gguf: at byte offset 4: GGUF version 7 is not supported; expected 2 or 3

// RUN: not ls %t.mgc
