/* sy_bound.h — loads at module boundaries, which per-module STA does not see.
 *
 * Each module is timed and its power tabled on its own, its submodules black boxes and its
 * outputs at a token load (OUT_LOAD_PF). So a net that crosses a module boundary misses:
 *   - the input pins it drives on the other side: the library-cell pins of the parent and of
 *     sibling modules, found through every level of the hierarchy (a child's input port
 *     costs the pins it reaches inside the child);
 *   - the wire between the modules.
 * For every library-cell output of a module that drives such a net this computes the
 * missing pin capacitance and a wire capacitance (docs/synth.md, "Module boundaries"):
 *   - a net to a module output: the pins beyond, averaged over the module's instances (its
 *     parents weighted by their own instance counts; the top's outputs: none), less the
 *     OUT_LOAD_PF already counted, and wire_k x wire_pf_mm x the module's side
 *     (sqrt(area)) — plus the parent's wire when the net leaves the parent too;
 *   - a net into submodule inputs: those inputs' pins and wire_k x wire_pf_mm x the side of
 *     the largest of those submodules.
 * A memory's read data is not simulated at gate level: the pins it drives are returned per
 * memory, for the memory model to charge per read with its data bus (sy_mem.h).
 */
#ifndef SY_BOUND_H
#define SY_BOUND_H

#include <stddef.h>

#include "sy_lib.h"
#include "hg_manifest.h"

typedef struct {
    char *cell, *pin; /* the driving library cell of the module and its output pin */
    double pin_pf, wire_pf;
} sy_bdrv;

typedef struct {
    int n;
    sy_bdrv *v; /* sorted by cell, then pin */
    /* a memory: the input pins its read data drives (all its output bits together), per
       instance, averaged over its instances; 0 for logic modules */
    double mem_out_pin_pf;
} sy_bmod;

typedef struct {
    double wire_k;     /* wire length / the side of the module it leaves or enters */
    double wire_pf_mm; /* pF per mm */
    double out_pf;     /* the load per-module STA already puts on every output (OUT_LOAD_PF) */
    int pins;          /* 0: leave the pins out (wire only) */
} sy_bound_params;

/* Boundary drivers of every module of man: out[i] for man->mods[i] (empty for memories).
   Netlists are netdir/<module>.json (Yosys write_json); area_um2[i] the area of one instance
   of man->mods[i]. 0, or -1 with err (a netlist that cannot be read, a library cell without
   a pin of the netlist's). */
int sy_bound_compute(const hg_manifest *man, const char *netdir, const sy_lib *lib, const double *area_um2,
                     const sy_bound_params *bp, sy_bmod *out, char *err, size_t errlen);
/* The entry of cell's output pin, or NULL. */
const sy_bdrv *sy_bound_find(const sy_bmod *b, const char *cell, const char *pin);
void sy_bound_free(sy_bmod *b, int n);

#endif
