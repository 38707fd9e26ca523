/* sy_cmd_plan.c — `hgsynth plan`: validates a generated RTL directory and writes what
 * the flow script needs to know about it as shell assignments:
 *   PLAN_RTL_DIR, PLAN_MANIFEST_HASH (hg_fnv1a of manifest.json: which RTL a run was
 *   planned from; `hgsynth summary` checks it),
 *   PLAN_TOP, PLAN_CORE, PLAN_CONFIG (run directory name), PLAN_FILES (filelist order),
 *   PLAN_LOGIC (logic modules, dependency order), PLAN_MEMORIES, PLAN_FILE_<module>,
 *   PLAN_BLOCK_<module> (the manifest's block: score, select, ...; synth/equiv.sh),
 *   PLAN_BENCH_DEFINES (compile-time defines of synth/bench/hg_capture_tb.v; the bench's
 *   probes come from sim/'s hsprobes),
 *   PLAN_HGSIM_ARGS (the core options of sim/'s hgsim for the same configuration).
 * The flow sources this file: every value is single-quoted, and every name in it has been
 * checked by hg_manifest_read, so no manifest can make it run a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* Appends s single-quoted for the shell: every byte literal, ' as '\''. */
static void shq(sy_buf *b, const char *s)
{
    sy_buf_printf(b, "'");
    for (; *s; s++) {
        if (*s == '\'')
            sy_buf_printf(b, "'\\''");
        else
            sy_buf_printf(b, "%c", *s);
    }
    sy_buf_printf(b, "'");
}

/* Appends NAME='value'\n. */
static void assign(sy_buf *b, const char *name, const char *value)
{
    sy_buf_printf(b, "%s=", name);
    shq(b, value);
    sy_buf_printf(b, "\n");
}

static int port_width(const hg_mmod *m, const char *name)
{
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, name) == 0) return m->ports[i].width;
    return 0;
}

/* Index of a module's file in the filelist (dependency order), or a large number. */
static int file_rank(const hg_manifest *m, const hg_mmod *mod)
{
    for (int i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i], mod->file) == 0) return i;
    return 1 << 20;
}

/* How the flow's Yosys scripts build unit `mod` (synth/scripts/unit.tcl): the Verilog module
 * (PLAN_MODULE_<m>), its parameter values as a Tcl list of name value pairs (PLAN_PARAMS_<m>)
 * and its cells that are other units as a Tcl list of quadruples: cell, unit, the unit's
 * module and its parameter names, which the netlist's instance drops (PLAN_CHILDREN_<m>); its
 * ports as name, direction, width triples (PLAN_PORTS_<m>). */
static void write_unit(const hg_manifest *m, const hg_mmod *mod, sy_buf *out)
{
    sy_buf b = {0};
    char *name = sy_asprintf("PLAN_MODULE_%s", mod->name);
    assign(out, name, mod->module);
    free(name);
    for (int k = 0; k < mod->nparams; k++)
        sy_buf_printf(&b, "%s%s %ld", k ? " " : "", mod->param_names[k], mod->param_values[k]);
    name = sy_asprintf("PLAN_PARAMS_%s", mod->name);
    assign(out, name, b.s ? b.s : "");
    free(name);
    sy_buf_free(&b);
    for (int k = 0; k < mod->nchildren; k++) {
        const hg_mmod *kid = hg_manifest_find(m, mod->child_units[k]);
        sy_buf_printf(&b, "%s%s %s %s {", k ? " " : "", mod->child_cells[k], kid->name, kid->module);
        for (int j = 0; j < kid->nparams; j++) sy_buf_printf(&b, "%s%s", j ? " " : "", kid->param_names[j]);
        sy_buf_printf(&b, "}");
    }
    name = sy_asprintf("PLAN_CHILDREN_%s", mod->name);
    assign(out, name, b.s ? b.s : "");
    free(name);
    sy_buf_free(&b);
    for (int k = 0; k < mod->nports; k++)
        sy_buf_printf(&b, "%s%s %s %d", k ? " " : "", mod->ports[k].name,
                      mod->ports[k].dir == HG_DIR_IN    ? "input"
                      : mod->ports[k].dir == HG_DIR_OUT ? "output"
                                                        : "inout",
                      mod->ports[k].width);
    name = sy_asprintf("PLAN_PORTS_%s", mod->name);
    assign(out, name, b.s ? b.s : "");
    free(name);
    sy_buf_free(&b);
}

/* The plan as shell assignments. Every value is single-quoted; the names in it were
 * checked by hg_manifest_read (identifiers, plain file names), so they are safe as words
 * of the flow script too. */
static void write_plan(const hg_manifest *m, sy_buf *out)
{
    const char *core = m->core[0] ? m->core : m->top;
    sy_buf_printf(out, "# written by hgsynth plan from the manifest.json of PLAN_RTL_DIR\n");
    assign(out, "PLAN_RTL_DIR", m->dir);
    char *v = sy_asprintf("%016llx", sy_manifest_hash(m));
    assign(out, "PLAN_MANIFEST_HASH", v);
    free(v);
    assign(out, "PLAN_TOP", m->top);
    assign(out, "PLAN_CORE", core);
    v = sy_asprintf("%s-d%d-p%d-n%d-l%d", core, (int)m->d, (int)m->lanes, (int)m->top_n, (int)m->max_keys);
    assign(out, "PLAN_CONFIG", v);
    free(v);
    sy_buf b = {0};
    for (int i = 0; i < m->nfiles; i++) sy_buf_printf(&b, "%s%s", i ? " " : "", m->files[i]);
    assign(out, "PLAN_FILES", b.s ? b.s : "");
    sy_buf_free(&b);
    /* logic modules in filelist (dependency) order */
    int *order = sy_xcalloc((size_t)m->nmods, sizeof *order);
    for (int i = 0; i < m->nmods; i++) order[i] = i;
    for (int i = 1; i < m->nmods; i++)
        for (int j = i; j > 0 && file_rank(m, &m->mods[order[j]]) < file_rank(m, &m->mods[order[j - 1]]);
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int mem = 0; mem < 2; mem++) {
        for (int i = 0, n = 0; i < m->nmods; i++) {
            const hg_mmod *mod = &m->mods[order[i]];
            if (mod->is_memory != mem) continue;
            sy_buf_printf(&b, "%s%s", n++ ? " " : "", mod->name);
        }
        assign(out, mem ? "PLAN_MEMORIES" : "PLAN_LOGIC", b.s ? b.s : "");
        sy_buf_free(&b);
    }
    free(order);
    for (int i = 0; i < m->nmods; i++) {
        /* the module's own files: its hand-written block sources, then its file */
        char *name = sy_asprintf("PLAN_FILE_%s", m->mods[i].name);
        for (int k = 0; k < m->mods[i].nsources; k++) sy_buf_printf(&b, "%s ", m->mods[i].sources[k]);
        sy_buf_printf(&b, "%s", m->mods[i].file);
        assign(out, name, b.s);
        sy_buf_free(&b);
        free(name);
        name = sy_asprintf("PLAN_BLOCK_%s", m->mods[i].name);
        assign(out, name, m->mods[i].block);
        free(name);
        write_unit(m, &m->mods[i], out);
    }
    const hg_mmod *top = hg_manifest_find(m, m->top);
    int had = strcmp(m->core, "had") == 0, lw = (int)m->load_width;
    sy_buf_printf(
        &b,
        "-DHGB_TOP=%s -DHGB_KW=%d -DHGB_LW=%d -DHGB_VW=%d -DHGB_OW=%d -DHGB_D=%d -DHGB_L=%d -DHGB_HAD=%d "
        "-DHGB_WB=%d -DHGB_FRAC=%d",
        m->top, port_width(top, "q_data_i"), lw, port_width(top, "kv_v_i") / lw, port_width(top, "o_data_o"),
        (int)m->d, (int)m->max_keys, had, m->weight_bits > 0 ? (int)m->weight_bits : 15,
        m->exp_frac_bits > 0 ? (int)m->exp_frac_bits : 6);
    assign(out, "PLAN_BENCH_DEFINES", b.s);
    sy_buf_free(&b);
    sy_buf_printf(&b, "--core %s --d %d --lanes %d --top-n %d --max-keys %d", m->core, (int)m->d,
                  (int)m->lanes, (int)m->top_n, (int)m->max_keys);
    if (m->weight_bits > 0) sy_buf_printf(&b, " --weight-bits %d", (int)m->weight_bits);
    if (m->exp_frac_bits > 0) sy_buf_printf(&b, " --exp-frac-bits %d", (int)m->exp_frac_bits);
    if (m->out_frac >= 0) sy_buf_printf(&b, " --out-frac %d", (int)m->out_frac);
    if (m->v_bits != 8) sy_buf_printf(&b, " --v-bits %d", (int)m->v_bits);
    if (lw != 1) sy_buf_printf(&b, " --load-width %d", lw);
    if (m->selector[0]) sy_buf_printf(&b, " --selector %s", m->selector);
    if (m->sort_cut[0]) sy_buf_printf(&b, " --sort-cut %s", m->sort_cut);
    if (m->etab_shadow) sy_buf_printf(&b, " --etab-shadow on");
    if (strcmp(m->av_fan, "auto") != 0) sy_buf_printf(&b, " --av-fan %s", m->av_fan);
    if (m->prefix[0]) sy_buf_printf(&b, " --prefix %s", m->prefix);
    assign(out, "PLAN_HGSIM_ARGS", b.s);
    sy_buf_free(&b);
    assign(out, "PLAN_BENCH_OK",
           port_width(top, "q_data_i") > 0 && port_width(top, "kv_v_i") > 0 &&
                   port_width(top, "o_data_o") > 0 && m->d > 0 && m->max_keys > 0
               ? "1"
               : "0");
}

int sy_cmd_plan(int argc, char **argv)
{
    const char *rtl = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory (manifest.json, filelist.f, *.v)"},
        {"--out", &out, 0, 0, "file to write (default: stdout)"},
    };
    int rc = sy_parse_opts("plan", "validate a generated RTL directory and print the flow plan", argc, argv,
                           opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024];
    hg_manifest *m = sy_manifest_load(rtl, err, sizeof err);
    if (!m) {
        fprintf(stderr, "hgsynth plan: %s\n", err);
        return 2;
    }
    sy_buf text = {0};
    write_plan(m, &text);
    hg_manifest_free(m);
    rc = 0;
    if (!out) {
        fputs(text.s, stdout);
    } else {
        sy_out o;
        rc = sy_out_open(&o, out, err, sizeof err) != 0;
        if (!rc) {
            fputs(text.s, o.f);
            rc = sy_out_commit(&o, err, sizeof err) != 0;
        }
        if (rc) {
            fprintf(stderr, "hgsynth plan: %s\n", err);
            rc = 2;
        }
    }
    sy_buf_free(&text);
    return rc;
}
