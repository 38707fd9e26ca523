# make sweep — design-space grid: every point is generated, simulated (activity capture),
# synthesized, timed and its power estimated, as its own make target, so `make -j N sweep`
# runs points in parallel and points already computed are not recomputed (unless the Verilog
# hadgen makes for them has changed since: below).
#
#   make sweep                                   the full grid below (hours on 2 cores)
#   make sweep SWEEP_D=16 SWEEP_N="4 8" SWEEP_L=64 SWEEP_P=4     a small grid
#   make sweep SWEEP_CORES=had SWEEP_SELECTORS="default merge twostage"   HAD's selectors (default: counting)
#   make sweep SWEEP_SELECTORS="twostage twostage:off"   the two-stage selector with and without its sort cut
#   make sweep SWEEP_AV_FAN="auto off 32"        the AV unit's fan-out stages (hadgen --av-fan) as an axis
#   make sweep-list ...                          the grid's points and their hadgen options, nothing run
#   make sweep SWEEP_NOISE_SALTS="1 2 3"        also each point's noise band: its flow (and K/V load)
#                                                repeated under each SYN_SALT (docs/synth.md)
#   make sweep-results                           results of the points computed so far
#
# Results (hgsweep): $(BUILD)/sweep/results.csv (one row per point, ratios against the baseline,
# plain and counted with each point's K/V load run, at one clock and at equal queries/s, fidelity
# (HAD: the distilled model; post-training in extra columns), Pareto flags), sweep.json, sweep.md,
# plots; `make report` includes the section.
SWEEP_D     ?= 32 64 128
SWEEP_N     ?= 8 16 32 64
SWEEP_L     ?= 256 1024 4096
SWEEP_P     ?= 16
SWEEP_CORES ?= $(HG_CORES)
# top-N selectors the top-N cores are built with at every point: default (each core's own, as
# hadgen builds it without --selector: HAD counting, int8-topn twostage), SELECTOR or
# SELECTOR:SORT_CUT (hadgen --selector, and after a colon --sort-cut auto|on|off, which only
# twostage takes; counting: HAD only, the others skip it). Naming a core's default selector
# besides default builds the same core twice. The baseline has none.
SWEEP_SELECTORS ?= default
# the AV unit's fan-out stages every point is built with (hadgen --av-fan): auto (hadgen's rule: a
# stage for each 64 dimensions above d = 64), off (none), or K (a stage for each K dimensions;
# points with K above their d are left out). Ratios against the baseline are against its auto
# point; the other choices are rows beside each core's auto point (hgsweep's variants section).
SWEEP_AV_FAN ?= auto
sweep_fans := $(foreach f,$(SWEEP_AV_FAN),$(if $(filter auto off,$(f))$(shell [ "$(f)" -ge 1 ] 2>/dev/null && echo y),$(f),\
  $(error SWEEP_AV_FAN: '$(f)' must be auto, off or the dimensions behind each fan-out stage (a positive integer))))
SWEEP_DIR   ?= $(BUILD)/sweep
SWEEP_FLOW_VARS ?=   # extra flow variables for every point, e.g. CAPTURE_CMD=bench
# SYN_SALT seeds of each point's noise repeats (docs/synth.md, "Synthesis noise"); none: no band
SWEEP_NOISE_SALTS ?=
# queries streamed in each point's activity capture: 65536/L clamped to 16..64, so the query
# window is at least ~4k cycles at P=16 and L=4096 does not cost 4x the gate-level simulation
sweep_queries = $(shell l=$(1); q=$$((65536 / l)); [ $$q -gt 64 ] && q=64; [ $$q -lt 16 ] && q=16; echo $$q)

# point names: core-dD-pP-nN-lL for the core's default selector, with -SELECTOR after it for a
# selector named and -SELECTOR-SORT_CUT for SELECTOR:SORT_CUT (the baseline ignores N: one point per (d, P, L)),
# then -fanK or -fanoff for a fan-out other than auto, in the order make starts them: d outermost, so an
# interrupted sweep has whole d columns for every core
sweep_sels = $(if $(filter baseline,$(1)),default,$(filter-out $(if $(filter had,$(1)),,counting counting:%),$(SWEEP_SELECTORS)))
# the fan-out suffixes of d's points: "" for auto, -fanoff, -fanK for K <= d
sweep_fan_sfx = $(foreach f,$(sweep_fans),$(if $(filter auto,$(f)),_,$(if $(filter off,$(f)),-fanoff,\
  $(if $(shell [ $(f) -le $(1) ] && echo y),-fan$(f)))))
sweep_pts = $(foreach d,$(SWEEP_D),$(foreach c,$(SWEEP_CORES),$(foreach p,$(SWEEP_P),$(foreach l,$(SWEEP_L),\
  $(foreach f,$(call sweep_fan_sfx,$(d)),$(subst _,,\
  $(if $(filter baseline,$(c)),$(c)-d$(d)-p$(p)-n$(firstword $(SWEEP_N))-l$(l)$(f),\
  $(foreach n,$(SWEEP_N),$(if $(shell [ $(n) -le $(l) ] && echo y),\
  $(foreach s,$(call sweep_sels,$(c)),$(c)-d$(d)-p$(p)-n$(n)-l$(l)$(if $(filter default,$(s)),,-$(subst :,-,$(s)))$(f)))))))))))
SWEEP_PTS   := $(strip $(sweep_pts))
SWEEP_SUMS  := $(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/reports/summary.json)

# core-dD-pP-nN-lL[-SELECTOR[-SORT_CUT]][-fanK] -> hadgen options
sweep_fan = $(patsubst fan%,%,$(filter fan%,$(subst -, ,$(1))))
sweep_args = $(shell echo $(1) | sed -E 's/-fan([0-9]+|off)$$//; s/^([a-z0-9-]+)-d([0-9]+)-p([0-9]+)-n([0-9]+)-l([0-9]+)(-([a-z]+)(-([a-z]+))?)?$$/--core \1 --d \2 --lanes \3 --top-n \4 --max-keys \5 --selector \7 --sort-cut \9/; s/ --sort-cut $$//; s/ --selector $$//')$(if $(call sweep_fan,$(1)), --av-fan $(call sweep_fan,$(1)))
# a point's L
sweep_l = $(shell echo $(1) | sed -E 's/^.*-l([0-9]+).*$$/\1/')

# A computed point is kept while the RTL hadgen makes for it stays what the point was computed
# from: every make sweep generates it again into rtl.next and compares it with the point's rtl/
# (the command lines in the files' headers aside), and touches the point's rtl.stamp only when
# they differ (or the point is new), which makes the point's flow run again. A change of a
# block (rtl/src) or of the generator thus recomputes exactly the points whose Verilog it
# changes; after a change of the flow itself (synth/, the liberty), remove the points.
SWEEP_STAMPS := $(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/rtl.stamp)
.PHONY: sweep-rtl-check
$(SWEEP_STAMPS): $(SWEEP_DIR)/%/rtl.stamp: sweep-rtl-check | $(HADGEN)
	@d=$(SWEEP_DIR)/$*; mkdir -p $$d && rm -rf $$d/rtl.next && \
	$(HADGEN) $(call sweep_args,$*) --out $$d/rtl.next > /dev/null || exit 1; \
	if [ -d $$d/rtl ] && diff -r -I 'hadgen --core ' $$d/rtl $$d/rtl.next > /dev/null 2>&1; then \
	  [ -f $$d/rtl.stamp ] || touch -d @0 $$d/rtl.stamp; \
	else \
	  [ ! -f $$d/reports/summary.json ] || \
	    echo "== sweep point $*: its RTL differs from the RTL it was computed from: computing it again"; \
	  touch $$d/rtl.stamp; \
	fi; rm -rf $$d/rtl.next

$(SWEEP_DIR)/%/reports/summary.json: $(SWEEP_DIR)/%/rtl.stamp | $(HADGEN) $(HGSYNTH) sim-tools
	@echo "== sweep point $* ($$(echo $(SWEEP_PTS) | tr ' ' '\n' | grep -nx '$*' | cut -d: -f1) of $(words $(SWEEP_PTS)); \
	  $$(n=0; for p in $(SWEEP_PTS); do [ $(SWEEP_DIR)/$$p/reports/summary.json -nt $(SWEEP_DIR)/$$p/rtl.stamp ] \
	  && n=$$((n + 1)); done; echo $$n) done)"
	@mkdir -p $(SWEEP_DIR)/$* && rm -rf $(SWEEP_DIR)/$*/noise-s* # repeats of the netlists it replaces
	$(HADGEN) $(call sweep_args,$*) --out $(SWEEP_DIR)/$*/rtl --force > /dev/null
	@t0=$$(date +%s); \
	OUT_DIR=$(SWEEP_DIR)/$* JOBS=1 CAPTURE_QUERIES=$(call sweep_queries,$(call sweep_l,$*)) $(SWEEP_FLOW_VARS) \
	  synth/flow.sh $(SWEEP_DIR)/$*/rtl > $(SWEEP_DIR)/$*/flow.log 2>&1 \
	  || { echo "sweep point $* failed; last lines of $(SWEEP_DIR)/$*/flow.log:"; tail -20 $(SWEEP_DIR)/$*/flow.log; exit 1; }; \
	echo "   $* done in $$(( $$(date +%s) - t0 ))s"

# Each point's K/V load (docs/synth.md, "K/V load"): its netlists and captures again (REUSE_FROM,
# CAPTURE_CMD=none) over the cycles before the first query, for the counted ratios (hgsweep
# --kv-load: at the flows' clock and at equal queries/s). Seconds a point; redone with its point.
SWEEP_LOADS := $(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/load/reports/summary.json)
$(SWEEP_DIR)/%/load/reports/summary.json: $(SWEEP_DIR)/%/reports/summary.json
	@qs=$$(awk '$$1 == "query_start" {print $$2}' $(SWEEP_DIR)/$*/captures/hg_phase.txt); \
	[ -n "$$qs" ] || { echo "sweep point $*: no query_start in its captures/hg_phase.txt"; exit 1; }; \
	env $(SWEEP_FLOW_VARS) OUT_DIR=$(SWEEP_DIR)/$*/load REUSE_FROM=$(SWEEP_DIR)/$* CAPTURE_CMD=none \
	  CAPTURE_DIR=$(SWEEP_DIR)/$*/captures ACT_WINDOW=0:$$qs JOBS=1 \
	  synth/flow.sh $(SWEEP_DIR)/$*/rtl > $(SWEEP_DIR)/$*/load.log 2>&1 \
	  || { echo "sweep point $*: its K/V load flow failed; last lines of $(SWEEP_DIR)/$*/load.log:"; \
	       tail -20 $(SWEEP_DIR)/$*/load.log; exit 1; }

# Each point's synthesis noise band: for each salt s of SWEEP_NOISE_SALTS, the point's flow again
# under SYN_SALT=s (abc maps a permuted copy of the same logic) on the point's own captures and
# window, in <point>/noise-s<s>, and its K/V load on those netlists, in <point>/noise-s<s>/load;
# hgsweep --noise / --noise-load gives each point the band of its figures and ratios. (These
# rules' stems are shorter than the point rules', so make takes them for these paths.)
sweep_salts := $(foreach s,$(SWEEP_NOISE_SALTS),$(if $(shell [ "$(s)" -ge 1 ] 2>/dev/null && [ "$(s)" -le 999999 ] && echo y),$(s),\
  $(error SWEEP_NOISE_SALTS: '$(s)' is not a seed 1..999999)))
SWEEP_NOISE := $(foreach s,$(sweep_salts),$(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/noise-s$(s)/reports/summary.json))
SWEEP_NOISE_LOADS := $(foreach s,$(sweep_salts),$(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/noise-s$(s)/load/reports/summary.json))
define sweep_noise_rules
$(SWEEP_DIR)/%/noise-s$(1)/reports/summary.json: $(SWEEP_DIR)/%/reports/summary.json
	@echo "== sweep noise: $$* at SYN_SALT=$(1)"
	@env $(SWEEP_FLOW_VARS) OUT_DIR=$(SWEEP_DIR)/$$*/noise-s$(1) SYN_SALT=$(1) CAPTURE_CMD=none \
	  CAPTURE_DIR=$(SWEEP_DIR)/$$*/captures JOBS=1 \
	  synth/flow.sh $(SWEEP_DIR)/$$*/rtl > $(SWEEP_DIR)/$$*/noise-s$(1).log 2>&1 \
	  || { echo "sweep point $$*: its flow at SYN_SALT=$(1) failed; last lines of $(SWEEP_DIR)/$$*/noise-s$(1).log:"; \
	       tail -20 $(SWEEP_DIR)/$$*/noise-s$(1).log; exit 1; }
$(SWEEP_DIR)/%/noise-s$(1)/load/reports/summary.json: $(SWEEP_DIR)/%/noise-s$(1)/reports/summary.json
	@qs=$$$$(awk '$$$$1 == "query_start" {print $$$$2}' $(SWEEP_DIR)/$$*/captures/hg_phase.txt); \
	[ -n "$$$$qs" ] || { echo "sweep point $$*: no query_start in its captures/hg_phase.txt"; exit 1; }; \
	env $(SWEEP_FLOW_VARS) OUT_DIR=$(SWEEP_DIR)/$$*/noise-s$(1)/load REUSE_FROM=$(SWEEP_DIR)/$$*/noise-s$(1) \
	  SYN_SALT=$(1) CAPTURE_CMD=none CAPTURE_DIR=$(SWEEP_DIR)/$$*/captures ACT_WINDOW=0:$$$$qs JOBS=1 \
	  synth/flow.sh $(SWEEP_DIR)/$$*/rtl > $(SWEEP_DIR)/$$*/noise-s$(1)-load.log 2>&1 \
	  || { echo "sweep point $$*: its K/V load flow at SYN_SALT=$(1) failed; last lines of $(SWEEP_DIR)/$$*/noise-s$(1)-load.log:"; \
	       tail -20 $(SWEEP_DIR)/$$*/noise-s$(1)-load.log; exit 1; }
endef
$(foreach s,$(sweep_salts),$(eval $(call sweep_noise_rules,$(s))))

# Fidelity of the grid's N values on the real model (golden models: independent of P and L as
# long as L holds the texts), every figure against the original float model: HAD on the
# distilled model $(MODEL_HAD) (fidelity_distilled_n<N>*.json: the fidelity of the Pareto front),
# HAD post-training, the baseline and int8 + top-N on the original model (fidelity_n<N>*.json).
# Texts: the evaluation sentences (up to 128 tokens) and, for each context length
# c = min(L, SWEEP_MAX_CTX) above 128 in the grid, passages of consecutive evaluation sentences
# cut at c tokens (synth/report/passages.sh: passages_t<c>.txt; files ..._t<c>.json). hgsweep
# gives each point of the model's d the measurement on the longest texts its L holds.
SWEEP_SENTENCES ?= sw/data/sentences_eval.txt
SWEEP_MAX_CTX   ?= 512   # longest input of the model (all-MiniLM-L6-v2: 512 positions)
sweep_ctx   = $(sort $(foreach l,$(SWEEP_L),$(if $(shell [ $(l) -gt 128 ] && echo y),\
  $(if $(shell [ $(l) -gt $(SWEEP_MAX_CTX) ] && echo y),$(SWEEP_MAX_CTX),$(l)))))
SWEEP_FIDS  := $(foreach m,n distilled_n,$(foreach n,$(SWEEP_N),$(SWEEP_DIR)/fidelity_$(m)$(n).json \
  $(foreach t,$(sweep_ctx),$(SWEEP_DIR)/fidelity_$(m)$(n)_t$(t).json)))

$(SWEEP_DIR)/passages_t%.txt: $(SWEEP_SENTENCES) synth/report/passages.sh
	@mkdir -p $(dir $@)
	synth/report/passages.sh $(SWEEP_SENTENCES) $* > $@.tmp
	@mv $@.tmp $@
# a measurement on passages reads its passages file
$(foreach n,$(SWEEP_N),$(foreach t,$(sweep_ctx),$(eval $(SWEEP_DIR)/fidelity_n$(n)_t$(t).json \
  $(SWEEP_DIR)/fidelity_distilled_n$(n)_t$(t).json: $(SWEEP_DIR)/passages_t$(t).txt)))

# stem: N, or N_tC; the model options and backends are the pattern's (below)
define sweep_fid_recipe
@mkdir -p $(dir $@)
@n=$(firstword $(subst _t, ,$*)); t=$(word 2,$(subst _t, ,$*)); \
if [ -z "$$t" ]; then txt=$(SWEEP_SENTENCES); what="evaluation sentences"; lim=""; \
else txt=$(SWEEP_DIR)/passages_t$$t.txt; what="passages cut at $$t tokens"; lim="--max-tokens $$t --max-keys $$t"; fi; \
echo "== sweep fidelity, $(SWEEP_FID_WHAT): N=$$n, $$what"; \
$(HADRUN) $(SWEEP_FID_MODEL) --sentences $$txt $$lim --backend $(SWEEP_FID_BACKENDS) --top-n $$n \
  --quiet --json $@.tmp > /dev/null
@mv $@.tmp $@
endef
$(SWEEP_DIR)/fidelity_n%.json: SWEEP_FID_WHAT = original model
$(SWEEP_DIR)/fidelity_n%.json: SWEEP_FID_MODEL =
$(SWEEP_DIR)/fidelity_n%.json: SWEEP_FID_BACKENDS = golden-had,golden-baseline,golden-int8-topn
$(SWEEP_DIR)/fidelity_n%.json: $(HADRUN) $(SWEEP_SENTENCES) | deps-model
	$(sweep_fid_recipe)
$(SWEEP_DIR)/fidelity_distilled_n%.json: SWEEP_FID_WHAT = distilled HAD
$(SWEEP_DIR)/fidelity_distilled_n%.json: SWEEP_FID_MODEL = --model $(MODEL_HAD)
$(SWEEP_DIR)/fidelity_distilled_n%.json: SWEEP_FID_BACKENDS = golden-had
$(SWEEP_DIR)/fidelity_distilled_n%.json: $(HADRUN) $(SWEEP_SENTENCES) $(MODEL_HAD)/had.json | deps-model
	$(sweep_fid_recipe)

# results.csv, sweep.json, sweep.md, Pareto fronts and plots of this grid's points
$(SWEEP_DIR)/results.csv: $(SWEEP_SUMS) $(SWEEP_LOADS) $(SWEEP_FIDS) $(SWEEP_NOISE) $(SWEEP_NOISE_LOADS) | $(HGSWEEP)
	@echo "== sweep results: hgsweep on $(words $(SWEEP_SUMS)) points$(if $(sweep_salts), and their noise repeats at SYN_SALT $(sweep_salts))"
	@$(HGSWEEP) --out $(SWEEP_DIR) $(addprefix --fidelity ,$(SWEEP_FIDS)) $(addprefix --kv-load ,$(SWEEP_LOADS)) \
	  $(addprefix --noise ,$(SWEEP_NOISE)) $(addprefix --noise-load ,$(SWEEP_NOISE_LOADS)) $(SWEEP_SUMS)

.PHONY: sweep sweep-results sweep-list
sweep: $(SWEEP_DIR)/results.csv

# the grid's points, one a line: its name and the hadgen options it is built with
sweep-list:
	@$(foreach p,$(SWEEP_PTS),echo "$(p): $(call sweep_args,$(p))";)

# the same outputs from the points of the grid computed so far (an interrupted or running sweep)
sweep-results: $(SWEEP_FIDS) | $(HGSWEEP)
	@$(HGSWEEP) --out $(SWEEP_DIR) --expect $(words $(SWEEP_PTS)) $(addprefix --fidelity ,$(SWEEP_FIDS)) \
	  $(addprefix --kv-load ,$(wildcard $(SWEEP_LOADS))) $(addprefix --noise ,$(wildcard $(SWEEP_NOISE))) \
	  $(addprefix --noise-load ,$(wildcard $(SWEEP_NOISE_LOADS))) $(wildcard $(SWEEP_SUMS))
