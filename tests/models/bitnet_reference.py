#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent implementation of the released BitNet b1.58 forward pass, for the tests.

Written from what transformers' modeling_bitnet.py and integrations/bitnet.py compute
(reference/bitnet-model.md §2), in numpy float32, with none of mmf's code: it reads the Hugging
Face checkpoint directory itself (config.json, safetensors single or sharded, packed uint8 or
bf16 master weights), runs the whole sequence at once with a causal mask (no KV cache), and
writes the logits of every position.

Usage: bitnet_reference.py CHECKPOINT_DIR IDS_JSON OUT_LOGITS
    IDS_JSON    a JSON list of token ids (BOS first, as the caller wants them)
    OUT_LOGITS  raw little-endian float32, [len(ids), vocab_size], row-major
"""

import json
import os
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        begin, end = t["data_offsets"]
        raw = np.frombuffer(data, dtype=np.uint8, count=end - begin, offset=base + begin)
        shape = tuple(t["shape"])
        if t["dtype"] == "BF16":
            bits = raw.view(np.uint16).astype(np.uint32) << 16
            out[name] = bits.view(np.float32).reshape(shape)
        elif t["dtype"] == "F32":
            out[name] = raw.view(np.float32).reshape(shape)
        elif t["dtype"] == "U8":
            out[name] = raw.reshape(shape)
        else:
            raise SystemExit("%s: dtype %s not handled" % (name, t["dtype"]))
    return out


def read_checkpoint(directory):
    index = os.path.join(directory, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    tensors = {}
    for name in files:
        tensors.update(read_safetensors(os.path.join(directory, name)))
    return tensors


def unpack_codes(packed):
    """transformers' unpack_weights: byte (r, k) holds rows r + i*R of column k in bits 2i."""
    rows = [((packed >> (2 * i)) & 3).astype(np.int8) - 1 for i in range(4)]
    return np.concatenate(rows, axis=0).astype(np.float32)


def act_quant(x):
    """ActQuant: per-token absmax to int8 codes (torch.round: half to even), dequantized."""
    s = 127.0 / np.maximum(np.abs(x).max(axis=-1, keepdims=True), np.float32(1e-5))
    return (np.clip(np.round(x * s), -128, 127) / s).astype(np.float32)


class BitLinear:
    def __init__(self, tensors, name, qc):
        w = tensors[name + ".weight"]
        if qc.get("quantization_mode", "offline") == "online":
            s = np.float32(1.0) / np.maximum(np.abs(w).mean(dtype=np.float32), np.float32(1e-5))
            self.w = (np.clip(np.round(w * s), -1, 1) / s).astype(np.float32)
            self.scale = np.float32(1.0)
        else:
            self.w = unpack_codes(w)
            ws = np.float32(tensors[name + ".weight_scale"].reshape(-1)[0])
            divide = qc.get("linear_class", "bitlinear") == "bitlinear"
            self.scale = np.float32(1.0) / ws if divide else ws

    def __call__(self, x):
        return (act_quant(x) @ self.w.T) * self.scale


def rms_norm(x, w, eps):
    var = (x.astype(np.float32) ** 2).mean(axis=-1, keepdims=True)
    return (x / np.sqrt(var + np.float32(eps)) * w).astype(np.float32)


def rope(x, positions, theta):
    """x: [heads, T, d]; half-split rotation of pairs (i, i + d/2)."""
    d = x.shape[-1]
    inv_freq = 1.0 / (np.float32(theta) ** (np.arange(0, d, 2, dtype=np.float32) / np.float32(d)))
    freqs = np.outer(positions.astype(np.float32), inv_freq.astype(np.float32))
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb).astype(np.float32), np.sin(emb).astype(np.float32)
    rotated = np.concatenate([-x[..., d // 2:], x[..., : d // 2]], axis=-1)
    return (x * cos + rotated * sin).astype(np.float32)


def forward(directory, ids):
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    qc = cfg["quantization_config"]
    t = read_checkpoint(directory)
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv_heads = cfg["num_key_value_heads"]
    d = cfg.get("head_dim", hidden // heads)
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    emb = t["model.embed_tokens.weight"]
    seq = len(ids)
    positions = np.arange(seq)
    mask = np.triu(np.full((seq, seq), -np.inf, dtype=np.float32), k=1)
    x = emb[np.array(ids)].astype(np.float32)
    for layer in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % layer
        proj = {n: BitLinear(t, p + n, qc) for n in (
            "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")}
        h = rms_norm(x, t[p + "input_layernorm.weight"], eps)
        q = proj["self_attn.q_proj"](h).reshape(seq, heads, d).transpose(1, 0, 2)
        k = proj["self_attn.k_proj"](h).reshape(seq, kv_heads, d).transpose(1, 0, 2)
        v = proj["self_attn.v_proj"](h).reshape(seq, kv_heads, d).transpose(1, 0, 2)
        q, k = rope(q, positions, theta), rope(k, positions, theta)
        k = np.repeat(k, heads // kv_heads, axis=0)  # repeat_kv
        v = np.repeat(v, heads // kv_heads, axis=0)
        scores = q @ k.transpose(0, 2, 1) * np.float32(d ** -0.5) + mask
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        attn = (probs @ v).transpose(1, 0, 2).reshape(seq, hidden)
        attn = rms_norm(attn, t[p + "self_attn.attn_sub_norm.weight"], eps)
        x = x + proj["self_attn.o_proj"](attn)
        h = rms_norm(x, t[p + "post_attention_layernorm.weight"], eps)
        z = np.maximum(proj["mlp.gate_proj"](h), 0) ** 2 * proj["mlp.up_proj"](h)
        z = rms_norm(z, t[p + "mlp.ffn_sub_norm.weight"], eps)
        x = x + proj["mlp.down_proj"](z)
    x = rms_norm(x, t["model.norm.weight"], eps)
    return (x @ emb.T).astype(np.float32)  # lm_head tied to the embedding


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    with open(sys.argv[2]) as f:
        ids = json.load(f)
    logits = forward(sys.argv[1], ids)
    with open(sys.argv[3], "wb") as f:
        f.write(logits.astype("<f4").tobytes())


if __name__ == "__main__":
    main()
