"""Tests of nn_noise.py (the agreement as a draw; numpy only, no PyTorch, no build)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import nn_noise  # noqa: E402


def unit_rows(n, h, seed):
    a = np.random.default_rng(seed).standard_normal((n, h))
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def write(path, rows):
    """A hadrun --embeddings file: {backend: array}, rows numbered from 0."""
    with open(path, "w") as f:
        for b, a in rows.items():
            for i, v in enumerate(a):
                f.write(f"{b} {i} " + " ".join(f"{x:.9g}" for x in v) + "\n")


def test_the_teacher_itself_keeps_every_neighbour_with_no_error():
    t = unit_rows(40, 16, 1)
    assert nn_noise.margin_err(t, t) == 0.0
    assert float(nn_noise.pair_err(t, t)) == 0.0
    counts, merr = nn_noise.embedding_draws(t, t.copy(), 20, np.random.default_rng(0))
    assert np.all(counts == 40) and np.all(merr < 1e-12)
    md = nn_noise.MarginDraws(t, 20, np.random.default_rng(0))
    assert np.all(md.counts(0.0) == 40)


def test_margin_err_is_the_rms_change_of_the_teachers_first_minus_second_neighbour():
    t = unit_rows(12, 8, 2)
    s = nn_noise.unit(t + 0.2 * unit_rows(12, 8, 3))
    first, second = nn_noise.teacher_neighbours(t)
    want = []
    for i in range(12):
        ms = s[i] @ s[first[i]] - s[i] @ s[second[i]]
        mt = t[i] @ t[first[i]] - t[i] @ t[second[i]]
        assert t[i] @ t[first[i]] >= t[i] @ t[second[i]]
        assert first[i] != i and second[i] != i and first[i] != second[i]
        want.append(ms - mt)
    assert nn_noise.margin_err(s, t) == pytest.approx(np.sqrt(np.mean(np.square(want))), rel=1e-12)


def test_margin_draws_keep_fewer_as_the_margins_move_more_and_find_the_target():
    t = unit_rows(60, 12, 4)
    md = nn_noise.MarginDraws(t, 300, np.random.default_rng(5))
    means = [np.mean(md.counts(sd)) for sd in (0.0, 0.02, 0.05, 0.1, 0.3)]
    assert means[0] == 60
    assert all(a >= b for a, b in zip(means, means[1:])) and means[-1] < 45
    sd = md.margin_for(54)
    assert 0 < sd < 0.5
    assert np.mean(md.counts(sd)) == pytest.approx(54, abs=0.5)
    # more than the teacher keeps cannot be asked for; a target even chance meets
    assert md.margin_for(61) is None
    assert md.margin_for(0) == 0.5


def test_embedding_draws_have_the_backends_error_size():
    t = unit_rows(50, 16, 6)
    s = nn_noise.unit(t + 0.15 * unit_rows(50, 16, 7))
    small = nn_noise.unit(t + 0.01 * unit_rows(50, 16, 7))
    big, big_m = nn_noise.embedding_draws(t, s, 200, np.random.default_rng(8))
    little, little_m = nn_noise.embedding_draws(t, small, 200, np.random.default_rng(8))
    assert np.mean(little) >= 48 and np.mean(big) < np.mean(little) - 5
    # errors of the same size as the backend's move the margins by as much, give or take
    # their direction: within a factor 2 here, where the backend's error is random too
    for m, b in ((big_m, s), (little_m, small)):
        assert 0.5 < np.mean(m) / nn_noise.margin_err(b, t) < 2


def test_bootstrap_gives_the_margin_errs_spread_and_pairs_the_differences():
    t = unit_rows(60, 12, 12)
    a = nn_noise.unit(t + 0.1 * unit_rows(60, 12, 13))
    b = nn_noise.unit(t + 0.1 * unit_rows(60, 12, 14))
    ch = [nn_noise.margin_changes(x, t) for x in (a, a.copy(), b)]
    assert np.sqrt(np.mean(ch[0] ** 2)) == pytest.approx(nn_noise.margin_err(a, t))
    sds = nn_noise.bootstrap(ch, 500, np.random.default_rng(0))
    assert sds[0][1] == 0.0 and sds[1] == sds[0]          # the same model: no difference
    assert all(0 < sd < nn_noise.margin_err(a, t) for sd, _ in sds)
    assert sds[2][1] > 0
    # pairing: a model that only rescales the first one's changes differs with a smaller spread
    # than its own
    half = [ch[0], 0.5 * ch[0]]
    (sd0, _), (sd1, dsd1) = nn_noise.bootstrap(half, 500, np.random.default_rng(1))
    assert sd1 == pytest.approx(sd0 / 2) and dsd1 == pytest.approx(sd0 / 2)


def test_main_prints_one_row_per_backend(tmp_path, capsys):
    t = unit_rows(30, 8, 9)
    f = tmp_path / "emb.txt"
    write(f, {"float": t, "a": nn_noise.unit(t + 0.1 * unit_rows(30, 8, 10)), "b": t})
    assert nn_noise.main(["--samples", "50", str(f)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("30 sentences, 50 draws (seed 1), target 0.9 of 30 = 27;")
    rows = [ln for ln in out.splitlines() if ln.startswith("| a |") or ln.startswith("| b |")]
    assert len(rows) == 4                                   # the draws' table, the bootstrap's
    assert ("| b | 1.0000 | 0.0000 | 0.0000 | 30 | 0.0000 | 30.0 +- 0.0 | 1.000 | 30.0 +- 0.0 "
            "| 1.000 |") in out
    assert "| a | 0.0523 +- 0.0061 | +0.0000 +- 0.0000 |" in out
    assert "| b | 0.0000 +- 0.0000 | -0.0523 +- 0.0061 |" in out  # b is the teacher
    assert "minus a's +- sd |" in out
    # two files of the same sentences: every backend of each, told apart by the file
    g = tmp_path / "other.txt"
    write(g, {"float": t, "a": t})
    assert nn_noise.main(["--samples", "10", str(f), str(g)]) == 0
    out = capsys.readouterr().out
    assert "| a (emb.txt) |" in out and "| b (emb.txt) |" in out
    assert "| a (other.txt) | 1.0000 |" in out
    # another teacher (other sentences) is refused
    write(g, {"float": unit_rows(30, 8, 11), "a": t})
    with pytest.raises(SystemExit) as e:
        nn_noise.main([str(f), str(g)])
    assert e.value.code == 2
    assert "its teacher rows differ from" in capsys.readouterr().err


@pytest.mark.parametrize("rows, args, msg", [
    ({"a": 2}, [], "no 'float' rows (the teacher)"),
    ({"float": 2}, [], "no backend beside 'float' to study"),
    ({"float": 2, "a": 2, "b": 3}, [], None),
    ({"float": 2, "a": 2}, ["--samples", "5"], "--samples 5: must be 10..100000"),
    ({"float": 2, "a": 2}, ["--target", "1.5"], "--target 1.5: must be in (0, 1]"),
])
def test_bad_input_exits_2_naming_it(tmp_path, capsys, rows, args, msg):
    f = tmp_path / "emb.txt"
    write(f, {b: unit_rows(10 if b != "b" else 9, 4, seed) for b, seed in rows.items()})
    with pytest.raises(SystemExit) as e:
        nn_noise.main(args + [str(f)])
    assert e.value.code == 2
    msg = msg or "backend 'b': 9 x 4 embeddings, the teacher's are 10 x 4"
    assert msg in capsys.readouterr().err


def test_bad_files_exit_2_naming_the_line(tmp_path, capsys):
    cases = [("float 0 1 2\nfloat 0 1 2\n", "backend 'float' has sentence 0 twice"),
             ("float 0 1 2\nfloat 1 x 2\n", "2: INDEX must be an integer and v0 ... numbers"),
             ("float 0 1 2\nfloat 1 1 2 3\n", "rows of different widths [2, 3]"),
             ("float 0 1 2\nfloat 5 1 2\n", "sentence indices are not 0..n-1 or 1..n"),
             ("float 0\n", "1: expected 'BACKEND INDEX v0 ...', got 2 fields"),
             ("float 0 1 2\nfloat 1 nan 2\n",
              "backend 'float': an embedding holds a value that is not finite"),
             ("float 0 0 0\nfloat 1 1 2\nfloat 2 2 1\na 0 1 0\na 1 1 2\na 2 2 1\n",
              "an embedding is all zeros")]
    for text, msg in cases:
        f = tmp_path / "bad.txt"
        f.write_text(text)
        with pytest.raises(SystemExit) as e:
            nn_noise.main([str(f)])
        assert e.value.code == 2
        assert msg in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        nn_noise.main([str(tmp_path / "missing.txt")])
    assert e.value.code == 2
    assert "cannot read" in capsys.readouterr().err
