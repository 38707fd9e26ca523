# Synthesize one logic module of a generated core to the liberty, on its own: every other
# module of the design (submodules, memories) is read as a black box, so the hierarchy is
# kept and each distinct module is mapped once. Run by synth/flow.sh with
#   SY_MODULE      module to synthesize
#   SY_RTL_DIR     generated RTL directory
#   SY_RTL_FILES   its Verilog files (filelist.f order), relative to SY_RTL_DIR
#   SY_OWN_FILE    the files of SY_MODULE: the hand-written blocks its body instantiates, then
#                  its own file (flattened into one netlist)
#   SY_UNIT_MODULE, SY_UNIT_PARAMS, SY_UNIT_CHILDREN, SY_UNIT_PORTS
#                  the Verilog module that is the unit, its parameter values, and its cells
#                  that are other units (hgsynth plan; synth/scripts/unit.tcl)
#   SY_NETLIST_DIR where <module>.v / <module>.json / <module>.ffen.json go
#   SY_AREA_RPT    area report (stat -liberty)
# and the flow variables LIB, ABC_SCRIPT, ABC_IN_DRIVER, FANOUT_BUF, OUT_LOAD_PF, SYN_SALT.
yosys -import

set mod      $::env(SY_MODULE)
set rtl_dir  $::env(SY_RTL_DIR)
set own      $::env(SY_OWN_FILE)
set lib      $::env(LIB)
set out      $::env(SY_NETLIST_DIR)

source [file join [file dirname [info script]] unit.tcl]
hg_read_unit $mod $rtl_dir $::env(SY_RTL_FILES) $own $::env(SY_UNIT_MODULE) $::env(SY_UNIT_PARAMS) $::env(SY_UNIT_PORTS)
synth -top $mod -flatten -noabc
# Load enables, for clock gating (docs/synth.md, "Clock gating"). The liberty has no flop with
# an enable, so dfflibmap turns each enable into a feedback multiplexer and the enable net would
# vanish into the mapped logic. Before that: the flops with an enable get public names (hg_ff<N>),
# their enable nets, and the sync reset of a flop whose reset overrides its enable, are kept
# (private ones renamed hg_en<N>), and <module>.ffen.json records those flops alone, with their
# types and connections, which `hgsynth` reads beside the netlist.
select -set hg_ffe {t:$_DFFE_[NP][NP]_} {t:$_SDFFE_*} {t:$_SDFFCE_*}
yosys rename -enumerate -pattern hg_ff% @hg_ffe
select -set hg_en c:hg_ff* {%ci1:+[E]} {t:$_SDFFE_*} {%ci1:+[R]} %u w:* %i
setattr -set keep 1 @hg_en
yosys rename -enumerate -pattern hg_en% @hg_en
design -save hg_whole
delete t:* c:hg_ff* %d
write_json "$out/$mod.ffen.json"
design -load hg_whole
dfflibmap -liberty $lib
# SYN_SALT: a null perturbation for the noise band (docs/synth.md): abc permutes the order of
# the logic's inputs, outputs and nodes with that seed before mapping, which changes the
# netlist it finds but not the function.
# A unit without logic is a fan-out stage (rtl/src/hg_fanout.v): its outputs are its inputs.
# Wires would leave the whole load on the cell before it, in another unit; each output bit gets
# a FANOUT_BUF cell instead, as a buffer tree's level would (docs/synth.md, "Fan-out stages").
tee -q -o "$out/$mod.cells" select -count t:*
set fd [open "$out/$mod.cells"]
set hg_fanout_stage [regexp {^0 objects} [read $fd]]
close $fd
file delete "$out/$mod.cells"
set script $::env(ABC_SCRIPT)
if {$::env(SYN_SALT) ne ""} {
  set script "+strash;permute,-S,$::env(SYN_SALT);[string range $script 1 end]"
}
# Inputs driven by ABC_IN_DRIVER (not ideal sources), so that abc's buffering also covers a
# module input of high fan-out, whose load the driving module cannot see.
if {$::env(ABC_IN_DRIVER) ne ""} {
  set constr "$out/$mod.constr"
  set f [open $constr w]
  puts $f "set_driving_cell $::env(ABC_IN_DRIVER)"
  puts $f "set_load $::env(OUT_LOAD_PF)"
  close $f
  abc -constr $constr -liberty $lib -script $script
} else {
  abc -liberty $lib -script $script
}
if {$hg_fanout_stage} {
  # only the ports are left to connect (the flattened block's own names go first)
  opt_clean -purge
  insbuf -buf {*}$::env(FANOUT_BUF)
}
setundef -zero
opt_clean -purge
hg_name_children $mod $::env(SY_UNIT_CHILDREN)
# Short, stable names shared by the Verilog and JSON netlists (STA reports use them).
yosys rename -enumerate
tee -o $::env(SY_AREA_RPT) stat -liberty $lib
# -simple-lhs: OpenSTA reads no concatenation on the left of an assign (a flattened
# block's wire that aliases ports and constants in part)
write_verilog -noattr -noexpr -nohex -nodec -simple-lhs "$out/$mod.v"
# Cell port directions for the JSON netlist (read after writing the Verilog, so the
# library cells are not written as modules).
read_liberty -lib $lib
write_json "$out/$mod.json"
