"""Tests of evaluate.py's rule and argument checks (standard library; no PyTorch, no build)."""
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import evaluate  # noqa: E402

SETS = ["eval", "calib", "heldout"]


def figs(ev, ca, he):
    return {"eval": {"n": 220, "nn": ev}, "calib": {"n": 102, "nn": ca},
            "heldout": {"n": 1000, "nn": he}}


def test_a_run_qualifies_only_above_the_baseline_on_every_selection_set_and_at_the_target():
    base = figs(193, 78, 765)
    assert evaluate.verdict(figs(198, 79, 766), base, SETS, 0.9) == "yes"
    # 0.9 of 220 is 198: one sentence fewer fails, whatever the selection sets say
    assert evaluate.verdict(figs(197, 90, 900), base, SETS, 0.9) == "no: eval 197 < 198"
    # a tie with the baseline is not a gain
    assert evaluate.verdict(figs(200, 78, 766), base, SETS, 0.9) == "no: calib 78 <= 78"
    assert evaluate.verdict(figs(192, 78, 743), base, SETS, 0.9) == \
        "no: calib 78 <= 78, heldout 743 <= 765, eval 192 < 198"
    # without a held-out set the rule uses the sets there are
    assert evaluate.verdict(figs(198, 79, 0), base, SETS[:2], 0.9) == "yes"
    assert evaluate.verdict(figs(220, 79, 0), base, SETS[:2], 1.0) == "yes"


@pytest.mark.parametrize("args, words", [
    (["--target", "1.5", "x"], "--target 1.5: must be a share 0..1"),
    (["--target", "nan", "x"], "must be a share 0..1"),
    (["no-such-run"], "RUN 'no-such-run': no had.json"),
])
def test_bad_arguments_exit_2_naming_the_problem(args, words, capsys):
    with pytest.raises(SystemExit) as e:
        evaluate.main(args)
    assert e.value.code == 2
    assert words in capsys.readouterr().err


def test_neighbours_margins_and_lost_neighbours():
    # unit vectors at angles 0, 10, 25 and 90 degrees: 0's nearest is 1 (margin cos 10 - cos 25)
    def at(deg):
        return [math.cos(math.radians(deg)), math.sin(math.radians(deg))]
    t = [at(0), at(10), at(25), at(90)]
    nb = evaluate.neighbours([[3 * x for x in v] for v in t])      # scale does not matter
    assert [j for j, _ in nb] == [1, 0, 1, 2]
    assert nb[0][1] == pytest.approx(math.cos(math.radians(10)) - math.cos(math.radians(25)))
    # moving 2 to 3 degrees changes every neighbour: 0 -> 2, 1 -> 2, 2 -> 0, 3 -> 1; the
    # teacher margins are cos 10 - cos 25, cos 10 - cos 15 (0.019), cos 15 - cos 25, cos 65 - cos 80
    s = [at(0), at(10), at(3), at(90)]
    lost = evaluate.lost_neighbours(t, s)
    assert [i for i, _ in lost] == [0, 1, 2, 3]
    assert lost[1][1] == pytest.approx(math.cos(math.radians(10)) - math.cos(math.radians(15)))
    assert evaluate.margins(lost) == "0 / 1 / 3"
    assert evaluate.lost_neighbours(t, [[2 * x for x in v] for v in t]) == []
    assert evaluate.margins([(0, 0.005), (1, 0.02), (2, 0.039), (3, 0.04)]) == "1 / 2 / 1"
    # a tie goes to the lower index, as in hadrun
    assert evaluate.neighbours([at(0), at(10), at(-10)])[0][0] == 1


def test_read_embeddings(tmp_path):
    p = tmp_path / "e.txt"
    p.write_text("float 1 0.5 0.25\nfloat 2 1 0\ngolden-had 1 0 1\n")
    assert evaluate.read_embeddings(str(p)) == {"float": [[0.5, 0.25], [1.0, 0.0]],
                                                "golden-had": [[0.0, 1.0]]}
