#!/usr/bin/env python3
"""Builds the static token-embedding table the intent classifier can add to its features.

The table is distilled from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0):
  1. every WordPiece id i of the model's vocab.txt is run through the model as
     [CLS] i [SEP]; the row is the mean of the 3 output vectors ("mean3");
  2. the special rows (tokens like [PAD], [UNK], [unused12]) are set to zero;
  3. PCA: centred on the other rows, projected on the top DIMS components;
  4. row i is multiplied by ln(1 + i) (Zipf weighting: BERT's ids roughly follow frequency).
The engine's sentence vector is the L2-normalised sum of the rows of a message's tokens.

Output, in OUT_DIR (default: Sources/FrontdeskUnderstanding/Embeddings):
  minilm-static-DIMS.bin   the table, int8 with one float32 scale per row (format below)
  minilm-vocab.txt         the vocabulary, one token per line, line number = row

Binary format (all little-endian):
  offset  0  magic   b"FDST"
          4  u32     version (1)
          8  u32     rows (= lines of the vocabulary)
         12  u32     dims
         16  u64     checksum of the vocabulary file
         24  u64     checksum of everything after the header (scales, then values)
         32  f32     scale[rows]            row r = scale[r] * values[r]
             i8      values[rows * dims]    row-major
Checksum: FNV-1a over 64-bit little-endian words (the bytes zero-padded to a multiple of 8):
h = 0xcbf29ce484222325; for each word w: h = (h ^ w) * 0x100000001b3 mod 2^64.

Usage:
  build_table.py --model DIR            # distil from the model (model.safetensors, vocab.txt; ~10 min)
  build_table.py --mean3 E.npy --vocab vocab.txt   # from an already distilled (rows x 384) float32 table
Needs numpy (and scipy for --model).
"""
import argparse, json, os, struct, sys, unicodedata
import numpy as np

MAGIC, VERSION = b"FDST", 1
FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def checksum(data: bytes) -> int:
    data = data + b"\0" * (-len(data) % 8)
    h = FNV_OFFSET
    for w in np.frombuffer(data, dtype="<u8").tolist():
        h = ((h ^ w) * FNV_PRIME) & MASK
    return h


# --- BERT uncased basic + WordPiece tokenizer (the engine's WordPiece.swift does the same) ---
def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def basic_tokenize(text):
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    out, cur = [], []
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            if cur: out.append("".join(cur)); cur = []
        elif is_punct(ch):
            if cur: out.append("".join(cur)); cur = []
            out.append(ch)
        else:
            cur.append(ch)
    if cur: out.append("".join(cur))
    return out


def wordpiece(word, v2i, maxlen=100):
    if len(word) > maxlen: return ["[UNK]"]
    out, s = [], 0
    while s < len(word):
        e, cur = len(word), None
        while s < e:
            sub = word[s:e] if s == 0 else "##" + word[s:e]
            if sub in v2i: cur = sub; break
            e -= 1
        if cur is None: return ["[UNK]"]
        out.append(cur); s = e
    return out


def tokenize(text, v2i):
    return [p for w in basic_tokenize(text) for p in wordpiece(w, v2i)]


# --- MiniLM forward pass (numpy), for --model ---
def distil(model_dir, vocab):
    from scipy.special import erf
    path = os.path.join(model_dir, "model.safetensors")
    buf = open(path, "rb").read()
    n = struct.unpack("<Q", buf[:8])[0]; header = json.loads(buf[8:8 + n]); base = 8 + n
    W = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]
        W[k] = np.frombuffer(buf[base + s:base + e], dtype={"F32": np.float32, "I64": np.int64}[v["dtype"]]).reshape(v["shape"])
    W = {k[5:] if k.startswith("bert.") else k: v for k, v in W.items()}

    def ln(x, g, b, eps=1e-12):
        m = x.mean(-1, keepdims=True); var = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(var + eps) * g + b

    def forward(ids):
        B, L = ids.shape; H = 12; dh = 384 // H
        x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:L][None] \
            + W["embeddings.token_type_embeddings.weight"][0]
        x = ln(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"])
        for l in range(6):
            p = f"encoder.layer.{l}."
            lin = lambda x, n: x @ W[p + n + ".weight"].T + W[p + n + ".bias"]
            split = lambda t: t.reshape(B, L, H, dh).transpose(0, 2, 1, 3)
            q, k, v = split(lin(x, "attention.self.query")), split(lin(x, "attention.self.key")), split(lin(x, "attention.self.value"))
            a = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
            a = np.exp(a - a.max(-1, keepdims=True)); a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(B, L, 384)
            x = ln(lin(c, "attention.output.dense") + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"])
            h = lin(x, "intermediate.dense"); h = 0.5 * h * (1 + erf(h / np.sqrt(2)))
            x = ln(lin(h, "output.dense") + x, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"])
        return x

    v2i = {t: i for i, t in enumerate(vocab)}; V = len(vocab)
    ids = np.stack([np.full(V, v2i["[CLS]"]), np.arange(V), np.full(V, v2i["[SEP]"])], 1)
    E = np.zeros((V, 384), np.float32)
    for i in range(0, V, 1024):
        E[i:i + 1024] = forward(ids[i:i + 1024]).mean(1)
    return E


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="directory with model.safetensors and vocab.txt (distils the table)")
    ap.add_argument("--mean3", help="already distilled rows x 384 float32 .npy (skips the forward passes)")
    ap.add_argument("--vocab", help="vocab.txt (default: MODEL/vocab.txt)")
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--out-dir", default=os.path.normpath(os.path.join(here, "../../Sources/FrontdeskUnderstanding/Embeddings")))
    args = ap.parse_args()
    vocab_path = args.vocab or (args.model and os.path.join(args.model, "vocab.txt"))
    if not vocab_path or not (args.mean3 or args.model):
        ap.error("give --model DIR, or --mean3 FILE with --vocab FILE")
    vocab_bytes = open(vocab_path, "rb").read()
    vocab = [l.rstrip("\n") for l in vocab_bytes.decode("utf-8").split("\n")]
    if vocab and vocab[-1] == "": vocab.pop()
    V = len(vocab)

    E = np.load(args.mean3) if args.mean3 else distil(args.model, vocab)
    assert E.shape[0] == V, f"table has {E.shape[0]} rows, vocab {V}"
    E = E.astype(np.float64)
    special = np.array([t.startswith("[") and t.endswith("]") for t in vocab])
    keep = ~special
    mu = E[keep].mean(0)
    _, _, Vt = np.linalg.svd(E[keep] - mu, full_matrices=False)
    T = (E - mu) @ Vt[:args.dims].T
    T[special] = 0
    T *= np.log(1 + np.arange(V))[:, None]

    # int8 with one scale per row (max |x| -> 127).
    scale = np.abs(T).max(1) / 127.0
    q = np.zeros(T.shape, np.int8)
    nz = scale > 0
    q[nz] = np.clip(np.rint(T[nz] / scale[nz, None]), -127, 127).astype(np.int8)
    payload = scale.astype("<f4").tobytes() + q.tobytes()
    header = MAGIC + struct.pack("<IIIQQ", VERSION, V, args.dims, checksum(vocab_bytes), checksum(payload))
    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, f"minilm-static-{args.dims}.bin")
    with open(out, "wb") as f: f.write(header + payload)
    with open(os.path.join(args.out_dir, "minilm-vocab.txt"), "wb") as f: f.write(vocab_bytes)
    print(f"wrote {out}: {V} x {args.dims}, {len(header) + len(payload)} bytes; {int(special.sum())} special rows zeroed")

    # Self-check: sentence vectors from the int8 table against the float64 one.
    v2i = {t: i for i, t in enumerate(vocab)}
    D = q.astype(np.float64) * scale[:, None].astype(np.float32).astype(np.float64)
    texts = ["How do I reset my PIN?", "what's the weather like in Zürich tomorrow", "I was charged twice for one purchase!!",
             "transfer $200 to savings", "cancel my card pls", "unaffable Ωmega"]
    worst = 1.0
    for t in texts:
        ids = [v2i[p] for p in tokenize(t, v2i)]
        a, b = T[ids].sum(0), D[ids].sum(0)
        worst = min(worst, a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        print(f"  {t!r}: {tokenize(t, v2i)}")
    print(f"lowest cosine between float and int8 sentence vectors: {worst:.5f}")


if __name__ == "__main__":
    main()
