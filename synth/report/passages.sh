#!/usr/bin/env bash
# synth/report/passages.sh — passages of consecutive sentences, the long texts of the fidelity
# measurements at contexts above 128 tokens (make report's passages step, make sweep's
# fidelity at L > 128).
#
#   synth/report/passages.sh SENTENCES TOKENS > FILE
#
# Joins every k = ceil(34 TOKENS / 512) consecutive non-blank lines of SENTENCES with a space
# into one line (34 sentences of the evaluation set, about 16 tokens each, fill 512 tokens), so
# hadrun --max-tokens TOKENS cuts each passage near its end; a last group of fewer than k
# sentences is kept if it has at least k/2. The evaluation set (220 sentences) gives 13
# passages at 256 tokens and 6 at 512.
# Exit codes: 0 done, 2 bad arguments (a message names the argument and the allowed values).
set -euo pipefail

usage() { echo "usage: synth/report/passages.sh SENTENCES TOKENS > FILE" >&2; exit 2; }
[ $# -eq 2 ] || usage
sentences=$1 tokens=$2
[ -r "$sentences" ] || { echo "passages.sh: SENTENCES '$sentences': not a readable file" >&2; exit 2; }
if ! [[ "$tokens" =~ ^[0-9]+$ ]] || [ "${#tokens}" -gt 6 ] || [ "$tokens" -lt 2 ] || [ "$tokens" -gt 65536 ]; then
  echo "passages.sh: TOKENS '$tokens': must be a whole number of tokens, 2..65536" >&2
  exit 2
fi
k=$(( (tokens * 34 + 511) / 512 ))
awk -v k="$k" 'NF { b = b (n ? " " : "") $0; n++; if (n == k) { print b; b = ""; n = 0 } }
  END { if (n && 2 * n >= k) print b }' "$sentences"
