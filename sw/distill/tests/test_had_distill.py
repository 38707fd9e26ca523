"""Tests of the distillation recipe (make test-distill; needs PyTorch, safetensors,
tokenizers and transformers, so it runs on the training machine, not in CI)."""
import json
import math
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import had_distill as hd  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "mat", "a", "dog",
         "ran", "far", ".", ",", "##s", "big", "small", "red", "house"]


def tiny_model(tmp_path, L=2, H=2, d=8, seed=0):
    """A random BERT of L layers, H heads of dimension d, written as a model directory."""
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(seed)
    hid, inter = H * d, 4 * H * d
    cfg = {"vocab_size": len(VOCAB), "hidden_size": hid, "num_hidden_layers": L,
           "num_attention_heads": H, "intermediate_size": inter, "hidden_act": "gelu",
           "max_position_embeddings": 64, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
           "model_type": "bert"}
    w = {"embeddings.word_embeddings.weight": torch.randn(len(VOCAB), hid, generator=g),
         "embeddings.position_embeddings.weight": torch.randn(64, hid, generator=g) * 0.1,
         "embeddings.token_type_embeddings.weight": torch.randn(2, hid, generator=g) * 0.1,
         "embeddings.LayerNorm.weight": torch.ones(hid),
         "embeddings.LayerNorm.bias": torch.zeros(hid)}
    for l in range(L):
        p = f"encoder.layer.{l}."
        for name, shape in (("attention.self.query", (hid, hid)), ("attention.self.key", (hid, hid)),
                            ("attention.self.value", (hid, hid)),
                            ("attention.output.dense", (hid, hid)),
                            ("intermediate.dense", (inter, hid)), ("output.dense", (hid, inter))):
            w[p + name + ".weight"] = torch.randn(*shape, generator=g) / math.sqrt(shape[1])
            w[p + name + ".bias"] = torch.randn(shape[0], generator=g) * 0.1
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + ln + ".weight"] = 1 + 0.1 * torch.randn(hid, generator=g)
            w[p + ln + ".bias"] = 0.1 * torch.randn(hid, generator=g)
    os.makedirs(tmp_path, exist_ok=True)
    save_file(w, os.path.join(tmp_path, "model.safetensors"))
    with open(os.path.join(tmp_path, "config.json"), "w") as f:
        json.dump(cfg, f)
    with open(os.path.join(tmp_path, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    return w, cfg


TINY_CORPUS = ("the cat sat on the mat .\na dog ran far .\n\nthe big red house .\n"
               "a small cat sat .\n\nthe dogs ran on the mat , far .\n")
TINY_PHRASES = "the small dog sat .\n\nthe red cat ran far .\na big house .\n"
TINY_SENTENCES = "the cat sat .\na dog ran .\nthe red house .\n"


def tiny_run(tmp_path, *extra, corpus2=False):
    """A tiny CPU training run: tiny_model in tmp_path/m, a corpus of three documents, three
    sentences for evaluation and calibration (s.txt) and, with corpus2, a second corpus
    (--corpus2 phrases.txt). Returns (arguments for hd.main without --out, followed by extra;
    the sentences' path; the model's config)."""
    _, cfg = tiny_model(tmp_path / "m")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TINY_CORPUS)
    sents = tmp_path / "s.txt"
    sents.write_text(TINY_SENTENCES)
    args = ["--base", str(tmp_path / "m"), "--corpus", str(corpus), "--device", "cpu",
            "--batch", "4", "--long-batch", "2", "--long-min", "8", "--long-tokens", "16",
            "--max-tokens", "16", "--top-n", "2", "--eval-sentences", str(sents),
            "--calib-sentences", str(sents)]
    if corpus2:
        c2 = tmp_path / "phrases.txt"
        c2.write_text(TINY_PHRASES)
        args += ["--corpus2", str(c2)]
    return args + list(extra), sents, cfg


def test_binarizer_sign_and_clipped_straight_through_gradient():
    x = torch.tensor([-3.0, -2.0, -0.5, 0.0, 0.5, 2.0, 2.5], requires_grad=True)
    y = hd.Binarizer.apply(x, 2.0)
    assert y.tolist() == [-1, -1, -1, 1, 1, 1, 1]          # bit = x >= 0, as the core
    y.sum().backward()
    assert x.grad.tolist() == [0, 1, 1, 1, 1, 1, 0]          # passed where |x| <= 2


def test_soft_sign_goes_from_near_linear_to_sign():
    x = torch.linspace(-3, 3, 61)
    assert torch.allclose(hd.soft_sign(torch.tensor([1.0]), 5.0), torch.tensor([1.0]))
    assert (hd.soft_sign(x, 5.0) - x).abs().max() < 0.45     # c = 5: close to x on [-3, 3]
    s = hd.soft_sign(x[x.abs() > 0.2], 0.05)
    assert torch.equal(s.sign(), x[x.abs() > 0.2].sign()) and (s.abs() - 1).abs().max() < 1e-3
    assert hd.schedule(1, 0.0) == 5.0 and abs(hd.schedule(1, 1.0) - 1.0) < 1e-12
    assert hd.schedule(2, 0.0) == 1.0 and abs(hd.schedule(2, 1.0) - 0.05) < 1e-12


def test_topn_keeps_highest_scores_lower_index_on_ties():
    g = torch.Generator().manual_seed(1)
    for trial in range(50):
        t, n = int(torch.randint(1, 40, (1,), generator=g)), int(torch.randint(1, 20, (1,), generator=g))
        score = torch.randint(-4, 5, (1, 1, t, t), generator=g).float()
        nvalid = int(torch.randint(1, t + 1, (1,), generator=g))
        valid = torch.zeros(1, 1, 1, t, dtype=torch.bool)
        valid[..., :nvalid] = True
        keep = hd.topn_mask(score, valid, n, exact=True)
        for r in range(t):
            order = sorted(range(nvalid), key=lambda j: (-score[0, 0, r, j].item(), j))
            want = set(order[:n])
            got = set(torch.nonzero(keep[0, 0, r]).flatten().tolist())
            assert got == want, (trial, r, got, want)
    eq = torch.zeros(1, 1, 3, 10)
    keep = hd.topn_mask(eq, torch.ones(1, 1, 1, 10, dtype=torch.bool), 4, exact=True)
    assert torch.nonzero(keep[0, 0, 0]).flatten().tolist() == [0, 1, 2, 3]


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_topn_by_counting_equals_topk_bit_for_bit(device, dtype):
    """topn_mask_count (stages 3-4 and inference) gives exactly topn_mask_topk's mask: random
    integer scores in -d..d with many ties (few distinct values, or the sign-dot parity),
    padding masks of every kind, n from 1 to above the number of keys and of valid keys."""
    g = torch.Generator().manual_seed(11)
    trials = 0
    for d in (1, 2, 4, 8, 32, 100, 101):
        for trial in range(40 if d <= 32 else 8):
            B, H = int(torch.randint(1, 4, (1,), generator=g)), int(torch.randint(1, 4, (1,), generator=g))
            t = int(torch.randint(1, 70, (1,), generator=g))
            kind = trial % 4
            if kind == 0:        # a few values only: long runs of ties
                vals = torch.randint(-d, d + 1, (3,), generator=g)
                score = vals[torch.randint(0, 3, (B, H, t, t), generator=g)]
            elif kind == 1:      # sign dot products: 2m - d, d + 1 values of d's parity
                score = 2 * torch.randint(0, d + 1, (B, H, t, t), generator=g) - d
            elif kind == 2:      # any integer of -d..d
                score = torch.randint(-d, d + 1, (B, H, t, t), generator=g)
            else:                # all equal
                score = torch.full((B, H, t, t), int(torch.randint(-d, d + 1, (1,), generator=g)))
            score = score.to(dtype)
            valid = torch.zeros(B, 1, 1, t, dtype=torch.bool)
            for bi in range(B):
                how = int(torch.randint(0, 3, (1,), generator=g))
                if how == 0:     # a padded sentence: the first nvalid keys
                    valid[bi, ..., :int(torch.randint(0, t + 1, (1,), generator=g))] = True
                elif how == 1:   # any subset
                    valid[bi] = torch.rand(1, 1, t, generator=g) < 0.7
                else:
                    valid[bi] = True
            for n in sorted({1, 2, int(torch.randint(1, t + 3, (1,), generator=g)), t - 1, t,
                             t + 5, 16} - {0}):
                sc, va = score.to(device), valid.to(device)
                want = hd.topn_mask_topk(sc, va, n, exact=True)
                got = hd.topn_mask_count(sc, va, n, d)
                assert got.dtype == torch.bool and got.shape == want.shape
                assert torch.equal(got.cpu(), want.cpu()), (d, trial, n, t)
                assert torch.equal(hd.topn_mask(sc, va, n, exact=True, d=d).cpu(), want.cpu())
                trials += 1
    assert trials > 1000
    # the long-batch shape: 512 keys, N 16 and 64, d 32
    score = (2 * torch.randint(0, 33, (2, 3, 512, 512), generator=g) - 32).to(dtype)
    valid = torch.ones(2, 1, 1, 512, dtype=torch.bool)
    valid[1, ..., 300:] = False
    for n in (16, 64):
        sc, va = score.to(device), valid.to(device)
        want = hd.topn_mask_topk(sc, va, n, exact=True).cpu()
        assert torch.equal(hd.topn_mask_count(sc, va, n, 32).cpu(), want)
        assert torch.equal(hd.topn_mask(sc, va, n, exact=True, d=32).cpu(), want)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="fused AdamW: CUDA only")
def test_fused_adamw_gives_the_same_update():
    """The fused AdamW of training on a GPU steps like the default implementation, up to
    float rounding."""
    g = torch.Generator().manual_seed(12)
    shapes = [(384, 384), (1536, 384), (384,), (6, 12)]
    init = [torch.randn(*s, generator=g).cuda() for s in shapes]
    grads = [[torch.randn(*s, generator=g).cuda() * 1e-2 for s in shapes] for _ in range(20)]
    res = []
    for fused in (False, True):
        ps = [torch.nn.Parameter(x.clone()) for x in init]
        kw = {"fused": True} if fused else {}
        opt = torch.optim.AdamW([{"params": ps[:3], "lr": 1e-4}, {"params": ps[3:], "lr": 5e-3}],
                                weight_decay=0.0, **kw)
        for i, gs in enumerate(grads):
            opt.param_groups[0]["lr"] = 1e-4 * min(1.0, (i + 1) / 10)
            for p, gr in zip(ps, gs):
                p.grad = gr.clone()
            opt.step()
        res.append([p.detach() for p in ps])
    for a, b, x in zip(res[0], res[1], init):
        step = (a - x).abs().max().item()          # 20 steps of about lr each
        assert step > 0
        # rounding: a relative 1e-4 of the update, and the last bits of the parameters
        tol = 1e-4 * step + 16 * torch.finfo(torch.float32).eps * x.abs().max().item()
        assert (a - b).abs().max().item() <= tol, ((a - b).abs().max().item(), step)


def test_sign_dot_is_two_m_minus_d():
    g = torch.Generator().manual_seed(2)
    d = 32
    q, k = torch.randn(5, d, generator=g), torch.randn(7, d, generator=g)
    dot = hd.Binarizer.apply(q, 2.0) @ hd.Binarizer.apply(k, 2.0).T
    for i in range(5):
        for j in range(7):
            m = sum((q[i, b] >= 0) == (k[j, b] >= 0) for b in range(d))
            assert dot[i, j].item() == 2 * m - d


def ref_had_query(q, k, v, n, alpha_c):
    """hm_ref_had of sw/golden/hm_golden.c, one query, in Python doubles."""
    d, nk = len(q), len(k)
    score = []
    for j in range(nk):
        m = sum((q[i] >= 0) == (k[j][i] >= 0) for i in range(d))
        score.append(alpha_c * (2.0 * m - d))
    sel = sorted(range(nk), key=lambda j: (-score[j], j))[:min(n, nk)]
    mx = max(score[j] for j in sel)
    w = {j: math.exp(score[j] - mx) for j in sel}
    den = sum(w.values())
    return [sum(w[j] * v[j][i] for j in sel) / den for i in range(len(v[0]))]


def test_inference_attention_equals_the_c_reference_formula():
    g = torch.Generator().manual_seed(3)
    L, H, T, d, n = 1, 2, 12, 8, 5
    alpha = torch.tensor([[1.7, 0.6]])
    heads = hd.HadHeads(torch.ones(L, H), torch.ones(L, H))
    heads.log_alpha.data = alpha.log()
    q, k, v = (torch.randn(1, H, T, d, generator=g) for _ in range(3))
    valid = torch.ones(1, 1, 1, T, dtype=torch.bool)
    out, _ = hd.had_attention(heads, d, n, "infer")(0, q, k, v, valid)
    a = heads.alpha()
    for h in range(H):
        ac = float(a[0, h].detach()) / math.sqrt(d)
        for r in range(T):
            want = ref_had_query(q[0, h, r].tolist(), k[0, h].tolist(), v[0, h].tolist(), n, ac)
            assert max(abs(x - y) for x, y in zip(out[0, h, r].tolist(), want)) < 1e-6


def test_centred_keys_leave_float_attention_and_centre_what_is_binarized():
    """--center: center_rows subtracts the mean over the valid tokens only (padding ignored);
    centred keys leave float softmax attention unchanged (each query's scores move by one
    constant); in inference mode the student is the C reference on the centred keys (k) or
    queries and keys (qk), as hadrun's HAD backends compute it."""
    g = torch.Generator().manual_seed(5)
    B, H, T, d, n = 2, 2, 9, 8, 4
    q, k, v = (torch.randn(B, H, T, d, generator=g, dtype=torch.float64) for _ in range(3))
    k = k + 3.0                                    # a common offset, as projections have
    valid = torch.ones(B, 1, 1, T, dtype=torch.bool)
    valid[1, 0, 0, 6:] = False
    k[1, :, 6:] = 1e3                              # padding must not enter the mean
    kc = hd.center_rows(k, valid)
    assert kc[0].mean(-2).abs().max() < 1e-12
    assert kc[1, :, :6].mean(-2).abs().max() < 1e-12
    assert torch.allclose(kc[1, :, :6], k[1, :, :6] - k[1, :, :6].mean(-2, keepdim=True))
    qq, kk = hd.center_qk(q, k, valid, "none")
    assert qq is q and kk is k
    mask = ~valid

    def att(kk):
        return (q @ kk.transpose(-1, -2)).masked_fill(mask, float("-inf")).softmax(-1) @ v
    assert torch.allclose(att(k), att(kc), atol=1e-10)
    heads = hd.HadHeads(torch.ones(1, H), torch.ones(1, H))
    for center in ("k", "qk"):
        heads.center = center
        out, _ = hd.had_attention(heads, d, n, "infer")(0, q.float(), k.float(), v.float(), valid)
        qb, kb = hd.center_qk(q.float(), k.float(), valid, center)
        ac = float(heads.alpha()[0, 0].detach()) / math.sqrt(d)
        for b, nt in ((0, T), (1, 6)):
            for r in range(nt):
                want = ref_had_query(qb[b, 0, r].tolist(), kb[b, 0, :nt].tolist(),
                                     v[b, 0, :nt].float().tolist(), n, ac)
                assert max(abs(x - y) for x, y in zip(out[b, 0, r].tolist(), want)) < 1e-5


def test_query_temperature_levels_and_inference():
    """--qtemp B: each query's level is its mean |q~| rounded in the log domain to one of 2^B
    values a factor sqrt(2) apart around 1 (clamped at the ends), passed straight through in
    training; in inference mode the student is the C reference with alpha times the level."""
    t = torch.tensor([1.0, 1.2, 1.6, 0.3, 9.0, 0.75]).reshape(1, 1, 6, 1).expand(1, 1, 6, 4)
    lv = hd.query_temp(t, 2, exact=True).flatten().tolist()
    r2 = math.sqrt(2.0)
    # levels 2^((l - 1.5) / 2): 0.59, 0.84, 1.19, 1.68; log2 rounding: 1 -> l 1.5 rounds to 2
    want = [2 ** (0.25), 2 ** (0.25), 2 ** (0.75), 2 ** (-0.75), 2 ** (0.75), 2 ** (-0.25)]
    assert lv == pytest.approx(want)
    assert max(lv) / min(lv) == pytest.approx(r2 ** 3)
    x = torch.full((1, 1, 1, 4), 1.3, requires_grad=True)
    y = hd.query_temp(x, 2)
    y.sum().backward()
    assert float(y) == pytest.approx(2 ** 0.25) and x.grad.flatten().tolist() == pytest.approx([0.25] * 4)
    g = torch.Generator().manual_seed(9)
    H, T, d, n = 2, 10, 8, 4
    q, k, v = (torch.randn(1, H, T, d, generator=g) for _ in range(3))
    q[0, 0, 3] *= 4.0                              # one query far from the mean magnitude
    valid = torch.ones(1, 1, 1, T, dtype=torch.bool)
    heads = hd.HadHeads(torch.ones(1, H), torch.ones(1, H))
    heads.qtemp = 2
    out, _ = hd.had_attention(heads, d, n, "infer")(0, q, k, v, valid)
    lvl = hd.query_temp(q, 2, exact=True)
    for h in range(H):
        for r in range(T):
            ac = float(heads.alpha()[0, h].detach()) * float(lvl[0, h, r, 0]) / math.sqrt(d)
            want = ref_had_query(q[0, h, r].tolist(), k[0, h].tolist(), v[0, h].tolist(), n, ac)
            assert max(abs(a - b) for a, b in zip(out[0, h, r].tolist(), want)) < 1e-5


def test_wider_keys_append_learned_projections_and_infer_as_a_wider_core():
    """--key-bits M: a head's bits are those of q~ followed by those of q~ @ key_ext (M - d
    more), the same for k~; in inference mode the student is the C reference over M bits with
    alpha / sqrt(M); without key_ext the head is unchanged."""
    g = torch.Generator().manual_seed(4)
    H, T, d, M, n = 2, 9, 8, 20, 3
    q, k, v = (torch.randn(1, H, T, d, generator=g, dtype=torch.float64).float() for _ in range(3))
    valid = torch.ones(1, 1, 1, T, dtype=torch.bool)
    heads = hd.HadHeads(torch.ones(1, H), torch.ones(1, H), d=d)
    assert heads.key_bits() == d and heads.widen(0, q) is q
    plain, _ = hd.had_attention(heads, d, n, "infer")(0, q, k, v, valid)
    heads.key_ext = torch.randn(1, H, d, M - d, generator=g)
    assert heads.key_bits() == M
    wq = heads.widen(0, q)
    assert wq.shape == (1, H, T, M) and torch.equal(wq[..., :d], q)
    assert torch.allclose(wq[0, 1, 2, d:], q[0, 1, 2] @ heads.key_ext[0, 1])
    out, _ = hd.had_attention(heads, d, n, "infer")(0, q, k, v, valid)
    wk = heads.widen(0, k)
    for h in range(H):
        ac = float(heads.alpha()[0, h].detach()) / math.sqrt(M)
        for r in range(T):
            want = ref_had_query(wq[0, h, r].tolist(), wk[0, h].tolist(), v[0, h].tolist(), n, ac)
            assert max(abs(a - b) for a, b in zip(out[0, h, r].tolist(), want)) < 1e-5
    assert not torch.allclose(out, plain)
    # training modes see the same bits: sign mode's forward is the inference form in float32
    sig, _ = hd.had_attention(heads, d, n, "sign")(0, q, k, v, valid)
    assert torch.allclose(sig, out, atol=1e-5)


def test_margin_err_is_nn_noise_figure():
    """The in-run margin err (fidelity rows) is nn_noise.py's on the same embeddings made unit:
    float32 rows of any length, as the evaluator has them; fewer than three rows give 0."""
    pytest.importorskip("numpy")
    import nn_noise
    g = torch.Generator().manual_seed(2)
    t = torch.randn(40, 16, generator=g, dtype=torch.float64)
    s = t + 0.1 * torch.randn(40, 16, generator=g, dtype=torch.float64)
    unit = [torch.nn.functional.normalize(e, dim=1).numpy() for e in (s, t)]
    want = nn_noise.margin_err(*unit)
    lengths = 0.5 + torch.rand(40, 1, generator=g, dtype=torch.float64)
    got = hd.margin_err((s * lengths).float(), (3 * t).float())
    assert want > 0 and got == pytest.approx(want, rel=1e-5)
    assert hd.margin_err(t, t) == 0.0 and hd.margin_err(s[:2], t[:2]) == 0.0
    assert "margin_err" in hd.fidelity(s, t)


def test_wider_keys_artifact_round_trip_and_refusals(tmp_path):
    """A --key-bits run writes its projections (float32) and recipe.key_bits; the artifact
    loads to what its last fidelity rows measured, continues only at the same width, and a
    width outside d..4d is refused."""
    from safetensors.torch import load_file
    args, sents, cfg = tiny_run(tmp_path, "--log-every", "1")
    d = cfg["hidden_size"] // cfg["num_attention_heads"]
    out = tmp_path / "wide"
    assert hd.main(args + ["--out", str(out), "--steps", "1,1,2,2", "--key-bits", str(2 * d)]) == 0
    t = load_file(str(out / "had_minilm.safetensors"))
    meta = json.loads((out / "had.json").read_text())
    ext = t[hd.KEY_EXT]
    assert ext.dtype == torch.float32 and tuple(ext.shape) == (cfg["num_hidden_layers"],
                                                                cfg["num_attention_heads"], d, d)
    assert meta["recipe"]["key_bits"] == 2 * d and "M = 16" in meta["score"]
    dev = torch.device("cpu")
    enc, heads, _ = hd.load_artifact(str(out), str(tmp_path / "m"), dev)
    assert heads.key_bits() == 2 * d and torch.equal(heads.key_ext, ext)
    wt, cfg2 = hd.load_base(str(tmp_path / "m"), dev)
    tok = hd.make_tokenizer(str(tmp_path / "m"))
    ev = hd.Evaluator(hd.Encoder(wt, cfg2), tok, {"eval": (hd.read_lines(str(sents)), 16, 2)}, dev)
    got = ev.run(enc, heads)["eval"]
    want = [r for r in meta["fidelity"] if r["stage"] == 4 and r["set"] == "eval"][0]
    for k in ("cos_mean", "cos_min", "nn_agree", "margin_err"):
        assert got[k] == pytest.approx(want[k], abs=1e-6)
    more = tmp_path / "more"
    assert hd.main(args + ["--out", str(more), "--steps", "0,0,0,1", "--init", str(out),
                           "--key-bits", str(2 * d)]) == 0
    with pytest.raises(SystemExit, match="--key-bits 16"):
        hd.main(args + ["--out", str(tmp_path / "x"), "--steps", "0,0,0,1", "--init", str(out)])
    with pytest.raises(SystemExit, match="must be 8..32"):
        hd.main(args + ["--out", str(tmp_path / "y"), "--steps", "1,1,1,1", "--key-bits", "40"])


def ref_had_query_table(q, k, v, n, logit):
    """The core with a weight table: key j weighs exp(logit[m_max - m_j]) (Python doubles)."""
    d, nk = len(q), len(k)
    m = [sum((q[i] >= 0) == (k[j][i] >= 0) for i in range(d)) for j in range(nk)]
    sel = sorted(range(nk), key=lambda j: (-m[j], j))[:min(n, nk)]
    mx = max(m)
    w = {j: math.exp(logit[mx - m[j]]) for j in sel}
    den = sum(w.values())
    return [sum(w[j] * v[j][i] for j in sel) / den for i in range(d)]


def test_learned_table_starts_as_alphas_table_and_infers_as_the_core():
    """--etab learn: at log_step = 0 the table is exp(-2 alpha delta / sqrt(d)), so every mode
    gives the alpha form's attention; with other steps the inference form weighs a kept key
    by exp(logit[m_max - m]), the core's etab lookup, and logit falls from 0."""
    g = torch.Generator().manual_seed(5)
    L, H, T, d, n = 1, 2, 12, 8, 5
    s = torch.tensor([[0.9, 1.3]])
    lin = hd.HadHeads(s, s * 0.7)
    tab = hd.HadHeads(s, s * 0.7, d=d, table=True)
    tab.log_alpha.data = lin.log_alpha.data.clone()
    q, k, v = (torch.randn(2, H, T, d, generator=g) for _ in range(3))
    valid = torch.ones(2, 1, 1, T, dtype=torch.bool)
    valid[1, ..., 9:] = False
    for mode in ("tanh", "sign", "infer"):
        o1, p1 = hd.had_attention(lin, d, n, mode, c=0.7)(0, q, k, v, valid)
        o2, p2 = hd.had_attention(tab, d, n, mode, c=0.7)(0, q, k, v, valid)
        assert torch.allclose(o1, o2, atol=1e-5), mode
        if p1 is not None:
            assert torch.allclose(p1.exp(), p2.exp(), atol=1e-5), mode
    lg = tab.logit()
    assert lg.shape == (L, H, d + 1) and torch.all(lg[..., 0] == 0)
    assert torch.all(lg[..., 1:] < lg[..., :-1])
    tab.log_step.data = torch.randn(L, H, d, generator=g)
    lg = tab.logit().detach().double()
    out, _ = hd.had_attention(tab, d, n, "infer")(0, q, k, v, valid)
    for b, nk in ((0, T), (1, 9)):
        for h in range(H):
            for r in range(T):
                want = ref_had_query_table(q[b, h, r].tolist(), k[b, h, :nk].tolist(),
                                           v[b, h, :nk].tolist(), n, lg[0, h].tolist())
                assert max(abs(x - y) for x, y in zip(out[b, h, r].tolist(), want)) < 1e-6


def test_table_lookup_gradient():
    """TableLookup: interpolation between table entries; its table gradient (a weighted
    bincount) and its frac gradient agree with finite differences."""
    g = torch.Generator().manual_seed(6)
    H, d = 3, 6
    tab = torch.randn(H, d + 1, generator=g, dtype=torch.float64, requires_grad=True)
    i = torch.randint(0, d, (2, H, 4, 5), generator=g)
    frac = torch.rand(2, H, 4, 5, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t, f: hd.TableLookup.apply(t, i, f), (tab, frac))
    out = hd.TableLookup.apply(tab, i, torch.zeros_like(frac))
    assert torch.equal(out, tab.detach()[torch.arange(H)[None, :, None, None], i])


@pytest.mark.parametrize("device", DEVICES)
def test_table_gather_equals_table_lookup_at_integer_deltas(device):
    """TableGather (the sign stages' lookup) gives TableLookup's values and both gradients
    at integer deltas 0..d, including delta = d (TableLookup's i = d - 1, frac 1)."""
    g = torch.Generator().manual_seed(7)
    H, d = 4, 8
    tab = torch.randn(H, d + 1, generator=g, dtype=torch.float64).to(device)
    delta = torch.randint(0, d + 1, (3, H, 5, 6), generator=g).to(device, torch.float64)
    delta[0, :, 0, :] = d                                   # the last entry in every head
    up = torch.randn(delta.shape, generator=g, dtype=torch.float64).to(device)

    def run(fast):
        t = tab.clone().requires_grad_(True)
        x = delta.clone().requires_grad_(True)
        if fast:
            out = hd.TableGather.apply(t, x)
        else:
            i = x.detach().floor().clamp(max=d - 1).long()
            out = hd.TableLookup.apply(t, i, x - i)
        (out * up).sum().backward()
        return out.detach(), t.grad, x.grad

    for a, b in zip(run(True), run(False)):
        assert torch.allclose(a, b, rtol=0, atol=1e-12)
    valid = torch.ones(3, 1, 1, 6, dtype=torch.bool, device=device)
    dot = 2 * torch.randint(-d // 2, d // 2 + 1, (3, H, 5, 6), generator=g).to(device,
                                                                            torch.float64)
    assert torch.allclose(hd.table_score(tab, dot, valid, d, exact=True),
                          hd.table_score(tab, dot, valid, d), rtol=0, atol=1e-12)


def test_learned_table_run_writes_the_table_the_reference_uses(tmp_path):
    """A tiny run with --etab learn trains the table (log steps move from 0), writes it to
    had.json (etab_logit: 0 at delta 0, falling), and the reference rebuilt from the artifact
    alone uses it; --init of that artifact needs --etab learn."""
    args, sents, cfg = tiny_run(tmp_path, "--log-every", "1", "--train", "all", "--etab", "learn")
    out = tmp_path / "out"
    assert hd.main(args + ["--out", str(out), "--steps", "3,3,3,3", "--ref-sentences",
                           str(sents), "--ref-count", "2"]) == 0
    meta = json.loads((out / "had.json").read_text())
    L, H, d = cfg["num_hidden_layers"], cfg["num_attention_heads"], 8
    lg = torch.tensor(meta["etab_logit"])
    assert lg.shape == (L, H, d + 1) and torch.all(lg[..., 0] == 0)
    assert torch.all(lg[..., 1:] < lg[..., :-1])
    assert torch.tensor(meta["log_step"]).abs().max() > 0
    assert meta["recipe"]["etab"] == "learn" and "etab_logit" in meta["score"]
    ref = json.loads((out / "distill_student.json").read_text())
    assert hd.main(["--base", str(tmp_path / "m"), "--out", str(tmp_path / "r"), "--device",
                    "cpu", "--ref-only", "--artifact", str(out), "--ref-sentences", str(sents),
                    "--ref-count", "2"]) == 0
    ref2 = json.loads((tmp_path / "r" / "distill_student.json").read_text())
    assert ref2["embeddings"] == ref["embeddings"]
    with pytest.raises(SystemExit, match="etab learn"):
        hd.main(args[:-2] + ["--out", str(tmp_path / "i"), "--steps", "0,0,1,1", "--init",
                             str(out)])
    assert hd.main(args + ["--out", str(tmp_path / "i2"), "--steps", "0,0,1,1", "--init",
                           str(out)]) == 0


def test_teacher_encoder_matches_transformers_bert(tmp_path):
    transformers = pytest.importorskip("transformers")
    w, cfg = tiny_model(tmp_path)
    bc = transformers.BertConfig(**{k: v for k, v in cfg.items() if k != "model_type"})
    ref = transformers.BertModel(bc, add_pooling_layer=False).eval()
    missing, _ = ref.load_state_dict(w, strict=False)
    assert not [m for m in missing if "position_ids" not in m]
    ids = torch.tensor([[2, 4, 5, 6, 7, 4, 8, 3, 0, 0], [2, 10, 11, 12, 13, 3, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    mask[0, :8] = 1
    with torch.no_grad():
        h = ref(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask[:, :, None].float()
        want = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
        wt, _ = hd.load_base(str(tmp_path), torch.device("cpu"))
        enc = hd.Encoder(wt, cfg)
        got, _, _ = enc.forward(ids, mask, hd.float_attention(enc.d))
    assert (got - want).abs().max() < 1e-5


def test_padding_does_not_change_a_sentence(tmp_path):
    w, cfg = tiny_model(tmp_path)
    wt, _ = hd.load_base(str(tmp_path), torch.device("cpu"))
    enc = hd.Encoder(wt, cfg)
    heads = hd.HadHeads(torch.ones(2, 2), torch.ones(2, 2) * 2)
    seqs = [[2, 4, 5, 6, 7, 4, 8, 13, 3], [2, 10, 11, 3], [2, 16, 19, 15, 3]]
    for mode in ("infer", "sign", "tanh"):
        attn = hd.had_attention(heads, enc.d, 3, mode, c=0.5)
        ids, mask = hd.batch_of(seqs, "cpu")
        with torch.no_grad():
            together, _, _ = enc.forward(ids, mask, attn)
            for i, s in enumerate(seqs):
                ids1, mask1 = hd.batch_of([s], "cpu")
                alone, _, _ = enc.forward(ids1, mask1, attn)
                assert (alone[0] - together[i]).abs().max() < 1e-5, (mode, i)


def test_carry_copy_rebuilds_exact_rows(tmp_path):
    import subprocess
    w, cfg = tiny_model(tmp_path / "m")
    sent = tmp_path / "s.txt"
    sent.write_text("The cat sat on the mat.\n")
    carry = os.path.join(os.path.dirname(__file__), "..", "carry.py")
    corpus = tmp_path / "c.txt"
    corpus.write_text("A big red dog.\n")
    for mode in ("train", "exact", "small"):
        subprocess.run([sys.executable, carry, "--mode", mode, "--model", str(tmp_path / "m"),
                        "--out", str(tmp_path / mode), "--corpus", str(corpus), str(sent)],
                       check=True)
        wt, _ = hd.load_base(str(tmp_path / mode), torch.device("cpu"))
        emb, ref = wt[hd.WORD_EMB], w[hd.WORD_EMB]
        for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 13):            # specials + the sentence's tokens
            assert torch.equal(emb[i], ref[i]), (mode, i)
        if mode == "small":
            for i in (9, 16, 18, 10):                       # a big red dog: int8 rows
                step = ref[i].abs().max() / 127
                assert (emb[i] - ref[i]).abs().max() <= step * 0.51 + 1e-7, i
            assert torch.isnan(emb[19]).all()               # "house": in neither file
            w2 = wt["encoder.layer.0.output.dense.weight"]
            assert torch.equal(w2, w["encoder.layer.0.output.dense.weight"].half().float())
            continue
        if mode == "exact":
            assert torch.isnan(emb[10]).all()                 # not in the sentence
            assert torch.equal(wt["encoder.layer.0.output.dense.weight"],
                               w["encoder.layer.0.output.dense.weight"])
        else:
            assert torch.equal(emb[10], ref[10].half().float())


def test_short_training_run_writes_a_complete_artifact(tmp_path):
    args, sents, cfg = tiny_run(tmp_path)
    out = tmp_path / "out"
    rc = hd.main(args + ["--out", str(out), "--steps", "3,3,3,3", "--ref-sentences", str(sents),
                         "--ref-count", "2", "--log-every", "1", "--rel-weight", "10",
                         "--frag-frac", "0.5", "--margin-weight", "5", "--margin-k", "3"])
    assert rc == 0
    meta = json.loads((out / "had.json").read_text())
    assert meta["format"] == hd.FORMAT_HAD and meta["top_n"] == 2
    assert len(meta["alpha"]) == 2 and all(len(r) == 2 and all(a > 0 for a in r)
                                           for r in meta["alpha"])
    assert meta["seed"] == 1 and "had_distill.py" in meta["command"]
    assert meta["recipe"]["rel_weight"] == 10 and meta["recipe"]["frag_frac"] == 0.5
    assert meta["recipe"]["margin_weight"] == 5 and meta["recipe"]["margin_k"] == 3
    assert {r["stage"] for r in meta["fidelity"]} == {0, 1, 2, 3, 4}
    from safetensors.torch import load_file
    t = load_file(str(out / "had_minilm.safetensors"))
    assert sorted(t) == meta["tensors"] and all(v.dtype == torch.float16 for v in t.values())
    assert all("query" in k or "key" in k for k in t)
    lines = (out / "train_log.csv").read_text().splitlines()
    assert lines[0].startswith("step,stage,c") and len(lines) == 13
    ref = json.loads((out / "distill_student.json").read_text())
    assert len(ref["embeddings"]) == 2 and len(ref["embeddings"][0]) == cfg["hidden_size"]
    # the reference is reproduced from the artifact alone (as the C host loads it)
    rc = hd.main(["--base", str(tmp_path / "m"), "--out", str(tmp_path / "r"), "--device", "cpu",
                  "--ref-only", "--artifact", str(out), "--ref-sentences", str(sents),
                  "--ref-count", "2"])
    ref2 = json.loads((tmp_path / "r" / "distill_student.json").read_text())
    assert ref2["embeddings"] == ref["embeddings"]


def test_fake_quant_v_is_the_hosts_quantizer():
    """--v-bits B: V on the grid of one scale per head (the largest |v| of the valid tokens
    over 2^(B-1) - 1 levels), rounded half away from zero as hm_quant does, padding ignored;
    the gradient is the identity; at 8 bits V is untouched."""
    g = torch.Generator().manual_seed(3)
    v = torch.randn(2, 3, 5, 4, generator=g, dtype=torch.float64)
    valid = torch.ones(2, 1, 1, 5, dtype=torch.bool)
    valid[1, 0, 0, 3:] = False
    v[1, :, 3:] = 100.0                          # padding: larger than anything valid
    v[0, 1, 2, 0] = -14.0                        # the largest |v| of head 1: scale 14 / 7 = 2
    v[0, 1, 0, 1] = 5.0                          # 2.5 steps: half way between levels 2 and 3
    v.requires_grad_(True)
    q = hd.fake_quant_v(v, valid, 4)
    m = valid[:, 0, 0, :][:, None, :, None]
    for h in range(3):
        vh = v.detach()[:, h][m[:, 0].expand(-1, -1, 4)]
        s = vh.abs().max() / 7
        k = q.detach()[:, h][m[:, 0].expand(-1, -1, 4)] / s
        assert torch.allclose(k, k.round(), atol=1e-9) and k.abs().max() == pytest.approx(7)
        want = torch.sign(vh / s) * torch.floor((vh / s).abs() + 0.5)
        assert torch.allclose(k, want, atol=1e-9)
    assert q[0, 1, 2, 0].item() == -14.0
    assert q[0, 1, 0, 1].item() == 6.0           # half way: away from zero
    q.sum().backward()
    assert torch.equal(v.grad, torch.ones_like(v))
    assert hd.fake_quant_v(v, valid, 8) is v
    # a scale per channel: each channel's largest valid |v| is level 7 of its own grid
    qc = hd.fake_quant_v(v.detach(), valid, 4, per_channel=True)
    for h in range(3):
        for i in range(4):
            vi = v.detach()[:, h, :, i][valid[:, 0, 0, :]]
            s = vi.abs().max() / 7
            k = qc[:, h, :, i][valid[:, 0, 0, :]] / s
            want = torch.sign(vi / s) * torch.floor((vi / s).abs() + 0.5)
            assert torch.allclose(k, want, atol=1e-9) and k.abs().max() == pytest.approx(7)


@pytest.mark.parametrize("opt,plain,other", [("--v-bits", 8, 2), ("--center", "none", "k"),
                                            ("--qtemp", 0, 2), ("--key-bits", 8, 12)])
def test_input_form_options_are_recorded_and_change_the_student(tmp_path, opt, plain, other):
    """A run with --v-bits 2 (2-bit V) or --center k (centred keys) trains and evaluates on
    that form: its stage-0 fidelity (before any step) differs from the plain run's, and
    had.json's recipe records it (hadrun reads v_bits, v_scale and center from there)."""
    args, _, _ = tiny_run(tmp_path, "--log-every", "1")
    key = opt[2:].replace("-", "_")
    fid = {}
    for val in (plain, other):
        out = tmp_path / f"r{val}"
        assert hd.main(args + ["--out", str(out), "--steps", "1,1,1,1", opt, str(val)]) == 0
        meta = json.loads((out / "had.json").read_text())
        assert meta["recipe"][key] == val and meta["recipe"]["v_scale"] == "head"
        fid[val] = [r for r in meta["fidelity"] if r["stage"] == 0]
    assert fid[plain] != fid[other]


def test_allemb_trains_the_position_embeddings_and_not_the_word_table(tmp_path):
    """--train allemb: the artifact holds every encoder tensor plus the position and token-type
    embeddings and the embedding LayerNorm, trained (the positions moved); never the word
    table."""
    args, _, _ = tiny_run(tmp_path, "--log-every", "1", "--train", "allemb", "--lr", "1e-2")
    out = tmp_path / "out"
    assert hd.main(args + ["--out", str(out), "--steps", "2,2,2,2"]) == 0
    from safetensors.torch import load_file
    t = load_file(str(out / "had_minilm.safetensors"))
    base = load_file(str(tmp_path / "m" / "model.safetensors"))
    emb = sorted(k for k in t if k.startswith("embeddings."))
    assert emb == ["embeddings.LayerNorm.bias", "embeddings.LayerNorm.weight",
                   "embeddings.position_embeddings.weight",
                   "embeddings.token_type_embeddings.weight"]
    assert len(t) - len(emb) == sum(k.startswith("encoder.layer.") for k in base)
    pos = "embeddings.position_embeddings.weight"
    assert not torch.equal(t[pos].float(), base[pos].half().float())
    meta = json.loads((out / "had.json").read_text())
    assert meta["recipe"]["train"] == "allemb" and sorted(t) == meta["tensors"]


def test_token_loss_adds_to_the_first_step_and_is_recorded(tmp_path):
    """--tok-weight: the first step's loss (same seed, same batch) grows by the token term,
    and had.json's recipe records the weight."""
    args, _, _ = tiny_run(tmp_path, "--log-every", "1", "--train", "all")
    first = {}
    for w in ("0", "5"):
        out = tmp_path / f"t{w}"
        assert hd.main(args + ["--out", str(out), "--steps", "1,1,1,1", "--tok-weight", w]) == 0
        row = (out / "train_log.csv").read_text().splitlines()[1].split(",")
        first[w] = (float(row[4]), float(row[6]))          # loss, output loss
        meta = json.loads((out / "had.json").read_text())
        assert meta["recipe"]["tok_weight"] == float(w)
    assert first["5"][1] == pytest.approx(first["0"][1], rel=1e-6)
    assert first["5"][0] > first["0"][0] + 1e-6


def test_init_continues_from_an_artifact(tmp_path):
    """--init: the continued run starts exactly where the artifact ended (its stage-0
    fidelity is the artifact's final one), leaves out stages of 0 steps and records where it
    came from; a tensor the --train set does not train is refused."""
    common, _, _ = tiny_run(tmp_path, "--log-every", "1", "--train", "all")
    a1, a2 = tmp_path / "a1", tmp_path / "a2"
    assert hd.main(common + ["--out", str(a1), "--steps", "2,2,2,2"]) == 0
    assert hd.main(common + ["--out", str(a2), "--steps", "0,0,3,2", "--seed", "2",
                             "--init", str(a1)]) == 0
    m1 = json.loads((a1 / "had.json").read_text())
    m2 = json.loads((a2 / "had.json").read_text())
    end1 = {r["set"]: r for r in m1["fidelity"] if r["stage"] == 4}
    start2 = {r["set"]: r for r in m2["fidelity"] if r["stage"] == 0}
    for k, r in end1.items():
        assert start2[k]["cos_mean"] == pytest.approx(r["cos_mean"], abs=1e-5)
    assert {r["stage"] for r in m2["fidelity"]} == {0, 3, 4}
    assert m2["init"]["recipe"]["stages"] == [2, 2, 2, 2] and m2["init"]["seed"] == 1
    assert m2["recipe"]["s_q"] == m1["recipe"]["s_q"]
    assert len(m2["init"]["weights_sha256"]) == 64
    lines = (a2 / "train_log.csv").read_text().splitlines()
    assert len(lines) == 6 and lines[1].split(",")[1] == "3"
    with pytest.raises(SystemExit):          # a1 trained every tensor; qk cannot take them
        hd.main(common[:-2] + ["--train", "qk", "--out", str(tmp_path / "a3"),
                               "--steps", "0,0,1,1", "--init", str(a1)])
    with pytest.raises(SystemExit):          # zeros only with --init
        hd.main(common + ["--out", str(tmp_path / "a4"), "--steps", "0,0,1,1"])


def checkpoint_run(tmp_path, *extra):
    """Arguments of a tiny CPU run that uses every state a checkpoint must hold: long and
    short batches, fragments, a second corpus, the neighbour and memory-bank losses."""
    args, _, _ = tiny_run(tmp_path, "--log-every", "1", "--train", "all", "--long-frac", "0.4",
                          "--frag-frac", "0.3", "--nn-weight", "1", "--bank-weight", "1",
                          "--bank", "6", "--steps", "3,3,4,3", *extra, corpus2=True)
    return args


@pytest.mark.parametrize("ema,etab", [("0", "alpha"), ("0.8", "alpha"), ("0.8", "learn")])
def test_checkpoint_and_resume_equal_an_uninterrupted_run(tmp_path, ema, etab):
    """A run stopped at step boundaries (the end of stage 1, then inside stage 3) and resumed
    twice ends with the weights, alphas, loss log and fidelity of the same run in one call,
    bit for bit; only the last call writes the artifact, and had.json lists the calls. With
    --ema the second stop falls after the average has started (step 7): its state goes
    through the checkpoint, and a resume with another decay is refused."""
    from safetensors.torch import load_file
    common = checkpoint_run(tmp_path, "--ema", ema, "--etab", etab)
    full, ck = tmp_path / "full", ["--checkpoint", str(tmp_path / "ck")]
    assert hd.main(common + ["--out", str(full)]) == 0
    outs = [tmp_path / f"call{i}" for i in (1, 2, 3)]
    assert hd.main(common + ck + ["--out", str(outs[0]), "--stop-at-step", "3"]) == 0
    assert hd.main(common + ck + ["--out", str(outs[1]), "--resume", "--stop-at-step", "8"]) == 0
    for o, k in zip(outs[:2], (3, 8)):
        assert f"checkpoint at step {k} of 13" in (o / "train.log").read_text()
        assert sorted(p.name for p in o.iterdir()) == ["train.log"]   # no artifact yet
    assert (tmp_path / "ck" / hd.CKPT_FILE).is_file()
    state = torch.load(tmp_path / "ck" / hd.CKPT_FILE, weights_only=False)
    if ema == "0":
        assert state["ema"] is None and "ema" not in state["run"]
    else:
        n_heads = 2 if etab == "learn" else 1          # log alpha (+ the table's log steps)
        assert state["ema"]["n"] == 2
        assert len(state["ema"]["avg"]) == len(state["tensors"]) + n_heads
        assert (state["log_step"] is None) == (etab == "alpha")
        with pytest.raises(SystemExit, match="another run"):
            hd.main(common + ["--ema", "0.9"] + ck + ["--out", str(tmp_path / "x"), "--resume"])
    assert hd.main(common + ck + ["--out", str(outs[2]), "--resume"]) == 0
    done = outs[2]
    t1, t2 = (load_file(str(d / "had_minilm.safetensors")) for d in (full, done))
    assert sorted(t1) == sorted(t2) and all(torch.equal(t1[k], t2[k]) for k in t1)
    m1, m2 = (json.loads((d / "had.json").read_text()) for d in (full, done))
    assert m1["alpha"] == m2["alpha"] and m1["recipe"] == m2["recipe"]
    assert m1.get("etab_logit") == m2.get("etab_logit")
    assert ("etab_logit" in m2) == (etab == "learn")
    assert m1["fidelity"] == m2["fidelity"]
    assert (full / "fidelity.csv").read_text() == (done / "fidelity.csv").read_text()

    def curve(d):                # train_log.csv without the seconds column
        return [l.split(",")[:-1] for l in (d / "train_log.csv").read_text().splitlines()]
    assert curve(full) == curve(done) and len(curve(done)) == 14
    assert [c["steps"] for c in m2["calls"]] == [[0, 3], [3, 8], [8, 13]]
    assert m2["command"] == m2["calls"][0]["command"] and "--stop-at-step 3" in m2["command"]
    assert "--resume" in m2["calls"][2]["command"]
    assert m2["train_seconds"] == pytest.approx(sum(c["seconds"] for c in m2["calls"]), abs=0.2)
    assert len(m1["calls"]) == 1 and m1["calls"][0]["steps"] == [0, 13]
    log = (done / "train.log").read_text()    # the whole run's log
    assert "checkpoint at step 3 of 13" in log and "resumed at step 8 of 13" in log
    assert log.count("fidelity after stage") == 5
    raw = {r["stage"] for r in m2["fidelity"] if r["set"].startswith("raw_")}
    assert raw == (set() if ema == "0" else {3, 4})
    assert m2["recipe"]["ema"] == float(ema)


def test_resume_refuses_another_run(tmp_path):
    """--time-limit 0 stops before the first step with a checkpoint; a resume with another
    learning rate, schedule or corpus, or without a checkpoint, is refused; the same
    arguments continue it."""
    common = checkpoint_run(tmp_path)
    ck = ["--checkpoint", str(tmp_path / "ck")]
    assert hd.main(common + ck + ["--out", str(tmp_path / "a"), "--time-limit", "0"]) == 0
    assert "checkpoint at step 0 of 13" in (tmp_path / "a" / "train.log").read_text()
    other = tmp_path / "corpus-other.txt"
    other.write_text("the cat sat .\n")
    i_corpus = common.index("--corpus") + 1
    for change in (["--lr", "2e-4"], ["--steps", "3,3,4,4"], ["--seed", "2"], ["--ema", "0.9"],
                   ["--etab", "learn"],
                   common[:i_corpus] + [str(other)] + common[i_corpus + 1:]):
        args = change if change[0] == "--base" else common + change
        with pytest.raises(SystemExit, match="another run"):
            hd.main(args + ck + ["--out", str(tmp_path / "b"), "--resume"])
    with pytest.raises(SystemExit, match="no checkpoint"):
        hd.main(common + ["--checkpoint", str(tmp_path / "none"), "--out", str(tmp_path / "b"),
                          "--resume"])
    with pytest.raises(SystemExit):          # a time limit needs a checkpoint directory
        hd.main(common + ["--out", str(tmp_path / "b"), "--time-limit", "10"])
    assert not (tmp_path / "b" / "had.json").exists()
    # the same run under another output directory continues (paths are not part of it)
    assert hd.main(common + ck + ["--out", str(tmp_path / "c"), "--resume"]) == 0
    meta = json.loads((tmp_path / "c" / "had.json").read_text())
    assert [c["steps"] for c in meta["calls"]] == [[0, 0], [0, 13]]
    assert {r["stage"] for r in meta["fidelity"]} == {0, 1, 2, 3, 4}


def test_ema_is_the_exponential_average_from_its_first_update():
    """Ema: a copy at the first update, then decay * avg + (1 - decay) * x; a state saved
    and loaded continues the same average."""
    xs = [[torch.tensor([1.0, -2.0]), torch.tensor(3.0)],
          [torch.tensor([5.0, 0.0]), torch.tensor(-1.0)],
          [torch.tensor([2.0, 4.0]), torch.tensor(0.5)]]
    d = 0.75
    e = hd.Ema(d)
    assert e.state() is None
    e.update(xs[0])
    assert all(torch.equal(a, x) for a, x in zip(e.avg, xs[0]))
    assert all(a.data_ptr() != x.data_ptr() for a, x in zip(e.avg, xs[0]))   # a copy
    e.update(xs[1])
    e2 = hd.Ema(d)
    e2.load(e.state(), "cpu")
    for ex in (e, e2):
        ex.update(xs[2])
        assert ex.n == 3
        for i in range(2):
            want = d * d * xs[0][i] + d * (1 - d) * xs[1][i] + (1 - d) * xs[2][i]
            assert torch.allclose(ex.avg[i], want, atol=1e-6)
    assert all(torch.equal(a, b) for a, b in zip(e.avg, e2.avg))


def test_ema_leaves_training_unchanged_and_is_the_artifact(tmp_path):
    """--ema 0 (the default) is the recipe without an average, the same bytes; with --ema the
    training is the same (loss log, fidelity of stages 0-2, and the raw_* rows of stages 3-4
    equal the plain run's rows), while the artifact holds the average: its tensors differ
    from the plain run's, and its own fidelity is the stage-4 row of had.json."""
    from safetensors.torch import load_file
    common, sents, _ = tiny_run(tmp_path, "--log-every", "1", "--train", "all", "--lr", "1e-2",
                                "--steps", "2,2,4,3")
    runs = {name: tmp_path / name for name in ("plain", "zero", "ema")}
    assert hd.main(common + ["--out", str(runs["plain"])]) == 0
    assert hd.main(common + ["--out", str(runs["zero"]), "--ema", "0"]) == 0
    assert hd.main(common + ["--out", str(runs["ema"]), "--ema", "0.7"]) == 0
    t = {k: load_file(str(d / "had_minilm.safetensors")) for k, d in runs.items()}
    m = {k: json.loads((d / "had.json").read_text()) for k, d in runs.items()}
    assert (runs["plain"] / "had_minilm.safetensors").read_bytes() == \
        (runs["zero"] / "had_minilm.safetensors").read_bytes()
    assert m["plain"]["fidelity"] == m["zero"]["fidelity"] and m["plain"]["alpha"] == m["zero"]["alpha"]
    assert m["zero"]["recipe"]["ema"] == 0 and m["ema"]["recipe"]["ema"] == 0.7
    assert "EMA" not in (runs["zero"] / "train.log").read_text()

    def curve(d):                # train_log.csv without the seconds column
        return [l.split(",")[:-1] for l in (d / "train_log.csv").read_text().splitlines()]
    assert curve(runs["plain"]) == curve(runs["ema"])
    plain = {(r["stage"], r["set"]): r for r in m["plain"]["fidelity"]}
    ema = {(r["stage"], r["set"]): r for r in m["ema"]["fidelity"]}
    for (st, name), r in plain.items():
        if st <= 2:
            assert ema[(st, name)] == r
        else:
            assert ema[(st, "raw_" + name)] == {**r, "set": "raw_" + name}
    assert set(ema) == set(plain) | {(st, "raw_" + n) for st, n in plain if st >= 3}
    assert any(not torch.equal(t["plain"][k], t["ema"][k]) for k in t["plain"])
    assert m["plain"]["alpha"] != m["ema"]["alpha"]
    log = (runs["ema"] / "train.log").read_text()
    assert "fidelity after stage 4 (EMA)" in log and "raw weights after stage 4" in log
    # the artifact is what the stage-4 rows measured
    dev = torch.device("cpu")
    enc, heads, meta = hd.load_artifact(str(runs["ema"]), str(tmp_path / "m"), dev)
    wt, cfg = hd.load_base(str(tmp_path / "m"), dev)
    tok = hd.make_tokenizer(str(tmp_path / "m"))
    ev = hd.Evaluator(hd.Encoder(wt, cfg), tok, {"eval": (hd.read_lines(str(sents)), 16, 2)},
                      dev)
    got = ev.run(enc, heads)["eval"]
    want = ema[(4, "eval")]
    for k in ("cos_mean", "cos_min", "nn_agree"):
        assert got[k] == pytest.approx(want[k], abs=1e-6)
    with pytest.raises(SystemExit):          # a decay must be below 1
        hd.main(common + ["--out", str(tmp_path / "bad"), "--ema", "1"])


class FakeTok:
    """encode_batch over whitespace-separated integer ids (test input)."""

    class Enc:
        def __init__(self, ids):
            self.ids = ids

    def encode_batch(self, texts, add_special_tokens=False):
        return [self.Enc([int(x) for x in t.split()]) for t in texts]


def test_fragments_are_whole_words_and_long_passages_reach_their_length():
    import random
    # ids >= 100 continue a word (##...), as cont[] says
    cont = [i >= 100 for i in range(200)]
    docs = [["5 100 101 6 7 102 8", "9 10 103"], ["11 104 105 106 12"]]
    sp = hd.Sampler(docs, FakeTok(), random.Random(3), 2, 3, 16, 8, 12)
    flat = [[int(x) for x in s.split()] for d in docs for s in d]
    for _ in range(200):
        f = sp.fragment(cont)
        assert f[0] == 2 and f[-1] == 3 and 1 <= len(f) - 2
        body = f[1:-1]
        assert not cont[body[0]]
        src = next(s for s in flat if any(s[i:i + len(body)] == body for i in range(len(s))))
        i = next(i for i in range(len(src)) if src[i:i + len(body)] == body)
        assert i + len(body) == len(src) or not cont[src[i + len(body)]]   # word not cut
    for _ in range(50):
        x = sp.long()
        assert x[0] == 2 and x[-1] == 3 and 8 <= len(x) <= 12


def test_neighbour_loss_is_zero_for_equal_structure_and_ranks_neighbours():
    torch.manual_seed(0)
    t = torch.nn.functional.normalize(torch.randn(8, 16, dtype=torch.float64), dim=-1)
    # a rotation keeps every similarity: no loss
    q, _ = torch.linalg.qr(torch.randn(16, 16, dtype=torch.float64))
    assert hd.neighbour_kl(t @ q, t, 0.05).item() == pytest.approx(0.0, abs=1e-9)
    # swapping which sentence is whose neighbour costs more than a small perturbation
    s = t.clone().requires_grad_(True)
    near = torch.nn.functional.normalize(t + 0.01 * torch.randn_like(t), dim=-1)
    swapped = t[[1, 0, 2, 3, 4, 5, 6, 7]]
    assert 0 < hd.neighbour_kl(near, t, 0.05).item() < hd.neighbour_kl(swapped, t, 0.05).item()
    hd.neighbour_kl(s * 1.0 + 0.1, t, 0.05).backward()
    assert torch.isfinite(s.grad).all() and s.grad.abs().sum() > 0
    # fewer than three sentences: no neighbours to rank
    assert hd.neighbour_kl(t[:2], t[:2] + 1, 0.05).item() == 0.0


def test_margin_loss_is_the_change_of_the_near_neighbours_margins(capsys):
    torch.manual_seed(2)
    t = torch.nn.functional.normalize(torch.randn(10, 16, dtype=torch.float64), dim=-1)
    q, _ = torch.linalg.qr(torch.randn(16, 16, dtype=torch.float64))
    assert hd.margin_mse(t @ q, t, 4).item() == pytest.approx(0.0, abs=1e-12)
    s = torch.nn.functional.normalize(t + 0.05 * torch.randn_like(t), dim=-1)
    # k = 2: the mean square of the change of each sentence's first-minus-second margin
    ct = (t @ t.T).fill_diagonal_(-math.inf)
    top = ct.topk(2, dim=-1).indices
    want = 0.0
    for i in range(10):
        a, b = top[i].tolist()
        want += ((s[i] @ s[a] - s[i] @ s[b]) - (t[i] @ t[a] - t[i] @ t[b])).item() ** 2
    assert hd.margin_mse(s, t, 2).item() == pytest.approx(want / 10, rel=1e-9)
    # a shift common to a sentence's cosines moves no margin; swapping neighbours does
    swapped = t[[1, 0] + list(range(2, 10))]
    assert hd.margin_mse(s, t, 8).item() < hd.margin_mse(swapped, t, 8).item()
    # both sides of a cosine get gradient
    x = s.clone().requires_grad_(True)
    hd.margin_mse(x, t, 3).backward()
    assert torch.isfinite(x.grad).all() and (x.grad.abs().sum(-1) > 0).sum() >= 9
    # k beyond the batch is cut to it; two sentences have no margin
    assert hd.margin_mse(s, t, 64).item() == pytest.approx(hd.margin_mse(s, t, 9).item())
    assert hd.margin_mse(s[:2], t[:2], 8).item() == 0.0
    for bad, msg in ((["--margin-k", "1"], "--margin-k 1: must be 2..64"),
                     (["--margin-weight", "-1"], "--margin-weight -1.0: must be at least 0")):
        with pytest.raises(SystemExit):
            hd.parse_args(["--base", "b", "--out", "o", "--corpus", "c"] + bad)
        assert msg in capsys.readouterr().err


def test_bank_loss_is_zero_for_the_teacher_and_grows_with_a_swap():
    torch.manual_seed(1)
    bank = torch.nn.functional.normalize(torch.randn(256, 16, dtype=torch.float64), dim=-1)
    t = torch.nn.functional.normalize(torch.randn(8, 16, dtype=torch.float64), dim=-1)
    assert hd.bank_kl(t, t, bank, 0.05).item() == pytest.approx(0.0, abs=1e-12)
    near = torch.nn.functional.normalize(t + 0.01 * torch.randn_like(t), dim=-1)
    far = t[[1, 0, 2, 3, 4, 5, 6, 7]]
    assert 0 < hd.bank_kl(near, t, bank, 0.05).item() < hd.bank_kl(far, t, bank, 0.05).item()
    s = near.clone().requires_grad_(True)
    hd.bank_kl(s, t, bank, 0.05).backward()
    assert torch.isfinite(s.grad).all() and s.grad.abs().sum() > 0
    # no bank yet (the first batch): no loss
    assert hd.bank_kl(t, t + 1, None, 0.05).item() == 0.0


def test_corpus2_groups_come_from_one_document_within_one_batch(tmp_path):
    """--corpus2-group G: the second corpus's samples come G at a time, distinct sentences of
    one document of at least two (a shorter document gives what it has); the queue of a group
    is emptied for every batch; G 1 draws exactly as without the option, and a run records G
    in had.json and in its run key only when it is not 1."""
    import random
    from types import SimpleNamespace
    docs = [["5 6 7", "8 9"], ["10 11 12 13"]]
    docs2 = [["20 21 22", "23 24", "25 26 27"], ["28 29"], ["30 31", "32 33", "34", "35 36"]]
    doc_of = {}
    for k, d in enumerate(docs2):
        for x in d:
            doc_of[tuple(int(t) for t in x.split())] = k
    sp = hd.Sampler(docs, FakeTok(), random.Random(1), 2, 3, 16, 8, 12)
    sp2 = hd.Sampler(docs2, FakeTok(), random.Random(1), 2, 3, 16, 8, 12, max_sents=1)
    assert [len(d) for d in sp2.multi] == [3, 4]          # the one-sentence document is left out
    for _ in range(50):
        g = sp2.group(3)
        assert len(g) == 3 and len({tuple(x) for x in g}) == 3
        assert len({doc_of[tuple(x[1:-1])] for x in g}) == 1
    cont = [False] * 64
    a = SimpleNamespace(frag_frac=0.0, corpus2_frac=1.0, corpus2_group=3)
    rng = random.Random(3)
    sp2.queue = []
    got = [hd.short_sample(sp, sp2, cont, rng, a) for _ in range(9)]
    for i in range(0, 9, 3):                              # three groups of three
        assert len({doc_of[tuple(x[1:-1])] for x in got[i:i + 3]}) == 1
    # group 1 is the sampler's single sentences, draw for draw
    r1, r2 = random.Random(5), random.Random(5)
    spa = hd.Sampler(docs2, FakeTok(), r1, 2, 3, 16, 8, 12, max_sents=1)
    spb = hd.Sampler(docs2, FakeTok(), r2, 2, 3, 16, 8, 12, max_sents=1)
    one = SimpleNamespace(frag_frac=0.0, corpus2_frac=1.0, corpus2_group=1)
    # short_sample draws: fragment?, second corpus?, then the sampler's own draws
    assert [hd.short_sample(sp, spa, cont, r1, one) for _ in range(50)] == \
        [(r2.random(), r2.random(), spb.short())[2] for _ in range(50)]
    # a run: G in had.json's recipe; the run key holds it only when it is not 1
    args, _, _ = tiny_run(tmp_path, "--steps", "2,2,2,2", "--corpus2-group", "2", corpus2=True)
    out = tmp_path / "out"
    assert hd.main(args + ["--out", str(out)]) == 0
    assert json.loads((out / "had.json").read_text())["recipe"]["corpus2_group"] == 2
    assert hd.run_key(hd.parse_args(args + ["--out", "x"]))["corpus2_group"] == 2
    assert "corpus2_group" not in hd.run_key(hd.parse_args(args[:-2] + ["--corpus2-group", "1",
                                                                        "--out", "x"]))
    with pytest.raises(SystemExit):
        hd.parse_args(args[:-2] + ["--corpus2-group", "0", "--out", "x"])


def test_corpus2_gives_single_sentences_for_its_share_of_short_samples(tmp_path):
    """--corpus2 (phrases.py's sentences): its sampler gives one sentence at a time;
    short_sample draws from it for --corpus2-frac of the non-fragment samples, and without
    it draws exactly as before (the committed recipe's sample stream is unchanged)."""
    import random
    from types import SimpleNamespace
    docs = [["5 6 7", "8 9"], ["10 11 12 13"]]
    docs2 = [["20 21 22", "23 24", "25 26 27"], ["28 29"]]
    one = [[int(x) for x in s.split()] for d in docs2 for s in d]
    sp = hd.Sampler(docs, FakeTok(), random.Random(1), 2, 3, 16, 8, 12)
    sp2 = hd.Sampler(docs2, FakeTok(), random.Random(1), 2, 3, 16, 8, 12, max_sents=1)
    for _ in range(100):
        x = sp2.short()
        assert x[0] == 2 and x[-1] == 3 and x[1:-1] in one
    cont = [False] * 64
    a = SimpleNamespace(frag_frac=0.25, corpus2_frac=0.5, corpus2_group=1)
    rng = random.Random(7)
    got = [hd.short_sample(sp, sp2, cont, rng, a) for _ in range(4000)]
    share2 = sum(1 for g in got if g[1] >= 20) / len(got)
    assert share2 == pytest.approx(0.75 * 0.5, abs=0.03)
    # without a second corpus: the draws of `fragment if r < frag_frac else short`
    r1, r2 = random.Random(5), random.Random(5)
    spa = hd.Sampler(docs, FakeTok(), r1, 2, 3, 16, 8, 12)
    spb = hd.Sampler(docs, FakeTok(), r2, 2, 3, 16, 8, 12)
    new = [hd.short_sample(spa, None, cont, r1, a) for _ in range(200)]
    old = [spb.fragment(cont) if r2.random() < a.frag_frac else spb.short() for _ in range(200)]
    assert new == old
    # a short run records the second corpus in had.json
    args, _, _ = tiny_run(tmp_path, "--steps", "2,2,2,2", "--corpus2-frac", "0.7", corpus2=True)
    out = tmp_path / "out"
    assert hd.main(args + ["--out", str(out)]) == 0
    meta = json.loads((out / "had.json").read_text())
    assert meta["corpus2"]["sentences"] == 3 and meta["corpus2"]["documents"] == 2
    assert meta["corpus2"]["frac"] == 0.7 and meta["recipe"]["corpus2_frac"] == 0.7
    assert len(meta["corpus2"]["sha256"]) == 64
