# make sweep — design-space grid: every point is generated, simulated (activity capture),
# synthesized, timed and its power estimated, as its own make target, so `make -j N sweep`
# runs points in parallel and points already computed are not recomputed.
#
#   make sweep                                   the full grid below (hours on 2 cores)
#   make sweep SWEEP_D=16 SWEEP_N="4 8" SWEEP_L=64 SWEEP_P=4     a small grid
#
# Results: $(BUILD)/sweep/results.csv (one line per point); `make report` plots it when present.
SWEEP_D     ?= 32 64 128
SWEEP_N     ?= 8 16 32 64
SWEEP_L     ?= 256 1024 4096
SWEEP_P     ?= 16
SWEEP_CORES ?= had baseline int8-topn
SWEEP_DIR   := $(BUILD)/sweep

# point names: core-dD-pP-nN-lL (the baseline ignores N: one point per (d, P, L))
sweep_pts = $(foreach c,$(SWEEP_CORES),$(foreach d,$(SWEEP_D),$(foreach p,$(SWEEP_P),$(foreach l,$(SWEEP_L),\
  $(if $(filter baseline,$(c)),$(c)-d$(d)-p$(p)-n$(firstword $(SWEEP_N))-l$(l),\
  $(foreach n,$(SWEEP_N),$(if $(shell [ $(n) -le $(l) ] && echo y),$(c)-d$(d)-p$(p)-n$(n)-l$(l))))))))
SWEEP_PTS   := $(strip $(sweep_pts))
SWEEP_SUMS  := $(foreach p,$(SWEEP_PTS),$(SWEEP_DIR)/$(p)/reports/summary.json)

# core-dD-pP-nN-lL -> hadgen options
sweep_args = $(shell echo $(1) | sed -E 's/^(had|baseline|int8-topn)-d([0-9]+)-p([0-9]+)-n([0-9]+)-l([0-9]+)$$/--core \1 --d \2 --lanes \3 --top-n \4 --max-keys \5/')

$(SWEEP_DIR)/%/reports/summary.json: | $(HADGEN) $(HGSYNTH) sim-tools
	@echo "== sweep point $*"
	@mkdir -p $(SWEEP_DIR)/$*
	$(HADGEN) $(call sweep_args,$*) --out $(SWEEP_DIR)/$*/rtl --force > /dev/null
	OUT_DIR=$(SWEEP_DIR)/$* JOBS=1 synth/flow.sh $(SWEEP_DIR)/$*/rtl > $(SWEEP_DIR)/$*/flow.log 2>&1 \
	  || { tail -20 $(SWEEP_DIR)/$*/flow.log; exit 1; }

$(SWEEP_DIR)/results.csv: $(SWEEP_SUMS) | $(HGREPORT)
	@echo "core,d,p,n,l,logic_area_mm2,energy_per_query_nj,fmax_mhz,cycles_per_query,logic_power_mw,queries_per_s" > $@.tmp
	@for s in $^; do \
	  pt=$$(basename $$(dirname $$(dirname $$s))); \
	  echo "$$pt" | sed -E 's/^(had|baseline|int8-topn)-d([0-9]+)-p([0-9]+)-n([0-9]+)-l([0-9]+)$$/\1,\2,\3,\4,\5/' | tr -d '\n' >> $@.tmp; \
	  printf ',%s\n' "$$($(HGREPORT) --row $$s)" >> $@.tmp; \
	done
	@mv $@.tmp $@
	@echo "sweep: $$(($$(wc -l < $@) - 1)) points in $@"

.PHONY: sweep
sweep: $(SWEEP_DIR)/results.csv
