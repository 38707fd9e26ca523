#!/usr/bin/env python3
"""Training text for attention distillation, built only from installed Debian packages.

    python3 sw/distill/corpus.py [--seed 1] [--out build/distill/corpus.txt]

Sources (each a set of "documents", a document being a run of consecutive sentences):

  wordnet   wordnet-base: /usr/share/wordnet/data.{noun,verb,adj,adv}. One document per
            synset: its definition made into a sentence, then its example sentences.
  fortunes  fortunes: /usr/share/games/fortunes/* (not .dat/.u8). One document per record;
            attribution lines and records that look like ascii art or tables are dropped.
  man       the English man pages (/usr/share/man/man{1,5,7,8}) of a fixed list of Debian
            packages (MAN_PACKAGES, base system and documentation packages), rendered with
            man-db/groff; a seeded sample of --man-pages pages, prose paragraphs only. Man
            text is technical, so it is limited to --man-share of the corpus words. Pages of
            other installed packages are never read, so what else a machine has installed
            does not change the corpus.

Sentences: split on . ! ? followed by space and a capital or a quote (not after common
abbreviations or initials), 4..80 words, mostly ASCII letters, starting with a capital
or digit and ending with . ! ?, containing at least one common English function word.
Exact duplicates (case-insensitive) are dropped across the corpus, in source order
(wordnet, fortunes, man). Any sentence equal to, or containing, a sentence of the
evaluation or calibration sets (sw/data/sentences_{eval,calib}.txt), compared in
normalised form (lowercase, letters/digits/spaces only, single spaces), is dropped and
counted. Documents are then shuffled with random.Random(seed); sentence order inside a
document is kept. --max-words caps the total; wordnet and fortunes are taken whole
(a seeded subset when the cap is smaller), man pages fill the rest up to --man-share.

Outputs (each written atomically): FILE (UTF-8, one sentence a line, a blank line between
documents), FILE with .json for .txt (counts per source, package versions, sha256 of
FILE, the command line) and FILE.xz (lzma preset 9). The output is byte-identical for the
same seed and the same versions of the packages read (whatever else is installed): file
lists are sorted, nothing depends on set or hash order, and no timestamps are written.

Size and time, measured here (2 CPU cores; wordnet-base 1:3.0-37, fortunes 1:1.99.1-7.3, the
man pages of MAN_PACKAGES in Debian 12's versions: a pool of 1367 pages, 1026 sampled): wordnet
1.37M words, fortunes 0.30M, man 0.49M (23%); 2.16M words, 13.1 MB, 3.5 MB as .xz. 46 to 50 s
in all: rendering the man pages with 2 processes about 30 s, lzma preset 9 12 s.

Exit status: 0 on success, 2 on a bad option or value or a missing source (the message
names the Debian package to install).
"""

import argparse
import gzip
import hashlib
import json
import lzma
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_EXCLUDE = [os.path.join(REPO_ROOT, "sw", "data", "sentences_eval.txt"),
                   os.path.join(REPO_ROOT, "sw", "data", "sentences_calib.txt")]

WORDNET_DIR = "/usr/share/wordnet"
WORDNET_FILES = ["data.noun", "data.verb", "data.adj", "data.adv"]
FORTUNES_DIR = "/usr/share/games/fortunes"
MAN_ROOT = "/usr/share/man"
# The packages whose man pages the corpus reads (make deps-distill installs them); their
# versions are recorded in the corpus's .json.
MAN_PACKAGES = ["apt", "bash", "binutils-common", "cmake-data", "coreutils", "dpkg",
                "dpkg-dev", "e2fsprogs", "findutils", "gettext", "git-man", "grep",
                "groff-base", "gzip", "iproute2", "less", "libpam-modules", "login", "make",
                "man-db", "manpages", "mount", "openssh-client", "openssl", "passwd", "perl",
                "procps", "sed", "systemd", "tar", "util-linux"]
MAN_SECTIONS = ["man1", "man5", "man7", "man8"]
MAN_SAMPLE_SALT = "man-sample"
# Man page sections whose text is not prose (or is boilerplate repeated across pages).
MAN_SKIP_SECTIONS = {"NAME", "SYNOPSIS", "SEE ALSO", "AUTHOR", "AUTHORS", "COPYRIGHT",
                     "REPORTING BUGS", "EXAMPLE", "EXAMPLES", "FILES", "COLOPHON",
                     "LICENSE", "LICENCE", "COPYING", "AVAILABILITY", "VERSION",
                     "OVERVIEW OF OPTIONS", "OPTIONS SUMMARY", "USAGE"}
# A rendered page may take long (bash, perl pages); a page over this is skipped.
MAN_TIMEOUT_S = 300
# Prose words kept from one page (its first paragraphs), so long pages do not dominate.
MAN_PAGE_WORDS = 4000

MIN_WORDS = 4
MAX_WORDS = 80
FORMAT = "hadgen-corpus-1"

# ---------------------------------------------------------------------------
# Text normalisation and sentence filter

# Typographic characters (groff -Tutf8, WordNet, fortunes) mapped to ASCII.
PUNCT_MAP = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": " - ",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2032": "'", "\u00b4": "'",
    "\u2026": "...", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
    "\u200b": "", "\u00ad": "", "`": "'",
}
PUNCT_TABLE = str.maketrans(PUNCT_MAP)

# Characters a clean prose sentence may hold besides letters, digits and spaces.
ALLOWED_PUNCT = set(".,;:!?'\"()-/$%&")

# Common English function words: a sentence holding none is likely not English prose.
FUNCTION_WORDS = frozenset("""
a an the and or but if of to in on at by for with from as is are was were be been being
am do does did has have had not no it its this that these those he she they we you i me
him her them us my your his their our what which who whom when where why how there here
all any some each than then so can will would should could may might must shall into
about over under up out one
""".split())

# Words after which a period does not end a sentence.
ABBREVIATIONS = frozenset("""
e.g i.e etc vs cf mr mrs ms dr st jr sr prof rev gen col capt lt sgt no nos fig figs
vol vols ed eds approx dept est inc ltd co corp jan feb mar apr jun jul aug sep sept oct
nov dec mt ft al ca resp viz
""".split())

SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
MANREF = re.compile(r"\b([A-Za-z][\w.+-]*)\((\d[a-z]*)\)")
WORD_ALPHA = re.compile(r"[A-Za-z]")
NORM_DROP = re.compile(r"[^a-z0-9 ]+")
SPACES = re.compile(r"\s+")


def clean_text(text):
    """Maps typographic punctuation to ASCII and collapses whitespace; can't fail."""
    text = unicodedata.normalize("NFC", text).translate(PUNCT_TABLE)
    text = text.replace("''", '"')
    return SPACES.sub(" ", text).strip()


def split_sentences(text):
    """Splits cleaned text into sentences at . ! ? followed by a space and a capital,
    digit or opening quote; not after a known abbreviation or a single-letter initial."""
    out = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.start()
        if text[end] == ".":
            words = text[start:end].rsplit(" ", 1)
            last = words[-1].lstrip("\"'([").lower()
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        piece = text[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentence_ok(s):
    """True when s looks like a clean English sentence (see the module docstring)."""
    words = s.split(" ")
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    letters = nonspace = 0
    for ch in s:
        if ch == " ":
            continue
        nonspace += 1
        if "a" <= ch <= "z" or "A" <= ch <= "Z":
            letters += 1
        elif not (ch.isdigit() and ch.isascii()) and ch not in ALLOWED_PUNCT:
            return False
    if letters < 0.8 * nonspace:
        return False
    first = s.lstrip("\"'(")
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return False
    if not re.search(r"[.!?][\"')]*$", s):
        return False
    if s.count('"') % 2 or s.count("(") != s.count(")"):
        return False
    lower = [w.strip(".,;:!?'\"()").lower() for w in words]
    if not any(w in FUNCTION_WORDS for w in lower):
        return False
    # Words without letters (numbers, dashes) or very long tokens suggest code or tables.
    if sum(1 for w in words if not WORD_ALPHA.search(w)) > len(words) // 4:
        return False
    if any(len(w) > 30 for w in words):
        return False
    return True


def normalise(s):
    """Normal form for comparison with the evaluation sets: lowercase, letters, digits
    and single spaces only."""
    return SPACES.sub(" ", NORM_DROP.sub("", s.lower().replace("\t", " "))).strip()


def doc_sentences(paragraphs):
    """Cleaned, filtered sentences of a document given as a list of text paragraphs."""
    out = []
    for p in paragraphs:
        for s in split_sentences(clean_text(p)):
            if sentence_ok(s):
                out.append(s)
    return out


# ---------------------------------------------------------------------------
# WordNet

WN_QUOTE = re.compile(r'"([^"]*)"')
WN_LEAD_PAREN = re.compile(r"^(\([^)]*\)\s*)+")


def as_sentence(fragment):
    """A gloss fragment made into a sentence: capitalised, ending with a full stop."""
    f = fragment.strip().strip(";").strip()
    f = WN_LEAD_PAREN.sub("", f).lstrip(".").strip()
    f = f.rstrip(" ;,:-")
    if not f:
        return ""
    f = f[0].upper() + f[1:]
    if f[-1] not in ".!?":
        f += "."
    return f


def wordnet_documents():
    """One document per synset of data.{noun,verb,adj,adv}: definition, then examples."""
    docs = []
    for name in WORDNET_FILES:
        with open(os.path.join(WORDNET_DIR, name), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  ") or " | " not in line:
                    continue
                gloss = line.split(" | ", 1)[1].strip()
                q = gloss.find('"')
                definition = gloss if q < 0 else gloss[:q]
                parts = [as_sentence(definition)]
                parts += [as_sentence(e) for e in WN_QUOTE.findall(gloss[max(q, 0):])]
                docs.append([p for p in parts if p])
    return docs


# ---------------------------------------------------------------------------
# Fortunes

BOX_DRAWING = re.compile(r"[\u2500-\u259f]|[|_=#*+]{3,}|[\\/]{2,}")


def fortune_record(lines):
    """Paragraphs of one fortune record, or None when it looks like art or a table.
    Attribution lines ("-- Author", and their indented continuation) are dropped;
    wrapped lines are joined, blank lines end a paragraph."""
    kept = []
    in_attribution = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("--"):
            in_attribution = True
            continue
        if in_attribution and line[:1] in (" ", "\t") and stripped:
            continue
        in_attribution = False
        if "\t" in line.lstrip("\t "):
            return None  # tab inside a line: columns, a table
        kept.append(stripped)
    text = "\n".join(kept)
    body = text.replace("\n", "")
    if not body or BOX_DRAWING.search(text):
        return None
    nonspace = [c for c in body if not c.isspace()]
    letters = sum(1 for c in nonspace if c.isalpha())
    if letters < 0.7 * len(nonspace):
        return None
    paragraphs = [" ".join(block.split("\n")) for block in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if p.strip()]


def fortune_documents():
    """One document per record of each fortune file (sorted by name)."""
    docs = []
    for name in sorted(os.listdir(FORTUNES_DIR)):
        path = os.path.join(FORTUNES_DIR, name)
        if name.endswith((".dat", ".u8")) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        record = []
        for line in text.split("\n") + ["%"]:
            if line.rstrip() == "%":
                paragraphs = fortune_record(record) if record else None
                if paragraphs:
                    docs.append(paragraphs)
                record = []
            else:
                record.append(line.rstrip())
    return docs


# ---------------------------------------------------------------------------
# Man pages

MAN_ENV_DROP = ("MANOPT", "MANPAGER", "PAGER", "MAN_KEEP_FORMATTING", "MANROFFOPT",
                "GROFF_SGR", "GROFF_NO_SGR", "MANPATH", "LANGUAGE")
OVERSTRIKE = re.compile(r".\x08")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
OPTION_TAG = re.compile(r"^[-+]\S*\s{2,}(?=[A-Z])")


def man_env():
    """Environment for rendering: fixed locale and width, no user man options."""
    env = {k: v for k, v in os.environ.items() if k not in MAN_ENV_DROP and not k.startswith("LC_")}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", MANWIDTH="1000")
    return env


def is_stub(path):
    """True when a man page file only redirects to another (.so) or is empty."""
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return True
    lines = [ln.strip() for ln in head.split(b"\n") if ln.strip() and not ln.startswith(b".\\\"")]
    return not lines or (lines[0].startswith(b".so ") and len(lines) == 1)


def package_files(package):
    """Paths dpkg lists for an installed package ([] when it is not installed)."""
    try:
        proc = subprocess.run(["dpkg-query", "-L", package], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=False)
    except OSError:
        return []
    return proc.stdout.decode("utf-8", errors="replace").splitlines() if proc.returncode == 0 else []


def man_pool():
    """Sorted list of the real (not symlink, not .so stub) English man page files of
    MAN_SECTIONS that the packages of MAN_PACKAGES install."""
    dirs = {os.path.join(MAN_ROOT, sect) for sect in MAN_SECTIONS}
    pool = set()
    for package in MAN_PACKAGES:
        for path in package_files(package):
            if os.path.dirname(path) in dirs and not os.path.islink(path) and os.path.isfile(path):
                pool.add(path)
    return sorted(pool)


def man_paragraphs(text):
    """Prose paragraphs of a page rendered at width 1000 (one paragraph a line)."""
    out = []
    words_kept = 0
    skip = True
    for raw in text.split("\n"):
        if words_kept >= MAN_PAGE_WORDS:
            break
        if not raw.strip():
            continue
        if not raw[:1].isspace():  # section header or page header/footer
            skip = raw.strip().upper() in MAN_SKIP_SECTIONS or "(" in raw
            continue
        if skip:
            continue
        line = OPTION_TAG.sub("", raw.strip())
        if not line[:1].isupper() or "   " in line:
            continue
        words = line.split()
        if len(words) < 6:
            continue
        nonspace = sum(len(w) for w in words)
        letters = sum(1 for c in line if c.isalpha())
        if letters < 0.75 * nonspace:
            continue
        out.append(MANREF.sub(r"\1", line))
        words_kept += len(words)
    return out


def render_man(path):
    """(path, prose paragraphs) of one man page; an empty list when rendering fails."""
    try:
        proc = subprocess.run(["man", "--nh", "--nj", "-P", "cat", "-l", path],
                              env=man_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=MAN_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return path, []
    text = proc.stdout.decode("utf-8", errors="replace")
    text = ANSI_ESCAPE.sub("", OVERSTRIKE.sub("", text))
    return path, man_paragraphs(text)


def man_family(path):
    """Family of a page: its name up to the first '-', '_' or '.' (gcloud_compute_... ->
    gcloud); one package's many generated pages share a family."""
    return re.split(r"[-_.]", os.path.basename(path), maxsplit=1)[0].lower()


def man_sample(pool, pages, per_family, seed):
    """Seeded sample of at most `pages` real pages, at most `per_family` of one family
    (16000 of the installed pages are gcloud's, nearly all boilerplate), sorted."""
    rng = random.Random(f"{MAN_SAMPLE_SALT}:{seed}")
    order = list(range(len(pool)))
    rng.shuffle(order)
    taken = {}
    sample = []
    for i in order:
        if len(sample) >= pages:
            break
        fam = man_family(pool[i])
        if taken.get(fam, 0) >= per_family or is_stub(pool[i]):
            continue
        taken[fam] = taken.get(fam, 0) + 1
        sample.append(pool[i])
    return sorted(sample)


def man_documents(sample, jobs):
    """One document per man page of sample (rendered with `jobs` processes), in order."""
    docs = []
    if sample:
        with multiprocessing.Pool(jobs) as workers:
            for _, paragraphs in workers.imap(render_man, sample, chunksize=4):
                if paragraphs:
                    docs.append(paragraphs)
    return docs


# ---------------------------------------------------------------------------
# Exclusion of the evaluation and calibration sentences

class Excluder:
    """Finds corpus sentences equal to or containing an excluded sentence, both in
    normalised form; containment is on word boundaries (the words of the excluded
    sentence appear consecutively), so "yes" excludes "Yes, I am." but not "My eyes.".
    Candidates are looked up by their first word."""

    def __init__(self, sentences):
        self.by_first = {}
        for s in sentences:
            n = normalise(s)
            if n:
                self.by_first.setdefault(n.split(" ")[0], []).append(f" {n} ")
        self.exact = 0
        self.contained = 0

    def matches(self, sentence):
        """True when sentence equals or contains one of the excluded sentences; counts
        the match as exact or contained."""
        n = normalise(sentence)
        padded = f" {n} "
        for w in dict.fromkeys(n.split(" ")):
            for e in self.by_first.get(w, ()):
                if e in padded:
                    if len(e) == len(padded):
                        self.exact += 1
                    else:
                        self.contained += 1
                    return True
        return False


def read_excluded(paths):
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            out += [ln.strip() for ln in fh if ln.strip()]
    return out


# ---------------------------------------------------------------------------
# Assembly and output

def dpkg_version(package):
    """Installed version of a Debian package, or "" when not known."""
    try:
        proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    except OSError:
        return ""
    return proc.stdout.decode().strip()


def atomic_write(path, data):
    """Writes bytes to path through a temporary file in the same folder + os.replace."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def int_at_least(lo):
    """argparse type: a whole number >= lo."""
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"{v} is out of range ({lo} or more)")
        return v
    return parse


def share(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0.0 <= v <= 0.9:
        raise argparse.ArgumentTypeError(f"{v} is out of range (0 to 0.9)")
    return v


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Build the distillation training corpus (one sentence a line, a blank "
                    "line between documents) from WordNet glosses, fortunes and man pages.")
    ap.add_argument("--seed", type=int, default=1,
                    help="seed of the document shuffle and the man page sample (default 1)")
    ap.add_argument("--out", default=os.path.join("build", "distill", "corpus.txt"),
                    help="output corpus file; also writes .json and .xz beside it "
                         "(default build/distill/corpus.txt)")
    ap.add_argument("--max-words", type=int_at_least(1), default=5_000_000,
                    help="cap on the total words, about 6 bytes each (default 5000000)")
    ap.add_argument("--man-share", type=share, default=0.34,
                    help="largest fraction of the corpus words from man pages, 0 to 0.9 "
                         "(default 0.34)")
    ap.add_argument("--man-pages", type=int_at_least(0), default=3000,
                    help="man pages sampled and rendered; 0 leaves man pages out (default 3000)")
    ap.add_argument("--man-per-family", type=int_at_least(1), default=40,
                    help="most pages of one family (name up to the first - _ .) in the "
                         "sample (default 40)")
    ap.add_argument("--jobs", type=int_at_least(1), default=2,
                    help="processes rendering man pages (default 2)")
    ap.add_argument("--list-packages", action="store_true",
                    help="print the Debian packages the corpus reads, one a line, and exit")
    ap.add_argument("--exclude", action="append", metavar="FILE",
                    help="sentence file (one a line) kept out of the corpus; repeatable "
                         "(default sw/data/sentences_eval.txt and sentences_calib.txt)")
    return ap.parse_args(argv)


def check_sources(args):
    """Message naming what is missing, or None when every source is present."""
    for name in WORDNET_FILES:
        if not os.path.isfile(os.path.join(WORDNET_DIR, name)):
            return (f"corpus: {WORDNET_DIR}/{name} is missing: install the Debian package "
                    f"wordnet-base (apt-get install wordnet-base)")
    if not os.path.isdir(FORTUNES_DIR):
        return (f"corpus: {FORTUNES_DIR} is missing: install the Debian package fortunes "
                f"(apt-get install fortunes)")
    if args.man_pages > 0:
        if shutil.which("man") is None:
            return "corpus: the man command is missing: install the Debian package man-db"
        missing = [p for p in MAN_PACKAGES if not package_files(p)]
        if missing:
            return (f"corpus: the man pages of {len(missing)} Debian package(s) are read but "
                    f"not installed: {' '.join(missing)} (apt-get install {' '.join(missing)}, "
                    f"or make deps-distill)")
    for p in args.exclude:
        if not os.path.isfile(p):
            return f"corpus: exclusion file {p} is missing"
    return None


def filter_documents(raw_docs, excluder, seen, stats):
    """Sentences of each document after filtering, de-duplication and exclusion; empty
    documents are dropped. `seen` (lowercased sentences) is shared across sources."""
    out = []
    for paragraphs in raw_docs:
        doc = []
        for s in doc_sentences(paragraphs):
            key = s.lower()
            if key in seen:
                continue
            seen.add(key)
            if excluder.matches(s):
                stats["excluded"] += 1
                continue
            doc.append(s)
        if doc:
            out.append(doc)
    return out


def words_of(doc):
    return sum(len(s.split(" ")) for s in doc)


def main(argv):
    t0 = time.monotonic()
    args = parse_args(argv)
    if args.list_packages:
        print("\n".join(["wordnet-base", "fortunes"] + MAN_PACKAGES))
        return 0
    if args.exclude is None:
        args.exclude = DEFAULT_EXCLUDE
    err = check_sources(args)
    if err:
        print(err, file=sys.stderr)
        return 2
    out_txt = args.out
    base, ext = os.path.splitext(out_txt)
    out_json = (base if ext == ".txt" else out_txt) + ".json"
    out_xz = out_txt + ".xz"
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out_txt)), exist_ok=True)
    except OSError as e:
        print(f"corpus: cannot create the folder of {out_txt}: {e.strerror}", file=sys.stderr)
        return 2

    excluder = Excluder(read_excluded(args.exclude))
    seen = set()
    stats = {"excluded": 0}
    sources = [("wordnet", "wordnet-base"), ("fortunes", "fortunes"), ("man", "man-db")]
    docs = {}
    print("corpus: reading wordnet", file=sys.stderr)
    docs["wordnet"] = filter_documents(wordnet_documents(), excluder, seen, stats)
    print("corpus: reading fortunes", file=sys.stderr)
    docs["fortunes"] = filter_documents(fortune_documents(), excluder, seen, stats)
    # Word budgets: wordnet and fortunes whole (up to the cap), man up to its share.
    total_other = sum(words_of(d) for name in ("wordnet", "fortunes") for d in docs[name])
    budget = {}
    left = args.max_words
    for name in ("wordnet", "fortunes"):
        budget[name] = left
        left -= min(left, sum(words_of(d) for d in docs[name]))
    man_cap = int(min(total_other, args.max_words) * args.man_share / (1.0 - args.man_share))
    budget["man"] = min(left, man_cap)

    man_info = {"pool": 0, "rendered": 0}
    docs["man"] = []
    if args.man_pages > 0 and budget["man"] > 0:
        t_man = time.monotonic()
        pool = man_pool()
        sample = man_sample(pool, args.man_pages, args.man_per_family, args.seed)
        print(f"corpus: rendering {len(sample)} man pages with {args.jobs} processes",
              file=sys.stderr)
        man_info["pool"], man_info["rendered"] = len(pool), len(sample)
        raw = man_documents(sample, args.jobs)
        docs["man"] = filter_documents(raw, excluder, seen, stats)
        man_info["seconds"] = round(time.monotonic() - t_man, 1)

    # Shuffle all documents, then keep each while its source's budget allows.
    tagged = [(name, d) for name, _ in sources for d in docs[name]]
    random.Random(args.seed).shuffle(tagged)
    used = {name: 0 for name, _ in sources}
    counts = {name: {"documents": 0, "sentences": 0, "words": 0} for name, _ in sources}
    chunks = []
    for name, d in tagged:
        w = words_of(d)
        if used[name] + w > budget[name]:
            continue
        used[name] += w
        c = counts[name]
        c["documents"] += 1
        c["sentences"] += len(d)
        c["words"] += w
        chunks.append("\n".join(d) + "\n")
    data = "\n".join(chunks).encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()

    atomic_write(out_txt, data)
    t_xz = time.monotonic()
    atomic_write(out_xz, lzma.compress(data, preset=9))
    xz_seconds = time.monotonic() - t_xz

    meta = {
        "format": FORMAT,
        "seed": args.seed,
        "sources": [],
        "documents": sum(c["documents"] for c in counts.values()),
        "sentences": sum(c["sentences"] for c in counts.values()),
        "words": sum(c["words"] for c in counts.values()),
        "bytes": len(data),
        "sha256": sha,
        "excluded_eval_matches": stats["excluded"],
        "excluded_exact": excluder.exact,
        "excluded_containing": excluder.contained,
        "excluded_files": [os.path.relpath(p, REPO_ROOT) if p.startswith(REPO_ROOT + os.sep)
                           else p for p in args.exclude],
        "max_words": args.max_words,
        "man_share": args.man_share,
        "command": " ".join(getattr(sys, "orig_argv", [sys.executable] + sys.argv)),
    }
    for name, package in sources:
        entry = {"name": name, "package": package, "version": dpkg_version(package)}
        entry.update(counts[name])
        if name == "man":
            entry["renderer"] = f"groff-base {dpkg_version('groff-base')}"
            entry["packages"] = {p: dpkg_version(p) for p in MAN_PACKAGES}
            entry["pages_pool"] = man_info["pool"]
            entry["pages_rendered"] = man_info["rendered"]
        meta["sources"].append(entry)
    atomic_write(out_json, (json.dumps(meta, indent=2) + "\n").encode("utf-8"))

    print(f"{'source':<10}{'documents':>11}{'sentences':>11}{'words':>11}")
    for name, _ in sources:
        c = counts[name]
        print(f"{name:<10}{c['documents']:>11}{c['sentences']:>11}{c['words']:>11}")
    print(f"{'total':<10}{meta['documents']:>11}{meta['sentences']:>11}{meta['words']:>11}")
    print(f"bytes     {len(data)} ({out_txt}); xz {os.path.getsize(out_xz)} ({out_xz}, "
          f"{xz_seconds:.1f} s)")
    print(f"sha256    {sha}")
    print(f"excluded  {stats['excluded']} sentences matching the evaluation/calibration sets "
          f"({excluder.exact} equal, {excluder.contained} containing one)")
    if "seconds" in man_info:
        print(f"man       {man_info['rendered']} of {man_info['pool']} pages rendered in "
              f"{man_info['seconds']:.1f} s ({args.jobs} processes)")
    print(f"time      {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
