"""Tests of soup.py (the average of distilled artifacts; numpy and safetensors, no PyTorch)."""
import json
import os
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import soup  # noqa: E402


def artifact(path, scale, alpha, seed, shape=(2, 3)):
    """A small artifact directory: two F16 tensors and a had.json of the recipe's format."""
    os.makedirs(path)
    tensors = {"a.weight": (np.arange(6, dtype=np.float32).reshape(shape) * scale).astype(np.float16),
               "a.bias": np.full((3,), scale, dtype=np.float16)}
    save_file(tensors, os.path.join(path, "had.safetensors"))
    meta = {"format": "hadgen-had-1", "weights": "had.safetensors", "base_model": {"package": "p"},
            "n_layers": 1, "n_heads": 2, "head_dim": 8, "top_n": 4, "tensors": sorted(tensors),
            "score": "s", "alpha": [alpha], "seed": seed, "command": f"train --seed {seed}",
            "fidelity": [{"stage": 4, "set": "eval", "cos_mean": 0.9}]}
    with open(os.path.join(path, "had.json"), "w") as f:
        json.dump(meta, f)
    return tensors


def test_soup_is_the_mean_of_the_tensors_and_the_geometric_mean_of_alpha(tmp_path):
    t1 = artifact(tmp_path / "r1", 1.0, [1.0, 4.0], 1)
    t2 = artifact(tmp_path / "r2", 3.0, [4.0, 1.0], 2)
    out = tmp_path / "soup"
    assert soup.main(["--out", str(out), str(tmp_path / "r1"), str(tmp_path / "r2")]) == 0
    got = load_file(str(out / "had.safetensors"))
    for name in t1:
        want = ((t1[name].astype(np.float64) + t2[name].astype(np.float64)) / 2).astype(np.float16)
        assert got[name].dtype == np.float16
        assert np.array_equal(got[name], want)
    meta = json.load(open(out / "had.json"))
    assert meta["alpha"] == [[pytest.approx(2.0), pytest.approx(2.0)]]
    assert meta["fidelity"] == []
    assert [s["seed"] for s in meta["soup"]] == [1, 2]
    assert all(len(s["weights_sha256"]) == 64 for s in meta["soup"])
    assert meta["command"].startswith("python3 sw/distill/soup.py --out ")
    assert not [f for f in os.listdir(out) if f.endswith(".tmp")]


def test_soup_refuses_other_students_one_artifact_and_an_occupied_out(tmp_path, capsys):
    artifact(tmp_path / "r1", 1.0, [1.0], 1)
    artifact(tmp_path / "r2", 1.0, [1.0], 2, shape=(3, 2))
    with pytest.raises(SystemExit) as e:
        soup.main(["--out", str(tmp_path / "o1"), str(tmp_path / "r1"), str(tmp_path / "r2")])
    assert e.value.code == 2 and "shape" in capsys.readouterr().err
    assert not (tmp_path / "o1").exists()

    with pytest.raises(SystemExit) as e:
        soup.main(["--out", str(tmp_path / "o2"), str(tmp_path / "r1")])
    assert e.value.code == 2 and "at least 2" in capsys.readouterr().err

    r4 = tmp_path / "r4"
    artifact(r4, 1.0, [1.0], 4)
    meta = json.load(open(r4 / "had.json"))
    meta["weights"] = "../had.safetensors"  # the soup would be written outside --out
    json.dump(meta, open(r4 / "had.json", "w"))
    with pytest.raises(SystemExit) as e:
        soup.main(["--out", str(tmp_path / "o4"), str(r4), str(tmp_path / "r1")])
    assert e.value.code == 2 and "'weights' must name a file" in capsys.readouterr().err
    assert not (tmp_path / "o4").exists() and not (tmp_path / "had.safetensors").exists()

    r5 = tmp_path / "r5"
    artifact(r5, 1.0, [1.0], 5)
    meta = json.load(open(r5 / "had.json"))
    meta["log_step"] = [[[0.0] * 8] * 2]         # a learned weight table beside alpha-only r1
    meta["etab_logit"] = [[[0.0] * 9] * 2]
    json.dump(meta, open(r5 / "had.json", "w"))
    with pytest.raises(SystemExit) as e:
        soup.main(["--out", str(tmp_path / "o5"), str(tmp_path / "r1"), str(r5)])
    assert e.value.code == 2 and "some do not" in capsys.readouterr().err
    assert not (tmp_path / "o5").exists()

    artifact(tmp_path / "r3", 2.0, [1.0], 3)
    occupied = tmp_path / "o3"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    with pytest.raises(SystemExit) as e:
        soup.main(["--out", str(occupied), str(tmp_path / "r1"), str(tmp_path / "r3")])
    assert e.value.code == 2 and "refusing to overwrite" in capsys.readouterr().err
    assert (occupied / "keep.txt").read_text() == "mine"


def test_soup_of_learned_tables_averages_log_steps_and_rebuilds_the_table(tmp_path):
    """--etab learn artifacts: the soup's log_step is the mean of theirs and etab_logit is
    rebuilt from it and the geometric-mean alpha (0, then -cumsum 2 alpha / sqrt(d) e^step)."""
    for name, scale, step, alpha in (("t1", 1.0, 0.2, [1.0, 4.0]), ("t2", 3.0, -0.4, [4.0, 1.0])):
        artifact(tmp_path / name, scale, alpha, 1)
        meta = json.load(open(tmp_path / name / "had.json"))
        meta["log_step"] = [[[step] * 8, [2 * step] * 8]]
        meta["etab_logit"] = [[[0.0] * 9, [0.0] * 9]]     # not read: rebuilt from the averages
        json.dump(meta, open(tmp_path / name / "had.json", "w"))
    out = tmp_path / "soup"
    assert soup.main(["--out", str(out), str(tmp_path / "t1"), str(tmp_path / "t2")]) == 0
    meta = json.load(open(out / "had.json"))
    assert np.allclose(meta["log_step"], [[[-0.1] * 8, [-0.2] * 8]])
    alpha = np.array(meta["alpha"])
    assert np.allclose(alpha, [[2.0, 2.0]])
    for h, step in ((0, -0.1), (1, -0.2)):
        want = [-2.0 * 2.0 / np.sqrt(8) * np.exp(step) * i for i in range(9)]
        assert np.allclose(meta["etab_logit"][0][h], want)
        assert meta["etab_logit"][0][h][0] == 0.0
