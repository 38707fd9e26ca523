/*
 * hg_emit_blocks.c — the modules around one hand-written block: score lanes and the score
 * array, the top-N selector, the softmax weights, the normalizer and the memories.
 */
#include "hg_emit_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* ---- score lanes and array: hand-written blocks with this configuration's parameters ----- */

void ge_emit_xnor_lane(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "xnor_lane", "score", c->p, "hg_xnor_lane");
    ge_uparam(g, "D", c->d);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "q_i", c->d), ge_in(g, "k_i", c->d);
    ge_out(g, "m_o", c->mw);
    ge_unit_end(g, 1);
}

void ge_emit_mac_lane(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "mac_lane", "score", c->p, "hg_mac_lane");
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "SW", c->sw);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "q_i", 8 * c->d), ge_in(g, "k_i", 8 * c->d);
    ge_out(g, "s_o", c->sw);
    ge_unit_end(g, 1);
}

/* P lanes side by side (rtl/src/hg_score_array.v), lane j at g_lane[j].g_xnor.u_lane (HAD)
   or g_lane[j].g_mac.u_lane. */
void ge_emit_score_array(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    ge_unit_begin(g, "score_array", "score", 1, "hg_score_array");
    ge_uparam(g, "P", c->p);
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "HAD", had);
    ge_uparam(g, "SW", c->sw);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "q_i", c->kw), ge_in(g, "k_i", c->p * c->kw);
    ge_out(g, "s_o", c->p * c->sw);
    ge_child(g, had ? "xnor_lane" : "mac_lane", "g_lane", had ? "g_xnor.u_lane" : "g_mac.u_lane", c->p);
    ge_unit_end(g, 0);
}

/* ---- top-N selector -------------------------------------------------------------------- */

/* The counting selector's first pass (rtl/src/hg_topn_scan.v): the keys above each level, and
   from them the threshold level, its quota and the largest count. */
static void emit_topn_scan(gen *g)
{
    const hg_cfg *c = g->c;
    int cw = hg_clog2(c->n + 1);
    ge_unit_begin(g, "topn_scan", "select", 1, "hg_topn_scan");
    ge_usource(g, "hg_bank_addr.v");
    ge_uparam(g, "N", c->n);
    ge_uparam(g, "P", c->p);
    ge_uparam(g, "G", c->g);
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "SW", c->sw);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "en_i", 1), ge_in(g, "p2_v_i", 1);
    ge_in(g, "p2_first_i", 1), ge_in(g, "p2_last_i", 1), ge_in(g, "p2_bank_i", 1);
    ge_in(g, "p2_row_i", abits(c->g)), ge_in(g, "scores_i", c->p * c->sw), ge_in(g, "lane_ok_i", c->p);
    ge_in(g, "sc_take_i", 1), ge_out(g, "sc_v_o", 1), ge_out(g, "sc_bank_o", 1);
    ge_out(g, "sc_thr_o", c->sw), ge_out(g, "sc_quota_o", cw), ge_out(g, "sc_smax_o", c->sw);
    ge_out(g, "sm_we_o", 1), ge_out(g, "sm_waddr_o", abits(2 * c->g));
    ge_unit_end(g, 1);
}

/* The counting selector's second pass (rtl/src/hg_topn_place.v): the kept keys, in key order. */
static void emit_topn_place(gen *g)
{
    const hg_cfg *c = g->c;
    int cw = hg_clog2(c->n + 1);
    ge_unit_begin(g, "topn", "select", 1, "hg_topn_place");
    ge_usource(g, "hg_bank_addr.v");
    ge_uparam(g, "N", c->n);
    ge_uparam(g, "P", c->p);
    ge_uparam(g, "G", c->g);
    ge_uparam(g, "L", c->l);
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "SW", c->sw);
    ge_uparam(g, "IW", c->iw);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "nkeys_i", hg_clog2(c->l + 1));
    ge_in(g, "sc_valid_i", 1), ge_in(g, "sc_bank_i", 1), ge_in(g, "sc_thr_i", c->sw);
    ge_in(g, "sc_quota_i", cw), ge_in(g, "sc_smax_i", c->sw);
    ge_out(g, "sc_take_o", 1), ge_out(g, "sm_re_o", 1), ge_out(g, "sm_raddr_o", abits(2 * c->g));
    ge_in(g, "sm_rdata_i", c->p * c->sw), ge_in(g, "take_i", 1);
    ge_out(g, "out_valid_o", 1), ge_out(g, "out_v_o", c->n), ge_out(g, "out_s_o", c->n * c->sw);
    ge_out(g, "out_idx_o", c->n * c->iw), ge_out(g, "out_smax_o", c->sw), ge_out(g, "idle_o", 1);
    ge_unit_end(g, 1);
}

void ge_emit_topn(gen *g)
{
    const hg_cfg *c = g->c;
    if (c->sel == HG_SEL_COUNTING) {
        emit_topn_scan(g);
        emit_topn_place(g);
        return;
    }
    int net = c->sel == HG_SEL_BITONIC || c->sel == HG_SEL_TWOSTAGE; /* hg_topn_bitonic */
    ge_unit_begin(g, "topn", "select", 1, net ? "hg_topn_bitonic" : "hg_topn");
    ge_uparam(g, "N", c->n);
    ge_uparam(g, "P", c->p);
    ge_uparam(g, "SW", c->sw);
    ge_uparam(g, "SIGNED", c->core != HG_CORE_HAD);
    ge_uparam(g, "IW", c->iw);
    if (net) ge_uparam(g, "PIPE", c->sel == HG_SEL_TWOSTAGE);
    if (c->sel == HG_SEL_TWOSTAGE) ge_uparam(g, "SORT_CUT", c->cut);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "en_i", 1), ge_in(g, "in_valid_i", 1);
    ge_in(g, "first_i", 1), ge_in(g, "last_i", 1), ge_in(g, "lane_valid_i", c->p);
    ge_in(g, "s_i", c->p * c->sw), ge_in(g, "base_i", c->iw), ge_in(g, "take_i", 1);
    ge_out(g, "out_valid_o", 1), ge_out(g, "out_v_o", c->n), ge_out(g, "out_s_o", c->n * c->sw);
    ge_out(g, "out_idx_o", c->n * c->iw);
    if (net) ge_out(g, "busy_o", 1), ge_out(g, "hold_o", 1);
    ge_unit_end(g, 1);
}

/* ---- softmax weights ------------------------------------------------------------------- */

void ge_emit_wlut(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "wlut", "softmax", 1, "hg_wlut");
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "WW", c->ww);
    ge_uparam(g, "E", c->ew);
    ge_uparam(g, "R", c->r);
    if (c->shadow) ge_uparam(g, "SHADOW", 1);
    ge_in(g, "clk_i", 1), ge_in(g, "we_i", 1), ge_in(g, "waddr_i", c->xw), ge_in(g, "wdata_i", c->ew * c->ww);
    ge_in(g, "en_i", 1), ge_in(g, "valid_i", c->r), ge_in(g, "delta_i", c->r * c->mw);
    ge_out(g, "w_o", c->r * c->ww);
    ge_unit_end(g, 1);
}

/* The int8 exp unit: its 2^-f table is computed by the block itself (rtl/src/hg_exp_unit.v). */
void ge_emit_exp_unit(gen *g, int instances)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "exp_unit", "softmax", instances, "hg_exp_unit");
    ge_uparam(g, "TW", c->sw + 1);
    ge_uparam(g, "FB", c->fb);
    ge_uparam(g, "WB", c->wb);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "valid_i", 1), ge_in(g, "t_i", c->sw + 1);
    ge_in(g, "mul_i", 16), ge_in(g, "shift_i", 6), ge_out(g, "w_o", c->ww);
    ge_unit_end(g, 1);
}

/* ---- normalizer ------------------------------------------------------------------------ */

void ge_emit_norm(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "norm", "norm", 1, "hg_norm");
    const struct {
        const char *name;
        int value;
    } params[] = {{"D", c->d},   {"ACCW", c->accw}, {"WSW", c->wsw}, {"RQ", c->rq}, {"OF", c->of},
                  {"OW", c->ow}, {"BPC", c->bpc},   {"CR", c->cr},   {"MN", c->mn}, {"CM", c->cm}};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        ge_uparam(g, params[i].name, params[i].value);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "in_valid_i", 1), ge_out(g, "in_ready_o", 1);
    ge_in(g, "acc_i", c->d * c->accw), ge_in(g, "wsum_i", c->wsw), ge_out(g, "o_valid_o", 1);
    ge_in(g, "o_ready_i", 1), ge_out(g, "o_data_o", c->d * c->ow), ge_out(g, "idle_o", 1);
    ge_unit_end(g, 1);
}

/* ---- memories: hand-written blocks, costed by the flow's memory model ------------------- */

static void mem_geometry(gen *g, int words, int width, int rports)
{
    if (g->failed) return;
    mod_rec *m = &g->mods[g->nmods - 1];
    m->mem_words = words;
    m->mem_width = width;
    m->mem_rports = rports;
    m->mem_wports = 1;
}

/* P banks of ceil(L/P) entries of `width` bits (rtl/src/hg_mem_banked.v): a load beat of LW
   entries written a cycle, a row of P entries read a cycle. */
void ge_emit_mem_banked(gen *g, const char *suffix, int width)
{
    const hg_cfg *c = g->c;
    int lnw = abits(c->p), gw = abits(c->g);
    ge_unit_begin(g, suffix, "memory", 1, "hg_mem_banked");
    mem_geometry(g, c->g, c->p * width, 1);
    ge_uparam(g, "LANES", c->p);
    ge_uparam(g, "WORDS", c->g);
    ge_uparam(g, "W", width);
    ge_uparam(g, "WL", c->lw);
    ge_in(g, "clk_i", 1), ge_in(g, "we_i", 1), ge_in(g, "wlane_i", lnw), ge_in(g, "wrow_i", gw);
    ge_in(g, "wdata_i", c->lw * width), ge_in(g, "re_i", 1), ge_in(g, "rrow_i", gw),
        ge_out(g, "rdata_o", c->p * width);
    ge_unit_end(g, 0);
}

/* `words` entries of `width` bits with one write port of `wl` entries and `rp` read ports
   (rtl/src/hg_mem_flat.v: ceil(words / wl) rows of wl entries). The memory model is given its
   entries (words x width): a read drives the columns of the one entry it reads, a write those of
   the wl entries it writes (the write port's width), as in an array of wl column groups, each
   enabled on its own; a single row of wl entries would charge every read wl entries' columns. */
void ge_emit_mem_flat(gen *g, const char *suffix, int words, int width, int rp, int wl)
{
    int aw = abits(words);
    ge_unit_begin(g, suffix, "memory", 1, "hg_mem_flat");
    mem_geometry(g, words, width, rp);
    ge_uparam(g, "WORDS", words);
    ge_uparam(g, "W", width);
    ge_uparam(g, "RP", rp);
    ge_uparam(g, "WL", wl);
    ge_in(g, "clk_i", 1), ge_in(g, "we_i", 1), ge_in(g, "waddr_i", aw), ge_in(g, "wdata_i", wl * width);
    ge_in(g, "re_i", rp), ge_in(g, "raddr_i", rp * aw), ge_out(g, "rdata_o", rp * width);
    ge_unit_end(g, 0);
}
