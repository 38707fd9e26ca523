# hadgen — top-level Makefile.
#
#   make report   the main job: real model text -> RTL cores -> synthesis/power -> comparison
#   make test     build everything and run the GoogleTest suites
#
# Both install what is missing first (make deps). Each stage keeps its rules in its own
# folder (gen/gen.mk, sim/sim.mk, sw/sw.mk, synth/synth.mk, tests/tests.mk); data flows
# gen -> rtl -> sim -> synth -> report.

SHELL      := /bin/bash
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

CC         ?= gcc
CXX        ?= g++
# Strict warning set (Lua's, plus a few); project code builds with no warnings.
WARN_C     := -Wall -Wextra -Wshadow -Wconversion -Wundef -Wmissing-prototypes \
              -Wstrict-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 -Werror
WARN_CXX   := -Wall -Wextra -Wshadow -Wundef -Werror
OPT        ?= -O2 -g
CFLAGS_HG  := -std=gnu11 $(OPT) $(WARN_C) -Igen -Isw/base -Isw/golden -Isw/model -Isw/run -Isim -Isim/sys
CXXFLAGS_HG:= -std=c++17 $(OPT) $(WARN_CXX) -Igen -Isw/base -Isw/golden -Isw/model -Isw/run -Isim -Isim/sys
# Sanitizer flags, set by make test-asan (tests/tests.mk) for its own build folder: they join
# every compile and link of project code. They never reach the simulation models hs_open
# builds at run time (sim/hs_build.sh runs its own compiler), hence the unexport.
SANITIZE   ?=
ifneq ($(strip $(SANITIZE)),)
override CC  := $(CC) $(SANITIZE)
override CXX := $(CXX) $(SANITIZE)
unexport CC CXX
endif

# ---------------------------------------------------------------------------
# Build rules: one compile rule per language and one archive rule for the whole tree. Extra
# flags of a folder or an object are target-specific variables (EXTRA_CFLAGS,
# EXTRA_CXXFLAGS), set where that folder's .mk file lists its objects.
$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/%.o: %.cc | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_HG) $(EXTRA_CXXFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/lib/%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# The libraries, one per part of the tool, each object in exactly one. A program links the
# ones it needs in this order (a library before those it uses):
#   libhgrun (sw/ layer runner) libhgmodel (sw/ model files, tokenizer, encoder)
#   libhgsim (sim/) libhggolden (sw/ golden model) libhggen (gen/ but hadgen's main)
#   libhgbase (sw/base/: the core configuration, the manifest reader, safe files, number
#   parsing); libhgsynth (synth/src/ but hgsynth's main) uses only libhgbase.
BASE_LIB    := $(BUILD)/lib/libhgbase.a
GEN_LIB     := $(BUILD)/lib/libhggen.a
GOLD_LIB    := $(BUILD)/lib/libhggolden.a
SIM_LIB     := $(BUILD)/lib/libhgsim.a
MODEL_LIB   := $(BUILD)/lib/libhgmodel.a
RUN_LIB     := $(BUILD)/lib/libhgrun.a
HGSYNTH_LIB := $(BUILD)/lib/libhgsynth.a

# Debian packages the tool needs; installed by `make deps` when missing.
DEB_PKGS   := verilator iverilog yosys opensta libsystemc-dev libcjson-dev \
              qflow-tech-osu018 gnuplot libgtest-dev libssl-dev g++ make python3-venv \
              clang-14 libclang-rt-14-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-apt test clean help
all: hadgen

# The C/C++ style (.clang-format, clang-format 14): reformat every source in place.
.PHONY: format
format:
	git ls-files '*.c' '*.h' '*.cc' '*.cpp' | xargs clang-format-14 -i

help:
	@echo "make report   main job (installs what is missing)"
	@echo "make report-glitch  make report plus the glitch factors (timed gate-level runs, slow)"
	@echo "make report-noise   make report plus the synthesis noise band (every point resynthesized under SYN_SALT 1..4, slow)"
	@echo "make test     build + run all tests (installs what is missing)"
	@echo "make hadgen   build the RTL generator ($(BUILD)/bin/hadgen)"
	@echo "make bench-sim  simulation speed benchmark"
	@echo "make fuzz     every fuzz target to FUZZ_RUNS executions (make fuzz-smoke: briefly)"

# ---------------------------------------------------------------------------
# Dependencies: cheap when everything is present (one dpkg query per package).
deps: deps-apt
deps-apt:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "== deps: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

include gen/gen.mk
include sw/sw.mk
include sw/distill/distill.mk
include sim/sim.mk
include synth/synth.mk
include synth/report/report.mk
include tests/tests.mk
include tests/fuzz/fuzz.mk

clean:
	rm -rf $(BUILD)
