// -O2 (fused projections, decode reading the parts of a fused result in
// place, residual adds fused into the products, the target's schedules)
// computes what -O0 (no fusion, naive scalar and serial schedules)
// computes: the same logits over a prefill and 36 decode steps, for a dense
// model, one with biased products and residuals (phi2), MoE models with and
// without projection biases, DeepSeek-V3's latent attention and a
// Jamba-style hybrid.
//
// RUN: mgc compile %mgc_src_root/examples/phi2.toml --random-weights -O0 -o %t.phi0.mgc
// RUN: mgc compile %mgc_src_root/examples/phi2.toml --random-weights -o %t.phi2.mgc
// RUN: mgc run %t.phi0.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.phi0.f32 > /dev/null
// RUN: mgc run %t.phi2.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.phi2.f32 > /dev/null
// RUN: mgc-compare-logits %t.phi2.f32 %t.phi0.f32 --vocab 512 --positions 40 | FileCheck %s
//
// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -O0 -o %t.llama0.mgc
// RUN: mgc compile %mgc_src_root/examples/llama.toml --random-weights -o %t.llama2.mgc
// RUN: mgc run %t.llama0.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.llama0.f32 > /dev/null
// RUN: mgc run %t.llama2.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.llama2.f32 > /dev/null
// RUN: mgc-compare-logits %t.llama2.f32 %t.llama0.f32 --vocab 512 --positions 40 | FileCheck %s
//
// RUN: mgc compile %mgc_src_root/tests/goldens/qwen2_moe -O0 -o %t.qwen0.mgc 2>/dev/null
// RUN: mgc compile %mgc_src_root/tests/goldens/qwen2_moe -o %t.qwen2.mgc 2>/dev/null
// RUN: mgc run %t.qwen0.mgc --tokens 1,45,203,17 -n 40 --dump-logits %t.qwen0.f32 > /dev/null
// RUN: mgc run %t.qwen2.mgc --tokens 1,45,203,17 -n 40 --dump-logits %t.qwen2.f32 > /dev/null
// RUN: mgc-compare-logits %t.qwen2.f32 %t.qwen0.f32 --vocab 256 --positions 40 | FileCheck %s
//
// RUN: mgc compile %mgc_src_root/tests/goldens/deepseek_v3 -O0 -o %t.ds0.mgc 2>/dev/null
// RUN: mgc compile %mgc_src_root/tests/goldens/deepseek_v3 -o %t.ds2.mgc 2>/dev/null
// RUN: mgc run %t.ds0.mgc --tokens 1,45,203,17 -n 40 --dump-logits %t.ds0.f32 > /dev/null
// RUN: mgc run %t.ds2.mgc --tokens 1,45,203,17 -n 40 --dump-logits %t.ds2.f32 > /dev/null
// RUN: mgc-compare-logits %t.ds2.f32 %t.ds0.f32 --vocab 256 --positions 40 | FileCheck %s
//
// RUN: mgc compile %mgc_src_root/examples/jamba.toml --random-weights -O0 -o %t.jamba0.mgc
// RUN: mgc compile %mgc_src_root/examples/jamba.toml --random-weights -o %t.jamba2.mgc
// RUN: mgc run %t.jamba0.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.jamba0.f32 > /dev/null
// RUN: mgc run %t.jamba2.mgc --tokens 1,2,3,4 -n 40 --dump-logits %t.jamba2.f32 > /dev/null
// RUN: mgc-compare-logits %t.jamba2.f32 %t.jamba0.f32 --vocab 512 --positions 40 | FileCheck %s
//
// The fused models really are fused, and -O0's kernels read rows.
// RUN: mgc inspect %t.llama0.mgc | FileCheck %s --check-prefix=NAIVE
// RUN: mgc inspect %t.qwen2.mgc | FileCheck %s --check-prefix=QWEN
// RUN: mgc inspect %t.ds2.mgc | FileCheck %s --check-prefix=DS

// CHECK: positions 40, max abs error
// NAIVE: prefill.layers.0.attn.q({{.*}}@layers.0.attn.q.weight(panels 1),
// QWEN: decode.layers.0.attn.q+k+v({{.*}}@layers.0.attn.q+k+v.weight(panels {{[0-9]+}}), @layers.0.attn.q+k+v.bias,
// DS: decode.layers.0.attn.q_a+kv_a(
