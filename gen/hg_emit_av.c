/*
 * hg_emit_av.c — the AV units: one output dimension (av_dim) and the AV unit of the top-N
 * cores (the walk over the published list) and of the baseline (the walk over the score bank).
 */
#include "hg_emit_int.h"

#include <stdio.h>
#include <string.h>

/* ---- AV ------------------------------------------------------------------------------- */

void ge_emit_av_dim(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "av_dim", "av", c->d, "hg_av_dim");
    ge_uparam(g, "R", c->r);
    ge_uparam(g, "WW", c->ww);
    ge_uparam(g, "ACCW", c->accw);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "valid_i", 1), ge_in(g, "first_i", 1);
    ge_in(g, "w_i", c->r * c->ww), ge_in(g, "v_i", c->r * 8), ge_out(g, "acc_o", c->accw);
    ge_unit_end(g, 1);
}

/* The D av_dim instances of an AV unit (one per head dimension) on the MAC stage's beat:
   mac_v, mac_first, the weights mac_w and the V rows vm_rdata_i (R slots of D bytes). */
static void av_dims(gen *g)
{
    char use[160];
    ge_o(g,
         "  genvar i, rr;\n"
         "  generate\n"
         "    for (i = 0; i < D; i = i + 1) begin : g_dim\n"
         "      wire [R*8-1:0] v_col;\n"
         "      for (rr = 0; rr < R; rr = rr + 1) begin : g_slot\n"
         "        assign v_col[rr*8 +: 8] = vm_rdata_i[rr*8*D + i*8 +: 8];\n"
         "      end\n"
         "      %s u_dim (\n"
         "        .clk_i   (clk_i),\n"
         "        .en_i    (av_en),\n"
         "        .valid_i (mac_v),\n"
         "        .first_i (mac_first),\n"
         "        .w_i     (mac_w),\n"
         "        .v_i     (v_col),\n"
         "        .acc_o   (acc_o[i*ACCW +: ACCW])\n"
         "      );\n"
         "    end\n"
         "  endgenerate\n\n",
         ge_unit_use(g, "av_dim", use, sizeof use));
    ge_child(g, "av_dim", "g_dim", "u_dim", g->c->d);
}

/* The hand-off stage (rtl/src/hg_av_out.v): weight sum, the result held for the normalizer,
   the AV enable; busy: the signal of the earlier stages still holding a beat. */
static void av_out(gen *g, const char *busy)
{
    static const char *const params[] = {"R", "R", "WW", "WW", "WSW", "WSW", NULL};
    const char *const conns[] = {"clk_i",  "clk_i",       "rst_ni",      "rst_ni",      "mac_v_i",
                                 "mac_v",  "mac_first_i", "mac_first",   "mac_last_i",  "mac_last",
                                 "w_i",    "mac_w",       "busy_i",      busy,          "en_o",
                                 "av_en",  "out_valid_o", "out_valid_o", "out_ready_i", "out_ready_i",
                                 "wsum_o", "wsum_o",      "idle_o",      "idle_o",      NULL};
    ge_hand_instance(g, "hg_av_out", "u_out", params, conns);
}

/* Port list shared by both AV variants: the weight-sum/accumulator hand-off to norm. */
static void av_out_ports(gen *g)
{
    const hg_cfg *c = g->c;
    ge_port(g, "output wire", NULL, 1, "out_valid_o", "acc_o / wsum_o hold a finished query");
    ge_port(g, "input wire", NULL, 1, "out_ready_i", "normalizer takes them");
    ge_port(g, "output wire", "D*ACCW-1:0", c->d * c->accw, "acc_o",
            "accumulators, dim i at [i*ACCW +: ACCW]");
    ge_port(g, "output wire", "WSW-1:0", c->wsw, "wsum_o", "sum of the weights");
    ge_port(g, "output wire", NULL, 1, "idle_o", "nothing in flight");
}

/* The exp units of the AV units without a weight table (int8 cores): `count` instances
   g_exp[er]; unit er takes t[er*(SW+1) +: SW+1] when lookup_v[er] and writes weight er of
   mac_w. */
static void emit_exp_units(gen *g, const char *count, int n)
{
    ge_child(g, "exp_unit", "g_exp", "u_exp", n);
    ge_o(g,
         "  genvar er;\n"
         "  generate\n"
         "    for (er = 0; er < %s; er = er + 1) begin : g_exp\n"
         "      %s_exp_unit u_exp (\n"
         "        .clk_i   (clk_i),\n"
         "        .en_i    (av_en),\n"
         "        .valid_i (lookup_v[er]),\n"
         "        .t_i     (t[er*(SW+1) +: SW+1]),\n"
         "        .mul_i   (exp_mul_i),\n"
         "        .shift_i (exp_shift_i),\n"
         "        .w_o     (mac_w[er*WW +: WW])\n"
         "      );\n"
         "    end\n"
         "  endgenerate\n\n",
         count, ge_pfx(g));
}

/* The parameters and ports of the top-N cores' AV unit. */
static void av_topn_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    ge_lparam(g, "D", c->d, "head dimension");
    ge_lparam(g, "N", c->n, "list entries");
    ge_lparam(g, "R", c->r, "entries per cycle");
    ge_lparam(g, "SW", c->sw, "score width");
    ge_lparam(g, "IW", c->iw, "key index width");
    ge_lparam(g, "WW", c->ww, "weight width");
    ge_lparam(g, "ACCW", c->accw, "accumulator width");
    ge_lparam(g, "WSW", c->wsw, "weight-sum width");
    if (had) ge_lparam(g, "MW", c->mw, "delta width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", NULL, 1, "list_valid_i", "a published top-N list is waiting");
    ge_port(g, "input wire", "N-1:0", c->n, "list_v_i", "entry valid");
    ge_port(g, "input wire", "N*SW-1:0", c->n * c->sw, "list_s_i", "entry scores, best first");
    ge_port(g, "input wire", "N*IW-1:0", c->n * c->iw, "list_idx_i", "entry key indices");
    ge_port(g, "output wire", NULL, 1, "list_take_o", "list fully read (released)");
    if (had) {
        ge_port(g, "input wire", NULL, 1, "etab_we_i", "exp table write");
        ge_port(g, "input wire", "MW-1:0", c->mw, "etab_addr_i", "exp table entry");
        ge_port(g, "input wire", "WW-1:0", c->ww, "etab_data_i", "exp table value");
    } else {
        ge_port(g, "input wire", "15:0", 16, "exp_mul_i", "exp multiplier");
        ge_port(g, "input wire", "5:0", 6, "exp_shift_i", "exp shift");
    }
    ge_port(g, "output wire", "R-1:0", c->r, "vm_re_o", "V memory read enables");
    ge_port(g, "output wire", "R*IW-1:0", c->r * c->iw, "vm_raddr_o", "V memory read addresses");
    ge_port(g, "input wire", "R*8*D-1:0", c->r * 8 * c->d, "vm_rdata_i", "V rows, one cycle later");
    av_out_ports(g);
    ge_ports_end(g);
}

/* AV of the top-N cores: the walk over the published list (rtl/src/hg_av_list.v), the
   weights of the entries read (the exp table, HAD, or R exp units), D av_dim instances and
   the hand-off to the normalizer (rtl/src/hg_av_out.v). */
void ge_emit_av_topn(gen *g)
{
    char use[160];
    int had = g->c->core == HG_CORE_HAD;
    ge_copy_block(g, "hg_av_list.v");
    ge_copy_block(g, "hg_av_out.v");
    ge_mod_begin(g, "av", "av", 1,
                 "AV unit of a top-N core. Walks the published top-N list R entries per cycle:\n"
                 "// cycle 1 reads their V rows and computes their weights, cycle 2 accumulates\n"
                 "// w * v in D av_dim instances and sums the weights. Releases the list after its\n"
                 "// last read; hands (acc, wsum) to the normalizer after the last beat.");
    av_topn_ports(g);
    ge_o(g,
         "  localparam TW = %s;  // width of t = s_max - s\n\n"
         "  wire              av_en;\n"
         "  wire [R-1:0]      lookup_v;\n"
         "  wire [R*TW-1:0]   t;\n"
         "  wire              mac_v, mac_first, mac_last;\n"
         "  wire [R*WW-1:0]   mac_w;\n\n",
         had ? "SW" : "SW + 1");
    const char *const params[] = {"N",  "N",  "R", "R", "SW", "SW", "SIGNED", had ? "0" : "1",
                                  "IW", "IW", NULL};
    static const char *const conns[] = {
        "clk_i",        "clk_i",       "rst_ni",   "rst_ni",   "en_i",       "av_en",       "list_valid_i",
        "list_valid_i", "list_v_i",    "list_v_i", "list_s_i", "list_s_i",   "list_idx_i",  "list_idx_i",
        "list_take_o",  "list_take_o", "vm_re_o",  "vm_re_o",  "vm_raddr_o", "vm_raddr_o",  "lookup_v_o",
        "lookup_v",     "t_o",         "t",        "mac_v_o",  "mac_v",      "mac_first_o", "mac_first",
        "mac_last_o",   "mac_last",    NULL};
    ge_hand_instance(g, "hg_av_list", "u_list", params, conns);
    if (had)
        ge_o(g,
             "  %s u_wlut (\n"
             "    .clk_i   (clk_i),\n"
             "    .we_i    (etab_we_i),\n"
             "    .waddr_i (etab_addr_i),\n"
             "    .wdata_i (etab_data_i),\n"
             "    .en_i    (av_en),\n"
             "    .valid_i (lookup_v),\n"
             "    .delta_i (t),\n"
             "    .w_o     (mac_w)\n"
             "  );\n\n",
             ge_unit_use(g, "wlut", use, sizeof use));
    if (had) ge_child(g, "wlut", NULL, "u_wlut", 1);
    if (!had) emit_exp_units(g, "R", g->c->r);
    av_dims(g);
    av_out(g, "1'b0");
    ge_mod_end(g, 1);
}

/* The parameters and ports of the baseline's AV unit. */
static void av_dense_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int gw = abits(c->g);
    int nkw = hg_clog2(c->l + 1);
    ge_lparam(g, "D", c->d, "head dimension");
    ge_lparam(g, "P", c->p, "keys per cycle");
    ge_lparam(g, "R", c->r, "key slots per cycle (= P)");
    ge_lparam(g, "L", c->l, "most keys");
    ge_lparam(g, "G", c->g, "score rows per bank: ceil(L / P)");
    ge_lparam(g, "SW", c->sw, "score width (signed)");
    ge_lparam(g, "GW", gw, "row address width");
    ge_lparam(g, "NKW", nkw, "key count width");
    ge_lparam(g, "WW", c->ww, "weight width");
    ge_lparam(g, "ACCW", c->accw, "accumulator width");
    ge_lparam(g, "WSW", c->wsw, "weight-sum width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", "NKW-1:0", nkw, "nkeys_i", "keys per query");
    ge_port(g, "input wire", NULL, 1, "sc_valid_i", "a query's scores are complete in bank sc_bank_i");
    ge_port(g, "input wire", NULL, 1, "sc_bank_i", "score memory bank");
    ge_port(g, "input wire", "SW-1:0", c->sw, "sc_smax_i", "maximum score of the query");
    ge_port(g, "output wire", NULL, 1, "sc_take_o", "bank fully read (released)");
    ge_port(g, "input wire", "15:0", 16, "exp_mul_i", "exp multiplier");
    ge_port(g, "input wire", "5:0", 6, "exp_shift_i", "exp shift");
    ge_port(g, "output wire", NULL, 1, "sm_re_o", "score memory read");
    if (c->g == 1)
        ge_port(g, "output wire", NULL, 1, "sm_raddr_o", "score memory row = bank (one row per bank)");
    else
        ge_port(g, "output wire", "GW:0", gw + 1, "sm_raddr_o", "score memory row: bank * G + row");
    ge_port(g, "input wire", "P*SW-1:0", c->p * c->sw, "sm_rdata_i", "P scores, one cycle later");
    ge_port(g, "output wire", NULL, 1, "vm_re_o", "V memory read");
    ge_port(g, "output wire", "GW-1:0", gw, "vm_raddr_o", "V memory row");
    ge_port(g, "input wire", "P*8*D-1:0", c->p * 8 * c->d, "vm_rdata_i", "P V rows, one cycle later");
    av_out_ports(g);
    ge_ports_end(g);
}

/* AV of the baseline: the walk over the score bank, row by row (rtl/src/hg_av_rows.v), P exp
   units, D av_dim instances and the hand-off to the normalizer (rtl/src/hg_av_out.v). */
void ge_emit_av_dense(gen *g)
{
    ge_copy_block(g, "hg_av_rows.v");
    ge_copy_block(g, "hg_av_out.v");
    ge_mod_begin(g, "av", "av", 1,
                 "AV unit of the baseline. For each row of P keys: cycle 1 reads its scores from\n"
                 "// the score memory, cycle 2 computes P weights and reads the P V rows, cycle 3\n"
                 "// accumulates w * v in D av_dim instances. Releases the score bank after the\n"
                 "// last read; hands (acc, wsum) to the normalizer after the last beat.");
    av_dense_ports(g);
    ge_o(g, "  wire              av_en, busy;\n"
            "  wire [P-1:0]      lookup_v;\n"
            "  wire [P*(SW+1)-1:0] t;\n"
            "  wire              mac_v, mac_first, mac_last;\n"
            "  wire [R*WW-1:0]   mac_w;\n\n");
    static const char *const params[] = {"P", "P", "G", "G", "L", "L", "SW", "SW", NULL};
    static const char *const conns[] = {
        "clk_i",      "clk_i",      "rst_ni",     "rst_ni",     "en_i",       "av_en",      "nkeys_i",
        "nkeys_i",    "sc_valid_i", "sc_valid_i", "sc_bank_i",  "sc_bank_i",  "sc_smax_i",  "sc_smax_i",
        "sc_take_o",  "sc_take_o",  "sm_re_o",    "sm_re_o",    "sm_raddr_o", "sm_raddr_o", "sm_rdata_i",
        "sm_rdata_i", "vm_re_o",    "vm_re_o",    "vm_raddr_o", "vm_raddr_o", "lookup_v_o", "lookup_v",
        "t_o",        "t",          "busy_o",     "busy",       "mac_v_o",    "mac_v",      "mac_first_o",
        "mac_first",  "mac_last_o", "mac_last",   NULL};
    ge_hand_instance(g, "hg_av_rows", "u_rows", params, conns);
    emit_exp_units(g, "P", g->c->p);
    av_dims(g);
    av_out(g, "busy");
    ge_mod_end(g, 1);
}
