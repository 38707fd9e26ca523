/* sy_model.h — the numeric model variables of the flow: clock period, memory model, clock
 * network, module boundaries and the node normalisation (docs/synth.md). This table is their one definition: default, range and
 * meaning. `hgsynth vars` prints it; synth/flow.sh declares its flow variables from that
 * output and checks their values against it, and `hgsynth summary` reads the run's values
 * through it.
 */
#ifndef SY_MODEL_H
#define SY_MODEL_H

#include <stddef.h>

#include "sy_clock.h"
#include "sy_mem.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double period_ns;      /* CLK_PERIOD_NS: clock of STA and of the power tables */
    sy_mem_params mem;     /* MEM_*: memory model */
    double node_nm;        /* NODE_REF_NM: node of the normalised energy */
    double node_vdd;       /* NODE_REF_VDD: its supply */
    double node_cell_k;    /* NODE_CELL_K: osu018 cell capacitance / a foundry library's */
    double clk_tree;       /* CLK_TREE: 1 counts the clock network (sy_clock.h), 0 leaves it out */
    sy_clock_params clk;   /* CLK_*: the clock network */
    double bnd_pins;       /* BND_PINS: 1 counts the input pins across module boundaries (sy_bound.h) */
    double bnd_wire_k;     /* BND_WIRE_K: boundary wire length / the module's side (0: no wire) */
    double bnd_wire_pf_mm; /* BND_WIRE_PF_MM */
    double bnd_vdd;        /* BND_VDD: supply the boundary nets swing */
} sy_model_params;

typedef struct {
    const char *name; /* flow variable */
    double dflt;
    int positive; /* 1: must be > 0; 0: >= 0 */
    double max;   /* largest value allowed */
    size_t off;   /* offset of the double in sy_model_params */
    const char *desc;
} sy_model_var;

extern const sy_model_var sy_model_vars[];
extern const int sy_model_nvars;

/* p with every variable at its default. */
void sy_model_defaults(sy_model_params *p);
/* The variable of that name, NULL if none. */
const sy_model_var *sy_model_find(const char *name);
/* Sets variable v of p from text s (decimal notation, in range): 0, or -1 with a message
   naming the variable, the value and the range. */
int sy_model_set(sy_model_params *p, const sy_model_var *v, const char *s, char *err, size_t errlen);
/* Address of variable v's value in p. */
double *sy_model_field(sy_model_params *p, const sy_model_var *v);

#ifdef __cplusplus
}
#endif

#endif
