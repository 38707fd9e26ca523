/*
 * rp_cam.h — the report's CAMformer line (hgreport): HAD at CAMformer's operating point
 * (d = 64, 1024 keys, top-32) beside CAMformer's published 9,045 queries/mJ at 65 nm, at the
 * same boundary both ways: CAMformer without its DRAM share against HAD's logic and SRAM, and
 * both with DRAM (HAD's from the system model, decode and prefill). The 180 nm energy goes to
 * 65 nm by a stated rule with a range (docs/synth.md, "Node rule and the CAMformer line").
 */
#ifndef RP_CAM_H
#define RP_CAM_H

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_CAMFORMER_QPMJ       9045.0 /* CAMformer: queries per mJ at 65 nm, DRAM included */
#define RP_CAMFORMER_DRAM_SHARE 0.35   /* CAMformer: DRAM's share of that energy */

/* The node rule of a flow summary, 180 nm (osu018) to its NODE_REF_NM: E = E180 x (node / 180)
   / NODE_CELL_K x (NODE_REF_VDD / 1.8 V)^2 (energy.node_scale), and its range: NODE_CELL_K 2
   (low) to 1 with a 1.2 V supply (high). The flow's defaults where the summary has none. */
typedef struct rp_node_rule {
    double nominal, low, high;
    double nm, vdd, cell_k; /* the rule's node, supply and NODE_CELL_K */
} rp_node_rule;
rp_node_rule rp_node_rule_of(const cJSON *summary);

/* Writes the section into md and "camformer" into root. had: the point's HAD summary (its
   keys, params.max_keys, and node rule); nj, nj_lo, nj_hi: HAD's energy per query at 180 nm
   (every correction counted) and its range over the uncertain ones; sys: hgsys --json runs,
   of which HAD's at the point's keys (decode and prefill) give DRAM energy per query. Nothing
   when nj is not finite. */
void rp_cam_section(FILE *md, cJSON *root, const char *point, const cJSON *had, double nj, double nj_lo,
                    double nj_hi, const cJSON *const *sys, int nsys);

#endif
