# hs_lib.sh — the steps every Verilator model build shares; sourced by sim/hs_build.sh (the
# bare core as a shared library) and sim/sys/ss_build.sh (the core as a SystemC module in the
# system model). Functions, each failing the calling script (set -e) on error:
#   hs_core RTL_DIR                 reads RTL_DIR's manifest.json and filelist.f into hs_top
#                                   (the top module) and hs_files (absolute source paths)
#   hs_verilate MODE OBJ ARGS...    verilates hs_files into OBJ (emptied first) with
#                                   MODE --cc or --sc and ARGS, writes OBJ/Vhg__ALL.cpp (the
#                                   model's sources as one file) and sets hs_mflags: the
#                                   compiler flags Verilator's makefile gives that model
#   hs_compile OBJ PCH_DIR HEADERS -- FLAGS
#                                   compiles OBJ/hs_unity.cpp (the caller's: Vhg__ALL.cpp and
#                                   its own sources, as one translation unit) into
#                                   OBJ/hs_unity.o with hs_mflags, -O2 and FLAGS, the HEADERS
#                                   (Verilator's, SystemC's) precompiled once into PCH_DIR for
#                                   these flags, under a lock
#   hs_runtime DIR NAMES -- FLAGS   compiles the Verilator runtime sources NAMES (verilated,
#                                   verilated_threads, ...) once into DIR with FLAGS, under a
#                                   lock (parallel builds share DIR); lists them in hs_rt_objs
# One translation unit and a precompiled header: the headers, parsed once per cache instead of
# twice per model, were 2.4 of the 5.1 s of CPU a small model's C++ took.
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
  local mode=$1 obj=$2 f
  shift 2
  rm -rf "$obj"
  # -O3 --x-assign fast: fastest model; x-initial fast (0) so every run starts from one state.
  "$VERILATOR" "$mode" --prefix Vhg --top-module "$hs_top" -Mdir "$obj" \
    -O3 --x-assign fast --x-initial fast -Wno-fatal ${HADGEN_VERILATOR_FLAGS:-} "$@" "${hs_files[@]}" >/dev/null
  # one file of every model source, also where Verilator split the model for parallel builds
  make -s -C "$obj" -f Vhg.mk VM_PARALLEL_BUILDS=0 Vhg__ALL.cpp >/dev/null
  hs_mflags=()
  for f in $(make -s -C "$obj" -f Vhg.mk debug-make | sed -n 's/^CPPFLAGS: //p'); do
    case $f in
      -MMD) ;;
      -I.) hs_mflags+=("-I$obj") ;;
      *) hs_mflags+=("$f") ;;
    esac
  done
  [ ${#hs_mflags[@]} -gt 0 ] || { echo "$(basename "$0"): no compiler flags from $obj/Vhg.mk" >&2; exit 1; }
}

hs_compile() {
  local obj=$1 pch_dir=$2 headers=() flags key h
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do headers+=("$1"); shift; done
  shift
  # -O2 (OPT_FAST): ~1.2x faster models than Debian's default -Os
  flags=("${hs_mflags[@]}" -O2 "$@")
  # a precompiled header serves only the flags it was made with: its folder is named after
  # them (but OBJ, which only the model's own includes read)
  key=$(printf '%s\n' "$CXX" "${flags[@]}" "${headers[@]}" | grep -vxF -- "-I$obj" | cksum | cut -d' ' -f1)
  pch_dir="$pch_dir/$key"
  mkdir -p "$pch_dir"
  (
    flock 9
    if [ ! -f "$pch_dir/hs_pch.h.gch" ]; then
      for h in "${headers[@]}"; do echo "#include <$h>"; done > "$pch_dir/hs_pch.h"
      "$CXX" "${flags[@]}" -x c++-header "$pch_dir/hs_pch.h" -o "$pch_dir/hs_pch.h.gch.tmp" &&
        mv -f "$pch_dir/hs_pch.h.gch.tmp" "$pch_dir/hs_pch.h.gch"
    fi
  ) 9>"$pch_dir/lock"
  # -Winvalid-pch: a header that could not be used says so (the build is then only slower)
  "$CXX" "${flags[@]}" -Winvalid-pch -include "$pch_dir/hs_pch.h" -c "$obj/hs_unity.cpp" -o "$obj/hs_unity.o"
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
