func.func @f() {
  %0 = mgc.param "w" : tensor<?xf32>
  return
}
