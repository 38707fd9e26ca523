# Timing of the whole core: every module netlist linked under the top (hierarchical),
# memories left as black boxes, so paths into and out of memories are cut (their read
# data is taken as launched by the clock edge, see docs/synth.md). Run by synth/flow.sh with
#   SY_TOP, SY_MODULES (the logic modules), SY_NETLIST_DIR (their <module>.v netlists),
#   SY_TIMING_RPT
# and the flow variables LIB, CLK_PERIOD_NS, IN_SLEW_NS, OUT_LOAD_PF.
read_liberty $::env(LIB)
foreach m $::env(SY_MODULES) { read_verilog [file join $::env(SY_NETLIST_DIR) $m.v] }
link_design $::env(SY_TOP)
create_clock -name clk -period $::env(CLK_PERIOD_NS) [get_ports clk_i]
set data_in [delete_from_list [all_inputs] [get_ports clk_i]]
set_input_delay 0 -clock clk $data_in
set_output_delay 0 -clock clk [all_outputs]
set_input_transition $::env(IN_SLEW_NS) $data_in
set_load $::env(OUT_LOAD_PF) [all_outputs]
report_checks -path_delay max -digits 4 -fields {slew cap fanout} > $::env(SY_TIMING_RPT)
exit
