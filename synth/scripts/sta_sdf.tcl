# SDF of one synthesized module for the timed gate-level simulation (GL_SIM=timed, OpenSTA).
# Run by synth/flow.sh with
#   SY_SCRIPTS (this folder), SY_MODULE, SY_NETLIST   module and its Verilog netlist
#   SY_SDF                  SDF file to write
# and the flow variables LIB, CLK_PERIOD_NS, IN_SLEW_NS, OUT_LOAD_PF: the design and
# constraints of sta_module.tcl (both source sta_module_setup.tcl), so the delays are those
# of the timing and power reports.
# OpenSTA writes every triple as (min::max); `hgsynth sdf-fix` completes them for Icarus.
source $::env(SY_SCRIPTS)/sta_module_setup.tcl

write_sdf -digits 4 -no_timestamp $::env(SY_SDF)
exit
