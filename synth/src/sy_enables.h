/* sy_enables.h — the load enables of a synthesized module's flip-flops (clock gating).
 *
 * The liberty has no flip-flop with an enable, so synthesis turns each enable into a
 * feedback multiplexer in front of a plain flip-flop. Before it does, the flow's Yosys script
 * (synth/scripts/yosys_module.tcl) names the flops that have one (hg_ff<N>), keeps their
 * enable nets and writes <module>.ffen.json beside the netlist: those flops alone, as Yosys
 * cells of the types
 *   $_DFFE_CE_     clock polarity C, enable polarity E (P: active high, N: active low)
 *   $_SDFFE_CRVE_  a sync reset of polarity R, value V, that overrides the enable
 *   $_SDFFCE_CRVE_ the same, the reset acting only when enabled
 * with their E (and R) connections. This reads it and resolves every enable net, by the name
 * of its kept wire, to a bit of the final netlist. A clock gate in front of such a flop must
 * pass the clock whenever the flop may load: when its enable is on, or, for $_SDFFE_, its
 * reset (docs/synth.md, "Clock gating").
 */
#ifndef SY_ENABLES_H
#define SY_ENABLES_H

#include <stddef.h>

#include "sy_netlist.h"

typedef struct {
    char *cell;        /* the flop's cell name in the netlist */
    int en, en_high;   /* enable: bit of the final netlist (or SY_BIT_0/1); 1: active high */
    int rst, rst_high; /* the reset that overrides it ($_SDFFE_), or rst = SY_BIT_0, rst_high 1 */
    char *cond;        /* the condition by net names: "en", "!en", "en|!rst_ni" */
} sy_ffen;

typedef struct {
    int n;
    sy_ffen *ff; /* sorted by cell name */
} sy_ffens;

/* Reads the enable file at path for netlist module nm (the module of that name in the file).
 * NULL with a message on an unreadable or malformed file, a flop type outside the three, or
 * an enable net that is not a kept net of nm (the two files are of different runs). */
sy_ffens *sy_ffens_read(const char *path, const sy_nmod *nm, char *err, size_t errlen);
/* The entry of flop cell `cell`, or NULL (a flop without an enable). */
const sy_ffen *sy_ffens_find(const sy_ffens *e, const char *cell);
void sy_ffens_free(sy_ffens *e);

#endif
