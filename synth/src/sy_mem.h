/* sy_mem.h — area and energy model of the K, V and score memories (180 nm SRAM).
 *
 * A deliberately simple CACTI-style estimate (docs/synth.md, "Memory model"): the array
 * is `words` rows by `width` columns (one access = one row, as the generator defines it);
 *   area     = bits * cell_area * port_factor / array_efficiency,
 *              cell_area = bitcell_f2 * F^2;
 * split into macros of at most macro_bits columns side by side, each with its own decoder,
 * and banks of at most macro_rows rows (an access drives the bit lines of one: rows below is
 * min(words, macro_rows)), with a data bus from the macros to the datapath;
 *   E_read   = width * (rows * C_bl * Vdd * V_swing + E_sa) + width * C_wl * Vdd^2
 *              + macros * log2(words) * E_dec + E_bus(width)   (small-swing bit-line read);
 *   E_write  = w * (rows * C_bl * Vdd^2 + C_wl * Vdd^2) + ceil(w / macro_bits) * log2(words)
 *              * E_dec + E_bus(w)
 *              for a write of w bits (full-swing bit lines of the written columns);
 *   E_bus(n) = n * bus_mm * C_wire * Vdd^2 * a / 2,  bus_mm = bus_k * sqrt(area in mm^2): n
 *              bus wires the length of bus_k times the memory's side, a toggles per wire per
 *              access, C V^2 / 2 per toggle;
 *   P_leak   = bits * I_leak * Vdd.
 */
#ifndef SY_MEM_H
#define SY_MEM_H

#ifdef __cplusplus
extern "C" {
#endif

/* The parameters; their defaults and ranges are in sy_model.c (flow variables MEM_*). */
typedef struct {
    double feature_nm;  /* F */
    double bitcell_f2;  /* 6T cell area in F^2 */
    double port_factor; /* cell area factor when the memory has separate read and write ports */
    double array_eff;   /* bit-cell area / macro area */
    double vdd;         /* V */
    double cbl_ff;      /* bit-line capacitance per cell, fF */
    double cwl_ff;      /* word-line capacitance per cell, fF */
    double read_swing;  /* V */
    double sa_fj;       /* per bit read, fJ */
    double dec_fj;      /* per address bit per access, fJ */
    double leak_pa;     /* per cell, pA */
    double macro_bits;  /* columns per macro at most */
    double macro_rows;  /* rows per macro (bank) at most */
    double bus_k;       /* bus length / the memory's side (sqrt of its area); 0: no bus */
    double bus_pf_mm;   /* bus wire capacitance, pF/mm */
    double bus_act;     /* toggles per bus wire per access */
} sy_mem_params;

typedef struct {
    double bits;
    double area_um2;
    double e_read_pj;                 /* one row read, its bus included */
    double e_write_pj;                /* one write of write_bits, its bus included */
    double bus_read_pj, bus_write_pj; /* the bus's part of them */
    double pins_read_pj;              /* the far-end pins' part of a read (sy_mem_add_read_load) */
    double bus_mm;                    /* bus length */
    double macros;                    /* side by side (columns) */
    double banks;                     /* stacked (rows): an access drives one */
    double leak_uw;
} sy_mem_cost;

/* Cost of a memory of `words` x `width` bits with the given ports; writes are write_bits
 * wide (the generator's key memory writes one key of a row at a time). */
sy_mem_cost sy_mem_cost_of(const sy_mem_params *p, long words, long width, long write_bits, int read_ports,
                           int write_ports);

/* Adds to a read the input pins its data drives at the far end of the bus (pins_pf over all
 * its output bits): pins_pf * Vdd^2 * a / 2, in pins_read_pj and e_read_pj. */
void sy_mem_add_read_load(sy_mem_cost *c, const sy_mem_params *p, double pins_pf);

#ifdef __cplusplus
}
#endif

#endif
