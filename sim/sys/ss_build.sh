#!/usr/bin/env bash
# ss_build.sh RTL_DIR OUT_DIR
# Builds the system model of one generated core (RTL_DIR holds manifest.json and filelist.f
# from hadgen): the core verilated as a SystemC module (verilator --sc) and the model around
# it (ss_model.cpp, ss_dram.c), linked against the SystemC library into OUT_DIR/hgsys-model.
set -euo pipefail
rtl=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")" && pwd)
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}
CC=${CC:-gcc}

top=$(sed -n 's/^[[:space:]]*"top":[[:space:]]*"\([^"]*\)".*/\1/p' "$rtl/manifest.json")
[ -n "$top" ] || { echo "ss_build: no top module in $rtl/manifest.json" >&2; exit 2; }
mapfile -t files < <(grep -v '^#' "$rtl/filelist.f" | sed "s|^|$rtl/|")

mkdir -p "$out"
obj="$out/obj"
rm -rf "$obj"
"$VERILATOR" --sc --prefix Vhg --top-module "$top" -Mdir "$obj" \
  -O3 --x-assign fast --x-initial fast -Wno-fatal "${files[@]}" >/dev/null
make -s -C "$obj" -f Vhg.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 Vhg__ALL.a >/dev/null
inc=$(dirname "$(dirname "$(command -v "$VERILATOR")")")/share/verilator/include
flags=(-O2 -std=c++17 -I"$obj" -I"$inc" -I"$inc/vltstd" -I"$here")
"$CC" -O2 -std=gnu11 -c "$here/ss_dram.c" -o "$obj/ss_dram.o"
for r in verilated verilated_threads; do
  "$CXX" "${flags[@]}" -c "$inc/$r.cpp" -o "$obj/$r.o"
done
"$CXX" "${flags[@]}" -o "$out/hgsys-model.tmp" "$here/ss_model.cpp" "$obj/ss_dram.o" \
  "$obj/Vhg__ALL.a" "$obj/verilated.o" "$obj/verilated_threads.o" -lsystemc -pthread
mv -f "$out/hgsys-model.tmp" "$out/hgsys-model"
