/*
 * hg_emit_blocks.c — the modules around one hand-written block: score lanes and the score
 * array, the top-N selector, the softmax weights, the normalizer and the memories.
 */
#include "hg_emit_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* ---- score lanes ----------------------------------------------------------------------- */

void ge_emit_xnor_lane(gen *g)
{
    const hg_cfg *c = g->c;
    ge_copy_block(g, "hg_xnor_lane.v");
    ge_mod_begin(g, "xnor_lane", "score", c->p,
                 "One HAD score lane: m = popcount(XNOR(q, k)), the number of positions where\n"
                 "// the query and key signs agree (0..D). The dot product of the signs is 2m - D.\n"
                 "// Registered output; one key per cycle.");
    ge_lparam(g, "D", c->d, "head dimension = bits per key");
    ge_lparam(g, "MW", c->mw, "match-count width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable (hold when low)");
    ge_port(g, "input wire", "D-1:0", c->d, "q_i", "query sign bits (1 = +1)");
    ge_port(g, "input wire", "D-1:0", c->d, "k_i", "key sign bits");
    ge_port(g, "output wire", "MW-1:0", c->mw, "m_o", "matches, valid one cycle later");
    ge_ports_end(g);
    static const char *const params[] = {"D", "D", NULL};
    ge_block_instance(g, "hg_xnor_lane", params);
    ge_mod_end(g, 1);
}

void ge_emit_mac_lane(gen *g)
{
    const hg_cfg *c = g->c;
    ge_copy_block(g, "hg_mac_lane.v");
    ge_mod_begin(g, "mac_lane", "score", c->p,
                 "One int8 score lane: s = sum_i q[i] * k[i] over D signed bytes.\n"
                 "// Registered output; one key per cycle.");
    ge_lparam(g, "D", c->d, "head dimension");
    ge_lparam(g, "SW", c->sw, "score width (signed)");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable (hold when low)");
    ge_port(g, "input wire", "8*D-1:0", 8 * c->d, "q_i", "query, D x int8, element i at [8i+7:8i]");
    ge_port(g, "input wire", "8*D-1:0", 8 * c->d, "k_i", "key, D x int8");
    ge_port(g, "output wire", "SW-1:0", c->sw, "s_o", "dot product (signed), one cycle later");
    ge_ports_end(g);
    static const char *const params[] = {"D", "D", "SW", "SW", NULL};
    ge_block_instance(g, "hg_mac_lane", params);
    ge_mod_end(g, 1);
}

void ge_emit_score_array(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    ge_mod_begin(g, "score_array", "score", 1,
                 "P score lanes side by side: the P keys of one memory row against one query.");
    ge_lparam(g, "P", c->p, "lanes");
    ge_lparam(g, "KW", c->kw, "bits per key / query");
    ge_lparam(g, "SW", c->sw, "score width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    ge_port(g, "input wire", "KW-1:0", c->kw, "q_i", "query");
    ge_port(g, "input wire", "P*KW-1:0", c->p * c->kw, "k_i", "P keys, lane j at [j*KW +: KW]");
    ge_port(g, "output wire", "P*SW-1:0", c->p * c->sw, "s_o", "P scores, one cycle later");
    ge_ports_end(g);
    ge_o(g,
         "  genvar j;\n"
         "  generate\n"
         "    for (j = 0; j < P; j = j + 1) begin : g_lane\n"
         "      %s_%s u_lane (\n"
         "        .clk_i (clk_i),\n"
         "        .en_i  (en_i),\n"
         "        .q_i   (q_i),\n"
         "        .k_i   (k_i[j*KW +: KW]),\n"
         "        .%s   (s_o[j*SW +: SW])\n"
         "      );\n"
         "    end\n"
         "  endgenerate\n",
         ge_pfx(g), had ? "xnor_lane" : "mac_lane", had ? "m_o" : "s_o");
    ge_child(g, had ? "xnor_lane" : "mac_lane", "g_lane", "u_lane", c->p);
    ge_mod_end(g, 0);
}

/* ---- top-N selector -------------------------------------------------------------------- */

void ge_emit_topn(gen *g)
{
    const hg_cfg *c = g->c;
    int sgn = c->core != HG_CORE_HAD;
    ge_copy_block(g, "hg_topn.v");
    ge_mod_begin(g, "topn", "select", 1,
                 "Streaming top-N selector. Holds the N best (score, index) pairs seen so far,\n"
                 "// sorted best first, and merges P candidates per cycle. Order: higher score first;\n"
                 "// equal scores: lower key index first (held entries always have lower indices\n"
                 "// than new candidates, and lane j < lane j' within a group). On the last group\n"
                 "// of a query the merged list is published until the consumer takes it.");
    ge_lparam(g, "N", c->n, "entries kept");
    ge_lparam(g, "P", c->p, "candidates per cycle");
    ge_lparam(g, "SW", c->sw, sgn ? "score width (signed)" : "score width (unsigned)");
    ge_lparam(g, "IW", c->iw, "key index width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    ge_port(g, "input wire", NULL, 1, "in_valid_i", "a group of candidates is presented");
    ge_port(g, "input wire", NULL, 1, "first_i", "first group of a query (list starts empty)");
    ge_port(g, "input wire", NULL, 1, "last_i", "last group of a query (publish the result)");
    ge_port(g, "input wire", "P-1:0", c->p, "lane_valid_i", "candidate j is a real key");
    ge_port(g, "input wire", "P*SW-1:0", c->p * c->sw, "s_i", "candidate scores");
    ge_port(g, "input wire", "IW-1:0", c->iw, "base_i", "key index of lane 0");
    ge_port(g, "input wire", NULL, 1, "take_i", "consumer releases the published list");
    ge_port(g, "output wire", NULL, 1, "out_valid_o", "published list valid");
    ge_port(g, "output wire", "N-1:0", c->n, "out_v_o", "entry valid (a prefix)");
    ge_port(g, "output wire", "N*SW-1:0", c->n * c->sw, "out_s_o", "entry scores, best first");
    ge_port(g, "output wire", "N*IW-1:0", c->n * c->iw, "out_idx_o", "entry key indices");
    ge_ports_end(g);
    const char *const params[] = {"N",  "N",  "P", "P", "SW", "SW", "SIGNED", sgn ? "1" : "0",
                                  "IW", "IW", NULL};
    ge_block_instance(g, "hg_topn", params);
    ge_mod_end(g, 1);
}

/* ---- softmax weights ------------------------------------------------------------------- */

void ge_emit_wlut(gen *g)
{
    const hg_cfg *c = g->c;
    ge_copy_block(g, "hg_wlut.v");
    ge_mod_begin(g, "wlut", "softmax", 1,
                 "HAD softmax weights: a run-time table etab[delta], delta = m_max - m in 0..D,\n"
                 "// holding round(2^WB * exp(S_j - S_max)) for the layer's sigma_Q * sigma_K.\n"
                 "// R lookups per cycle, registered.");
    ge_lparam(g, "D", c->d, "head dimension (table has D + 1 entries)");
    ge_lparam(g, "MW", c->mw, "delta width");
    ge_lparam(g, "WW", c->ww, "weight width");
    ge_lparam(g, "R", c->r, "lookups per cycle");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "we_i", "table write");
    ge_port(g, "input wire", "MW-1:0", c->mw, "waddr_i", "table entry written (0..D)");
    ge_port(g, "input wire", "WW-1:0", c->ww, "wdata_i", "table value");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    ge_port(g, "input wire", "R-1:0", c->r, "valid_i", "lookup r is a real key");
    ge_port(g, "input wire", "R*MW-1:0", c->r * c->mw, "delta_i", "deltas, lookup r at [r*MW +: MW]");
    ge_port(g, "output wire", "R*WW-1:0", c->r * c->ww, "w_o",
            "weights (0 where not valid), one cycle later");
    ge_ports_end(g);
    static const char *const params[] = {"D", "D", "WW", "WW", "R", "R", NULL};
    ge_block_instance(g, "hg_wlut", params);
    ge_mod_end(g, 1);
}

void ge_emit_exp_unit(gen *g, int instances)
{
    const hg_cfg *c = g->c;
    int tw = c->sw + 1;
    ge_copy_block(g, "hg_exp_unit.v");
    ge_mod_begin(g, "exp_unit", "softmax", instances,
                 "int8 softmax weight: w = 2^-(z / 2^FB) in units of 2^-WB, where\n"
                 "// z = (t * exp_mul) >> exp_shift and t = s_max - s >= 0 (docs/spec.md). The integer\n"
                 "// part of z shifts, the FB-bit fraction indexes a constant 2^-f table. Registered.");
    ge_lparam(g, "TW", tw, "width of t = s_max - s");
    ge_lparam(g, "FB", c->fb, "fraction-table index bits");
    ge_lparam(g, "WB", c->wb, "weight fraction bits");
    ge_lparam(g, "WW", c->ww, "weight width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    ge_port(g, "input wire", NULL, 1, "valid_i", "a real key (else the weight is 0)");
    ge_port(g, "input wire", "TW-1:0", tw, "t_i", "s_max - s (non-negative)");
    ge_port(g, "input wire", "15:0", 16, "mul_i", "exp multiplier (run time)");
    ge_port(g, "input wire", "5:0", 6, "shift_i", "exp shift (run time)");
    ge_port(g, "output wire", "WW-1:0", c->ww, "w_o", "weight, one cycle later");
    ge_ports_end(g);
    /* the computed table beside the block: a ROM of round(2^WB * 2^(-f / 2^FB)) */
    ge_o(g, "  // round(2^WB * 2^(-f / 2^FB)), f = 0 .. 2^FB - 1 (hg_exp_frac): the block's table\n"
            "  function [WW-1:0] frac_rom;\n"
            "    input [FB-1:0] f;\n"
            "    case (f)\n");
    for (int f = 0; f < (1 << c->fb); f++)
        ge_o(g, "      %d'd%d: frac_rom = %d'd%u;\n", c->fb, f, c->ww, hg_exp_frac(c, f));
    ge_o(g, "      default: frac_rom = {WW{1'b0}};\n"
            "    endcase\n"
            "  endfunction\n\n"
            "  wire [FB-1:0] frac_addr;\n"
            "  wire [WW-1:0] frac = frac_rom(frac_addr);\n\n");
    static const char *const params[] = {"TW", "TW", "FB", "FB", "WB", "WB", NULL};
    static const char *const table[] = {"frac_addr_o", "frac_addr", "frac_i", "frac", NULL};
    ge_block_instance_with(g, "hg_exp_unit", params, table);
    ge_mod_end(g, 1);
}

/* ---- normalizer ------------------------------------------------------------------------ */

void ge_emit_norm(gen *g)
{
    const hg_cfg *c = g->c;
    ge_copy_block(g, "hg_norm.v");
    ge_mod_begin(g, "norm", "norm", 1,
                 "Softmax normalizer: out[i] = sat(round(acc[i] * recip / 2^(RQ - OF))) with\n"
                 "// recip = floor(2^RQ / wsum) (all ones when wsum = 0). The reciprocal is a\n"
                 "// restoring division, BPC quotient bits per cycle (CR cycles); then MN multipliers\n"
                 "// scale MN dimensions per cycle (CM cycles). Busy CR + CM cycles per query.");
    ge_lparam(g, "D", c->d, "head dimension");
    ge_lparam(g, "ACCW", c->accw, "accumulator width (signed)");
    ge_lparam(g, "WSW", c->wsw, "weight-sum width");
    ge_lparam(g, "RQ", c->rq, "reciprocal exponent");
    ge_lparam(g, "OF", c->of, "output fraction bits");
    ge_lparam(g, "OW", c->ow, "output width (signed)");
    ge_lparam(g, "BPC", c->bpc, "quotient bits per cycle");
    ge_lparam(g, "CR", c->cr, "reciprocal cycles");
    ge_lparam(g, "MN", c->mn, "multipliers");
    ge_lparam(g, "CM", c->cm, "multiply cycles");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    ge_port(g, "input wire", NULL, 1, "in_valid_i", "a query's (acc, wsum) is offered");
    ge_port(g, "output wire", NULL, 1, "in_ready_o", "taken this cycle when valid");
    ge_port(g, "input wire", "D*ACCW-1:0", c->d * c->accw, "acc_i", "accumulators");
    ge_port(g, "input wire", "WSW-1:0", c->wsw, "wsum_i", "weight sum");
    ge_port(g, "output wire", NULL, 1, "o_valid_o", "output vector valid");
    ge_port(g, "input wire", NULL, 1, "o_ready_i", "output taken");
    ge_port(g, "output wire", "D*OW-1:0", c->d * c->ow, "o_data_o", "outputs, dim i at [i*OW +: OW]");
    ge_port(g, "output wire", NULL, 1, "idle_o", "nothing in flight");
    ge_ports_end(g);
    static const char *const params[] = {"D",  "D",  "ACCW", "ACCW", "WSW", "WSW", "RQ",
                                         "RQ", "OF", "OF",   "OW",   "OW",  "BPC", "BPC",
                                         "CR", "CR", "MN",   "MN",   "CM",  "CM",  NULL};
    ge_block_instance(g, "hg_norm", params);
    ge_mod_end(g, 1);
}

/* ---- memories -------------------------------------------------------------------------- */

static void mem_geometry(gen *g, int words, int width, int rports)
{
    if (g->failed) return;
    mod_rec *m = &g->mods[g->nmods - 1];
    m->mem_words = words;
    m->mem_width = width;
    m->mem_rports = rports;
    m->mem_wports = 1;
}

/* LANES banks of WORDS x W: one lane written per cycle, a whole row read per cycle. */
void ge_emit_mem_banked(gen *g, const char *suffix, int width, const char *purpose)
{
    const hg_cfg *c = g->c;
    int lnw = abits(c->p), gw = abits(c->g);
    ge_copy_block(g, "hg_mem_banked.v");
    ge_mod_begin(g, suffix, "memory", 1, purpose);
    mem_geometry(g, c->g, c->p * width, 1);
    ge_lparam(g, "LANES", c->p, "banks (one per score lane)");
    ge_lparam(g, "WORDS", c->g, "rows per bank");
    ge_lparam(g, "W", width, "bits per entry");
    ge_lparam(g, "LNW", lnw, "lane select width");
    ge_lparam(g, "GW", gw, "row address width");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "we_i", "write one entry");
    ge_port(g, "input wire", "LNW-1:0", lnw, "wlane_i", "bank written (key index mod LANES)");
    ge_port(g, "input wire", "GW-1:0", gw, "wrow_i", "row written (key index / LANES)");
    ge_port(g, "input wire", "W-1:0", width, "wdata_i", "entry written");
    ge_port(g, "input wire", NULL, 1, "re_i", "read a row");
    ge_port(g, "input wire", "GW-1:0", gw, "rrow_i", "row read");
    ge_port(g, "output wire", "LANES*W-1:0", c->p * width, "rdata_o", "row read, one cycle later");
    ge_ports_end(g);
    static const char *const params[] = {"LANES", "LANES", "WORDS", "WORDS", "W", "W", NULL};
    ge_block_instance(g, "hg_mem_banked", params);
    ge_mod_end(g, 0);
}

/* WORDS x W with one write port and RP independent read ports. */
void ge_emit_mem_flat(gen *g, const char *suffix, int words, int aw, int width, int rp, const char *purpose)
{
    ge_copy_block(g, "hg_mem_flat.v");
    ge_mod_begin(g, suffix, "memory", 1, purpose);
    mem_geometry(g, words, width, rp);
    ge_lparam(g, "WORDS", words, "entries");
    ge_lparam(g, "W", width, "bits per entry");
    ge_lparam(g, "AW", aw, "address width");
    ge_lparam(g, "RP", rp, "read ports");
    ge_port(g, "input wire", NULL, 1, "clk_i", "clock");
    ge_port(g, "input wire", NULL, 1, "we_i", "write");
    ge_port(g, "input wire", "AW-1:0", aw, "waddr_i", "write address");
    ge_port(g, "input wire", "W-1:0", width, "wdata_i", "write data");
    ge_port(g, "input wire", "RP-1:0", rp, "re_i", "read enables");
    ge_port(g, "input wire", "RP*AW-1:0", rp * aw, "raddr_i", "read addresses, port r at [r*AW +: AW]");
    ge_port(g, "output wire", "RP*W-1:0", rp * width, "rdata_o", "read data, one cycle later");
    ge_ports_end(g);
    static const char *const params[] = {"WORDS", "WORDS", "W", "W", "RP", "RP", NULL};
    ge_block_instance(g, "hg_mem_flat", params);
    ge_mod_end(g, 0);
}
