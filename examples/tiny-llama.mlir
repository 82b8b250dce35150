// A tiny Llama-style decoder in mgc IR: 2 layers, hidden 64, 4 query heads
// sharing 2 KV heads (GQA), SwiGLU FFN, RoPE, a 128-token KV cache, tied
// embeddings. `prefill` runs a prompt of any length from position %pos;
// `decode` runs one token. Both read and update the declared caches.
//
//   mgc compile examples/tiny-llama.mlir --target x86-64-avx512
module {
  mgc.state kv_cache @layers.0.k_cache : tensor<2x128x16xf32>
  mgc.state kv_cache @layers.0.v_cache : tensor<2x128x16xf32>
  mgc.state kv_cache @layers.1.k_cache : tensor<2x128x16xf32>
  mgc.state kv_cache @layers.1.v_cache : tensor<2x128x16xf32>

  func.func @prefill(%tokens: tensor<?xi32>, %pos: index) -> tensor<?x512xf32> {
    %embed = mgc.param "tok_embeddings" : tensor<512x64xf32>
    %h0 = mgc.embed %tokens, %embed : (tensor<?xi32>, tensor<512x64xf32>) -> tensor<?x64xf32>
    // Layer 0: attention block.
    %l0_an = mgc.param "layers.0.attention_norm" : tensor<64xf32>
    %l0_x = mgc.norm rms %h0 weight %l0_an {eps = 1.0e-5} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    %l0_wq = mgc.param "layers.0.attention.wq" : tensor<64x64xf32>
    %l0_wk = mgc.param "layers.0.attention.wk" : tensor<32x64xf32>
    %l0_wv = mgc.param "layers.0.attention.wv" : tensor<32x64xf32>
    %l0_q = mgc.linear %l0_x, %l0_wq : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    %l0_k = mgc.linear %l0_x, %l0_wk : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
    %l0_v = mgc.linear %l0_x, %l0_wv : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
    %l0_kc = mgc.state_read @layers.0.k_cache : tensor<2x128x16xf32>
    %l0_vc = mgc.state_read @layers.0.v_cache : tensor<2x128x16xf32>
    %l0_o, %l0_kc1, %l0_vc1 = mgc.attention causal %l0_q, %l0_k, %l0_v cache(%l0_kc, %l0_vc) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 16,
         rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = interleaved>}
        : (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>, index)
        -> (tensor<?x64xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>)
    mgc.state_write %l0_kc1, @layers.0.k_cache : tensor<2x128x16xf32>
    mgc.state_write %l0_vc1, @layers.0.v_cache : tensor<2x128x16xf32>
    %l0_wo = mgc.param "layers.0.attention.wo" : tensor<64x64xf32>
    %l0_ao = mgc.linear %l0_o, %l0_wo : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    %l0_h1 = mgc.add %h0, %l0_ao : tensor<?x64xf32>, tensor<?x64xf32>
    // Layer 0: SwiGLU feed-forward block.
    %l0_fn = mgc.param "layers.0.ffn_norm" : tensor<64xf32>
    %l0_y = mgc.norm rms %l0_h1 weight %l0_fn {eps = 1.0e-5} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    %l0_w1 = mgc.param "layers.0.feed_forward.w1" : tensor<128x64xf32>
    %l0_w3 = mgc.param "layers.0.feed_forward.w3" : tensor<128x64xf32>
    %l0_w2 = mgc.param "layers.0.feed_forward.w2" : tensor<64x128xf32>
    %l0_g = mgc.linear %l0_y, %l0_w1 : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
    %l0_u = mgc.linear %l0_y, %l0_w3 : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
    %l0_ga = mgc.activation silu %l0_g : tensor<?x128xf32>
    %l0_gu = mgc.mul %l0_ga, %l0_u : tensor<?x128xf32>, tensor<?x128xf32>
    %l0_d = mgc.linear %l0_gu, %l0_w2 : (tensor<?x128xf32>, tensor<64x128xf32>) -> tensor<?x64xf32>
    %l0_h2 = mgc.add %l0_h1, %l0_d : tensor<?x64xf32>, tensor<?x64xf32>
    // Layer 1: attention block.
    %l1_an = mgc.param "layers.1.attention_norm" : tensor<64xf32>
    %l1_x = mgc.norm rms %l0_h2 weight %l1_an {eps = 1.0e-5} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    %l1_wq = mgc.param "layers.1.attention.wq" : tensor<64x64xf32>
    %l1_wk = mgc.param "layers.1.attention.wk" : tensor<32x64xf32>
    %l1_wv = mgc.param "layers.1.attention.wv" : tensor<32x64xf32>
    %l1_q = mgc.linear %l1_x, %l1_wq : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    %l1_k = mgc.linear %l1_x, %l1_wk : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
    %l1_v = mgc.linear %l1_x, %l1_wv : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
    %l1_kc = mgc.state_read @layers.1.k_cache : tensor<2x128x16xf32>
    %l1_vc = mgc.state_read @layers.1.v_cache : tensor<2x128x16xf32>
    %l1_o, %l1_kc1, %l1_vc1 = mgc.attention causal %l1_q, %l1_k, %l1_v cache(%l1_kc, %l1_vc) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 16,
         rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = interleaved>}
        : (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>, index)
        -> (tensor<?x64xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>)
    mgc.state_write %l1_kc1, @layers.1.k_cache : tensor<2x128x16xf32>
    mgc.state_write %l1_vc1, @layers.1.v_cache : tensor<2x128x16xf32>
    %l1_wo = mgc.param "layers.1.attention.wo" : tensor<64x64xf32>
    %l1_ao = mgc.linear %l1_o, %l1_wo : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    %l1_h1 = mgc.add %l0_h2, %l1_ao : tensor<?x64xf32>, tensor<?x64xf32>
    // Layer 1: SwiGLU feed-forward block.
    %l1_fn = mgc.param "layers.1.ffn_norm" : tensor<64xf32>
    %l1_y = mgc.norm rms %l1_h1 weight %l1_fn {eps = 1.0e-5} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    %l1_w1 = mgc.param "layers.1.feed_forward.w1" : tensor<128x64xf32>
    %l1_w3 = mgc.param "layers.1.feed_forward.w3" : tensor<128x64xf32>
    %l1_w2 = mgc.param "layers.1.feed_forward.w2" : tensor<64x128xf32>
    %l1_g = mgc.linear %l1_y, %l1_w1 : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
    %l1_u = mgc.linear %l1_y, %l1_w3 : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
    %l1_ga = mgc.activation silu %l1_g : tensor<?x128xf32>
    %l1_gu = mgc.mul %l1_ga, %l1_u : tensor<?x128xf32>, tensor<?x128xf32>
    %l1_d = mgc.linear %l1_gu, %l1_w2 : (tensor<?x128xf32>, tensor<64x128xf32>) -> tensor<?x64xf32>
    %l1_h2 = mgc.add %l1_h1, %l1_d : tensor<?x64xf32>, tensor<?x64xf32>
    %norm = mgc.param "norm" : tensor<64xf32>
    %hn = mgc.norm rms %l1_h2 weight %norm {eps = 1.0e-5} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    %logits = mgc.logits %hn, %embed : (tensor<?x64xf32>, tensor<512x64xf32>) -> tensor<?x512xf32>
    return %logits : tensor<?x512xf32>
  }

  func.func @decode(%tokens: tensor<1xi32>, %pos: index) -> tensor<1x512xf32> {
    %embed = mgc.param "tok_embeddings" : tensor<512x64xf32>
    %h0 = mgc.embed %tokens, %embed : (tensor<1xi32>, tensor<512x64xf32>) -> tensor<1x64xf32>
    // Layer 0: attention block.
    %l0_an = mgc.param "layers.0.attention_norm" : tensor<64xf32>
    %l0_x = mgc.norm rms %h0 weight %l0_an {eps = 1.0e-5} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %l0_wq = mgc.param "layers.0.attention.wq" : tensor<64x64xf32>
    %l0_wk = mgc.param "layers.0.attention.wk" : tensor<32x64xf32>
    %l0_wv = mgc.param "layers.0.attention.wv" : tensor<32x64xf32>
    %l0_q = mgc.linear %l0_x, %l0_wq : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %l0_k = mgc.linear %l0_x, %l0_wk : (tensor<1x64xf32>, tensor<32x64xf32>) -> tensor<1x32xf32>
    %l0_v = mgc.linear %l0_x, %l0_wv : (tensor<1x64xf32>, tensor<32x64xf32>) -> tensor<1x32xf32>
    %l0_kc = mgc.state_read @layers.0.k_cache : tensor<2x128x16xf32>
    %l0_vc = mgc.state_read @layers.0.v_cache : tensor<2x128x16xf32>
    %l0_o, %l0_kc1, %l0_vc1 = mgc.attention causal %l0_q, %l0_k, %l0_v cache(%l0_kc, %l0_vc) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 16,
         rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = interleaved>}
        : (tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x32xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>, index)
        -> (tensor<1x64xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>)
    mgc.state_write %l0_kc1, @layers.0.k_cache : tensor<2x128x16xf32>
    mgc.state_write %l0_vc1, @layers.0.v_cache : tensor<2x128x16xf32>
    %l0_wo = mgc.param "layers.0.attention.wo" : tensor<64x64xf32>
    %l0_ao = mgc.linear %l0_o, %l0_wo : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %l0_h1 = mgc.add %h0, %l0_ao : tensor<1x64xf32>, tensor<1x64xf32>
    // Layer 0: SwiGLU feed-forward block.
    %l0_fn = mgc.param "layers.0.ffn_norm" : tensor<64xf32>
    %l0_y = mgc.norm rms %l0_h1 weight %l0_fn {eps = 1.0e-5} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %l0_w1 = mgc.param "layers.0.feed_forward.w1" : tensor<128x64xf32>
    %l0_w3 = mgc.param "layers.0.feed_forward.w3" : tensor<128x64xf32>
    %l0_w2 = mgc.param "layers.0.feed_forward.w2" : tensor<64x128xf32>
    %l0_g = mgc.linear %l0_y, %l0_w1 : (tensor<1x64xf32>, tensor<128x64xf32>) -> tensor<1x128xf32>
    %l0_u = mgc.linear %l0_y, %l0_w3 : (tensor<1x64xf32>, tensor<128x64xf32>) -> tensor<1x128xf32>
    %l0_ga = mgc.activation silu %l0_g : tensor<1x128xf32>
    %l0_gu = mgc.mul %l0_ga, %l0_u : tensor<1x128xf32>, tensor<1x128xf32>
    %l0_d = mgc.linear %l0_gu, %l0_w2 : (tensor<1x128xf32>, tensor<64x128xf32>) -> tensor<1x64xf32>
    %l0_h2 = mgc.add %l0_h1, %l0_d : tensor<1x64xf32>, tensor<1x64xf32>
    // Layer 1: attention block.
    %l1_an = mgc.param "layers.1.attention_norm" : tensor<64xf32>
    %l1_x = mgc.norm rms %l0_h2 weight %l1_an {eps = 1.0e-5} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %l1_wq = mgc.param "layers.1.attention.wq" : tensor<64x64xf32>
    %l1_wk = mgc.param "layers.1.attention.wk" : tensor<32x64xf32>
    %l1_wv = mgc.param "layers.1.attention.wv" : tensor<32x64xf32>
    %l1_q = mgc.linear %l1_x, %l1_wq : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %l1_k = mgc.linear %l1_x, %l1_wk : (tensor<1x64xf32>, tensor<32x64xf32>) -> tensor<1x32xf32>
    %l1_v = mgc.linear %l1_x, %l1_wv : (tensor<1x64xf32>, tensor<32x64xf32>) -> tensor<1x32xf32>
    %l1_kc = mgc.state_read @layers.1.k_cache : tensor<2x128x16xf32>
    %l1_vc = mgc.state_read @layers.1.v_cache : tensor<2x128x16xf32>
    %l1_o, %l1_kc1, %l1_vc1 = mgc.attention causal %l1_q, %l1_k, %l1_v cache(%l1_kc, %l1_vc) at %pos
        {num_heads = 4, num_kv_heads = 2, head_dim = 16,
         rope = #mgc.rope<theta = 10000.0, rotary_dim = 16, style = interleaved>}
        : (tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x32xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>, index)
        -> (tensor<1x64xf32>, tensor<2x128x16xf32>, tensor<2x128x16xf32>)
    mgc.state_write %l1_kc1, @layers.1.k_cache : tensor<2x128x16xf32>
    mgc.state_write %l1_vc1, @layers.1.v_cache : tensor<2x128x16xf32>
    %l1_wo = mgc.param "layers.1.attention.wo" : tensor<64x64xf32>
    %l1_ao = mgc.linear %l1_o, %l1_wo : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
    %l1_h1 = mgc.add %l0_h2, %l1_ao : tensor<1x64xf32>, tensor<1x64xf32>
    // Layer 1: SwiGLU feed-forward block.
    %l1_fn = mgc.param "layers.1.ffn_norm" : tensor<64xf32>
    %l1_y = mgc.norm rms %l1_h1 weight %l1_fn {eps = 1.0e-5} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %l1_w1 = mgc.param "layers.1.feed_forward.w1" : tensor<128x64xf32>
    %l1_w3 = mgc.param "layers.1.feed_forward.w3" : tensor<128x64xf32>
    %l1_w2 = mgc.param "layers.1.feed_forward.w2" : tensor<64x128xf32>
    %l1_g = mgc.linear %l1_y, %l1_w1 : (tensor<1x64xf32>, tensor<128x64xf32>) -> tensor<1x128xf32>
    %l1_u = mgc.linear %l1_y, %l1_w3 : (tensor<1x64xf32>, tensor<128x64xf32>) -> tensor<1x128xf32>
    %l1_ga = mgc.activation silu %l1_g : tensor<1x128xf32>
    %l1_gu = mgc.mul %l1_ga, %l1_u : tensor<1x128xf32>, tensor<1x128xf32>
    %l1_d = mgc.linear %l1_gu, %l1_w2 : (tensor<1x128xf32>, tensor<64x128xf32>) -> tensor<1x64xf32>
    %l1_h2 = mgc.add %l1_h1, %l1_d : tensor<1x64xf32>, tensor<1x64xf32>
    %norm = mgc.param "norm" : tensor<64xf32>
    %hn = mgc.norm rms %l1_h2 weight %norm {eps = 1.0e-5} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %logits = mgc.logits %hn, %embed : (tensor<1x64xf32>, tensor<512x64xf32>) -> tensor<1x512xf32>
    return %logits : tensor<1x512xf32>
  }
}
