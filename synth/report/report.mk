# synth/report/ — `make report`: real text -> cores -> synthesis/power -> comparison.
HGREPORT := $(BUILD)/bin/hgreport

# rp_util reads and writes files through sw/base/hg_file (regular files within a limit;
# outputs through a temporary name)
RP_OBJS  := $(BUILD)/obj/synth/report/rp_util.o $(BASE_LIB)
$(HGREPORT): $(BUILD)/obj/synth/report/hgreport.o $(BUILD)/obj/synth/report/rp_system.o \
             $(BUILD)/obj/synth/report/rp_nk.o $(BUILD)/obj/synth/report/rp_qps.o \
             $(BUILD)/obj/synth/report/rp_cam.o $(BUILD)/obj/synth/report/rp_glitch.o \
             $(BUILD)/obj/synth/report/rp_noise.o $(BUILD)/obj/synth/report/rp_select.o \
             $(BUILD)/obj/synth/report/rp_vbits.o $(BUILD)/obj/synth/report/rp_count.o $(RP_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

# The distilled HAD model (model-had: the committed artifact over the packaged model) is the
# default HAD of the report; post-training HAD, the baseline and int8 + top-N run on the
# original model.
.PHONY: report
report: deps deps-model model-had $(HADGEN) sim-tools $(HGSYNTH) $(BUILD)/bin/hadrun $(HGREPORT)
	MODEL_HAD=$(MODEL_HAD) synth/report/report.sh

# make report plus the glitch factors: timing-annotated gate-level runs of the MiniLM point
# under Icarus (tens of minutes); a later make report keeps them while they are fresh.
.PHONY: report-glitch
report-glitch: deps deps-model model-had $(HADGEN) sim-tools $(HGSYNTH) $(BUILD)/bin/hadrun $(HGREPORT)
	REPORT_GLITCH=1 MODEL_HAD=$(MODEL_HAD) synth/report/report.sh

# make report plus the synthesis noise band: every flow run of the two points resynthesized
# under REPORT_NOISE_SALTS null perturbations (SYN_SALT; 45 minutes here); a later make
# report keeps them while they are fresh. REPORT_GLITCH=1 adds the glitch runs to the same run.
.PHONY: report-noise
report-noise: deps deps-model model-had $(HADGEN) sim-tools $(HGSYNTH) $(BUILD)/bin/hadrun $(HGREPORT)
	REPORT_NOISE=1 MODEL_HAD=$(MODEL_HAD) synth/report/report.sh

HGSWEEP := $(BUILD)/bin/hgsweep
$(HGSWEEP): $(BUILD)/obj/synth/report/hgsweep.o $(BUILD)/obj/synth/report/rp_count.o \
            $(BUILD)/obj/synth/report/rp_qps.o $(BUILD)/obj/synth/report/rp_glitch.o \
            $(BUILD)/obj/synth/report/rp_noise.o $(RP_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

TEST_SRCS += tests/test_report.cc
test-prereqs: $(HGREPORT) $(HGSWEEP)

include synth/report/sweep.mk
-include $(BUILD)/obj/synth/report/hgreport.d $(BUILD)/obj/synth/report/hgsweep.d $(BUILD)/obj/synth/report/rp_util.d \
         $(BUILD)/obj/synth/report/rp_system.d $(BUILD)/obj/synth/report/rp_nk.d $(BUILD)/obj/synth/report/rp_qps.d $(BUILD)/obj/synth/report/rp_cam.d $(BUILD)/obj/synth/report/rp_glitch.d $(BUILD)/obj/synth/report/rp_noise.d $(BUILD)/obj/synth/report/rp_select.d $(BUILD)/obj/synth/report/rp_vbits.d \
         $(BUILD)/obj/synth/report/rp_count.d
