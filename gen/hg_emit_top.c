/*
 * hg_emit_top.c — the core tops: the control blocks, memories, score array, selector, AV
 * unit and normalizer of the top-N cores and of the baseline, wired together.
 */
#include "hg_emit_int.h"

#include <stdio.h>
#include <string.h>

/* ---- core top -------------------------------------------------------------------------- */

static void core_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int kw = c->kw;
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", NULL, 1, "cfg_valid_i", "configuration write");
    ge_port(g, "output wire", NULL, 1, "cfg_ready_o", "accepted (only while idle)");
    ge_port(g, "input wire", "15:0", 16, "cfg_addr_i", "register address (docs/spec.md)");
    ge_port(g, "input wire", "31:0", 32, "cfg_data_i", "register value");
    ge_port(g, "input wire", NULL, 1, "kv_valid_i", "key/value pair (next index)");
    ge_port(g, "output wire", NULL, 1, "kv_ready_o", "accepted (only while idle)");
    ge_port(g, "input wire", "KW-1:0", kw, "kv_k_i",
            c->core == HG_CORE_HAD ? "key sign bits" : "key, D x int8");
    ge_port(g, "input wire", "8*D-1:0", 8 * c->d, "kv_v_i", "value, D x int8");
    ge_port(g, "input wire", NULL, 1, "q_valid_i", "query");
    ge_port(g, "output wire", NULL, 1, "q_ready_o", "query accepted");
    ge_port(g, "input wire", "KW-1:0", kw, "q_data_i",
            c->core == HG_CORE_HAD ? "query sign bits" : "query, D x int8");
    ge_port(g, "output wire", NULL, 1, "o_valid_o", "attention output");
    ge_port(g, "input wire", NULL, 1, "o_ready_i", "output taken");
    ge_port(g, "output wire", "D*OW-1:0", c->d * c->ow, "o_data_o", "D outputs, dim i at [i*OW +: OW]");
}

/* The wires every core top declares: the configuration and load outputs, the score stage's,
   the K memory's and the lanes', and the hand-shakes of AV and normalizer. Outputs a core
   does not use are named unused_* (the HAD core has no exp registers, the int8 cores no exp
   table, the top-N cores no score-memory bank). */
static void core_wires(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD, base = c->core == HG_CORE_BASELINE;
    ge_o(g,
         "  wire              idle;\n"
         "  wire [NKW-1:0]    nkeys;\n"
         "  wire [15:0]       %s;\n"
         "  wire [5:0]        %s;\n"
         "  wire              %s;\n"
         "  wire [%d:0]        %s;\n"
         "  wire [%d:0]        %s;\n"
         "  wire              ld_we;\n"
         "  wire [%d:0]        %s;\n"
         "  wire [LNW-1:0]    ld_lane;\n"
         "  wire [GW-1:0]     ld_row;\n"
         "  wire              s_en, s_issue;\n"
         "  wire [GW-1:0]     s_row;\n"
         "  wire [KW-1:0]     p1_q;\n"
         "  wire              p2_v, p2_first, p2_last;\n"
         "  wire [%d:0]        %s;\n"
         "  wire [P-1:0]      lane_ok;\n"
         "  wire              %s;\n"
         "  wire [GW-1:0]     %s;\n"
         "  wire [P*KW-1:0]   k_row;\n"
         "  wire [P*SW-1:0]   scores;\n"
         "  wire              av_valid, av_ready, av_idle, norm_idle;\n"
         "  wire [D*ACCW-1:0] av_acc;\n"
         "  wire [WSW-1:0]    av_wsum;\n\n",
         had ? "unused_exp_mul" : "exp_mul", had ? "unused_exp_shift" : "exp_shift",
         had ? "etab_we" : "unused_etab_we", c->mw - 1, had ? "etab_addr" : "unused_etab_addr", c->ww - 1,
         had ? "etab_data" : "unused_etab_data", c->iw - 1, base ? "unused_ld_idx" : "ld_idx", c->iw - 1,
         base ? "unused_p2_index" : "p2_index", base ? "p2_bank" : "unused_p2_bank",
         base ? "p2_row" : "unused_p2_row");
}

/* The configuration registers and K/V load (rtl/src/hg_cfg_load.v), with the register
   addresses of gen/hg_config.h. */
static void core_cfg_load(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD, base = c->core == HG_CORE_BASELINE;
    char d[16], ww[16], wb[16], a0[16], a1[16], a2[16], a3[16];
    snprintf(d, sizeof d, "%d", c->d);
    snprintf(ww, sizeof ww, "%d", c->ww);
    snprintf(wb, sizeof wb, "%d", c->wb);
    snprintf(a0, sizeof a0, "16'h%03x", HG_CFG_NKEYS);
    snprintf(a1, sizeof a1, "16'h%03x", HG_CFG_EXP_MUL);
    snprintf(a2, sizeof a2, "16'h%03x", HG_CFG_EXP_SHIFT);
    snprintf(a3, sizeof a3, "16'h%03x", HG_CFG_ETAB);
    const char *const cfg_params[] = {"P",           "P",
                                      "L",           "L",
                                      "D",           d,
                                      "WW",          ww,
                                      "WB",          wb,
                                      "EXP",         had ? "0" : "1",
                                      "ETAB",        had ? "1" : "0",
                                      "A_NKEYS",     a0,
                                      "A_EXP_MUL",   a1,
                                      "A_EXP_SHIFT", a2,
                                      "A_ETAB",      a3,
                                      NULL};
    const char *const cfg_conns[] = {"clk_i",       "clk_i",
                                     "rst_ni",      "rst_ni",
                                     "idle_i",      "idle",
                                     "cfg_valid_i", "cfg_valid_i",
                                     "cfg_ready_o", "cfg_ready_o",
                                     "cfg_addr_i",  "cfg_addr_i",
                                     "cfg_data_i",  "cfg_data_i",
                                     "kv_valid_i",  "kv_valid_i",
                                     "kv_ready_o",  "kv_ready_o",
                                     "nkeys_o",     "nkeys",
                                     "exp_mul_o",   had ? "unused_exp_mul" : "exp_mul",
                                     "exp_shift_o", had ? "unused_exp_shift" : "exp_shift",
                                     "etab_we_o",   had ? "etab_we" : "unused_etab_we",
                                     "etab_addr_o", had ? "etab_addr" : "unused_etab_addr",
                                     "etab_data_o", had ? "etab_data" : "unused_etab_data",
                                     "ld_we_o",     "ld_we",
                                     "ld_idx_o",    base ? "unused_ld_idx" : "ld_idx",
                                     "ld_lane_o",   "ld_lane",
                                     "ld_row_o",    "ld_row",
                                     NULL};
    ge_o(g, "  // ---- configuration registers and K/V load --------------------------------------\n");
    ge_hand_instance(g, "hg_cfg_load", "u_cfg", cfg_params, cfg_conns);
}

/* The score stage (rtl/src/hg_score_stage.v); full, take: the downstream result it waits on. */
static void core_score_stage(gen *g, const char *full, const char *take)
{
    int base = g->c->core == HG_CORE_BASELINE;
    char down[96];
    snprintf(down, sizeof down, "!%s && av_idle && norm_idle", full);
    const char *const st_params[] = {"P", "P", "L", "L", "KW", "KW", "BANKED", base ? "1" : "0", NULL};
    const char *const st_conns[] = {"clk_i",       "clk_i",
                                    "rst_ni",      "rst_ni",
                                    "q_valid_i",   "q_valid_i",
                                    "q_ready_o",   "q_ready_o",
                                    "q_data_i",    "q_data_i",
                                    "cfg_valid_i", "cfg_valid_i",
                                    "kv_valid_i",  "kv_valid_i",
                                    "nkeys_i",     "nkeys",
                                    "s_full_i",    full,
                                    "s_take_i",    take,
                                    "down_idle_i", down,
                                    "en_o",        "s_en",
                                    "issue_o",     "s_issue",
                                    "row_o",       "s_row",
                                    "p1_q_o",      "p1_q",
                                    "p2_v_o",      "p2_v",
                                    "p2_first_o",  "p2_first",
                                    "p2_last_o",   "p2_last",
                                    "p2_index_o",  base ? "unused_p2_index" : "p2_index",
                                    "lane_ok_o",   "lane_ok",
                                    "p2_bank_o",   base ? "p2_bank" : "unused_p2_bank",
                                    "p2_row_o",    base ? "p2_row" : "unused_p2_row",
                                    "idle_o",      "idle",
                                    NULL};
    ge_o(g, "  // ---- score stage: one row of P keys per cycle --------------------------------\n");
    ge_hand_instance(g, "hg_score_stage", "u_stage", st_params, st_conns);
}

/* The front end every core shares: configuration registers and K/V load, the score stage,
   the K memory and the score lanes. full, take: the downstream result the score stage waits
   on (the top-N list, or the baseline's score bank). */
static void core_front(gen *g, const char *full, const char *take)
{
    char use[160];
    core_wires(g);
    core_cfg_load(g);
    core_score_stage(g, full, take);
    ge_o(g,
         "  // K memory and score lanes\n"
         "  %s_kmem u_kmem (\n"
         "    .clk_i   (clk_i),\n"
         "    .we_i    (ld_we),\n"
         "    .wlane_i (ld_lane),\n"
         "    .wrow_i  (ld_row),\n"
         "    .wdata_i (kv_k_i),\n"
         "    .re_i    (s_issue),\n"
         "    .rrow_i  (s_row),\n"
         "    .rdata_o (k_row)\n"
         "  );\n\n"
         "  %s u_score (\n"
         "    .clk_i (clk_i),\n"
         "    .en_i  (s_en),\n"
         "    .q_i   (p1_q),\n"
         "    .k_i   (k_row),\n"
         "    .s_o   (scores)\n"
         "  );\n\n",
         ge_pfx(g), ge_unit_use(g, "score_array", use, sizeof use));
    ge_child(g, "kmem", NULL, "u_kmem", 1);
    ge_child(g, "score_array", NULL, "u_score", 1);
}

static void core_norm(gen *g)
{
    char use[160];
    ge_o(g,
         "  // ---- normalizer ---------------------------------------------------------------\n"
         "  %s u_norm (\n"
         "    .clk_i      (clk_i),\n"
         "    .rst_ni     (rst_ni),\n"
         "    .in_valid_i (av_valid),\n"
         "    .in_ready_o (av_ready),\n"
         "    .acc_i      (av_acc),\n"
         "    .wsum_i     (av_wsum),\n"
         "    .o_valid_o  (o_valid_o),\n"
         "    .o_ready_i  (o_ready_i),\n"
         "    .o_data_o   (o_data_o),\n"
         "    .idle_o     (norm_idle)\n"
         "  );\n",
         ge_unit_use(g, "norm", use, sizeof use));
    ge_child(g, "norm", NULL, "u_norm", 1);
}

static void core_params(gen *g, int nkw, int lnw, int gw)
{
    const hg_cfg *c = g->c;
    ge_lparam(g, "D", c->d, "head dimension");
    ge_lparam(g, "P", c->p, "lanes (keys scored per cycle)");
    ge_lparam(g, "L", c->l, "maximum keys");
    ge_lparam(g, "KW", c->kw, "bits per key / query");
    ge_lparam(g, "SW", c->sw, "score width");
    if (hg_cfg_topn(c)) ge_lparam(g, "IW", c->iw, "key index width");
    ge_lparam(g, "OW", c->ow, "output width");
    ge_lparam(g, "ACCW", c->accw, "accumulator width");
    ge_lparam(g, "WSW", c->wsw, "weight-sum width");
    ge_lparam(g, "NKW", nkw, "key count width");
    ge_lparam(g, "LNW", lnw, "lane select width");
    ge_lparam(g, "GW", gw, "row address width");
    if (c->core != HG_CORE_BASELINE) {
        ge_lparam(g, "N", c->n, "top-N");
        ge_lparam(g, "R", c->r, "AV key slots per cycle");
    }
}

/* Opens the top module: its documentation, parameters and ports. The hand-written control
   blocks it instantiates are copied first. */
static void core_begin(gen *g, const char *doc)
{
    const hg_cfg *c = g->c;
    int nkw = hg_clog2(c->l + 1), lnw = abits(c->p), gw = abits(c->g);
    ge_copy_block(g, "hg_cfg_load.v");
    ge_copy_block(g, "hg_score_stage.v");
    if (c->core == HG_CORE_BASELINE) ge_copy_block(g, "hg_rowmax.v");
    ge_mod_begin(g, "core", "control", 1, doc);
    core_params(g, nkw, lnw, gw);
    core_ports(g);
    ge_ports_end(g);
}

/* The top-N cores' selector, fed by the score stage. */
static void topn_select(gen *g)
{
    char use[160];
    ge_o(g,
         "  // ---- top-N selection ----------------------------------------------------------\n"
         "  %s u_topn (\n"
         "    .clk_i        (clk_i),\n"
         "    .rst_ni       (rst_ni),\n"
         "    .en_i         (s_en),\n"
         "    .in_valid_i   (p2_v),\n"
         "    .first_i      (p2_first),\n"
         "    .last_i       (p2_last),\n"
         "    .lane_valid_i (lane_ok),\n"
         "    .s_i          (scores),\n"
         "    .base_i       (p2_index),\n"
         "    .take_i       (list_take),\n"
         "    .out_valid_o  (list_valid),\n"
         "    .out_v_o      (list_v),\n"
         "    .out_s_o      (list_s),\n"
         "    .out_idx_o    (list_idx)\n"
         "  );\n\n",
         ge_unit_use(g, "topn", use, sizeof use));
    ge_child(g, "topn", NULL, "u_topn", 1);
}

/* The top-N cores' V memory and sparse AV unit. */
static void topn_av(gen *g)
{
    int had = g->c->core == HG_CORE_HAD;
    ge_o(g,
         "  // ---- AV and V memory -----------------------------------------------------------\n"
         "  %s_vmem u_vmem (\n"
         "    .clk_i   (clk_i),\n"
         "    .we_i    (ld_we),\n"
         "    .waddr_i (ld_idx),\n"
         "    .wdata_i (kv_v_i),\n"
         "    .re_i    (vm_re),\n"
         "    .raddr_i (vm_raddr),\n"
         "    .rdata_o (vm_rdata)\n"
         "  );\n\n"
         "  %s_av u_av (\n"
         "    .clk_i        (clk_i),\n"
         "    .rst_ni       (rst_ni),\n"
         "    .list_valid_i (list_valid),\n"
         "    .list_v_i     (list_v),\n"
         "    .list_s_i     (list_s),\n"
         "    .list_idx_i   (list_idx),\n"
         "    .list_take_o  (list_take),\n",
         ge_pfx(g), ge_pfx(g));
    if (had)
        ge_o(g, "    .etab_we_i    (etab_we),\n"
                "    .etab_addr_i  (etab_addr),\n"
                "    .etab_data_i  (etab_data),\n");
    else
        ge_o(g, "    .exp_mul_i    (exp_mul),\n"
                "    .exp_shift_i  (exp_shift),\n");
    ge_o(g, "    .vm_re_o      (vm_re),\n"
            "    .vm_raddr_o   (vm_raddr),\n"
            "    .vm_rdata_i   (vm_rdata),\n"
            "    .out_valid_o  (av_valid),\n"
            "    .out_ready_i  (av_ready),\n"
            "    .acc_o        (av_acc),\n"
            "    .wsum_o       (av_wsum),\n"
            "    .idle_o       (av_idle)\n"
            "  );\n\n");
    ge_child(g, "vmem", NULL, "u_vmem", 1);
    ge_child(g, "av", NULL, "u_av", 1);
}

void ge_emit_core_topn(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    core_begin(g, had ? "HAD attention core: binarized Q/K scored by XNOR-popcount, top-N selection,\n"
                        "// table softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                        "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM)."
                      : "int8 + top-N attention core: int8 dot-product scores, top-N selection, exp\n"
                        "// softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                        "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM).");
    ge_o(g, "  wire              list_valid, list_take;\n"
            "  wire [N-1:0]      list_v;\n"
            "  wire [N*SW-1:0]   list_s;\n"
            "  wire [N*IW-1:0]   list_idx;\n"
            "  wire [R-1:0]      vm_re;\n"
            "  wire [R*IW-1:0]   vm_raddr;\n"
            "  wire [R*8*D-1:0]  vm_rdata;\n");
    core_front(g, "list_valid", "list_take");
    topn_select(g);
    topn_av(g);
    core_norm(g);
    ge_mod_end(g, 1);
}

/* The baseline's running row maximum and score-memory writes (rtl/src/hg_rowmax.v) and its
   double-buffered score memory. */
static void baseline_scores(gen *g)
{
    const hg_cfg *c = g->c;
    char gs[16];
    snprintf(gs, sizeof gs, "%d", c->g);
    const char *const params[] = {"P", "P", "G", gs, "SW", "SW", NULL};
    static const char *const conns[] = {
        "clk_i",    "clk_i",      "rst_ni",     "rst_ni",    "en_i",      "s_en",      "p2_v_i",
        "p2_v",     "p2_first_i", "p2_first",   "p2_last_i", "p2_last",   "p2_bank_i", "p2_bank",
        "p2_row_i", "p2_row",     "scores_i",   "scores",    "lane_ok_i", "lane_ok",   "sc_take_i",
        "sc_take",  "sc_v_o",     "sc_v",       "sc_bank_o", "sc_bank",   "sc_smax_o", "sc_smax",
        "sm_we_o",  "sm_we",      "sm_waddr_o", "sm_waddr",  NULL};
    ge_o(g, "  // ---- row maximum and score memory ----------------------------------------------\n");
    ge_hand_instance(g, "hg_rowmax", "u_rowmax", params, conns);
    ge_o(g,
         "  %s_smem u_smem (\n"
         "    .clk_i   (clk_i),\n"
         "    .we_i    (sm_we),\n"
         "    .waddr_i (sm_waddr),\n"
         "    .wdata_i (scores),\n"
         "    .re_i    (sm_re),\n"
         "    .raddr_i (sm_raddr),\n"
         "    .rdata_o (sm_rdata)\n"
         "  );\n\n",
         ge_pfx(g));
    ge_child(g, "smem", NULL, "u_smem", 1);
}

/* The baseline's V memory and dense AV unit. */
static void baseline_av(gen *g)
{
    ge_o(g,
         "  // ---- AV and V memory -----------------------------------------------------------\n"
         "  %s_vmem u_vmem (\n"
         "    .clk_i   (clk_i),\n"
         "    .we_i    (ld_we),\n"
         "    .wlane_i (ld_lane),\n"
         "    .wrow_i  (ld_row),\n"
         "    .wdata_i (kv_v_i),\n"
         "    .re_i    (vm_re),\n"
         "    .rrow_i  (vm_raddr),\n"
         "    .rdata_o (vm_rdata)\n"
         "  );\n\n"
         "  %s_av u_av (\n"
         "    .clk_i       (clk_i),\n"
         "    .rst_ni      (rst_ni),\n"
         "    .nkeys_i     (nkeys),\n"
         "    .sc_valid_i  (sc_v),\n"
         "    .sc_bank_i   (sc_bank),\n"
         "    .sc_smax_i   (sc_smax),\n"
         "    .sc_take_o   (sc_take),\n"
         "    .exp_mul_i   (exp_mul),\n"
         "    .exp_shift_i (exp_shift),\n"
         "    .sm_re_o     (sm_re),\n"
         "    .sm_raddr_o  (sm_raddr),\n"
         "    .sm_rdata_i  (sm_rdata),\n"
         "    .vm_re_o     (vm_re),\n"
         "    .vm_raddr_o  (vm_raddr),\n"
         "    .vm_rdata_i  (vm_rdata),\n"
         "    .out_valid_o (av_valid),\n"
         "    .out_ready_i (av_ready),\n"
         "    .acc_o       (av_acc),\n"
         "    .wsum_o      (av_wsum),\n"
         "    .idle_o      (av_idle)\n"
         "  );\n\n",
         ge_pfx(g), ge_pfx(g));
    ge_child(g, "vmem", NULL, "u_vmem", 1);
    ge_child(g, "av", NULL, "u_av", 1);
}

void ge_emit_core_baseline(gen *g)
{
    const hg_cfg *c = g->c;
    core_begin(g, "Standard int8 attention core (baseline): int8 dot-product scores of every key,\n"
                  "// exp softmax over all keys (two passes: the row maximum is found while scoring,\n"
                  "// scores wait in a double-buffered score memory), dense AV, normalization.\n"
                  "// Pipeline: score (ceil(n_k/P) cycles) | AV (ceil(n_k/P)) | norm (CR+CM).");
    ge_o(g,
         "  wire              sc_v, sc_bank, sc_take;\n"
         "  wire [SW-1:0]     sc_smax;\n"
         "  wire              sm_we, sm_re;\n"
         "  wire [%s]       sm_waddr, sm_raddr;\n"
         "  wire [P*SW-1:0]   sm_rdata;\n"
         "  wire              vm_re;\n"
         "  wire [GW-1:0]     vm_raddr;\n"
         "  wire [P*8*D-1:0]  vm_rdata;\n",
         c->g == 1 ? "0:0 " : "GW:0");
    core_front(g, "sc_v", "sc_take");
    baseline_scores(g);
    baseline_av(g);
    core_norm(g);
    ge_mod_end(g, 1);
}
