# sim/ — Verilator simulation of generated cores behind a plain C API (libhgsim).
# Models are built on demand by hs_open() (sim/hs_build.sh) and cached per configuration
# in $(BUILD)/sim/<config>-<variant>/.

SIM_SRCS    := sim/hs_sim.c gen/hg_emit.c
SIM_OBJS    := $(BUILD)/obj/sim/hs_sim.o
SIM_LIB     := $(BUILD)/lib/libhgsim.a

$(BUILD)/obj/sim/hs_sim.o: sim/hs_sim.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -DHG_SRC_DIR='"$(CURDIR)"' -MMD -MP -c $< -o $@

$(SIM_LIB): $(SIM_OBJS) $(BUILD)/obj/sim/hs_vec.o $(BUILD)/obj/gen/hg_emit.o $(BUILD)/obj/gen/hg_config.o $(BUILD)/obj/sw/hm_golden.o \
            $(BUILD)/obj/gen/hg_util.o $(BUILD)/obj/gen/hg_file.o
	@mkdir -p $(dir $@)
	ar rcs $@ $^

TEST_DEPLIBS := $(SIM_LIB) $(TEST_DEPLIBS)
TEST_LIBS    += -lcjson -lm
-include $(SIM_OBJS:.o=.d)

# hgsim: run a core on files of vectors; hgsim_bench: simulation speed.
HGSIM       := $(BUILD)/bin/hgsim
HGSIM_BENCH := $(BUILD)/bin/hgsim_bench
$(BUILD)/obj/sim/%.o: sim/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -MMD -MP -c $< -o $@
$(BUILD)/bin/hgsim $(BUILD)/bin/hgsim_bench: $(BUILD)/bin/%: $(BUILD)/obj/sim/%.o $(SIM_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm -ldl

.PHONY: bench-sim sim-tools
sim-tools: $(HGSIM) $(HGSIM_BENCH)
bench-sim: $(HGSIM_BENCH)
	@echo "== bench-sim: building the default cores' simulations if needed (cached) =="
	$(HGSIM_BENCH) $(BENCH_QUERIES)
test-prereqs: sim-tools
