# Timing and per-instance power tables of one synthesized module (OpenSTA).
# Run by synth/flow.sh with
#   SY_SCRIPTS (this folder), SY_MODULE, SY_NETLIST         module and its Verilog netlist
#   SY_TIMING_RPT                 critical path report
#   SY_POWER0_RPT, SY_POWER1_RPT  report_power -instances at global activity 0 and 1
# and the flow variables LIB, CLK_PERIOD_NS, IN_SLEW_NS, OUT_LOAD_PF.
#
# Power method (docs/synth.md): with `set_power_activity -global` this OpenSTA gives every
# non-clock pin the same activity, so each instance's power is linear in it; the flow
# combines P(0) and P(1) per instance with the toggle rate simulated on its output:
#   P_i = P0_i + a_i * (P1_i - P0_i).
source $::env(SY_SCRIPTS)/sta_module_setup.tcl

report_checks -path_delay max -digits 4 -fields {slew cap fanout} > $::env(SY_TIMING_RPT)
report_checks -path_delay min -digits 4 >> $::env(SY_TIMING_RPT)

set_power_activity -global -activity 0 -duty 0.5
report_power -digits 8 > $::env(SY_POWER0_RPT)
report_power -instances [get_cells *] -digits 8 >> $::env(SY_POWER0_RPT)
set_power_activity -global -activity 1 -duty 0.5
report_power -digits 8 > $::env(SY_POWER1_RPT)
report_power -instances [get_cells *] -digits 8 >> $::env(SY_POWER1_RPT)
exit
