#!/usr/bin/env bash
# HS_PROBES=FILE hs_build.sh RTL_DIR OUT_DIR [plain|trace|capture]
# Builds the Verilator simulation of one generated core (RTL_DIR holds manifest.json and
# filelist.f from hadgen) into OUT_DIR/libhs.so, with the shim in this folder and the core's
# probes, FILE (written from the manifest by hs_sim.c, which names it, or by hsprobes).
set -euo pipefail
rtl=$(cd "$1" && pwd)
out=$2
variant=${3:-plain}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hs_lib.sh"
hs_core "$rtl"
hs_probes=${HS_PROBES:-}
[ -n "$hs_probes" ] && [ -f "$hs_probes" ] || { echo "hs_build: HS_PROBES='$hs_probes': not a file (write the probes with hsprobes --rtl $1 --out FILE and pass HS_PROBES=FILE)" >&2; exit 2; }

vflags=()
# the shim's macros (VM_TRACE comes with Verilator's flags, from --trace-fst)
defs=("HS_TOP $hs_top")
runtime=(verilated verilated_threads)
case $variant in
  plain) ;;
  trace) vflags+=(--trace-fst); runtime+=(verilated_fst_c) ;;
  capture) vflags+=(+define+HG_CAPTURE) ;;
  *) echo "hs_build: variant '$variant': must be plain, trace or capture" >&2; exit 2 ;;
esac
# a score memory (the baseline) has access counters in the probes
grep -q '^  reg \[63:0\] smem_reads ' "$hs_probes" && defs+=("HS_HAS_SMEM 1")

mkdir -p "$out"
obj="$out/obj"
# the probes (memory access counts; with HG_CAPTURE the activity capture), bound to the top
hs_verilate --cc "$obj" -CFLAGS -fPIC "${vflags[@]}" +define+HS_BIND "$hs_probes"
# The Verilator runtime is the same for every core: compiled once per cache.
hs_runtime "$(dirname "$out")/_runtime" "${runtime[@]}" -- -fPIC -O2 -std=c++17 -DVM_TRACE_FST=1
# the model and the shim as one translation unit, Verilator's header precompiled once per cache
{
  echo '#include "Vhg__ALL.cpp"'
  for d in "${defs[@]}"; do echo "#define $d"; done
  echo "#include \"$here/hs_shim.cpp\""
} > "$obj/hs_unity.cpp"
hs_compile "$obj" "$(dirname "$out")/_pch" verilated.h -- -std=c++17 -I"$here"
"$CXX" -shared -fPIC -O2 -o "$out/libhs.so.tmp" "$obj/hs_unity.o" "${hs_rt_objs[@]}" -Wl,-Bsymbolic -pthread -lz
mv -f "$out/libhs.so.tmp" "$out/libhs.so"
