/* sy_model.c — see sy_model.h. */
#include "sy_model.h"

#include "sy_util.h"

#include <stdio.h>
#include <string.h>

#define MEM(f) (offsetof(sy_model_params, mem) + offsetof(sy_mem_params, f))
#define CLK(f) (offsetof(sy_model_params, clk) + offsetof(sy_clock_params, f))

const sy_model_var sy_model_vars[] = {
    {"CLK_PERIOD_NS", 10, 1, 1e6, offsetof(sy_model_params, period_ns),
     "clock period of STA and of the power tables (ns)"},
    {"MEM_FEATURE_NM", 180, 1, 1e6, MEM(feature_nm), "memory model: feature size F (nm)"},
    {"MEM_BITCELL_F2", 140, 1, 1e6, MEM(bitcell_f2), "memory model: 6T bit-cell area in F^2"},
    {"MEM_PORT_FACTOR", 1.5, 1, 1e3, MEM(port_factor),
     "memory model: bit-cell area factor of a 1R1W (8T) cell over 6T"},
    {"MEM_ARRAY_EFF", 0.6, 1, 1, MEM(array_eff), "memory model: array efficiency (bit cells / macro area)"},
    {"MEM_VDD", 1.8, 1, 1e3, MEM(vdd), "memory model: supply (V)"},
    {"MEM_CBL_FF", 2.0, 0, 1e6, MEM(cbl_ff), "memory model: bit-line capacitance per cell (fF)"},
    {"MEM_CWL_FF", 1.5, 0, 1e6, MEM(cwl_ff), "memory model: word-line capacitance per cell (fF)"},
    {"MEM_READ_SWING", 0.2, 1, 1e3, MEM(read_swing), "memory model: read bit-line swing (V)"},
    {"MEM_SA_FJ", 50, 0, 1e9, MEM(sa_fj),
     "memory model: sense amplifier + output latch energy per bit read (fJ)"},
    {"MEM_DEC_FJ", 100, 0, 1e9, MEM(dec_fj), "memory model: decoder energy per address bit per access (fJ)"},
    {"MEM_LEAK_PA", 10, 0, 1e9, MEM(leak_pa), "memory model: leakage per bit cell (pA)"},
    {"MEM_MACRO_BITS", 128, 1, 1e6, MEM(macro_bits),
     "memory model: columns per SRAM macro at most (a wider memory is macros side by side, a decoder each)"},
    {"MEM_MACRO_ROWS", 256, 1, 1e9, MEM(macro_rows),
     "memory model: rows per SRAM macro (bank) at most (a taller memory is banks; an access drives one "
     "bank's bit lines)"},
    {"MEM_BUS_K", 0.5, 0, 100, MEM(bus_k),
     "memory model: data bus length from the macros to the datapath / the memory's side (0: no bus)"},
    {"MEM_BUS_PF_MM", 0.2, 0, 100, MEM(bus_pf_mm), "memory model: data bus wire capacitance (pF/mm)"},
    {"MEM_BUS_ACT", 0.5, 0, 1, MEM(bus_act), "memory model: toggles per bus wire per access"},
    {"CLK_TREE", 1, 0, 1, offsetof(sy_model_params, clk_tree),
     "clock network: 1 counts it (an analytic tree, docs/synth.md), 0 leaves it out"},
    {"CLK_WIRE_K", 1.0, 1, 100, CLK(wire_k), "clock network: wire length / sqrt(flops x area)"},
    {"CLK_WIRE_PF_MM", 0.2, 0, 100, CLK(wire_pf_mm), "clock network: wire capacitance (pF/mm)"},
    {"CLK_BUF_LOAD_PF", 0.5, 1, 1e3, CLK(buf_load_pf), "clock network: load per buffer (pF)"},
    {"CLK_BUF_IN_PF", 0.0374, 1, 1e3, CLK(buf_in_pf), "clock network: buffer input capacitance (pF)"},
    {"CLK_BUF_PJ", 0.7, 0, 1e6, CLK(buf_pj), "clock network: buffer internal energy per cycle (pJ)"},
    {"CLK_BUF_AREA_UM2", 72, 0, 1e9, CLK(buf_area_um2), "clock network: buffer area (um^2)"},
    {"CLK_VDD", 1.8, 1, 1e3, CLK(vdd), "clock network: supply (V)"},
    {"CLK_GATE_MIN", 3, 1, 1e9, CLK(gate_min),
     "clock gating estimate: a register of at least this many flip-flops gets a clock gate"},
    {"CLK_ICG_PJ", 0.197, 0, 1e6, CLK(icg_pj),
     "clock gating estimate: a gate's energy every cycle, its latch's clock and clock pins (pJ)"},
    {"CLK_ICG_ON_PJ", 0.15, 0, 1e6, CLK(icg_on_pj),
     "clock gating estimate: a gate's internal energy in a cycle it passes the clock (pJ)"},
    {"CLK_ICG_AREA_UM2", 128, 0, 1e9, CLK(icg_area_um2), "clock gating estimate: a gate's area (um^2)"},
    {"BND_PINS", 1, 0, 1, offsetof(sy_model_params, bnd_pins),
     "module boundaries: 1 counts the input pins a net drives across a module boundary (docs/synth.md), 0 "
     "not"},
    {"BND_WIRE_K", 0.5, 0, 100, offsetof(sy_model_params, bnd_wire_k),
     "module boundaries: wire length of a net leaving a module / the module's side (0: no wire)"},
    {"BND_WIRE_PF_MM", 0.2, 0, 100, offsetof(sy_model_params, bnd_wire_pf_mm),
     "module boundaries: wire capacitance (pF/mm)"},
    {"BND_VDD", 1.8, 1, 1e3, offsetof(sy_model_params, bnd_vdd),
     "module boundaries: supply the nets swing (V)"},
    {"NODE_REF_NM", 65, 1, 1e6, offsetof(sy_model_params, node_nm),
     "node-normalised energy: target node (nm), E ~ (node/180)/NODE_CELL_K (V/1.8)^2"},
    {"NODE_CELL_K", 1.5, 1, 100, offsetof(sy_model_params, node_cell_k),
     "node-normalised energy: osu018 (SCMOS) cell capacitance over a foundry library's at the same node "
     "(1-2)"},
    {"NODE_REF_VDD", 1.0, 1, 1e3, offsetof(sy_model_params, node_vdd),
     "node-normalised energy: target supply (V)"},
};
const int sy_model_nvars = (int)(sizeof sy_model_vars / sizeof sy_model_vars[0]);

double *sy_model_field(sy_model_params *p, const sy_model_var *v) { return (double *)((char *)p + v->off); }

void sy_model_defaults(sy_model_params *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < sy_model_nvars; i++) *sy_model_field(p, &sy_model_vars[i]) = sy_model_vars[i].dflt;
}

const sy_model_var *sy_model_find(const char *name)
{
    for (int i = 0; i < sy_model_nvars; i++)
        if (strcmp(sy_model_vars[i].name, name) == 0) return &sy_model_vars[i];
    return NULL;
}

int sy_model_set(sy_model_params *p, const sy_model_var *v, const char *s, char *err, size_t errlen)
{
    double x;
    if (sy_parse_double(s, 0, v->max, &x) != 0 || (v->positive && x <= 0)) {
        snprintf(err, errlen, "%s = '%s': must be a number %s %g (decimal notation)", v->name, s,
                 v->positive ? "> 0 and <=" : "in 0 ..", v->max);
        return -1;
    }
    *sy_model_field(p, v) = x;
    return 0;
}
