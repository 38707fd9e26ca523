# synth/ — Yosys + OpenSTA flow: area, timing and activity-based power of generated cores.
#
#   make hgsynth        the flow's helper program ($(BUILD)/bin/hgsynth)
#   make synth          the flow for the default configuration of every core type
#   make synth-report   synth + the comparison report (hgreport: Markdown, JSON, CSV, plots)
#   make bench-synth    wall time and peak memory of the flow per core type
#   make synth-cellcheck  generated cell models vs the library's own models (Icarus)
#   make equiv          formal equivalence of netlists and RTL, small configurations
#   make equiv-rev      a block of rtl/src against another revision of itself (a rewrite)
#   make synth-minilm   the three cores at the MiniLM point (d=32 P=8 N=16 L=128) on one real
#                       attention head (hadrun --dump-streams on synth/data/paragraph.txt)
# Variables of the flow itself (LIB, CLK_PERIOD_NS, SAMPLE, ...): synth/flow.sh --help.

HGSYNTH       := $(BUILD)/bin/hgsynth
SYNTH_SRCS    := $(filter-out synth/src/hgsynth.c,$(wildcard synth/src/*.c))
SYNTH_OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,$(SYNTH_SRCS))
SYNTH_CORES   ?= $(HG_CORES)
# Default configuration (DESIGN.md section 9): d, lanes, top-N, max keys.
SYNTH_D       ?= 64
SYNTH_P       ?= 16
SYNTH_N       ?= 32
SYNTH_L       ?= 1024
SYNTH_RTL     := $(BUILD)/synth/rtl
SYNTH_REPORT  := $(BUILD)/synth/report
SYNTH_LIB     ?= /usr/share/qflow/tech/osu018/osu018_stdcells.lib

.PHONY: hgsynth synth synth-report bench-synth synth-cellcheck synth-minilm

hgsynth: $(HGSYNTH)

$(SYNTH_OBJS) $(BUILD)/obj/synth/src/hgsynth.o: EXTRA_CFLAGS = -Isynth/src
$(HGSYNTH_LIB): $(SYNTH_OBJS)

$(HGSYNTH): $(BUILD)/obj/synth/src/hgsynth.o $(HGSYNTH_LIB) $(BASE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

-include $(SYNTH_OBJS:.o=.d) $(BUILD)/obj/synth/src/hgsynth.d

# unit tests of the flow's arithmetic (no flow run)
TEST_SRCS += tests/test_synth_energy.cc

# Generated RTL of one core type at the synthesis configuration.
$(SYNTH_RTL)/%/manifest.json: $(HADGEN)
	$(HADGEN) --core $* --d $(SYNTH_D) --lanes $(SYNTH_P) --top-n $(SYNTH_N) --max-keys $(SYNTH_L) \
	  --out $(SYNTH_RTL)/$* --force > /dev/null

synth: $(HGSYNTH) $(HGSIM) $(HSPROBES) $(foreach c,$(SYNTH_CORES),$(SYNTH_RTL)/$(c)/manifest.json)
	@set -e; for c in $(SYNTH_CORES); do \
	  echo "== synth: $$c"; LIB=$(SYNTH_LIB) synth/flow.sh $(SYNTH_RTL)/$$c; done

# The comparison is hgreport's (synth/report/hgreport.c, the one report generator): one point.
synth_runs = $(subst $(eval) ,$(comma),$(foreach c,$(SYNTH_CORES),$(BUILD)/synth/$(c)-$(1)))
comma := ,
synth-report: synth $(BUILD)/bin/hgreport
	@mkdir -p $(SYNTH_REPORT)
	$(BUILD)/bin/hgreport --out $(SYNTH_REPORT) --point "d$(SYNTH_D)=synthetic random int8 data (hgsynth \
	  vectors):$(call synth_runs,d$(SYNTH_D)-p$(SYNTH_P)-n$(SYNTH_N)-l$(SYNTH_L))"

bench-synth: $(HGSYNTH) $(HGSIM) $(HSPROBES) $(foreach c,$(SYNTH_CORES),$(SYNTH_RTL)/$(c)/manifest.json)
	@mkdir -p $(BUILD)/synth/bench
	@set -e; for c in $(SYNTH_CORES); do \
	  echo "== bench-synth: $$c"; \
	  /usr/bin/time -v -o $(BUILD)/synth/bench/$$c.time env LIB=$(SYNTH_LIB) synth/flow.sh $(SYNTH_RTL)/$$c \
	    > $(BUILD)/synth/bench/$$c.log 2>&1 || { tail -20 $(BUILD)/synth/bench/$$c.log; exit 1; }; \
	  printf '%-10s wall %s  peak RSS %s kB\n' $$c \
	    "$$(sed -n 's/.*Elapsed (wall clock) time.*: //p' $(BUILD)/synth/bench/$$c.time)" \
	    "$$(sed -n 's/.*Maximum resident set size (kbytes): //p' $(BUILD)/synth/bench/$$c.time)" \
	    | tee -a $(BUILD)/synth/bench/summary.txt; \
	done

synth-cellcheck: $(HGSYNTH)
	@mkdir -p $(BUILD)/synth/cellcheck
	$(HGSYNTH) cells --lib $(SYNTH_LIB) --out $(BUILD)/synth/cellcheck/cells.v \
	  --check-ref $(basename $(SYNTH_LIB)).v --check-dir $(BUILD)/synth/cellcheck
	iverilog -g2005 -o $(BUILD)/synth/cellcheck/cc.vvp $(BUILD)/synth/cellcheck/cells.v \
	  $(BUILD)/synth/cellcheck/ref_cells.v $(BUILD)/synth/cellcheck/cellcheck_tb.v 2>/dev/null
	vvp -n $(BUILD)/synth/cellcheck/cc.vvp > $(BUILD)/synth/cellcheck/result.txt
	@grep -c '^PASS' $(BUILD)/synth/cellcheck/result.txt | sed 's/$$/ cells match the library models/'
	@! grep '^FAIL' $(BUILD)/synth/cellcheck/result.txt

# Real stimulus: one head of all-MiniLM-L6-v2 on a 120-token paragraph, dumped by hadrun
# (keys, values, queries and the head's exp parameters), then the flow per core type. HAD's
# streams come from the distilled model (build/model-had, learned alpha), the int8 cores'
# from the original model, as in make report.
SYNTH_MINILM_HEAD ?= 2:3
SYNTH_MINILM_TEXT ?= synth/data/paragraph.txt
SYNTH_MINILM_CFG  := --d 32 --lanes 8 --top-n 16 --max-keys 128
SYNTH_MINILM_DUMP := $(BUILD)/synth/minilm-streams
synth-minilm: $(HGSYNTH) $(HGSIM) $(HADRUN) $(HADGEN) $(BUILD)/bin/hgreport deps-model model-had
	$(HADRUN) --model $(MODEL_HAD) --sentences $(SYNTH_MINILM_TEXT) --quiet --dump-streams $(SYNTH_MINILM_DUMP) \
	  --dump-heads $(SYNTH_MINILM_HEAD) --backend float,golden-had
	@set -e; for c in $(SYNTH_CORES); do \
	  $(HADGEN) --core $$c $(SYNTH_MINILM_CFG) --out $(BUILD)/synth/rtl-minilm/$$c --force > /dev/null; \
	  echo "== synth-minilm: $$c"; \
	  CAPTURE_DATA=$(SYNTH_MINILM_DUMP)/$$c/l$(subst :,h,$(SYNTH_MINILM_HEAD))/s001 TAG=-minilm \
	    LIB=$(SYNTH_LIB) synth/flow.sh $(BUILD)/synth/rtl-minilm/$$c; done
	@mkdir -p $(BUILD)/synth/report-minilm
	$(BUILD)/bin/hgreport --out $(BUILD)/synth/report-minilm --point "minilm-d32=MiniLM layer:head \
	  $(SYNTH_MINILM_HEAD) on $(SYNTH_MINILM_TEXT):$(call synth_runs,d32-p8-n16-l128-minilm)"

# make equiv: formal equivalence of the flow's own netlists with their RTL for small
# configurations of every core type (synth/equiv_sample.sh: hadgen, synth/flow.sh up to
# yosys, synth/equiv.sh on every logic module: registers matched by name and ABC's &cec,
# or equiv_make/equiv_simple/equiv_induct). EQUIV_CONFIGS: CORE:D:P:N:L[:WB:FB:OF][%VB][/LW][@SEL]
# words (make xsim's); the default keeps the arithmetic small (d=8, one lane, so the
# normalizer divides 3 bits per cycle with one multiplier; narrowest widths), once as it is
# (each core's default selector: HAD counting, int8-topn twostage) and once with 4-bit values
# and, in the top-N cores, the bitonic selector; both top-N cores once more with the merge
# selector; HAD with the two-stage one at 4 lanes, where its sort of 4 candidates is cut by a
# second register (N = 2); the baseline at 4 lanes loading 4 keys a beat (--load-width).
EQUIV_POINT   := 8:1:2:24:8:2:0
EQUIV_CONFIGS ?= $(foreach c,$(HG_CORES),$(c):$(EQUIV_POINT)) \
                 $(foreach c,$(HG_CORES),$(c):$(EQUIV_POINT)%4$(if $(filter baseline,$(c)),,@bitonic)) \
                 had:$(EQUIV_POINT)@merge int8-topn:$(EQUIV_POINT)@merge had:8:4:2:24:8:2:0@twostage \
                 baseline:8:4:2:24:8:2:0/4
export EQUIV_CONFIGS
.PHONY: equiv equiv-rev
equiv: $(HGSYNTH) $(HADGEN)
	HADGEN=$(HADGEN) HGSYNTH=$(HGSYNTH) LIB=$(SYNTH_LIB) EQUIV_ROOT=$(BUILD)/equiv synth/equiv_sample.sh

# make equiv-rev EQUIV_BLOCK=NAME [EQUIV_REV=REV] [EQUIV_PARAMS="N=.. P=..; ..."]
# [EQUIV_RENAME=PATTERN=OLD] [EQUIV_NEW_PARAMS="NAME=.."] [EQUIV_ENGINE=cec|induct]: a block of
# rtl/src against another git revision of itself (default HEAD: the working tree's edits),
# registers matched by name, ABC's &cec or Yosys's equiv_induct (synth/equiv_rev.sh); for a
# rewrite that should not change the function.
equiv-rev:
	EQUIV_DIR=$(BUILD)/equiv-rev synth/equiv_rev.sh

# Tests (tests/test_synth.cc): the flow on a small configuration of every core type;
# (tests/test_synth_reliability.cc): bad input to the flow and hgsynth, on crafted small files.
# (tests/test_equiv.cc): a few netlists of a small HAD core proven equal to their RTL, a
# changed cell caught.
TEST_SRCS += tests/test_synth.cc tests/test_synth_reliability.cc tests/test_equiv.cc
test-prereqs: $(HGSYNTH) $(HADGEN)
