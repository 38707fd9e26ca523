/* sy_clock.h — an analytic clock network: what the ideal clock of synthesis and STA leaves
 * out (docs/synth.md, "Clock network").
 *
 * The flow's power already counts the flip-flops' internal clock power (their CLK pins'
 * internal energy, in every module's power at activity 0). It does not count the network
 * that delivers the clock: the clock net is a port, so neither the charge of the flops' CLK
 * pin capacitance, nor wires, nor buffers are in any figure. This estimates them:
 *
 *   wire     = k x sqrt(n_ff x A)                 (mm; A in mm^2, the core's area)
 *   C_load   = C_pins + wire x c_wire             (the leaves of the tree)
 *   buffers  : level 1 has ceil(C_load / C_drive) buffers, each level above
 *              ceil(n x C_in / C_drive), up to a single root buffer
 *   E_cycle  = V^2 (C_load + n_buf C_in) + n_buf E_buf      (every net charged and
 *              discharged once a cycle; E_buf a buffer's internal energy per cycle)
 *
 * The wire term is a spanning-tree length of n_ff sinks spread over the area (k about 0.7
 * for a Steiner tree, 1.5 for an H-tree); low and high bounds take half and twice the wire.
 */
#ifndef SY_CLOCK_H
#define SY_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double wire_k;       /* CLK_WIRE_K: wire length / sqrt(n_ff x area) */
    double wire_pf_mm;   /* CLK_WIRE_PF_MM: wire capacitance per mm (pF) */
    double buf_load_pf;  /* CLK_BUF_LOAD_PF: load one buffer drives (pF) */
    double buf_in_pf;    /* CLK_BUF_IN_PF: a buffer's input capacitance (pF) */
    double buf_pj;       /* CLK_BUF_PJ: a buffer's internal energy per cycle (pJ) */
    double buf_area_um2; /* CLK_BUF_AREA_UM2: a buffer's area */
    double vdd;          /* CLK_VDD: supply (V) */
    /* clock gating (docs/synth.md, "Clock gating"): an estimate beside the ungated figures */
    double gate_min;     /* CLK_GATE_MIN: flip-flops of a register for it to get a clock gate */
    double icg_pj;       /* CLK_ICG_PJ: a gate's energy every cycle (its latch's clock, its clock pins) */
    double icg_on_pj;    /* CLK_ICG_ON_PJ: a gate's energy in a cycle it lets the clock through */
    double icg_area_um2; /* CLK_ICG_AREA_UM2: a gate's area */
} sy_clock_params;

typedef struct {
    double flops, pins_pf;      /* inputs: clocked cells and their clock-pin capacitance */
    double area_mm2;            /* input: the area the tree spans */
    double wire_mm, wire_pf;    /* wire length and capacitance */
    double buffers, buffers_pf; /* buffer count and their input capacitance */
    double buffer_area_um2;
    double e_cycle_pj;                      /* energy per clock cycle */
    double e_cycle_low_pj, e_cycle_high_pj; /* with half and twice the wire */
} sy_clock_tree;

/* The tree for n_ff clocked cells of total clock-pin capacitance pins_pf over area_um2.
   Every input >= 0 (none -> a tree of 0); parameters > 0, and buf_load_pf at least twice
   buf_in_pf (a fan-out of 2 or more: the tree narrows at every level). */
sy_clock_tree sy_clock_of(const sy_clock_params *p, double flops, double pins_pf, double area_um2);

#ifdef __cplusplus
}
#endif

#endif
