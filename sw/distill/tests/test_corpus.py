"""Tests of corpus.py's man page pool (standard library only)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import corpus  # noqa: E402


def test_man_pool_reads_only_the_listed_packages_english_sections(tmp_path, monkeypatch):
    root = tmp_path / "man"
    for d in ("man1", "man2", "man7", "de/man1"):
        (root / d).mkdir(parents=True)
    files = {
        "man1/ls.1.gz": "real", "man7/regex.7.gz": "real", "man2/open.2.gz": "real",
        "de/man1/ls.1.gz": "real", "man1/other.1.gz": "real",
    }
    for name in files:
        (root / name).write_text(".TH X 1\nText.\n")
    os.symlink(root / "man1/ls.1.gz", root / "man1/dir.1.gz")
    owned = {
        "coreutils": [str(root / p) for p in ("man1/ls.1.gz", "man1/dir.1.gz", "de/man1/ls.1.gz",
                                              "man2/open.2.gz", "man1")],
        "manpages": [str(root / "man7/regex.7.gz"), str(root / "man1/missing.1.gz")],
    }
    monkeypatch.setattr(corpus, "MAN_ROOT", str(root))
    monkeypatch.setattr(corpus, "MAN_PACKAGES", ["coreutils", "manpages"])
    monkeypatch.setattr(corpus, "package_files", lambda p: owned.get(p, []))
    # other.1.gz is installed but belongs to no listed package; dir.1.gz is a link; man2 is
    # not a section read; de/ is not English; missing.1.gz is listed but absent
    assert corpus.man_pool() == [str(root / "man1/ls.1.gz"), str(root / "man7/regex.7.gz")]


def test_a_listed_package_that_is_not_installed_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAN_PACKAGES", ["coreutils", "no-such-package"])
    monkeypatch.setattr(corpus, "package_files", lambda p: ["/x"] if p == "coreutils" else [])
    monkeypatch.setattr(corpus.shutil, "which", lambda name: "/usr/bin/man")

    class Args:
        man_pages = 10
        exclude = []
    for name in corpus.WORDNET_FILES:                                 # WordNet present
        (tmp_path / name).write_text("")
    monkeypatch.setattr(corpus, "WORDNET_DIR", str(tmp_path))
    monkeypatch.setattr(corpus, "FORTUNES_DIR", str(tmp_path))        # fortunes present
    msg = corpus.check_sources(Args())
    assert "1 Debian package(s)" in msg and "apt-get install no-such-package" in msg


def test_list_packages_names_every_source(capsys):
    assert corpus.main(["--list-packages"]) == 0
    out = capsys.readouterr().out.split()
    assert out[:2] == ["wordnet-base", "fortunes"] and out[2:] == corpus.MAN_PACKAGES
