#!/usr/bin/env bash
# synth/equiv_sample.sh — make equiv: for each configuration of EQUIV_CONFIGS, generate the
# core (hadgen), synthesize it (synth/flow.sh with STOP_AFTER=yosys: the flow's own
# netlists) and prove every netlist equivalent to its RTL (synth/equiv.sh); prints one line
# per module and the totals per configuration and overall.
#
# Variables (environment):
#   EQUIV_CONFIGS  configurations CORE:D:P:N:L or CORE:D:P:N:L:WB:FB:OF (CORE one of
#                  `hadgen --list-cores`; weight bits, exp fraction bits, output fraction bits),
#                  each optionally followed by %VB (hadgen --v-bits, 2..8), then /LW (hadgen
#                  --load-width) and then @SELECTOR
#                  (hadgen --selector: merge, bitonic, counting, twostage), twostage with
#                  :SORT_CUT (hadgen --sort-cut auto, on or off), as make xsim's
#   EQUIV_ROOT     work folder (default build/equiv): rtl-<config>/, <config>/ (flow run,
#                  equiv/ logs); made by this script (marker .hgsynth_equiv_root)
#   HADGEN, LIB, and synth/equiv.sh's EQUIV_METHODS, EQUIV_TIMEOUT, EQUIV_SEQ
# Exit status: 0 every module proven, 1 one not proven or a step failed, 2 bad input.
set -euo pipefail
# The script is one function: bash parses it completely before running it, so an edit of
# this file cannot derail a run in progress.
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
HADGEN=${HADGEN:-$root/build/bin/hadgen}
EQUIV_ROOT=${EQUIV_ROOT:-$root/build/equiv}
die() { echo "equiv: error: $*" >&2; exit 2; }

[ -n "${EQUIV_CONFIGS:-}" ] || die "EQUIV_CONFIGS is empty (CORE:D:P:N:L[:WB:FB:OF][%VB][/LW][@SELECTOR] ...)"
[ -x "$HADGEN" ] || die "HADGEN='$HADGEN' not found (run: make hadgen)"
cores=" $("$HADGEN" --list-cores | tr '\n' ' ')"
read -r -a configs <<< "$EQUIV_CONFIGS"
for cfg in "${configs[@]}"; do
  [[ "$cfg" =~ ^([a-z0-9-]+)(:[0-9]{1,5}){4}((:[0-9]{1,3}){3})?(%[2-8])?(/[0-9]{1,2})?(@[a-z]{1,16}(:(auto|on|off))?)?$ && "$cores" == *" ${cfg%%:*} "* ]] ||
    die "EQUIV_CONFIGS: '$cfg' is not CORE:D:P:N:L or CORE:D:P:N:L:WB:FB:OF, optionally %VB, /LW, then @SELECTOR[:SORT_CUT] (CORE one of:$cores)"
done
if [ -e "$EQUIV_ROOT" ] && [ ! -f "$EQUIV_ROOT/.hgsynth_equiv_root" ]; then
  [ -d "$EQUIV_ROOT" ] && [ -z "$(ls -A "$EQUIV_ROOT")" ] ||
    die "EQUIV_ROOT='$EQUIV_ROOT' exists and was not made by synth/equiv_sample.sh; choose another"
fi
mkdir -p "$EQUIV_ROOT"
: > "$EQUIV_ROOT/.hgsynth_equiv_root"

t0=$(date +%s)
fail=0 nmod=0 nproven=0 nmapped=0
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
  name=${cfg//:/-}
  name=${name//%/-v}
  name=${name//\//-lw}
  name=${name//@/-}
  rtl=$EQUIV_ROOT/rtl-$name run=$EQUIV_ROOT/$name
  echo "== equiv: $cfg: hadgen, synth/flow.sh (STOP_AFTER=yosys), synth/equiv.sh"
  if ! "$HADGEN" "${args[@]}" --out "$rtl" --force > /dev/null; then fail=1; continue; fi
  if ! OUT_DIR=$run STOP_AFTER=yosys "$here/flow.sh" "$rtl" > "$EQUIV_ROOT/$name.flow.log" 2>&1; then
    echo "  synthesis failed: $EQUIV_ROOT/$name.flow.log" >&2
    tail -5 "$EQUIV_ROOT/$name.flow.log" >&2
    fail=1
    continue
  fi
  set +e
  "$here/equiv.sh" "$run" 2>&1 | tee "$EQUIV_ROOT/$name.equiv.log" | grep -v '^== equiv'
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || fail=1
  line=$(grep '^equiv: ' "$EQUIV_ROOT/$name.equiv.log" | tail -1)
  m=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) modules, \([0-9]*\) proven, \([0-9]*\) proven against.*/\1 \2 \3/p')
  if [ -z "$m" ]; then fail=1; continue; fi
  read -r a b c <<< "$m"
  nmod=$((nmod + a)) nproven=$((nproven + b)) nmapped=$((nmapped + c))
done
echo "equiv: ${#configs[@]} configurations, $nmod module netlists: $nproven proven from the RTL, $nmapped against the generic mapping only, $((nmod - nproven - nmapped)) not proven; $(( $(date +%s) - t0 )) s"
exit "$fail"
}

main "$@"
