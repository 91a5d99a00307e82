#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train the tiny HGRNBit (MatMul-free LM) model shipped in models/tiny.

Optional tooling: nothing in the build or the tests runs this script.  It
 * collects the English fortunes of Debian's `fortunes` package,
 * holds out every 33rd fortune as evaluation text (models/tiny/heldout.txt),
 * trains a byte-fallback BPE SentencePiece tokenizer on the training fortunes,
 * trains an HGRNBit model with BitLinear quantization-aware training
   (straight-through estimators, as in the released MMfreeLM code),
 * writes a Hugging Face checkpoint in the released layout (bf16 latent weights,
   config.json, tokenizer.model, generation_config.json) to --out,
 * reloads the bf16 weights into an independent fp32 step-by-step decoder and
   writes its logits for fixed prompts to models/tiny/fixture.safetensors.

Run with Debian's interpreter (python3-torch, python3-sentencepiece):
    /usr/bin/python3 models/train/train_tiny.py --out build/tiny-hf
"""

import argparse
import io
import json
import math
import os
import random
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FORTUNE_DIR = "/usr/share/games/fortunes"
# Not English prose: pictures made of characters.
SKIP_FILES = {"ascii-art"}
HOLDOUT_EVERY = 33
HOLDOUT_PHASE = 16
FIXTURE_PROMPTS = ["The meaning of life is", "A computer is", "You will", "Never trust a"]
EPS = 1e-6
FAST_GEMM = True  # bf16 GEMMs on integer codes for training; False: plain fp32 fake-quant

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# Corpus
# ----------------------------------------------------------------------------

def read_fortunes(directory):
    """Return all fortunes (strings) of the plain-text files, in sorted file order."""
    out = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.endswith(".dat") or name.endswith(".u8") or name in SKIP_FILES:
            continue
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, "rb") as fh:
            raw = fh.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        cur = []
        for line in text.split("\n") + ["%"]:
            if line.rstrip("\r") == "%":
                body = "\n".join(l.rstrip() for l in cur).strip("\n")
                if body.strip():
                    out.append(body)
                cur = []
            else:
                cur.append(line)
    return out


def split_fortunes(fortunes):
    train, held = [], []
    for k, f in enumerate(fortunes):
        (held if k % HOLDOUT_EVERY == HOLDOUT_PHASE else train).append(f)
    return train, held


def train_tokenizer(texts, vocab_size):
    import sentencepiece as spm
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=buf, model_type="bpe",
        vocab_size=vocab_size, byte_fallback=True, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        character_coverage=1.0, normalization_rule_name="identity",
        remove_extra_whitespaces=False, allow_whitespace_only_pieces=True,
        max_sentence_length=1 << 16, input_sentence_size=0, shuffle_input_sentence=False,
        num_threads=1, minloglevel=2)
    return buf.getvalue()


def load_sp(proto):
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_proto=proto)


def heldout_subset(held, sp, lo=4500, hi=5500, seed=1234):
    """A deterministic subset of the held-out fortunes, ~5000 tokens, in corpus order."""
    cand = [k for k, f in enumerate(held)
            if all(ord(c) < 128 for c in f) and "\n\n" not in f and len(sp.encode(f)) <= 300]
    random.Random(seed).shuffle(cand)
    chosen, total = [], 0
    for k in cand:
        n = len(sp.encode(held[k])) + 1
        if total + n > hi:
            continue
        chosen.append(k)
        total += n
        if total >= lo:
            break
    return [held[k] for k in sorted(chosen)]


def encode_stream(texts, sp):
    ids = []
    for t in texts:
        ids.append(1)
        ids.extend(sp.encode(t))
        ids.append(2)
    return ids


# ----------------------------------------------------------------------------
# Training model (parameter names match the released HF checkpoint layout)
# ----------------------------------------------------------------------------

def rms_norm(x, w):
    x32 = x.float()
    return x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + EPS) * w


def round_half_away(v):
    return torch.sign(v) * torch.floor(v.abs() + 0.5)


def act_quant(y):
    s = 127.0 / y.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return round_half_away(y * s).clamp(-128, 127) / s


def weight_quant(w):
    sw = 1.0 / w.abs().mean().clamp(min=1e-5)
    return torch.round(w * sw).clamp(-1, 1) / sw


class RMSNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return rms_norm(x, self.weight)


class _BitMatmul(torch.autograd.Function):
    """F.linear(act_quant(y), weight_quant(w)) with straight-through gradients.

    Forward and backward are evaluated exactly as in the released training code
    (y + (q(y) - y).detach(), w + (q(w) - w).detach()), but the GEMMs run on the
    integer codes in bf16 (exact inputs: int8 codes and ternary values), which
    is ~100x faster than fp32 GEMM on this CPU build of PyTorch."""

    @staticmethod
    def forward(ctx, y, w):
        shp = y.shape
        y2 = y.reshape(-1, shp[-1])
        s = 127.0 / y2.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
        q = round_half_away(y2 * s).clamp(-128, 127).to(torch.bfloat16)
        sw = 1.0 / w.abs().mean().clamp(min=1e-5)
        t = torch.round(w * sw).clamp(-1, 1).to(torch.bfloat16)
        out = F.linear(q, t).float() / (s * sw)
        ctx.save_for_backward(q, t, s, sw)
        return out.reshape(*shp[:-1], w.shape[0])

    @staticmethod
    def backward(ctx, go):
        q, t, s, sw = ctx.saved_tensors
        g2 = go.reshape(-1, go.shape[-1])
        gy = (g2.to(torch.bfloat16) @ t).float() / sw
        gw = ((g2 / s).to(torch.bfloat16).t() @ q).float()
        return gy.reshape(*go.shape[:-1], t.shape[1]), gw


class BitLinear(nn.Module):
    """RMSNorm -> per-token int8 activation fake-quant -> per-tensor ternary weight fake-quant."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_out, n_in))
        self.norm = RMSNorm(n_in)

    def forward(self, x):
        y = self.norm(x)
        if FAST_GEMM:
            return _BitMatmul.apply(y, self.weight)
        y = y + (act_quant(y) - y).detach()
        w = self.weight
        w = w + (weight_quant(w) - w).detach()
        return F.linear(y, w)


def scan(f, i):
    """s_t = f_t * s_{t-1} + i_t over dim 1 (time), s_0 = 0."""
    fT = f.transpose(0, 1)
    iT = i.transpose(0, 1)
    s = torch.zeros_like(iT[0])
    out = []
    for t in range(fT.shape[0]):
        s = fT[t] * s + iT[t]
        out.append(s)
    return torch.stack(out, 1)


class Attn(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.i_proj = BitLinear(H, H)
        self.f_proj = BitLinear(H, H)
        self.g_proj = BitLinear(H, H)
        self.g_norm = RMSNorm(H)
        self.o_proj = BitLinear(H, H)


class MLP(nn.Module):
    def __init__(self, H, I):
        super().__init__()
        self.gate_proj = BitLinear(H, 2 * I)
        self.down_proj = BitLinear(I, H)


class Block(nn.Module):
    def __init__(self, H, I):
        super().__init__()
        self.attn_norm = RMSNorm(H)
        self.attn = Attn(H)
        self.mlp_norm = RMSNorm(H)
        self.mlp = MLP(H, I)


class Inner(nn.Module):
    def __init__(self, V, H, L, I):
        super().__init__()
        self.embeddings = nn.Embedding(V, H)
        self.lower_bounds = nn.Parameter(torch.zeros(L, H))
        self.layers = nn.ModuleList([Block(H, I) for _ in range(L)])
        self.norm = RMSNorm(H)


class HGRNBit(nn.Module):
    def __init__(self, V, H, L, I):
        super().__init__()
        self.V, self.H, self.L, self.I = V, H, L, I
        self.model = Inner(V, H, L, I)
        self.lm_head = BitLinear(H, V)
        for mod in self.modules():
            if isinstance(mod, (BitLinear, nn.Embedding)):
                nn.init.normal_(mod.weight, mean=0.0, std=0.02)

    def forward(self, ids):
        m = self.model
        x = m.embeddings(ids)
        p = torch.softmax(m.lower_bounds, dim=0)
        LB = torch.cumsum(p, 0) - p[0]
        for l, blk in enumerate(m.layers):
            a = blk.attn
            h = blk.attn_norm(x)
            i = a.i_proj(h)
            f = torch.sigmoid(a.f_proj(h))
            if l > 0:
                f = LB[l] + (1 - LB[l]) * f
            i = F.silu(i) * (1 - f)
            s = scan(f, i)
            g = a.g_proj(h)
            o = a.g_norm(g) * s * torch.sigmoid(s)
            r = x + a.o_proj(o)
            h2 = blk.mlp_norm(r)
            y = blk.mlp.gate_proj(h2)
            gate, up = y[..., :self.I], y[..., self.I:]
            x = r + blk.mlp.down_proj(F.silu(gate) * up)
        return self.lm_head(m.norm(x))


# ----------------------------------------------------------------------------
# safetensors (own minimal reader/writer)
# ----------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    """tensors: dict name -> (dtype_str, shape, bytes)."""
    header = {"__metadata__": metadata}
    off = 0
    names = sorted(tensors)
    for n in names:
        dt, shape, data = tensors[n]
        header[n] = {"dtype": dt, "shape": list(shape), "data_offsets": [off, off + len(data)]}
        off += len(data)
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * ((-len(hj)) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(struct.pack("<Q", len(hj)))
        fh.write(hj)
        for n in names:
            fh.write(tensors[n][2])
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, ent in header.items():
        if name == "__metadata__":
            continue
        a, b = ent["data_offsets"]
        buf = raw[base + a: base + b]
        dt = ent["dtype"]
        if dt == "BF16":
            t = torch.from_numpy(np.frombuffer(buf, dtype="<i2").copy()).view(torch.bfloat16).float()
        elif dt == "F32":
            t = torch.from_numpy(np.frombuffer(buf, dtype="<f4").copy())
        elif dt == "I32":
            t = torch.from_numpy(np.frombuffer(buf, dtype="<i4").copy())
        else:
            raise ValueError("unsupported dtype " + dt)
        out[name] = t.reshape(ent["shape"])
    return out, header.get("__metadata__", {})


def bf16_bytes(t):
    return t.detach().to(torch.bfloat16).contiguous().view(torch.int16).numpy().astype("<i2").tobytes()


def export_hf(model, sp_proto, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    V, H, L, I = model.V, model.H, model.L, model.I
    cfg = {
        "model_type": "hgrn_bit", "architectures": ["HGRNBitForCausalLM"],
        "vocab_size": V, "hidden_size": H, "num_hidden_layers": L, "intermediate_size": I,
        "hidden_ratio": 4, "num_heads": 1, "expand_ratio": 1, "attn_mode": "fused_recurrent",
        "use_short_conv": False, "conv_size": 4, "share_conv_kernel": True, "use_lower_bound": True,
        "hidden_act": "swish", "max_position_embeddings": 2048, "rms_norm_eps": 1e-06,
        "use_cache": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": None,
        "tie_word_embeddings": False, "initializer_range": 0.02, "fuse_cross_entropy": True,
        "torch_dtype": "bfloat16", "transformers_version": "4.40.2",
    }
    with open(os.path.join(out_dir, "config.json"), "w") as fh:
        json.dump(cfg, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(out_dir, "generation_config.json"), "w") as fh:
        json.dump({"bos_token_id": 1, "eos_token_id": 2}, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(out_dir, "tokenizer.model"), "wb") as fh:
        fh.write(sp_proto)
    tensors = {}
    for name, p in model.state_dict().items():
        tensors[name] = ("BF16", tuple(p.shape), bf16_bytes(p))
    write_safetensors(os.path.join(out_dir, "model.safetensors"), tensors, {"format": "pt"})
    return cfg


# ----------------------------------------------------------------------------
# Independent fp32 step-by-step reference decoder (reads the bf16 checkpoint)
# ----------------------------------------------------------------------------

class StepDecoder:
    def __init__(self, ckpt_dir):
        with open(os.path.join(ckpt_dir, "config.json")) as fh:
            cfg = json.load(fh)
        self.V, self.H, self.L = cfg["vocab_size"], cfg["hidden_size"], cfg["num_hidden_layers"]
        self.I = cfg.get("intermediate_size") or 256 * math.ceil(int(self.H * 4 * 2 / 3) / 256)
        self.w, _ = read_safetensors(os.path.join(ckpt_dir, "model.safetensors"))
        self.q = {}
        self.margin = 1e9
        for name, t in self.w.items():
            if name.endswith("_proj.weight") or name == "lm_head.weight":
                sw = 1.0 / t.abs().mean().clamp(min=1e-5)
                v = t * sw
                self.margin = min(self.margin, float((v.abs() - 0.5).abs().min()))
                self.q[name] = torch.round(v).clamp(-1, 1) / sw
        p = torch.softmax(self.w["model.lower_bounds"], dim=0)
        self.LB = torch.cumsum(p, 0) - p[0]
        self.reset()

    def reset(self):
        self.state = [torch.zeros(self.H) for _ in range(self.L)]

    def _rms(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean() + EPS) * self.w[name]

    def _bl(self, x, prefix):
        y = self._rms(x, prefix + ".norm.weight")
        s = 127.0 / y.abs().max().clamp(min=1e-5)
        yq = round_half_away(y * s).clamp(-128, 127) / s
        return torch.mv(self.q[prefix + ".weight"], yq)

    @torch.no_grad()
    def step(self, tok):
        x = self.w["model.embeddings.weight"][tok].clone()
        for l in range(self.L):
            pre = "model.layers.%d." % l
            h = self._rms(x, pre + "attn_norm.weight")
            i = self._bl(h, pre + "attn.i_proj")
            f = torch.sigmoid(self._bl(h, pre + "attn.f_proj"))
            if l > 0:
                f = self.LB[l] + (1 - self.LB[l]) * f
            i = F.silu(i) * (1 - f)
            s = f * self.state[l] + i
            self.state[l] = s
            g = self._bl(h, pre + "attn.g_proj")
            o = self._rms(g, pre + "attn.g_norm.weight") * s * torch.sigmoid(s)
            r = x + self._bl(o, pre + "attn.o_proj")
            h2 = self._rms(r, pre + "mlp_norm.weight")
            y = self._bl(h2, pre + "mlp.gate_proj")
            z = F.silu(y[:self.I]) * y[self.I:]
            x = r + self._bl(z, pre + "mlp.down_proj")
        return self._bl(self._rms(x, "model.norm.weight"), "lm_head")

    def run(self, ids):
        self.reset()
        return torch.stack([self.step(t) for t in ids])

    def greedy(self, ids, n):
        logits = self.run(ids)
        out = []
        nxt = int(logits[-1].argmax())
        for _ in range(n):
            out.append(nxt)
            if nxt == 2:
                break
            nxt = int(self.step(nxt).argmax())
        return out

    def nll(self, ids):
        """Mean next-token negative log-likelihood (nats) over ids[1:]."""
        self.reset()
        tot = 0.0
        for k in range(len(ids) - 1):
            lp = torch.log_softmax(self.step(ids[k]).double(), -1)
            tot -= float(lp[ids[k + 1]])
        return tot / (len(ids) - 1)


def make_fixture(ckpt_dir, fixture_path, heldout_path, train_model=None):
    global FAST_GEMM
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(ckpt_dir, "tokenizer.model"))
    dec = StepDecoder(ckpt_dir)
    log("fixture: min distance of |W*sw| to the 0.5 rounding threshold: %.3g" % dec.margin)
    tensors = {}
    for k, prompt in enumerate(FIXTURE_PROMPTS):
        ids = [1] + sp.encode(prompt)
        logits = dec.run(ids)
        tensors["prompt.%d.ids" % k] = ("I32", (len(ids),), np.asarray(ids, dtype="<i4").tobytes())
        tensors["prompt.%d.logits" % k] = ("F32", tuple(logits.shape),
                                          logits.numpy().astype("<f4").tobytes())
        cont = dec.greedy(ids, 20)
        log("greedy[%d] %r -> %r" % (k, prompt, sp.decode(cont)))
        if train_model is not None:
            saved, FAST_GEMM = FAST_GEMM, False   # plain fp32 fake-quant forward
            with torch.no_grad():
                ref = train_model(torch.tensor([ids]))[0]
            FAST_GEMM = saved
            log("  step decoder vs batch forward (same bf16 weights): max |dlogit| = %.3g"
                % float((ref - logits).abs().max()))
    meta = {"format": "mmf-fixture", "prompts": json.dumps(FIXTURE_PROMPTS), "count": str(len(FIXTURE_PROMPTS))}
    os.makedirs(os.path.dirname(fixture_path), exist_ok=True)
    write_safetensors(fixture_path, tensors, meta)
    log("fixture: wrote %s (%d bytes)" % (fixture_path, os.path.getsize(fixture_path)))
    if heldout_path and os.path.exists(heldout_path):
        with open(heldout_path, encoding="utf-8") as fh:
            text = fh.read()
        ids = [1] + sp.encode(text)
        t0 = time.time()
        nll = dec.nll(ids)
        log("heldout: %d tokens, %.4f nats/token, perplexity %.2f (fp32 step decoder, %.1fs)"
            % (len(ids), nll, math.exp(nll), time.time() - t0))
        return nll
    return None


# ----------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------

def lr_at(step, total, peak, warmup, final_frac=0.1):
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * p)))


def load_into(model, ckpt_dir):
    w, _ = read_safetensors(os.path.join(ckpt_dir, "model.safetensors"))
    model.load_state_dict({k: v for k, v in w.items()})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "build", "tiny-hf"))
    ap.add_argument("--tiny-dir", default=os.path.join(REPO_ROOT, "models", "tiny"),
                    help="where fixture.safetensors and heldout.txt go")
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=0, help="0: 256*ceil(int(H*8/3)/256)")
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--fixture-only", action="store_true",
                    help="skip training; rebuild fixture/heldout eval from the checkpoint in --out")
    ap.add_argument("--no-tiny-output", action="store_true",
                    help="do not write into --tiny-dir (smoke tests)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)

    fixture_path = os.path.join(args.tiny_dir, "fixture.safetensors")
    heldout_path = os.path.join(args.tiny_dir, "heldout.txt")
    if args.no_tiny_output:
        fixture_path = os.path.join(args.out, "fixture.safetensors")
        heldout_path = os.path.join(args.out, "heldout.txt")

    if args.fixture_only:
        with open(os.path.join(args.out, "config.json")) as fh:
            cfg = json.load(fh)
        model = HGRNBit(cfg["vocab_size"], cfg["hidden_size"], cfg["num_hidden_layers"],
                        cfg["intermediate_size"])
        load_into(model, args.out)
        model.eval()
        make_fixture(args.out, fixture_path, heldout_path, model)
        return

    V, H, L = args.vocab, args.hidden, args.layers
    if H % 64:
        sys.exit("hidden size must be a multiple of 64")
    I = args.intermediate or 256 * math.ceil(int(H * 4 * 2 / 3) / 256)

    t_start = time.time()
    fortunes = read_fortunes(FORTUNE_DIR)
    train_f, held_f = split_fortunes(fortunes)
    log("corpus: %d fortunes, %d train, %d held out" % (len(fortunes), len(train_f), len(held_f)))
    sp_proto = train_tokenizer(train_f, V)
    sp = load_sp(sp_proto)
    assert sp.get_piece_size() == V
    train_ids = torch.tensor(encode_stream(train_f, sp), dtype=torch.long)
    val_ids = torch.tensor(encode_stream(held_f, sp), dtype=torch.long)
    log("tokens: train %d, held-out %d (tokenizer %.1fs)" % (len(train_ids), len(val_ids), time.time() - t_start))

    sub = heldout_subset(held_f, sp)
    os.makedirs(os.path.dirname(heldout_path), exist_ok=True)
    with open(heldout_path, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(sub) + "\n")
    log("heldout.txt: %d fortunes, %d tokens" % (len(sub), 1 + len(sp.encode("\n\n".join(sub) + "\n"))))

    model = HGRNBit(V, H, L, I)
    nparam = sum(p.numel() for p in model.parameters())
    log("model: V=%d H=%d L=%d I=%d, %d parameters" % (V, H, L, I, nparam))

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if name.endswith("_proj.weight") or name == "lm_head.weight" else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.wd},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    gen = torch.Generator().manual_seed(args.seed)
    T, B = args.seq, args.batch
    nwin = len(train_ids) - T - 1
    # fixed validation windows from the held-out fortunes
    vstarts = torch.arange(0, len(val_ids) - T - 1, (len(val_ids) - T - 1) // 32)[:32]
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
    ema = None
    tok_per_step = B * T
    for step in range(args.steps):
        lr = lr_at(step, args.steps, args.lr, args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, nwin, (B,), generator=gen)
        x = torch.stack([train_ids[s:s + T] for s in starts])
        y = torch.stack([train_ids[s + 1:s + T + 1] for s in starts])
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        lv = float(loss)
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        if (step + 1) % args.log_every == 0 or step == 0 or step + 1 == args.steps:
            el = time.time() - t0
            tps = (step + 1) * tok_per_step / el
            eta = el / (step + 1) * (args.steps - step - 1)
            log("step %5d/%d  loss %.4f  ema %.4f  lr %.2e  %.0f tok/s  elapsed %.0fs  ETA %.0fs"
                % (step + 1, args.steps, lv, ema, lr, tps, el, eta))
        if args.eval_every and ((step + 1) % args.eval_every == 0 or step + 1 == args.steps):
            log("eval step %d: held-out loss %.4f (ppl %.2f)" % (step + 1, *(lambda v: (v, math.exp(v)))(evaluate())))
    train_time = time.time() - t0
    log("training done: %d steps, %.1f s, final loss %.4f (ema %.4f)" % (args.steps, train_time, lv, ema))

    os.makedirs(args.out, exist_ok=True)
    export_hf(model, sp_proto, args.out)
    torch.save({"state_dict": model.state_dict(), "opt": opt.state_dict(), "args": vars(args),
                "train_time_s": train_time, "final_loss": lv, "final_loss_ema": ema},
               os.path.join(args.out, "train_state.pt"))
    log("wrote HF checkpoint to %s" % args.out)

    # The fixture and evaluation see the bf16-rounded weights.
    load_into(model, args.out)
    model.eval()
    log("bf16 weights, batch forward, held-out windows: %.4f" % evaluate())
    make_fixture(args.out, fixture_path, heldout_path, model)
    log("total wall time %.1f s" % (time.time() - t_start))


if __name__ == "__main__":
    main()
