# hs_lib.sh — the steps every Verilator model build shares; sourced by sim/hs_build.sh (the
# bare core as a shared library) and sim/sys/ss_build.sh (the core as a SystemC module in the
# system model). Functions, each failing the calling script (set -e) on error:
#   hs_core RTL_DIR                 reads RTL_DIR's manifest.json and filelist.f into hs_top
#                                   (the top module) and hs_files (absolute source paths)
#   hs_verilate MODE OBJ ARGS...    verilates hs_files into OBJ (emptied first) with
#                                   MODE --cc or --sc and ARGS, and builds OBJ/Vhg__ALL.a
#   hs_runtime DIR NAMES -- FLAGS   compiles the Verilator runtime sources NAMES (verilated,
#                                   verilated_threads, ...) once into DIR with FLAGS, under a
#                                   lock (parallel builds share DIR); lists them in hs_rt_objs
# hs_inc is Verilator's include folder. $HADGEN_VERILATOR_FLAGS, if set, adds options to every
# Verilator run (split at blanks; hs_sim.c keys the model cache on it, so a model built with
# other options is rebuilt, never reused).
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}
hs_inc=$(dirname "$(dirname "$(command -v "$VERILATOR")")")/share/verilator/include

hs_core() {
  local rtl=$1
  hs_top=$(sed -n 's/^[[:space:]]*"top":[[:space:]]*"\([^"]*\)".*/\1/p' "$rtl/manifest.json")
  [ -n "$hs_top" ] || { echo "$(basename "$0"): no top module in $rtl/manifest.json" >&2; exit 2; }
  mapfile -t hs_files < <(grep -v '^#' "$rtl/filelist.f" | sed "s|^|$rtl/|")
}

hs_verilate() {
  local mode=$1 obj=$2
  shift 2
  rm -rf "$obj"
  # -O3 --x-assign fast: fastest model; x-initial fast (0) so every run starts from one state.
  "$VERILATOR" "$mode" --prefix Vhg --top-module "$hs_top" -Mdir "$obj" \
    -O3 --x-assign fast --x-initial fast -Wno-fatal ${HADGEN_VERILATOR_FLAGS:-} "$@" "${hs_files[@]}" >/dev/null
  # OPT_FAST/OPT_GLOBAL -O2: ~1.2x faster than Debian's default -Os.
  make -s -C "$obj" -f Vhg.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 Vhg__ALL.a >/dev/null
}

hs_runtime() {
  local dir=$1 names=() r
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
  shift
  mkdir -p "$dir"
  (
    flock 9
    for r in "${names[@]}"; do
      if [ ! -f "$dir/$r.o" ]; then
        "$CXX" "$@" -I"$hs_inc" -I"$hs_inc/vltstd" -c "$hs_inc/$r.cpp" -o "$dir/$r.o.tmp" &&
          mv -f "$dir/$r.o.tmp" "$dir/$r.o"
      fi
    done
  ) 9>"$dir/lock"
  hs_rt_objs=()
  for r in "${names[@]}"; do hs_rt_objs+=("$dir/$r.o"); done
}
