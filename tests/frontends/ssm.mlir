// State-space and hybrid examples lower to mgc.scan with their recurrent and
// convolution state, in prefill and decode (Hydra, bidirectional: prefill
// only, without state).

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

// H3 (with the S4D-Real diagonal SSM): q/k/v projections, the shift SSM as a
// causal conv of width N whose weight is computed from B and C, k * v per
// head pair, a time-invariant scan with its skip term, the q read-out in the
// reference's (d2 h) order, the output projection.
// RUN: mgc compile %mgc_src_root/examples/h3.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=H3
// H3: mgc.state conv @layers.0.mixer.shift_state : tensor<15x64xf32>
// H3: mgc.state recurrent @layers.0.mixer.ssm_state : tensor<16x16x8xf32>
// H3-LABEL: func.func @prefill
// H3: mgc.param "layers.0.mixer.q_proj.bias" : tensor<64xf32>
// H3: mgc.param "layers.0.mixer.ssm_k_kernel.kernel.B" : tensor<64x16xf32>
// H3: mgc.param "layers.0.mixer.ssm_k_kernel.kernel.C" : tensor<64x16xf32>
// H3: %[[KW:.*]] = mgc.reshape %{{.*}} : tensor<64x16x1xf32> -> tensor<64x16xf32>
// H3: mgc.conv1d %{{.*}}, %[[KW]] state(%{{.*}}) : (tensor<?x64xf32>, tensor<64x16xf32>, tensor<15x64xf32>) -> (tensor<?x64xf32>, tensor<15x64xf32>)
// H3: mgc.param "layers.0.mixer.ssm_k_D" : tensor<64xf32>
// H3: mgc.param "layers.0.mixer.kernel.kernel.inv_A_real" : tensor<16x8xf32>
// H3: mgc.param "layers.0.mixer.kernel.kernel.B" : tensor<16x8x2xf32>
// H3: mgc.param "layers.0.mixer.kernel.kernel.C" : tensor<16x8x2xf32>
// H3: mgc.scan lti forward %{{.*}} decay(%{{.*}}) b(%{{.*}}) c(%{{.*}}) d(%{{.*}}) state(%{{.*}}) : (tensor<?x16x16xf32>, tensor<16x16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16xf32>, tensor<16x16x8xf32>)
// H3: mgc.concat {{.*}} : (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x64xf32>
// H3: mgc.param "layers.0.mixer.output_linear.bias" : tensor<64xf32>
// H3-LABEL: func.func @decode
// H3: mgc.conv1d {{.*}} : (tensor<1x64xf32>, tensor<64x16xf32>, tensor<15x64xf32>)
// H3: mgc.scan lti forward {{.*}} : (tensor<1x16x16xf32>

// Hydra: an encoder (prefill only, no state). A centered convolution, then
// two stateless SSD scans sharing A: one over the tokens, one over the
// reversed tokens with the second dt, B and C; both outputs move one token
// later, the backward one is reversed back; the fc_D skip; the gated norm
// over all inner channels.
// RUN: mgc compile %mgc_src_root/examples/hydra.toml -O0 --target x86-64-avx512 | FileCheck %s --check-prefix=HYDRA
// HYDRA-NOT: mgc.state
// HYDRA-LABEL: func.func @prefill
// HYDRA: mgc.param "layers.0.mixer.in_proj.weight" : tensor<336x64xf32>
// HYDRA: mgc.conv1d {{.*}} {centered} : (tensor<?x192xf32>, tensor<192x7xf32>, tensor<192xf32>) -> tensor<?x192xf32>
// HYDRA: mgc.scan ssd forward %{{.*}} dt(%{{.*}}) decay(%[[A:[^)]*]]) b(%{{.*}}) c(%{{.*}}) : (tensor<?x8x16xf32>, tensor<?x8xf32>, tensor<8xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>) -> tensor<?x8x16xf32>
// HYDRA: %[[FW:.*]] = mgc.token_shift %{{.*}} : (tensor<?x128xf32>) -> tensor<?x128xf32>
// HYDRA-NEXT: mgc.reverse %{{.*}} : tensor<?x128xf32>
// HYDRA-NEXT: mgc.reverse %{{.*}} : tensor<?x8xf32>
// HYDRA-NEXT: mgc.reverse %{{.*}} : tensor<?x32xf32>
// HYDRA: mgc.scan ssd forward %{{.*}} dt(%{{.*}}) decay(%[[A]])
// HYDRA: mgc.token_shift
// HYDRA-NEXT: %[[BW:.*]] = mgc.reverse %{{.*}} : tensor<?x128xf32>
// HYDRA: mgc.param "layers.0.mixer.fc_D.weight" : tensor<8x128xf32>
// HYDRA: mgc.linear %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<?x128xf32>, tensor<8x128xf32>, tensor<8xf32>) -> tensor<?x8xf32>
// HYDRA: mgc.add %[[FW]], %[[BW]]
// HYDRA: mgc.norm rms %{{.*}} weight %{{.*}} {eps = 1.000000e-05 : f64} : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
// HYDRA: mgc.param "layers.1.mixer.conv1d.weight" : tensor<192x7xf32>
// HYDRA-NOT: func.func @decode

// Shapes the H3 and Hydra lowerings cannot take, reported at the mixer.
// RUN: not mgc compile %S/Inputs/bad/hydra-even-conv.toml --target arm64 2>&1 | FileCheck %s --check-prefix=HYDRA_CONV
// HYDRA_CONV: hydra-even-conv.toml:7:1: error: hydra mixer: its centered convolution (padding conv_width // 2) needs an odd conv_width, got 4 (the reference default is 7)
// RUN: not mgc compile %S/Inputs/bad/h3-odd-state.toml --target arm64 2>&1 | FileCheck %s --check-prefix=H3_STATE
// H3_STATE: h3-odd-state.toml:7:1: error: h3 mixer: state_size must be even: the diagonal SSM has state_size / 2 modes, got 7
// RUN: not mgc compile %S/Inputs/bad/h3-heads.toml --target arm64 2>&1 | FileCheck %s --check-prefix=H3_HEADS
// H3_HEADS: h3-heads.toml:7:1: error: scan mixer 'ssm': heads 5 must divide hidden_size 32

// H3's per-head state grows with the square of the head size.
// RUN: not mgc compile %S/Inputs/bad/h3-huge-head.toml --target arm64 2>&1 | FileCheck %s --check-prefix=H3_HUGE
// H3_HUGE: h3-huge-head.toml:6:1: error: scan mixer 'ssm': h3 heads of 256 channels exceed 64 (the state grows with the square of the head size); use more heads
