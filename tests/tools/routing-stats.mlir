// Routing statistics of a crafted router: the DeepSeek-V3 golden model
// (sigmoid scores in (0, 1), top-3 of 16 among the best 2 of 4 groups) with
// a correction bias of 10 on expert 0 in both MoE layers, so every token
// chooses expert 0 (and its group): expert 0's load is the token count, no
// route is dropped, and the imbalance (largest load over the mean load,
// 60 routes / 16 experts) is 20 / 3.75 = 5.33.

// RUN: rm -rf %t.dir && python3 %mgc_src_root/tests/helpers/set_safetensors_value.py %mgc_src_root/tests/goldens/deepseek_v3 %t.dir model.layers.1.mlp.gate.e_score_correction_bias 0 10
// RUN: python3 %mgc_src_root/tests/helpers/set_safetensors_value.py %t.dir %t.dir model.layers.2.mlp.gate.e_score_correction_bias 0 10
// RUN: mgc compile %t.dir -o %t.mgc 2>/dev/null
// RUN: mgc run %t.mgc --tokens 1,45,203,17,88 -n 20 --stats --json 2>&1 >/dev/null | FileCheck %s
// CHECK: "routing": [{"layer": "layers.1", "tokens": 20, "routes": 60, "dropped": 0, "imbalance": 5.33333, "routing_share": {{[0-9.e-]+}}, "expert_weight_bytes": {{[0-9]+}}, "load": [20,
// CHECK-SAME: {"layer": "layers.2", "tokens": 20, "routes": 60, "dropped": 0, "imbalance": 5.33333, "routing_share": {{[0-9.e-]+}}, "expert_weight_bytes": {{[0-9]+}}, "load": [20,

// The text table says the same.
// RUN: mgc run %t.mgc --tokens 1,45,203,17,88 -n 20 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=TEXT
// TEXT: layer routes dropped imbalance routing expert KB/t load per expert
// TEXT-NEXT: layers.1 60 0 {{[0-9.]+}} {{[0-9.]+}}% {{[0-9.]+}} 20 {{[0-9 ]+$}}
// TEXT-NEXT: layers.2 60 0 {{[0-9.]+}} {{[0-9.]+}}% {{[0-9.]+}} 20 {{[0-9 ]+$}}

// Without the bias, expert 0 is not everyone's choice.
// RUN: mgc compile %mgc_src_root/tests/goldens/deepseek_v3 -o %t.plain.mgc 2>/dev/null
// RUN: mgc run %t.plain.mgc --tokens 1,45,203,17,88 -n 20 --stats 2>&1 >/dev/null | FileCheck %s --check-prefix=PLAIN
// PLAIN: layers.1 60 0 {{[0-9.]+}} {{[0-9.]+}}% {{[0-9.]+}} {{([0-9]|1[0-9])}} {{[0-9 ]+$}}
