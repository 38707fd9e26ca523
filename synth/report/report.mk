# synth/report/ — `make report`: real text -> cores -> synthesis/power -> comparison.
HGREPORT := $(BUILD)/bin/hgreport

$(BUILD)/obj/synth/report/%.o: synth/report/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -MMD -MP -c $< -o $@

$(HGREPORT): $(BUILD)/obj/synth/report/hgreport.o $(BUILD)/obj/gen/hg_config.o
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

.PHONY: report
report: deps deps-model $(HADGEN) sim-tools $(HGSYNTH) $(BUILD)/bin/hadrun $(HGREPORT)
	synth/report/report.sh

TEST_SRCS += tests/test_report.cc
test-prereqs: $(HGREPORT)

include synth/report/sweep.mk
-include $(BUILD)/obj/synth/report/hgreport.d
