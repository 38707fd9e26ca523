# sw/distill/distill.mk — distillation of HAD attention into all-MiniLM-L6-v2: the training
# text.
#
#   make distill-corpus   $(BUILD)/distill/corpus.txt (one sentence a line, a blank line
#                         between documents), corpus.json (counts, package versions, sha256)
#                         and corpus.txt.xz, built by sw/distill/corpus.py from WordNet
#                         glosses, fortunes and a sample of the installed man pages; installs
#                         the Debian packages it reads when missing. About 1.5 min; skipped
#                         when the corpus is newer than corpus.py and DISTILL_SEED is unchanged.
#
# Included by the top Makefile after sw/sw.mk: uses BUILD, SUDO and PYTHON (sw/model.mk).

# Seed of the document shuffle and the man page sample; the same seed and the same
# installed packages give a byte-identical corpus.
DISTILL_SEED     ?= 1
DISTILL_DIR      := $(BUILD)/distill

# ---- corpus
# Debian packages the corpus is read from (man-db + groff-base render the man pages).
DISTILL_DEB_PKGS := wordnet-base fortunes man-db groff-base
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
