#!/usr/bin/env bash
# synth/equiv_rev.sh — make equiv-rev: a hand-written block of rtl/src against another
# revision of itself, for each of a list of parameter sets: both read by Yosys (proc, flatten;
# the blocks it instantiates from the working tree on both sides), registers matched by name
# and cut (their outputs inputs, their next states outputs of both sides), and the
# combinational miter proven by ABC's &cec; or (EQUIV_ENGINE=induct) every signal of one
# name on both sides paired by Yosys (equiv_make) and each pair proven by SAT on its cone
# (equiv_simple) and by induction over the cycles (equiv_induct): a second opinion, and a
# route for blocks whose arithmetic &cec does not finish on. For a rewrite of a block that should not change what it does (a
# loop restructured, a register moved into another generate block).
#
#   make equiv-rev EQUIV_BLOCK=hg_topn_bitonic EQUIV_REV=HEAD~1 \
#     EQUIV_PARAMS="N=16 P=8 SW=6 IW=7 PIPE=1; N=8 P=8 SW=6 IW=7" \
#     EQUIV_RENAME="g_level*.g_cut.c1=g_pipe.g_cut.c1"
#
# Variables (environment):
#   EQUIV_BLOCK   the module, rtl/src/<EQUIV_BLOCK>.v (required)
#   EQUIV_REV     the git revision to compare with (default HEAD: the working tree's edits),
#                 or EQUIV_OLD a file holding the other version
#   EQUIV_PARAMS  parameter sets separated by ';', each NAME=VALUE words (integers); empty:
#                 the block's defaults
#   EQUIV_NEW_PARAMS  NAME=VALUE words set on the working tree's side only, in every set: a
#                 parameter the change adds, at the value that should keep the old behaviour
#   EQUIV_RENAME  PATTERN=OLD words: a register of the working tree's block whose wire
#                 matches the Yosys pattern PATTERN (at most one per parameter set) is the
#                 other revision's register OLD (a register renamed or moved by the change)
#   EQUIV_ENGINE  cec (default: the cut miter through ABC &cec) or induct (Yosys equiv_make,
#                 equiv_simple, equiv_induct: proven when every paired signal is; it gives no
#                 counterexample, a difference shows as pairs not proven)
#   EQUIV_TIMEOUT seconds per parameter set (default 600); EQUIV_DIR work folder (default
#                 build/equiv-rev, made here: marker .hgsynth_equiv_rev)
#   YOSYS, YOSYS_ABC  tools
# Exit status: 0 every set proven, 1 one not proven (a counterexample, a register without a
# partner of its name, a timeout), 2 bad input.
set -euo pipefail
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
YOSYS=${YOSYS:-yosys}
YOSYS_ABC=${YOSYS_ABC:-yosys-abc}
EQUIV_REV=${EQUIV_REV:-HEAD}
EQUIV_TIMEOUT=${EQUIV_TIMEOUT:-600}
EQUIV_ENGINE=${EQUIV_ENGINE:-cec}
EQUIV_DIR=${EQUIV_DIR:-$root/build/equiv-rev}
die() { echo "equiv-rev: error: $*" >&2; exit 2; }

for t in "$YOSYS" "$YOSYS_ABC" timeout git; do command -v "$t" > /dev/null || die "tool '$t' not found"; done
[[ "${EQUIV_BLOCK:-}" =~ ^[a-z_][a-z0-9_]{0,63}$ ]] ||
  die "EQUIV_BLOCK='${EQUIV_BLOCK:-}': must name a block of rtl/src (e.g. hg_topn_bitonic)"
new="$root/rtl/src/$EQUIV_BLOCK.v"
[ -f "$new" ] || die "EQUIV_BLOCK='$EQUIV_BLOCK': no file rtl/src/$EQUIV_BLOCK.v"
[[ "$EQUIV_TIMEOUT" =~ ^[1-9][0-9]{0,4}$ ]] || die "EQUIV_TIMEOUT='$EQUIV_TIMEOUT': must be seconds, 1..99999"
[[ "$EQUIV_ENGINE" =~ ^(cec|induct)$ ]] || die "EQUIV_ENGINE='$EQUIV_ENGINE': must be cec or induct"
if [ -n "${EQUIV_OLD:-}" ]; then
  [ -f "$EQUIV_OLD" ] || die "EQUIV_OLD='$EQUIV_OLD': no such file"
  what="$EQUIV_OLD"
  old_text=$(cat "$EQUIV_OLD")
else
  [[ "$EQUIV_REV" =~ ^[A-Za-z0-9_./~^-]{1,100}$ ]] || die "EQUIV_REV='$EQUIV_REV': not a revision name"
  what="$EQUIV_REV:rtl/src/$EQUIV_BLOCK.v"
  old_text=$(git -C "$root" show "$what" 2> /dev/null) || die "EQUIV_REV='$EQUIV_REV': git has no $what"
fi
grep -q "^module $EQUIV_BLOCK\b" <<< "$old_text" || die "$what: no 'module $EQUIV_BLOCK' at the start of a line"

# chparam VARIABLE WHERE WORDS: Yosys -chparam arguments of NAME=INTEGER words (VARIABLE and
# WHERE name them in the message that refuses another word)
chparam() {
  local w out="" words=()
  read -r -a words <<< "$3"
  for w in ${words[@]+"${words[@]}"}; do
    [[ "$w" =~ ^([A-Z_][A-Z0-9_]{0,31})=(-?[0-9]{1,9})$ ]] ||
      die "$1: '$w'$2 is not NAME=INTEGER (NAME a parameter in capitals)"
    out="$out -chparam ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  done
  echo "$out"
}
IFS=';' read -r -a sets <<< "${EQUIV_PARAMS:-}"
[ ${#sets[@]} -gt 0 ] || sets=("")
chps=() # each set's chparam arguments
for set in "${sets[@]}"; do
  chps+=("$(chparam EQUIV_PARAMS " in set $((${#chps[@]} + 1))" "$set")") || exit 2
done
newchp=$(chparam EQUIV_NEW_PARAMS "" "${EQUIV_NEW_PARAMS:-}") || exit 2
renames=()
read -r -a renames <<< "${EQUIV_RENAME:-}"
for r in ${renames[@]+"${renames[@]}"}; do
  [[ "$r" =~ ^[][A-Za-z0-9_.*]+=[][A-Za-z0-9_.]+$ ]] ||
    die "EQUIV_RENAME: '$r' is not PATTERN=OLD (wire names of letters, digits and _ . [ ], * in the pattern)"
done

if [ -e "$EQUIV_DIR" ] && [ ! -f "$EQUIV_DIR/.hgsynth_equiv_rev" ]; then
  [ -d "$EQUIV_DIR" ] && [ -z "$(ls -A "$EQUIV_DIR")" ] ||
    die "EQUIV_DIR='$EQUIV_DIR' exists and was not made by synth/equiv_rev.sh; choose another"
fi
mkdir -p "$EQUIV_DIR"
: > "$EQUIV_DIR/.hgsynth_equiv_rev"
old_src="$EQUIV_DIR/old.v"
printf '%s\n' "$old_text" | sed "s/^module $EQUIV_BLOCK\b/module ${EQUIV_BLOCK}__old/" > "$old_src"

# the other blocks, which either side may instantiate (the working tree's)
files=""
for f in "$root"/rtl/src/*.v; do [ "$f" = "$new" ] || files="$files \"$f\""; done

echo "== equiv-rev: $EQUIV_BLOCK (rtl/src) against $what, ${#sets[@]} parameter set(s); logs $EQUIV_DIR"
fail=0 i=0
for set in "${sets[@]}"; do
  i=$((i + 1))
  chp=${chps[$((i - 1))]}
  log="$EQUIV_DIR/set$i.log"
  # each side on its own: parsed (-defer: only what the block uses is elaborated), its
  # parameters set, its hierarchy derived and flattened
  side() { # TOP FILE OUT [CHPARAM...]
    "$YOSYS" -q -l "$log.$1" -p "read_verilog -defer -sv $files \"$2\";
      hierarchy -check -top $1 $chp ${4:-}; proc; flatten; opt_clean; rename $1 side; write_rtlil $3" > /dev/null 2>&1
  }
  if ! side "${EQUIV_BLOCK}__old" "$old_src" "$EQUIV_DIR/gold$i.il" ||
     ! side "$EQUIV_BLOCK" "$new" "$EQUIV_DIR/gate$i.il" "$newchp"; then
    echo "  set $i [$set]: yosys failed: $(grep -h -m1 'ERROR' "$log".* | cut -c1-200)"
    fail=1
    continue
  fi
  ren=""
  for r in ${renames[@]+"${renames[@]}"}; do
    pat=${r%%=*} old=${r#*=}
    "$YOSYS" -q -p "read_rtlil $EQUIV_DIR/gate$i.il; tee -q -o $EQUIV_DIR/match$i.txt select -list side/w:$pat" > /dev/null 2>&1 || true
    mapfile -t hits < <(sed -n 's|^side/||p' "$EQUIV_DIR/match$i.txt" 2> /dev/null | grep -v '^\$')
    [ ${#hits[@]} -le 1 ] || die "EQUIV_RENAME: '$pat' matches ${#hits[@]} wires in set $i (${hits[*]}); make it match one"
    [ ${#hits[@]} = 0 ] || ren="$ren rename ${hits[0]} $old;"
  done
  # the miter merged at word level (opt -fast) before it is bit-blasted (techmap): logic the two
  # sides share, a multiplier say, becomes one cell there; merged only after techmap, a
  # multiplier's gates stay two copies for ABC to prove by SAT. The induction engine needs the
  # register check alone.
  mit="miter -equiv -flatten gold gate miter; hierarchy -top miter; opt -fast; techmap; opt -fast;
    setundef -zero; aigmap; write_aiger -zinit $EQUIV_DIR/miter$i.aig"
  [ "$EQUIV_ENGINE" = cec ] || mit=""
  set +e
  timeout "$EQUIV_TIMEOUT" "$YOSYS" -q -l "$log" -p "
    read_rtlil $EQUIV_DIR/gold$i.il; rename side gold; read_rtlil $EQUIV_DIR/gate$i.il; rename side gate;
    cd gate; $ren cd;
    opt -nodffe -nosdff; splitnets gold gate;
    tee -q -o $EQUIV_DIR/regs$i.txt select -list gold/t:\$*ff* %co gold/t:\$*FF* %co gate/t:\$*ff* %co gate/t:\$*FF* %co;
    expose -evert-dff -evert -shared gold gate; opt_clean;
    select -assert-none gold/t:\$*ff* gold/t:\$*FF* gate/t:\$*ff* gate/t:\$*FF*;
    $mit" > /dev/null 2>&1
  rc=$?
  set -e
  # the registers of both sides, by the names of the wires they drive: a register of one side
  # only (renamed or moved) would be cut on that side alone, so it must have a partner
  lone=""
  if [ -f "$EQUIV_DIR/regs$i.txt" ]; then
    lone=$(grep -E '^(gold|gate)/' "$EQUIV_DIR/regs$i.txt" | grep -v '^g[a-z]*/\$' | sed -E 's/\[[0-9]+\]$//' |
           sort -u | sed 's|^[a-z]*/||' | sort | uniq -u | head -4 | tr '\n' ' ' || true)
  fi
  if [ -n "$lone" ]; then
    echo "  set $i [$set]: not proven: a register has no partner of its name (renamed or moved? EQUIV_RENAME):" \
      "$(for w in $lone; do grep -qF -e "gate/$w[" -e "gate/$w" "$EQUIV_DIR/regs$i.txt" && echo "gate/$w" || echo "gold/$w"; done | tr '\n' ' ')"
    fail=1
    continue
  fi
  if [ "$rc" != 0 ]; then
    detail=$(grep -m1 'ERROR' "$log" | cut -c1-160)
    [ "$rc" != 124 ] || detail="timeout after $EQUIV_TIMEOUT s (yosys)"
    echo "  set $i [$set]: not proven: ${detail:-yosys exit $rc}"
    fail=1
    continue
  fi
  if [ "$EQUIV_ENGINE" = induct ]; then
    set +e
    timeout "$EQUIV_TIMEOUT" "$YOSYS" -l "$log.induct" -p "
      read_rtlil $EQUIV_DIR/gold$i.il; rename side gold; read_rtlil $EQUIV_DIR/gate$i.il; rename side gate;
      cd gate; $ren cd;
      equiv_make gold gate equiv; hierarchy -top equiv; equiv_simple -undef; equiv_induct -undef;
      equiv_status -assert" > /dev/null 2>&1
    rc=$?
    set -e
    cells=$(sed -n 's/^Found \([0-9]*\) \$equiv cells in equiv:.*/\1/p' "$log.induct" | tail -1)
    open=$(sed -n 's/^ *Of those cells [0-9]* are proven and \([0-9]*\) are unproven.*/\1/p' "$log.induct" | tail -1)
    if [ "$rc" = 0 ] && grep -q "Equivalence successfully proven" "$log.induct"; then
      echo "  set $i [$set]: proven (yosys equiv_induct: ${cells:-?} paired signals${ren:+; renamed:$ren})"
    else
      fail=1
      if [ "$rc" = 124 ]; then echo "  set $i [$set]: not proven: timeout after $EQUIV_TIMEOUT s (yosys equiv_induct)"
      elif [ -n "$open" ]; then echo "  set $i [$set]: not proven: $open of ${cells:-?} paired signals unproven (yosys equiv_induct; log $log.induct)"
      else echo "  set $i [$set]: not proven: yosys equiv_induct gave no answer (exit $rc; log $log.induct)"; fi
    fi
    continue
  fi
  set +e
  out=$(timeout "$EQUIV_TIMEOUT" "$YOSYS_ABC" -c "read_aiger $EQUIV_DIR/miter$i.aig; print_stats; &get; &cec -m" 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$out" >> "$log"
  ands=$(printf '%s\n' "$out" | sed -n 's/.* and = *\([0-9]*\).*/\1/p' | head -1)
  if printf '%s\n' "$out" | grep -q "Networks are equivalent"; then
    echo "  set $i [$set]: proven (${ands:-?} AND nodes${ren:+; renamed:$ren})"
  else
    fail=1
    if [ "$rc" = 124 ]; then echo "  set $i [$set]: not proven: timeout after $EQUIV_TIMEOUT s (abc &cec)"
    elif printf '%s\n' "$out" | grep -q "NOT EQUIVALENT"; then echo "  set $i [$set]: NOT EQUIVALENT (abc &cec: a counterexample; log $log)"
    else echo "  set $i [$set]: not proven: abc &cec gave no answer (exit $rc)"; fi
  fi
done
[ "$fail" = 0 ] && echo "equiv-rev: every set proven" || echo "equiv-rev: NOT every set proven"
return "$fail"
}
main "$@"
