# gen/ — the hadgen RTL generator.

HADGEN      := $(BUILD)/bin/hadgen
# The core types, from the list hadgen is built from (sw/base/hg_cores.def; scripts and tests
# ask hadgen --list-cores). Every make variable that lists core types defaults to this.
HG_CORES    := $(shell awk -F'"' '/^HG_CORE/ {print $$2}' sw/base/hg_cores.def)
# The emitter (libhggen); the configuration it emits is sw/base's (libhgbase).
GEN_SRCS    := gen/hg_emit.c gen/hg_emit_blocks.c gen/hg_emit_av.c gen/hg_emit_top.c gen/hg_emit_manifest.c
GEN_OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,$(GEN_SRCS))

.PHONY: hadgen
hadgen: $(HADGEN)

$(GEN_LIB): $(GEN_OBJS)
# the emitter reads the hand-written blocks from rtl/src of this tree ($HADGEN_RTL_SRC overrides)
$(BUILD)/obj/gen/hg_emit.o: EXTRA_CFLAGS = -DHG_SRC_DIR='"$(CURDIR)"'

$(HADGEN): $(BUILD)/obj/gen/hadgen.o $(GEN_LIB) $(BASE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

-include $(GEN_OBJS:.o=.d) $(BUILD)/obj/gen/hadgen.d

# The default cores, committed under rtl/generated/ so a reader can open them without
# building (tests/test_core_hadgen.cc checks they are up to date): the CAMformer operating
# point d=64 P=16 N=32 L=1024, and the MiniLM point d=32 P=8 N=16 L=128.
MINILM_ARGS := --d 32 --lanes 8 --top-n 16 --max-keys 128
.PHONY: rtl
rtl: $(HADGEN)
	@for core in $(HG_CORES); do \
	  $(HADGEN) --core $$core --out rtl/generated/$${core}_d64 && \
	  $(HADGEN) --core $$core $(MINILM_ARGS) --out rtl/generated/$${core}_d32 || exit 1; \
	done
	@echo "rtl/generated: $$(ls rtl/generated | tr '\n' ' ')"

# FuseSoC, to check the hadgen.core files hadgen writes (tests/test_core_hadgen.cc runs its
# lint target through Edalize and Verilator): a virtual environment of its own under
# $(BUILD), so the system Python is left alone. Cheap when present.
FUSESOC_VENV := $(BUILD)/fusesoc
FUSESOC_PIN  ?= fusesoc==2.4.7
.PHONY: deps-fusesoc
deps-fusesoc: | deps
	@[ -x $(FUSESOC_VENV)/bin/fusesoc ] || { echo "== deps-fusesoc: pip install $(FUSESOC_PIN) into $(FUSESOC_VENV)"; \
	  python3 -m venv $(FUSESOC_VENV) && \
	  $(FUSESOC_VENV)/bin/pip install --quiet --disable-pip-version-check $(FUSESOC_PIN); } || \
	  { rm -rf $(FUSESOC_VENV); echo "deps-fusesoc: could not install $(FUSESOC_PIN)"; exit 1; }
test-prereqs: deps-fusesoc
