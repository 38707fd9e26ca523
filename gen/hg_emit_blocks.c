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

void ge_emit_topn(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "topn", "select", 1, "hg_topn");
    ge_uparam(g, "N", c->n);
    ge_uparam(g, "P", c->p);
    ge_uparam(g, "SW", c->sw);
    ge_uparam(g, "SIGNED", c->core != HG_CORE_HAD);
    ge_uparam(g, "IW", c->iw);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "en_i", 1), ge_in(g, "in_valid_i", 1);
    ge_in(g, "first_i", 1), ge_in(g, "last_i", 1), ge_in(g, "lane_valid_i", c->p);
    ge_in(g, "s_i", c->p * c->sw), ge_in(g, "base_i", c->iw), ge_in(g, "take_i", 1);
    ge_out(g, "out_valid_o", 1), ge_out(g, "out_v_o", c->n), ge_out(g, "out_s_o", c->n * c->sw);
    ge_out(g, "out_idx_o", c->n * c->iw);
    ge_unit_end(g, 1);
}

/* ---- softmax weights ------------------------------------------------------------------- */

void ge_emit_wlut(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "wlut", "softmax", 1, "hg_wlut");
    ge_uparam(g, "D", c->d);
    ge_uparam(g, "WW", c->ww);
    ge_uparam(g, "R", c->r);
    ge_in(g, "clk_i", 1), ge_in(g, "we_i", 1), ge_in(g, "waddr_i", c->mw), ge_in(g, "wdata_i", c->ww);
    ge_in(g, "en_i", 1), ge_in(g, "valid_i", c->r), ge_in(g, "delta_i", c->r * c->mw);
    ge_out(g, "w_o", c->r * c->ww);
    ge_unit_end(g, 1);
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
