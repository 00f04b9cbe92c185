#!/usr/bin/python3
"""Builds the tiny Hugging Face checkpoints and the expected outputs that dev.qprobe.model.hf is tested against.

No `transformers` or `tokenizers` is installed on the machines this project is built on, so this is an
independent reference written in plain PyTorch (Debian's python3-torch) that follows the structure of
Hugging Face's modelling code for GPT-2 and Llama/Qwen2/Mistral (eager attention), and a hand-written
byte-level BPE tokenizer (GPT-2's pre-tokenization, byte-to-unicode mapping and merge order). It writes:

  <out>/<name>/config.json, generation_config.json, tokenizer.json, model.safetensors (or shards + index)
  <out>/<name>/expected.json          token ids of the fixed inputs and the greedy continuation
  <out>/<name>/expected.safetensors   logits.<i> [T, V] and hidden.<i>.<layer> [T, d] per input

Safetensors files are written by hand (8-byte header length, JSON header, raw little-endian bytes).
Reference numbers are computed in float64 from the weights exactly as stored (bf16/f16 rounded).

Usage: /usr/bin/python3 hf_reference.py OUT_DIR
"""
import json
import math
import os
import struct
import sys
import unicodedata

import torch

# ----------------------------------------------------------------------------------------------
# Tokenizer: byte-level BPE, as GPT-2 / Llama 3 / Qwen2 tokenizer.json files describe it.
# ----------------------------------------------------------------------------------------------

def bytes_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable characters."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    mapping = {}
    extra = 0
    for b in range(256):
        if b in keep:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


BYTE_CHARS = bytes_to_unicode()


def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def is_number(ch):
    return unicodedata.category(ch).startswith("N")


def pre_tokenize(text):
    """GPT-2's pattern, matched by hand:
    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"""
    words = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            hit = None
            for c in ("s", "t", "re", "ve", "m", "ll", "d"):
                if text.startswith(c, i + 1):
                    hit = "'" + c
                    break
            if hit:
                words.append(hit)
                i += len(hit)
                continue
        start = i + 1 if ch == " " and i + 1 < n else i
        matched = False
        for cls in (is_letter, is_number, lambda c: not c.isspace() and not is_letter(c) and not is_number(c)):
            if start < n and cls(text[start]) and (start == i or not text[start].isspace()):
                j = start
                while j < n and cls(text[j]):
                    j += 1
                words.append(text[i:j])
                i = j
                matched = True
                break
        if matched:
            continue
        # whitespace: \s+(?!\S) then \s+
        j = i
        while j < n and text[j].isspace():
            j += 1
        if j == n or j - i == 1:
            words.append(text[i:j])
            i = j
        else:
            words.append(text[i:j - 1])  # leave the last space to join the next word
            i = j - 1
    return words


def train_merges(corpus, count):
    """A small BPE vocabulary learned from corpus: the most frequent adjacent pair merged each round."""
    words = {}
    for w in pre_tokenize(corpus):
        key = tuple(BYTE_CHARS[b] for b in w.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for w, f in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + f
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        merged = {}
        for w, f in words.items():
            merged[apply_merge(w, best)] = f
        words = merged
    return merges


def apply_merge(symbols, pair):
    out = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


class ByteLevelBpe:
    def __init__(self, merges, specials, bos):
        self.merges = merges
        self.ranks = {m: r for r, m in enumerate(merges)}
        self.vocab = {}
        for b in range(256):
            self.vocab[BYTE_CHARS[b]] = len(self.vocab)
        for a, b in merges:
            self.vocab[a + b] = len(self.vocab)
        self.specials = {}
        for s in specials:
            self.specials[s] = len(self.vocab) + len(self.specials)
        self.bos = bos

    def size(self):
        return len(self.vocab) + len(self.specials)

    def bpe(self, word):
        symbols = tuple(BYTE_CHARS[b] for b in word.encode("utf-8"))
        while len(symbols) > 1:
            ranked = [(self.ranks.get(p, math.inf), p) for p in zip(symbols, symbols[1:])]
            rank, pair = min(ranked)
            if rank == math.inf:
                break
            symbols = apply_merge(symbols, pair)
        return [self.vocab[s] for s in symbols]

    def encode(self, text):
        ids = [self.specials[self.bos]] if self.bos else []
        for w in pre_tokenize(text):
            ids.extend(self.bpe(w))
        return ids

    def tokenizer_json(self):
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for s, i in self.specials.items()]
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        if self.bos:
            bos_id = self.specials[self.bos]
            post = {"type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": self.bos, "type_id": 0}},
                               {"Sequence": {"id": "A", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": self.bos, "type_id": 0}},
                             {"Sequence": {"id": "A", "type_id": 0}},
                             {"Sequence": {"id": "B", "type_id": 1}}],
                    "special_tokens": {self.bos: {"id": self.bos, "ids": [bos_id], "tokens": [self.bos]}}}
        else:
            post = dict(byte_level)
        return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
                "normalizer": None, "pre_tokenizer": byte_level, "post_processor": post,
                "decoder": byte_level,
                "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                          "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                          "vocab": self.vocab, "merges": [a + " " + b for a, b in self.merges]}}


CORPUS = ("def add(a, b):\n    return a + b\n\nThe quick brown fox jumps over the lazy dog. "
          "It's the model's answer; we'll see. 123 + 456 = 579. print('hello world')\n"
          "for i in range(10):\n    total += i * i\n" * 3)

TOKENIZER_TEXTS = [
    "Hello world",
    "def add(a, b):\n    return a + b",
    "It's 3.14159 -- isn't it? We'll see; they've 42 apples.",
    "héllo wörld — naïve café, 日本語のテキスト, ½ ² Ⅻ, emoji 😀👍🏽",
    "   leading spaces\t\ttabs\n\n\nnewlines   trailing   ",
    "a  b   c    d\r\n e\u3000f",
    "",
]

# ----------------------------------------------------------------------------------------------
# Reference models, following the structure of Hugging Face's modelling code (eager attention).
# ----------------------------------------------------------------------------------------------

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def causal_mask(t, total):
    mask = torch.zeros(t, total, dtype=torch.float64)
    start = total - t
    for i in range(t):
        mask[i, start + i + 1:] = float("-inf")
    return mask


def gpt2_forward(cfg, w, ids):
    """GPT2LMHeadModel: returns (logits [T, V], hidden_states list of [T, d], HF numbering)."""
    d, heads = cfg["n_embd"], cfg["n_head"]
    hd = d // heads
    eps = cfg["layer_norm_epsilon"]
    t = len(ids)
    x = w["wte.weight"][ids] + w["wpe.weight"][:t]
    hidden = [x]
    for l in range(cfg["n_layer"]):
        p = "h.%d." % l
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=-1)
        q, k, v = (z.view(t, heads, hd).transpose(0, 1) for z in (q, k, v))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + causal_mask(t, t)
        att = torch.softmax(scores, dim=-1) @ v
        att = att.transpose(0, 1).reshape(t, d) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        x = x + att
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] \
            + w[p + "mlp.c_proj.bias"]
        x = x + m
        if l < cfg["n_layer"] - 1:
            hidden.append(x)
    x = torch.nn.functional.layer_norm(x, (d,), w["ln_f.weight"], w["ln_f.bias"], eps)
    hidden.append(x)
    return x @ w["wte.weight"].T, hidden


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rope_inv_freq(cfg, head_dim):
    base = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).double() / head_dim))
    s = cfg.get("rope_scaling")
    if s:
        factor, low, high = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
        old = s["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def llama_forward(cfg, w, ids):
    """LlamaForCausalLM / Qwen2ForCausalLM / MistralForCausalLM (eager, no sliding window reached)."""
    d = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    kv = cfg.get("num_key_value_heads", heads)
    hd = cfg.get("head_dim") or d // heads
    eps = cfg["rms_norm_eps"]
    t = len(ids)
    inv = rope_inv_freq(cfg, hd)
    freqs = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    def lin(x, name):
        y = x @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    x = w["model.embed_tokens.weight"][ids]
    hidden = [x]
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = lin(h, p + "self_attn.q_proj").view(t, heads, hd).transpose(0, 1)
        k = lin(h, p + "self_attn.k_proj").view(t, kv, hd).transpose(0, 1)
        v = lin(h, p + "self_attn.v_proj").view(t, kv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv, dim=0)  # repeat_kv: each kv head serves consecutive q heads
        v = v.repeat_interleave(heads // kv, dim=0)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + causal_mask(t, t)
        att = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(t, heads * hd)
        x = x + lin(att, p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        m = lin(torch.nn.functional.silu(lin(h, p + "mlp.gate_proj")) * lin(h, p + "mlp.up_proj"), p + "mlp.down_proj")
        x = x + m
        if l < cfg["num_hidden_layers"] - 1:
            hidden.append(x)
    x = rms_norm(x, w["model.norm.weight"], eps)
    hidden.append(x)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T, hidden


# ----------------------------------------------------------------------------------------------
# Random checkpoints
# ----------------------------------------------------------------------------------------------

def gpt2_weights(cfg, gen):
    d, inner, v = cfg["n_embd"], cfg["n_inner"], cfg["vocab_size"]
    w = {"wte.weight": rand(gen, v, d, scale=1.0), "wpe.weight": rand(gen, cfg["n_positions"], d, scale=0.3)}
    for l in range(cfg["n_layer"]):
        p = "h.%d." % l
        w.update({p + "ln_1.weight": 1 + rand(gen, d, scale=0.2), p + "ln_1.bias": rand(gen, d, scale=0.2),
                  p + "attn.c_attn.weight": rand(gen, d, 3 * d, fan_in=d), p + "attn.c_attn.bias": rand(gen, 3 * d, scale=0.1),
                  p + "attn.c_proj.weight": rand(gen, d, d, fan_in=d), p + "attn.c_proj.bias": rand(gen, d, scale=0.1),
                  p + "ln_2.weight": 1 + rand(gen, d, scale=0.2), p + "ln_2.bias": rand(gen, d, scale=0.2),
                  p + "mlp.c_fc.weight": rand(gen, d, inner, fan_in=d), p + "mlp.c_fc.bias": rand(gen, inner, scale=0.1),
                  p + "mlp.c_proj.weight": rand(gen, inner, d, fan_in=inner), p + "mlp.c_proj.bias": rand(gen, d, scale=0.1)})
    w["ln_f.weight"] = 1 + rand(gen, d, scale=0.2)
    w["ln_f.bias"] = rand(gen, d, scale=0.2)
    return w


def llama_weights(cfg, gen, qkv_bias):
    d, inner, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    heads = cfg["num_attention_heads"]
    kv = cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or d // heads
    w = {"model.embed_tokens.weight": rand(gen, v, d, scale=1.0)}
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        w[p + "input_layernorm.weight"] = 1 + rand(gen, d, scale=0.2)
        w[p + "self_attn.q_proj.weight"] = rand(gen, heads * hd, d, fan_in=d, scale=2.0)
        w[p + "self_attn.k_proj.weight"] = rand(gen, kv * hd, d, fan_in=d, scale=2.0)
        w[p + "self_attn.v_proj.weight"] = rand(gen, kv * hd, d, fan_in=d)
        w[p + "self_attn.o_proj.weight"] = rand(gen, d, heads * hd, fan_in=heads * hd)
        if qkv_bias:
            w[p + "self_attn.q_proj.bias"] = rand(gen, heads * hd, scale=0.3)
            w[p + "self_attn.k_proj.bias"] = rand(gen, kv * hd, scale=0.3)
            w[p + "self_attn.v_proj.bias"] = rand(gen, kv * hd, scale=0.3)
        w[p + "post_attention_layernorm.weight"] = 1 + rand(gen, d, scale=0.2)
        w[p + "mlp.gate_proj.weight"] = rand(gen, inner, d, fan_in=d)
        w[p + "mlp.up_proj.weight"] = rand(gen, inner, d, fan_in=d)
        w[p + "mlp.down_proj.weight"] = rand(gen, d, inner, fan_in=inner)
    w["model.norm.weight"] = 1 + rand(gen, d, scale=0.2)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rand(gen, v, d, fan_in=d, scale=3.0)
    return w


def rand(gen, *shape, fan_in=None, scale=1.0):
    std = scale / math.sqrt(fan_in) if fan_in else scale
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * std)


DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def tensor_bytes(t, dtype):
    t = t.to(DTYPES[dtype]).contiguous()
    if dtype == "BF16":
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, dtype, metadata=None):
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = tensor_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def stored(w, dtype):
    """The weights as the checkpoint holds them, back in float64 for the reference."""
    return {k: v.to(DTYPES[dtype]).double() for k, v in w.items()}


def prefixed(cfg, w):
    if cfg["model_type"] == "gpt2":
        return {"transformer." + k: v for k, v in w.items()}
    return w


def greedy(forward, cfg, w, ids, steps):
    """Greedy continuation, each step a full recomputation; checks that the top two logits are apart."""
    ids = list(ids)
    out = []
    for _ in range(steps):
        logits, _ = forward(cfg, w, ids)
        top = torch.topk(logits[-1], 2)
        if float(top.values[0] - top.values[1]) < 1e-3:
            raise SystemExit("near tie in greedy decoding; choose another seed")
        out.append(int(top.indices[0]))
        ids.append(out[-1])
    return out


CHECKPOINTS = [
    # name, config, dtype, seed, shards
    ("gpt2-f32", {"model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "n_inner": 128, "n_positions": 64,
                  "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "eos_token_id": "EOS",
                  "bos_token_id": "EOS"}, "F32", 1, 1),
    ("llama-f32", {"model_type": "llama", "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
                   "num_key_value_heads": 2, "intermediate_size": 64, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
                   "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                    "high_freq_factor": 4.0, "original_max_position_embeddings": 16},
                   "max_position_embeddings": 128, "tie_word_embeddings": False, "hidden_act": "silu",
                   "bos_token_id": "BOS", "eos_token_id": "EOS"}, "F32", 2, 1),
    ("llama-bf16", None, "BF16", 2, 1),
    ("qwen2-f32", {"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6,
                   "num_key_value_heads": 2, "intermediate_size": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                   "max_position_embeddings": 128, "tie_word_embeddings": True, "hidden_act": "silu",
                   "use_sliding_window": False, "sliding_window": 32, "eos_token_id": "EOS"}, "F32", 3, 1),
    ("qwen2-f16", None, "F16", 3, 1),
    ("mistral-sharded", {"model_type": "mistral", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                         "num_key_value_heads": 1, "intermediate_size": 64, "rms_norm_eps": 1e-5,
                         "rope_theta": 10000.0, "max_position_embeddings": 128, "sliding_window": 4096,
                         "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": "BOS",
                         "eos_token_id": "EOS"}, "F32", 4, 2),
]

INPUTS = ["def add(a, b):\n    return", "The quick brown fox"]
GREEDY_PROMPT = "print('hello"
GREEDY_STEPS = 8
VOCAB = 400


def main(out):
    merges = train_merges(CORPUS, 110)
    plain = ByteLevelBpe(merges, ["<|endoftext|>"], None)
    with_bos = ByteLevelBpe(merges, ["<|endoftext|>", "<s>"], "<s>")
    assert with_bos.size() <= VOCAB
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tokenizer-cases.json"), "w") as f:
        json.dump({"plain": {t: plain.encode(t) for t in TOKENIZER_TEXTS},
                   "bos": {t: with_bos.encode(t) for t in TOKENIZER_TEXTS}}, f, ensure_ascii=False, indent=1)
    configs = {}
    for name, cfg, dtype, seed, shards in CHECKPOINTS:
        family = name.split("-")[0]
        cfg = dict(cfg if cfg else configs[family])
        configs[family] = cfg
        tok = plain if family in ("gpt2", "qwen2") else with_bos
        for key in ("eos_token_id", "bos_token_id"):
            if cfg.get(key) == "EOS":
                cfg[key] = tok.specials["<|endoftext|>"]
            elif cfg.get(key) == "BOS":
                cfg[key] = tok.specials["<s>"]
        cfg["vocab_size"] = VOCAB
        cfg["torch_dtype"] = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype]
        gen = torch.Generator().manual_seed(seed)
        if family == "gpt2":
            w, forward = gpt2_weights(cfg, gen), gpt2_forward
        else:
            w, forward = llama_weights(cfg, gen, family == "qwen2"), llama_forward
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        with open(os.path.join(d, "tokenizer.json"), "w") as f:
            json.dump(tok.tokenizer_json(), f, ensure_ascii=False)
        if family == "qwen2":
            with open(os.path.join(d, "generation_config.json"), "w") as f:
                json.dump({"eos_token_id": [tok.specials["<|endoftext|>"], 10], "do_sample": True}, f)
        on_disk = prefixed(cfg, w)
        if shards == 1:
            write_safetensors(os.path.join(d, "model.safetensors"), on_disk, dtype, {"format": "pt"})
        else:
            names = list(on_disk)
            cut = len(names) // 2
            parts = [names[:cut], names[cut:]]
            weight_map = {}
            for i, part in enumerate(parts):
                file = "model-%05d-of-%05d.safetensors" % (i + 1, len(parts))
                write_safetensors(os.path.join(d, file), {n: on_disk[n] for n in part}, dtype, {"format": "pt"})
                weight_map.update({n: file for n in part})
            with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
                json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=1)
        ws = stored(w, dtype)
        expected = {}
        inputs = [tok.encode(t) for t in INPUTS]
        for i, ids in enumerate(inputs):
            logits, hidden = forward(cfg, ws, ids)
            expected["logits.%d" % i] = logits
            for l, h in enumerate(hidden):
                expected["hidden.%d.%d" % (i, l)] = h
        write_safetensors(os.path.join(d, "expected.safetensors"), expected, "F32")
        prompt = tok.encode(GREEDY_PROMPT)
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"texts": INPUTS, "inputs": inputs, "greedy_prompt": GREEDY_PROMPT, "greedy_prompt_ids": prompt,
                       "greedy": greedy(forward, cfg, ws, prompt, GREEDY_STEPS),
                       "reference": "hf_reference.py (PyTorch %s, float64 from the stored weights)" % torch.__version__
                       .split("a")[0]}, f, indent=1)
        print("wrote", d)


if __name__ == "__main__":
    torch.set_num_threads(1)
    main(sys.argv[1])
