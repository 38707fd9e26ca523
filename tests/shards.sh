#!/usr/bin/env bash
# shards.sh N BIN ARGS... — runs the GoogleTest binary BIN (tests/main.cc) as N shards side by
# side, so that a machine's cores all run tests (one test runs one tool at a time, so one
# process keeps one core busy). First BIN --hg-prebuild-only ARGS builds, with --hg-jobs, the
# simulations every selected test needs (once, for all shards); then shard i of N runs as
# GTEST_TOTAL_SHARDS=N GTEST_SHARD_INDEX=i BIN --hg-no-prebuild ARGS with its output in a log,
# and the logs are printed one after the other when all have ended. Exit status: 0 when every
# shard passed, else 1 (the failing shards' logs end with GoogleTest's list of failures).
# N = 1 runs BIN ARGS directly.
set -uo pipefail
n=$1 bin=$2
shift 2
case $n in
  '' | *[!0-9]* | 0) echo "shards.sh: N='$n': must be a whole number >= 1" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "shards.sh: '$bin': not an executable" >&2; exit 2; }
[ "$n" -eq 1 ] && exec "$bin" "$@"

logs=$(mktemp -d "${TMPDIR:-/tmp}/hg_shards.XXXXXX") || exit 2
trap 'rm -rf "$logs"' EXIT
t0=$(date +%s)
"$bin" --hg-prebuild-only "$@" || { echo "shards.sh: building the simulations failed" >&2; exit 1; }
echo "[hg] running the tests as $n shards side by side (logs follow when all have ended)..."
pids=()
for ((i = 0; i < n; i++)); do
  GTEST_TOTAL_SHARDS=$n GTEST_SHARD_INDEX=$i "$bin" --hg-no-prebuild "$@" > "$logs/$i.log" 2>&1 &
  pids+=($!)
done
rc=0 failed=()
for ((i = 0; i < n; i++)); do
  wait "${pids[$i]}" || { rc=1; failed+=("$i"); }
done
for ((i = 0; i < n; i++)); do
  echo "[hg] ---- shard $i of $n ----"
  cat "$logs/$i.log"
done
total=0
for ((i = 0; i < n; i++)); do
  c=$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran\..*/\1/p' "$logs/$i.log")
  total=$((total + ${c:-0}))
done
if [ "$rc" -eq 0 ]; then
  echo "[hg] all $n shards passed: $total tests in $(($(date +%s) - t0)) s"
else
  echo "[hg] shard(s) ${failed[*]} of $n FAILED ($total tests ran in $(($(date +%s) - t0)) s)"
fi
exit $rc
