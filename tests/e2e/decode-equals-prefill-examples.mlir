// Decode with the KV cache equals one prefill over the same tokens for the
// bundled Mistral (sliding window of 32, exceeded here) and Phi-2 (parallel
// block, LayerNorm with bias, partial rotary, GELU) descriptions with random
// weights: generate 100 positions, then prefill the tokens that were fed.

// RUN: mgc compile %mgc_src_root/examples/mistral.toml --random-weights -o %t.mistral.mgc
// RUN: mgc run %t.mistral.mgc --tokens 1,2,3,4 -n 100 --dump-logits %t.mistral.decode.f32 > %t.mistral.ids
// RUN: mgc run %t.mistral.mgc --tokens 1,2,3,4,$(cut -d, -f1-96 %t.mistral.ids) -n 100 --dump-logits %t.mistral.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.mistral.decode.f32 %t.mistral.prefill.f32 --vocab 512 --positions 100 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/phi2.toml --random-weights -o %t.phi2.mgc
// RUN: mgc run %t.phi2.mgc --tokens 1,2,3,4 -n 100 --dump-logits %t.phi2.decode.f32 > %t.phi2.ids
// RUN: mgc run %t.phi2.mgc --tokens 1,2,3,4,$(cut -d, -f1-96 %t.phi2.ids) -n 100 --dump-logits %t.phi2.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.phi2.decode.f32 %t.phi2.prefill.f32 --vocab 512 --positions 100 | FileCheck %s

// CHECK: positions 100, max abs error
