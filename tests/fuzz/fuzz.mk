# tests/fuzz/ — libFuzzer targets for every reader of files and command lines a user hands
# the tools (docs/reliability.md, "Fuzzing"). One target per file tests/fuzz/fz_<name>.c,
# linked with the sources it reads through, all built with clang, libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer (every report fatal). Committed seeds: tests/fuzz/corpus/<name>.
#
#   make fuzz          builds every target into $(BUILD)/fuzz and runs each, one after the other,
#                      for FUZZ_RUNS executions (FUZZ_SECONDS > 0: at most that many seconds)
#                      from its committed corpus plus what earlier runs added
#                      ($(BUILD)/fuzz/corpus/<name>); prints executions, exec/s, findings and
#                      corpus size per target. A finding (crash, sanitizer report, leak, hang,
#                      out of memory) fails the target; the input is in $(BUILD)/fuzz/findings/<name>.
#   make fuzz-smoke    every target briefly (FUZZ_SMOKE_RUNS executions, at most
#                      FUZZ_SMOKE_SECONDS seconds each) from the committed corpus; make test runs it.
#   make fuzz-build    the targets only.
#   FUZZ_TARGETS=...   a subset, e.g. make fuzz FUZZ_TARGETS="safetensors vocab".
# A finding is replayed with  $(BUILD)/fuzz/fz_<name> FILE.

FUZZ_CC            ?= clang-14
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_RUNS          ?= 10000000
FUZZ_SECONDS       ?= 0
FUZZ_SMOKE_RUNS    ?= 20000
FUZZ_SMOKE_SECONDS ?= 8
FUZZ_ALL           := hadgen safetensors bert_config vocab sentences hgsim_vectors manifest liberty \
                      netlist synth_reports summary
FUZZ_TARGETS       ?= $(FUZZ_ALL)

# Sanitizers: every report ends the run (a finding), none is only printed.
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARN_C) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -Igen -Isw/base -Isw/golden -Isw/model -Isw/run -Isim -Isynth/src -Isynth/report -Itests/fuzz

# Sources of each target besides tests/fuzz/fz_<name>.c and fz_util.c (GEN_SRCS: gen/gen.mk,
# the emitter; FZ_BASE: sw/base, the base library).
FZ_BASE      := sw/base/hg_config.c sw/base/hg_util.c sw/base/hg_file.c sw/base/hg_manifest.c
FZ_SYNTH    := $(filter-out synth/src/hgsynth.c,$(wildcard synth/src/*.c))
FZ_SRCS_hadgen        := $(GEN_SRCS) $(FZ_BASE) gen/hadgen.c
FZ_SRCS_safetensors   := $(FZ_BASE) sw/model/st_safetensors.c
FZ_SRCS_bert_config   := $(FZ_BASE) sw/model/bert_config.c
FZ_SRCS_vocab         := $(FZ_BASE) sw/model/tok_wordpiece.c
FZ_SRCS_sentences     := $(FZ_BASE) sw/model/tok_wordpiece.c sw/run/hr_corpus.c
FZ_SRCS_hgsim_vectors := $(FZ_BASE) sw/golden/hm_golden.c sim/hs_vec.c
FZ_SRCS_manifest      := $(GEN_SRCS) $(FZ_BASE) synth/src/sy_manifest.c synth/src/sy_util.c synth/src/sy_io.c \
                         sim/hs_probes.c
FZ_SRCS_liberty       := synth/src/sy_lib.c synth/src/sy_cells.c synth/src/sy_bool.c synth/src/sy_util.c \
                         synth/src/sy_io.c
FZ_SRCS_netlist       := synth/src/sy_netlist.c synth/src/sy_util.c synth/src/sy_io.c
# synth_reports and summary include the command's source (its readers are static to it).
FZ_SRCS_synth_reports := $(filter-out synth/src/sy_cmd_summary.c,$(FZ_SYNTH)) $(FZ_BASE)
FZ_SRCS_summary       := synth/report/rp_util.c $(FZ_BASE)

FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),$(FUZZ_DIR)/fz_$(t))

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh full $(FUZZ_DIR) $(FUZZ_TARGETS)

fuzz-smoke: $(FUZZ_BINS)
	FUZZ_RUNS=$(FUZZ_SMOKE_RUNS) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) tests/fuzz/run.sh smoke $(FUZZ_DIR) $(FUZZ_TARGETS)

# Objects: every source once, instrumented for coverage; hadgen.c with its main renamed.
$(FUZZ_DIR)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/gen/hadgen.o: FUZZ_CFLAGS += -Dmain=hadgen_main -Wno-missing-prototypes

# One binary per target: its file, fz_util and its sources.
define FZ_LINK
$(FUZZ_DIR)/fz_$(1): $(FUZZ_DIR)/obj/tests/fuzz/fz_$(1).o $(FUZZ_DIR)/obj/tests/fuzz/fz_util.o \
                     $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FZ_SRCS_$(1)))
	$$(FUZZ_CC) $$(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ -lcjson -lm
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FZ_LINK,$(t))))

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
