# tests/ — one GoogleTest runner for all suites (make test).
# Other stages add their suites with  TEST_SRCS += ...  and libraries with  TEST_LIBS += ...
# (their .mk files are included before this one).

TEST_BIN   := $(BUILD)/bin/hg_tests
TEST_SRCS  += tests/main.cc tests/hg_testlib.cc $(wildcard tests/test_core_*.cc) tests/test_blocks.cc \
              tests/test_reliability.cc
TEST_OBJS   = $(patsubst %.cc,$(BUILD)/obj/%.o,$(TEST_SRCS))
TEST_LIBS  += -lgtest -pthread -lcjson -lcrypto -lm -ldl

.PHONY: test test-prereqs test-long test-unsanitized
# The suites' own code (not the tool code they test) compiles at -O0: it is glue around the
# tools, and -O2 took 3.5 times as long (tests/test_run.cc: 26 s against 7.5 s).
TEST_OPT ?= -O0
$(BUILD)/obj/tests/%.o: EXTRA_CXXFLAGS = -DHG_SRC_DIR='"$(CURDIR)"' -DHG_BIN_DIR='"$(abspath $(BUILD))/bin"' \
                                         -Isynth/src $(TEST_OPT)
# every library, in link order
TEST_DEPLIBS := $(RUN_LIB) $(MODEL_LIB) $(SIM_LIB) $(GOLD_LIB) $(GEN_LIB) $(HGSYNTH_LIB) $(BASE_LIB)

$(TEST_BIN): $(TEST_OBJS) $(TEST_DEPLIBS)
	@mkdir -p $(dir $@)
	$(CXX) -o $@ $(TEST_OBJS) $(TEST_DEPLIBS) $(TEST_LIBS)

# test-prereqs collects everything the suites need built beforehand (sim libraries,
# model files, ...); stages add to it with  test-prereqs: ...
#
# make test runs the fuzz smoke (tests/fuzz/fuzz.mk) and then the suite once, built with the
# sanitizers (test-asan-ci, below): every test but LONG_TESTS, or the tests GTEST_ARGS picks.
# One sanitized pass instead of an unsanitized suite followed by a sanitized second pass of
# almost the same tests: the second pass and the second build had become a third of the time
# (805 of 2,417 s on a fresh clone of 3e151fa; make test went to 1,158 s: docs/reliability.md).
# make test-unsanitized runs the same tests on the -O2 build of $(BUILD) (the tools make
# report uses); make test-long runs LONG_TESTS, which take minutes of a 2-core machine each
# (SweepMake: make sweep end to end, five synthesis points, 130-160 s).
LONG_TESTS := SweepMake.*
# The suites' simulation models (69 cores and 8 system models) go to a cache of their own,
# built with Verilator leaving loops of over 1,000 statements rolled: about 2 s of C++ a
# model instead of 12, make test on a fresh 2-core clone 21.8 -> 15.6 min (the prebuild
# about 407 -> 218 s), at 1.4-2.1 times the simulated time (docs/usage.md, "Build options";
# docs/reliability.md, "Sanitizers"). The cache is keyed on the options
# (sim/hs_sim.c), and make report, make bench-sim and the tools keep the fastest models in
# build/sim.
# After the prebuild, make test and make test-unsanitized run the tests in TEST_WORKERS
# processes at once, one source file each (tests/main.cc, --hg-workers): most tests wait on
# one single-threaded tool, so two processes on 2 cores took the tests of make test on a
# fresh clone from 797 to 449 s (docs/reliability.md, "Sanitizers"). TEST_WORKERS=1 runs
# them in one process, in file order, as a debugger wants.
TEST_WORKERS ?= $(JOBS)
TEST_SIM_ENV ?= HADGEN_SIM_CACHE=$(abspath $(BUILD))/sim-test HADGEN_VERILATOR_FLAGS='--unroll-stmts 1000'
# (deps-model: $(BUILD)/model, the tools' default model folder, which the tests run with;
# the fuzz smoke runs every fuzz target briefly on its committed corpus: the inputs of earlier
# findings are in it, so a regression fails make test)
test: deps deps-model fuzz-smoke
	$(MAKE) --no-print-directory test-asan-ci

test-unsanitized: deps test-prereqs $(TEST_BIN)
	$(TEST_SIM_ENV) $(TEST_BIN) --hg-jobs=$(JOBS) --hg-workers=$(TEST_WORKERS) $(if $(GTEST_ARGS),$(GTEST_ARGS),--gtest_filter='-$(LONG_TESTS)')

# make test-long: the tests make test leaves out (LONG_TESTS, above), unsanitized.
test-long: deps test-prereqs $(TEST_BIN)
	$(TEST_SIM_ENV) $(TEST_BIN) --hg-jobs=$(JOBS) --gtest_filter='$(LONG_TESTS)' $(GTEST_ARGS)

-include $(TEST_OBJS:.o=.d)
test-prereqs: $(HADGEN)

# ---------------------------------------------------------------------------
# Sanitizers. make test-asan builds the tools and the suite with AddressSanitizer (leaks
# included) and UndefinedBehaviorSanitizer into $(ASAN_BUILD), never mixed with $(BUILD), and
# runs the suite; the tools the tests start are the sanitized ones. A finding ends the process
# with exit 99; AddressSanitizer's and LeakSanitizer's reports, from the suite or from any
# tool it runs, also go to files under $(ASAN_BUILD)/san, and the target fails if one exists
# (a test that expects a tool to fail would not tell a sanitizer's exit from the tool's own).
# gcc's combined runtime writes UBSan's reports to stderr whatever log_path says. The
# simulation models stay unsanitized and shared with make test (the figures and the reason:
# docs/reliability.md, "Sanitizers").
#   make test-asan       the whole suite
#   make test-asan-ci    what make test runs: all but LONG_TESTS (SweepMake.* runs make sweep,
#                        whose tools are the unsanitized ones of $(BUILD)), or the tests
#                        GTEST_ARGS picks
ASAN_BUILD     ?= build/asan
# -O1, AddressSanitizer's usual level: the sanitized build compiles in about half the time of
# -O2 (the suite's objects: 22 s against 42 s for tests/test_run.cc).
ASAN_OPT       ?= -O1 -g
ASAN_FLAGS     := -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=undefined
ASAN_LOG        = $(abspath $(ASAN_BUILD))/san
ASAN_ENV        = ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1:exitcode=99:log_path=$(ASAN_LOG)/asan \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99:log_path=$(ASAN_LOG)/ubsan \
                  LSAN_OPTIONS=exitcode=99
ASAN_CI_FILTER ?= *-$(LONG_TESTS)

# the tests GTEST_ARGS picks, else test-asan-ci's subset or test-asan's whole suite
ASAN_TEST_ARGS  = $(if $(GTEST_ARGS),$(GTEST_ARGS),--gtest_filter='$(if $(filter test-asan-ci,$@),$(ASAN_CI_FILTER),*)')

.PHONY: test-asan test-asan-ci asan-build
asan-build: deps
	@echo "== asan: building the tools and the suite with $(ASAN_FLAGS) into $(ASAN_BUILD)"
	$(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS)) BUILD=$(ASAN_BUILD) \
	  SANITIZE='$(ASAN_FLAGS)' OPT='$(ASAN_OPT)' test-prereqs $(ASAN_BUILD)/bin/hg_tests

test-asan test-asan-ci: asan-build
	@rm -rf $(ASAN_LOG) && mkdir -p $(ASAN_LOG)
	@echo "== $@: $(ASAN_BUILD)/bin/hg_tests $(ASAN_TEST_ARGS)"; \
	$(ASAN_ENV) $(TEST_SIM_ENV) $(ASAN_BUILD)/bin/hg_tests --hg-jobs=$(JOBS) --hg-workers=$(TEST_WORKERS) $(ASAN_TEST_ARGS); \
	rc=$$?; \
	if [ -n "$$(ls -A $(ASAN_LOG))" ]; then \
	  echo "== $@: sanitizer reports:"; cat $(ASAN_LOG)/*; exit 1; fi; \
	exit $$rc
