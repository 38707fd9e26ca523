"""Tests of evaluate.py's rule and argument checks (standard library; no PyTorch, no build)."""
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


def test_paired_counts_swaps_and_the_sign_test_is_exact():
    # the baseline loses 1, 2, 3; the run loses 3, 4: gains 1 and 2, loses 4
    assert evaluate.paired([(3, 0.01), (4, 0.0)], [(1, 0.0), (2, 0.0), (3, 0.01)]) == \
        "2 / 1 (p 1.00)"
    assert evaluate.paired([], []) == "0 / 0 (p 1.00)"
    # 6 against 0: 2 * (1/2)^6 = 0.03125; 62 against 40 (runs t/u of docs/distill.md): 0.037
    assert evaluate.sign_test(6, 0) == pytest.approx(0.03125)
    assert evaluate.sign_test(0, 6) == evaluate.sign_test(6, 0)
    assert evaluate.sign_test(62, 40) == pytest.approx(0.0373, abs=5e-4)
    assert evaluate.sign_test(5, 5) == 1.0


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


def test_lost_neighbours_come_from_hadruns_nn_lost_and_are_counted_by_margin():
    # a hadrun --json backend row: sentences from 1, the teacher's margin of each lost one
    row = {"backend": "golden-had", "nn": [2, 1, 1, 3],
           "nn_lost": [{"sentence": 2, "neighbour": 1, "reference_neighbour": 3,
                        "reference_margin": 0.005},
                       {"sentence": 4, "neighbour": 3, "reference_neighbour": 1,
                        "reference_margin": 0.039}]}
    assert evaluate.lost(row) == [(1, 0.005), (3, 0.039)]
    assert evaluate.lost({"nn_lost": []}) == []
    assert evaluate.margins(evaluate.lost(row)) == "1 / 1 / 0"
    assert evaluate.margins([(0, 0.005), (1, 0.02), (2, 0.039), (3, 0.04)]) == "1 / 2 / 1"


def test_hadrun_command_always_names_the_values():
    c8 = evaluate.hadrun_cmd("m", "s.txt", "h.json", eval_set=True)
    assert c8[:5] == ["build/bin/hadrun", "--model", "m", "--backend", "golden-had,float-had"]
    assert c8[-4:] == ["--v-bits", "8", "--v-scale", "head"]
    c4 = evaluate.hadrun_cmd("m", "s.txt", "h.json", False, 4, "channel")
    assert c4[4] == "golden-had" and c4[-4:] == ["--v-bits", "4", "--v-scale", "channel"]


def test_bad_value_bits_exit_two():
    for bad in (["--v-bits", "9", "r"], ["--v-bits", "1", "r"], ["--v-scale", "row", "r"]):
        with pytest.raises(SystemExit) as e:
            evaluate.main(bad)
        assert e.value.code == 2
