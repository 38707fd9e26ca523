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
CFLAGS_HG  := -std=gnu11 $(OPT) $(WARN_C) -Igen -Isw -Isim
CXXFLAGS_HG:= -std=c++17 $(OPT) $(WARN_CXX) -Igen -Isw -Isim
# Sanitizer flags, set by make test-asan (tests/tests.mk) for its own build folder: they join
# every compile and link of project code. They never reach the simulation models hs_open
# builds at run time (sim/hs_build.sh runs its own compiler), hence the unexport.
SANITIZE   ?=
ifneq ($(strip $(SANITIZE)),)
override CC  := $(CC) $(SANITIZE)
override CXX := $(CXX) $(SANITIZE)
unexport CC CXX
endif

# Debian packages the tool needs; installed by `make deps` when missing.
DEB_PKGS   := verilator iverilog yosys opensta libsystemc-dev libcjson-dev \
              qflow-tech-osu018 gnuplot libgtest-dev libssl-dev g++ make python3-venv \
              clang-14 libclang-rt-14-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-apt test clean help
all: hadgen

help:
	@echo "make report   main job (installs what is missing)"
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
