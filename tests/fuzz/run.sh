#!/usr/bin/env bash
# tests/fuzz/run.sh — runs libFuzzer targets one after the other and prints, per target, the
# executions, executions per second, findings and corpus size (make fuzz, make fuzz-smoke).
#
# usage: tests/fuzz/run.sh full|smoke FUZZ_DIR TARGET...
#   full    corpus FUZZ_DIR/corpus/TARGET (kept between runs, new inputs added) + the committed
#           seeds tests/fuzz/corpus/TARGET
#   smoke   the committed seeds only (new inputs go to a fresh FUZZ_DIR/smoke/TARGET)
# Environment: FUZZ_RUNS executions per target; FUZZ_SECONDS > 0: at most that many seconds.
# A finding (crash, sanitizer report, leak, timeout, out of memory) fails the target: its
# input is in FUZZ_DIR/findings/TARGET, the report in FUZZ_DIR/logs/TARGET.MODE.log. Exit 1
# when a target failed, 2 on bad usage.
set -u

usage() { echo "usage: $0 full|smoke FUZZ_DIR TARGET..." >&2; exit 2; }
[ $# -ge 3 ] || usage
mode=$1 dir=$2
shift 2
case $mode in full|smoke) ;; *) usage ;; esac
runs=${FUZZ_RUNS:-10000000} secs=${FUZZ_SECONDS:-0}
[[ $runs =~ ^[0-9]+$ && $secs =~ ^[0-9]+$ ]] || { echo "$0: FUZZ_RUNS and FUZZ_SECONDS must be integers" >&2; exit 2; }

# Longest input per target (bytes): a few times the largest seed, enough for every structure
# the reader knows.
max_len() {
    case $1 in
        hadgen) echo 512 ;;
        bert_config|hgsim_vectors) echo 2048 ;;
        safetensors|vocab) echo 4096 ;;
        summary) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

failed=0 total_runs=0 total_secs=0
for t in "$@"; do
    bin=$dir/fz_$t seeds=tests/fuzz/corpus/$t
    [ -x "$bin" ] || { echo "$0: $bin not built (make fuzz-build)" >&2; exit 2; }
    [ -d "$seeds" ] || { echo "$0: no seed corpus $seeds" >&2; exit 2; }
    if [ "$mode" = smoke ]; then
        work=$dir/smoke/$t
        rm -rf "$work"
    else
        work=$dir/corpus/$t
    fi
    findings=$dir/findings/$t log=$dir/logs/$t.$mode.log
    mkdir -p "$work" "$findings" "$dir/logs"
    before=$(find "$findings" -type f | sort)
    opts=(-runs="$runs" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048
          -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$findings/")
    [ "$secs" -gt 0 ] && opts+=(-max_total_time="$secs")
    t0=$(date +%s.%N)
    "$bin" "${opts[@]}" "$work" "$seeds" > "$log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$n" ] || n=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    n=${n:-0}
    corp=$(grep -o 'corp: [0-9]*/[0-9]*[bKM]*b\?' "$log" | tail -1 | sed 's/corp: //')
    added=$(comm -13 <(echo "$before") <(find "$findings" -type f | sort) | grep -v '^$')
    new=$(echo -n "$added" | grep -c .)
    el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    printf 'fuzz %-14s %10d executions in %6.1f s (%6.0f exec/s), %d findings, corpus %s inputs\n' \
        "$t" "$n" "$el" "$(awk -v n="$n" -v s="$el" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
        "$new" "${corp:-?}"
    total_runs=$((total_runs + n))
    total_secs=$(awk -v a="$total_secs" -v b="$el" 'BEGIN { print a + b }')
    if [ $rc -ne 0 ] || [ "$new" -gt 0 ]; then
        failed=1
        echo "  FAILED (exit $rc): report in $log" >&2
        grep -m3 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz [a-z_]+: )' "$log" | sed 's/^/  /' >&2
        printf '%s\n' "$added" | head -3 | sed 's/^/  input: /' >&2
    fi
done
echo "fuzz ($mode): $# targets, $total_runs executions in ${total_secs} s$([ $failed = 0 ] && echo ', no finding')"
exit $failed
