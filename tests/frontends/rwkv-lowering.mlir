// RWKV-4 and RWKV-5 time mixing lowers to rwkv scans: RWKV-4 one head per
// channel with two value channels (v and 1: the WKV numerator and
// denominator) and their quotient; RWKV-5.2 heads with a per-channel decay
// and bonus, a group norm (eps 1e-5, as rwkv.cpp) and a SiLU gate; RWKV-5.1
// one decay and one bonus per head, broadcast over the head, and no gate.

// RUN: mgc compile %mgc_src_root/examples/rwkv4.toml -O0 | FileCheck %s --check-prefix=V4
// V4-LABEL: func.func @prefill
// V4: mgc.token_shift %{{.*}} state
// V4: %[[WK:.*]] = mgc.param "layers.0.att.key.weight" : tensor<64x64xf32>
// V4: %[[K:.*]] = mgc.linear %{{.*}}, %[[WK]] : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
// V4: %[[K3:.*]] = mgc.reshape %[[K]] : tensor<?x64xf32> -> tensor<?x64x1xf32>
// V4: %[[DECAY:.*]] = mgc.param "layers.0.att.time_decay" : tensor<64xf32>
// V4: %[[EK:.*]] = mgc.activation exp %[[K3]] : tensor<?x64x1xf32>
// V4: %[[U:.*]] = mgc.param "layers.0.att.time_first" : tensor<64xf32>
// V4: mgc.activation exp %[[U]] : tensor<64xf32>
// V4: %[[VS:.*]] = mgc.concat %{{.*}}, %{{.*}} : (tensor<?x64x1xf32>, tensor<?x64x1xf32>) -> tensor<?x64x2xf32>
// V4: mgc.state_read @layers.0.att.wkv : tensor<64x2x1xf32>
// V4: %[[SUMS:.*]], %{{.*}} = mgc.scan rwkv forward %[[VS]] decay(%{{.*}}) b(%[[EK]]) c(%{{.*}}) bonus(%{{.*}}) state(%{{.*}}) : (tensor<?x64x2xf32>, tensor<64x1xf32>, tensor<?x64x1xf32>, tensor<?x64x1xf32>, tensor<64x1xf32>, tensor<64x2x1xf32>)
// V4-DAG: %[[DEN:.*]] = mgc.slice %[[SUMS]] {offset = 1 : i64} : tensor<?x64x2xf32> -> tensor<?x64x1xf32>
// V4-DAG: %[[NUM:.*]] = mgc.slice %[[SUMS]] {offset = 0 : i64} : tensor<?x64x2xf32> -> tensor<?x64x1xf32>
// V4: mgc.div %[[NUM]], %[[DEN]] : tensor<?x64x1xf32>, tensor<?x64x1xf32>
// V4: mgc.param "layers.0.att.output.weight"
// V4: mgc.param "layers.0.ffn.time_mix_k" : tensor<64xf32>
// V4: mgc.activation relu_squared
// V4: mgc.param "layers.0.ffn.receptance.weight" : tensor<64x64xf32>

// RUN: mgc compile %mgc_src_root/examples/rwkv5.toml -O0 | FileCheck %s --check-prefix=V52
// V52-LABEL: func.func @prefill
// V52: %[[DECAY:.*]] = mgc.param "layers.0.att.time_decay" : tensor<4x16xf32>
// V52: %[[U:.*]] = mgc.param "layers.0.att.time_faaaa" : tensor<4x16xf32>
// V52: mgc.state_read @layers.0.att.wkv : tensor<4x16x16xf32>
// V52: %[[Y:.*]], %{{.*}} = mgc.scan rwkv forward %{{.*}} decay(%[[DECAY]]) b(%{{.*}}) c(%{{.*}}) bonus(%[[U]]) state(%{{.*}}) : (tensor<?x4x16xf32>, tensor<4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<4x16xf32>, tensor<4x16x16xf32>)
// V52: mgc.norm layer %[[Y]] weight %{{.*}} bias %{{.*}} {eps = 1.000000e-05 : f64} : (tensor<?x4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>)
// V52: mgc.param "layers.0.att.time_mix_g" : tensor<64xf32>
// V52: mgc.param "layers.0.att.gate.weight" : tensor<64x64xf32>
// V52: mgc.activation silu

// RUN: sed 's/variant = "rwkv5.2"/variant = "rwkv5.1"/' %mgc_src_root/examples/rwkv5.toml > %t.rwkv51.toml
// RUN: mgc compile %t.rwkv51.toml -O0 | FileCheck %s --check-prefix=V51
// V51-LABEL: func.func @prefill
// V51: mgc.param "layers.0.att.time_decay" : tensor<4xf32>
// V51: %[[DECAY:.*]] = mgc.broadcast %{{.*}} : tensor<4x1xf32> -> tensor<4x16xf32>
// V51: mgc.param "layers.0.att.time_first" : tensor<4xf32>
// V51: %[[U:.*]] = mgc.broadcast %{{.*}} : tensor<4x1xf32> -> tensor<4x16xf32>
// V51: mgc.scan rwkv forward %{{.*}} decay(%[[DECAY]]) b(%{{.*}}) c(%{{.*}}) bonus(%[[U]])
// V51-NOT: gate
// V51-LABEL: func.func @decode
