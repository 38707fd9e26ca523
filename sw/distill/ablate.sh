#!/usr/bin/env bash
# ablate.sh — trains variants of the distillation recipe side by side on one GPU and prints
# the fidelity of each after its last stage (docs/distill.md, "Ablations").
#
#   sw/distill/ablate.sh OUT BASE CORPUS STEPS [VARIANT...] [-- EXTRA had_distill.py ARGS]
#
# OUT: one folder per variant (had.json, train_log.csv, fidelity.csv, train.log) and
# summary.csv; STEPS: the four stage lengths, e.g. 600,600,1200,600. Variants (default: all):
#   default   Q/K projections trained, KL weight 1, output weight 10, lr 1e-4
#   all       every encoder tensor trained
#   hid       + hidden-state MSE of every layer (weight 1)
#   nokl      no attention loss (output loss only)
#   lr3       lr 3e-4
#   c1        stage 1 skipped in effect (1 step): tanh from c = 1 only
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 OUT BASE CORPUS STEPS [VARIANT...] [-- ARGS]" >&2; exit 2; }
out=$1 base=$2 corpus=$3 steps=$4
shift 4
declare -A flags=([default]="" [all]="--train all" [hid]="--hid-weight 1" [nokl]="--kl-weight 0"
                  [lr3]="--lr 3e-4" [c1]="")
variants=() extra=()
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; extra=("$@"); break; fi
    [ -n "${flags[$1]+x}" ] || { echo "$0: unknown variant '$1' (${!flags[*]})" >&2; exit 2; }
    variants+=("$1"); shift
done
[ ${#variants[@]} -gt 0 ] || variants=(default all hid nokl lr3 c1)
mkdir -p "$out"
pids=()
for v in "${variants[@]}"; do
    st=$steps
    [ "$v" = c1 ] && st="1,${steps#*,}"
    # shellcheck disable=SC2086
    python3 sw/distill/had_distill.py --base "$base" --corpus "$corpus" --out "$out/$v" \
        --steps "$st" ${flags[$v]} "${extra[@]}" >"$out/$v.log" 2>&1 &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
{
    echo "variant,set,cos_mean,cos_min,nn_agree"
    for v in "${variants[@]}"; do
        [ -f "$out/$v/fidelity.csv" ] || { echo "$v,failed,,,"; continue; }
        awk -F, -v v="$v" 'NR > 1 && $1 == 4 { print v "," $2 "," $4 "," $5 "," $6 }' \
            "$out/$v/fidelity.csv"
    done
} >"$out/summary.csv"
cat "$out/summary.csv"
exit $rc
