#!/usr/bin/env python3
"""carry.py — a compact copy of a BERT model directory for a training machine.

The fp32 all-MiniLM-L6-v2 weights are 91 MB; a training machine that receives files over a
size-limited channel (64 MB a transfer) gets one of two smaller copies instead:

  --mode train (about 51 MB): the word-embedding table and the V, output and FFN weight
      matrices as F16,
      every other tensor as in the base file (F32); plus the exact rows below. Training on
      it: teacher and student share the rounded tensors, and only the trained tensors
      (Q/K projections, kept F32) and the learned alphas leave the machine.
  --mode small (about 34 MB, with --corpus): the word-embedding rows of the tokens of the
      corpus as int8 with a per-row scale (other rows left out), every encoder matrix as
      F16, biases and LayerNorms F32; plus the exact rows below. For a transfer that must
      also hold the committed artifact (21 MB): 34 + 21 + the corpus (4 MB) < 64 MB.
  --mode exact (about 46 MB): every tensor exact except the word-embedding table, of which
      only the exact rows below are kept. Enough to compute reference embeddings of the
      given sentences with exactly the weights the C encoder reads. With --without ARTIFACT
      (the artifact's safetensors) its tensors are left out too: about 2 MB for the first 24
      evaluation sentences, the copy had_distill.py --ref-only overlays the artifact on.

Exact rows: `hadgen.exact_ids` (I64) and `hadgen.exact_rows` (F32), the fp32 rows of the
word-embedding table for every token id of the given sentence files (tokenized with BERT's
uncased WordPiece rules, below). had_distill.py's loader (load_base) rebuilds the table.
Standard library only (no numpy, no torch). Output written atomically.

  python3 sw/distill/carry.py --mode train --model build/model --out build/distill/carry \
      sw/data/sentences_eval.txt sw/data/sentences_calib.txt
"""
import argparse
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import unicodedata
from array import array

WORD_EMB = "embeddings.word_embeddings.weight"
FFN_RE = re.compile(r"(self\.value|intermediate\.dense|output\.dense)\.weight$")


def read_safetensors(path):
    """Returns (header dict, data bytes) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack_from("<Q", raw, 0)
    header = json.loads(raw[8:8 + n])
    return header, memoryview(raw)[8 + n:]


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, dtype, shape, bytes). Atomic write."""
    header, off = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [off, off + len(data)]}
        off += len(data)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for _, _, _, data in tensors:
            f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


# ---- uncased BERT WordPiece (basic tokenizer + greedy longest match) ----------------------

def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def basic_words(text):
    """Lowercased, accent-stripped words and punctuation marks, as BERT's basic tokenizer."""
    out = []
    text = "".join(" " if unicodedata.category(c).startswith("Z") or c in "\t\n\r" else c
                   for c in text if ord(c) not in (0, 0xFFFD)
                   and not (unicodedata.category(c).startswith("C") and c not in "\t\n\r"))
    for tok in text.split():
        tok = unicodedata.normalize("NFD", tok.lower())
        tok = "".join(c for c in tok if unicodedata.category(c) != "Mn")
        cur = ""
        for c in tok:
            cjk = 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF
            if _is_punct(c) or cjk:
                if cur:
                    out.append(cur)
                out.append(c)
                cur = ""
            else:
                cur += c
        if cur:
            out.append(cur)
    return out


def wordpiece(words, vocab, unk="[UNK]"):
    ids = []
    for w in words:
        if len(w) > 100:
            ids.append(vocab[unk])
            continue
        start, pieces = 0, []
        while start < len(w):
            end = len(w)
            while end > start:
                sub = w[start:end] if start == 0 else "##" + w[start:end]
                if sub in vocab:
                    pieces.append(vocab[sub])
                    break
                end -= 1
            if end == start:
                pieces = [vocab[unk]]
                break
            start = end
        ids.extend(pieces)
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="base model directory (config.json, "
                    "model.safetensors, vocab.txt)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--mode", choices=("train", "small", "exact"), default="train")
    ap.add_argument("--corpus", action="append", default=[], help="--mode small: corpus file "
                    "(one sentence a line) whose tokens keep their rows; repeatable")
    ap.add_argument("--without", metavar="SAFETENSORS", help="leave out the tensors this file "
                    "holds (an artifact's, for a copy that only computes references with it)")
    ap.add_argument("sentences", nargs="*", help="sentence files whose tokens keep exact rows")
    a = ap.parse_args()
    for f in ("config.json", "model.safetensors", "vocab.txt"):
        if not os.path.isfile(os.path.join(a.model, f)):
            sys.exit(f"carry.py: --model {a.model}: {f} missing (run make deps-model)")
    with open(os.path.join(a.model, "vocab.txt"), encoding="utf-8") as f:
        vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}
    ids = {vocab["[CLS]"], vocab["[SEP]"], vocab["[PAD]"], vocab["[UNK]"]}
    for path in a.sentences:
        with open(path, encoding="utf-8") as f:
            for line in f:
                ids.update(wordpiece(basic_words(line), vocab))
    ids = sorted(ids)
    used = []
    if a.mode == "small":
        if not a.corpus:
            sys.exit("carry.py: --mode small needs --corpus")
        seen, cache = set(ids), {}
        for path in a.corpus:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    for w in basic_words(line):
                        if w not in cache:
                            cache[w] = wordpiece([w], vocab)
                            seen.update(cache[w])
        used = sorted(seen)
    left_out = set()
    if a.without:
        if not os.path.isfile(a.without):
            sys.exit(f"carry.py: --without {a.without}: no such file")
        left_out = {k[5:] if k.startswith("bert.") else k
                    for k in read_safetensors(a.without)[0] if k != "__metadata__"}

    header, data = read_safetensors(os.path.join(a.model, "model.safetensors"))
    out = []
    for name in sorted(k for k in header if k != "__metadata__"):
        if (name[5:] if name.startswith("bert.") else name) in left_out:
            continue
        h = header[name]
        b, e = h["data_offsets"]
        raw = bytes(data[b:e])
        if name == WORD_EMB:
            assert h["dtype"] == "F32"
            rows, cols = h["shape"]
            f32 = array("f")
            f32.frombytes(raw)
            f16 = struct.pack("<%de" % len(f32), *f32)
            if a.mode == "train":
                out.append((name, "F16", h["shape"], f16))
            if a.mode == "small":
                q8, scale = bytearray(), array("f")
                for i in used:
                    row = f32[i * cols:(i + 1) * cols]
                    sc = max(abs(x) for x in row) / 127 or 1.0
                    scale.append(sc)
                    q8 += bytes((max(-127, min(127, round(x / sc))) & 0xFF) for x in row)
                out.append(("hadgen.word_ids", "I64", [len(used)],
                            struct.pack("<%dq" % len(used), *used)))
                out.append(("hadgen.word_q8", "I8", [len(used), cols], bytes(q8)))
                out.append(("hadgen.word_scale", "F32", [len(used)], scale.tobytes()))
            exact = array("f")
            for i in ids:
                exact.extend(f32[i * cols:(i + 1) * cols])
            out.append(("hadgen.exact_ids", "I64", [len(ids)],
                        struct.pack("<%dq" % len(ids), *ids)))
            out.append(("hadgen.exact_rows", "F32", [len(ids), cols], exact.tobytes()))
        elif h["dtype"] == "F32" and ((a.mode == "train" and FFN_RE.search(name)) or
                                      (a.mode == "small" and len(h["shape"]) == 2)):
            f32 = array("f")
            f32.frombytes(raw)
            out.append((name, "F16", h["shape"], struct.pack("<%de" % len(f32), *f32)))
        else:
            out.append((name, h["dtype"], h["shape"], raw))
    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, "model.safetensors"), out,
                      {"format": "pt", "hadgen": "carry-1"})
    for f in ("config.json", "vocab.txt"):
        shutil.copyfile(os.path.join(a.model, f), os.path.join(a.out, f))
    size = os.path.getsize(os.path.join(a.out, "model.safetensors"))
    print(f"carry.py: {a.out}/model.safetensors {size / 1e6:.1f} MB, "
          f"{len(ids)} exact word-embedding rows"
          + (f", {len(used)} int8 rows" if used else "")
          + (f", {len(left_out)} tensors of {a.without} left out" if left_out else ""))


if __name__ == "__main__":
    main()
