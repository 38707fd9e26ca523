#!/usr/bin/env python3
"""Everyday English sentences for distillation, from the Debian package trans-de-en.

    python3 sw/distill/phrases.py [--seed 1] [--out build/distill/phrases.txt]
                                  [--heldout 1000] [--corpus build/distill/corpus.txt]

trans-de-en (the Ding German-English dictionary, /usr/share/trans/de-en) illustrates its
entries with example sentences: short, everyday, often several English renderings of one
German sentence ("It's raining cats and dogs.; It's pouring."). They are the kind of
sentence the evaluation set holds, which the main corpus (corpus.py: WordNet glosses,
fortunes, man pages) has few of.

A line of the dictionary is "German | German ... :: English | English ...", sub-entries
separated by " | ", alternatives by "; ". Every English alternative is a candidate; grammar
and usage labels ({...}, [...], <...>) and optional parts in parentheses are removed;
candidates with " / " alternatives or the placeholders sb./sth. are dropped; the rest must
start with a capital letter and pass corpus.py's sentence filter (4..80 words, English
prose). Duplicates (case-insensitive) are dropped, and so is any sentence equal to or
containing a sentence of the evaluation or calibration sets (corpus.py's Excluder).
One document per dictionary line (its sentences in order).

Documents are shuffled with random.Random(seed); the first documents holding --heldout
sentences (whole documents, so paraphrase partners stay together) form the held-out
selection set, one sentence a line (FILE-heldout.txt), minus any sentence that is also in
--corpus (it would be trained on); the rest is the training file (corpus format: one
sentence a line, a blank line between documents) and its .xz copy. Also written: FILE.json
(counts, package version, sha256 of both files). Byte-identical for the same seed and package
version. Standard library only.
"""
import argparse
import hashlib
import json
import lzma
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402  (clean_text, sentence_ok, Excluder, normalise, atomic_write)

DICT_FILE = "/usr/share/trans/de-en"
PACKAGE = "trans-de-en"
FORMAT = "hadgen-phrases-1"

LABELS = re.compile(r"\s*(\{[^}]*\}|\[[^\]]*\]|<[^>]*>|\([^()]*\))")
PLACEHOLDER = re.compile(r"\b(sb|sth|so|etw|jdn|jdm)\.", re.I)
SPACE_PUNCT = re.compile(r"\s+([.,;:!?])")


def clean_candidate(text):
    """An English alternative made into a sentence, or "" when it is not one."""
    if " / " in text or "/" in text or PLACEHOLDER.search(text) or "\u2026" in text:
        return ""
    prev = None
    while prev != text:                  # nested labels: remove innermost first
        prev, text = text, LABELS.sub("", text)
    text = corpus.clean_text(text)
    text = SPACE_PUNCT.sub(r"\1", text).strip()
    if not text or not text[0].isupper() or text[-1] not in ".!?":
        return ""
    return text if corpus.sentence_ok(text) else ""


def line_sentences(line):
    """Candidate sentences of one dictionary line, in order."""
    if line.startswith("#") or " :: " not in line:
        return []
    english = line.split(" :: ", 1)[1]
    out = []
    for sub in english.split(" | "):
        for alt in sub.split("; "):
            s = clean_candidate(alt.strip())
            if s:
                out.append(s)
    return out


def build(lines, excluder, seed, heldout, corpus_norm):
    """(train documents, held-out sentences, stats) from the dictionary's lines."""
    seen, docs, stats = set(), [], {"candidates": 0, "duplicates": 0, "excluded": 0,
                                    "heldout_in_corpus": 0}
    for line in lines:
        doc = []
        for s in line_sentences(line):
            stats["candidates"] += 1
            key = s.lower()
            if key in seen:
                stats["duplicates"] += 1
                continue
            seen.add(key)
            if excluder.matches(s):
                stats["excluded"] += 1
                continue
            doc.append(s)
        if doc:
            docs.append(doc)
    random.Random(seed).shuffle(docs)
    held, train = [], []
    for d in docs:
        if len(held) < heldout:
            for s in d:
                if corpus.normalise(s) in corpus_norm:
                    stats["heldout_in_corpus"] += 1
                else:
                    held.append(s)
        else:
            train.append(d)
    return train, held, stats


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join("build", "distill", "phrases.txt"))
    ap.add_argument("--heldout", type=int, default=1000,
                    help="sentences (whole documents) kept out for selection (default 1000)")
    ap.add_argument("--corpus", default=os.path.join("build", "distill", "corpus.txt"),
                    help="main corpus; its sentences are kept out of the held-out set")
    ap.add_argument("--dict", default=DICT_FILE)
    ap.add_argument("--exclude", action="append", metavar="FILE")
    a = ap.parse_args(argv)
    if not os.path.isfile(a.dict):
        print(f"phrases: {a.dict} is missing: install the Debian package {PACKAGE}",
              file=sys.stderr)
        return 2
    excl = a.exclude or corpus.DEFAULT_EXCLUDE
    excluder = corpus.Excluder(corpus.read_excluded(excl))
    corpus_norm = set()
    if a.corpus and os.path.isfile(a.corpus):
        with open(a.corpus, encoding="utf-8") as f:
            corpus_norm = {corpus.normalise(l) for l in f if l.strip()}
    with open(a.dict, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    train, held, stats = build(lines, excluder, a.seed, a.heldout, corpus_norm)
    data = "\n".join("\n".join(d) + "\n" for d in train).encode("utf-8")
    hdata = "".join(s + "\n" for s in held).encode("utf-8")
    base = a.out[:-4] if a.out.endswith(".txt") else a.out
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    corpus.atomic_write(a.out, data)
    corpus.atomic_write(a.out + ".xz", lzma.compress(data, preset=9))
    corpus.atomic_write(base + "-heldout.txt", hdata)
    meta = {"format": FORMAT, "seed": a.seed, "package": PACKAGE,
            "version": corpus.dpkg_version(PACKAGE), "file": a.dict,
            "documents": len(train), "sentences": sum(len(d) for d in train),
            "words": sum(len(s.split(" ")) for d in train for s in d),
            "sha256": hashlib.sha256(data).hexdigest(),
            "heldout": {"file": os.path.basename(base + "-heldout.txt"),
                        "sentences": len(held), "sha256": hashlib.sha256(hdata).hexdigest()},
            "excluded_eval_matches": stats["excluded"], "candidates": stats["candidates"],
            "duplicates": stats["duplicates"],
            "heldout_dropped_in_corpus": stats["heldout_in_corpus"],
            "command": " ".join(["python3", "sw/distill/phrases.py"] + argv)}
    corpus.atomic_write(base + ".json", (json.dumps(meta, indent=2) + "\n").encode("utf-8"))
    print(f"phrases: {meta['documents']} documents, {meta['sentences']} sentences, "
          f"{meta['words']} words -> {a.out} and .xz (sha256 {meta['sha256'][:16]}...); held out "
          f"{len(held)} -> {base}-heldout.txt; {stats['excluded']} excluded as evaluation "
          f"matches, {stats['heldout_in_corpus']} held-out sentences dropped (in --corpus)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
