#!/usr/bin/env bash
# hs_build.sh RTL_DIR OUT_DIR [plain|trace|capture]
# Builds the Verilator simulation of one generated core (RTL_DIR holds manifest.json and
# filelist.f from hadgen) into OUT_DIR/libhs.so, with the shim in this folder.
set -euo pipefail
rtl=$(cd "$1" && pwd)
out=$2
variant=${3:-plain}
here=$(cd "$(dirname "$0")" && pwd)
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}

top=$(sed -n 's/^[[:space:]]*"top":[[:space:]]*"\([^"]*\)".*/\1/p' "$rtl/manifest.json")
[ -n "$top" ] || { echo "hs_build: no top module in $rtl/manifest.json" >&2; exit 2; }
mapfile -t files < <(grep -v '^#' "$rtl/filelist.f" | sed "s|^|$rtl/|")

vflags=()
defs=(-DHS_TOP="$top")
objs=()
case $variant in
  plain) defs+=(-DVM_TRACE=0) ;;
  trace) vflags+=(--trace-fst); defs+=(-DVM_TRACE=1) ;;
  capture) vflags+=(+define+HG_CAPTURE); defs+=(-DVM_TRACE=0) ;;
  *) echo "hs_build: variant '$variant': must be plain, trace or capture" >&2; exit 2 ;;
esac
grep -q '_smem\.v$' "$rtl/filelist.f" && defs+=(-DHS_HAS_SMEM)

mkdir -p "$out"
obj="$out/obj"
rm -rf "$obj"
# -O3 --x-assign fast: fastest model; x-initial 0 so every run starts from the same state.
"$VERILATOR" --cc --prefix Vhg --top-module "$top" -Mdir "$obj" \
  -O3 --x-assign fast --x-initial fast -Wno-fatal \
  -CFLAGS -fPIC "${vflags[@]}" "${files[@]}" >/dev/null
# OPT_FAST/OPT_GLOBAL -O2: ~1.2x faster than Debian's default -Os (docs/sim.md).
make -s -C "$obj" -f Vhg.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 Vhg__ALL.a >/dev/null
inc=$(dirname "$(dirname "$(command -v "$VERILATOR")")")/share/verilator/include

# The Verilator runtime is the same for every core: compile it once per cache, under a lock.
rt="$(dirname "$out")/_runtime"
mkdir -p "$rt"
runtime=(verilated verilated_threads)
[ "$variant" = trace ] && runtime+=(verilated_fst_c)
(
  flock 9
  for r in "${runtime[@]}"; do
    if [ ! -f "$rt/$r.o" ]; then
      "$CXX" -fPIC -O2 -std=c++17 -I"$inc" -I"$inc/vltstd" -DVM_TRACE_FST=1 \
        -c "$inc/$r.cpp" -o "$rt/$r.o.tmp" && mv -f "$rt/$r.o.tmp" "$rt/$r.o"
    fi
  done
) 9>"$rt/lock"
for r in "${runtime[@]}"; do objs+=("$rt/$r.o"); done
"$CXX" -shared -fPIC -O2 -std=c++17 -I"$obj" -I"$inc" -I"$inc/vltstd" -I"$here" "${defs[@]}" \
  -o "$out/libhs.so.tmp" "$here/hs_shim.cpp" "$obj/Vhg__ALL.a" "${objs[@]}" \
  -Wl,-Bsymbolic -pthread -lz
mv -f "$out/libhs.so.tmp" "$out/libhs.so"
