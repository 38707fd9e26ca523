# sw/run/run.mk — the layer runner: attention backends (float, golden and RTL cores),
# calibration, fidelity metrics, stream dumps, distilled models, and the hadrun and hadmodel
# CLIs (docs/run.md, docs/usage.md).
#
#   make hadrun        $(BUILD)/bin/hadrun
#   make hadmodel      $(BUILD)/bin/hadmodel
#   make model-had     $(MODEL_HAD): the distilled model assembled from $(HAD_ARTIFACT)
#   make bench-model   wall time of 32 sentences through RTL HAD and golden HAD (median of 3)
#
# Included from sw/sw.mk, before sim/sim.mk: the simulator library is named by its path,
# not by $(SIM_LIB), which is not defined yet when these rules are read.

RUN_SRCS    := sw/run/hr_corpus.c sw/run/hr_calib.c sw/run/hr_attn.c sw/run/hr_eval.c sw/run/hr_dump.c sw/run/hr_json.c \
               sw/run/hr_hadmodel.c
RUN_OBJS    := $(patsubst sw/%.c,$(BUILD)/obj/sw/%.o,$(RUN_SRCS))
HADRUN      := $(BUILD)/bin/hadrun
HADMODEL    := $(BUILD)/bin/hadmodel
# What the runner links against: model (encoder, tokenizer), simulator (+ golden model).
RUN_DEPLIBS := $(MODEL_LIB) $(SIM_LIB) $(GOLD_LIB) $(GEN_LIB) $(BASE_LIB)
RUN_LIBS    := -lcjson -lcrypto -lm -ldl

# Sentences and repeats of the benchmark.
BENCH_MODEL_SENTENCES ?= 32
BENCH_MODEL_REPEAT    ?= 3

# The distilled model: the recipe's artifact (had.json + changed tensors, sw/distill/), the
# base model it overlays, and the model directory hadmodel assembles from them.
HAD_ARTIFACT ?= sw/distill/model
HAD_BASE     ?= $(BUILD)/model
MODEL_HAD    ?= $(BUILD)/model-had
# Rebuilt when the artifact or the base model's files change (the base files are known only
# once deps-model has linked them; before that the target does not exist either).
HAD_INPUTS   = $(HAD_ARTIFACT)/had.json $(wildcard $(HAD_ARTIFACT)/*.safetensors) \
               $(wildcard $(addprefix $(HAD_BASE)/,config.json model.safetensors vocab.txt))

.PHONY: hadrun hadmodel model-had bench-model bench-sys
hadrun: $(HADRUN)
hadmodel: $(HADMODEL)

$(RUN_LIB): $(RUN_OBJS)

$(HADRUN): $(BUILD)/obj/sw/run/hadrun.o $(RUN_LIB) $(RUN_DEPLIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(RUN_LIBS)

$(HADMODEL): $(BUILD)/obj/sw/run/hadmodel.o $(RUN_LIB) $(RUN_DEPLIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(RUN_LIBS)

ifneq ($(wildcard $(HAD_ARTIFACT)/had.json),)
model-had: $(MODEL_HAD)/had.json
else
model-had:
	$(error model-had: $(HAD_ARTIFACT)/had.json not found (set HAD_ARTIFACT to the directory of a distillation artifact))
endif

# Names the artifact and base the model directory is assembled from. Rewritten only when they
# change (its recipe always runs, through a phony prerequisite), so another HAD_ARTIFACT or
# HAD_BASE reassembles the directory even when its files are older than the directory's.
HAD_SOURCES := $(MODEL_HAD).sources
.PHONY: had-sources-force
$(HAD_SOURCES): had-sources-force
	@mkdir -p $(dir $@)
	@echo '$(abspath $(HAD_ARTIFACT)) $(abspath $(HAD_BASE))' | cmp -s - $@ || \
	  echo '$(abspath $(HAD_ARTIFACT)) $(abspath $(HAD_BASE))' > $@

$(MODEL_HAD)/had.json: $(HADMODEL) $(HAD_INPUTS) $(HAD_SOURCES) | deps-model
	@echo "== model-had: $(HAD_ARTIFACT) over $(HAD_BASE) -> $(MODEL_HAD)"
	$(HADMODEL) --base $(HAD_BASE) --artifact $(HAD_ARTIFACT) --out $(MODEL_HAD)

bench-model: $(HADRUN) deps-model
	@echo "== bench-model: $(BENCH_MODEL_SENTENCES) sentences, all heads on golden HAD and RTL HAD," \
	      "median of $(BENCH_MODEL_REPEAT) runs (simulation built and cached first if needed) =="
	$(HADRUN) --backend golden-had,rtl-had --limit $(BENCH_MODEL_SENTENCES) \
	  --repeat $(BENCH_MODEL_REPEAT) --quiet

# GoogleTest suites (Run*; HadModel*, RunFloatHad, RunDistill, DistillRef).
TEST_SRCS    += tests/test_run.cc tests/test_distill.cc
# The distilled model is assembled only when its artifact is committed.
test-prereqs: $(HADRUN) $(HADMODEL) deps-model $(if $(wildcard $(HAD_ARTIFACT)/had.json),model-had)

-include $(RUN_OBJS:.o=.d) $(BUILD)/obj/sw/run/hadrun.d $(BUILD)/obj/sw/run/hadmodel.d

# make bench-sys: the system model's speed. The evaluation sentences (every head of every
# layer) through sys-had and rtl-had (median of BENCH_SYS_REPEAT runs; target: sys-had at most
# 2x rtl-had), then one synthetic layer of 12 heads x 4096 keys x 4096 queries (hgsys).
BENCH_SYS_REPEAT ?= 3
bench-sys: $(HADRUN) $(BUILD)/bin/hgsys deps-model
	@echo "== bench-sys: the evaluation sentences through sys-had and rtl-had, median of" \
	      "$(BENCH_SYS_REPEAT) runs (models built and cached first if needed) =="
	$(HADRUN) --backend sys-had,rtl-had --repeat $(BENCH_SYS_REPEAT) --quiet > $(BUILD)/bench-sys.log
	@grep '^time' $(BUILD)/bench-sys.log
	@awk '/^time sys-had/{s=$$3; sa=$$6} /^time rtl-had/{r=$$3; ra=$$6} END{printf "ratio sys-had / rtl-had: %.2fx (attention only: %.2fx; target: at most 2x)\n", s/r, sa/ra}' $(BUILD)/bench-sys.log
	@echo "== bench-sys: one layer, 12 heads x 4096 keys x 4096 queries, HAD d=64 P=16 N=32 =="
	$(BUILD)/bin/hgsys --core had --d 64 --lanes 16 --top-n 32 --context 4096 --heads 12
