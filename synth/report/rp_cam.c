/*
 * rp_cam.c — the CAMformer line (rp_cam.h).
 */
#include "rp_cam.h"

#include "rp_util.h"

#include <math.h>
#include <string.h>

/* The rule's range (docs/synth.md): osu018's SCMOS cells are 1-2x the size, and capacitance,
   of a foundry library's at the same node; 65 nm supplies run from 1.0 V (general purpose) to
   1.2 V (low power). */
#define NODE_K_LO 1.0
#define NODE_K_HI 2.0
#define NODE_V_HI 1.2

rp_node_rule rp_node_rule_of(const cJSON *summary)
{
    double nm = rp_num(summary, "energy.node_ref_nm"), v = rp_num(summary, "energy.node_ref_vdd");
    double k = rp_num(summary, "energy.node_cell_k");
    if (!(nm > 0)) nm = 65; /* the flow's defaults (NODE_REF_NM, NODE_REF_VDD, NODE_CELL_K) */
    if (!(v > 0)) v = 1.0;
    if (!(k > 0)) k = 1.5;
    double c = nm / 180.0, v2 = (v / 1.8) * (v / 1.8), vh = fmax(v, NODE_V_HI) / 1.8;
    return (rp_node_rule){.nominal = c / k * v2,
                          .low = c / NODE_K_HI * v2,
                          .high = c / NODE_K_LO * vh * vh,
                          .nm = nm,
                          .vdd = v,
                          .cell_k = k};
}

/* DRAM energy per query (nJ) of HAD's hgsys run at context keys and the workload (decode:
   one query per head; prefill: every token a query); NAN when there is none. */
static double dram_nj(const cJSON *const *sys, int nsys, int keys, int prefill, double *reuse)
{
    for (int i = 0; i < nsys; i++) {
        const cJSON *s = sys[i];
        double q = rp_num(s, "queries_per_head"), h = rp_num(s, "heads");
        if (strcmp(rp_str(s, "core"), "had") != 0 || rp_num(s, "context") != keys || !(q > 0) || !(h > 0))
            continue;
        if ((q > 1) != prefill) continue;
        *reuse = q;
        return rp_num(s, "dram_pj") * 1e-3 / (q * h);
    }
    return NAN;
}

static void row(FILE *md, cJSON *arr, const char *what, double nj, double lo, double hi)
{
    fprintf(md, "| %s | %.1f (%.1f-%.1f) | %.0f (%.0f-%.0f) |\n", what, nj, lo, hi, 1e6 / nj, 1e6 / hi,
            1e6 / lo);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "line", what);
    cJSON_AddNumberToObject(o, "energy_per_query_nj", nj);
    cJSON_AddNumberToObject(o, "energy_per_query_low_nj", lo);
    cJSON_AddNumberToObject(o, "energy_per_query_high_nj", hi);
    cJSON_AddNumberToObject(o, "queries_per_mj", 1e6 / nj);
    cJSON_AddItemToArray(arr, o);
}

void rp_cam_section(FILE *md, cJSON *root, const char *point, const cJSON *had, double nj, double nj_lo,
                    double nj_hi, const cJSON *const *sys, int nsys)
{
    if (!isfinite(nj) || !isfinite(nj_lo) || !isfinite(nj_hi)) return;
    rp_node_rule r = rp_node_rule_of(had);
    int keys = (int)rp_num(had, "params.max_keys");
    double cam = 1e6 / RP_CAMFORMER_QPMJ, cam_dram = cam * RP_CAMFORMER_DRAM_SHARE;
    fprintf(
        md,
        "\n## CAMformer line: HAD at its operating point (`%s`: d=64, %d keys, top-32)\n\n"
        "CAMformer publishes %.0f queries/mJ at 65 nm, DRAM included (%.0f%% of its energy). HAD's "
        "energy per query at 180 nm (every correction counted; its range over the uncertain ones) goes to "
        "%g nm by the node rule of docs/synth.md, E = E180 x (node/180) / NODE_CELL_K x (V / 1.8 V)^2 "
        "(NODE_CELL_K %g: osu018's cells against a foundry library's, 1-2; V %g V, up to 1.2): factor %.3f "
        "(%.3f-%.3f). DRAM energy is not scaled (the DRAM is the same part "
        "either way). Ranges combine the rule's and the corrections' ends.\n\n"
        "| line | energy/query nJ at the node | queries/mJ |\n|---|---|---|\n",
        point, keys, RP_CAMFORMER_QPMJ, 100 * RP_CAMFORMER_DRAM_SHARE, r.nm, r.cell_k, r.vdd, r.nominal,
        r.low, r.high);
    cJSON *jc = cJSON_AddObjectToObject(root, "camformer");
    cJSON_AddNumberToObject(jc, "node_factor", r.nominal);
    cJSON_AddNumberToObject(jc, "node_factor_low", r.low);
    cJSON_AddNumberToObject(jc, "node_factor_high", r.high);
    cJSON *arr = cJSON_AddArrayToObject(jc, "lines");
    row(md, arr, "CAMformer as published (DRAM included)", cam, cam, cam);
    row(md, arr, "CAMformer without its DRAM share", cam - cam_dram, cam - cam_dram, cam - cam_dram);
    double h = nj * r.nominal, h_lo = nj_lo * r.low, h_hi = nj_hi * r.high;
    row(md, arr, "HAD: logic and SRAM", h, h_lo, h_hi);
    double reuse_p = NAN, reuse_d = NAN;
    double dp = dram_nj(sys, nsys, keys, 1, &reuse_p), dd = dram_nj(sys, nsys, keys, 0, &reuse_d);
    char what[160];
    if (isfinite(dp)) {
        snprintf(what, sizeof what, "HAD with DRAM, prefill (each K/V load reused by %.0f queries)", reuse_p);
        row(md, arr, what, h + dp, h_lo + dp, h_hi + dp);
    }
    if (isfinite(dd)) {
        snprintf(what, sizeof what, "HAD with DRAM, decode (K/V read for every query)");
        row(md, arr, what, h + dd, h_lo + dd, h_hi + dd);
        /* the reuse at which HAD's DRAM per query equals CAMformer's DRAM share */
        double implied = dd / cam_dram;
        fprintf(
            md,
            "\nCAMformer's DRAM share, %.1f nJ per query, is what HAD's K/V traffic at %d keys (%.0f nJ per "
            "load, lpddr4 in the system model) costs when each load serves about %.0f queries: the "
            "comparison with DRAM holds at that reuse.\n",
            cam_dram, keys, dd, implied);
        cJSON_AddNumberToObject(jc, "implied_reuse_queries", implied);
    }
    fprintf(md, "\nHAD/CAMformer energy per query, same boundary: logic and SRAM %.2f (%.2f-%.2f)",
            h / (cam - cam_dram), h_lo / (cam - cam_dram), h_hi / (cam - cam_dram));
    if (isfinite(dp)) fprintf(md, "; with DRAM at prefill reuse %.2f", (h + dp) / cam);
    fprintf(md, ".\n");
    cJSON_AddNumberToObject(jc, "had_over_camformer_no_dram", h / (cam - cam_dram));
}
