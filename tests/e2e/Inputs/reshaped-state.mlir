// A state reshaped before a scan reads it.
module @reshaped_state {
  mgc.state conv @h : tensor<4x2xf32>
  func.func @prefill(%tokens: tensor<?xi32>, %pos: index) -> tensor<?x8xf32> {
    %table = mgc.param "embed" : tensor<8x4xf32>
    %x = mgc.embed %tokens, %table : (tensor<?xi32>, tensor<8x4xf32>) -> tensor<?x4xf32>
    %x3 = mgc.reshape %x : tensor<?x4xf32> -> tensor<?x4x1xf32>
    %a = mgc.param "a" : tensor<4x1x2xf32>
    %b = mgc.param "b" : tensor<4x2xf32>
    %c = mgc.param "c" : tensor<4x2xf32>
    %s = mgc.state_read @h : tensor<4x2xf32>
    %h0 = mgc.reshape %s : tensor<4x2xf32> -> tensor<4x1x2xf32>
    %y, %h1 = mgc.scan lti forward %x3 decay(%a) b(%b) c(%c) state(%h0)
        : (tensor<?x4x1xf32>, tensor<4x1x2xf32>, tensor<4x2xf32>,
           tensor<4x2xf32>, tensor<4x1x2xf32>)
        -> (tensor<?x4x1xf32>, tensor<4x1x2xf32>)
    %y2 = mgc.reshape %y : tensor<?x4x1xf32> -> tensor<?x4xf32>
    %l = mgc.logits %y2, %table : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
    return %l : tensor<?x8xf32>
  }
}
