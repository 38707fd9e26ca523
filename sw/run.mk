# sw/run.mk — the layer runner: attention backends (float, golden and RTL cores),
# calibration, fidelity metrics, stream dumps, and the hadrun CLI (docs/run.md).
#
#   make hadrun        $(BUILD)/bin/hadrun
#   make bench-model   wall time of 32 sentences through RTL HAD and golden HAD (median of 3)
#
# Included from sw/sw.mk, before sim/sim.mk: the simulator library is named by its path,
# not by $(SIM_LIB), which is not defined yet when these rules are read.

RUN_SRCS    := sw/hr_corpus.c sw/hr_calib.c sw/hr_attn.c sw/hr_eval.c sw/hr_dump.c sw/hr_json.c
RUN_OBJS    := $(patsubst sw/%.c,$(BUILD)/obj/sw/%.o,$(RUN_SRCS))
RUN_LIB     := $(BUILD)/lib/libhgrun.a
HADRUN      := $(BUILD)/bin/hadrun
# What the runner links against: model (encoder, tokenizer), simulator (+ golden model).
RUN_DEPLIBS := $(BUILD)/lib/libhgmodel.a $(BUILD)/lib/libhgsim.a
RUN_LIBS    := -lcjson -lm -ldl

# Sentences and repeats of the benchmark.
BENCH_MODEL_SENTENCES ?= 32
BENCH_MODEL_REPEAT    ?= 3

.PHONY: hadrun bench-model
hadrun: $(HADRUN)

$(RUN_OBJS) $(BUILD)/obj/sw/hadrun.o: $(BUILD)/obj/sw/%.o: sw/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -MMD -MP -c $< -o $@

$(RUN_LIB): $(RUN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(HADRUN): $(BUILD)/obj/sw/hadrun.o $(RUN_LIB) $(RUN_DEPLIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(RUN_LIBS)

bench-model: $(HADRUN) deps-model
	@echo "== bench-model: $(BENCH_MODEL_SENTENCES) sentences, all heads on golden HAD and RTL HAD," \
	      "median of $(BENCH_MODEL_REPEAT) runs (simulation built and cached first if needed) =="
	$(HADRUN) --backend golden-had,rtl-had --limit $(BENCH_MODEL_SENTENCES) \
	  --repeat $(BENCH_MODEL_REPEAT) --quiet

# GoogleTest suite (Run*). libhgrun needs the simulator, model and golden libraries, which
# the runner's link line lists before it; naming them again in TEST_LIBS (after it)
# resolves its references whatever the order of TEST_DEPLIBS.
TEST_SRCS    += tests/test_run.cc
TEST_DEPLIBS += $(RUN_LIB)
TEST_LIBS    += $(BUILD)/lib/libhgsim.a $(BUILD)/lib/libhgmodel.a $(BUILD)/lib/libhgcore.a
test-prereqs: $(HADRUN) deps-model

-include $(RUN_OBJS:.o=.d) $(BUILD)/obj/sw/hadrun.d
