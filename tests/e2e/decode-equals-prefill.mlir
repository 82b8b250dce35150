// Decoding with the KV cache (prompt prefill, then one decode call per
// token) gives the logits of one prefill over the same 200 tokens: the
// tokens llama2.c fed back for the p1 reference.
// REQUIRES: shared-models

// RUN: mgc compile %shared_models/stories260K/stories260K.bin -o %t.mgc
// RUN: mgc run %t.mgc --prompt "Lily and Tom went to the park" -n 200 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.decode.f32 > /dev/null
// RUN: mgc run %t.mgc --tokens $(awk '!/^#/ && !/^prompt/ {print $2}' %shared_models/stories260K/refs/dump_p1.tokens.txt | paste -sd, -) -n 200 --dump-logits %t.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.decode.f32 %t.prefill.f32 --vocab 512 --positions 200 | FileCheck %s
// CHECK: positions 200
