#!/usr/bin/env bash
# synth/flow.sh — area, timing and activity-based power of one generated core.
#
#   RTL_DIR=build/rtl/had synth/flow.sh          (or: synth/flow.sh RTL_DIR)
#   synth/flow.sh --help                         every flow variable, default, meaning
#
# Steps (one banner each; logs in OUT_DIR/log, reports in OUT_DIR/reports):
#   1 plan      validate the generated directory (manifest.json), cell models from LIB
#   2 yosys     each logic module synthesized on its own (others black boxes), area
#   3 sta       per module: critical path, per-instance power at activity 0 and 1;
#               hierarchical top: critical path with memories cut -> Fmax
#   4 capture   RTL simulation with +define+HG_CAPTURE (bench or CAPTURE_CMD)
#   5 gatesim   each module netlist simulated on the captured stimulus of its instances:
#               outputs checked against the RTL every cycle, toggles counted per net
#               (GL_SIM=timed: under SDF delays in Icarus, every transition, glitches too)
#   6 summary   area / Fmax / power per block, memories, energy per query -> summary.json
# Exit status: 0 done, 1 a tool or the gate-level check failed, 2 bad input.
set -euo pipefail
# The whole flow is one function: bash parses it completely before running it, so an edit of
# this file cannot derail a run in progress.
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

die() { echo "flow: error: $*" >&2; exit 2; }
fail() { echo "flow: FAILED: $*" >&2; exit 1; }
banner() { echo; echo "== [$(date +%H:%M:%S)] $*"; }

# ------------------------------------------------------------------------------------
# Flow variables: declared once, default + description, overridable from the environment.
FLOW_VARS=()
FLOW_SET=()   # variables given by the environment (for the reproduction command)
flow_var() { # NAME DEFAULT DESCRIPTION
  local name=$1 dflt=$2
  FLOW_VARS+=("$name")
  printf -v "FLOW_DESC_$name" '%s' "$3"
  printf -v "FLOW_DFLT_$name" '%s' "$dflt"
  if [ -n "${!name+x}" ]; then FLOW_SET+=("$name"); else printf -v "$name" '%s' "$dflt"; fi
  export "${name?}"
}

flow_var RTL_DIR        ""  "generated core directory (manifest.json, filelist.f, one .v per module)"
flow_var OUT_ROOT       "$root/build/synth" "parent of the run directories"
flow_var OUT_DIR        ""  "run directory (default: OUT_ROOT/<core>-d<d>-p<P>-n<N>-l<L>[TAG])"
flow_var TAG            ""  "suffix of the default run directory name (e.g. -const; letters, digits, _ . -)"
flow_var LIB            "/usr/share/qflow/tech/osu018/osu018_stdcells.lib" "Liberty file: cells, area, timing, power"
flow_var ABC_SCRIPT     "+strash;&get,-n;&nf;&put;buffer;upsize;dnsize" "abc script: fast mapping (the default abc -liberty script is too slow on multipliers, &dch too slow on the top-N sorters), then fan-out buffering and gate sizing"
flow_var ABC_IN_DRIVER  "BUFX2" "library cell abc takes to drive every module input (abc -constr set_driving_cell), so an input of high fan-out gets a buffer tree; empty: ideal inputs, never buffered"
flow_var FANOUT_BUF     "BUFX4 A Y" "library cell, input pin and output pin of the buffers a unit without logic (a fan-out stage, rtl/src/hg_fanout.v) is mapped to, one a bit"
flow_var IN_SLEW_NS     "0.1" "transition time at module inputs (ns)"
flow_var OUT_LOAD_PF    "0.01" "load on module outputs (pF)"
flow_var TOP_STA        "1" "1: also time the hierarchical top (the achieved Fmax); 0: per-module only"
flow_var JOBS           "2" "parallel tool runs (this machine: 2 cores)"
flow_var CAPTURE_DIR    ""  "activity captures <instance>.hex (default: OUT_DIR/captures)"
flow_var CAPTURE_CMD    "hgsim" "how captures are made: hgsim (sim/'s Verilator model of the same configuration, outputs checked against the golden model), bench (synth/bench/hg_capture_tb.v under Icarus), none (use CAPTURE_DIR as is), or a shell command run with CAPTURE_DIR set"
flow_var CAPTURE_DATA   ""  "hgsim: directory with keys.bin, values.bin, queries.bin; a head dumped by hadrun --dump-streams also has head.json, whose key count and exp parameters are then used; empty: synthetic (hgsynth vectors)"
flow_var HGSIM_EXTRA    "--scale-q 0.03125 --scale-k 0.03125" "hgsim: extra options, e.g. the exp parameters (--alpha, --scale-q/-k) that match the data; the synthetic data is quantised with scale 1/32"
flow_var CAPTURE_QUERIES "64" "synthetic data: queries streamed after the K/V load (more: less pipeline fill/drain in the energy per query)"
flow_var CAPTURE_CONST  "0" "synthetic data: 1 holds keys, values and queries constant"
flow_var CAPTURE_KEYS   ""  "synthetic data: keys n_k loaded before the queries, 1..L (empty: L, the core's capacity); a real head (CAPTURE_DATA with head.json) brings its own"
flow_var CAPTURE_SEED   "1" "synthetic data: random seed"
flow_var CAPTURE_PREFIX ""  "capture name of the top instance (default: found from the files)"
flow_var ACT_WINDOW     "query" "cycles whose toggles count as activity: query (from hg_phase.txt: first query to last output), all, or START:END (the cycles START < c < END; START + 2 <= END <= captured cycles)"
flow_var SAMPLE         "0" "simulate at most this many instances per module at gate level, evenly spaced (0 = all)"
flow_var GL_SIM         "builtin" "gate-level simulator: builtin (hgsynth gatesim, 64 instances per pass, zero delay), verilator (cell models from LIB + synth/harness, slow to compile: small modules, zero delay) or timed (Icarus with each module's SDF from OpenSTA: every transition counts, glitches included)"
flow_var CELLS_TIMED    "/usr/share/qflow/tech/osu018/osu018_stdcells.v" "GL_SIM=timed: Verilog cell library with specify blocks (the cells of LIB, same names and pins)"
flow_var TIMED_SDF      "1" "GL_SIM=timed: 1 annotates the module's SDF (OpenSTA, synth/scripts/sta_sdf.tcl); 0 zero delay (no specify, no SDF: the zero-delay counts, a check of the bench)"
flow_var TIMED_IN_OFFSET_NS "0.1" "GL_SIM=timed: module inputs change this long after the rising edge, all at once (ns, a multiple of 0.001, below half the period; 0: in the edge's time step)"
flow_var CAPTURE_ORDER  "ports" "column order of the capture lines: ports (manifest port order, clk_i left out; what hadgen writes) or inputs-first"
flow_var VERILATOR_CFLAGS "-O1" "GL_SIM=verilator: C++ optimisation of the models"
flow_var SYN_SALT       ""  "empty, or a seed 1..999999: a null perturbation of synthesis (abc permutes the order of each module's inputs, outputs and nodes with that seed before mapping: another netlist of the same function; ABC_SCRIPT must then be a +script); flows over several seeds measure the flow's noise band (make report-noise)"
flow_var REUSE_FROM     ""  "run directory of the same RTL_DIR whose netlists and STA reports are reused: steps 2-3 are skipped (e.g. a second activity case on the same netlists)"
flow_var STOP_AFTER     ""  "stop after this step (plan, yosys, sta, capture, gatesim); empty: run all"
flow_var CAPTURE_ONLY   "0" "1: plan and capture only, no synthesis (steps 2-3 skipped, the run ends after step 4): the RTL stimulus in CAPTURE_DIR, for a later run with CAPTURE_CMD=none"
flow_var YOSYS          "yosys" "Yosys binary"
flow_var STA            "sta" "OpenSTA binary"
flow_var VERILATOR      "verilator" "Verilator binary"
flow_var IVERILOG       "iverilog" "Icarus compiler (capture bench, GL_SIM=timed)"
flow_var VVP            "vvp" "Icarus runtime (capture bench, GL_SIM=timed)"
flow_var HGSYNTH        "$root/build/bin/hgsynth" "flow helper program (make hgsynth)"
flow_var HGSIM          "$root/build/bin/hgsim" "sim/'s command-line simulator (make sim-tools), for CAPTURE_CMD=hgsim"
flow_var HSPROBES       "$root/build/bin/hsprobes" "sim/'s probes writer (make sim-tools): the core's capture for CAPTURE_CMD=bench"
flow_var HGGL_MAIN      "$here/harness/hggl_main.cpp" "gate-level harness source"
# The model variables (clock period, memory model, node normalisation): default, range and
# meaning come from their one definition, `hgsynth vars` (synth/src/sy_model.c).
[ -x "$HGSYNTH" ] || die "HGSYNTH='$HGSYNTH' not found (run: make hgsynth)"
MODEL_VARS=()   # NAME:pos|nonneg:MAX
model_vars=$("$HGSYNTH" vars) || die "'$HGSYNTH vars' failed"
while IFS=$'\t' read -r mv_name mv_dflt mv_kind mv_max mv_desc; do
  flow_var "$mv_name" "$mv_dflt" "$mv_desc"
  MODEL_VARS+=("$mv_name:$mv_kind:$mv_max")
done <<< "$model_vars"

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  echo
  echo "Flow variables (environment overrides the default):"
  for v in "${FLOW_VARS[@]}"; do
    d="FLOW_DESC_$v" f="FLOW_DFLT_$v"
    printf '  %-17s %s\n  %-17s   default: %s\n' "$v" "${!d}" "" "${!f:-(empty)}"
  done
}


case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  -*) echo "flow: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  *) RTL_DIR=$1 ;;
esac

# ------------------------------------------------------------------------------------
# Sanity checks (exit 2 with the thing, the value and what is expected)
[ -n "$RTL_DIR" ] || die "RTL_DIR is not set (a directory written by hadgen)"
[ -d "$RTL_DIR" ] || die "RTL_DIR='$RTL_DIR' is not a directory"
[ -f "$RTL_DIR/manifest.json" ] || die "RTL_DIR='$RTL_DIR' has no manifest.json (not a hadgen output directory)"
[ -f "$LIB" ] || die "LIB='$LIB': no such Liberty file"
[ -x "$HGSYNTH" ] || die "HGSYNTH='$HGSYNTH' not found (run: make hgsynth)"
# numbers: decimal notation only (no inf, nan, hex), finite, in range; the value reaches awk
# as data (-v), never as program text
num_var() { # NAME pos|nonneg MAX
  local v=${!1} what
  [ "$2" = pos ] && what="> 0" || what=">= 0"
  [[ "$v" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?$ ]] &&
    awk -v x="$v" -v k="$2" -v max="$3" 'BEGIN { x += 0; exit !((k == "pos" ? x > 0 : x >= 0) && x <= max + 0) }' ||
    die "$1='$v': must be a number $what and <= $3 (decimal notation)"
}
int_var() { # NAME MIN MAX
  local v=${!1}
  [[ "$v" =~ ^[0-9]{1,12}$ ]] && (( 10#$v >= $2 && 10#$v <= $3 )) || die "$1='$v': must be an integer in $2..$3"
}
for mv in "${MODEL_VARS[@]}"; do IFS=: read -r mv_name mv_kind mv_max <<< "$mv"; num_var "$mv_name" "$mv_kind" "$mv_max"; done
num_var IN_SLEW_NS nonneg 1e3
num_var OUT_LOAD_PF nonneg 1e6
int_var JOBS 1 256
int_var SAMPLE 0 1000000
int_var TOP_STA 0 1
[ -z "$SYN_SALT" ] || { int_var SYN_SALT 1 999999
  [[ "$ABC_SCRIPT" == +* ]] || die "SYN_SALT='$SYN_SALT' needs an ABC_SCRIPT of abc commands ('+cmd;cmd'), not a script file"; }
int_var CAPTURE_QUERIES 1 1000000
int_var CAPTURE_CONST 0 1
[ -z "$CAPTURE_KEYS" ] || int_var CAPTURE_KEYS 1 1000000000
[[ "$CAPTURE_SEED" =~ ^[0-9]{1,19}$ ]] || die "CAPTURE_SEED='$CAPTURE_SEED': must be an integer of at most 19 digits"
# words that reach other programs' command lines or scripts: a plain character set only
[[ "$TAG" =~ ^[A-Za-z0-9_.-]*$ ]] || die "TAG='$TAG': must be letters, digits, '_', '.', '-' (it names the run directory)"
[[ "$VERILATOR_CFLAGS" =~ ^[-A-Za-z0-9_=.,+\ ]*$ ]] ||
  die "VERILATOR_CFLAGS='$VERILATOR_CFLAGS': must be compiler options of letters, digits, spaces and - _ = . , +"
[[ "$ABC_SCRIPT" =~ ^[-A-Za-z0-9_\;\&,.:/+\ ]+$ ]] ||
  die "ABC_SCRIPT='$ABC_SCRIPT': must be an abc script or file of letters, digits, spaces and - _ ; & , . : / +"
[[ "$ABC_IN_DRIVER" =~ ^[A-Za-z0-9_]*$ ]] || die "ABC_IN_DRIVER='$ABC_IN_DRIVER': must be a cell name (letters, digits, _) or empty"
[[ "$FANOUT_BUF" =~ ^[A-Za-z0-9_]+\ [A-Za-z0-9_]+\ [A-Za-z0-9_]+$ ]] ||
  die "FANOUT_BUF='$FANOUT_BUF': must be a cell name, its input pin and its output pin (letters, digits, _), e.g. 'BUFX4 A Y'"
[[ "$GL_SIM" =~ ^(builtin|verilator|timed)$ ]] || die "GL_SIM='$GL_SIM': must be builtin, verilator or timed"
int_var TIMED_SDF 0 1
[[ "$TIMED_IN_OFFSET_NS" =~ ^[0-9]{1,6}(\.[0-9]{0,3})?$ ]] &&
  awk -v o="$TIMED_IN_OFFSET_NS" -v p="$CLK_PERIOD_NS" 'BEGIN { exit !(2 * (o * 1000 + 2) < p * 1000) }' ||
  die "TIMED_IN_OFFSET_NS='$TIMED_IN_OFFSET_NS': must be a decimal number of ns with at most 3 decimals (whole ps), below half of CLK_PERIOD_NS=$CLK_PERIOD_NS"
if [ "$GL_SIM" = timed ]; then
  [ -f "$CELLS_TIMED" ] || die "CELLS_TIMED='$CELLS_TIMED': no such Verilog cell library"
  for t in "$IVERILOG" "$VVP"; do command -v "$t" >/dev/null || die "tool '$t' not found (GL_SIM=timed)"; done
fi
[[ "$CAPTURE_ORDER" =~ ^(ports|inputs-first)$ ]] || die "CAPTURE_ORDER='$CAPTURE_ORDER': must be ports or inputs-first"
[[ "$STOP_AFTER" =~ ^(|plan|yosys|sta|capture|gatesim)$ ]] || die "STOP_AFTER='$STOP_AFTER': must be plan, yosys, sta, capture, gatesim or empty"
int_var CAPTURE_ONLY 0 1
if [ "$CAPTURE_ONLY" = 1 ]; then
  [[ "$STOP_AFTER" =~ ^(|plan|capture)$ ]] || die "STOP_AFTER='$STOP_AFTER' with CAPTURE_ONLY=1: the run has no $STOP_AFTER step (leave STOP_AFTER empty, or plan)"
  [ -z "$REUSE_FROM" ] || die "REUSE_FROM='$REUSE_FROM' with CAPTURE_ONLY=1: a capture-only run makes no netlists to reuse (leave REUSE_FROM empty)"
  [ "$CAPTURE_CMD" != none ] || die "CAPTURE_CMD=none with CAPTURE_ONLY=1: nothing to run (choose hgsim, bench or a command)"
  STOP_AFTER=${STOP_AFTER:-capture}
fi
[[ "$ACT_WINDOW" =~ ^(query|all|[0-9]{1,12}:[0-9]{1,12})$ ]] &&
  { [[ "$ACT_WINDOW" != *:* ]] || (( 10#${ACT_WINDOW%%:*} + 2 <= 10#${ACT_WINDOW##*:} )); } ||
  die "ACT_WINDOW='$ACT_WINDOW': must be query, all or START:END with START + 2 <= END (cycles START < c < END count)"
for t in "$YOSYS" "$STA"; do command -v "$t" >/dev/null || die "tool '$t' not found"; done
RTL_DIR=$(cd "$RTL_DIR" && pwd)

t_start=$(date +%s)
plan_tmp=$(mktemp)
"$HGSYNTH" plan --rtl "$RTL_DIR" --out "$plan_tmp" || { rm -f "$plan_tmp"; exit 2; }
# shellcheck disable=SC1090
source "$plan_tmp"
rm -f "$plan_tmp"
[ -n "$OUT_DIR" ] || OUT_DIR="$OUT_ROOT/$PLAN_CONFIG$TAG"
plan_l=$(sed -n 's/.*--max-keys \([0-9]*\).*/\1/p' <<< "$PLAN_HGSIM_ARGS")
[ -z "$CAPTURE_KEYS" ] || (( 10#$CAPTURE_KEYS <= plan_l )) ||
  die "CAPTURE_KEYS='$CAPTURE_KEYS': must be at most L = $plan_l, the keys the core holds"
[ -n "$CAPTURE_DIR" ] || CAPTURE_DIR="$OUT_DIR/captures"
export OUT_DIR CAPTURE_DIR
# The flow deletes and rewrites OUT_DIR/generated, log and reports, and the *.hex and
# hg_phase.txt it makes in CAPTURE_DIR: only where it made them itself (its marker file, or
# log/flow_vars.txt of a run from before the marker) or where there are none yet.
RUN_MARK=.hgsynth_run CAP_MARK=.hgsynth_captures
[ ! -e "$OUT_DIR" ] || [ -d "$OUT_DIR" ] || die "OUT_DIR='$OUT_DIR' exists and is not a directory"
[ ! -d "$OUT_DIR" ] || [ "$(cd "$OUT_DIR" && pwd)" != "$RTL_DIR" ] ||
  die "OUT_DIR is RTL_DIR itself ('$RTL_DIR'): choose another OUT_DIR"
if [ ! -f "$OUT_DIR/$RUN_MARK" ] && [ ! -f "$OUT_DIR/log/flow_vars.txt" ]; then
  for sub in generated log reports; do
    [ ! -e "$OUT_DIR/$sub" ] ||
      die "OUT_DIR='$OUT_DIR' has a $sub/ that synth/flow.sh did not make (no $RUN_MARK): a run would delete it; choose another OUT_DIR"
  done
fi
mkdir -p "$OUT_DIR" "$CAPTURE_DIR" || die "cannot create OUT_DIR='$OUT_DIR' or CAPTURE_DIR='$CAPTURE_DIR'"
OUT_DIR=$(cd "$OUT_DIR" && pwd) CAPTURE_DIR=$(cd "$CAPTURE_DIR" && pwd)
for p in "$RTL_DIR" ${CAPTURE_DATA:+"$(cd "$CAPTURE_DATA" 2>/dev/null && pwd || echo "$CAPTURE_DATA")"}; do
  for sub in generated log reports; do
    case "$p/" in "$OUT_DIR/$sub"/*) die "'$p' lies in OUT_DIR/$sub, which a run deletes: move it or choose another OUT_DIR" ;; esac
  done
done
if [[ "$CAPTURE_CMD" =~ ^(hgsim|bench)$ ]] && [ ! -f "$CAPTURE_DIR/$CAP_MARK" ] &&
   ! { [ "$CAPTURE_DIR" = "$OUT_DIR/captures" ] && [ -f "$OUT_DIR/log/flow_vars.txt" ]; } &&
   compgen -G "$CAPTURE_DIR/*.hex" > /dev/null; then
  die "CAPTURE_DIR='$CAPTURE_DIR' has *.hex files that synth/flow.sh did not make (no $CAP_MARK): CAPTURE_CMD=$CAPTURE_CMD would delete them; choose another CAPTURE_DIR or CAPTURE_CMD=none"
fi
if [ -n "$REUSE_FROM" ]; then
  [ -d "$REUSE_FROM" ] || die "REUSE_FROM='$REUSE_FROM' is not a directory"
  REUSE_FROM=$(cd "$REUSE_FROM" && pwd)
  [ "$REUSE_FROM" != "$(mkdir -p "$OUT_DIR" && cd "$OUT_DIR" && pwd)" ] || die "REUSE_FROM is the run directory itself (set TAG or OUT_DIR)"
fi
GEN=$OUT_DIR/generated LOG=$OUT_DIR/log RPT=$OUT_DIR/reports
rm -rf "$GEN" "$LOG" "$RPT"
mkdir -p "$GEN/netlist" "$GEN/gl" "$LOG" "$RPT/area" "$RPT/sta" "$RPT/toggles" "$CAPTURE_DIR"
: > "$OUT_DIR/$RUN_MARK"

banner "hadgen synthesis flow: $PLAN_CONFIG -> $OUT_DIR"
{
  for v in "${FLOW_VARS[@]}"; do printf '%-17s = %s\n' "$v" "${!v}"; done
} | tee "$LOG/flow_vars.txt"
{ # shell-quoted (%q): the command runs as written whatever the values hold
  for v in "${FLOW_SET[@]}"; do [ "$v" = RTL_DIR ] || printf "%s=%q " "$v" "${!v}"; done
  printf 'synth/flow.sh %q\n' "$RTL_DIR"
} > "$LOG/command.txt"
"$HGSYNTH" plan --rtl "$RTL_DIR" --out "$GEN/plan.sh"

# Parallel runner: each job records its exit status; wait_jobs fails on the first bad one.
job_seq=0
run_job() { # LOGFILE CMD...
  local log=$1; shift
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 0.2; done
  job_seq=$((job_seq + 1))
  ( set +e; "$@" > "$log" 2>&1; echo $? > "$LOG/.job_$job_seq.rc"; echo "$log" > "$LOG/.job_$job_seq.log" ) &
}
wait_jobs() { # STEP
  wait
  local bad=0 rc
  for f in "$LOG"/.job_*.rc; do
    [ -e "$f" ] || continue
    rc=$(cat "$f")
    if [ "$rc" != 0 ]; then
      echo "flow: $1 failed (exit $rc), log: $(cat "${f%.rc}.log")" >&2
      tail -n 15 "$(cat "${f%.rc}.log")" >&2
      bad=1
    fi
    rm -f "$f" "${f%.rc}.log"
  done
  [ "$bad" = 0 ] || fail "$1"
}
step_time() { echo "$1 $(( $(date +%s) - $2 ))" >> "$LOG/step_times.txt"; }
# OpenSTA reports a netlist statement it cannot read as an error and goes on without it (a
# child instance missing from the hierarchy, its paths untimed), exiting 0: its logs are read.
sta_clean() { # LOG...: 0, or 1 with the first errors when one of them has an error line
  local e
  e=$(grep -H -m1 '^Error' "$@" 2>/dev/null | head -3)
  [ -z "$e" ] || { echo "flow: OpenSTA reported errors: $e" >&2; return 1; }
}

# ------------------------------------------------------------------------------------
banner "1 plan: $PLAN_TOP, logic: $PLAN_LOGIC; memories: ${PLAN_MEMORIES:-none}"
t0=$(date +%s)
"$HGSYNTH" cells --lib "$LIB" --out "$GEN/cells.v" > "$LOG/cells.log" 2>&1 ||
  { echo "flow: error: LIB='$LIB' is not a usable Liberty file:" >&2; cat "$LOG/cells.log" >&2; exit 2; }
cat "$LOG/cells.log"
step_time plan "$t0"
[ "$STOP_AFTER" != plan ] || { banner "stopped after plan (STOP_AFTER)"; exit 0; }

# ------------------------------------------------------------------------------------
banner "2 yosys: each logic module on its own, memories and submodules black boxes"
t0=$(date +%s)
if [ "$CAPTURE_ONLY" = 1 ]; then
  echo "  skipped (CAPTURE_ONLY=1)"
elif [ -n "$REUSE_FROM" ]; then
  cmp -s "$REUSE_FROM/generated/plan.sh" "$GEN/plan.sh" ||
    die "REUSE_FROM='$REUSE_FROM' is not a run of the same generated RTL (its generated/plan.sh differs)"
  for f in LIB CLK_PERIOD_NS ABC_SCRIPT ABC_IN_DRIVER FANOUT_BUF IN_SLEW_NS OUT_LOAD_PF TOP_STA SYN_SALT; do
    grep -qxF "$(printf '%-17s = %s' "$f" "${!f}")" "$REUSE_FROM/log/flow_vars.txt" ||
      die "REUSE_FROM='$REUSE_FROM' was run with another $f"
  done
  cp "$REUSE_FROM"/generated/netlist/* "$GEN/netlist/"
  cp "$REUSE_FROM"/reports/area/* "$RPT/area/"
  cp "$REUSE_FROM"/reports/sta/* "$RPT/sta/"
  echo "  netlists and STA reports reused from $REUSE_FROM"
else
  for m in $PLAN_LOGIC; do
    own="PLAN_FILE_$m" um="PLAN_MODULE_$m" up="PLAN_PARAMS_$m" uc="PLAN_CHILDREN_$m" uq="PLAN_PORTS_$m"
    run_job "$LOG/yosys_$m.log" env SY_MODULE="$m" SY_RTL_DIR="$RTL_DIR" SY_RTL_FILES="$PLAN_FILES" \
      SY_OWN_FILE="${!own}" SY_UNIT_MODULE="${!um}" SY_UNIT_PARAMS="${!up}" SY_UNIT_CHILDREN="${!uc}" SY_UNIT_PORTS="${!uq}" \
      SY_NETLIST_DIR="$GEN/netlist" SY_AREA_RPT="$RPT/area/$m.rpt" \
      "$YOSYS" -q -c "$here/scripts/yosys_module.tcl"
  done
  wait_jobs yosys
fi
[ "$CAPTURE_ONLY" = 1 ] || for m in $PLAN_LOGIC; do
  a=$(sed -n 's/.*Chip area for module.*: //p' "$RPT/area/$m.rpt")
  printf '  %-24s %12.0f um2\n' "$m" "${a:-0}"
done
step_time yosys "$t0"
[ "$STOP_AFTER" != yosys ] || { banner "stopped after yosys (STOP_AFTER)"; exit 0; }

# ------------------------------------------------------------------------------------
banner "3 sta: per-module timing and power tables, hierarchical top timing"
t0=$(date +%s)
if [ "$CAPTURE_ONLY" = 1 ]; then
  echo "  skipped (CAPTURE_ONLY=1)"
elif [ -z "$REUSE_FROM" ]; then
  for m in $PLAN_LOGIC; do
    run_job "$LOG/sta_$m.log" env SY_MODULE="$m" SY_NETLIST="$GEN/netlist/$m.v" SY_SCRIPTS="$here/scripts" \
      SY_TIMING_RPT="$RPT/sta/$m.timing.rpt" SY_POWER0_RPT="$RPT/sta/$m.power0.rpt" \
      SY_POWER1_RPT="$RPT/sta/$m.power1.rpt" "$STA" -no_splash -exit "$here/scripts/sta_module.tcl"
  done
  if [ "$TOP_STA" = 1 ]; then
    run_job "$LOG/sta_top.log" env SY_TOP="$PLAN_TOP" SY_MODULES="$PLAN_LOGIC" SY_NETLIST_DIR="$GEN/netlist" \
      SY_TIMING_RPT="$RPT/sta/top.timing.rpt" \
      "$STA" -no_splash -exit "$here/scripts/sta_top.tcl"
  fi
  wait_jobs sta
  sta_clean "$LOG"/sta_*.log || fail "sta"
fi
step_time sta "$t0"
[ "$STOP_AFTER" != sta ] || { banner "stopped after sta (STOP_AFTER)"; exit 0; }

# ------------------------------------------------------------------------------------
banner "4 capture: RTL activity ($CAPTURE_CMD) -> $CAPTURE_DIR"
t0=$(date +%s)
case "$CAPTURE_CMD" in
  none) ;;
  hgsim)
    [ -x "$HGSIM" ] || die "CAPTURE_CMD=hgsim: HGSIM='$HGSIM' not found (run: make sim-tools, or CAPTURE_CMD=bench)"
    data=$CAPTURE_DATA
    if [ -z "$data" ]; then
      data=$GEN/vectors
      mkdir -p "$data"
      "$HGSYNTH" vectors --rtl "$RTL_DIR" --out "$data" --queries "$CAPTURE_QUERIES" --seed "$CAPTURE_SEED" \
        --const "$CAPTURE_CONST" || exit $?
    fi
    for f in keys values queries; do [ -f "$data/$f.bin" ] || die "CAPTURE_DATA='$data' has no $f.bin"; done
    read -r -a head_args <<< "$HGSIM_EXTRA"   # words, never globbed
    [ -z "$CAPTURE_KEYS" ] || head_args+=(--n-keys "$CAPTURE_KEYS")
    if [ -n "$CAPTURE_DATA" ] && [ -f "$data/head.json" ]; then
      # a head dumped by hadrun: its key count and exp parameters, for this configuration only
      hj() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$data/head.json"; }
      # the top-N selector, its sort cut, the load width, the shadow exp table and the AV fan-out
      # stages do not change what a core computes (docs/architecture.md): a head dumped for one
      # selector or load width drives the other; --v-bits 8 is the default (a dump from before the
      # option has none)
      nosel() { sed 's/ --selector [a-z]*//; s/ --sort-cut [a-z]*//; s/ --load-width [0-9]*//; s/ --etab-shadow [a-z]*//; s/ --av-fan [a-z0-9]*//; s/ --v-bits 8\( \|$\)/\1/' <<< "$1"; }
      [ "$(nosel "$(hj core_options)")" = "$(nosel "$PLAN_HGSIM_ARGS")" ] ||
        die "CAPTURE_DATA='$data' was dumped for '$(hj core_options)', not for this core ('$PLAN_HGSIM_ARGS')"
      [[ "$(hj n_keys)" =~ ^[1-9][0-9]{0,8}$ ]] || die "$data/head.json: n_keys '$(hj n_keys)' is not an integer >= 1"
      for k in alpha scale_q scale_k; do
        [[ "$(hj $k)" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?$ ]] ||
          die "$data/head.json: $k '$(hj $k)' is not a number >= 0 (decimal notation)"
      done
      [ -z "$CAPTURE_KEYS" ] || die "CAPTURE_KEYS='$CAPTURE_KEYS' with a real head (CAPTURE_DATA='$data' has head.json, whose n_keys is $(hj n_keys)): leave CAPTURE_KEYS empty"
      # the HAD exp table: alpha's, or the entries a model with learned tables loaded ("etab")
      etab=$(sed -n 's/^[[:space:]]*"etab":[[:space:]]*\[\([0-9, ]*\)\],\{0,1\}$/\1/p' "$data/head.json" | tr -d ' ')
      if grep -q '^[[:space:]]*"etab":' "$data/head.json"; then
        [[ "$etab" =~ ^[0-9]{1,10}(,[0-9]{1,10})*$ ]] ||
          die "$data/head.json: etab is not one line of non-negative integers (a learned exp table, as hadrun dumps it)"
        table=(--etab "$etab")
      else
        table=(--alpha "$(hj alpha)")
      fi
      head_args=(--n-keys "$(hj n_keys)" "${table[@]}" --scale-q "$(hj scale_q)" --scale-k "$(hj scale_k)")
      echo "  real head: layer $(hj layer) head $(hj head) sentence $(hj sentence), $(hj n_keys) keys, $(hj n_queries) queries; exp table ${table[0]#--}"
    fi
    rm -f "$CAPTURE_DIR"/*.hex "$CAPTURE_DIR/hg_phase.txt"
    : > "$CAPTURE_DIR/$CAP_MARK"
    read -r -a core_args <<< "$PLAN_HGSIM_ARGS"
    "$HGSIM" "${core_args[@]}" "${head_args[@]}" --keys "$data/keys.bin" --values "$data/values.bin" --queries "$data/queries.bin" \
      --capture "$CAPTURE_DIR" --check > "$LOG/capture.log" 2>&1 || { cat "$LOG/capture.log" >&2; fail "hgsim capture run"; }
    # query phase: the last `queries` cycles of the run (after reset, configuration, K/V load)
    awk '/^core /{for(i=1;i<=NF;i++) {split($i,a,"="); if(a[1]=="queries") nq=a[2]; if(a[1]=="n_k") nk=a[2]}}
         /^cycles: total/{gsub(",",""); t=$3; q=$9}
         END{printf "query_start %d\nquery_end %d\nqueries %d\ncycles %d\nn_keys %d\n", t-q, t, nq, t, nk}' \
      "$LOG/capture.log" > "$CAPTURE_DIR/hg_phase.txt"
    grep -E "^(cycles|steady|memory|check)" "$LOG/capture.log" | sed 's/^/  hgsim: /'
    ;;
  bench)
    [ "$PLAN_BENCH_OK" = 1 ] || die "CAPTURE_CMD=bench: the top of $RTL_DIR lacks the q_data_i/kv_v_i/o_data_o ports of a hadgen core"
    command -v "$IVERILOG" >/dev/null || die "tool '$IVERILOG' not found"
    rm -f "$CAPTURE_DIR"/*.hex "$CAPTURE_DIR/hg_phase.txt"
    : > "$CAPTURE_DIR/$CAP_MARK"
    files=()
    read -r -a plan_files <<< "$PLAN_FILES"
    for f in "${plan_files[@]}"; do files+=("$RTL_DIR/$f"); done
    # the probes (the capture) sit beside the core in the bench: their hierarchical names start
    # at its instance dut, and the capture files are named after its %m name
    [ -x "$HSPROBES" ] || die "CAPTURE_CMD=bench: HSPROBES='$HSPROBES' not found (run: make sim-tools)"
    probes_mod=$("$HSPROBES" --rtl "$RTL_DIR" --out "$GEN/probes.v") || fail "the core's probes (hsprobes)"
    files+=("$GEN/probes.v")
    read -r -a bench_defines <<< "$PLAN_BENCH_DEFINES"
    bench_defines+=(-DHGB_PROBES="$probes_mod" -DHS_DUT=dut -DHS_NAME="\"hg_capture_tb.dut\"")
    "$IVERILOG" -g2005 -DHG_CAPTURE "${bench_defines[@]}" -o "$GEN/capture_tb.vvp" \
      "$here/bench/hg_capture_tb.v" "${files[@]}" > "$LOG/capture_build.log" 2>&1 ||
      { cat "$LOG/capture_build.log" >&2; fail "capture bench build"; }
    "$VVP" -n "$GEN/capture_tb.vvp" +hg_capture_dir="$CAPTURE_DIR" +hg_queries="$CAPTURE_QUERIES" \
      +hg_const="$CAPTURE_CONST" +hg_seed="$CAPTURE_SEED" +hg_keys="${CAPTURE_KEYS:-$plan_l}" > "$LOG/capture.log" 2>&1 ||
      { cat "$LOG/capture.log" >&2; fail "capture simulation"; }
    ! grep -q timeout "$LOG/capture.log" || { cat "$LOG/capture.log" >&2; fail "capture simulation timed out"; }
    ! grep -q "hg_capture_tb: error" "$LOG/capture.log" || { cat "$LOG/capture.log" >&2; fail "capture bench"; }
    ;;
  *)
    bash -c "$CAPTURE_CMD" > "$LOG/capture.log" 2>&1 || { cat "$LOG/capture.log" >&2; fail "CAPTURE_CMD"; } ;;
esac
ls "$CAPTURE_DIR"/*.hex >/dev/null 2>&1 || die "no captures (*.hex) in CAPTURE_DIR='$CAPTURE_DIR'"
echo "  $(ls "$CAPTURE_DIR"/*.hex | wc -l) instance captures, $(wc -l < "$(ls "$CAPTURE_DIR"/*.hex | head -1)") cycles"
win_args=()
case "$ACT_WINDOW" in
  all) ;;
  query)
    if [ -f "$CAPTURE_DIR/hg_phase.txt" ]; then
      qs=$(awk '/^query_start/{print $2}' "$CAPTURE_DIR/hg_phase.txt")
      qe=$(awk '/^query_end/{print $2}' "$CAPTURE_DIR/hg_phase.txt")
      win_args=(--window "$qs" "$qe")
    else
      echo "  no hg_phase.txt: activity over all cycles"
    fi ;;
  *) win_args=(--window "${ACT_WINDOW%%:*}" "${ACT_WINDOW##*:}") ;;
esac
echo "  activity window: ${win_args[*]:-all cycles}"
step_time capture "$t0"
[ "$STOP_AFTER" != capture ] || { banner "stopped after capture (STOP_AFTER)"; exit 0; }

# ------------------------------------------------------------------------------------
banner "5 gatesim ($GL_SIM): netlists on the captured stimulus, checked against the RTL"
t0=$(date +%s)
prefix_args=()
[ -z "$CAPTURE_PREFIX" ] || prefix_args=(--prefix "$CAPTURE_PREFIX")
"$HGSYNTH" instances --rtl "$RTL_DIR" --netlists "$GEN/netlist" --captures "$CAPTURE_DIR" \
  --sample "$SAMPLE" "${prefix_args[@]}" --out "$GEN/instances.txt" || exit $?
build_gl() { # MODULE: Verilator model of the module's gate-level top
  local m=$1 d="$GEN/gl/$1" memfiles
  "$HGSYNTH" glgen --rtl "$RTL_DIR" --netlists "$GEN/netlist" --module "$m" --out "$d" \
    --capture-order "$CAPTURE_ORDER" &&
  mapfile -t memfiles < "$d/memfiles.f" &&
  "$VERILATOR" --cc --exe --build -j 1 -Wno-fatal -Wno-lint -Wno-style --timescale 1ns/1ps \
    --top-module hggl_top -O3 --x-assign fast --x-initial fast -Mdir "$d/obj" -o hggl_sim \
    -CFLAGS "$VERILATOR_CFLAGS -std=c++17 -I$here/src" "$d/hggl_top.v" "$GEN/cells.v" "${memfiles[@]}" \
    "$HGGL_MAIN" "$here/src/sy_capture.c"
}
run_gl() { # MODULE BASE: one instance through the Verilator model
  "$GEN/gl/$1/obj/hggl_sim" --map "$GEN/gl/$1/map.txt" --capture "$2" --instance "$(basename "$2")" \
    --toggles "$RPT/toggles/$(basename "$2").tog" "${win_args[@]}"
}
build_timed() { # MODULE: the timed bench of the module (SDF from OpenSTA, completed for Icarus)
  local m=$1 d="$GEN/gl/$1" memfiles spec=()
  "$HGSYNTH" glgen --rtl "$RTL_DIR" --netlists "$GEN/netlist" --module "$m" --out "$d" \
    --capture-order "$CAPTURE_ORDER" --timed &&
  mapfile -t memfiles < "$d/memfiles.f" || return 1
  if [ "$TIMED_SDF" = 1 ]; then
    env SY_MODULE="$m" SY_NETLIST="$GEN/netlist/$m.v" SY_SDF="$d/$m.sta.sdf" SY_SCRIPTS="$here/scripts" \
      "$STA" -no_splash -exit "$here/scripts/sta_sdf.tcl" > "$d/sta_sdf.log" 2>&1 && sta_clean "$d/sta_sdf.log" &&
    "$HGSYNTH" sdf-fix --in "$d/$m.sta.sdf" --out "$d/$m.sdf" --top hggl_top || return 1
    spec=(-gspecify)
  fi
  "$IVERILOG" -g2005 "${spec[@]}" -o "$d/timed.vvp" -I "$d" "$here/bench/hg_timed_tb.v" "$d/hggl_top.v" \
    "${memfiles[@]}" "$CELLS_TIMED" > "$d/iverilog.log" 2>&1 ||
    { grep -v 'warning: choosing typ expression' "$d/iverilog.log"; return 1; }
  echo "hg_timed_tb of $m compiled ($(grep -c 'choosing typ' "$d/iverilog.log") library typ-choice warnings)"
}
run_timed() { # MODULE BASE: one instance through the timed bench
  local m=$1 d="$GEN/gl/$1" name sdf=() w=()
  name=$(basename "$2")
  [ ${#win_args[@]} = 0 ] || w=(--window "${win_args[1]}:${win_args[2]}")
  [ "$TIMED_SDF" = 0 ] || sdf=(+hgt_sdf="$d/$m.sdf")
  "$HGSYNTH" glvec --rtl "$RTL_DIR" --netlists "$GEN/netlist" --module "$m" --capture "$2" \
    --out "$d/$name.vec" --capture-order "$CAPTURE_ORDER" "${w[@]}" || return $?
  "$VVP" -n "$d/timed.vvp" +hgt_vec="$d/$name.vec" +hgt_raw="$d/$name.raw" "${sdf[@]}" \
    +hgt_period_ps="$(awk -v p="$CLK_PERIOD_NS" 'BEGIN { printf "%d", p * 1000 + 0.5 }')" \
    +hgt_offset_ps="$(awk -v o="$TIMED_IN_OFFSET_NS" 'BEGIN { printf "%d", o * 1000 + 0.5 }')" || return $?
  rm -f "$d/$name.vec"
  "$HGSYNTH" gltog --rtl "$RTL_DIR" --netlists "$GEN/netlist" --module "$m" --instance "$name" \
    --raw "$d/$name.raw" --toggles "$RPT/toggles/$name.tog" --capture-order "$CAPTURE_ORDER" || return $?
}
run_gatesim() { # MODULE: all its simulated instances through the built-in simulator
  local w=()
  [ ${#win_args[@]} = 0 ] || w=(--window "${win_args[1]}:${win_args[2]}")
  "$HGSYNTH" gatesim --rtl "$RTL_DIR" --netlists "$GEN/netlist" --lib "$LIB" --module "$1" \
    --instances "$GEN/instances.txt" --toggles "$RPT/toggles" --map "$GEN/gl/$1/map.txt" \
    --capture-order "$CAPTURE_ORDER" "${w[@]}"
}
for m in $PLAN_LOGIC; do
  grep -q "^$m 1 " "$GEN/instances.txt" || continue
  mkdir -p "$GEN/gl/$m"
  if [ "$GL_SIM" = verilator ]; then
    run_job "$LOG/glbuild_$m.log" build_gl "$m"
  elif [ "$GL_SIM" = timed ]; then
    run_job "$LOG/glbuild_$m.log" build_timed "$m"
  else
    run_job "$LOG/gatesim_$m.log" run_gatesim "$m"
  fi
done
wait_jobs "gate-level check"
if [ "$GL_SIM" = verilator ]; then
  while read -r m sim cells base; do
    [ "$sim" = 1 ] || continue
    run_job "$LOG/glsim_$(basename "$base").log" run_gl "$m" "$base"
  done < "$GEN/instances.txt"
  wait_jobs "gate-level check"
fi
if [ "$GL_SIM" = timed ]; then
  while read -r m sim cells base; do
    [ "$sim" = 1 ] || continue
    run_job "$LOG/glsim_$(basename "$base").log" run_timed "$m" "$base"
  done < "$GEN/instances.txt"
  wait_jobs "gate-level check"
  # Icarus reports SDF lines it could not apply (an instance, a pin, a path it does not find)
  # as warnings and goes on: here they fail the run, the delays would silently be the
  # library's own.
  if grep -l -E 'SDF (WARNING|ERROR)' "$LOG"/glsim_*.log > "$LOG/sdf_problems.txt" 2>/dev/null; then
    head -3 "$LOG/sdf_problems.txt" | while IFS= read -r f; do grep -m 3 -E 'SDF (WARNING|ERROR)' "$f" >&2; done
    fail "SDF annotation incomplete in $(wc -l < "$LOG/sdf_problems.txt") instance runs (logs: $LOG/sdf_problems.txt)"
  fi
  rm -f "$LOG/sdf_problems.txt"
fi
echo "  $(grep -c ' 1 ' "$GEN/instances.txt") instances simulated: gate level == RTL on every cycle"
step_time gatesim "$t0"
[ "$STOP_AFTER" != gatesim ] || { banner "stopped after gatesim (STOP_AFTER)"; exit 0; }

# ------------------------------------------------------------------------------------
banner "6 summary"
t0=$(date +%s)
"$HGSYNTH" summary --rtl "$RTL_DIR" --run "$OUT_DIR" --out "$RPT/summary.json" | tee "$LOG/summary.log"
step_time summary "$t0"
echo "total $(( $(date +%s) - t_start ))" >> "$LOG/step_times.txt"
banner "done in $(( $(date +%s) - t_start )) s: $RPT/summary.json"
}

main "$@"
