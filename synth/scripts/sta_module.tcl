# Timing and per-instance power tables of one synthesized module (OpenSTA).
# Run by synth/flow.sh with
#   SY_MODULE, SY_NETLIST         module and its Verilog netlist
#   SY_TIMING_RPT                 critical path report
#   SY_POWER0_RPT, SY_POWER1_RPT  report_power -instances at global activity 0 and 1
# and the flow variables LIB, CLK_PERIOD_NS, IN_SLEW_NS, OUT_LOAD_PF.
#
# Power method (docs/synth.md): with `set_power_activity -global` this OpenSTA gives every
# non-clock pin the same activity, so each instance's power is linear in it; the flow
# combines P(0) and P(1) per instance with the toggle rate simulated on its output:
#   P_i = P0_i + a_i * (P1_i - P0_i).
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
# Module boundaries are taken as registered: inputs arrive at the clock edge, outputs are
# captured at the next one (the hierarchical run, sta_top.tcl, times the real paths).
set_input_delay 0 -clock clk $data_in
set_output_delay 0 -clock clk [all_outputs]
set_input_transition $::env(IN_SLEW_NS) $data_in
set_load $::env(OUT_LOAD_PF) [all_outputs]

report_checks -path_delay max -digits 4 -fields {slew cap fanout} > $::env(SY_TIMING_RPT)
report_checks -path_delay min -digits 4 >> $::env(SY_TIMING_RPT)

set_power_activity -global -activity 0 -duty 0.5
report_power -digits 8 > $::env(SY_POWER0_RPT)
report_power -instances [get_cells *] -digits 8 >> $::env(SY_POWER0_RPT)
set_power_activity -global -activity 1 -duty 0.5
report_power -digits 8 > $::env(SY_POWER1_RPT)
report_power -instances [get_cells *] -digits 8 >> $::env(SY_POWER1_RPT)
exit
