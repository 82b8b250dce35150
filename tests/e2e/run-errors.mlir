// `mgc run` refuses damaged or foreign model files and impossible requests
// with one clear message and a non-zero exit status.
// REQUIRES: shared-models

// RUN: mgc compile %shared_models/stories260K/stories260K.bin -o %t.mgc

// RUN: not mgc run %t.missing.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: mgc run: error: {{.*}}missing.mgc: cannot open

// RUN: head -c 5000 %t.mgc > %t.trunc.mgc
// RUN: not mgc run %t.trunc.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: truncated or corrupt

// RUN: head -c 100 %t.mgc > %t.tiny.mgc
// RUN: not mgc run %t.tiny.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=TINY
// TINY: not an mgc compiled model: 100 bytes is smaller than the 128-byte header

// RUN: cp %t.mgc %t.magic.mgc && printf 'XXXX' | dd of=%t.magic.mgc bs=1 conv=notrunc 2>/dev/null
// RUN: not mgc run %t.magic.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=MAGIC
// MAGIC: not an mgc compiled model (bad magic number)

// RUN: cp %t.mgc %t.version.mgc && printf '\143' | dd of=%t.version.mgc bs=1 seek=8 conv=notrunc 2>/dev/null
// RUN: not mgc run %t.version.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: format version 99 is not supported by this runtime

// RUN: cp %t.mgc %t.target.mgc && printf 'arm64\000\000\000\000\000\000\000\000\000\000\000' | dd of=%t.target.mgc bs=1 seek=16 conv=notrunc 2>/dev/null
// RUN: not mgc run %t.target.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: the model was compiled for arm64

// RUN: cp %t.mgc %t.sum.mgc && printf '\177' | dd of=%t.sum.mgc bs=1 seek=$(( $(wc -c < %t.mgc) - 3 )) conv=notrunc 2>/dev/null
// RUN: not mgc run %t.sum.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=SUM
// SUM: checksum mismatch

// RUN: not mgc run %t.mgc --ctx 4 --tokens 1,2,3,4,5 2>&1 | FileCheck %s --check-prefix=CTX
// CTX: the prompt has 5 tokens, more than the context of 4 positions
// RUN: not mgc run %t.mgc --ctx 1000 --tokens 1 2>&1 | FileCheck %s --check-prefix=CTXMAX
// CTXMAX: context 1000 exceeds the model's KV-cache capacity of 512 positions
// RUN: not mgc run %t.mgc --tokens 1,512 2>&1 | FileCheck %s --check-prefix=VOCAB
// VOCAB: token id 512 is outside the vocabulary [0, 512)
// RUN: not mgc run %t.mgc --prompt "hi" 2>&1 | FileCheck %s --check-prefix=NOTOK
// NOTOK: the model has no tokenizer
