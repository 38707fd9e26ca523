/* sy_cmd_plan.c — `hgsynth plan`: validates a generated RTL directory and writes what
 * the flow script needs to know about it as shell assignments:
 *   PLAN_TOP, PLAN_CORE, PLAN_CONFIG (run directory name), PLAN_FILES (filelist order),
 *   PLAN_LOGIC (logic modules, dependency order), PLAN_MEMORIES, PLAN_FILE_<module>,
 *   PLAN_BENCH_DEFINES (compile-time defines of synth/bench/hg_capture_tb.v),
 *   PLAN_HGSIM_ARGS (the core options of sim/'s hgsim for the same configuration).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* Writes s single-quoted for the shell. */
static void shq(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", f);
        else fputc(*s, f);
    }
    fputc('\'', f);
}

static int port_width(const sy_mmod *m, const char *name)
{
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, name) == 0) return m->ports[i].width;
    return 0;
}

/* Index of a module's file in the filelist (dependency order), or a large number. */
static int file_rank(const sy_manifest *m, const sy_mmod *mod)
{
    for (int i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i], mod->file) == 0) return i;
    return 1 << 20;
}

static void write_plan(const sy_manifest *m, FILE *f)
{
    fprintf(f, "# written by hgsynth plan from %s/manifest.json\n", m->dir);
    fprintf(f, "PLAN_TOP=");
    shq(f, m->top);
    fprintf(f, "\nPLAN_CORE=");
    shq(f, m->core[0] ? m->core : m->top);
    char *cfg = sy_asprintf("%s-d%d-p%d-n%d-l%d", m->core[0] ? m->core : m->top, (int)m->d,
                            (int)m->lanes, (int)m->top_n, (int)m->max_keys);
    fprintf(f, "\nPLAN_CONFIG=");
    shq(f, cfg);
    free(cfg);
    fprintf(f, "\nPLAN_FILES=");
    sy_buf b = {0};
    for (int i = 0; i < m->nfiles; i++) sy_buf_printf(&b, "%s%s", i ? " " : "", m->files[i]);
    shq(f, b.s ? b.s : "");
    sy_buf_free(&b);
    /* logic modules in filelist (dependency) order */
    int *order = sy_xcalloc((size_t)m->nmods, sizeof *order);
    for (int i = 0; i < m->nmods; i++) order[i] = i;
    for (int i = 1; i < m->nmods; i++)
        for (int j = i; j > 0 && file_rank(m, &m->mods[order[j]]) < file_rank(m, &m->mods[order[j - 1]]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int mem = 0; mem < 2; mem++) {
        fprintf(f, mem ? "\nPLAN_MEMORIES=" : "\nPLAN_LOGIC=");
        for (int i = 0, n = 0; i < m->nmods; i++) {
            const sy_mmod *mod = &m->mods[order[i]];
            if (mod->is_memory != mem) continue;
            sy_buf_printf(&b, "%s%s", n++ ? " " : "", mod->name);
        }
        shq(f, b.s ? b.s : "");
        sy_buf_free(&b);
    }
    free(order);
    fprintf(f, "\n");
    for (int i = 0; i < m->nmods; i++) {
        fprintf(f, "PLAN_FILE_%s=", m->mods[i].name);
        shq(f, m->mods[i].file);
        fprintf(f, "\n");
    }
    const sy_mmod *top = sy_manifest_find(m, m->top);
    int had = strcmp(m->core, "had") == 0;
    fprintf(f, "PLAN_BENCH_DEFINES='-DHGB_TOP=%s -DHGB_KW=%d -DHGB_VW=%d -DHGB_OW=%d -DHGB_D=%d "
               "-DHGB_L=%d -DHGB_HAD=%d -DHGB_WB=%d -DHGB_FRAC=%d'\n",
            m->top, port_width(top, "q_data_i"), port_width(top, "kv_v_i"), port_width(top, "o_data_o"),
            (int)m->d, (int)m->max_keys, had, m->weight_bits > 0 ? (int)m->weight_bits : 15,
            m->exp_frac_bits > 0 ? (int)m->exp_frac_bits : 6);
    fprintf(f, "PLAN_HGSIM_ARGS='--core %s --d %d --lanes %d --top-n %d --max-keys %d", m->core, (int)m->d,
            (int)m->lanes, (int)m->top_n, (int)m->max_keys);
    if (m->weight_bits > 0) fprintf(f, " --weight-bits %d", (int)m->weight_bits);
    if (m->exp_frac_bits > 0) fprintf(f, " --exp-frac-bits %d", (int)m->exp_frac_bits);
    if (m->out_frac >= 0) fprintf(f, " --out-frac %d", (int)m->out_frac);
    if (m->prefix[0]) fprintf(f, " --prefix %s", m->prefix);
    fprintf(f, "'\n");
    fprintf(f, "PLAN_BENCH_OK=%d\n", port_width(top, "q_data_i") > 0 && port_width(top, "kv_v_i") > 0 &&
                                         port_width(top, "o_data_o") > 0 && m->d > 0 && m->max_keys > 0);
}

int sy_cmd_plan(int argc, char **argv)
{
    const char *rtl = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory (manifest.json, filelist.f, *.v)"},
        {"--out", &out, 0, 0, "file to write (default: stdout)"},
    };
    int rc = sy_parse_opts("plan", "validate a generated RTL directory and print the flow plan", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024];
    sy_manifest *m = sy_manifest_read(rtl, err, sizeof err);
    if (!m) {
        fprintf(stderr, "hgsynth plan: %s\n", err);
        return 2;
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "hgsynth plan: cannot write '%s'\n", out);
        sy_manifest_free(m);
        return 2;
    }
    write_plan(m, f);
    if (out) fclose(f);
    sy_manifest_free(m);
    return 0;
}
