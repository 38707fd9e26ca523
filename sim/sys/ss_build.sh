#!/usr/bin/env bash
# ss_build.sh RTL_DIR OUT_DIR
# Builds the system model of one generated core (RTL_DIR holds manifest.json and filelist.f
# from hadgen): the core verilated as a SystemC module (verilator --sc) and the model around
# it (ss_model.cpp, ss_dram.c), linked against the SystemC library into OUT_DIR/hgsys-model.
set -euo pipefail
rtl=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../hs_lib.sh"
CC=${CC:-gcc}
hs_core "$rtl"

mkdir -p "$out"
obj="$out/obj"
hs_verilate --sc "$obj"
# The runtime for SystemC models (VM_SC=1: Verilator checks its time precision against the
# kernel's), compiled once per cache like the bare models'.
hs_runtime "$(dirname "$out")/_runtime-sc" verilated verilated_threads -- -O2 -std=c++17 -DVM_SC=1
"$CC" -O2 -std=gnu11 -c "$here/ss_dram.c" -o "$obj/ss_dram.o"
# the model and ss_model.cpp as one translation unit, the headers precompiled once per cache
printf '#include "Vhg__ALL.cpp"\n#include "%s"\n' "$here/ss_model.cpp" > "$obj/hs_unity.cpp"
hs_compile "$obj" "$(dirname "$out")/_pch-sc" verilated.h systemc.h -- -std=c++17 -I"$here"
"$CXX" -O2 -o "$out/hgsys-model.tmp" "$obj/hs_unity.o" "$obj/ss_dram.o" "${hs_rt_objs[@]}" -lsystemc -pthread
mv -f "$out/hgsys-model.tmp" "$out/hgsys-model"
