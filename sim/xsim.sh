#!/usr/bin/env bash
# sim/xsim.sh — cross-simulation of a sample of configurations (make xsim): each one under
# Icarus Verilog and Verilator on the same vectors (build/bin/hgxsim), outputs and cycle
# counts compared bit for bit; prints one line per configuration and the totals.
#
#   XSIM_CONFIGS="had:16:4:8:64 baseline:8:1:1:8:8:2:0" sim/xsim.sh
#
# Variables (environment):
#   XSIM_CONFIGS  configurations CORE:D:P:N:L or CORE:D:P:N:L:WB:FB:OF (CORE one of
#                 `hadgen --list-cores`; weight bits, exp fraction bits, output fraction bits),
#                 each optionally followed by %VB (hadgen --v-bits, 2..8), then /LW (hadgen
#                 --load-width, keys a load beat) and then @SELECTOR
#                 (hadgen --selector: merge, bitonic, counting, twostage), twostage with
#                 :SORT_CUT (hadgen --sort-cut auto, on or off)
#   XSIM_COUNT    queries per data set (default 8)
#   XSIM_ARGS     more hgxsim options (default --stalls: every data set also with stalls)
#   XSIM_LOG      full log (default build/xsim/xsim.log)
#   HGXSIM        the tool (default build/bin/hgxsim)
#   HADGEN        the generator, asked for the core types (default: beside HGXSIM)
# Exit status: 0 every configuration agrees, 1 a mismatch or failure, 2 bad input.
set -euo pipefail
# The script is one function: bash parses it completely before running it, so an edit of
# this file cannot derail a run in progress.
main() {
root=$(cd "$(dirname "$0")/.." && pwd)
HGXSIM=${HGXSIM:-$root/build/bin/hgxsim}
HADGEN=${HADGEN:-$(dirname "$HGXSIM")/hadgen}
XSIM_COUNT=${XSIM_COUNT:-8}
XSIM_ARGS=${XSIM_ARGS---stalls}
XSIM_LOG=${XSIM_LOG:-$root/build/xsim/xsim.log}
die() { echo "xsim: error: $*" >&2; exit 2; }

[ -n "${XSIM_CONFIGS:-}" ] || die "XSIM_CONFIGS is empty (CORE:D:P:N:L[:WB:FB:OF] ...)"
[ -x "$HGXSIM" ] || die "HGXSIM='$HGXSIM' not found (run: make sim-tools)"
[ -x "$HADGEN" ] || die "HADGEN='$HADGEN' not found (run: make hadgen)"
cores=" $("$HADGEN" --list-cores | tr '\n' ' ')"
[[ "$XSIM_COUNT" =~ ^[0-9]{1,4}$ ]] || die "XSIM_COUNT='$XSIM_COUNT': must be an integer 1..4096"
# XSIM_ARGS become words of the hgxsim command line: options only, no shell characters
[[ "$XSIM_ARGS" =~ ^[-A-Za-z0-9_=.,\ ]*$ ]] ||
  die "XSIM_ARGS='$XSIM_ARGS': must be hgxsim options of letters, digits, spaces and - _ = . ,"
read -r -a extra <<< "$XSIM_ARGS"
read -r -a configs <<< "$XSIM_CONFIGS"
for cfg in "${configs[@]}"; do
  [[ "$cfg" =~ ^([a-z0-9-]+)(:[0-9]{1,5}){4}((:[0-9]{1,3}){3})?(%[2-8])?(/[0-9]{1,2})?(@[a-z]{1,16}(:(auto|on|off))?)?$ && "$cores" == *" ${cfg%%:*} "* ]] ||
    die "XSIM_CONFIGS: '$cfg' is not CORE:D:P:N:L or CORE:D:P:N:L:WB:FB:OF, optionally %VB, /LW, then @SELECTOR[:SORT_CUT] (CORE one of:$cores)"
done
mkdir -p "$(dirname "$XSIM_LOG")"
: > "$XSIM_LOG"
echo "== xsim: ${#configs[@]} configurations, Icarus Verilog against Verilator; log $XSIM_LOG"
t0=$(date +%s)
fail=0
figures=()
for cfg in "${configs[@]}"; do
  base=${cfg%@*}
  lw=""
  [[ "$base" != */* ]] || { lw=${base##*/}; base=${base%/*}; }
  IFS=: read -r core d p n l wb fb of <<< "${base%\%*}"
  args=(--core "$core" --d "$d" --lanes "$p" --top-n "$n" --max-keys "$l")
  [ -z "$wb" ] || args+=(--weight-bits "$wb" --exp-frac-bits "$fb" --out-frac "$of")
  [[ "$base" != *%* ]] || args+=(--v-bits "${base##*%}")
  [ -z "$lw" ] || args+=(--load-width "$lw")
  sel=""
  [[ "$cfg" != *@* ]] || sel=${cfg##*@}
  [ -z "$sel" ] || args+=(--selector "${sel%%:*}")
  [[ "$sel" != *:* ]] || args+=(--sort-cut "${sel#*:}")
  set +e
  out=$("$HGXSIM" "${args[@]}" --count "$XSIM_COUNT" "${extra[@]}" 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$out" >> "$XSIM_LOG"
  line=$(printf '%s\n' "$out" | grep '^xsim-figures ' | tail -1)
  if [ -z "$line" ]; then
    line="xsim-figures configs=1 sets=0 queries=0 values=0 bits=0 mismatches=0 cycle_mismatches=0 failures=1 icarus_s=0 verilator_s=0 result=FAIL"
    printf '%s\n' "$out" | tail -5 >&2
  fi
  [ "$rc" = 0 ] || { fail=1; printf '%s\n' "$out" | grep -E 'mismatch|FAILED|DIFFER|error' | head -5 >&2 || true; }
  figures+=("$line")
  printf '  %-26s %s\n' "$cfg" "$(printf '%s\n' "$line" | sed 's/^xsim-figures configs=1 //')"
done
printf '%s\n' "${figures[@]}" | awk -v wall=$(( $(date +%s) - t0 )) '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] != "result") s[kv[1]] += kv[2] } }
  END {
    printf "xsim: %d configurations, %d data sets, %d queries, %d output values (%d bits) compared: %d mismatches, %d cycle-count differences, %d failed runs; Icarus %.1f s, Verilator %.1f s, wall %d s\n",
      s["configs"], s["sets"], s["queries"], s["values"], s["bits"], s["mismatches"], s["cycle_mismatches"], s["failures"], s["icarus_s"], s["verilator_s"], wall
  }'
exit "$fail"
}

main "$@"
