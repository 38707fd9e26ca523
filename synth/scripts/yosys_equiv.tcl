# Formal equivalence of one module's gate-level netlist (the flow's generated/netlist/<m>.v)
# with its RTL. Run by synth/equiv.sh with
#   SY_MODULE      module
#   SY_RTL_DIR     generated RTL directory
#   SY_RTL_FILES   its Verilog files (filelist.f order), relative to SY_RTL_DIR
#   SY_OWN_FILE    the files of SY_MODULE (its hand-written block sources, then its own file)
#   SY_UNIT_MODULE, SY_UNIT_PARAMS, SY_UNIT_CHILDREN, SY_UNIT_PORTS  as for yosys_module.tcl
#   SY_NETLIST     the module's netlist (write_verilog of synth/scripts/yosys_module.tcl)
#   SY_METHOD      induct: equiv_make, equiv_simple and equiv_induct (-undef), then
#                  equiv_status -assert (the run fails unless every $equiv cell is proven);
#                  cec: registers matched by name are cut (inputs and outputs of both
#                  sides), the combinational miter is written as AIGER to SY_AIG for
#                  ABC's &cec; the run fails if a register has no partner of that name
#                  mapped: as cec, but the RTL side is first put through the flow's own
#                  generic synthesis (synth -noabc): a weaker check, of the technology
#                  mapping only (dfflibmap, abc, sizing, buffering), where the arithmetic of
#                  the RTL and of the netlist differ too much in structure for &cec
#   SY_SEQ         induct: time steps of equiv_simple and equiv_induct
#   SY_AIG         cec: the miter file
# and LIB (the Liberty file: its cells are read as modules with their functions).
#
# Gold: the RTL of the module, every other module of the design a black box (as in
# synthesis), through Yosys's front end, proc, opt and memory, and two steps of synthesis
# (yosys_module.tcl runs synth) so that registers can be matched by name: fsm re-encodes
# state machines as synthesis does, and opt_dff -sat replaces a register that can only hold
# a constant (its reset value; x before the first reset) by that constant. Gate: the netlist with every cell replaced
# by its Liberty function. Submodule instances are black boxes on both sides and are
# matched by instance name (equiv_make) or cut (cec: their outputs are inputs, their inputs
# outputs of both sides, compared).
yosys -import

set mod     $::env(SY_MODULE)
set rtl_dir $::env(SY_RTL_DIR)
set own     $::env(SY_OWN_FILE)
set method  $::env(SY_METHOD)

source [file join [file dirname [info script]] unit.tcl]
hg_read_unit $mod $rtl_dir $::env(SY_RTL_FILES) $own $::env(SY_UNIT_MODULE) $::env(SY_UNIT_PARAMS) $::env(SY_UNIT_PORTS)
if {$method eq "mapped"} {
  # the flow's own generic synthesis (yosys_module.tcl before dfflibmap and abc)
  synth -top $mod -flatten -noabc
} else {
  yosys proc
  # the hand-written block a module instantiates is part of it (the flow flattens it too)
  flatten
  opt_expr
  opt_clean
  opt -nodffe -nosdff
  fsm
  opt
  memory
  opt_dff -sat
  opt_clean
}
# the cells that are other units carry their names on both sides (as in the netlist)
hg_name_children $mod $::env(SY_UNIT_CHILDREN)
yosys rename $mod gold

read_liberty $::env(LIB)
read_verilog $::env(SY_NETLIST)
yosys rename $mod gate
flatten gate
# the cells' inner wires (<cell>.IQ, ...) become private, so that a register's net keeps
# the netlist's name for it
yosys rename -hide {gate/w:_*_.*}
opt_clean
async2sync
dffunmap

if {$method eq "induct"} {
  equiv_make gold gate equiv
  hierarchy -top equiv
  equiv_simple -undef -seq $::env(SY_SEQ)
  equiv_induct -undef -seq $::env(SY_SEQ)
  equiv_status -assert
} elseif {$method eq "cec" || $method eq "mapped"} {
  # one wire per bit, so that registers match bit by bit (synthesis removes constant bits)
  splitnets gold gate
  expose -evert-dff -evert -shared gold gate
  # a cut register's cell is left driving nothing: removed here
  opt_clean
  # every register must have been cut: one left over has no partner of its name
  log "registers without a partner of the same name (not cut), if any:"
  select -list {gold/t:$dff} {gold/t:$_DFF_*} {gate/t:$dff} {gate/t:$_DFF_*}
  select -assert-none {gold/t:$dff} {gold/t:$_DFF_*} {gate/t:$dff} {gate/t:$_DFF_*}
  miter -equiv -flatten gold gate miter
  hierarchy -top miter
  techmap
  opt -fast
  # x in the RTL (a don't care) becomes 0: a proof then holds for one refinement of the
  # RTL, which the netlist may differ from; induct (-undef) treats x as don't care
  setundef -zero
  aigmap
  opt_clean
  write_aiger -zinit $::env(SY_AIG)
} else {
  error "SY_METHOD '$method': must be induct, cec or mapped"
}
