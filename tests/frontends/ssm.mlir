// State-space and hybrid examples lower to mgc.scan with their recurrent and
// convolution state, in prefill and decode.

// Mamba-1: conv1d + selective scan per layer, state carried across calls.
// RUN: mgc compile %mgc_src_root/examples/mamba.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MAMBA
// MAMBA: mgc.state conv @layers.0.mixer.conv_state : tensor<3x128xf32>
// MAMBA: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<1x128x16xf32>
// MAMBA-NOT: kv_cache
// MAMBA-LABEL: func.func @prefill
// MAMBA: mgc.conv1d {{.*}} state(
// MAMBA: mgc.activation softplus
// MAMBA: mgc.scan selective forward {{.*}} dt({{.*}}) decay({{.*}}) b({{.*}}) c({{.*}}) d({{.*}}) state({{.*}}) : (tensor<?x1x128xf32>
// MAMBA: mgc.state_write {{.*}} @layers.0.mixer.ssm_state
// MAMBA-LABEL: func.func @decode
// MAMBA: mgc.scan selective forward {{.*}} : (tensor<1x1x128xf32>

// Mamba-2: SSD scan with scalar decay per head and grouped B/C, gated norm
// per group.
// RUN: mgc compile %mgc_src_root/examples/mamba2.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=MAMBA2
// MAMBA2: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<8x16x32xf32>
// MAMBA2: mgc.scan ssd forward {{.*}} : (tensor<?x8x16xf32>, tensor<?x8xf32>, tensor<8xf32>, tensor<?x2x32xf32>, tensor<?x2x32xf32>, tensor<8xf32>, tensor<8x16x32xf32>)
// MAMBA2: mgc.norm rms {{.*}} : (tensor<?x2x64xf32>, tensor<2x64xf32>) -> tensor<?x2x64xf32>

// RWKV-6: token shift, rwkv scan with bonus, channel mix FFN.
// RUN: mgc compile %mgc_src_root/examples/rwkv6.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=RWKV6
// RWKV6: mgc.state conv @layers.0.att.shift : tensor<1x64xf32>
// RWKV6: mgc.state recurrent @layers.0.att.wkv : tensor<4x16x16xf32>
// RWKV6: mgc.state conv @layers.0.ffn.shift : tensor<1x64xf32>
// RWKV6-LABEL: func.func @prefill
// RWKV6: mgc.param "embed.norm.weight"
// RWKV6: mgc.token_shift {{.*}} state(
// RWKV6: mgc.scan rwkv forward {{.*}} bonus({{.*}}) state(
// RWKV6: mgc.activation relu_squared

// RWKV-7: the delta-rule scan; later layers mix in the first layer's value.
// RUN: mgc compile %mgc_src_root/examples/rwkv7.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=RWKV7
// RWKV7-LABEL: func.func @prefill
// RWKV7: mgc.scan delta forward {{.*}} rank1(
// RWKV7-NOT: layers.0.att.v0
// RWKV7: mgc.param "layers.1.att.v0"
// RWKV7: mgc.scan delta forward

// S4D: a time-invariant scan.
// RUN: mgc compile %mgc_src_root/examples/s4.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=S4
// S4: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<64x1x32xf32>
// S4: mgc.scan lti forward

// Jamba: three Mamba layers per attention layer (period 4, offset 3), MoE on
// every other layer (period 2, offset 1).
// RUN: mgc compile %mgc_src_root/examples/jamba.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=JAMBA
// JAMBA-LABEL: func.func @prefill
// JAMBA: mgc.scan selective
// JAMBA-NOT: mgc.route
// JAMBA: mgc.param "layers.0.ffn.up.weight"
// JAMBA: mgc.scan selective
// JAMBA: mgc.route softmax
// JAMBA: mgc.scan selective
// JAMBA: mgc.param "layers.2.ffn.up.weight"
// JAMBA-NOT: mgc.scan
// JAMBA: mgc.attention causal
// JAMBA: mgc.route softmax
// JAMBA: mgc.scan selective
// JAMBA-LABEL: func.func @decode

// H3 and Hydra are refused with a reason instead of a different model.
// RUN: not mgc compile %S/Inputs/h3.toml 2>&1 | FileCheck %s --check-prefix=H3
// H3: h3.toml:6:1: error: scan mixer 'ssm': h3 is not supported: its diagonal SSM has complex modes (S4D-Lin) that mgc.scan's real decays cannot represent
