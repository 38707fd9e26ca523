"""Tests of phrases.py (the everyday sentences of trans-de-en; standard library only)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import corpus  # noqa: E402
import phrases  # noqa: E402

LINES = [
    "# Version :: devel",
    "Abfall {m} | Bitte nehmen Sie Ihren Abfall mit! :: litter | Please take your litter home!",
    "Ahnung {f} | Ich habe keine Ahnung. | Keine Ahnung. :: idea | I have no idea.; "
    "I haven't got a clue [coll.]. | No idea.",
    "etw. tun | Er gab ihm etw. :: to do sth. | He gave sb. a hand.",
    "Zug {m} | Der Zug fährt von Gleis 4. :: train | The train is leaving from platform 4 / "
    "from track 4 [Am.].",
    "Hund {m} | Der Hund bellt laut im Garten. :: dog | The dog barks loudly (in the garden).",
    "Katze {f} | Die Katze schläft auf dem Sofa. :: cat | The cat sleeps on the sofa.",
    "Haus {n} | Das Haus ist alt. :: house | I have no idea.",
]


def test_candidates_lose_labels_and_keep_only_clean_sentences():
    assert phrases.clean_candidate("I haven't got a clue [coll.].") == "I haven't got a clue."
    assert phrases.clean_candidate("The dog barks loudly (in the garden).") == \
        "The dog barks loudly."
    assert phrases.clean_candidate("He gave sb. a hand.") == ""          # placeholder
    assert phrases.clean_candidate("It leaves from platform 4 / from track 4.") == ""
    assert phrases.clean_candidate("No idea.") == ""                     # under 4 words
    assert phrases.clean_candidate("to litter") == ""                    # not a sentence
    assert phrases.clean_candidate("What\u2019s your favourite colour?") == \
        "What's your favourite colour?"
    assert phrases.line_sentences(LINES[2]) == ["I have no idea.", "I haven't got a clue."]
    assert phrases.line_sentences(LINES[0]) == []


def test_build_dedups_excludes_and_holds_out_whole_documents():
    ex = corpus.Excluder(["The cat sleeps on the sofa."])
    train, held, stats = phrases.build(LINES, ex, 1, 1, set())
    every = [s for d in train for s in d] + held
    assert "The cat sleeps on the sofa." not in every and stats["excluded"] == 1
    assert every.count("I have no idea.") == 1 and stats["duplicates"] == 1
    assert sorted(every) == sorted(["Please take your litter home!", "I have no idea.",
                                    "I haven't got a clue.", "The dog barks loudly."])
    assert 1 <= len(held) <= 2 and not set(held) & {s for d in train for s in d}
    if "I have no idea." in held:              # a document is held out whole
        assert "I haven't got a clue." in held
    # a held-out sentence that the main corpus holds is left out of the held-out set
    norm = {corpus.normalise(s) for s in held}
    _, held2, stats2 = phrases.build(LINES, ex, 1, 1, norm)
    assert not set(held2) & set(held) and stats2["heldout_in_corpus"] == len(held)
    # the same seed gives the same split
    assert phrases.build(LINES, ex, 1, 1, set())[:2] == (train, held)


def test_main_writes_training_file_heldout_set_and_json(tmp_path):
    d = tmp_path / "de-en"
    d.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    ex = tmp_path / "ex.txt"
    ex.write_text("The cat sleeps on the sofa.\n")
    out = tmp_path / "phrases.txt"
    assert phrases.main(["--dict", str(d), "--out", str(out), "--heldout", "1", "--corpus", "",
                         "--exclude", str(ex)]) == 0
    meta = json.loads((tmp_path / "phrases.json").read_text())
    held = (tmp_path / "phrases-heldout.txt").read_text().splitlines()
    assert meta["heldout"]["sentences"] == len(held) >= 1
    assert meta["sentences"] + len(held) == 4 and meta["excluded_eval_matches"] == 1
    import hashlib
    import lzma
    data = out.read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert lzma.decompress((tmp_path / "phrases.txt.xz").read_bytes()) == data
    assert phrases.main(["--dict", str(tmp_path / "none"), "--out", str(out)]) == 2
