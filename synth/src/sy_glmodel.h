/* sy_glmodel.h — the gate-level simulation view of one synthesized module.
 *
 * Built from the module's Yosys JSON netlist (its own library cells; logic submodules and
 * memories are black boxes there) and the manifest:
 *   - stimulus segments: which capture column drives which nets (the module's own inputs
 *     and the outputs of its logic submodules, which are cut out and replayed from their
 *     own captures), and which nets are checked against which column (its outputs and
 *     the inputs of those submodules);
 *   - the library cells, and for every cell output bit a toggle index;
 *   - the memories, with their read/write enables for access counting.
 * A logic submodule without library cells of its own (pure wiring, e.g. a lane array)
 * has no capture; it is inlined, so its submodules become direct ones (path "a.b").
 * Used by the Verilog writer (glgen, for Verilator) and by the built-in simulator.
 */
#ifndef SY_GLMODEL_H
#define SY_GLMODEL_H

#include <stddef.h>
#include <stdio.h>

#include "hg_manifest.h"
#include "sy_netlist.h"

typedef enum { SY_ORDER_PORTS, SY_ORDER_INPUTS_FIRST } sy_capture_order;

/* Limits of a model: nets (its own plus those of inlined submodules; bounds the
 * simulator's per-net arrays) and levels of inlined submodules. */
#define SY_MAX_NETS  (1 << 26)
#define SY_MAX_DEPTH 64

typedef struct {
    int is_in; /* drives nets (else: checked) */
    int pos;   /* first bit in the in / out vector */
    int width;
    int src; /* -1: own capture, else child index */
    int col; /* column in that capture */
    const char *port;
    int *bits; /* net of each bit (LSB first); negative: constant SY_BIT_* */
} sy_seg;

/* When a flip-flop may load, as model nets (sy_enables.h): en is on (en_high: active high),
 * or rst is (a sync reset that overrides the enable; rst = SY_BIT_0 when there is none). */
typedef struct {
    int en, en_high, rst, rst_high;
    const char *cond; /* by net names ("en", "!en", "en|!rst_ni"); NULL: no enable */
} sy_glen;

typedef struct {
    char *path; /* instance path relative to the module ("u_a.g[0].u_b") */
    const hg_mmod *mod;
} sy_glchild;

typedef struct {
    char *name; /* instance name (prefixed by the inlined path if any) */
    const char *type;
    int nconns;
    const sy_nport *conns; /* bits already translated to model nets */
    const char *reg;       /* clocked cells: the register its first output belongs to (net name,
                              inlined path prefixed; NULL: unnamed); NULL for other cells */
    sy_glen en;            /* clocked cells: their load enable (sy_enables.h); cond NULL: none */
} sy_glcell;

typedef struct {
    char *name; /* memory instance path */
    const hg_mmod *mod;
    int nconns;
    const sy_nport *conns;
    int wr_en, rd_en; /* index into conns of the enables, -1 if none */
} sy_glmem;

typedef struct {
    int cell; /* index in cells */
    const char *pin;
    int net;
} sy_gltog;

/* A clock-gating group: the clocked cells of one register (the net name of their outputs), one
 * library cell type and one load enable, which one gate of their clock, opened by that enable,
 * would switch together (docs/synth.md, "Clock gating"). Flip-flops without an enable are in
 * no group. */
typedef struct {
    const char *name; /* the register; an unnamed flip-flop is a group of its own, by cell name */
    const char *type; /* library cell of its members */
    sy_glen en;       /* the enable that opens the gate */
    int n;            /* members */
    int *togs;        /* toggle index of each member's first output */
} sy_glgate;

typedef struct {
    const hg_mmod *mmod;
    int nnets;     /* nets are 0 .. nnets-1 */
    int clk_net;   /* -1 if none */
    int nin, nout; /* bits of the in / out vectors */
    int nsegs;
    sy_seg *segs;
    int nchildren;
    sy_glchild *children;
    int ncells;
    sy_glcell *cells;
    int nmems;
    sy_glmem *mems;
    int ntogs;
    sy_gltog *togs;
    int ngates; /* clocked cells (an input on the clock net) with a load enable, grouped by
                   register, type and enable */
    sy_glgate *gates;
    void *priv; /* allocations */
} sy_glmodel;

/* Builds the model of module `module`; netlists are read from nldir/<module>.json, the load
 * enables of their flip-flops from nldir/<module>.ffen.json (sy_enables.h). NULL with a
 * message naming the module, instance and port on a mismatch with the manifest, or naming the
 * file when a netlist with flip-flops has no enable file. */
sy_glmodel *sy_glmodel_build(const hg_manifest *man, const char *nldir, const char *module,
                             sy_capture_order order, char *err, size_t errlen);
void sy_glmodel_free(sy_glmodel *g);

/* Column of port `name` in a module's capture line, or -1 (clk_i, unknown). */
int sy_capture_col(const hg_mmod *mm, const char *name, sy_capture_order order);

/* Parses "ports" / "inputs-first"; -1 if neither. */
int sy_capture_order_parse(const char *s);

/* Writes map.txt: segments, children, toggle nets, clock-gating groups ("gate G TYPE NAME
 * COND N TOG..."), memory enables (read by the Verilator harness and by `hgsynth summary`). */
void sy_glmodel_write_map(const sy_glmodel *g, FILE *f);

#endif
