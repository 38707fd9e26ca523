#!/usr/bin/env bash
# synth/equiv.sh — formal equivalence of a flow run's gate-level netlists with their RTL.
#
#   synth/equiv.sh RUN_DIR       RUN_DIR: a run directory of synth/flow.sh (STOP_AFTER=yosys
#                                is enough); its RTL_DIR and LIB are taken from the run
#   synth/equiv.sh --help
#
# Every logic module of the run (the manifest's blocks score, select, softmax, av, norm, and
# the core's top, block control) is checked: the netlist the flow wrote
# (generated/netlist/<module>.v, its cells replaced by their Liberty functions) against the
# module's RTL, with Yosys (synth/scripts/yosys_equiv.tcl). Methods, in EQUIV_METHODS order
# until one proves the module:
#   cec     registers matched by name are cut, the combinational miter (next state and
#           outputs) is proven by ABC's &cec (yosys-abc); needs every register matched
#   induct  equiv_make, equiv_simple and equiv_induct (-undef: x in the RTL is a don't
#           care), equiv_status -assert; skipped after a cec timeout (the same arithmetic)
#   mapped  as cec, against the RTL put through the flow's own generic synthesis
#           (synth -noabc): checks the technology mapping only (dfflibmap, abc, sizing,
#           buffering); reported apart, as "mapped only", never as proven from the RTL
# Both hold the submodules as black boxes (matched by instance name), so a module is proven
# on its own and the core follows from its modules. Memories are black boxes in synthesis
# (no netlist) and are not checked.
#
# Variables (environment):
#   EQUIV_METHODS  methods to try, in order (default: cec induct mapped)
#   EQUIV_MODULES  modules to check (default: every logic module of the run)
#   EQUIV_TIMEOUT  seconds per module and method (default 120)
#   EQUIV_SEQ      time steps of equiv_simple / equiv_induct (default 2)
#   EQUIV_DIR      logs and summary.txt (default RUN_DIR/equiv)
#   YOSYS, YOSYS_ABC, HGSYNTH   tools
# Output: one line per module (proven / MAPPED ONLY / NOT PROVEN, method, time, size of the
# problem) and a total. Exit status: 0 every module proven (from the RTL, or against the
# generic mapping where mapped is among the methods), 1 one not proven, 2 bad input.
set -euo pipefail
# The script is one function: bash parses it completely before running it, so an edit of
# this file cannot derail a run in progress.
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

die() { echo "equiv: error: $*" >&2; exit 2; }
case "${1:-}" in
  -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ""|-*) die "usage: synth/equiv.sh RUN_DIR (see --help)" ;;
esac
[ $# = 1 ] || die "one RUN_DIR expected, got $# arguments"
RUN_DIR=$1
EQUIV_METHODS=${EQUIV_METHODS:-cec induct mapped}
EQUIV_MODULES=${EQUIV_MODULES:-}
EQUIV_TIMEOUT=${EQUIV_TIMEOUT:-120}
EQUIV_SEQ=${EQUIV_SEQ:-2}
YOSYS=${YOSYS:-yosys}
YOSYS_ABC=${YOSYS_ABC:-yosys-abc}
HGSYNTH=${HGSYNTH:-$root/build/bin/hgsynth}

[[ "$EQUIV_METHODS" =~ ^(cec|induct|mapped)(\ (cec|induct|mapped))*$ ]] ||
  die "EQUIV_METHODS='$EQUIV_METHODS': must be words cec, induct or mapped, separated by single spaces"
[[ "$EQUIV_TIMEOUT" =~ ^[0-9]{1,6}$ ]] && (( 10#$EQUIV_TIMEOUT >= 1 )) ||
  die "EQUIV_TIMEOUT='$EQUIV_TIMEOUT': must be an integer number of seconds in 1..999999"
[[ "$EQUIV_SEQ" =~ ^[0-9]{1,2}$ ]] && (( 10#$EQUIV_SEQ >= 1 )) ||
  die "EQUIV_SEQ='$EQUIV_SEQ': must be an integer in 1..99"
[[ "$EQUIV_MODULES" =~ ^[A-Za-z0-9_\ ]*$ ]] ||
  die "EQUIV_MODULES='$EQUIV_MODULES': must be module names (identifiers) separated by spaces"
[ -d "$RUN_DIR" ] || die "RUN_DIR='$RUN_DIR' is not a directory"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
[ -f "$RUN_DIR/.hgsynth_run" ] && [ -f "$RUN_DIR/log/flow_vars.txt" ] && [ -f "$RUN_DIR/generated/plan.sh" ] ||
  die "RUN_DIR='$RUN_DIR' is not a run directory of synth/flow.sh (no .hgsynth_run, log/flow_vars.txt or generated/plan.sh)"
[ -x "$HGSYNTH" ] || die "HGSYNTH='$HGSYNTH' not found (run: make hgsynth)"
for t in "$YOSYS" "$YOSYS_ABC" timeout; do command -v "$t" > /dev/null || die "tool '$t' not found"; done

# RTL_DIR and LIB of the run (log/flow_vars.txt: "NAME<spaces>= value")
flow_var() { sed -n "s/^$1 *= //p" "$RUN_DIR/log/flow_vars.txt" | head -1; }
RTL_DIR=$(flow_var RTL_DIR)
LIB=$(flow_var LIB)
[ -d "$RTL_DIR" ] || die "$RUN_DIR/log/flow_vars.txt: RTL_DIR '$RTL_DIR' is not a directory"
[ -f "$LIB" ] || die "$RUN_DIR/log/flow_vars.txt: LIB '$LIB' is not a file"
export LIB

# the plan of the RTL (names checked by hgsynth plan), which must be the run's own
plan_tmp=$(mktemp)
trap 'rm -f "$plan_tmp"' EXIT
"$HGSYNTH" plan --rtl "$RTL_DIR" --out "$plan_tmp" || exit 2
# shellcheck disable=SC1090
source "$plan_tmp"
grep -qxF "PLAN_MANIFEST_HASH='$PLAN_MANIFEST_HASH'" "$RUN_DIR/generated/plan.sh" ||
  die "RUN_DIR='$RUN_DIR' was planned from another manifest than $RTL_DIR/manifest.json"
modules=$PLAN_LOGIC
if [ -n "$EQUIV_MODULES" ]; then
  for m in $EQUIV_MODULES; do
    [[ " $PLAN_LOGIC " == *" $m "* ]] || die "EQUIV_MODULES: '$m' is not a logic module of the run ($PLAN_LOGIC)"
  done
  modules=$EQUIV_MODULES
fi
for m in $modules; do
  [ -f "$RUN_DIR/generated/netlist/$m.v" ] || die "no netlist $RUN_DIR/generated/netlist/$m.v (did the run's yosys step finish?)"
done

# output folder: made here (marker .hgsynth_equiv), or refused
EQUIV_DIR=${EQUIV_DIR:-$RUN_DIR/equiv}
if [ -e "$EQUIV_DIR" ] && [ ! -f "$EQUIV_DIR/.hgsynth_equiv" ]; then
  [ -d "$EQUIV_DIR" ] && [ -z "$(ls -A "$EQUIV_DIR")" ] ||
    die "EQUIV_DIR='$EQUIV_DIR' exists and was not made by synth/equiv.sh (no .hgsynth_equiv); choose another"
fi
mkdir -p "$EQUIV_DIR"
EQUIV_DIR=$(cd "$EQUIV_DIR" && pwd)
: > "$EQUIV_DIR/.hgsynth_equiv"
rm -f "$EQUIV_DIR"/*.log "$EQUIV_DIR"/*.aig "$EQUIV_DIR/summary.txt"

# run_method MODULE METHOD: sets result (proven / not proven) and detail
run_method() {
  local m=$1 meth=$2 own="PLAN_FILE_$1" log="$EQUIV_DIR/$1.$2.log" rc=0
  local um="PLAN_MODULE_$1" up="PLAN_PARAMS_$1" uc="PLAN_CHILDREN_$1" uq="PLAN_PORTS_$1"
  result="not proven"
  set +e
  env SY_MODULE="$m" SY_RTL_DIR="$RTL_DIR" SY_RTL_FILES="$PLAN_FILES" SY_OWN_FILE="${!own}" \
    SY_UNIT_MODULE="${!um}" SY_UNIT_PARAMS="${!up}" SY_UNIT_CHILDREN="${!uc}" SY_UNIT_PORTS="${!uq}" \
    SY_NETLIST="$RUN_DIR/generated/netlist/$m.v" SY_METHOD="$meth" SY_SEQ="$EQUIV_SEQ" \
    SY_AIG="$EQUIV_DIR/$m.$meth.aig" \
    timeout "$EQUIV_TIMEOUT" "$YOSYS" -q -l "$log" -c "$here/scripts/yosys_equiv.tcl" > /dev/null 2>&1
  rc=$?
  set -e
  if [ "$rc" = 124 ]; then detail="timeout after ${EQUIV_TIMEOUT} s (yosys)"; return; fi
  if [ "$meth" = induct ]; then
    local cells
    cells=$(sed -n 's/^Found \([0-9]*\) \$equiv cells in equiv:.*/\1/p' "$log" | tail -1)
    if [ "$rc" = 0 ] && grep -q "Equivalence successfully proven" "$log"; then
      result=proven detail="${cells:-0} equiv cells"
    else
      detail="$(sed -n 's/^ *Of those cells \([0-9]*\) are proven and \([0-9]*\) are unproven.*/\2 of '"${cells:-?}"' equiv cells unproven/p' "$log" | tail -1)"
      [ -n "$detail" ] || detail="yosys: $(grep -m1 'ERROR' "$log" || echo "exit $rc")"
    fi
    return
  fi
  if [ "$rc" != 0 ]; then
    detail="yosys: $(grep -m1 'ERROR' "$log" | cut -c1-160 || echo "exit $rc")"
    return
  fi
  local abc_out
  set +e
  abc_out=$(cd "$EQUIV_DIR" && timeout "$EQUIV_TIMEOUT" "$YOSYS_ABC" -c "read_aiger $m.$meth.aig; print_stats; &get; &cec -m" 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$abc_out" >> "$log"
  local ands
  ands=$(printf '%s\n' "$abc_out" | sed -n 's/.* and = *\([0-9]*\).*/\1/p' | head -1)
  if [ "$rc" = 124 ]; then detail="timeout after ${EQUIV_TIMEOUT} s (abc &cec, ${ands:-?} AND nodes)"
  elif printf '%s\n' "$abc_out" | grep -q "Networks are equivalent"; then
    result=proven detail="${ands:-?} AND nodes, $(grep -c '^New module port: gold/.*\.q$' "$log" || true) register wires cut"
  elif printf '%s\n' "$abc_out" | grep -q "NOT EQUIVALENT"; then
    detail="abc &cec: counterexample (x in the RTL read as 0)"
  else detail="abc &cec: no answer (exit $rc)"
  fi
}

echo "== equiv: $PLAN_CONFIG ($RUN_DIR), methods: $EQUIV_METHODS"
t_all=$(date +%s)
n=0 nproven=0 nmapped=0
summary=()
for m in $modules; do
  block="PLAN_BLOCK_$m"
  t0=$(date +%s.%N)
  tried="" cec_timeout=0
  for meth in $EQUIV_METHODS; do
    if [ "$meth" = induct ] && [ "$cec_timeout" = 1 ]; then
      tried="$tried${tried:+; }induct: skipped after the cec timeout"
      continue
    fi
    run_method "$m" "$meth"
    [[ "$meth" != cec || "$detail" != timeout* ]] || cec_timeout=1
    [ "$result" != proven ] || break
    tried="$tried${tried:+; }$meth: $detail"
  done
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  n=$((n + 1))
  if [ "$result" = proven ] && [ "$meth" = mapped ]; then
    nmapped=$((nmapped + 1))
    line=$(printf '  %-22s %-8s MAPPED ONLY %-6s %7s s  %s; against the generic mapping: %s' "$m" "${!block}" "$meth" \
      "$secs" "$tried" "$detail")
  elif [ "$result" = proven ]; then
    nproven=$((nproven + 1))
    line=$(printf '  %-22s %-8s proven      %-6s %7s s  %s' "$m" "${!block}" "$meth" "$secs" "$detail")
  else
    line=$(printf '  %-22s %-8s NOT PROVEN  %-6s %7s s  %s' "$m" "${!block}" "-" "$secs" "$tried")
  fi
  echo "$line"
  summary+=("$line")
done
total="equiv: $PLAN_CONFIG: $n modules, $nproven proven, $nmapped proven against the generic mapping only, $((n - nproven - nmapped)) not proven; $(( $(date +%s) - t_all )) s"
echo "$total"
printf '%s\n' "${summary[@]}" "$total" > "$EQUIV_DIR/summary.txt.tmp" && mv "$EQUIV_DIR/summary.txt.tmp" "$EQUIV_DIR/summary.txt"
[ $((nproven + nmapped)) = "$n" ]
}

main "$@"
