#!/usr/bin/env python3
"""Writes tests/ref/minilm_ref.json: reference token ids and sentence embeddings of
all-MiniLM-L6-v2, made with the ORIGINAL implementations:

  - embeddings: sentence-transformers (PyTorch, float32, CPU) loading the model directory
    (Transformer -> mean Pooling -> Normalize), max_seq_length set to 128;
  - token ids: the same model's fast tokenizer (HF `tokenizers`, from tokenizer.json),
    truncation at 128 tokens; checked to agree with sentence-transformers' own ids.

Not run by CI (it needs torch); tests/test_model.cc compares the C tokenizer and encoder
with the committed output. To regenerate:

    pip install sentence-transformers      # pulls torch, transformers, tokenizers
    make deps-model                        # build/model -> the model files
    python3 tests/ref/make_model_ref.py [MODEL_DIR] > tests/ref/minilm_ref.json

MODEL_DIR defaults to $HADGEN_MODEL, else build/model.
"""
import json
import os
import sys

MAX_LEN = 128

# Sentences with embeddings: punctuation, numbers, accents, a CJK character, mixed case,
# a long one truncated at 128 tokens.
EMBED_SENTENCES = [
    "A man is eating food.",
    "The quarterly revenue rose by 12.5% to $3,400,000 (up from $3.02M) in Q3 2023!",
    "Crème brûlée at the café in Zürich costs 9,50 € — naïve tourists pay more.",
    "The Chinese character 水 means water, and 山 means mountain.",
    "Binary attention replaces multiplications with XNOR and POPCOUNT operations.",
    "\"Where are you going?\" she asked. \"Nowhere,\" he replied...",
    "Hi",
    "In a transformer encoder, each layer first projects the input vectors into queries, "
    "keys and values, then lets every position attend to every other position by "
    "comparing its query with all keys, normalising the resulting scores with a softmax, "
    "and mixing the value vectors accordingly, after which a position-wise feed-forward "
    "network with a nonlinear activation is applied, and both sub-layers are wrapped in "
    "residual connections followed by layer normalisation, a structure that has proven "
    "remarkably effective for language, vision and audio alike, although its cost grows "
    "quadratically with the length of the input sequence, which motivates the many "
    "approximations, sparse patterns and hardware accelerators proposed in recent years.",
]

# Tokenizer-only cases: Unicode corner cases of the basic tokenizer and WordPiece.
TOKEN_CASES = [
    "",
    "   ",
    "Hello, world!",
    "ÀÉÎÕÜ àéîõü ÇÑ çñ ß Æ æ Œ œ Ø ø Ł ł İ ı ĳ ŉ ſ",
    "Ελληνικά: Αθήνα, ΐ ΰ ς Σ",
    "Москва — столица России. Ёлка, йогурт",
    "我爱北京天安门。日本語のテキスト、カタカナ・ひらがな",
    "Korean 한국어 and Vietnamese Tiếng Việt",
    "Arabic: مرحبا، عالم",
    "tab\there\x0bvt\x0cff\x01ctl\x7fdel",
    "zero\u200bwidth\ufeffbom soft\u00adhyphen",
    "nbsp\u00a0here\u3000ideo\u2028ls",
    "combining e\u0301 a\u0300 n\u0303",
    "fullwidth ＡＢＣ！？",
    "math ∑ ≤ ≥ ± × ÷ → ⟨x⟩",
    "$100 + 20% = ~$120 | a^b `c` {d} [e] <f> \\g",
    "“quotes” ‘single’ «guillemets» … – —",
    "emoji 😀 test 🚀",
    "a" * 100,
    "a" * 101,
    "x" + "é" * 99,
    "unaffable antidisestablishmentarianism",
    "hyphen-ated e-mail: a.b@c.com http://x.org/a?b=c",
    "3.14159 1,000,000 2nd 1st 12:30pm",
    "word " * 200,
]


def main():
    model_dir = (sys.argv[1] if len(sys.argv) > 1 else
                 os.environ.get("HADGEN_MODEL") or "build/model")
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    import sentence_transformers
    import tokenizers
    import torch

    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.enable_truncation(MAX_LEN)
    tok.no_padding()
    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = MAX_LEN

    embeds = model.encode(EMBED_SENTENCES, batch_size=1, convert_to_numpy=True,
                          normalize_embeddings=False)
    out_embed = []
    for s, e in zip(EMBED_SENTENCES, embeds):
        ids = tok.encode(s).ids
        st_ids = model.tokenize([s])["input_ids"][0].tolist()
        assert ids == st_ids, f"tokenizer disagreement on {s!r}"
        out_embed.append({"text": s, "ids": ids,
                          "embedding": [float(f"{x:.8g}") for x in e.tolist()]})

    data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sw",
                            "data")
    texts = list(TOKEN_CASES)
    for name in ("sentences_calib.txt", "sentences_eval.txt"):
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            texts += f.read().splitlines()
    out_tok = [{"text": s, "ids": tok.encode(s).ids} for s in texts]

    doc = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_len": MAX_LEN,
        "made_with": {"sentence_transformers": sentence_transformers.__version__,
                      "torch": torch.__version__, "tokenizers": tokenizers.__version__},
        "embed": out_embed,
        "tokenize": out_tok,
    }
    # one entry per line: small diffs when a case is added
    w = sys.stdout.write
    w("{\n")
    for i, (key, val) in enumerate(doc.items()):
        w(f" {json.dumps(key)}: ")
        if isinstance(val, list):
            w("[\n" + ",\n".join("  " + json.dumps(v, ensure_ascii=True) for v in val) + "\n ]")
        else:
            w(json.dumps(val, ensure_ascii=True))
        w(",\n" if i + 1 < len(doc) else "\n")
    w("}\n")


if __name__ == "__main__":
    main()
