# sim/ — Verilator simulation of generated cores behind a plain C API (libhgsim).
# Models are built on demand by hs_open() (sim/hs_build.sh) and cached per configuration
# in $(BUILD)/sim/<config>-<variant>/.

SIM_OBJS    := $(BUILD)/obj/sim/hs_sim.o $(BUILD)/obj/sim/hx_sim.o $(BUILD)/obj/sim/hs_vec.o \
               $(BUILD)/obj/sim/hs_probes.o \
               $(BUILD)/obj/sim/sys/ss_sys.o $(BUILD)/obj/sim/sys/ss_dram.o
$(BUILD)/obj/sim/hs_sim.o: EXTRA_CFLAGS = -DHG_SRC_DIR='"$(CURDIR)"'
$(BUILD)/obj/sim/hx_sim.o: EXTRA_CFLAGS = -DHG_SRC_DIR='"$(CURDIR)"' -DHX_VPI_DIR='"$(abspath $(BUILD))/lib"'
$(SIM_LIB): $(SIM_OBJS)

# hx_sim: the second simulator (Icarus Verilog) for hgxsim; vvp loads hx_vpi.vpi (initial
# state of the Verilator models). The VPI module is built with its own compiler variable:
# it is loaded into vvp, which carries no sanitizer runtime (make test-asan).
HX_VPI      := $(BUILD)/lib/hx_vpi.vpi
HX_VPI_CC   ?= cc
$(HX_VPI): sim/hx_vpi.c | deps
	@mkdir -p $(dir $@)
	$(HX_VPI_CC) -std=gnu11 $(OPT) $(WARN_C) -fPIC -shared -I/usr/include/iverilog $< -o $@

-include $(SIM_OBJS:.o=.d)

# hgsys: a synthetic attention layer through the system model (sim/sys/: the cores verilated
# with --sc in a SystemC model with K/V buffers, DMA and DRAM; built per configuration at run
# time by sim/sys/ss_build.sh, like the bare cores' simulations).
HGSYS       := $(BUILD)/bin/hgsys
$(HGSYS): $(BUILD)/obj/sim/sys/hgsys.o $(SIM_LIB) $(GOLD_LIB) $(GEN_LIB) $(BASE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm -ldl
-include $(BUILD)/obj/sim/sys/hgsys.d
# tests/test_sys.cc: the system model against the bare core and the golden model, its roofline,
# its errors.
TEST_SRCS += tests/test_sys.cc

# hgsim: run a core on files of vectors; hgsim_bench: simulation speed; hgxsim: the same
# vectors under Icarus Verilog and Verilator, compared bit for bit (hx_sim.c, hx_tb.v);
# hsprobes: a core's probes for a bench of one's own (the power flow's Icarus capture bench).
HGSIM       := $(BUILD)/bin/hgsim
HGSIM_BENCH := $(BUILD)/bin/hgsim_bench
HGXSIM      := $(BUILD)/bin/hgxsim
HSPROBES    := $(BUILD)/bin/hsprobes
$(BUILD)/bin/hgsim $(BUILD)/bin/hgsim_bench $(BUILD)/bin/hgxsim $(BUILD)/bin/hsprobes: $(BUILD)/bin/%: \
    $(BUILD)/obj/sim/%.o $(SIM_LIB) \
    $(GOLD_LIB) $(GEN_LIB) $(BASE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm -ldl
-include $(patsubst %,$(BUILD)/obj/sim/%.d,hgsim hgsim_bench hgxsim hsprobes)

.PHONY: bench-sim sim-tools
sim-tools: $(HGSIM) $(HGSIM_BENCH) $(HGXSIM) $(HSPROBES) $(HX_VPI) $(HGSYS)
bench-sim: $(HGSIM_BENCH)
	@echo "== bench-sim: building the default cores' simulations if needed (cached) =="
	$(HGSIM_BENCH) $(BENCH_QUERIES)
test-prereqs: sim-tools

# make xsim: the second simulator (Icarus Verilog) against Verilator on a sample of
# configurations, every data set of hgxsim with and without stalls (sim/xsim.sh prints one
# line per configuration and the totals). XSIM_CONFIGS: CORE:D:P:N:L[:WB:FB:OF][%VB][/LW][@SEL[:CUT]]
# words; the default is the RTL suite's edge configurations of every core type (smallest and
# largest d, N = 1, N = L, P = 1, P = L, L not a multiple of P, narrowest and widest widths),
# the MiniLM point and the default point (their Verilator builds are cached by make test), each
# core with its default selector (HAD counting, int8-topn twostage), and the top-N cores' edge
# configurations and MiniLM point with the bitonic and the merge selector (and HAD's with the
# two-stage one; the two-stage one also with its sort cut forced, on and off, where auto would
# not and would cut it), and every
# core with narrower values (--v-bits 4, 5, 2) at four of the edge configurations and the
# MiniLM point, and every core loading several keys a beat (--load-width: one beat a row at
# P = L and at the MiniLM point, 2 and 4 keys at three more edge configurations).
XSIM_EDGE    := 8:1:1:8 256:2:4:12 16:4:20:20 32:1:3:12 16:8:8:8 24:3:5:31 16:4:1:16 \
                16:4:6:40:8:2:0 16:4:6:40:20:8:12 32:8:16:128 64:16:32:1024
XSIM_SEL     := 8:1:1:8 256:2:4:12 16:4:20:20 32:1:3:12 16:8:8:8 24:3:5:31 16:4:1:16 32:8:16:128
XSIM_VB      := 16:8:8:8%4 24:3:5:31%5 16:4:6:40:8:2:0%2 32:8:16:128%4
XSIM_LW      := 16:8:8:8%4/8 16:4:1:16/2 16:4:6:40:20:8:12/4 16:4:20:20/2 32:8:16:128/8
XSIM_CONFIGS ?= $(foreach c,$(HG_CORES),$(addprefix $(c):,$(XSIM_EDGE))) \
                $(foreach c,had int8-topn,$(addsuffix @bitonic,$(addprefix $(c):,$(XSIM_SEL)))) \
                $(foreach c,had int8-topn,$(addsuffix @merge,$(addprefix $(c):,$(XSIM_SEL)))) \
                $(addsuffix @twostage,$(addprefix had:,$(XSIM_SEL))) \
                had:24:3:5:31@twostage:on int8-topn:32:8:16:128@twostage:on \
                had:16:8:8:8@twostage:off had:32:8:16:128@twostage:off \
                $(foreach c,$(HG_CORES),$(addprefix $(c):,$(XSIM_VB))) \
                $(foreach c,$(HG_CORES),$(addprefix $(c):,$(XSIM_LW)))
XSIM_COUNT   ?= 8
export XSIM_CONFIGS XSIM_COUNT
.PHONY: xsim
xsim: $(HGXSIM) $(HX_VPI)
	HGXSIM=$(HGXSIM) XSIM_LOG=$(BUILD)/xsim/xsim.log sim/xsim.sh

# tests/test_xsim.cc: a few configurations under both simulators; a wrong core, an x on a
# handshake and a stalled stream are caught.
TEST_SRCS += tests/test_xsim.cc
