#!/usr/bin/python3
"""The PyTorch side of `qprobe bench hf-sampling`.

  hf_bench.py make SHAPE DIR      writes a random-weight checkpoint of SHAPE (gpt2-small or qwen2.5-0.5b) to DIR
  hf_bench.py run DIR K NEW T     samples K completions of NEW tokens with a KV cache (PyTorch eager, float32,
                                  T threads) and prints {"tokens_per_s": ..., "seconds": ...}

The loop is what a plain PyTorch user writes (in the manner of Hugging Face's eager attention and
DynamicCache): prompt once, its keys and values repeated for the K rows, then one token per row per step
with temperature 0.8 and top-p 0.95 (sort, cumulative sum, multinomial). Weights: hf_reference.py's
safetensors writer; normal(0, 0.02) like Hugging Face's initialiser.
"""
import json
import math
import os
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_reference as ref  # noqa: E402

SHAPES = {
    "gpt2-small": {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024,
                   "vocab_size": 50257, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"},
    "qwen2.5-0.5b": {"model_type": "qwen2", "hidden_size": 896, "num_hidden_layers": 24, "num_attention_heads": 14,
                     "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936,
                     "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                     "tie_word_embeddings": True, "hidden_act": "silu"},
}
PROMPT = "def add(a, b):\n    return"


def make(shape, out):
    cfg = dict(SHAPES[shape])
    gen = torch.Generator().manual_seed(0)

    def n(*s):
        return torch.randn(*s, generator=gen) * 0.02

    w = {}
    if cfg["model_type"] == "gpt2":
        d, v = cfg["n_embd"], cfg["vocab_size"]
        w["wte.weight"], w["wpe.weight"] = n(v, d), n(cfg["n_positions"], d)
        for l in range(cfg["n_layer"]):
            p = "h.%d." % l
            w.update({p + "ln_1.weight": torch.ones(d), p + "ln_1.bias": torch.zeros(d),
                      p + "attn.c_attn.weight": n(d, 3 * d), p + "attn.c_attn.bias": torch.zeros(3 * d),
                      p + "attn.c_proj.weight": n(d, d), p + "attn.c_proj.bias": torch.zeros(d),
                      p + "ln_2.weight": torch.ones(d), p + "ln_2.bias": torch.zeros(d),
                      p + "mlp.c_fc.weight": n(d, 4 * d), p + "mlp.c_fc.bias": torch.zeros(4 * d),
                      p + "mlp.c_proj.weight": n(4 * d, d), p + "mlp.c_proj.bias": torch.zeros(d)})
        w["ln_f.weight"], w["ln_f.bias"] = torch.ones(d), torch.zeros(d)
    else:
        d, v, inner = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
        hd = d // cfg["num_attention_heads"]
        kv = cfg["num_key_value_heads"] * hd
        w["model.embed_tokens.weight"] = n(v, d)
        for l in range(cfg["num_hidden_layers"]):
            p = "model.layers.%d." % l
            w.update({p + "input_layernorm.weight": torch.ones(d), p + "post_attention_layernorm.weight": torch.ones(d),
                      p + "self_attn.q_proj.weight": n(d, d), p + "self_attn.q_proj.bias": torch.zeros(d),
                      p + "self_attn.k_proj.weight": n(kv, d), p + "self_attn.k_proj.bias": torch.zeros(kv),
                      p + "self_attn.v_proj.weight": n(kv, d), p + "self_attn.v_proj.bias": torch.zeros(kv),
                      p + "self_attn.o_proj.weight": n(d, d),
                      p + "mlp.gate_proj.weight": n(inner, d), p + "mlp.up_proj.weight": n(inner, d),
                      p + "mlp.down_proj.weight": n(d, inner)})
        w["model.norm.weight"] = torch.ones(d)
    os.makedirs(out, exist_ok=True)
    ref.write_safetensors(os.path.join(out, "model.safetensors"), w, "F32", {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    tok = ref.ByteLevelBpe(ref.train_merges(ref.CORPUS, 110), ["<|endoftext|>"], None)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tok.tokenizer_json(), f)
    with open(os.path.join(out, "prompt.json"), "w") as f:
        json.dump({"prompt": PROMPT, "ids": tok.encode(PROMPT)}, f)


def load(directory):
    with open(os.path.join(directory, "model.safetensors"), "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    w = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        w[name] = torch.frombuffer(bytearray(data[b:end]), dtype=torch.float32).view(e["shape"])
    return w


class Model:
    """Eager forward with a KV cache (lists of [B, kvH, T, hd] per layer), float32."""

    def __init__(self, cfg, w):
        self.cfg, self.w = cfg, w
        self.gpt2 = cfg["model_type"] == "gpt2"
        if self.gpt2:
            self.d, self.heads, self.kv = cfg["n_embd"], cfg["n_head"], cfg["n_head"]
            self.layers = cfg["n_layer"]
        else:
            self.d, self.heads = cfg["hidden_size"], cfg["num_attention_heads"]
            self.kv, self.layers = cfg["num_key_value_heads"], cfg["num_hidden_layers"]
            hd = self.d // self.heads
            self.inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
        self.hd = self.d // self.heads

    def step(self, ids, cache, start):
        w, b, t = self.w, ids.shape[0], ids.shape[1]
        if self.gpt2:
            x = w["wte.weight"][ids] + w["wpe.weight"][start:start + t]
        else:
            x = w["model.embed_tokens.weight"][ids]
            freqs = torch.arange(start, start + t).float()[:, None] * self.inv[None, :]
            emb = torch.cat((freqs, freqs), -1)
            cos, sin = emb.cos(), emb.sin()
        mask = None
        if t > 1:
            mask = torch.full((t, start + t), float("-inf")).triu(start + 1)
        for l in range(self.layers):
            if self.gpt2:
                p = "h.%d." % l
                h = torch.nn.functional.layer_norm(x, (self.d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], 1e-5)
                q, k, v = torch.addmm(w[p + "attn.c_attn.bias"], h.view(-1, self.d), w[p + "attn.c_attn.weight"]) \
                    .view(b, t, 3 * self.d).split(self.d, -1)
            else:
                p = "model.layers.%d." % l
                h = rms(x, w[p + "input_layernorm.weight"])
                q = torch.nn.functional.linear(h, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"])
                k = torch.nn.functional.linear(h, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"])
                v = torch.nn.functional.linear(h, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"])
            q = q.view(b, t, self.heads, self.hd).transpose(1, 2)
            k = k.view(b, t, self.kv, self.hd).transpose(1, 2)
            v = v.view(b, t, self.kv, self.hd).transpose(1, 2)
            if not self.gpt2:
                q = q * cos + ref.rotate_half(q) * sin
                k = k * cos + ref.rotate_half(k) * sin
            if cache[l] is not None:
                k = torch.cat((cache[l][0], k), 2)
                v = torch.cat((cache[l][1], v), 2)
            cache[l] = (k, v)
            rep = self.heads // self.kv
            kk, vv = (k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)) if rep > 1 else (k, v)
            s = q @ kk.transpose(-1, -2) / math.sqrt(self.hd)
            if mask is not None:
                s = s + mask
            a = (torch.softmax(s, -1) @ vv).transpose(1, 2).reshape(b, t, self.d)
            if self.gpt2:
                x = x + torch.addmm(w[p + "attn.c_proj.bias"], a.view(-1, self.d), w[p + "attn.c_proj.weight"]).view(b, t, -1)
                h = torch.nn.functional.layer_norm(x, (self.d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], 1e-5)
                m = ref.gelu_new(torch.addmm(w[p + "mlp.c_fc.bias"], h.view(-1, self.d), w[p + "mlp.c_fc.weight"]))
                x = x + torch.addmm(w[p + "mlp.c_proj.bias"], m, w[p + "mlp.c_proj.weight"]).view(b, t, -1)
            else:
                x = x + torch.nn.functional.linear(a, w[p + "self_attn.o_proj.weight"])
                h = rms(x, w[p + "post_attention_layernorm.weight"])
                g = torch.nn.functional.linear(h, w[p + "mlp.gate_proj.weight"])
                u = torch.nn.functional.linear(h, w[p + "mlp.up_proj.weight"])
                x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, w[p + "mlp.down_proj.weight"])
        x = x[:, -1]
        if self.gpt2:
            x = torch.nn.functional.layer_norm(x, (self.d,), w["ln_f.weight"], w["ln_f.bias"], 1e-5)
            return x @ w["wte.weight"].T
        return rms(x, w["model.norm.weight"]) @ w["model.embed_tokens.weight"].T


def rms(x, weight):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


def top_p_sample(logits, temperature, top_p, gen):
    probs = torch.softmax(logits / temperature, -1)
    sorted_p, order = probs.sort(-1, descending=True)
    cdf = sorted_p.cumsum(-1)
    sorted_p[(cdf - sorted_p) >= top_p] = 0
    pick = torch.multinomial(sorted_p, 1, generator=gen)
    return order.gather(-1, pick)


def run(directory, k, new, threads):
    torch.set_num_threads(threads)
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(directory, "prompt.json")) as f:
        ids = torch.tensor([json.load(f)["ids"]])
    model = Model(cfg, load(directory))
    gen = torch.Generator().manual_seed(0)

    def sample(steps):
        with torch.no_grad():
            cache = [None] * model.layers
            logits = model.step(ids, cache, 0).repeat(k, 1)
            cache = [(a.repeat(k, 1, 1, 1), b.repeat(k, 1, 1, 1)) for a, b in cache]
            pos = ids.shape[1]
            for s in range(steps):
                nxt = top_p_sample(logits, 0.8, 0.95, gen)
                if s == steps - 1:
                    break
                logits = model.step(nxt, cache, pos)
                pos += 1

    sample(2)  # warm-up
    t0 = time.perf_counter()
    sample(new)
    seconds = time.perf_counter() - t0
    print(json.dumps({"tokens_per_s": k * new / seconds, "seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
