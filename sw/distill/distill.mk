# sw/distill/distill.mk — distillation of HAD attention into all-MiniLM-L6-v2: the training
# text.
#
#   make distill-corpus   $(BUILD)/distill/corpus.txt (one sentence a line, a blank line
#                         between documents), corpus.json (counts, package versions, sha256)
#                         and corpus.txt.xz, built by sw/distill/corpus.py from WordNet
#                         glosses, fortunes and a sample of the man pages of a fixed list of
#                         packages; installs the Debian packages it reads when missing
#                         (corpus.py --list-packages). About 1 min; skipped
#                         when the corpus is newer than corpus.py and DISTILL_SEED is unchanged.
#
# Included by the top Makefile after sw/sw.mk: uses BUILD, SUDO and PYTHON (sw/model/model.mk).

# Seed of the document shuffle and the man page sample; the same seed and the same
# versions of the packages read give a byte-identical corpus.
DISTILL_SEED     ?= 1
DISTILL_DIR      := $(BUILD)/distill

# ---- corpus
# Debian packages the corpus is read from (their one list: corpus.py; man-db and groff-base,
# among them, render the man pages).
DISTILL_DEB_PKGS = $(shell $(PYTHON) sw/distill/corpus.py --list-packages)
DISTILL_CORPUS   := $(DISTILL_DIR)/corpus.txt
# Holds the seed of the last build; rewritten only when DISTILL_SEED changes, so a new
# seed rebuilds the corpus and an unchanged one does not.
DISTILL_SEED_STAMP := $(DISTILL_DIR)/corpus.seed

.PHONY: distill-corpus deps-distill distill-seed-force
distill-corpus: $(DISTILL_CORPUS)

deps-distill:
	@missing=""; for p in $(DISTILL_DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "== deps-distill: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Its recipe always runs (phony prerequisite) but touches the file only on a change.
$(DISTILL_SEED_STAMP): distill-seed-force
	@mkdir -p $(dir $@)
	@echo '$(DISTILL_SEED)' | cmp -s - $@ || echo '$(DISTILL_SEED)' > $@

$(DISTILL_CORPUS): sw/distill/corpus.py $(DISTILL_SEED_STAMP) | deps-distill
	@echo "== distill-corpus: training text, seed $(DISTILL_SEED) =="
	$(PYTHON) sw/distill/corpus.py --seed $(DISTILL_SEED) --out $@

# ---- everyday sentences (optional second corpus, had_distill.py --corpus2)
#
#   make distill-phrases  $(DISTILL_DIR)/phrases.txt (+ .xz, .json) and phrases-heldout.txt:
#                         the English example sentences of the Debian package trans-de-en
#                         (sw/distill/phrases.py; 16,798 for training, 1,000 held out as a
#                         selection set; a few seconds). Installs trans-de-en when missing.
DISTILL_PHRASES := $(DISTILL_DIR)/phrases.txt

.PHONY: distill-phrases
distill-phrases: $(DISTILL_PHRASES)

$(DISTILL_PHRASES): sw/distill/phrases.py sw/distill/corpus.py $(DISTILL_CORPUS)
	@dpkg-query -W -f='$${Status}' trans-de-en 2>/dev/null | grep -q 'install ok installed' || { \
	  echo "== distill-phrases: installing Debian package trans-de-en"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq trans-de-en; }
	$(PYTHON) sw/distill/phrases.py --seed $(DISTILL_SEED) --out $@ --corpus $(DISTILL_CORPUS)

# ---- training (needs PyTorch, safetensors, tokenizers: a GPU machine, or a CPU slowly)
#
#   make distill        runs the recipe (sw/distill/had_distill.py) with the committed
#                       artifact's settings and writes $(DISTILL_OUT): had_minilm.safetensors,
#                       had.json (alpha, N, recipe, seed, command, corpus hash, fidelity after
#                       each stage), train_log.csv, loss.png, fidelity.csv, train.log and the
#                       student reference distill_student.json. About 8 min on one H200;
#                       on CPU about 0.8 s a step on 16 cores (hours; docs/distill.md).
#                       To adopt a run: copy its had.json, had_minilm.safetensors,
#                       train_log.csv, loss.png, fidelity.csv, train.log to sw/distill/model/
#                       and distill_student.json to tests/ref/.
#   make test-distill   the recipe's pytest suite (sw/distill/tests; needs PyTorch)
#   make distill-tune   the second phase: a fine-tune of $(DISTILL_OUT) (DISTILL_TUNE_INIT)
#                       -> $(DISTILL_TUNE_OUT) with DISTILL_TUNE_ARGS (docs/distill.md)
#   make distill-carry  compact copies of the base model for a machine reached over a
#                       size-limited channel (carry.py: $(DISTILL_DIR)/carry-small for
#                       training, carry-ref for the reference; docs/distill.md)
#   make distill-plot   loss.png of the committed artifact's train_log.csv (gnuplot)

# The base (teacher) model directory; a carry.py copy works too (then give
# DISTILL_BASE_SHA256, the sha256 of the original model.safetensors, recorded in had.json).
DISTILL_BASE   ?= $(BUILD)/model
DISTILL_BASE_SHA256 ?= $(shell f=$(DISTILL_BASE)/model.safetensors; [ -f $$f ] && \
                          ! head -c 4096 $$f | grep -q carry-1 && sha256sum $$f | cut -d' ' -f1)
# Corpus file (corpus.txt or its .xz copy) and the sha256 of corpus.txt.
DISTILL_CORPUS_IN ?= $(DISTILL_CORPUS)
DISTILL_OUT    ?= $(DISTILL_DIR)/run
# The committed artifact's recipe (sw/distill/model/had.json "command", docs/distill.md).
# The everyday sentences it draws half of its short samples from (make distill-phrases; a
# copy such as phrases.txt.xz works too).
DISTILL_PHRASES_IN ?= $(DISTILL_PHRASES)
DISTILL_ARGS   ?= --train all --lr 1e-4 --frag-frac 0.25 --batch 256 --long-batch 32 \
                  --corpus2 $(DISTILL_PHRASES_IN) --corpus2-frac 0.5 --steps 797,797,5312,1594 --seed $(DISTILL_SEED)
DISTILL_REF    ?= --ref-sentences sw/data/sentences_eval.txt --ref-count 24

# The second phase (make distill-tune): a fine-tune of the first phase's model at a fifth of
# the learning rate with the in-batch neighbour loss (docs/distill.md, runs ya and za: measured,
# not adopted).
DISTILL_TUNE_INIT ?= $(DISTILL_OUT)
DISTILL_TUNE_OUT  ?= $(DISTILL_DIR)/run-tune
DISTILL_TUNE_ARGS ?= --train all --lr 2e-5 --warmup 500 --frag-frac 0.25 --batch 256 --long-batch 32 \
                     --corpus2 $(DISTILL_PHRASES_IN) --corpus2-frac 0.5 --nn-weight 3 \
                     --steps 0,0,0,7500 --seed 21

# $(call distill_run,OUT,ARGS): checks, had_distill.py, the loss plot.
define distill_run
	@$(PYTHON) -c 'import torch, safetensors, tokenizers' 2>/dev/null || { echo \
	  "distill: needs PyTorch, safetensors and tokenizers (pip); not installed for $(PYTHON)"; exit 2; }
	@[ -f $(DISTILL_BASE)/model.safetensors ] || { echo "distill: $(DISTILL_BASE): no model" \
	  "(make deps-model, or DISTILL_BASE=a carry.py copy)"; exit 2; }
	@echo "== $@: $(DISTILL_BASE) -> $(1) ($(2)) =="
	$(PYTHON) sw/distill/had_distill.py --base $(DISTILL_BASE) --corpus $(DISTILL_CORPUS_IN) \
	  $(if $(DISTILL_BASE_SHA256),--base-sha256 $(DISTILL_BASE_SHA256)) \
	  --out $(1) $(DISTILL_REF) $(2)
	@if command -v gnuplot >/dev/null; then \
	  $(MAKE) --no-print-directory distill-plot DISTILL_PLOT_DIR=$(1); \
	else echo "$@: no gnuplot here: make distill-plot DISTILL_PLOT_DIR=<copy of $(1)>"; fi
endef

.PHONY: distill distill-tune test-distill distill-carry distill-plot
distill: | $(DISTILL_CORPUS_IN) $(DISTILL_PHRASES_IN)
	$(call distill_run,$(DISTILL_OUT),$(DISTILL_ARGS))

distill-tune: | $(DISTILL_CORPUS_IN) $(DISTILL_PHRASES_IN)
	@[ -f $(DISTILL_TUNE_INIT)/had.json ] || { echo "distill-tune: $(DISTILL_TUNE_INIT): no had.json" \
	  "(make distill first, or DISTILL_TUNE_INIT=an artifact directory)"; exit 2; }
	$(call distill_run,$(DISTILL_TUNE_OUT),--init $(DISTILL_TUNE_INIT) $(DISTILL_TUNE_ARGS))

test-distill:
	cd sw/distill && $(PYTHON) -m pytest -q -p no:cacheprovider tests

# The two copies a GPU machine behind a 64 MB channel is sent (docs/distill.md): carry-small
# for training (int8 word-embedding rows of the tokens of both corpora), carry-ref for the
# student reference (exact rows of the reference sentences, without the artifact's tensors).
distill-carry: deps-model $(DISTILL_CORPUS) $(DISTILL_PHRASES)
	$(PYTHON) sw/distill/carry.py --mode small --corpus $(DISTILL_CORPUS) --corpus $(DISTILL_PHRASES) \
	  --model $(BUILD)/model --out $(DISTILL_DIR)/carry-small sw/data/sentences_eval.txt sw/data/sentences_calib.txt
	head -n 24 sw/data/sentences_eval.txt > $(DISTILL_DIR)/ref-sentences.txt
	$(PYTHON) sw/distill/carry.py --mode exact --model $(BUILD)/model --out $(DISTILL_DIR)/carry-ref \
	  --without sw/distill/model/had_minilm.safetensors $(DISTILL_DIR)/ref-sentences.txt

DISTILL_PLOT_DIR ?= sw/distill/model
distill-plot:
	@command -v gnuplot >/dev/null || { echo "distill-plot: gnuplot missing (make deps)"; exit 2; }
	gnuplot -e "dir='$(DISTILL_PLOT_DIR)'" sw/distill/loss.gp
