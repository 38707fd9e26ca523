/*
 * hg_emit_top.c — the core's top, <prefix>_core: the hand-written core (rtl/src/hg_core_topn.v
 * for the top-N cores, hg_core_dense.v for the baseline) with this configuration's values,
 * which hadgen derives (sw/base/hg_config.c), and the units inside it for the manifest.
 */
#include "hg_emit_int.h"

#include <stdio.h>

static void core_ports(gen *g)
{
    const hg_cfg *c = g->c;
    char kw[16], lk[16], v[16], o[16];
    snprintf(kw, sizeof kw, "%d:0", c->kw - 1);
    snprintf(lk, sizeof lk, "%d:0", c->lw * c->kw - 1);
    snprintf(v, sizeof v, "%d:0", c->lw * c->vw - 1);
    snprintf(o, sizeof o, "%d:0", c->d * c->ow - 1);
    int had = c->core == HG_CORE_HAD;
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", NULL, 1, "cfg_valid_i", "configuration write");
    ge_port(g, "output wire", NULL, 1, "cfg_ready_o", "accepted (only while idle)");
    ge_port(g, "input wire", "15:0", 16, "cfg_addr_i", "register address (docs/spec.md)");
    ge_port(g, "input wire", "31:0", 32, "cfg_data_i", "register value");
    ge_port(g, "input wire", NULL, 1, "kv_valid_i",
            c->lw > 1 ? "a beat of LW key/value pairs (the next indices)" : "key/value pair (next index)");
    ge_port(g, "output wire", NULL, 1, "kv_ready_o", "accepted (only while idle)");
    if (c->lw > 1) {
        ge_port(g, "input wire", lk, c->lw * c->kw, "kv_k_i",
                had ? "LW keys' sign bits, key j at [j*D +: D]"
                    : "LW keys, key j at [j*8*D +: 8*D], D x int8");
        ge_port(g, "input wire", v, c->lw * c->vw, "kv_v_i", "LW values, value j at [j*VB*D +: VB*D]");
    } else {
        ge_port(g, "input wire", kw, c->kw, "kv_k_i", had ? "key sign bits" : "key, D x int8");
        ge_port(g, "input wire", v, c->vw, "kv_v_i",
                c->vb == 8 ? "value, D x int8" : "value, D x VB-bit signed");
    }
    ge_port(g, "input wire", NULL, 1, "q_valid_i", "query");
    ge_port(g, "output wire", NULL, 1, "q_ready_o", "query accepted");
    ge_port(g, "input wire", kw, c->kw, "q_data_i", had ? "query sign bits" : "query, D x int8");
    ge_port(g, "output wire", NULL, 1, "o_valid_o", "attention output");
    ge_port(g, "input wire", NULL, 1, "o_ready_i", "output taken");
    ge_port(g, "output wire", o, c->d * c->ow, "o_data_o", "D outputs, dim i at [i*OW +: OW]");
}

/* The one instance u_core of the hand-written core `module` with the configuration's values,
   every port connected to the top's port of the same name. */
static void core_instance(gen *g, const char *module, int topn)
{
    if (g->failed) return; /* after an error no module is being written */
    const hg_cfg *c = g->c;
    /* topn: only the top-N cores have it; hex: a 16-bit register address */
    const struct {
        const char *name;
        long value;
        int topn, hex;
    } params[] = {{"D", c->d, 0, 0},
                  {"P", c->p, 0, 0},
                  {"LW", c->lw, 0, 0},
                  {"L", c->l, 0, 0},
                  {"N", c->n, 1, 0},
                  {"R", c->r, 1, 0},
                  {"HAD", c->core == HG_CORE_HAD, 1, 0},
                  {"SEL", c->sel, 1, 0},
                  {"SORT_CUT", c->cut, 1, 0},
                  {"ETAB_SHADOW", c->shadow, 1, 0},
                  {"SW", c->sw, 0, 0},
                  {"WB", c->wb, 0, 0},
                  {"FB", c->fb, 0, 0},
                  {"OF", c->of, 0, 0},
                  {"VB", c->vb, 0, 0},
                  {"OW", c->ow, 0, 0},
                  {"ACCW", c->accw, 0, 0},
                  {"WSW", c->wsw, 0, 0},
                  {"RQ", c->rq, 0, 0},
                  {"BPC", c->bpc, 0, 0},
                  {"CR", c->cr, 0, 0},
                  {"MN", c->mn, 0, 0},
                  {"CM", c->cm, 0, 0},
                  {"FAN", c->fan, 0, 0},
                  {"A_NKEYS", HG_CFG_NKEYS, 0, 1},
                  {"A_EXP_MUL", HG_CFG_EXP_MUL, 0, 1},
                  {"A_EXP_SHIFT", HG_CFG_EXP_SHIFT, 0, 1},
                  {"A_ETAB", HG_CFG_ETAB, 0, 1}};
    ge_o(g, "  // The hand-written core rtl/src/%s.v with this configuration's values.\n  %s #(", module,
         module);
    const char *sep = "\n";
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        if (params[i].topn && !topn) continue;
        ge_o(g, params[i].hex ? "%s    .%s(16'h%03lx)" : "%s    .%s(%ld)", sep, params[i].name,
             params[i].value);
        sep = ",\n";
    }
    ge_o(g, "\n");
    ge_o(g, "  ) u_core (\n");
    const mod_rec *m = &g->mods[g->nmods - 1];
    for (int i = 0; i < m->nports; i++)
        ge_o(g, "    .%-12s(%s)%s\n", m->ports[i].name, m->ports[i].name, i + 1 < m->nports ? "," : "");
    ge_o(g, "  );\n");
}

static void core_emit(gen *g, const char *module, const char *doc)
{
    int topn = hg_cfg_topn(g->c);
    /* the hand-written blocks the core's body is made of besides its units: flattened into
       the control unit's netlist */
    static const char *const topn_src[] = {"hg_cfg_load.v", "hg_score_stage.v", "hg_core_topn.v", NULL};
    static const char *const dense_src[] = {"hg_cfg_load.v", "hg_score_stage.v", "hg_rowmax.v",
                                            "hg_core_dense.v", NULL};
    const char *const *src = topn ? topn_src : dense_src;
    for (int i = 0; src[i]; i++) ge_copy_block(g, src[i]);
    ge_mod_begin(g, "core", "control", 1, doc);
    for (int i = 0; src[i]; i++) ge_usource(g, src[i]);
    core_ports(g);
    ge_ports_end(g);
    core_instance(g, module, topn);
    /* the units inside the core, as the manifest names their cells */
    ge_child(g, "kmem", NULL, "u_core.u_kmem", 1);
    ge_child(g, "score_array", NULL, "u_core.u_score", 1);
    if (topn && g->c->sel == HG_SEL_COUNTING) {
        ge_child(g, "topn_scan", NULL, "u_core.g_count.u_scan", 1);
        ge_child(g, "smem", NULL, "u_core.g_count.u_smem", 1);
        ge_child(g, "topn", NULL, "u_core.g_count.u_topn", 1);
    } else if (topn) {
        ge_child(g, "topn", NULL,
                 g->c->sel == HG_SEL_MERGE ? "u_core.g_merge.u_topn" : "u_core.g_bitonic.u_topn", 1);
    } else {
        ge_child(g, "smem", NULL, "u_core.u_smem", 1);
    }
    ge_child(g, "vmem", NULL, "u_core.u_vmem", 1);
    ge_child(g, "av", NULL, "u_core.u_av", 1);
    ge_child(g, "norm", NULL, "u_core.u_norm", 1);
    ge_mod_end(g, 1);
}

void ge_emit_core_topn(gen *g)
{
    int had = g->c->core == HG_CORE_HAD;
    core_emit(g, "hg_core_topn",
              had ? "HAD attention core: binarized Q/K scored by XNOR-popcount, top-N selection,\n"
                    "// table softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                    "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM)."
                  : "int8 + top-N attention core: int8 dot-product scores, top-N selection, exp\n"
                    "// softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                    "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM).");
}

void ge_emit_core_baseline(gen *g)
{
    core_emit(g, "hg_core_dense",
              "Standard int8 attention core (baseline): int8 dot-product scores of every key,\n"
              "// exp softmax over all keys (two passes: the row maximum is found while scoring,\n"
              "// scores wait in a double-buffered score memory), dense AV, normalization.\n"
              "// Pipeline: score (ceil(n_k/P) cycles) | AV (ceil(n_k/P)) | norm (CR+CM).");
}
