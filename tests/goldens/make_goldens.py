#!/usr/bin/env python3
"""Regenerates mgc's reference goldens for the MoE and hybrid/SSM families.

For each model below this script builds a tiny random-weight model with
Hugging Face transformers (float32, CPU, eager attention, the pure-PyTorch
Mamba paths), saves it as a Hugging Face directory (config.json +
model.safetensors) and writes, beside it, what transformers computes:

  prompt.txt          the 12 prompt token ids, comma-separated
  logits.f32          logits of one forward pass over the prompt,
                      float32 little-endian, [12][vocab]
  greedy.txt          16 tokens generated greedily after the prompt
                      (generate, do_sample=False, with the cache)
  greedy-logits.f32   logits of one forward pass over prompt + greedy tokens,
                      [28][vocab]: row i predicts token i + 1
  routing.json        (MoE models) the experts each router chose for every
                      position of that pass, per MoE layer, in score order

The weights are drawn so that a dropped bias, norm or gate changes the
logits far beyond 1e-4 and every block matters next to the embedding in the
residual stream: matrices from normal(0, 1 / sqrt(fan_in)) (the router and
the output head from normal(0, 2 / sqrt(fan_in)), so routing and greedy
choices are decisive), embeddings from normal(0, 1), norm weights from
uniform(0.5, 1.5), biases from normal(0, 0.25), and the state-space
parameters from ranges that keep state across the sequence (A = exp(A_log)
in [0.5, 4], D in [0.5, 1.5], dt bias in [-3, -0.5], i.e. dt in [0.05, 0.47]).

Each model starts from a fixed seed; a seed is kept only when every choice
the goldens depend on has a clear margin (top-k expert selection and group
selection at least 1e-4 apart in score, greedy top-1 at least 1e-3 apart in
logit), routing varies across tokens, and generation with the cache agrees
with the full forward pass. Otherwise the next seed is tried, so the files
are the same on every run with the same package versions.

Usage (see README.md for the environment):
  python make_goldens.py [--out DIR] [--only NAME ...] [--sensitivity]
"""

import argparse
import json
import math
import os
import re
import shutil
import sys

import numpy as np
import torch
import transformers
from torch import nn

PROMPT = [1, 45, 203, 17, 88, 150, 9, 231, 64, 120, 5, 199]
NEW_TOKENS = 16
ROUTE_MARGIN = 1e-4   # score gap around every top-k / top-group cut
GREEDY_MARGIN = 1e-3  # logit gap between the top two tokens at every step
MAX_SEED_TRIES = 200

# No special tokens: generation must never stop early or mask a token.
NO_SPECIAL_TOKENS = dict(bos_token_id=None, eos_token_id=None,
                         pad_token_id=None)


def rope(theta=10000.0):
    return {"rope_type": "default", "rope_theta": theta}


# name -> (config class, model class, config keys, first seed)
MODELS = {
    # Softmax top-2 of 8 SwiGLU experts, renormalized.
    "mixtral": ("MixtralConfig", "MixtralForCausalLM", dict(
        vocab_size=256, hidden_size=32, intermediate_size=32,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        num_local_experts=8, num_experts_per_tok=2, rms_norm_eps=1e-5,
        max_position_embeddings=256, rope_parameters=rope(),
        sliding_window=None, tie_word_embeddings=False), 1000),
    # Softmax top-2 of 8 (not renormalized), a sigmoid-gated shared expert,
    # q/k/v biases, layer 1 dense through mlp_only_layers.
    "qwen2_moe": ("Qwen2MoeConfig", "Qwen2MoeForCausalLM", dict(
        vocab_size=256, hidden_size=32, intermediate_size=64,
        num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        num_experts=8, num_experts_per_tok=2, moe_intermediate_size=24,
        shared_expert_intermediate_size=48, norm_topk_prob=False,
        decoder_sparse_step=1, mlp_only_layers=[1], qkv_bias=True,
        use_sliding_window=False, sliding_window=None, rms_norm_eps=1e-6,
        max_position_embeddings=256, rope_parameters=rope(),
        tie_word_embeddings=False), 2000),
    # MLA (q and kv low rank, separate v head size), sigmoid top-3 of 16 with
    # a correction bias among the best 2 of 4 groups, renormalized and
    # scaled, one shared expert, layer 0 dense.
    "deepseek_v3": ("DeepseekV3Config", "DeepseekV3ForCausalLM", dict(
        vocab_size=256, hidden_size=32, intermediate_size=48,
        moe_intermediate_size=16, num_hidden_layers=3,
        num_attention_heads=4, num_key_value_heads=4, q_lora_rank=24,
        kv_lora_rank=16, qk_rope_head_dim=8, qk_nope_head_dim=8,
        v_head_dim=12, n_routed_experts=16, num_experts_per_tok=3,
        n_group=4, topk_group=2, routed_scaling_factor=2.5,
        n_shared_experts=1, first_k_dense_replace=1, norm_topk_prob=True,
        rope_interleave=True, attention_bias=False, rms_norm_eps=1e-6,
        max_position_embeddings=256, rope_parameters=rope(),
        tie_word_embeddings=False), 3000),
    # Mamba-1 selective scan; the output head is the embedding (tied).
    "mamba": ("MambaConfig", "MambaForCausalLM", dict(
        vocab_size=256, hidden_size=32, num_hidden_layers=3, state_size=16,
        expand=2, conv_kernel=4, time_step_rank="auto", use_conv_bias=True,
        use_bias=False, layer_norm_epsilon=1e-5, use_mambapy=False,
        use_associative_scan=False, tie_word_embeddings=True), 4000),
    # Mamba-2 SSD: 4 heads of 16 channels, 2 groups of B/C, chunks of 8.
    "mamba2": ("Mamba2Config", "Mamba2ForCausalLM", dict(
        vocab_size=256, hidden_size=32, num_hidden_layers=3, state_size=16,
        expand=2, num_heads=4, head_dim=16, n_groups=2, conv_kernel=4,
        chunk_size=8, use_conv_bias=True, use_bias=False,
        layer_norm_epsilon=1e-5, tie_word_embeddings=False), 5000),
    # Jamba: attention on layers 1 and 3, MoE (softmax top-2 of 8, not
    # renormalized) on layers 0 and 3, Mamba and dense MLPs elsewhere.
    "jamba": ("JambaConfig", "JambaForCausalLM", dict(
        vocab_size=256, hidden_size=32, intermediate_size=32,
        num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2,
        num_experts=8, num_experts_per_tok=2, attn_layer_period=2,
        attn_layer_offset=1, expert_layer_period=3, expert_layer_offset=0,
        mamba_d_state=16, mamba_d_conv=4, mamba_expand=2,
        mamba_dt_rank="auto", mamba_conv_bias=True, mamba_proj_bias=False,
        use_mamba_kernels=False, use_mambapy=False,
        use_associative_scan=False, rms_norm_eps=1e-6,
        max_position_embeddings=256, sliding_window=None,
        tie_word_embeddings=False), 6000),
}


#===------------------------------------------------------------------------===#
# Building and randomizing a model
#===------------------------------------------------------------------------===#

def build(name, seed):
    config_cls, model_cls, keys, _ = MODELS[name]
    config = getattr(transformers, config_cls)(**keys, **NO_SPECIAL_TOKENS)
    torch.manual_seed(seed)
    model = getattr(transformers, model_cls)._from_config(
        config, attn_implementation="eager", dtype=torch.float32)
    model.eval()
    randomize(model, torch.Generator().manual_seed(seed))
    return model


def randomize(model, gen):
    """Redraws every parameter (and DeepSeek's correction-bias buffer)."""
    modules = dict(model.named_modules())
    tensors = list(model.named_parameters())
    tensors += [(n, b) for n, b in model.named_buffers()
                if n.endswith("e_score_correction_bias")]

    def normal(t, mean, std):
        t.copy_(torch.randn(t.shape, generator=gen) * std + mean)

    def uniform(t, lo, hi):
        t.copy_(torch.rand(t.shape, generator=gen) * (hi - lo) + lo)

    with torch.no_grad():
        for name, t in tensors:
            owner = modules[name.rsplit(".", 1)[0]]
            leaf = name.rsplit(".", 1)[1]
            if "Norm" in type(owner).__name__:
                if leaf == "weight":
                    uniform(t, 0.5, 1.5)
                else:
                    normal(t, 0.0, 0.25)
            elif leaf == "A_log":
                t.copy_(torch.log(torch.rand(t.shape, generator=gen) * 3.5 + 0.5))
            elif leaf == "D":
                uniform(t, 0.5, 1.5)
            elif leaf == "dt_bias" or name.endswith("dt_proj.bias"):
                uniform(t, -3.0, -0.5)
            elif leaf == "e_score_correction_bias":
                normal(t, 0.0, 0.1)
            elif isinstance(owner, nn.Embedding):
                normal(t, 0.0, 1.0)
            elif leaf == "bias":
                normal(t, 0.0, 0.25)
            elif t.dim() >= 2:
                fan_in = (math.prod(t.shape[1:]) if isinstance(owner, nn.Conv1d)
                          else t.shape[-1])
                decisive = "Router" in type(owner).__name__ or name == "lm_head.weight"
                normal(t, 0.0, (2.0 if decisive else 1.0) / math.sqrt(fan_in))
            else:
                raise RuntimeError(f"no rule to draw parameter '{name}'")


#===------------------------------------------------------------------------===#
# Running it
#===------------------------------------------------------------------------===#

def routers(model):
    """(layer, router module) of every MoE layer."""
    out = []
    for name, module in model.named_modules():
        if "Router" in type(module).__name__:
            out.append((int(re.search(r"layers\.(\d+)\.", name).group(1)), module))
    return sorted(out, key=lambda x: x[0])


def forward(model, ids):
    """Logits [positions, vocab] and, per MoE layer, the router's logits and
    chosen experts."""
    records = {}
    hooks = []
    for layer, router in routers(model):
        def hook(_module, _inputs, output, layer=layer):
            records[layer] = (output[0].detach().double(), output[2].detach())
        hooks.append(router.register_forward_hook(hook))
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    for h in hooks:
        h.remove()
    return logits, records


def route_reference(model, router, logits):
    """Recomputes a router's choice from its logits, in float64, as the
    model's configuration defines it. Returns the chosen experts
    [tokens, k] in score order and the smallest score gap at a selection
    cut; for DeepSeek-V3 also whether the correction bias and the group
    limit changed any choice."""
    config = model.config
    k = config.num_experts_per_tok
    extra = {}
    if config.model_type == "deepseek_v3":
        scores = torch.sigmoid(logits)
        choice = scores + router.e_score_correction_bias.double()
        t, e = choice.shape
        g = config.n_group
        grouped = choice.view(t, g, e // g)
        group_scores = grouped.topk(2, dim=-1)[0].sum(-1)
        gs = group_scores.sort(dim=-1, descending=True)[0]
        margin = (gs[:, config.topk_group - 1] - gs[:, config.topk_group]).min().item()
        best_groups = gs[:, config.topk_group - 1:config.topk_group]
        allowed = (group_scores >= best_groups).repeat_interleave(e // g, dim=1)
        masked = choice.masked_fill(~allowed, float("-inf"))
        cs, chosen = masked.sort(dim=-1, descending=True)
        cut = cs[:, k - 1] - cs[:, k]
        margin = min(margin, cut.min().item())
        chosen = chosen[:, :k]
        no_bias = scores.topk(k, dim=-1)[1]
        no_groups = choice.topk(k, dim=-1)[1]
        extra["bias_changes"] = sum(
            set(a.tolist()) != set(b.tolist()) for a, b in zip(chosen, no_bias))
        extra["group_changes"] = sum(
            set(a.tolist()) != set(b.tolist()) for a, b in zip(chosen, no_groups))
    else:
        probs = torch.softmax(logits, dim=-1)
        ps, chosen = probs.sort(dim=-1, descending=True)
        margin = (ps[:, k - 1] - ps[:, k]).min().item() if k < ps.shape[1] else math.inf
        chosen = chosen[:, :k]
    return chosen, margin, extra


def generate(model, ids):
    config = transformers.GenerationConfig(
        max_new_tokens=NEW_TOKENS, do_sample=False, num_beams=1,
        use_cache=True, output_logits=True, return_dict_in_generate=True,
        **NO_SPECIAL_TOKENS)
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]),
                             attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                             generation_config=config)
    tokens = out.sequences[0, len(ids):].tolist()
    step_logits = torch.stack([l[0] for l in out.logits])
    return tokens, step_logits


def evaluate(name, seed, verbose):
    """Builds the model for `seed` and computes the goldens; returns them
    with a list of the reasons the seed is rejected (empty: kept)."""
    model = build(name, seed)
    problems = []
    prompt_logits, _ = forward(model, PROMPT)
    greedy, step_logits = generate(model, PROMPT)
    full = PROMPT + greedy
    full_logits, records = forward(model, full)

    # Greedy tokens follow the full pass's argmax with a clear margin, and
    # the cached decode agrees with the full pass.
    rows = full_logits[len(PROMPT) - 1:len(PROMPT) - 1 + NEW_TOKENS]
    if rows.argmax(-1).tolist() != greedy:
        problems.append("greedy tokens differ from the full pass's argmax")
    top2 = rows.topk(2, dim=-1)[0]
    greedy_margin = (top2[:, 0] - top2[:, 1]).min().item()
    if greedy_margin < GREEDY_MARGIN:
        problems.append(f"greedy margin {greedy_margin:.2e}")
    decode_diff = (step_logits - rows).abs().max().item()
    prefill_diff = (prompt_logits - full_logits[:len(PROMPT)]).abs().max().item()
    if decode_diff > 1e-4 or prefill_diff > 1e-4:
        problems.append(f"cached decode differs by {decode_diff:.2e}")
    if len(set(greedy)) < 3:
        problems.append(f"greedy tokens barely vary: {greedy}")

    # Routing: transformers' choice is the one the configuration defines,
    # every cut has a margin, and tokens go to different experts.
    routing = {}
    experts = 0
    route_margin = math.inf
    extras = {}
    for layer, router in routers(model):
        logits, chosen_hf = records[layer]
        chosen, margin, extra = route_reference(model, router, logits)
        for key, value in extra.items():
            extras[key] = extras.get(key, 0) + value
        route_margin = min(route_margin, margin)
        if any(set(a.tolist()) != set(b.tolist()) for a, b in zip(chosen, chosen_hf)):
            problems.append(f"layer {layer}: routing differs from the reference")
        sets = {tuple(sorted(c.tolist())) for c in chosen}
        used = {e for c in chosen.tolist() for e in c}
        if len(sets) < 6 or len(used) < logits.shape[1] * 3 // 4:
            problems.append(f"layer {layer}: routing barely varies")
        routing[str(layer)] = chosen.tolist()
        experts = logits.shape[1]
    if route_margin < ROUTE_MARGIN:
        problems.append(f"routing margin {route_margin:.2e}")
    for key, value in extras.items():
        if value == 0:
            problems.append(f"{key}: none")

    info = dict(seed=seed, greedy_margin=greedy_margin, route_margin=route_margin,
                decode_diff=decode_diff, prefill_diff=prefill_diff, **extras)
    goldens = dict(model=model, prompt_logits=prompt_logits, greedy=greedy,
                   full_logits=full_logits, routing=routing, experts=experts,
                   info=info)
    if verbose and problems:
        print(f"  seed {seed} rejected: {'; '.join(problems)}")
    return goldens, problems


#===------------------------------------------------------------------------===#
# Writing and reporting
#===------------------------------------------------------------------------===#

def write(name, goldens, out_dir):
    path = os.path.join(out_dir, name)
    if os.path.isdir(path):
        shutil.rmtree(path)
    goldens["model"].save_pretrained(path)
    # Only the architecture and the weights belong to the model directory.
    for extra in os.listdir(path):
        if extra not in ("config.json", "model.safetensors"):
            os.remove(os.path.join(path, extra))
    # The directory as written (per-expert tensors, as on the Hub) must give
    # transformers back the same model.
    reloaded = getattr(transformers, MODELS[name][1]).from_pretrained(
        path, attn_implementation="eager", dtype=torch.float32)
    reloaded.eval()
    logits, _ = forward(reloaded, PROMPT)
    if not torch.equal(logits, goldens["prompt_logits"]):
        sys.exit(f"{name}: the saved directory does not reproduce the logits "
                 f"(max difference {(logits - goldens['prompt_logits']).abs().max():.3g})")

    def f32(tensor, file):
        np.asarray(tensor.numpy(), dtype="<f4").tofile(os.path.join(path, file))

    def ids(values, file):
        with open(os.path.join(path, file), "w") as f:
            f.write(",".join(str(v) for v in values) + "\n")

    ids(PROMPT, "prompt.txt")
    f32(goldens["prompt_logits"], "logits.f32")
    ids(goldens["greedy"], "greedy.txt")
    f32(goldens["full_logits"], "greedy-logits.f32")
    if goldens["routing"]:
        with open(os.path.join(path, "routing.json"), "w") as f:
            f.write("{\n")
            layers = list(goldens["routing"].items())
            for i, (layer, chosen) in enumerate(layers):
                f.write(f'  "{layer}": {json.dumps(chosen)}')
                f.write(",\n" if i + 1 < len(layers) else "\n")
            f.write("}\n")


def report(name, goldens):
    model, info = goldens["model"], goldens["info"]
    params = sum(p.numel() for p in model.parameters())
    print(f"{name}: seed {info['seed']}, {params} parameters, "
          f"greedy {','.join(map(str, goldens['greedy']))}")
    print(f"  margins: greedy {info['greedy_margin']:.3g}, routing "
          f"{info['route_margin']:.3g}; cached decode vs full pass "
          f"{info['decode_diff']:.2e}, prompt pass vs full pass {info['prefill_diff']:.2e}")
    for key in ("bias_changes", "group_changes"):
        if key in info:
            print(f"  tokens whose experts change without the "
                  f"{'correction bias' if key == 'bias_changes' else 'group limit'}: "
                  f"{info[key]} (over all MoE layers)")
    routing = goldens["routing"]
    if not routing:
        return
    first = min(routing, key=int)
    print(f"  layer {first} experts per prompt token (score order):")
    for token, chosen in zip(PROMPT, routing[first]):
        print(f"    token {token:3d}: {chosen}")
    for layer, chosen in routing.items():
        counts = np.bincount(np.array(chosen).ravel(),
                             minlength=goldens["experts"])
        print(f"  layer {layer} expert load over {len(chosen)} positions: "
              f"{counts.tolist()}")


def sensitivity(name, goldens):
    """How much the logits move when one tensor is neutralized: biases and
    the correction bias to 0, norm weights to 1, D to 0. The smallest move
    per kind shows that dropping that kind of tensor would be caught."""
    model = goldens["model"]
    base = goldens["full_logits"]
    modules = dict(model.named_modules())
    tensors = list(model.named_parameters()) + [
        (n, b) for n, b in model.named_buffers() if n.endswith("e_score_correction_bias")]
    smallest = {}
    for pname, t in tensors:
        owner = modules[pname.rsplit(".", 1)[0]]
        leaf = pname.rsplit(".", 1)[1]
        if "Norm" in type(owner).__name__ and leaf == "weight":
            kind, value = f"{type(owner).__name__} weight", 1.0
        elif leaf in ("bias", "e_score_correction_bias", "D", "dt_bias"):
            kind, value = leaf if leaf != "bias" else f"{type(owner).__name__} bias", 0.0
        elif "shared_expert_gate" in pname:
            kind, value = "shared_expert_gate (gate 0.5)", 0.0
        else:
            continue
        saved = t.detach().clone()
        with torch.no_grad():
            t.fill_(value)
            logits, _ = forward(model, PROMPT + goldens["greedy"])
            t.copy_(saved)
        change = ((logits - base).abs() / base.abs().clamp(min=1.0)).max().item()
        smallest[kind] = min(smallest.get(kind, math.inf), change)
    print(f"  {name}: smallest relative logit change per neutralized kind:")
    for kind, change in sorted(smallest.items()):
        print(f"    {kind}: {change:.3g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="where the model directories go (default: beside this script)")
    parser.add_argument("--only", nargs="*", choices=sorted(MODELS),
                        help="regenerate only these models")
    parser.add_argument("--sensitivity", action="store_true",
                        help="also report how much neutralizing each bias/norm moves the logits")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="say why each rejected seed was rejected")
    args = parser.parse_args()

    torch.set_num_threads(1)
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
          f"numpy {np.__version__}")
    for name in args.only or MODELS:
        first = MODELS[name][3]
        for seed in range(first, first + MAX_SEED_TRIES):
            goldens, problems = evaluate(name, seed, args.verbose)
            if not problems:
                break
        else:
            sys.exit(f"{name}: no seed in [{first}, {first + MAX_SEED_TRIES}) "
                     f"passes the checks; last: {'; '.join(problems)}")
        write(name, goldens, args.out)
        report(name, goldens)
        if args.sensitivity:
            sensitivity(name, goldens)


if __name__ == "__main__":
    main()
