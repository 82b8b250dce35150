// A module without a target cannot be scheduled.
// expected-error @+1 {{mgc-schedule needs the module's 'mgc.target' attribute; run mgc-set-target first}}
module {
  func.func @decode(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %y = mgc.kernel "decode.act" ins(%x : tensor<1x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%a: tensor<1x4xf32>):
      %r = mgc.activation silu %a : tensor<1x4xf32>
      mgc.yield %r : tensor<1x4xf32>
    }
    return %y : tensor<1x4xf32>
  }
}
