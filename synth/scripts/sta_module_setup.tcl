# The design and constraints of one synthesized module, as every per-module OpenSTA script
# sees it (sourced by sta_module.tcl and sta_sdf.tcl): SY_MODULE from SY_NETLIST over LIB,
# the clock CLK_PERIOD_NS on clk_i (a virtual one without it), input slew IN_SLEW_NS, load
# OUT_LOAD_PF. Module boundaries are taken as registered: inputs arrive at the clock edge,
# outputs are captured at the next one (the hierarchical run, sta_top.tcl, times the real
# paths).
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
