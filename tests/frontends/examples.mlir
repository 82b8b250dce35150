// Every bundled example compiles through the optimizing pipeline and the
// kernel scheduler, and the benchmark-size ones have the expected sizes.

// RUN: for f in %mgc_src_root/examples/*.toml; do mgc compile $f --target x86-64-avx512 --emit=scheduled-mlir -o %t.out.mlir || exit 1; done

// RUN: mgc compile %mgc_src_root/examples/llama-125m.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=LLAMA
// LLAMA: mgc.state kv_cache @layers.11.attn.k_cache : tensor<4x4096x64xf32>
// LLAMA: mgc.param "layers.11.ffn.down.weight" : tensor<768x2048xf32>

// RUN: mgc compile %mgc_src_root/examples/moe-8x-125m.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MOE
// MOE: mgc.param "layers.11.ffn.experts.down" : tensor<8x768x2048xf32>

// RUN: mgc compile %mgc_src_root/examples/mamba-130m.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MAMBA
// MAMBA: mgc.state recurrent @layers.23.mixer.ssm_state : tensor<1x1536x16xf32>

// RUN: mgc compile %mgc_src_root/examples/jamba-mini.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=JAMBA
// JAMBA: mgc.state kv_cache @layers.3.attn.k_cache : tensor<4x4096x64xf32>
// JAMBA: mgc.state recurrent @layers.4.mixer.ssm_state : tensor<1x1536x16xf32>
