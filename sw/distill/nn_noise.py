#!/usr/bin/env python3
"""Nearest-neighbour agreement as a draw: how many neighbours a model of a given embedding
error keeps, how widely that count varies, and the error the 90% target asks for.

    python3 sw/distill/nn_noise.py [--samples 2000] [--seed 1] [--target 0.9] EMBEDDINGS...

EMBEDDINGS: files of `hadrun --embeddings` (one line per backend and sentence: BACKEND INDEX
v0 ...) of the same sentences, each holding the teacher's rows (backend `float`, which must
agree) and rows of backends to study (every other backend in each file; with several files
named "BACKEND (FILE)", so that the golden-had of two model directories are told apart).

A sentence keeps its neighbour when its nearest other sentence (cosine) is the teacher's. A
model's errors decide that through the cosines they move, above all the margin between a
sentence's nearest and second-nearest neighbour under the teacher (21 of the 220 evaluation
sentences have one below 0.01). Two models of a draw, each sampled --samples times:

  embedding draws  normalize(t_i + z_i), z_i Gaussian with the backend's error second moment
                   (1/n) sum_j e_j e_j^T (e_i = s_i - t_i, unit rows), rescaled to the
                   sentence's own error length |e_i|: an error of the same size and shape,
                   randomly directed
  margin draws     the teacher's cosine matrix plus independent symmetric Gaussian noise of
                   standard deviation margin_err / sqrt(2) per pair, so the margins move as
                   much as the backend moves them

margin err is the RMS over sentences of the change of that margin (the cosine to the teacher's
nearest minus the cosine to its second, both measured in the backend's embeddings, minus the
teacher's margin). For each backend the script prints the observed mean cosine, hadrun's pair
err, margin err and neighbours kept; the embedding draws' mean margin err; each model's
simulated count (mean +- standard deviation, and the share of draws at or above the target);
and the margin err at which the margin draws keep the target on average. A second table gives
each margin err's standard deviation over 2,000 resamples of the sentences (bootstrap) and,
on the same resamples, that of its difference from the first backend's: how well the figure
tells two models apart on these sentences. Where the margin draws match the observed counts,
the count is that draw and the margin err is what a run must lower (docs/distill.md, "The
agreement as a draw"). numpy only; exit 2 on bad input.
"""
import argparse
import os
import sys

import numpy as np


CELLS = 20_000_000  # numbers per block of draws held at once (160 MB of float64)
RESAMPLES = 2000    # bootstrap resamples of the sentences for the margin err's precision


def fail(msg):
    print(f"nn_noise.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_embeddings(path):
    """{backend: array (n, h)} from a hadrun --embeddings file, rows in index order."""
    rows = {}
    try:
        with open(path, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                p = line.split()
                if not p:
                    continue
                if len(p) < 3:
                    fail(f"{path}:{ln}: expected 'BACKEND INDEX v0 ...', got {len(p)} fields")
                try:
                    idx = int(p[1])
                    vec = [float(x) for x in p[2:]]
                except ValueError:
                    fail(f"{path}:{ln}: INDEX must be an integer and v0 ... numbers")
                d = rows.setdefault(p[0], {})
                if idx in d:
                    fail(f"{path}:{ln}: backend '{p[0]}' has sentence {idx} twice")
                d[idx] = vec
    except OSError as e:
        fail(f"cannot read '{path}': {e.strerror}")
    out = {}
    for b, d in rows.items():
        n = len(d)
        if sorted(d) != list(range(n)) and sorted(d) != list(range(1, n + 1)):
            fail(f"{path}: backend '{b}': sentence indices are not 0..n-1 or 1..n")
        widths = {len(v) for v in d.values()}
        if len(widths) != 1:
            fail(f"{path}: backend '{b}': rows of different widths {sorted(widths)}")
        out[b] = np.array([d[i] for i in sorted(d)], dtype=np.float64)
        if not np.all(np.isfinite(out[b])):
            fail(f"{path}: backend '{b}': an embedding holds a value that is not finite")
    return out


def unit(a):
    nrm = np.linalg.norm(a, axis=-1, keepdims=True)
    if np.any(nrm == 0):
        fail("an embedding is all zeros")
    return a / nrm


def nearest(e):
    """Each row's nearest other row by cosine; e holds unit rows, (..., n, h)."""
    s = e @ np.swapaxes(e, -1, -2)
    n = s.shape[-1]
    s[..., np.arange(n), np.arange(n)] = -np.inf
    return np.argmax(s, axis=-1)


def pair_err(s, t):
    n = t.shape[0]
    iu = np.triu_indices(n, 1)
    d = (s @ np.swapaxes(s, -1, -2))[..., iu[0], iu[1]] - (t @ t.T)[iu]
    return np.sqrt(np.mean(d * d, axis=-1))


def margins(e, first, second):
    """Each row's cosine to row first[i] minus its cosine to row second[i]; e holds unit rows,
    (..., n, h)."""
    return np.sum(e * e[..., first, :], axis=-1) - np.sum(e * e[..., second, :], axis=-1)


def teacher_neighbours(t):
    """The teacher's nearest and second-nearest other sentence of every sentence."""
    s = t @ t.T
    np.fill_diagonal(s, -np.inf)
    order = np.argsort(-s, axis=1, kind="stable")
    return order[:, 0], order[:, 1]


def margin_changes(s, t):
    """Each sentence's change of its margin between the teacher's two nearest neighbours."""
    first, second = teacher_neighbours(t)
    return margins(s, first, second) - margins(t, first, second)


def margin_err(s, t):
    d = margin_changes(s, t)
    return float(np.sqrt(np.mean(d * d)))


def bootstrap(changes, resamples, rng):
    """Margin err of each backend over resamples of the sentences (the same resamples for
    all): per backend (mean of the resamples' squares under the root) its standard deviation,
    and of its difference from the first backend."""
    n = changes[0].shape[0]
    idx = rng.integers(0, n, (resamples, n))
    rms = [np.sqrt(np.mean(d[idx] ** 2, axis=1)) for d in changes]
    return [(float(np.std(r)), float(np.std(r - rms[0]))) for r in rms]


def embedding_draws(t, s, samples, rng):
    """Neighbours kept by each of samples models whose errors are Gaussian with the second
    moment of s - t, each sentence's rescaled to its own length, and each model's margin err."""
    n = t.shape[0]
    err = s - t
    length = np.linalg.norm(err, axis=1)
    rms = np.sqrt(np.mean(length**2))
    nn_t = nearest(t)
    first, second = teacher_neighbours(t)
    m_t = margins(t, first, second)
    counts, merr = [], []
    chunk = max(1, CELLS // (n * max(n, t.shape[1])))
    for a in range(0, samples, chunk):
        m = min(chunk, samples - a)
        g = rng.standard_normal((m, n, n))
        z = (g @ err) / np.sqrt(n)
        if rms > 0:
            z *= (length / rms)[None, :, None]
        d = unit(t[None] + z)
        counts.append(np.sum(nearest(d) == nn_t[None], axis=1))
        merr.append(np.sqrt(np.mean((margins(d, first, second) - m_t[None]) ** 2, axis=1)))
    return np.concatenate(counts), np.concatenate(merr)


class MarginDraws:
    """The teacher's cosine matrix plus independent symmetric Gaussian noise per pair: fixed
    unit draws, any standard deviation (common random numbers, so the count falls smoothly)."""

    def __init__(self, t, samples, rng):
        self.n = t.shape[0]
        self.cos = t @ t.T
        np.fill_diagonal(self.cos, -np.inf)
        self.nn_t = nearest(t)
        self.iu = np.triu_indices(self.n, 1)
        self.g = rng.standard_normal((samples, len(self.iu[0]))).astype(np.float32)

    def counts(self, margin_sd):
        tau = margin_sd / np.sqrt(2.0)
        out = []
        chunk = max(1, CELLS // (self.n * self.n))
        for a in range(0, self.g.shape[0], chunk):
            g = self.g[a : a + chunk]
            noise = np.zeros((g.shape[0], self.n, self.n))
            noise[:, self.iu[0], self.iu[1]] = tau * g
            noise += np.swapaxes(noise, 1, 2)
            out.append(np.sum(np.argmax(self.cos[None] + noise, axis=2) == self.nn_t[None], axis=1))
        return np.concatenate(out)

    def margin_for(self, goal, hi=0.5, iters=16):
        """The margin error at which the mean count is goal, to hi / 2^iters (bisection; the
        count falls as the margins move); None if goal is more than the sentences, hi if even
        hi keeps goal."""
        if goal > self.n:
            return None
        if np.mean(self.counts(hi)) >= goal:
            return hi
        lo = 0.0
        for _ in range(iters):
            mid = (lo + hi) / 2
            if np.mean(self.counts(mid)) >= goal:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("embeddings", nargs="+")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--target", type=float, default=0.9)
    a = ap.parse_args(argv)
    if not 10 <= a.samples <= 100000:
        fail(f"--samples {a.samples}: must be 10..100000")
    if not 0 < a.target <= 1:
        fail(f"--target {a.target}: must be in (0, 1]")

    t, studied = None, []
    for path in a.embeddings:
        emb = read_embeddings(path)
        if "float" not in emb:
            fail(f"{path}: no 'float' rows (the teacher); run hadrun with --backend float,...")
        if t is None:
            t, first = unit(emb["float"]), path
        elif emb["float"].shape != t.shape or np.max(np.abs(unit(emb["float"]) - t)) > 1e-6:
            fail(f"{path}: its teacher rows differ from {first}'s (not the same sentences, or "
                 f"not the same teacher)")
        for b, e in emb.items():
            if b == "float":
                continue
            if e.shape != t.shape:
                fail(f"{path}: backend '{b}': {e.shape[0]} x {e.shape[1]} embeddings, the "
                     f"teacher's are {t.shape[0]} x {t.shape[1]}")
            name = b if len(a.embeddings) == 1 else f"{b} ({os.path.basename(path)})"
            studied.append((name, e))
    if not studied:
        fail("no backend beside 'float' to study")
    n = t.shape[0]
    if n < 3:
        fail(f"{n} sentences: need at least 3")
    goal = a.target * n
    md = MarginDraws(t, a.samples, np.random.default_rng([a.seed, 0]))
    need = md.margin_for(goal)
    print(f"{n} sentences, {a.samples} draws (seed {a.seed}), target {a.target:g} of {n} = "
          f"{goal:g}; the margin draws keep it on average at margin err {need:.4f}")
    print("| backend | cos mean | pair err | margin err | NN kept | embedding draws: margin err "
          "| NN | P(>= target) | margin draws: NN | P(>= target) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    nn_t = nearest(t)
    changes, errs = [], []
    for i, (b, e) in enumerate(studied):
        s = unit(e)
        changes.append(margin_changes(s, t))
        errs.append(float(np.sqrt(np.mean(changes[-1] ** 2))))
        ce, cme = embedding_draws(t, s, a.samples, np.random.default_rng([a.seed, i + 1]))
        me = errs[-1]
        cm = md.counts(me)
        print(f"| {b} | {np.mean(np.sum(s * t, axis=1)):.4f} | {pair_err(s, t):.4f} | {me:.4f} "
              f"| {int(np.sum(nearest(s) == nn_t))} | {np.mean(cme):.4f} "
              f"| {np.mean(ce):.1f} +- {np.std(ce):.1f} | {np.mean(ce >= goal):.3f} "
              f"| {np.mean(cm):.1f} +- {np.std(cm):.1f} | {np.mean(cm >= goal):.3f} |")
    print(f"\nmargin err over {RESAMPLES} resamples of the sentences (bootstrap; the same for "
          f"every backend, so differences are paired):")
    print(f"| backend | margin err +- sd | minus {studied[0][0]}'s +- sd |")
    print("|---|---|---|")
    sds = bootstrap(changes, RESAMPLES, np.random.default_rng([a.seed, len(studied) + 1]))
    for (b, _), me, (sd, dsd) in zip(studied, errs, sds):
        print(f"| {b} | {me:.4f} +- {sd:.4f} | {me - errs[0]:+.4f} +- {dsd:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
