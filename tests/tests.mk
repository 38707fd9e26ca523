# tests/ — one GoogleTest runner for all suites (make test).
# Other stages add their suites with  TEST_SRCS += ...  and libraries with  TEST_LIBS += ...
# (their .mk files are included before this one).

TEST_BIN   := $(BUILD)/bin/hg_tests
TEST_SRCS  += tests/main.cc tests/hg_testlib.cc $(wildcard tests/test_core_*.cc) \
              tests/test_reliability.cc
TEST_OBJS   = $(patsubst %.cc,$(BUILD)/obj/%.o,$(TEST_SRCS))
TEST_LIBS  += -lgtest -pthread -ldl

.PHONY: test test-prereqs
$(BUILD)/obj/tests/%.o: tests/%.cc | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_HG) -DHG_SRC_DIR='"$(CURDIR)"' -DHG_BIN_DIR='"$(abspath $(BUILD))/bin"' -MMD -MP -c $< -o $@

$(TEST_BIN): $(TEST_OBJS) $(TEST_DEPLIBS)
	@mkdir -p $(dir $@)
	$(CXX) -o $@ $(TEST_OBJS) $(TEST_DEPLIBS) $(TEST_LIBS)

# test-prereqs collects everything the suites need built beforehand (sim libraries,
# model files, ...); stages add to it with  test-prereqs: ...
test: deps test-prereqs $(TEST_BIN)
	$(TEST_BIN) --hg-jobs=$(JOBS) $(GTEST_ARGS)

-include $(TEST_OBJS:.o=.d)
test-prereqs: $(HADGEN)

# make test also runs every fuzz target briefly on its committed corpus (tests/fuzz/fuzz.mk,
# make fuzz-smoke): the inputs of earlier findings are in it, so a regression fails here.
test: fuzz-smoke
