#!/usr/bin/env python3
"""Weight soup of distilled artifacts: the average of several runs of one recipe.

    python3 sw/distill/soup.py --out DIR ARTIFACT ARTIFACT [...]

Every ARTIFACT is a directory had_distill.py wrote (had.json + the F16 tensors). They must
be of one student: the same base model, layers, heads, head dimension, N and tensor list
(different seeds of a recipe, for example). The soup's tensors are the element-wise mean of
theirs (in float64, rounded once to F16) and its alpha the geometric mean of theirs (the
mean of log alpha, the parameter training updates). Artifacts with a learned weight table
(had_distill.py --etab learn) average their log steps likewise, and the soup's table is
rebuilt from the averages as training builds it (etab_logit = 0, then the running sum of
-2 alpha / sqrt(d) exp(log_step)); tables and alpha-only artifacts do not mix. had.json keeps
the first artifact's fields but alpha (and the table), drops its fidelity rows (the soup was never evaluated in training:
measure it with the C tool, docs/distill.md) and records the soup (`soup`: each
ingredient's directory, weights sha256, seed and command; `command`: this command).

Needs numpy and safetensors only (no PyTorch), so it runs where the C tool runs. DIR must
not exist or be empty; its files are written through temporary names.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file, save_file

# had.json fields that must be equal across the ingredients.
SAME = ("format", "base_model", "n_layers", "n_heads", "head_dim", "top_n", "tensors", "score")


def fail(msg):
    print(f"soup.py: {msg}", file=sys.stderr)
    sys.exit(2)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(d):
    meta_path = os.path.join(d, "had.json")
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{meta_path}: {e}")
    if ("etab_logit" in meta) != ("log_step" in meta):
        fail(f"{meta_path}: 'etab_logit' and 'log_step' must come together (a learned weight table)")
    name = meta.get("weights")
    if not isinstance(name, str) or not name or os.path.basename(name) != name or name in (".", ".."):
        fail(f"{meta_path}: 'weights' must name a file in the artifact directory, got {name!r}")
    weights = os.path.join(d, name)
    try:
        tensors = load_file(weights)
    except Exception as e:  # safetensors raises its own error types
        fail(f"{weights}: {e}")
    if sorted(tensors) != sorted(meta.get("tensors", [])):
        fail(f"{weights}: its tensors are not the ones had.json lists")
    for name, t in tensors.items():
        if t.dtype != np.float16:
            fail(f"{weights}: tensor {name} is {t.dtype}, the artifact format is F16")
    return meta, tensors, weights


def soup(ingredients):
    """(had.json dict, tensors) of the average of [(meta, tensors, weights path), ...]."""
    meta0, t0, _ = ingredients[0]
    for meta, t, path in ingredients[1:]:
        for key in SAME:
            if meta.get(key) != meta0.get(key):
                fail(f"{path}: had.json '{key}' differs from the first artifact's; a soup needs one student")
        for name in t0:
            if t[name].shape != t0[name].shape:
                fail(f"{path}: tensor {name} has shape {t[name].shape}, the first artifact {t0[name].shape}")
    k = len(ingredients)
    tensors = {name: (sum(ing[1][name].astype(np.float64) for ing in ingredients) / k).astype(np.float16)
               for name in t0}
    log_alpha = sum(np.log(np.asarray(ing[0]["alpha"], dtype=np.float64)) for ing in ingredients) / k
    meta = dict(meta0)
    meta["alpha"] = np.exp(log_alpha).tolist()
    if any("log_step" in ing[0] for ing in ingredients):
        if not all("log_step" in ing[0] for ing in ingredients):
            fail("some artifacts have a learned weight table (etab_logit) and some do not; a soup needs one student")
        steps = [np.asarray(ing[0]["log_step"], dtype=np.float64) for ing in ingredients]
        if any(s.shape != (meta0["n_layers"], meta0["n_heads"], meta0["head_dim"]) for s in steps):
            fail("'log_step' must be n_layers x n_heads x head_dim numbers in every artifact")
        log_step = sum(steps) / k
        inc = 2.0 * np.exp(log_alpha)[..., None] / np.sqrt(meta0["head_dim"]) * np.exp(log_step)
        logit = np.concatenate([np.zeros(inc.shape[:-1] + (1,)), -np.cumsum(inc, -1)], -1)
        meta["log_step"] = log_step.tolist()
        meta["etab_logit"] = logit.tolist()
    meta["fidelity"] = []
    return meta, tensors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (new or empty)")
    ap.add_argument("artifacts", nargs="+", help="artifact directories (had.json + tensors)")
    a = ap.parse_args(argv)
    if len(a.artifacts) < 2:
        fail(f"{len(a.artifacts)} artifact given; a soup averages at least 2")
    if os.path.exists(a.out) and (not os.path.isdir(a.out) or os.listdir(a.out)):
        fail(f"--out {a.out}: exists and is not an empty directory; refusing to overwrite it")
    ingredients = [load(d) for d in a.artifacts]
    meta, tensors = soup(ingredients)
    meta["soup"] = [{"artifact": d, "weights_sha256": sha256(w), "seed": m.get("seed"),
                     "command": m.get("command")} for d, (m, _, w) in zip(a.artifacts, ingredients)]
    meta["command"] = " ".join(["python3", "sw/distill/soup.py", "--out", a.out] + a.artifacts)
    os.makedirs(a.out, exist_ok=True)
    weights = os.path.join(a.out, meta["weights"])
    save_file(tensors, weights + ".tmp")
    os.replace(weights + ".tmp", weights)
    meta_path = os.path.join(a.out, "had.json")
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    os.replace(meta_path + ".tmp", meta_path)
    print(f"soup.py: {a.out}: {len(tensors)} tensors, the mean of {len(ingredients)} artifacts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
