#!/usr/bin/env python3
"""Golden-HAD figures of distillation runs, and the rule by which a run replaces the artifact.

    python3 sw/distill/evaluate.py [--heldout FILE] [--baseline DIR] [--target 0.9]
                                   [--v-bits B [--v-scale channel]] RUN...

RUN: a run's output directory (had.json and had_minilm.safetensors, as had_distill.py or
soup.py write them). Each is assembled over the packaged model (make model-had
HAD_ARTIFACT=RUN MODEL_HAD=build/distill/eval/NAME, no PyTorch) and run by the C tool
(hadrun --backend golden-had --json; on the evaluation set golden-had,float-had) on three
sentence sets, none trained on:

  eval     sw/data/sentences_eval.txt      the acceptance set (220 sentences)
  calib    sw/data/sentences_calib.txt     a selection set (102)
  heldout  --heldout (default build/distill/phrases-heldout.txt, make distill-phrases; left
           out when missing)               a selection set of everyday sentences (1,000)

Every model runs on the same core: 8-bit values with a scale per head, or with --v-bits B
B-bit values (hadrun --v-bits B --v-scale S: V quantized with the model's own calibration, one
scale per head or per channel), as for a run trained with had_distill.py --v-bits
(docs/distill.md, runs33); the quantization gap then includes the narrow values.

It prints one markdown row per run: golden-HAD mean cosine / minimum / nearest neighbours
kept (as sentences) per set, the quantization gap (float-had minus golden-had mean cosine on
the evaluation set), the evaluation set's pairwise-cosine error (hadrun's pair_cos_err: the
RMS change of the cosines between sentences) and margin error (nn_margin_err: the RMS change
of each sentence's margin between its two nearest teacher neighbours, which sets the expected
count; docs/distill.md, "The agreement as a draw"), and where the
evaluation set's lost neighbours are: how many of them had a teacher margin (the cosine of a
sentence's nearest neighbour minus its second's, under the teacher) below 0.01, below 0.04
and above (hadrun --json's nn_lost; --flips lists them), and, against the baseline, how many
evaluation sentences the run gains and loses, with the two-sided sign test of the two. The
baseline (default the committed artifact, sw/distill/model) is evaluated too, and a run
"qualifies" to replace it when it keeps more neighbours than the baseline on every selection
set and at least --target of the evaluation sentences (docs/distill.md, "Targets and the
remaining gap"). Choosing by the evaluation set alone would make its figure a selection
rather than a measurement.

Exit codes: 0 done (whether or not a run qualifies), 2 bad arguments or a failed step (the
message names it). Standard library only.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETS = [("eval", "sw/data/sentences_eval.txt"), ("calib", "sw/data/sentences_calib.txt")]


def fail(msg):
    print(f"evaluate.py: {msg}", file=sys.stderr)
    sys.exit(2)


def run(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        fail(f"'{' '.join(cmd)}' exited {proc.returncode}:\n{proc.stdout[-2000:]}")
    return proc.stdout


def assemble(art):
    """The model directory of run directory art (built by make model-had)."""
    name = os.path.basename(os.path.normpath(art)) or "run"
    out = os.path.join("build", "distill", "eval", name)
    run(["make", "-s", "model-had", f"HAD_ARTIFACT={os.path.abspath(art)}", f"MODEL_HAD={out}"])
    return out


def lost(row):
    """(sentence index from 0, teacher margin) of every sentence whose nearest neighbour a
    hadrun --json backend row loses: its nn_lost, each with the reference's margin."""
    return [(x["sentence"] - 1, x["reference_margin"]) for x in row["nn_lost"]]


def hadrun_cmd(model, sentences, js, eval_set=False, v_bits=8, v_scale="head"):
    """The hadrun command of figures(): golden-had (and float-had on the evaluation set) of
    model on a sentence file, written as JSON to js; values of v_bits bits scaled per v_scale,
    always given (hadrun would otherwise take each model's trained values, and runs trained
    for other values would be measured on another core than the baseline)."""
    return ["build/bin/hadrun", "--model", model, "--backend",
            "golden-had,float-had" if eval_set else "golden-had",
            "--sentences", sentences, "--json", js, "--quiet", "--v-bits", str(v_bits),
            "--v-scale", v_scale]


def figures(model, sentences, eval_set=False, v_bits=8, v_scale="head"):
    """golden-had figures of model on a sentence file; eval_set (the evaluation set): also
    the quantization gap (float-had's mean cosine minus golden-had's), the pairwise-cosine
    error and the sentences whose golden-HAD nearest neighbour is not the teacher's."""
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "h.json")
        run(hadrun_cmd(model, sentences, js, eval_set, v_bits, v_scale))
        with open(js, encoding="utf-8") as f:
            rows = {b["backend"]: b for b in json.load(f)["backends"]}
    g = rows["golden-had"]
    n = g["sentences"]
    r = {"n": n, "cos": g["cos_mean"], "min": g["cos_min"], "nn": round(g["nn_agree"] * n)}
    if eval_set:
        r["gap"] = rows["float-had"]["cos_mean"] - g["cos_mean"]
        r["pair"] = g["pair_cos_err"]
        r["margin"] = g.get("nn_margin_err")
        r["lost"] = lost(g)
    return r


def margins(lost):
    """The lost neighbours by teacher margin: "<0.01 / <0.04 / more"."""
    a = sum(m < 0.01 for _, m in lost)
    b = sum(0.01 <= m < 0.04 for _, m in lost)
    return f"{a} / {b} / {len(lost) - a - b}"


def sign_test(a, b):
    """Two-sided exact sign test of a against b changes (each 1/2 under no difference)."""
    n = a + b
    if n == 0:
        return 1.0
    k = min(a, b)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)


def paired(run_lost, base_lost):
    """Against the baseline, per evaluation sentence: "gained / lost (p)", gained: neighbours
    the baseline loses and the run keeps, lost: the reverse, p: their two-sided sign test.
    Equal counts can hide many swaps, which is what near ties do."""
    r = {i for i, _ in run_lost}
    b = {i for i, _ in base_lost}
    g, l = len(b - r), len(r - b)
    return f"{g} / {l} (p {sign_test(g, l):.2f})"


def verdict(r, base, sets, target):
    """"yes" when run figures r keep more neighbours than base on every selection set (the
    sets after the first) and at least target of the first set's sentences, else "no: "
    and the reasons."""
    first = sets[0]
    need = math.ceil(target * r[first]["n"] - 1e-9)
    why = [f"{k} {r[k]['nn']} <= {base[k]['nn']}" for k in sets[1:] if r[k]["nn"] <= base[k]["nn"]]
    if r[first]["nn"] < need:
        why.append(f"{first} {r[first]['nn']} < {need}")
    return "yes" if not why else "no: " + ", ".join(why)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", metavar="RUN")
    ap.add_argument("--heldout", default="build/distill/phrases-heldout.txt",
                    help="held-out everyday sentences (make distill-phrases)")
    ap.add_argument("--baseline", default=os.path.relpath(os.path.join(ROOT, "sw", "distill", "model")),
                    help="the artifact a run must beat (default sw/distill/model)")
    ap.add_argument("--target", type=float, default=0.9,
                    help="share of evaluation sentences that must keep their neighbour, "
                         "0..1 (default 0.9, the acceptance)")
    ap.add_argument("--v-bits", type=int, default=8, choices=range(2, 9), metavar="B",
                    help="values of B bits, 2..8 (hadrun --v-bits; default 8)")
    ap.add_argument("--v-scale", choices=["head", "channel"], default="head",
                    help="with --v-bits below 8: a V scale per head or per channel")
    ap.add_argument("--flips", action="store_true", help="list the evaluation sentences "
                    "whose nearest neighbour is lost, with their teacher margins")
    a = ap.parse_args(argv)
    if not (math.isfinite(a.target) and 0.0 <= a.target <= 1.0):
        fail(f"--target {a.target}: must be a share 0..1")
    for art in [a.baseline] + a.runs:
        if not os.path.isfile(os.path.join(art, "had.json")):
            fail(f"RUN '{art}': no had.json (a run directory of had_distill.py or soup.py)")
    sets = [(k, os.path.join(ROOT, path)) for k, path in SETS]
    heldout = [p for p in (os.path.abspath(a.heldout), os.path.join(ROOT, a.heldout))
               if os.path.isfile(p)]
    if heldout:
        sets.append(("heldout", heldout[0]))
    else:
        print(f"evaluate.py: no held-out set {a.heldout} (make distill-phrases): left out",
              file=sys.stderr)
    run(["make", "-s", "hadrun", "hadmodel"])
    names = [a.baseline] + [r for r in a.runs if os.path.abspath(r) != os.path.abspath(a.baseline)]
    res = {}
    for art in names:
        model = assemble(art)
        res[art] = {k: figures(model, path, (k == "eval"), a.v_bits, a.v_scale) for k, path in sets}
    base = res[a.baseline]
    head = " | ".join(f"{k}: cos / min / NN of {base[k]['n']}" for k, _ in sets)
    print(f"| run | {head} | quantization gap | eval pair err | eval margin err | eval lost by "
          f"teacher margin <0.01 / <0.04 / more | eval NN against the baseline: gained / lost "
          f"| qualifies |")
    print("|---" * (len(sets) + 7) + "|")
    for art in names:
        r = res[art]
        cells = " | ".join(f"{r[k]['cos']:.4f} / {r[k]['min']:.3f} / {r[k]['nn']}" for k, _ in sets)
        if art == a.baseline:
            swaps, v = "", "baseline"
        else:
            swaps = paired(r["eval"]["lost"], base["eval"]["lost"])
            v = verdict(r, base, [k for k, _ in sets], a.target)
        me = r["eval"]["margin"]
        print(f"| {art} | {cells} | {r['eval']['gap']:.5f} | {r['eval']['pair']:.4f} | "
              f"{'-' if me is None else f'{me:.4f}'} | {margins(r['eval']['lost'])} | {swaps} "
              f"| {v} |")
    if a.flips:
        with open(sets[0][1], encoding="utf-8") as f:
            text = [line.strip() for line in f if line.strip()]
        for art in names:
            print(f"\n{art}: evaluation sentences whose neighbour is lost (teacher margin)")
            for i, m in sorted(res[art]["eval"]["lost"], key=lambda x: x[1]):
                print(f"  {i + 1:4d}  {m:.4f}  {text[i] if i < len(text) else ''}")


if __name__ == "__main__":
    main()
