// State-space and hybrid models with random weights: decode, which carries
// the recurrent, convolution, token-shift and KV-cache states from step to
// step, equals one prefill over the same tokens. Mamba (selective scan),
// Mamba-2 (SSD), Jamba (Mamba, attention and MoE layers), RWKV-6 (rwkv scan,
// token shift), RWKV-7 (delta scan), S4 and H3 (lti scans; H3's shift
// convolution): sample 40 positions one at a time (sampling, so the tokens
// vary), then prefill the tokens that were fed.

// RUN: mgc compile %mgc_src_root/examples/mamba.toml --random-weights -o %t.mamba.mgc
// RUN: mgc run %t.mamba.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.mamba.decode.f32 > %t.mamba.ids
// RUN: mgc run %t.mamba.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.mamba.ids) -n 40 --dump-logits %t.mamba.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.mamba.decode.f32 %t.mamba.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/mamba2.toml --random-weights -o %t.mamba2.mgc
// RUN: mgc run %t.mamba2.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.mamba2.decode.f32 > %t.mamba2.ids
// RUN: mgc run %t.mamba2.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.mamba2.ids) -n 40 --dump-logits %t.mamba2.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.mamba2.decode.f32 %t.mamba2.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/jamba.toml --random-weights -o %t.jamba.mgc
// RUN: mgc run %t.jamba.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.jamba.decode.f32 > %t.jamba.ids
// RUN: mgc run %t.jamba.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.jamba.ids) -n 40 --dump-logits %t.jamba.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.jamba.decode.f32 %t.jamba.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/rwkv6.toml --random-weights -o %t.rwkv6.mgc
// RUN: mgc run %t.rwkv6.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.rwkv6.decode.f32 > %t.rwkv6.ids
// RUN: mgc run %t.rwkv6.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.rwkv6.ids) -n 40 --dump-logits %t.rwkv6.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.rwkv6.decode.f32 %t.rwkv6.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/rwkv7.toml --random-weights -o %t.rwkv7.mgc
// RUN: mgc run %t.rwkv7.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.rwkv7.decode.f32 > %t.rwkv7.ids
// RUN: mgc run %t.rwkv7.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.rwkv7.ids) -n 40 --dump-logits %t.rwkv7.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.rwkv7.decode.f32 %t.rwkv7.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/s4.toml --random-weights -o %t.s4.mgc
// RUN: mgc run %t.s4.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.s4.decode.f32 > %t.s4.ids
// RUN: mgc run %t.s4.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.s4.ids) -n 40 --dump-logits %t.s4.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.s4.decode.f32 %t.s4.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// RUN: mgc compile %mgc_src_root/examples/h3.toml --random-weights -o %t.h3.mgc
// RUN: mgc run %t.h3.mgc --tokens 1,2,3,4 -n 40 --temp 1 --seed 7 --dump-logits %t.h3.decode.f32 > %t.h3.ids
// RUN: mgc run %t.h3.mgc --tokens 1,2,3,4,$(cut -d, -f1-36 %t.h3.ids) -n 40 --dump-logits %t.h3.prefill.f32 > /dev/null
// RUN: mgc-compare-logits %t.h3.decode.f32 %t.h3.prefill.f32 --vocab 512 --positions 40 | FileCheck %s

// CHECK: positions 40, max abs error

// Hydra is a bidirectional encoder (a prefill entry point only, no state),
// so it has no decode to compare; instead, the first position's logits
// depend on the last token, which they must not in a causal model (Mamba).
// RUN: mgc compile %mgc_src_root/examples/hydra.toml --random-weights -o %t.hydra.mgc
// RUN: mgc run %t.hydra.mgc --tokens 5,6,7,8,9,10 -n 6 --dump-logits %t.hydra.a.f32 > /dev/null
// RUN: mgc run %t.hydra.mgc --tokens 5,6,7,8,9,11 -n 6 --dump-logits %t.hydra.b.f32 > /dev/null
// RUN: head -c 2048 %t.hydra.a.f32 > %t.hydra.a0.f32
// RUN: head -c 2048 %t.hydra.b.f32 > %t.hydra.b0.f32
// RUN: not mgc-compare-logits %t.hydra.a0.f32 %t.hydra.b0.f32 --vocab 512 --positions 1
// RUN: mgc run %t.mamba.mgc --tokens 5,6,7,8,9,10 -n 6 --dump-logits %t.mamba.a.f32 > /dev/null
// RUN: mgc run %t.mamba.mgc --tokens 5,6,7,8,9,11 -n 6 --dump-logits %t.mamba.b.f32 > /dev/null
// RUN: head -c 2048 %t.mamba.a.f32 > %t.mamba.a0.f32
// RUN: head -c 2048 %t.mamba.b.f32 > %t.mamba.b0.f32
// RUN: mgc-compare-logits %t.mamba.a0.f32 %t.mamba.b0.f32 --vocab 512 --positions 1 --tol 1e-6
