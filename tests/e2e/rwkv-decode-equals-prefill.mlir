// The RWKV-4, RWKV-5.2 and RWKV-5.1 descriptions with random weights: decode,
// which carries the token-shift and WKV states from step to step, equals one
// prefill over the same tokens: sample 40 positions one at a time (sampling,
// so the tokens vary), then prefill the tokens that were fed.

// RUN: mgc compile %mgc_src_root/examples/rwkv4.toml --random-weights -o %t.rwkv4.mgc
// RUN: mgc run %t.rwkv4.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.rwkv4.decode.f32 > %t.rwkv4.ids
// RUN: mgc run %t.rwkv4.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.rwkv4.ids) -n 40 --dump-logits %t.rwkv4.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.rwkv4.decode.f32 %t.rwkv4.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/rwkv5.toml --random-weights -o %t.rwkv5.mgc
// RUN: mgc run %t.rwkv5.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.rwkv5.decode.f32 > %t.rwkv5.ids
// RUN: mgc run %t.rwkv5.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.rwkv5.ids) -n 40 --dump-logits %t.rwkv5.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.rwkv5.decode.f32 %t.rwkv5.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: sed 's/variant = "rwkv5.2"/variant = "rwkv5.1"/' %mgc_src_root/examples/rwkv5.toml > %t.rwkv51.toml
// RUN: mgc compile %t.rwkv51.toml --random-weights -o %t.rwkv51.mgc
// RUN: mgc run %t.rwkv51.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.rwkv51.decode.f32 > %t.rwkv51.ids
// RUN: mgc run %t.rwkv51.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.rwkv51.ids) -n 40 --dump-logits %t.rwkv51.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.rwkv51.decode.f32 %t.rwkv51.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// CHECK: positions 40, max abs error
