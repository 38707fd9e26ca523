# SDF of one synthesized module for the timed gate-level simulation (GL_SIM=timed, OpenSTA).
# Run by synth/flow.sh with
#   SY_MODULE, SY_NETLIST   module and its Verilog netlist
#   SY_SDF                  SDF file to write
# and the flow variables LIB, CLK_PERIOD_NS, IN_SLEW_NS, OUT_LOAD_PF: the constraints of
# sta_module.tcl, so the delays are those of the timing and power reports.
# OpenSTA writes every triple as (min::max); `hgsynth sdf-fix` completes them for Icarus.
read_liberty $::env(LIB)
read_verilog $::env(SY_NETLIST)
link_design $::env(SY_MODULE)

set period $::env(CLK_PERIOD_NS)
if {[llength [get_ports -quiet clk_i]] > 0} {
  create_clock -name clk -period $period [get_ports clk_i]
  set data_in [delete_from_list [all_inputs] [get_ports clk_i]]
} else {
  create_clock -name clk -period $period
  set data_in [all_inputs]
}
set_input_delay 0 -clock clk $data_in
set_output_delay 0 -clock clk [all_outputs]
set_input_transition $::env(IN_SLEW_NS) $data_in
set_load $::env(OUT_LOAD_PF) [all_outputs]

write_sdf -digits 4 -no_timestamp $::env(SY_SDF)
exit
