/*
 * hg_emit_manifest.c — manifest.json (configuration, derived values, blocks, modules with
 * their ports and memory geometry), filelist.f and the FuseSoC core description hadgen.core.
 */
#include "hg_emit.h"
#include "hg_emit_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* ---- manifest and file list ------------------------------------------------------------ */

static void add_int(cJSON *o_, const char *k, int v) { cJSON_AddNumberToObject(o_, k, v); }

/* One {"cell", "unit"} per instance of another unit inside m (a generate loop's instances
   are loop[i].inst). */
static void add_children(gen *g, cJSON *arr, const mod_rec *m)
{
    for (int k = 0; k < m->nkids; k++) {
        const child_rec *kid = &m->kids[k];
        int described = 0;
        for (int i = 0; i < g->nmods; i++) described |= strcmp(g->mods[i].suffix, kid->suffix) == 0;
        if (!described) {
            ge_fail(g, "internal error: unit '%s' has cells of unit '%s', which was not described", m->name,
                    kid->suffix);
            return;
        }
        for (int i = 0; i < kid->count; i++) {
            char cell[64], unit[64];
            if (kid->loop[0])
                snprintf(cell, sizeof cell, "%s[%d].%s", kid->loop, i, kid->inst);
            else
                snprintf(cell, sizeof cell, "%s", kid->inst);
            snprintf(unit, sizeof unit, "%s_%s", ge_pfx(g), kid->suffix);
            cJSON *jc = cJSON_CreateObject();
            cJSON_AddStringToObject(jc, "cell", cell);
            cJSON_AddStringToObject(jc, "unit", unit);
            cJSON_AddItemToArray(arr, jc);
        }
    }
}

static cJSON *manifest_json(gen *g)
{
    const hg_cfg *c = g->c;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "generator", "hadgen");
    cJSON_AddStringToObject(root, "command", g->cmdline);
    cJSON *p = cJSON_AddObjectToObject(root, "params");
    cJSON_AddStringToObject(p, "core", hg_core_name(c->core));
    add_int(p, "d", c->d);
    add_int(p, "lanes", c->p);
    add_int(p, "top_n", c->n);
    add_int(p, "max_keys", c->l);
    add_int(p, "weight_bits", c->wb);
    add_int(p, "exp_frac_bits", c->fb);
    add_int(p, "out_frac", c->of);
    add_int(p, "v_bits", c->vb);
    add_int(p, "load_width", c->lw);
    cJSON_AddStringToObject(p, "selector", hg_sel_name(c->sel));
    cJSON_AddStringToObject(p, "sort_cut", hg_cut_name(c->cut));
    cJSON_AddStringToObject(p, "etab_shadow", c->shadow ? "on" : "off");
    if (c->fan_opt > 0) /* --av-fan: a group size as a number, auto and off as strings */
        add_int(p, "av_fan", c->fan_opt);
    else
        cJSON_AddStringToObject(p, "av_fan", c->fan_opt == HG_AV_FAN_OFF ? "off" : "auto");
    cJSON_AddStringToObject(p, "prefix", c->prefix);
    cJSON *d = cJSON_AddObjectToObject(root, "derived");
    for (const hg_cfg_field *f = hg_cfg_derived; f->name; f++) add_int(d, f->name, hg_cfg_field_value(c, f));
    cJSON_AddStringToObject(root, "top", g->mods[g->nmods - 1].name);
    cJSON *blocks = cJSON_AddArrayToObject(root, "blocks");
    for (int i = 0; i < ge_nblocks; i++) {
        cJSON *jb = cJSON_CreateObject();
        cJSON_AddStringToObject(jb, "name", ge_blocks[i].name);
        cJSON_AddStringToObject(jb, "summary", ge_blocks[i].summary);
        cJSON_AddItemToArray(blocks, jb);
    }
    cJSON *mods = cJSON_AddArrayToObject(root, "modules");
    for (int i = 0; i < g->nmods; i++) {
        const mod_rec *m = &g->mods[i];
        cJSON *jm = cJSON_CreateObject();
        cJSON_AddStringToObject(jm, "name", m->name);
        cJSON_AddStringToObject(jm, "file", m->file);
        cJSON_AddStringToObject(jm, "block", m->block);
        if (m->module[0]) { /* a hand-written block with these parameter values is the unit */
            cJSON_AddStringToObject(jm, "module", m->module);
            cJSON *jp = cJSON_AddObjectToObject(jm, "params");
            for (int k = 0; k < m->nuparams; k++) add_int(jp, m->uparams[k].name, (int)m->uparams[k].value);
        }
        if (m->nkids) /* its cells that are other units, by instance name */
            add_children(g, cJSON_AddArrayToObject(jm, "children"), m);
        if (m->nsources) { /* the hand-written blocks (rtl/src) its body instantiates */
            const char *src[sizeof m->sources / sizeof m->sources[0]];
            for (int k = 0; k < m->nsources; k++) src[k] = m->sources[k];
            cJSON_AddItemToObject(jm, "sources", cJSON_CreateStringArray(src, m->nsources));
        }
        add_int(jm, "instances", m->instances);
        /* the simulation probes (sim/hs_probes.c) capture its ports for the power flow */
        cJSON_AddBoolToObject(jm, "capture", m->capture);
        if (m->mem_words) {
            cJSON *mm = cJSON_AddObjectToObject(jm, "memory");
            add_int(mm, "words", m->mem_words);
            add_int(mm, "width", m->mem_width);
            add_int(mm, "read_ports", m->mem_rports);
            add_int(mm, "write_ports", m->mem_wports);
        }
        cJSON *ps = cJSON_AddArrayToObject(jm, "ports");
        for (int k = 0; k < m->nports; k++) {
            cJSON *jp = cJSON_CreateObject();
            cJSON_AddStringToObject(jp, "name", m->ports[k].name);
            cJSON_AddStringToObject(jp, "dir", m->ports[k].dir);
            add_int(jp, "width", m->ports[k].width);
            cJSON_AddItemToArray(ps, jp);
        }
        cJSON_AddItemToArray(mods, jm);
    }
    return root;
}

static void write_text(gen *g, const char *name, const char *text)
{
    ge_out_begin(g, name);
    ge_o(g, "%s", text);
    ge_out_end(g);
}

/* Writes hadgen.core: a FuseSoC (CAPI2) core description of the folder, so the core drops
   into FuseSoC/Edalize flows. Its VLNV name holds every configuration parameter, so two
   configurations never share a name. Targets: default (the sources and the top) and lint
   (Verilator lint-only through the lint flow). CAPI=2: must be the first line, so the
   do-not-edit header follows it. */
static void emit_fusesoc(gen *g)
{
    const hg_cfg *c = g->c;
    const char *top = g->mods[g->nmods - 1].name;
    ge_out_begin(g, "hadgen.core");
    ge_o(g, "CAPI=2:\n");
    ge_o(g, "# AUTO-GENERATED by hadgen. DO NOT EDIT: changes are lost on regeneration.\n");
    ge_o(g, "# Generated with: %s\n", g->cmdline);
    ge_o(g, "# FuseSoC core description of this folder (docs/usage.md). List it with\n");
    ge_o(g, "#   fusesoc --cores-root <this folder> core list\n");
    ge_o(g, "name: hadgen:cores:%s_d%d_p%d_n%d_l%d_w%d_e%d_o%d:1.0\n", ge_pfx(g), c->d, c->p, c->n, c->l,
         c->wb, c->fb, c->of);
    ge_o(g, "description: \"%s attention core, d=%d, P=%d, N=%d, L=%d (hadgen)\"\n", hg_core_name(c->core),
         c->d, c->p, c->n, c->l);
    ge_o(g, "filesets:\n  rtl:\n    file_type: verilogSource\n    files:\n");
    for (int i = 0; i < g->nfiles; i++) ge_o(g, "      - %s\n", g->files[i]);
    ge_o(g, "targets:\n");
    ge_o(g, "  default:\n    filesets: [rtl]\n    toplevel: %s\n", top);
    ge_o(g,
         "  lint:\n    filesets: [rtl]\n    toplevel: %s\n    flow: lint\n"
         "    flow_options:\n      tool: verilator\n",
         top);
    ge_out_end(g);
}

/* Writes filelist.f, hadgen.core, then manifest.json (renamed into place last: it marks the
   directory as hadgen's). */
void ge_emit_manifest(gen *g)
{
    char list[8192];
    size_t len = (size_t)snprintf(list, sizeof list,
                                  "# AUTO-GENERATED by hadgen (%s): sources in"
                                  " dependency order\n",
                                  g->cmdline);
    for (int i = 0; i < g->nfiles && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\n", g->files[i]);
    write_text(g, "filelist.f", list);
    emit_fusesoc(g);

    cJSON *root = manifest_json(g);
    char *text = root ? cJSON_Print(root) : NULL;
    if (text) {
        ge_out_begin(g, "manifest.json");
        ge_o(g, "%s\n", text);
        ge_out_end(g);
    }
    cJSON_free(text);
    cJSON_Delete(root);
    if (!text && !g->failed) {
        snprintf(g->err, g->errlen, "out of memory");
        g->failed = 1;
    }
}
