#!/usr/bin/env bash
# synth/report/report.sh — the steps of `make report`, from real text to the comparison.
#
#   1     fidelity of every backend on the evaluation sentences (RTL checked against golden):
#         HAD on the distilled model (HAD distilled) and on the original model (post-training)
#   2     fidelity against N (golden HAD distilled and post-training, int8 + top-N)
#   3     fidelity on passages of 256 and 512 tokens, N fixed and N scaled with length
#   4     stream dump: one real MiniLM head (Q, K, V) per core type, the power flow's stimulus
#         (HAD from the distilled model, baseline and int8 + top-N from the original model)
#   5-7   synthesis + timing + activity power, MiniLM point (d=32), real stimulus
#   8-10  synthesis + timing + activity power, default point (d=64, L=1024), synthetic stimulus
#   10b   the top-N cores of both points with each other selector (REPORT_SELECTORS, default
#         merge, bitonic, counting, twostage and twostage:off; hadgen --selector, and after a
#         colon --sort-cut) on the same stimulus: 4 more flows a selector, fewer where it is a
#         core's own default (merge for both top-N cores: the point's run) or, for
#         counting, not int8-topn's (it counts HAD's match levels)
#   10c   narrower values (REPORT_VBITS, default 4; hadgen --v-bits): fidelity of the golden
#         backends with V quantized to that width (a scale per head, and per channel: hadrun
#         --v-scale channel), the stimulus head dumped at that width, and
#         every core of both points built with it: a step and 6 flows a width
#   10d   the wide load port: every core of the default point built with --load-width
#         REPORT_SYS_WIDE, a point of its own (default-d64-lwW), whose flows and K/V load runs
#         give the wide-port decoding steps of 15 their core logic energy (a step a core)
#   11    K/V load: the netlists of 5-10 over their stimulus's configuration and K/V load (the
#         cycles before the first query), amortized over the queries that reuse the load
#   12    glitches: the MiniLM point's netlists on a window of its captures under each module's SDF
#         (GL_SIM=timed) and at zero delay: per-block factors every point's energy takes (with
#         REPORT_GLITCH=1, make report-glitch: slow; otherwise those of the last such run if fresh)
#   13    synthesis noise: every flow run of 5-10 resynthesized under null perturbations
#         (SYN_SALT, REPORT_NOISE_SALTS) on its own captures: the spread of every figure and
#         ratio (with REPORT_NOISE=1, make report-noise; otherwise those of the last such run if
#         fresh)
#   14    energy against n_k: the MiniLM point's netlists on the same real head of one passage
#         cut at n_k = N .. L tokens (REPORT_NK)
#   15a   the system sweep's cores (L = REPORT_SYS_L) through the flow (a step a core), and their
#         netlists on synthetic data of REPORT_SYS_NK keys, each with its K/V load run: a query's,
#         a cycle's and a scored key's energy, and a head's load against n_k, per core type: the
#         system sweep's core logic; the same for its cores with the wide load port
#         (REPORT_SYS_WIDE), which cost the wide-port decoding steps
#   15    the system model (sim/sys): one layer per core type, context and workload (hgsys);
#         the decoding steps again with a load port of REPORT_SYS_WIDE keys a beat (the MiniLM
#         layer's runs are the fidelity step's sys-* backends; 14 costs their core logic)
#   16    report: Markdown, JSON, CSV, plots (build/report)
#
# Every fidelity figure is against the original float model (hadrun: the teacher of the
# distilled model). The distilled model is MODEL_HAD (make model-had assembles it).
#
# A step whose inputs (by content) and parameters are those of its last run is skipped, so a
# second run with nothing changed finishes quickly. Every variable below can be overridden from the environment.
set -euo pipefail
# The whole script is one function: bash parses it completely before running it, so an edit
# of this file cannot derail a run in progress.
main() {
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

BUILD=${BUILD:-build}
R=${REPORT_DIR:-$BUILD/report}                      # report directory
REPORT_NS=${REPORT_NS:-"4 8 16 32 64"}              # N values of the fidelity sweep
REPORT_HEAD=${REPORT_HEAD:-"2:5"}                   # MiniLM layer:head whose streams drive power
REPORT_SENTENCES=${REPORT_SENTENCES:-sw/data/sentences_eval.txt}
REPORT_PASSAGE_TOKENS=${REPORT_PASSAGE_TOKENS:-"256 512"}  # token limits of the passages step
REPORT_PASSAGE_N=${REPORT_PASSAGE_N:-16}            # N fixed, and N at 128 tokens when scaled
HADRUN=${HADRUN:-$BUILD/bin/hadrun}
HGREPORT=${HGREPORT:-$BUILD/bin/hgreport}
HGSYNTH=${HGSYNTH:-$BUILD/bin/hgsynth}
HGSIM=${HGSIM:-$BUILD/bin/hgsim}
HGSYS=${HGSYS:-$BUILD/bin/hgsys}
REPORT_SYS_CONTEXTS=${REPORT_SYS_CONTEXTS:-"128 256 512 1024 2048 4096 8192"}  # keys per head
REPORT_SYS_L=${REPORT_SYS_L:-8192}                  # keys the sweep's cores hold
REPORT_SYS_WIDE=${REPORT_SYS_WIDE-16}               # keys a load beat of the wide-port decoding steps ("": none)
REPORT_SYS_NK=${REPORT_SYS_NK:-"128 512 2048"}       # keys of the sweep's cores' query-energy runs (below L)
REPORT_NK=${REPORT_NK:-"16 32 64 96 128"}           # keys of the n_k sweep's stimulus (N..L of d=32)
REPORT_GLITCH_CYCLES=${REPORT_GLITCH_CYCLES:-160}   # query cycles of the glitch window (10 queries)
REPORT_GLITCH_SAMPLE=${REPORT_GLITCH_SAMPLE:-1}     # instances per module simulated with timing
REPORT_NOISE_SALTS=${REPORT_NOISE_SALTS:-"1 2 3 4"} # SYN_SALT of the noise step's repeats
REPORT_SELECTORS=${REPORT_SELECTORS-"merge bitonic counting twostage twostage:off"}  # top-N selectors besides each core's default, SEL[:SORT_CUT] (empty: none)
REPORT_VBITS=${REPORT_VBITS-4}                      # value bits besides 8, each in 2..7 (empty: none)
HADGEN=${HADGEN:-$BUILD/bin/hadgen}
mapfile -t CORES < <("$HADGEN" --list-cores)         # the core types (sw/base/hg_cores.def)
[ ${#CORES[@]} -gt 0 ] || { echo "report: '$HADGEN --list-cores' gave no core types" >&2; exit 2; }
mkdir -p "$R"

start=$(date +%s)
# each core type's default selector and sort cut ("counting:auto"), as hadgen builds it
declare -A DEFSEL
for c in "${CORES[@]}"; do
  DEFSEL[$c]=$("$HADGEN" --core "$c" --dry-run | sed -n 's/.*"selector": "\([a-z]*\)", "sort_cut": "\([a-z]*\)".*/\1:\2/p')
  [ -n "${DEFSEL[$c]}" ] || { echo "report: '$HADGEN --core $c --dry-run' gave no selector" >&2; exit 2; }
done
# sel_cores SELECTOR[:CUT]: the core types built with that selector as a run besides the point's
# own (the top-N cores whose default it is not; counting counts HAD's d+1 match levels, so HAD
# alone)
sel_cores() {
  local c spec="${1%%:*}:auto"
  [[ "$1" != *:* ]] || spec="${1%%:*}:${1#*:}"
  for c in "${CORES[@]}"; do
    [ "$c" = baseline ] && continue
    [ "${1%%:*}" = counting ] && [ "$c" != had ] && continue
    [ "$spec" = "${DEFSEL[$c]}" ] && continue
    echo "$c"
  done
}
# a flow a point and core for each selector besides the core's default; a step and 6 flows a
# value width besides 8
nsel=0
for sel in $REPORT_SELECTORS; do nsel=$((nsel + 2 * $(sel_cores "$sel" | wc -l))); done
# a flow a core at the wide load port (10d), and its cores of the system sweep (15a): a flow a core
# and a step
nwide=0; [ -z "$REPORT_SYS_WIDE" ] || nwide=$((2 * ${#CORES[@]} + 1))
NSTEPS=$((17 + ${#CORES[@]} + nsel + 7 * $(wc -w <<< "$REPORT_VBITS") + nwide))
step=0
durs="$R/.durations"        # seconds<TAB>step name: what each step took last time (estimates)
touch "$durs"
banner() { # NAME
  step=$((step + 1))
  local el=$(( $(date +%s) - start )) est
  est=$(awk -F '\t' -v s="$1" '$2 == s {print $1}' "$durs")
  printf '== report step %d of %d: %s (elapsed %ds%s)\n' "$step" "$NSTEPS" "$1" "$el" \
    "${est:+, took ${est}s last time}"
  step_t0=$(date +%s)
}
done_step() { # NAME (a step under 2 s was skipped: the estimate of its last real run stays)
  local t=$(( $(date +%s) - step_t0 ))
  [ "$t" -ge 2 ] || return 0
  { awk -F '\t' -v s="$1" '$2 != s' "$durs"; printf '%s\t%s\n' "$t" "$1"; } > "$durs.tmp" && mv "$durs.tmp" "$durs"
}
# Freshness by content (rp_key, rp_fresh, rp_stamp): a step reruns only when the content of
# its inputs or its parameters changed.
RP_ROOT=$root
. "$root/synth/report/rp_fresh.sh"
MODEL_DIR=${HADGEN_MODEL:-$BUILD/model}            # the original model (the teacher)
MODEL_HAD=${MODEL_HAD:-$BUILD/model-had}            # the distilled HAD model (make model-had)
[ -f "$MODEL_HAD/had.json" ] || {
  echo "report: $MODEL_HAD/had.json missing: the distilled model is assembled by make model-had" >&2; exit 2; }
model_key=$(rp_key model "$MODEL_DIR")
# the distilled model's directory (weights, had.json with the artifact's hash) and its teacher
had_key=$(rp_key model-had "$MODEL_HAD")" $model_key"
TEACHER=(--teacher "$MODEL_DIR")

# hadrun_step OUT "PARAMETERS" TEXTS HADRUN_OPTION...: hadrun --json OUT unless OUT is fresh
# (stdout to OUT minus .json plus .txt); the key holds the parameters, hadrun and the texts.
hadrun_step() {
  local out=$1 par=$2 texts=$3 k
  shift 3
  k=$(rp_key "$par" "$HADRUN" "$texts" sim/sys)   # sim/sys: the system model of the sys-* backends
  if rp_fresh "$out" "$k"; then return 0; fi
  echo "   ${out##*/}"
  "$HADRUN" --sentences "$texts" --quiet "$@" --json "$out.tmp" > "${out%.json}.txt"
  mv "$out.tmp" "$out"
  rp_stamp "$out" "$k"
}

# ---- 1: fidelity of every backend ---------------------------------------------------
banner fidelity
hadrun_step "$R/fidelity_distilled.json" "fidelity distilled $had_key" "$REPORT_SENTENCES" \
  --model "$MODEL_HAD" "${TEACHER[@]}" --backend float-had,golden-had,rtl-had,sys-had --check
hadrun_step "$R/fidelity.json" "fidelity all $model_key" "$REPORT_SENTENCES" \
  --model "$MODEL_DIR" --backend all --check
done_step fidelity

# ---- 2: fidelity against N ----------------------------------------------------------
banner fidelity-vs-n
fn_args=()
for n in $REPORT_NS; do
  hadrun_step "$R/fidelity_distilled_n$n.json" "fidelity distilled n=$n $had_key" "$REPORT_SENTENCES" \
    --model "$MODEL_HAD" "${TEACHER[@]}" --backend golden-had --top-n "$n"
  hadrun_step "$R/fidelity_n$n.json" "fidelity n=$n $model_key" "$REPORT_SENTENCES" \
    --model "$MODEL_DIR" --backend golden-had,golden-int8-topn --top-n "$n"
  fn_args+=(--fidelity-n "$n=$R/fidelity_distilled_n$n.json" --fidelity-n "$n=$R/fidelity_n$n.json")
done
done_step fidelity-vs-n

# ---- 3: fidelity on passages --------------------------------------------------------
# Passages of consecutive evaluation sentences cut at T tokens; N fixed (REPORT_PASSAGE_N) and
# scaled with length (REPORT_PASSAGE_N * T / 128). The baseline keeps every key: once per T.
banner passages
pa_args=()
for t in $REPORT_PASSAGE_TOKENS; do
  p="$R/passages_t$t.txt"
  synth/report/passages.sh "$REPORT_SENTENCES" "$t" > "$p.new"
  if cmp -s "$p.new" "$p"; then rm "$p.new"; else mv "$p.new" "$p"; fi
  ns=$REPORT_PASSAGE_N
  [ $(( REPORT_PASSAGE_N * t / 128 )) = "$ns" ] || ns="$ns $(( REPORT_PASSAGE_N * t / 128 ))"
  for n in $ns; do
    base=""; [ "$n" = "$REPORT_PASSAGE_N" ] && base=,golden-baseline
    hadrun_step "$R/fidelity_passages_distilled_t${t}_n$n.json" "passages distilled t=$t n=$n $had_key" "$p" \
      --model "$MODEL_HAD" "${TEACHER[@]}" --max-tokens "$t" --max-keys "$t" --backend golden-had --top-n "$n"
    hadrun_step "$R/fidelity_passages_t${t}_n$n.json" "passages t=$t n=$n $model_key" "$p" \
      --model "$MODEL_DIR" --max-tokens "$t" --max-keys "$t" --backend "golden-had,golden-int8-topn$base" --top-n "$n"
    pa_args+=(--passages "$R/fidelity_passages_distilled_t${t}_n$n.json" --passages "$R/fidelity_passages_t${t}_n$n.json")
  done
done
done_step passages

# ---- 4: real stimulus ---------------------------------------------------------------
banner streams
S="$R/streams"
# the longest evaluation sentence that fits the 128-token core without truncation
awk 'length($0) < 400 { if (length($0) > best) { best = length($0); line = $0 } } END { print line }' \
  "$REPORT_SENTENCES" > "$R/stimulus_sentence.new"
if cmp -s "$R/stimulus_sentence.new" "$R/stimulus_sentence.txt"; then rm "$R/stimulus_sentence.new"
else mv "$R/stimulus_sentence.new" "$R/stimulus_sentence.txt"; fi
# HAD's streams from the distilled model (its Q, K, V and learned alpha), the baseline's and
# int8 + top-N's from the original model: one hadrun on the distilled model dumps both
k=$(rp_key "streams $REPORT_HEAD $had_key" "$HADRUN" "$R/stimulus_sentence.txt")
if rp_fresh "$R/streams.done" "$k"; then echo "   up to date"; else
  rm -rf "$S"
  "$HADRUN" --model "$MODEL_HAD" "${TEACHER[@]}" --sentences "$R/stimulus_sentence.txt" --backend float --quiet \
    --dump-streams "$S" --dump-heads "$REPORT_HEAD" > /dev/null
  touch "$R/streams.done"
  rp_stamp "$R/streams.done" "$k"
fi
done_step streams
hl=${REPORT_HEAD%%:*} hh=${REPORT_HEAD##*:}

# ---- 5-10: synthesis, timing, power --------------------------------------------------
flow() { # CORE RTL_DIR TAG CAPTURE_DATA(or empty)
  local core=$1 rtl=$2 tag=$3 data=$4
  local d p n l
  d=$(grep -m1 '"d":' "$rtl/manifest.json" | tr -dc 0-9)
  p=$(grep -m1 '"lanes":' "$rtl/manifest.json" | tr -dc 0-9)
  n=$(grep -m1 '"top_n":' "$rtl/manifest.json" | tr -dc 0-9)
  l=$(grep -m1 '"max_keys":' "$rtl/manifest.json" | tr -dc 0-9)
  local out="$R/synth/$core-d$d-p$p-n$n-l$l$tag"
  banner "flow $core d=$d${tag#-minilm}${data:+ (real stimulus)}"
  local extra=""
  if [ -n "$data" ]; then
    extra=$(sed -n 's/.*"hgsim":.*\(--\(alpha\|etab\) [^ ]* --scale-q [^ ]* --scale-k [^ ]*\).*/\1/p' "$data/head.json")
  fi
  k=$(rp_key "flow $core $extra" "$rtl" synth/flow.sh synth/scripts synth/bench "$HGSYNTH" "$HGSIM" \
      sim/hs_shim.cpp sim/hs_build.sh sim/hs_lib.sh ${data:+"$data"})
  if rp_fresh "$out/reports/summary.json" "$k"; then
    echo "   up to date ($out)"
  else
    local envs=(OUT_DIR="$out" CAPTURE_DATA="$data")
    [ -n "$extra" ] && envs+=(HGSIM_EXTRA="$extra")
    env "${envs[@]}" synth/flow.sh "$rtl" > "$R/flow_$core-d$d$tag.log" 2>&1 || {
        echo "report: the flow of $core failed; last lines of $R/flow_$core-d$d$tag.log:" >&2
        tail -20 "$R/flow_$core-d$d$tag.log" >&2; exit 1; }
    rp_stamp "$out/reports/summary.json" "$k"
  fi
  done_step "flow $core d=$d${tag#-minilm}${data:+ (real stimulus)}"
  RUNS+=("$out")
}

RUNS=()
for c in "${CORES[@]}"; do
  flow "$c" "rtl/generated/${c}_d32" "-minilm" "$S/$c/l${hl}h${hh}/s001"
done
minilm_runs=$(IFS=,; echo "${RUNS[*]}")
MINILM_RUNS=("${RUNS[@]}")
RUNS=()
for c in "${CORES[@]}"; do
  flow "$c" "rtl/generated/${c}_d64" "" ""
done
default_runs=$(IFS=,; echo "${RUNS[*]}")
DEFAULT_RUNS=("${RUNS[@]}")

# ---- 10b: the other top-N selectors ----------------------------------------------------
# The top-N cores of both points built with each selector of REPORT_SELECTORS (hadgen
# --selector) but their own default, on the point's own stimulus: the same outputs (each
# capture is checked against the golden model), other hardware; hgreport --selectors sets them
# beside the point's runs.
sel_args=()
SEL_RUNS=() SEL_RTL=() SEL_POINT=() # each run, its Verilog and point, for the K/V load step
for sel in $REPORT_SELECTORS; do
  # SEL or SEL:CUT (hadgen --selector SEL --sort-cut CUT); runs and folders are named SEL-CUT
  sargs=(--selector "${sel%%:*}")
  [[ "$sel" != *:* ]] || sargs+=(--sort-cut "${sel#*:}")
  sname=${sel/:/-}
  for pt in "minilm-d32 32 8 16 128 -minilm" "default-d64 64 16 32 1024 "; do
    read -r name d p n l tag <<< "$pt"
    RUNS=()
    for c in $(sel_cores "$sel"); do
      rtl="$R/rtl/${c}_d${d}_$sname"
      "$HADGEN" --core "$c" --d "$d" --lanes "$p" --top-n "$n" --max-keys "$l" "${sargs[@]}" \
        --out "$rtl" --force > /dev/null || { echo "report: REPORT_SELECTORS: hadgen refused '$sel'" >&2; exit 2; }
      data=""
      [ -n "$tag" ] && data="$S/$c/l${hl}h${hh}/s001"
      flow "$c" "$rtl" "$tag-$sname" "$data"
      SEL_RUNS+=("${RUNS[-1]}") SEL_RTL+=("$rtl") SEL_POINT+=("$name")
    done
    [ ${#RUNS[@]} = 0 ] || sel_args+=(--selectors "$name=$(IFS=,; echo "${RUNS[*]}")")
  done
done

# ---- 10c: narrower values -------------------------------------------------------------
# For each width B of REPORT_VBITS: the golden backends' fidelity with V quantized to B bits
# (hadrun --v-bits), the stimulus head dumped at B bits, and every core of both points built
# with --v-bits B on it; hgreport --vbits sets them beside the 8-bit runs, --vbits-fidelity the
# fidelity beside step 1's (8 bits).
vb_args=()
[ -z "$REPORT_VBITS" ] ||
  vb_args=(--vbits-fidelity "$R/fidelity_distilled.json" --vbits-fidelity "$R/fidelity.json")
for vb in $REPORT_VBITS; do
  [[ "$vb" =~ ^[2-7]$ ]] || { echo "report: REPORT_VBITS: '$vb' is not a value width in 2..7" >&2; exit 2; }
  banner "value bits $vb: fidelity, streams"
  hadrun_step "$R/fidelity_distilled_v$vb.json" "fidelity distilled v=$vb $had_key" "$REPORT_SENTENCES" \
    --model "$MODEL_HAD" "${TEACHER[@]}" --backend golden-had --v-bits "$vb"
  hadrun_step "$R/fidelity_v$vb.json" "fidelity v=$vb $model_key" "$REPORT_SENTENCES" \
    --model "$MODEL_DIR" --backend golden-had,golden-baseline,golden-int8-topn --v-bits "$vb"
  # and with a scale per channel of V (hadrun --v-scale channel: the host's choice, the same core)
  hadrun_step "$R/fidelity_distilled_v${vb}_channel.json" "fidelity distilled v=$vb channel $had_key" \
    "$REPORT_SENTENCES" --model "$MODEL_HAD" "${TEACHER[@]}" --backend golden-had --v-bits "$vb" --v-scale channel
  hadrun_step "$R/fidelity_v${vb}_channel.json" "fidelity v=$vb channel $model_key" "$REPORT_SENTENCES" \
    --model "$MODEL_DIR" --backend golden-had,golden-baseline,golden-int8-topn --v-bits "$vb" --v-scale channel
  vb_args+=(--vbits-fidelity "$R/fidelity_distilled_v$vb.json" --vbits-fidelity "$R/fidelity_v$vb.json"
            --vbits-fidelity "$R/fidelity_distilled_v${vb}_channel.json" --vbits-fidelity "$R/fidelity_v${vb}_channel.json")
  SV="$R/streams-v$vb"
  k=$(rp_key "streams v=$vb $REPORT_HEAD $had_key" "$HADRUN" "$R/stimulus_sentence.txt")
  if rp_fresh "$SV.done" "$k"; then echo "   streams up to date"; else
    rm -rf "$SV"
    "$HADRUN" --model "$MODEL_HAD" "${TEACHER[@]}" --sentences "$R/stimulus_sentence.txt" --backend float --quiet \
      --v-bits "$vb" --dump-streams "$SV" --dump-heads "$REPORT_HEAD" > /dev/null
    touch "$SV.done"
    rp_stamp "$SV.done" "$k"
  fi
  done_step "value bits $vb: fidelity, streams"
  for pt in "minilm-d32 32 8 16 128 -minilm" "default-d64 64 16 32 1024 "; do
    read -r name d p n l tag <<< "$pt"
    RUNS=()
    for c in "${CORES[@]}"; do
      rtl="$R/rtl/${c}_d${d}_v$vb"
      "$HADGEN" --core "$c" --d "$d" --lanes "$p" --top-n "$n" --max-keys "$l" --v-bits "$vb" \
        --out "$rtl" --force > /dev/null || { echo "report: REPORT_VBITS: hadgen refused '$vb'" >&2; exit 2; }
      data=""
      [ -n "$tag" ] && data="$SV/$c/l${hl}h${hh}/s001"
      flow "$c" "$rtl" "$tag-v$vb" "$data"
    done
    vb_args+=(--vbits "$name=$(IFS=,; echo "${RUNS[*]}")")
  done
done

# ---- 10d: the wide load port -------------------------------------------------------------
# Every core of the default point built with a K/V load port of REPORT_SYS_WIDE keys a beat,
# on the same synthetic stimulus: a point of its own for hgreport, whose flows (and their load
# runs, 11) give the wide-port decoding steps of 15 their core logic estimate.
WIDE_RUNS=() WIDE_RTL=() wide_args=()
if [ -n "$REPORT_SYS_WIDE" ]; then
  [[ "$REPORT_SYS_WIDE" =~ ^[0-9]+$ ]] || { echo "report: REPORT_SYS_WIDE: '$REPORT_SYS_WIDE' is not a whole number of keys" >&2; exit 2; }
  RUNS=()
  for c in "${CORES[@]}"; do
    rtl="$R/rtl/${c}_d64_lw$REPORT_SYS_WIDE"
    "$HADGEN" --core "$c" --d 64 --lanes 16 --top-n 32 --max-keys 1024 --load-width "$REPORT_SYS_WIDE" \
      --out "$rtl" --force > /dev/null || { echo "report: REPORT_SYS_WIDE: hadgen refused --load-width '$REPORT_SYS_WIDE'" >&2; exit 2; }
    flow "$c" "$rtl" "-lw$REPORT_SYS_WIDE" ""
    WIDE_RTL+=("$rtl")
  done
  WIDE_RUNS=("${RUNS[@]}")
  wide_args=(--point "default-d64-lw$REPORT_SYS_WIDE=synthetic random int8 data, n_k = L = 1024 keys, cores loading $REPORT_SYS_WIDE keys a beat (--load-width $REPORT_SYS_WIDE):$(IFS=,; echo "${RUNS[*]}")"
             --system-wide-point "default-d64-lw$REPORT_SYS_WIDE")
fi

# ---- 11: K/V load ----------------------------------------------------------------------
# Each run's netlists and captures (REUSE_FROM, CAPTURE_CMD=none) over the cycles before the
# first query: reset, configuration and the K/V load of one head. hgreport amortizes its
# energy (summary energy.window_nj) over the queries of the stimulus, which reuse the load.
banner kv-load
load_flow() { # RUN_DIR RTL_DIR: the load run's directory in LOAD_OUT
  local run=$1 rtl=$2 qs out
  qs=$(awk '$1 == "query_start" {print $2}' "$run/captures/hg_phase.txt")
  out="$R/synth/load/$(basename "$run")"
  k=$(rp_key "kv-load $qs" "$run/reports/summary.json" synth/flow.sh synth/scripts "$HGSYNTH")
  if ! rp_fresh "$out/reports/summary.json" "$k"; then
    echo "   $(basename "$run"): cycles 0..$qs"
    OUT_DIR="$out" REUSE_FROM="$run" CAPTURE_CMD=none CAPTURE_DIR="$run/captures" ACT_WINDOW="0:$qs" \
      synth/flow.sh "$rtl" > "$R/flow_load_$(basename "$run").log" 2>&1 || {
        echo "report: the K/V load flow of $run failed; last lines of $R/flow_load_$(basename "$run").log:" >&2
        tail -20 "$R/flow_load_$(basename "$run").log" >&2; exit 1; }
    rp_stamp "$out/reports/summary.json" "$k"
  fi
  LOAD_OUT=$out
}
ml=() dl=()
for i in "${!CORES[@]}"; do
  load_flow "${MINILM_RUNS[$i]}" "rtl/generated/${CORES[$i]}_d32"
  ml+=("$LOAD_OUT")
  load_flow "${DEFAULT_RUNS[$i]}" "rtl/generated/${CORES[$i]}_d64"
  dl+=("$LOAD_OUT")
done
# and each run of the other selectors (10b), so that they are counted as the point's runs are
for i in "${!SEL_RUNS[@]}"; do
  load_flow "${SEL_RUNS[$i]}" "${SEL_RTL[$i]}"
  if [ "${SEL_POINT[$i]}" = minilm-d32 ]; then ml+=("$LOAD_OUT"); else dl+=("$LOAD_OUT"); fi
done
load_args=(--kv-load "minilm-d32=$(IFS=,; echo "${ml[*]}")" --kv-load "default-d64=$(IFS=,; echo "${dl[*]}")")
# and the wide load port's runs (10d)
wl=()
for i in "${!WIDE_RUNS[@]}"; do
  load_flow "${WIDE_RUNS[$i]}" "${WIDE_RTL[$i]}"
  wl+=("$LOAD_OUT")
done
[ ${#wl[@]} = 0 ] || load_args+=(--kv-load "default-d64-lw$REPORT_SYS_WIDE=$(IFS=,; echo "${wl[*]}")")
done_step kv-load

# ---- 12: glitches ---------------------------------------------------------------------
# The MiniLM point's runs (REUSE_FROM, CAPTURE_CMD=none) over the first REPORT_GLITCH_CYCLES
# cycles of the query phase, REPORT_GLITCH_SAMPLE instances per module: once under each
# module's SDF (GL_SIM=timed, Icarus), once at zero delay, on the same instances and window.
# Timed simulation is slow (tens of minutes), so it runs with REPORT_GLITCH=1 (make
# report-glitch); otherwise the runs of the last such report are used while they are fresh
# (the same MiniLM runs, flow and parameters), else the report goes without glitch factors.
banner glitch
gt=() gz=() glitch_args=()
for i in "${!CORES[@]}"; do
  run=${MINILM_RUNS[$i]} c=${CORES[$i]}
  qs=$(awk '$1 == "query_start" {print $2}' "$run/captures/hg_phase.txt")
  qe=$(awk '$1 == "query_end" {print $2}' "$run/captures/hg_phase.txt")
  we=$(( qs + REPORT_GLITCH_CYCLES + 1 )); [ "$we" -le "$qe" ] || we=$qe
  for sim in timed builtin; do
    out="$R/synth/glitch/$c-$sim"
    k=$(rp_key "glitch $sim $qs:$we $REPORT_GLITCH_SAMPLE" "$run/reports/summary.json" synth/flow.sh synth/scripts \
        synth/bench "$HGSYNTH")
    if ! rp_fresh "$out/reports/summary.json" "$k"; then
      if [ "${REPORT_GLITCH:-0}" != 1 ]; then continue; fi
      echo "   $c $sim: cycles $qs..$we"
      OUT_DIR="$out" REUSE_FROM="$run" CAPTURE_CMD=none CAPTURE_DIR="$run/captures" ACT_WINDOW="$qs:$we" \
        SAMPLE="$REPORT_GLITCH_SAMPLE" GL_SIM="$sim" synth/flow.sh "rtl/generated/${c}_d32" \
        > "$R/flow_glitch_$c-$sim.log" 2>&1 || {
          echo "report: the $sim glitch flow of $c failed; last lines of $R/flow_glitch_$c-$sim.log:" >&2
          tail -20 "$R/flow_glitch_$c-$sim.log" >&2; exit 1; }
      rp_stamp "$out/reports/summary.json" "$k"
    fi
    if [ "$sim" = timed ]; then gt+=("$out"); else gz+=("$out"); fi
  done
done
if [ ${#gt[@]} = ${#CORES[@]} ] && [ ${#gz[@]} = ${#CORES[@]} ]; then
  glitch_args=(--glitch-timed "$(IFS=,; echo "${gt[*]}")" --glitch-zero "$(IFS=,; echo "${gz[*]}")")
else
  echo "   no fresh glitch runs: the report goes without glitch factors (make report-glitch adds them)"
fi
done_step glitch

# ---- 13: synthesis noise ---------------------------------------------------------------
# Each run of 5-10 (its captures and window, CAPTURE_CMD=none) resynthesized once per salt of
# REPORT_NOISE_SALTS (SYN_SALT: abc maps a permuted copy of the same logic). Like the glitch
# step, the runs are made with REPORT_NOISE=1 (make report-noise) and otherwise used while
# fresh; a salt goes to the report only with a run of every core type.
banner noise
noise_args=()
noise_point() { # NAME D RUN_DIR...
  local name=$1 d=$2 s i run out k reps
  shift 2
  local runs=("$@")
  for s in $REPORT_NOISE_SALTS; do
    reps=()
    for i in "${!CORES[@]}"; do
      run=${runs[$i]}
      out="$R/synth/noise/$(basename "$run")-salt$s"
      k=$(rp_key "noise $s" "$run/reports/summary.json" synth/flow.sh synth/scripts "$HGSYNTH")
      if ! rp_fresh "$out/reports/summary.json" "$k"; then
        [ "${REPORT_NOISE:-0}" = 1 ] || continue
        echo "   $(basename "$run") salt $s"
        OUT_DIR="$out" SYN_SALT="$s" CAPTURE_CMD=none CAPTURE_DIR="$run/captures" \
          synth/flow.sh "rtl/generated/${CORES[$i]}_d$d" > "$R/flow_noise_$(basename "$run")-salt$s.log" 2>&1 || {
            echo "report: the noise flow of $run at salt $s failed; last lines of $R/flow_noise_$(basename "$run")-salt$s.log:" >&2
            tail -20 "$R/flow_noise_$(basename "$run")-salt$s.log" >&2; exit 1; }
        rp_stamp "$out/reports/summary.json" "$k"
      fi
      reps+=("$out")
    done
    [ ${#reps[@]} = ${#CORES[@]} ] && noise_args+=(--noise "$name=$(IFS=,; echo "${reps[*]}")")
  done
  return 0
}
noise_point minilm-d32 32 "${MINILM_RUNS[@]}"
noise_point default-d64 64 "${DEFAULT_RUNS[@]}"
[ ${#noise_args[@]} -gt 0 ] ||
  echo "   no fresh noise runs: the report goes without the noise band (make report-noise adds it)"
done_step noise

# reuse_flow OUT FROM_RUN RTL_DIR LOG WHAT [VAR=VALUE...]: the flow of FROM_RUN's netlists
# (REUSE_FROM) on another stimulus (the VAR=VALUE settings) into OUT, unless it is fresh for the
# caller's key k
reuse_flow() {
  local out=$1 from=$2 rtl=$3 log=$4 what=$5
  shift 5
  rp_fresh "$out/reports/summary.json" "$k" && return 0
  echo "   $what"
  mkdir -p "${log%/*}"
  env OUT_DIR="$out" REUSE_FROM="$from" "$@" synth/flow.sh "$rtl" > "$log" 2>&1 || {
    echo "report: the flow of $what failed; last lines of $log:" >&2
    tail -20 "$log" >&2; exit 1; }
  rp_stamp "$out/reports/summary.json" "$k"
}

# ---- 14: energy against n_k ------------------------------------------------------------
# The MiniLM point's netlists (REUSE_FROM: no new synthesis) on the head REPORT_HEAD of one
# passage (the first 256-token passage of the evaluation sentences) cut at n_k tokens, so the
# stimulus has n_k keys and n_k queries; n_k runs from N to L (REPORT_NK). Each run's K/V load
# (as in step 11) gives the counted ratios.
banner nk-sweep
NK="$R/nk"
mkdir -p "$NK"
synth/report/passages.sh "$REPORT_SENTENCES" 256 | sed -n 1p > "$NK/passage.new"
if cmp -s "$NK/passage.new" "$NK/passage.txt"; then rm "$NK/passage.new"; else mv "$NK/passage.new" "$NK/passage.txt"; fi
nk_args=()
for n in $REPORT_NK; do
  st="$NK/streams_nk$n"
  k=$(rp_key "nk streams $n $REPORT_HEAD $had_key" "$HADRUN" "$NK/passage.txt")
  if ! rp_fresh "$st.done" "$k"; then
    rm -rf "$st"
    "$HADRUN" --model "$MODEL_HAD" "${TEACHER[@]}" --sentences "$NK/passage.txt" --max-tokens "$n" --backend float \
      --quiet --dump-streams "$st" --dump-heads "$REPORT_HEAD" > /dev/null
    touch "$st.done"
    rp_stamp "$st.done" "$k"
  fi
  runs=() loads=()
  for i in "${!CORES[@]}"; do
    c=${CORES[$i]} data="$st/${CORES[$i]}/l${hl}h${hh}/s001"
    got=$(sed -n 's/^[[:space:]]*"n_keys":[[:space:]]*\([0-9]*\).*/\1/p' "$data/head.json")
    [ "$got" = "$n" ] || { echo "report: n_k sweep: the passage gives $got keys at --max-tokens $n, not $n (REPORT_NK must lie within the passage's tokens)" >&2; exit 2; }
    out="$R/synth/nk/$c-nk$n"
    k=$(rp_key "nk flow $c $n" "${MINILM_RUNS[$i]}/reports/summary.json" synth/flow.sh synth/scripts synth/bench \
        "$HGSYNTH" "$HGSIM" sim/hs_shim.cpp sim/hs_build.sh sim/hs_lib.sh "$data")
    reuse_flow "$out" "${MINILM_RUNS[$i]}" "rtl/generated/${c}_d32" "$NK/flow_$c-nk$n.log" "$c n_k=$n" \
      CAPTURE_DATA="$data"
    runs+=("$out")
    load_flow "$out" "rtl/generated/${c}_d32" # its K/V load (step 11), for the counted ratios
    loads+=("$LOAD_OUT")
  done
  nk_args+=(--nk-sweep "$(IFS=,; echo "${runs[*]}")" --nk-kv-load "$(IFS=,; echo "${loads[*]}")")
done
done_step nk-sweep

# ---- 15a: core logic energy of the system sweep's cores ------------------------------------
# The system sweep's cores (d=64 P=16 N=32, L = REPORT_SYS_L keys) through the flow on synthetic
# data of L keys, and their netlists on data of REPORT_SYS_NK keys, each run with its K/V load
# run: a query's, a cycle's and a scored key's energy, and a head's load against n_k, per core
# type (hgreport --system-nk, --system-nk-load), which cost the sweep's queries and loads.
# sys_nk_port LW OPT LOAD_OPT: those cores built with LW keys a load beat (1; REPORT_SYS_WIDE for
# the wide-port decoding steps), their flows, reused runs and load runs added to sysnk_args as
# OPT and LOAD_OPT (--system-nk and --system-nk-load; --system-wide-nk and --system-wide-nk-load)
sysnk_args=()
sys_nk_port() {
  local lw=$1 sfx="" lwa=() n i c rtl out runs loads flows
  [ "$lw" = 1 ] || sfx="-lw$lw" lwa=(--load-width "$lw")
  RUNS=()
  for c in "${CORES[@]}"; do
    rtl="$R/rtl/${c}_d64_l$REPORT_SYS_L${sfx/-/_}"
    "$HADGEN" --core "$c" --d 64 --lanes 16 --top-n 32 --max-keys "$REPORT_SYS_L" "${lwa[@]}" --out "$rtl" \
      --force > /dev/null || { echo "report: REPORT_SYS_L / REPORT_SYS_WIDE: hadgen refused --max-keys '$REPORT_SYS_L'${lwa[*]:+ ${lwa[*]}}" >&2; exit 2; }
    flow "$c" "$rtl" "-sys$sfx" ""
  done
  flows=("${RUNS[@]}")
  banner "system-nk$sfx"
  for n in $REPORT_SYS_NK L; do # L: the flows above
    runs=() loads=()
    for i in "${!CORES[@]}"; do
      c=${CORES[$i]} rtl="$R/rtl/${CORES[$i]}_d64_l$REPORT_SYS_L${sfx/-/_}" out=${flows[$i]}
      if [ "$n" != L ]; then
        out="$R/synth/sys-nk/$c-l$REPORT_SYS_L$sfx-nk$n"
        k=$(rp_key "sys-nk flow $c $n${sfx:+ $sfx}" "${flows[$i]}/reports/summary.json" synth/flow.sh synth/scripts \
            synth/bench "$HGSYNTH" "$HGSIM" sim/hs_shim.cpp sim/hs_build.sh sim/hs_lib.sh)
        reuse_flow "$out" "${flows[$i]}" "$rtl" "$R/synth/sys-nk/flow_$c$sfx-nk$n.log" "$c$sfx n_k=$n" CAPTURE_KEYS="$n"
      fi
      runs+=("$out")
      load_flow "$out" "$rtl" # a head's configuration and load at the run's n_k
      loads+=("$LOAD_OUT")
    done
    sysnk_args+=("--$2" "$(IFS=,; echo "${runs[*]}")" "--$3" "$(IFS=,; echo "${loads[*]}")")
  done
  done_step "system-nk$sfx"
}
sys_nk_port 1 system-nk system-nk-load
[ -z "$REPORT_SYS_WIDE" ] || sys_nk_port "$REPORT_SYS_WIDE" system-wide-nk system-wide-nk-load

# ---- 15: the system model -------------------------------------------------------------
# One layer per core type, context and workload through the system model (d=64 P=16 N=32,
# cores of REPORT_SYS_L keys, lpddr4, 100 MHz): a decoding step (one query per head, 12 heads)
# and a prefill (every token a query, one head); and the decoding steps again with a load port
# of REPORT_SYS_WIDE keys a beat.
banner system
SY="$R/system"
mkdir -p "$SY"
sys_args=()
# sys_run CORE CONTEXT WORK QUERIES HEADS LOAD_WIDTH
sys_run() {
  local out="$SY/$1-t$2-$3.json" lwp="" k
  [ "$6" = 1 ] || out="$SY/$1-t$2-$3-lw$6.json" lwp=" lw=$6"
  k=$(rp_key "system $1 t=$2 $3 L=$REPORT_SYS_L$lwp" "$HGSYS" sim/sys)
  if ! rp_fresh "$out" "$k"; then
    echo "   ${out##*/}"
    "$HGSYS" --core "$1" --d 64 --lanes 16 --top-n 32 --max-keys "$REPORT_SYS_L" --context "$2" \
      --queries "$4" --heads "$5" --load-width "$6" --json "$out" > "${out%.json}.txt"
    rp_stamp "$out" "$k"
  fi
  sys_args+=(--system "$out")
}
for c in "${CORES[@]}"; do
  for t in $REPORT_SYS_CONTEXTS; do
    for w in decode prefill; do
      if [ "$w" = decode ]; then q=1 h=12; else q=$t h=1; fi
      sys_run "$c" "$t" "$w" "$q" "$h" 1
    done
    [ -z "$REPORT_SYS_WIDE" ] || sys_run "$c" "$t" decode 1 12 "$REPORT_SYS_WIDE"
  done
done
done_step system

# ---- 16: report ---------------------------------------------------------------------
banner report
# the section of the last `make sweep`, with its plots, if there is one
sweep=()
rm -f "$R"/sweep*
if [ -f "$BUILD/sweep/sweep.md" ]; then
  cp "$BUILD/sweep/sweep.md" "$BUILD"/sweep/sweep_*.png "$BUILD"/sweep/sweep_*.svg "$BUILD/sweep/results.csv" "$R/"
  mv "$R/results.csv" "$R/sweep_results.csv"
  sweep=(--sweep-md "$R/sweep.md")
fi
# the workload of each point: keys and queries of the stimulus (the ratios depend on n_k against N)
nk=$(sed -n 's/^[[:space:]]*"n_keys":[[:space:]]*\([0-9]*\).*/\1/p' "$S/had/l${hl}h${hh}/s001/head.json")
nq=$(sed -n 's/^[[:space:]]*"n_queries":[[:space:]]*\([0-9]*\).*/\1/p' "$S/had/l${hl}h${hh}/s001/head.json")
"$HGREPORT" --out "$R" \
  --point "minilm-d32=real all-MiniLM-L6-v2 layer $hl head $hh, one evaluation sentence of n_k = $nk keys and $nq queries (L = 128 is the core's capacity, not the workload), quantized as the cores do (HAD: Q, K, V of the distilled model, its learned alpha; baseline and int8-topn: Q, K, V of the original float model):$minilm_runs" \
  --point "default-d64=synthetic random int8 data, n_k = L = 1024 keys (no d=64 model in the flow):$default_runs" \
  --fidelity "$R/fidelity_distilled.json" --fidelity "$R/fidelity.json" "${fn_args[@]}" "${pa_args[@]}" \
  "${wide_args[@]}" "${sys_args[@]}" "${sysnk_args[@]}" --system-point default-d64 "${sweep[@]}" "${nk_args[@]}" "${load_args[@]}" "${glitch_args[@]}" \
  "${noise_args[@]}" "${sel_args[@]}" "${vb_args[@]}" \
  --nk-stimulus "real all-MiniLM-L6-v2 layer $hl head $hh, the first 256-token passage of the evaluation sentences cut at n_k tokens (n_k keys, n_k queries; HAD from the distilled model, the others from the original)"
done_step report
# run metadata lives apart from report.json, which is deterministic
printf '{"date": "%s", "host": "%s", "seconds": %d}\n' "$(date -u +%FT%TZ)" "$(hostname)" \
  $(( $(date +%s) - start )) > "$R/run_meta.json"
if [ ${#sweep[@]} -gt 0 ]; then
  echo "report: with the design-space sweep of the last make sweep: $(head -1 "$R/sweep.md" | sed 's/^## Design-space sweep: //')"
else
  echo "report: no design-space sweep yet (make -j2 sweep, or make sweep-results for a partial one, then make report)"
fi
echo "report: done in $(( $(date +%s) - start ))s"
}
main "$@"; exit  # exit here: bash would read on from this offset of a file edited meanwhile
