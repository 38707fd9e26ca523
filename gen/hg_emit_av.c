/*
 * hg_emit_av.c — the AV units, hand-written blocks with this configuration's parameters: one
 * output dimension (rtl/src/hg_av_dim.v), the AV unit of the top-N cores (hg_av_topn.v: the
 * walk over the published list) and of the baseline (hg_av_dense.v: the walk over the score
 * bank), and where d > HG_AV_FAN the buffer stage of each group of dimensions (hg_fanout.v).
 */
#include "hg_emit_int.h"

void ge_emit_av_dim(gen *g)
{
    const hg_cfg *c = g->c;
    ge_unit_begin(g, "av_dim", "av", c->d, "hg_av_dim");
    ge_uparam(g, "R", c->r);
    ge_uparam(g, "WW", c->ww);
    ge_uparam(g, "VB", c->vb);
    ge_uparam(g, "ACCW", c->accw);
    ge_in(g, "clk_i", 1), ge_in(g, "en_i", 1), ge_in(g, "valid_i", 1), ge_in(g, "first_i", 1);
    ge_in(g, "w_i", c->r * c->ww), ge_in(g, "v_i", c->r * c->vb), ge_out(g, "acc_o", c->accw);
    ge_unit_end(g, 1);
}

/* Groups of dimensions behind a buffer stage each (c->fan dimensions; none when c->fan is 0). */
static int av_fan_groups(const hg_cfg *c) { return c->fan ? (c->d + c->fan - 1) / c->fan : 1; }

/* The buffer stage of one group of dimensions: the signals every av_dim takes, {en, valid,
   first, w} (rtl/src/hg_av_mac.v). */
void ge_emit_av_fan(gen *g)
{
    const hg_cfg *c = g->c;
    int w = c->r * c->ww + 3;
    ge_unit_begin(g, "av_fan", "av", av_fan_groups(c), "hg_fanout");
    ge_uparam(g, "W", w);
    ge_in(g, "a_i", w), ge_out(g, "y_o", w);
    ge_unit_end(g, 1);
}

/* The AV unit's parameter FAN and its buffer stages as children, where there are any. */
static void av_fan_child(gen *g)
{
    const hg_cfg *c = g->c;
    if (c->fan) ge_child(g, "av_fan", "u_mac.g_fan.g_grp", "u_fan", av_fan_groups(c));
}

/* The hand-off to the normalizer, the ports both AV units end with. */
static void av_out_ports(gen *g)
{
    const hg_cfg *c = g->c;
    ge_out(g, "out_valid_o", 1), ge_in(g, "out_ready_i", 1), ge_out(g, "acc_o", c->d * c->accw);
    ge_out(g, "wsum_o", c->wsw), ge_out(g, "idle_o", 1);
}

/* AV of the top-N cores (rtl/src/hg_av_topn.v): the list walk and the multiply-accumulate
   stage (hg_av_mac and its hand-off) are flattened into it; the weight table (HAD) or the R
   exp units and the D av_dim are units. */
void ge_emit_av_topn(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    ge_copy_block(g, "hg_av_list.v");
    ge_copy_block(g, "hg_av_mac.v");
    ge_unit_begin(g, "av", "av", 1, "hg_av_topn");
    ge_usource(g, "hg_av_list.v");
    ge_usource(g, "hg_av_mac.v");
    const struct {
        const char *name;
        int value;
    } params[] = {{"D", c->d},   {"N", c->n},   {"R", c->r},       {"SW", c->sw},
                  {"IW", c->iw}, {"HAD", had},  {"WB", c->wb},     {"E", c->ew},
                  {"FB", c->fb}, {"VB", c->vb}, {"ACCW", c->accw}, {"WSW", c->wsw}};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        ge_uparam(g, params[i].name, params[i].value);
    if (c->shadow) ge_uparam(g, "SHADOW", 1);
    if (c->fan) ge_uparam(g, "FAN", c->fan);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "list_valid_i", 1), ge_in(g, "list_v_i", c->n);
    ge_in(g, "list_s_i", c->n * c->sw), ge_in(g, "list_idx_i", c->n * c->iw), ge_in(g, "list_smax_i", c->sw);
    ge_out(g, "list_take_o", 1);
    ge_in(g, "etab_we_i", 1), ge_in(g, "etab_addr_i", c->xw), ge_in(g, "etab_data_i", c->ew * c->ww);
    ge_in(g, "exp_mul_i", 16), ge_in(g, "exp_shift_i", 6);
    ge_out(g, "vm_re_o", c->r), ge_out(g, "vm_raddr_o", c->r * c->iw), ge_in(g, "vm_rdata_i", c->r * c->vw);
    av_out_ports(g);
    if (had)
        ge_child(g, "wlut", NULL, "g_tab.u_wlut", 1);
    else
        ge_child(g, "exp_unit", "g_exp.g_unit", "u_exp", c->r);
    ge_child(g, "av_dim", "u_mac.g_dim", "u_dim", c->d);
    av_fan_child(g);
    ge_unit_end(g, 1);
}

/* AV of the baseline (rtl/src/hg_av_dense.v): the row walk and the multiply-accumulate stage
   are flattened into it; the P exp units and the D av_dim are units. */
void ge_emit_av_dense(gen *g)
{
    const hg_cfg *c = g->c;
    int gw = abits(c->g);
    ge_copy_block(g, "hg_av_rows.v");
    ge_copy_block(g, "hg_av_mac.v");
    ge_unit_begin(g, "av", "av", 1, "hg_av_dense");
    ge_usource(g, "hg_av_rows.v");
    ge_usource(g, "hg_av_mac.v");
    const struct {
        const char *name;
        int value;
    } params[] = {{"D", c->d},   {"P", c->p},   {"L", c->l},   {"G", c->g},       {"SW", c->sw},
                  {"WB", c->wb}, {"FB", c->fb}, {"VB", c->vb}, {"ACCW", c->accw}, {"WSW", c->wsw}};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        ge_uparam(g, params[i].name, params[i].value);
    if (c->fan) ge_uparam(g, "FAN", c->fan);
    ge_in(g, "clk_i", 1), ge_in(g, "rst_ni", 1), ge_in(g, "nkeys_i", hg_clog2(c->l + 1));
    ge_in(g, "sc_valid_i", 1), ge_in(g, "sc_bank_i", 1), ge_in(g, "sc_smax_i", c->sw),
        ge_out(g, "sc_take_o", 1);
    ge_in(g, "exp_mul_i", 16), ge_in(g, "exp_shift_i", 6);
    ge_out(g, "sm_re_o", 1), ge_out(g, "sm_raddr_o", c->g == 1 ? 1 : gw + 1),
        ge_in(g, "sm_rdata_i", c->p * c->sw);
    ge_out(g, "vm_re_o", 1), ge_out(g, "vm_raddr_o", gw), ge_in(g, "vm_rdata_i", c->p * c->vw);
    av_out_ports(g);
    ge_child(g, "exp_unit", "g_exp", "u_exp", c->p);
    ge_child(g, "av_dim", "u_mac.g_dim", "u_dim", c->d);
    av_fan_child(g);
    ge_unit_end(g, 1);
}
