// `mgc compile --emit=exe -o PROG` writes a standalone executable: the
// runtime launcher with the compiled model appended. PROG takes `mgc run`'s
// options and generates exactly what `mgc run` does with the same model.
// REQUIRES: shared-models

// RUN: mgc compile %shared_models/stories260K/stories260K.bin --tokenizer %shared_models/stories260K/tok512.bin --emit=exe -o %t.exe
// RUN: %t.exe --prompt "Once upon a time" -n 200 > %t.p0.txt
// RUN: diff %t.p0.txt %shared_models/stories260K/refs/run_t0_n200_p0.txt

// Token ids and logit dumps match `mgc run` on the same model.
// RUN: mgc compile %shared_models/stories260K/stories260K.bin --tokenizer %shared_models/stories260K/tok512.bin -o %t.mgc
// RUN: %t.exe --tokens 1,403,407 -n 8 --dump-logits %t.exe.logits | FileCheck %s --check-prefix=IDS
// RUN: mgc run %t.mgc --tokens 1,403,407 -n 8 --dump-logits %t.run.logits
// RUN: cmp %t.exe.logits %t.run.logits
// IDS: 261,378,432,383,286

// RUN: %t.exe --help | FileCheck %s --check-prefix=HELP
// HELP: usage: {{.*}}.exe [--prompt TEXT | --tokens 1,2,3] [-n N]

// A MODEL argument is refused: the model is built in.
// RUN: not %t.exe %t.mgc --tokens 1 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: error: unexpected argument '{{.*}}.mgc': the model is built into this program

// A truncated executable has no trailer: one clear message, non-zero exit.
// RUN: head -c -100 %t.exe > %t.trunc.exe && chmod +x %t.trunc.exe
// RUN: not %t.trunc.exe --tokens 1 -n 2 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: trunc.exe: error: {{.*}}trunc.exe: no compiled model is embedded in this program (the file is truncated or corrupt, or was not made by mgc compile --emit=exe; recompile it)

// A damaged embedded model fails the model file's own checks.
// RUN: tail -c 24 %t.exe > %t.trailer && head -c -32 %t.exe > %t.bad.exe
// RUN: printf 'XXXXXXXX' >> %t.bad.exe && cat %t.trailer >> %t.bad.exe && chmod +x %t.bad.exe
// RUN: not %t.bad.exe --tokens 1 -n 2 2>&1 | FileCheck %s --check-prefix=CORRUPT
// CORRUPT: bad.exe: checksum mismatch: the file is corrupt or was modified

// The executable is written to a file, never to stdout.
// RUN: not mgc compile %shared_models/stories260K/stories260K.bin --emit=exe 2>&1 | FileCheck %s --check-prefix=STDOUT
// STDOUT: --emit=exe writes an executable; name it with -o PROG
