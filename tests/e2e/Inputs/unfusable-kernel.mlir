// A kernel body codegen cannot run as one product with an epilogue: the
// product's result multiplied by the kernel's input (compile-artifact.mlir).
module @unfusable {
  func.func @prefill(%tokens: tensor<?xi32>, %pos: index) -> tensor<?x16xf32> {
    %table = mgc.param "embed.weight" : tensor<16x8xf32>
    %x = mgc.embed %tokens, %table : (tensor<?xi32>, tensor<16x8xf32>) -> tensor<?x8xf32>
    %w = mgc.param "w.weight" : tensor<8x8xf32>
    %h = mgc.kernel "prefill.w" ins(%x, %w : tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32> {
    ^bb0(%a: tensor<?x8xf32>, %b: tensor<8x8xf32>):
      %y = mgc.linear %a, %b : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
      %z = mgc.mul %y, %a : tensor<?x8xf32>, tensor<?x8xf32>
      mgc.yield %z : tensor<?x8xf32>
    }
    %out = mgc.param "output.weight" : tensor<16x8xf32>
    %logits = mgc.logits %h, %out : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
    return %logits : tensor<?x16xf32>
  }
}
