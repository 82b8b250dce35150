// REQUIRES: shared-models
//
// Matrix weights stored as bf16 or f16 (mgc compile --weight-type): the
// trained TinyStories model against llama2.c's float32 logits, within the
// rounding of the format; decode (16-bit rows) equals prefill (the same
// values widened into f32 panels); an MoE model reads 16-bit expert
// slices at the right offsets.
//
// Tolerances, as a fraction of each row's largest logit: 5 units of
// rounding of the format (bf16 2^-9 ~ 0.002, f16 2^-11 ~ 0.0005) for
// errors measured at ~2.7 and ~1.4 units over the first 100 positions
// (bf16 ~3.4 units where the target has bf16 dot products: products of bf16
// weights then read activations rounded to bf16 too).
//
// RUN: mgc compile %shared_models/stories260K/stories260K.bin --weight-type bf16 -o %t.bf16.mgc
// RUN: mgc inspect %t.bf16.mgc | FileCheck %s --check-prefix=INSPECT
// RUN: mgc run %t.bf16.mgc --prompt "Once upon a time" -n 60 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.bf16.f32 > /dev/null
// RUN: mgc-compare-logits %t.bf16.f32 %shared_models/stories260K/refs/dump_p0.logits.f32 --vocab 512 --first 50 --row-tol 0.01 | FileCheck %s --check-prefix=CLOSE
// The weights really are rounded: float32's tolerance does not hold.
// RUN: not mgc-compare-logits %t.bf16.f32 %shared_models/stories260K/refs/dump_p0.logits.f32 --vocab 512 --first 50 2>&1 | FileCheck %s --check-prefix=ROUNDED
//
// RUN: mgc compile %shared_models/stories260K/stories260K.bin --weight-type f16 -o %t.f16.mgc
// RUN: mgc run %t.f16.mgc --prompt "Once upon a time" -n 60 --tokenizer %shared_models/stories260K/tok512.bin --dump-logits %t.f16.f32 > /dev/null
// RUN: mgc-compare-logits %t.f16.f32 %shared_models/stories260K/refs/dump_p0.logits.f32 --vocab 512 --first 50 --row-tol 0.0025 | FileCheck %s --check-prefix=CLOSE
//
// Decode with the KV cache equals one prefill of the same tokens: to float
// tolerance for a target without bf16 dot products (AVX2, which every x86-64
// CPU mgc runs on has)...
// RUN: mgc compile %shared_models/stories260K/stories260K.bin --weight-type bf16 --target x86-64-avx2 -o %t.avx2.mgc
// RUN: mgc run %t.avx2.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 3 --dump-logits %t.decode.f32 > %t.ids
// RUN: mgc run %t.avx2.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.ids) -n 40 --dump-logits %t.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.decode.f32 %t.prefill.f32 --vocab 512 --positions 40 | FileCheck %s --check-prefix=CLOSE
// ... and for the host (activations rounded to bf16 where it has bf16 dot
// products: an f32 difference in summation order can move an activation to
// the neighbouring bf16 value, a unit of bf16 rounding, so the tolerance is
// the format's, measured at 2.3 units).
// RUN: mgc run %t.bf16.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 3 --dump-logits %t.host-decode.f32 > %t.host-ids
// RUN: mgc run %t.bf16.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.host-ids) -n 40 --dump-logits %t.host-prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.host-decode.f32 %t.host-prefill.f32 --vocab 512 --positions 40 --row-tol 0.01 | FileCheck %s --check-prefix=CLOSE
//
// Mixtral (transformers golden) with bf16 experts: prompt and decode
// logits within the format's rounding, and decode equals prefill.
// RUN: mgc compile %mgc_src_root/tests/goldens/mixtral --weight-type bf16 -o %t.mixtral.mgc 2>/dev/null
// RUN: mgc run %t.mixtral.mgc --tokens $(cat %mgc_src_root/tests/goldens/mixtral/prompt.txt) -n 28 --dump-logits %t.mixtral.f32 > %t.mixtral.ids
// RUN: mgc-compare-logits %t.mixtral.f32 %mgc_src_root/tests/goldens/mixtral/greedy-logits.f32 --vocab 256 --positions 28 --row-tol 0.02 | FileCheck %s --check-prefix=CLOSE
// RUN: mgc run %t.mixtral.mgc --tokens $(cat %mgc_src_root/tests/goldens/mixtral/prompt.txt),$(cut -d, -f1-15 %t.mixtral.ids) -n 28 --dump-logits %t.mixtral.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.mixtral.f32 %t.mixtral.prefill.f32 --vocab 256 --positions 28 | FileCheck %s --check-prefix=CLOSE

// A weight beyond f16's range is refused (bf16 has f32's range), and no
// model file is left behind.
// RUN: rm -rf %t.big %t.big.mgc && python3 %mgc_src_root/tests/helpers/set_safetensors_value.py %mgc_src_root/tests/goldens/mixtral %t.big model.layers.0.self_attn.q_proj.weight 5 100000
// RUN: not mgc compile %t.big --weight-type f16 -o %t.big.mgc 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not test -e %t.big.mgc
// RUN: mgc compile %t.big --weight-type bf16 -o %t.big.mgc 2>/dev/null
// RANGE: error: weight 'layers.0.attn.q.weight' holds 100000.000000, beyond the range of f16 (65504); compile it with a wider --weight-type

// INSPECT: sections: plan {{[0-9]+}} bytes, code {{[0-9]+}} bytes ({{[0-9]+}} kernels), weights {{[0-9]+}} bytes
// INSPECT: prefill.embed.tokens(tokens, @embed.tokens.weight(bf16), %s{{[0-9]+}}[T, 64])
// INSPECT: prefill.layers.0.attn.o(%s{{[0-9]+}}[T, 64], @layers.0.attn.o.weight(panels {{[0-9]+}}), %s{{[0-9]+}}[T, 64], %s{{[0-9]+}}[T, 64])
// INSPECT: decode.layers.0.attn.o(%s{{[0-9]+}}[1, 64], @layers.0.attn.o.weight(bf16), %s{{[0-9]+}}[1, 64], %s{{[0-9]+}}[1, 64])
// INSPECT: decode.embed.tokens.1(%s{{[0-9]+}}[1, 64], @embed.tokens.weight(bf16), %s{{[0-9]+}}[1, 512])
// CLOSE: positions {{[0-9]+}}, max abs error
// ROUNDED: error: position
