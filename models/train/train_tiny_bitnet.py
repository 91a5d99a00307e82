#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train the tiny BitNet b1.58 model shipped in models/tiny-bitnet.

Optional tooling: nothing in the build or the tests runs this script.  It
 * takes the fortunes corpus and the held-out split of train_tiny.py (imported, so the split
   is identical), and removes from the training fortunes every fortune that is verbatim a
   held-out fortune or shares >= 50 % of 8-word shingles with one (heldout_overlap.shingles),
 * trains a byte-level BPE tokenizer (LLaMA-3 pattern, GPT-2 byte alphabet, 4093 ids + 3
   specials) with its own small code, on the deduplicated training fortunes only, and writes
   it as a LLaMA-3-layout tokenizer.json; optionally cross-checks its ids against Hugging
   Face's tokenizers.js (node + build/npm),
 * trains BitNetForCausalLM (the released forward pass, reference/bitnet-model.md §2) with
   AutoBitLinear "online" quantization-aware training (straight-through estimators),
 * writes a Hugging Face checkpoint in the released bf16 layout (config.json,
   model.safetensors with bf16 latent weights, tokenizer.json, generation_config.json),
 * reloads the bf16 weights and scores models/tiny/heldout.txt in fp32 exactly the way
   `mmf eval` does (BOS + text, windows of max_position_embeddings positions, each
   restarted with BOS),
 * optionally converts the checkpoint with `mmf convert` and ships it to models/tiny-bitnet.

Run with Debian's interpreter (python3-torch, python3-regex, python3-numpy):
    /usr/bin/python3 models/train/train_tiny_bitnet.py --out build/tiny-bitnet-hf --ship
"""

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
import heapq

# OpenMP threads that spin at barriers are several times slower when the 2 cores are shared
# with other jobs (measured: 700 vs 3500 tok/s); must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import regex
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
# The corpus, the split and the safetensors helpers of the tiny HGRNBit model, imported so that
# the split is the same one.
from train_tiny import (FORTUNE_DIR, HOLDOUT_EVERY, HOLDOUT_PHASE, read_fortunes,  # noqa: E402
                        split_fortunes, write_safetensors, read_safetensors, bf16_bytes)
from heldout_overlap import shingles, SHINGLE  # noqa: E402

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                  r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
EPS = 1e-5
PROMPTS = ["The meaning of life is", "A computer is", "You will"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# Corpus and deduplication
# ----------------------------------------------------------------------------

def dedup(train, held, threshold=0.5):
    """Drop training fortunes that are verbatim held-out fortunes or share >= threshold of
    8-word shingles with one held-out fortune (share of either fortune's shingles: the
    training fortune's, or the held-out fortune's, whichever is larger)."""
    held_set = set(held)
    held_sh = [shingles(h) for h in held]
    index = defaultdict(set)
    for k, sh in enumerate(held_sh):
        for s in sh:
            index[s].add(k)
    keep, n_exact, n_shingle = [], 0, 0
    dropped = []
    for t in train:
        if t in held_set:
            n_exact += 1
            dropped.append((t, "exact", 1.0))
            continue
        sh = shingles(t)
        hits = defaultdict(int)
        for s in sh:
            for k in index.get(s, ()):
                hits[k] += 1
        best = 0.0
        for k, n in hits.items():
            best = max(best, n / len(sh), n / len(held_sh[k]))
        if best >= threshold:
            n_shingle += 1
            dropped.append((t, "shingle", best))
            continue
        keep.append(t)
    return keep, n_exact, n_shingle, dropped


# ----------------------------------------------------------------------------
# Byte-level BPE (LLaMA-3 layout)
# ----------------------------------------------------------------------------

def bytes_to_unicode():
    """GPT-2's byte alphabet: byte b -> one character."""
    out, nxt = {}, 256
    for b in range(256):
        printable = 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or b >= 0xAE
        if printable:
            out[b] = chr(b)
        else:
            out[b] = chr(nxt)
            nxt += 1
    return out


BYTE_CHAR = bytes_to_unicode()
PRE_RE = regex.compile(LLAMA3_PATTERN)


def pre_tokenize(text):
    """Split (Isolated): matches and the gaps between them; each piece in the byte alphabet."""
    pieces, pos = [], 0
    for m in PRE_RE.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos:m.start()])
        if m.end() > m.start():
            pieces.append(m.group(0))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    return ["".join(BYTE_CHAR[b] for b in p.encode("utf-8")) for p in pieces]


def train_bpe(texts, n_ids):
    """Merges by pair frequency over the unique pre-tokens (weighted by count) until the
    vocabulary has n_ids entries (256 bytes + merges). Ties: the smaller (left id, right id).
    Returns (vocab: token -> id, merges: list of (left, right) token strings)."""
    counts = Counter()
    for t in texts:
        counts.update(pre_tokenize(t))
    vocab = {BYTE_CHAR[b]: b for b in range(256)}
    tok = [BYTE_CHAR[b] for b in range(256)]
    words = [[vocab[c] for c in w] for w in counts]
    wcount = list(counts.values())
    pair_count = defaultdict(int)
    where = defaultdict(set)
    for i, w in enumerate(words):
        for p in zip(w, w[1:]):
            pair_count[p] += wcount[i]
            where[p].add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges = []
    while len(vocab) < n_ids:
        while heap:
            c, p = heapq.heappop(heap)
            if pair_count.get(p, 0) == -c and -c > 0:
                break
        else:
            raise RuntimeError("BPE: no pair left to merge at vocabulary size %d" % len(vocab))
        a, b = p
        s = tok[a] + tok[b]
        if s in vocab:
            new = vocab[s]
        else:
            new = len(tok)
            vocab[s] = new
            tok.append(s)
        merges.append((tok[a], tok[b]))
        changed = set()
        for i in list(where[p]):
            w = words[i]
            old_pairs = list(zip(w, w[1:]))
            nw, k = [], 0
            while k < len(w):
                if k + 1 < len(w) and w[k] == a and w[k + 1] == b:
                    nw.append(new)
                    k += 2
                else:
                    nw.append(w[k])
                    k += 1
            for q in old_pairs:
                pair_count[q] -= wcount[i]
                changed.add(q)
            for q in set(old_pairs):
                where[q].discard(i)
            for q in zip(nw, nw[1:]):
                pair_count[q] += wcount[i]
                where[q].add(i)
                changed.add(q)
            words[i] = nw
        for q in changed:
            if pair_count[q] > 0:
                heapq.heappush(heap, (-pair_count[q], q))
            else:
                pair_count.pop(q, None)
    return vocab, merges


class BPE:
    """Encoder with mmf's rule: pieces by the pattern; a whole piece found in the vocabulary is
    emitted as is (ignore_merges); else the lowest-ranked adjacent pair is merged, leftmost on
    ties, until no merge applies."""

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {}
        for r, (a, b) in enumerate(merges):
            key = (vocab[a], vocab[b])
            if key not in self.ranks:
                self.ranks[key] = (r, vocab[a + b])
        self.cache = {}
        self.inv = {i: t for t, i in vocab.items()}
        self.char_byte = {c: b for b, c in BYTE_CHAR.items()}

    def _piece(self, p):
        if p in self.vocab:
            return [self.vocab[p]]
        ids = [self.vocab[c] for c in p]
        while len(ids) > 1:
            best = None
            for k in range(len(ids) - 1):
                m = self.ranks.get((ids[k], ids[k + 1]))
                if m is not None and (best is None or m[0] < best[0]):
                    best = (m[0], k, m[1])
            if best is None:
                break
            _, k, new = best
            ids[k:k + 2] = [new]
        return ids

    def encode(self, text):
        out = []
        for p in pre_tokenize(text):
            ids = self.cache.get(p)
            if ids is None:
                ids = self._piece(p)
                self.cache[p] = ids
            out.extend(ids)
        return out

    def decode(self, ids):
        bs = bytearray()
        for i in ids:
            if i in self.inv:
                bs.extend(self.char_byte[c] for c in self.inv[i])
        return bs.decode("utf-8", errors="replace")


def tokenizer_json(vocab, merges, n_ids):
    """The LLaMA-3 tokenizer.json layout of tests/common/bitnet_checkpoint.cpp."""
    def special(i, content):
        return {"id": i, "content": content, "single_word": False, "lstrip": False,
                "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(n_ids + k, s) for k, s in enumerate(SPECIALS)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated",
             "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
             "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                           "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                  "vocab": dict(sorted(vocab.items(), key=lambda kv: kv[1])),
                  "merges": ["%s %s" % m for m in merges]},
    }


def cross_check_tokenizer(tok_path, texts, bpe, scratch):
    """Ids of tokenizers.js (Hugging Face's JavaScript port) vs ours, no specials added."""
    npm = os.path.join(REPO_ROOT, "build", "npm")
    script = os.path.join(REPO_ROOT, "tests", "models", "hf_tokenize.mjs")
    if not (shutil.which("node") and os.path.isdir(npm) and os.path.exists(script)):
        log("tokenizer cross-check skipped: needs node and build/npm (make deps)")
        return None
    tin = os.path.join(scratch, "tok_texts.json")
    tout = os.path.join(scratch, "tok_ids_js.json")
    with open(tin, "w", encoding="utf-8") as fh:
        json.dump(texts, fh, ensure_ascii=False)
    subprocess.run(["node", script, npm, tok_path, tin, tout, "0"], check=True)
    with open(tout) as fh:
        js = json.load(fh)
    bad = [k for k, t in enumerate(texts) if bpe.encode(t) != js[k]]
    ntok = sum(len(x) for x in js)
    log("tokenizer cross-check vs tokenizers.js: %d of %d texts identical (%d tokens)"
        % (len(texts) - len(bad), len(texts), ntok))
    for k in bad[:5]:
        log("  differs: %r" % texts[k][:80])
    return len(texts) - len(bad), len(texts), ntok


# ----------------------------------------------------------------------------
# Model: BitNetForCausalLM, AutoBitLinear online, straight-through estimators
# ----------------------------------------------------------------------------

def rms_norm(x, w):
    x32 = x.float()
    return x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + EPS) * w


class RMSNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return rms_norm(x, self.weight)


def act_codes(y):
    """Per-token absmax int8: codes (float) and scale s (x ~ codes / s). torch.round: half even."""
    s = 127.0 / y.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return torch.round(y * s).clamp(-128, 127), s


def weight_codes(w):
    """Per-tensor absmean ternary: codes in {-1,0,1} and sw (W ~ codes / sw)."""
    sw = 1.0 / w.abs().mean().clamp(min=1e-5)
    return torch.round(w * sw).clamp(-1, 1), sw


class _SharedBitLinear(torch.autograd.Function):
    """[F.linear(act_quant(y), weight_quant(w_i)) for i] with one activation quantization shared
    by all w_i and straight-through gradients (y + (q(y) - y).detach(), w + (q(w) - w).detach()).
    The GEMMs run in bf16 on the exact integer codes (int8 x ternary), scales applied after:
    Debian's fp32 GEMM is ~50x slower on this machine."""

    @staticmethod
    def forward(ctx, y, *ws):
        shp = y.shape
        y2 = y.reshape(-1, shp[-1])
        q, s = act_codes(y2)
        q = q.to(torch.bfloat16)
        ts, sws, rows = [], [], []
        for w in ws:
            t, sw = weight_codes(w)
            ts.append(t)
            sws.append(sw.reshape(1))
            rows.append(w.shape[0])
        t = torch.cat(ts, 0).to(torch.bfloat16)
        swv = torch.cat([sw.expand(r) for sw, r in zip(sws, rows)])  # per output column
        out = F.linear(q, t).float() / (s * swv)
        ctx.save_for_backward(q, t, s, swv)
        ctx.rows = rows
        outs = torch.split(out, rows, dim=-1)
        return tuple(o.reshape(*shp[:-1], o.shape[-1]) for o in outs)

    @staticmethod
    def backward(ctx, *gos):
        q, t, s, swv = ctx.saved_tensors
        g = torch.cat([go.reshape(-1, go.shape[-1]) for go in gos], -1)
        gy = ((g / swv).to(torch.bfloat16) @ t).float()
        gw = ((g / s).to(torch.bfloat16).t() @ q).float()
        gws = torch.split(gw, ctx.rows, dim=0)
        return (gy.reshape(*gos[0].shape[:-1], t.shape[1]), *gws)


EXACT = False  # True: plain fp32 fake-quant forward (evaluation), as the released code computes


def bitlinear(y, *ws):
    if EXACT:
        y = y.float()
        q, s = act_codes(y)
        yq = q / s
        if torch.is_grad_enabled():   # straight-through, as the released training code
            yq = y + (yq - y).detach()
        outs = []
        for w in ws:
            t, sw = weight_codes(w.float())
            wq = t / sw
            if torch.is_grad_enabled():
                wq = w + (wq - w).detach()
            outs.append(F.linear(yq, wq))
        return tuple(outs)
    return _SharedBitLinear.apply(y, *ws)


def mm(a, b):
    """a @ b: fp32 when EXACT, else bf16 GEMM with fp32 result."""
    if EXACT:
        return a.float() @ b.float()
    return (a.to(torch.bfloat16) @ b.to(torch.bfloat16)).float()


class Proj(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_out, n_in))


class SelfAttn(nn.Module):
    def __init__(self, H, nh, nkv, hd):
        super().__init__()
        self.q_proj = Proj(H, nh * hd)
        self.k_proj = Proj(H, nkv * hd)
        self.v_proj = Proj(H, nkv * hd)
        self.attn_sub_norm = RMSNorm(H)
        self.o_proj = Proj(nh * hd, H)


class MLP(nn.Module):
    def __init__(self, H, I):
        super().__init__()
        self.gate_proj = Proj(H, I)
        self.up_proj = Proj(H, I)
        self.ffn_sub_norm = RMSNorm(I)
        self.down_proj = Proj(I, H)


class Layer(nn.Module):
    def __init__(self, H, I, nh, nkv, hd):
        super().__init__()
        self.input_layernorm = RMSNorm(H)
        self.self_attn = SelfAttn(H, nh, nkv, hd)
        self.post_attention_layernorm = RMSNorm(H)
        self.mlp = MLP(H, I)


class Inner(nn.Module):
    def __init__(self, V, H, L, I, nh, nkv, hd):
        super().__init__()
        self.embed_tokens = nn.Embedding(V, H)
        self.layers = nn.ModuleList([Layer(H, I, nh, nkv, hd) for _ in range(L)])
        self.norm = RMSNorm(H)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class BitNet(nn.Module):
    def __init__(self, V, H, L, I, nh, nkv, theta):
        super().__init__()
        self.V, self.H, self.L, self.I, self.nh, self.nkv = V, H, L, I, nh, nkv
        self.hd = H // nh
        self.theta = theta
        self.model = Inner(V, H, L, I, nh, nkv, self.hd)
        for mod in self.modules():
            if isinstance(mod, (Proj, nn.Embedding)):
                nn.init.normal_(mod.weight, mean=0.0, std=0.02)
        inv = 1.0 / (theta ** (torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd))
        self.register_buffer("inv_freq", inv, persistent=False)

    def rope(self, T):
        pos = torch.arange(T, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    def forward(self, ids):
        B, T = ids.shape
        m = self.model
        nh, nkv, hd = self.nh, self.nkv, self.hd
        cos, sin = self.rope(T)
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = m.embed_tokens(ids)
        for lay in m.layers:
            a = lay.self_attn
            h = lay.input_layernorm(x)
            q, k, v = bitlinear(h, a.q_proj.weight, a.k_proj.weight, a.v_proj.weight)
            q = q.view(B, T, nh, hd).transpose(1, 2)
            k = k.view(B, T, nkv, hd).transpose(1, 2)
            v = v.view(B, T, nkv, hd).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            rep = nh // nkv
            k = k.repeat_interleave(rep, dim=1)   # query heads 0..rep-1 read KV head 0
            v = v.repeat_interleave(rep, dim=1)
            sc = mm(q, k.transpose(-1, -2)) * hd ** -0.5 + mask
            p = torch.softmax(sc.float(), dim=-1)
            o = mm(p, v).transpose(1, 2).reshape(B, T, nh * hd)
            (o,) = bitlinear(a.attn_sub_norm(o), a.o_proj.weight)
            x = x + o
            h = lay.post_attention_layernorm(x)
            mp = lay.mlp
            g, u = bitlinear(h, mp.gate_proj.weight, mp.up_proj.weight)
            z = torch.relu(g).pow(2) * u
            (d,) = bitlinear(mp.ffn_sub_norm(z), mp.down_proj.weight)
            x = x + d
        x = m.norm(x)
        return mm(x, m.embed_tokens.weight.t())   # tied head, full precision


# ----------------------------------------------------------------------------
# Export (released bf16 layout) and evaluation
# ----------------------------------------------------------------------------

def hf_config(model, args):
    return {
        "model_type": "bitnet",
        "architectures": ["BitNetForCausalLM"],
        "vocab_size": model.V,
        "hidden_size": model.H,
        "intermediate_size": model.I,
        "num_hidden_layers": model.L,
        "num_attention_heads": model.nh,
        "num_key_value_heads": model.nkv,
        "hidden_act": "relu2",
        "max_position_embeddings": args.max_pos,
        "rms_norm_eps": EPS,
        "rope_theta": model.theta,
        "bos_token_id": args.bos,
        "eos_token_id": args.eos,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "torch_dtype": "bfloat16",
        "quantization_config": {"quant_method": "bitnet", "linear_class": "autobitlinear",
                                "quantization_mode": "online"},
    }


def export_hf(model, args, tok_path):
    out = args.out
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(hf_config(model, args), fh, indent=2)
        fh.write("\n")
    with open(os.path.join(out, "generation_config.json"), "w") as fh:
        json.dump({"bos_token_id": args.bos, "eos_token_id": [args.eos, args.vocab - 1],
                   "do_sample": False}, fh, indent=2)
        fh.write("\n")
    dst = os.path.join(out, "tokenizer.json")
    if os.path.abspath(tok_path) != os.path.abspath(dst):
        shutil.copyfile(tok_path, dst)
    tensors = {}
    for name, p in model.state_dict().items():
        tensors[name] = ("BF16", tuple(p.shape), bf16_bytes(p))
    write_safetensors(os.path.join(out, "model.safetensors"), tensors, {"format": "pt"})


def load_bf16(model, ckpt_dir):
    w, _ = read_safetensors(os.path.join(ckpt_dir, "model.safetensors"))
    model.load_state_dict(w)


def mmf_windows(ids, window):
    """The windows `mmf eval` feeds (inputs, targets): the first is ids[0:window] (ids[0] = BOS),
    every later one BOS + the next window-1 inputs; every token after ids[0] is scored once."""
    out, t = [], 0
    while t + 1 < len(ids):
        if t == 0:
            n = min(window, len(ids) - 1)
            x = ids[0:n]
        else:
            n = min(window - 1, len(ids) - 1 - t)
            x = [ids[0]] + ids[t:t + n]
        y = ids[t + 1:t + 1 + n]
        out.append((x, y))
        t += n
    return out


@torch.no_grad()
def score_like_mmf(model, ids, window):
    global EXACT
    saved, EXACT = EXACT, True
    model.eval()
    nll, n = 0.0, 0
    wins = mmf_windows(ids, window)
    for x, y in wins:
        logits = model(torch.tensor([x]))[0].double()
        lp = torch.log_softmax(logits, -1)
        # the last len(y) positions predict y (a later window's BOS position predicts nothing)
        lp = lp[len(x) - len(y):]
        nll -= float(lp.gather(1, torch.tensor(y).unsqueeze(1)).sum())
        n += len(y)
    EXACT = saved
    model.train()
    return nll / n, n, len(wins)


@torch.no_grad()
def greedy(model, ids, n, stop):
    global EXACT
    saved, EXACT = EXACT, True
    model.eval()
    ids = list(ids)
    out = []
    for _ in range(n):
        nxt = int(model(torch.tensor([ids]))[0, -1].argmax())
        out.append(nxt)
        ids.append(nxt)
        if nxt in stop:
            break
    EXACT = saved
    model.train()
    return out


def lr_at(step, total, peak, warmup, final_frac=0.1):
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * p)))


def run_mmf(mmf, argv):
    r = subprocess.run([mmf] + argv, capture_output=True, text=True)
    if r.returncode != 0:
        log("mmf %s failed (%d): %s" % (argv[0], r.returncode, r.stderr.strip()))
        return None
    return r.stdout


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "build", "tiny-bitnet-hf"))
    ap.add_argument("--heldout", default=os.path.join(REPO_ROOT, "models", "tiny", "heldout.txt"))
    ap.add_argument("--vocab", type=int, default=4096, help="ids incl. the 3 specials at the end")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=768)
    ap.add_argument("--rope-theta", type=float, default=10000.0)
    ap.add_argument("--max-pos", type=int, default=512)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=2400)
    ap.add_argument("--warmup", type=int, default=120)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--tokenizer-only", action="store_true",
                    help="stop after the corpus, the tokenizer and its cross-check")
    ap.add_argument("--no-export", action="store_true", help="train only (lr sweeps)")
    ap.add_argument("--ship", action="store_true",
                    help="also mmf convert into --ship-dir and copy tokenizer.json there")
    ap.add_argument("--ship-dir", default=os.path.join(REPO_ROOT, "models", "tiny-bitnet"))
    ap.add_argument("--mmf", default=os.path.join(REPO_ROOT, "build", "bin", "mmf"))
    args = ap.parse_args()
    args.bos, args.eos = args.vocab - 3, args.vocab - 2

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    t_start = time.time()
    scratch = args.out
    os.makedirs(scratch, exist_ok=True)

    # -- corpus
    fortunes = read_fortunes(FORTUNE_DIR)
    train_all, held = split_fortunes(fortunes)
    train, n_exact, n_sh, dropped = dedup(train_all, held)
    log("corpus: %d fortunes, %d train, %d held out (index %% %d == %d)"
        % (len(fortunes), len(train_all), len(held), HOLDOUT_EVERY, HOLDOUT_PHASE))
    log("dedup: dropped %d training fortunes verbatim among the held-out ones, %d more sharing "
        ">= 50%% of %d-word shingles with one; %d training fortunes left"
        % (n_exact, n_sh, SHINGLE, len(train)))
    with open(os.path.join(scratch, "dedup_dropped.txt"), "w", encoding="utf-8") as fh:
        for t, kind, share in dropped:
            fh.write("%s %.3f %r\n" % (kind, share, t[:100]))

    # -- tokenizer
    t0 = time.time()
    n_ids = args.vocab - len(SPECIALS)
    vocab, merges = train_bpe(train, n_ids)
    bpe = BPE(vocab, merges)
    tok_path = os.path.join(scratch, "tokenizer.json")
    with open(tok_path, "w", encoding="utf-8") as fh:
        json.dump(tokenizer_json(vocab, merges, n_ids), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    log("tokenizer: %d ids + %d specials, %d merges (%.1fs)"
        % (len(vocab), len(SPECIALS), len(merges), time.time() - t0))
    with open(args.heldout, encoding="utf-8") as fh:
        heldout_text = fh.read()
    bad = [t for t in train + held if bpe.decode(bpe.encode(t)) != t]
    log("round trip decode(encode(f)) == f: %d of %d fortunes" % (len(train) + len(held) - len(bad),
                                                                     len(train) + len(held)))
    cross = cross_check_tokenizer(tok_path, [heldout_text] + held + train, bpe, scratch)

    def stream(texts):
        ids = []
        for t in texts:
            ids.append(args.bos)
            ids.extend(bpe.encode(t))
            ids.append(args.eos)
        return ids

    train_ids = torch.tensor(stream(train), dtype=torch.long)
    val_ids = torch.tensor(stream(held), dtype=torch.long)
    held_eval = [args.bos] + bpe.encode(heldout_text)
    log("tokens: train %d, held-out fortunes %d, heldout.txt %d (with BOS)"
        % (len(train_ids), len(val_ids), len(held_eval)))
    summary = {"dedup": {"train_before": len(train_all), "exact": n_exact, "shingle": n_sh,
                         "train_after": len(train), "held": len(held)},
               "tokenizer_cross_check": cross, "train_tokens": len(train_ids),
               "heldout_tokens": len(held_eval)}
    if args.tokenizer_only:
        print(json.dumps(summary, indent=2))
        return

    # -- model
    model = BitNet(args.vocab, args.hidden, args.layers, args.intermediate, args.heads,
                   args.kv_heads, args.rope_theta)
    nparam = sum(p.numel() for p in model.parameters())
    log("model: V=%d H=%d L=%d I=%d heads %d/%d, %d parameters"
        % (args.vocab, args.hidden, args.layers, args.intermediate, args.heads, args.kv_heads,
           nparam))
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if name.endswith("_proj.weight") else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.wd},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(args.seed)
    T, B, V = args.seq, args.batch, args.vocab
    nwin = len(train_ids) - T - 1
    nv = 16   # fixed validation windows over the held-out fortunes
    vstarts = torch.arange(0, len(val_ids) - T - 1, (len(val_ids) - T - 1) // nv)[:nv]
    vx = torch.stack([val_ids[s:s + T] for s in vstarts])
    vy = torch.stack([val_ids[s + 1:s + T + 1] for s in vstarts])

    def evaluate():
        model.eval()
        with torch.no_grad():
            loss = float(F.cross_entropy(model(vx).reshape(-1, V), vy.reshape(-1)))
        model.train()
        return loss

    model.train()
    t0 = time.time()
    ema, lv = None, float("nan")
    history = []
    for step in range(args.steps):
        lr = lr_at(step, args.steps, args.lr, args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, nwin, (B,), generator=gen)
        x = torch.stack([train_ids[s:s + T] for s in starts])
        y = torch.stack([train_ids[s + 1:s + T + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        lv = float(loss)
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        if (step + 1) % args.log_every == 0 or step == 0 or step + 1 == args.steps:
            el = time.time() - t0
            log("step %5d/%d  loss %.4f  ema %.4f  lr %.2e  %.0f tok/s  elapsed %.0fs  ETA %.0fs"
                % (step + 1, args.steps, lv, ema, lr, (step + 1) * B * T / el, el,
                   el / (step + 1) * (args.steps - step - 1)))
        if args.eval_every and ((step + 1) % args.eval_every == 0 or step + 1 == args.steps):
            v = evaluate()
            history.append((step + 1, v))
            log("eval step %d: held-out loss %.4f (ppl %.2f)" % (step + 1, v, math.exp(v)))
    train_time = time.time() - t0
    log("training done: %d steps, %.1f s, final loss %.4f (ema %.4f)"
        % (args.steps, train_time, lv, ema))
    summary.update({"steps": args.steps, "lr": args.lr, "train_time_s": train_time,
                    "final_loss": lv, "final_loss_ema": ema, "heldout_history": history,
                    "parameters": nparam})
    if args.no_export:
        print(json.dumps(summary, indent=2))
        return

    # -- export, then everything below sees the bf16 weights
    nll32, n, nw = score_like_mmf(model, held_eval, args.max_pos)
    log("heldout.txt, fp32 latent weights: %.4f nats/token, ppl %.2f (%d tokens, %d windows)"
        % (nll32, math.exp(nll32), n, nw))
    export_hf(model, args, tok_path)
    torch.save({"state_dict": model.state_dict(), "opt": opt.state_dict(), "args": vars(args)},
               os.path.join(args.out, "train_state.pt"))
    log("wrote HF checkpoint to %s" % args.out)
    load_bf16(model, args.out)
    nll, n, nw = score_like_mmf(model, held_eval, args.max_pos)
    log("heldout.txt, bf16 weights, fp32 forward (mmf eval's windows): %.4f nats/token, "
        "ppl %.3f (%d tokens, %d windows)" % (nll, math.exp(nll), n, nw))
    summary["heldout_fp32_latent"] = {"nll": nll32, "ppl": math.exp(nll32)}
    summary["heldout_bf16_pytorch"] = {"nll": nll, "ppl": math.exp(nll), "tokens": n,
                                       "windows": nw}
    samples = {}
    for p in PROMPTS:
        cont = greedy(model, [args.bos] + bpe.encode(p), 30, {args.eos, args.vocab - 1})
        samples[p] = bpe.decode(cont)
        log("greedy (pytorch fp32) %r -> %r" % (p, samples[p]))
    summary["samples_pytorch"] = samples

    if args.ship:
        os.makedirs(args.ship_dir, exist_ok=True)
        name = os.path.basename(os.path.normpath(args.ship_dir))
        dst = os.path.join(args.ship_dir, name + ".safetensors")
        if run_mmf(args.mmf, ["convert", args.out, "-o", dst, "--packing", "2bit",
                              "--name", name]) is not None:
            shutil.copyfile(tok_path, os.path.join(args.ship_dir, "tokenizer.json"))
            summary["shipped_bytes"] = os.path.getsize(dst)
            log("shipped %s (%d bytes)" % (dst, os.path.getsize(dst)))
            out = run_mmf(args.mmf, ["eval", "--model", dst, "--numerics", "float", "--text",
                                     args.heldout, "--json"])
            if out:
                j = json.loads(out)
                summary["heldout_mmf_float"] = j
                log("mmf eval --numerics float: ppl %.3f over %d tokens, %d windows"
                    % (j["perplexity"], j["tokens"], j["windows"]))
    summary["total_wall_time_s"] = time.time() - t_start
    with open(os.path.join(args.out, "summary.json"), "w") as fh:
        json.dump(summary, fh, indent=2)
    print(json.dumps(summary, indent=2))
    log("total wall time %.1f s" % (time.time() - t_start))


if __name__ == "__main__":
    main()
