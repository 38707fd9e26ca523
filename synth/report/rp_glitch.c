/*
 * rp_glitch.c — glitch factors (rp_glitch.h).
 */
#include "rp_glitch.h"

#include <math.h>
#include <string.h>

typedef struct {
    cJSON *run[RP_NCORES];
    char path[RP_NCORES][1200];
} runs;

/* One run per core type of a comma list of run directories; the GL_SIM each must (or must
   not, want_timed 0) have been. */
static void read_runs(runs *r, const char *arg, const char *opt, int want_timed)
{
    char dirs[8192];
    if (snprintf(dirs, sizeof dirs, "%s", arg) >= (int)sizeof dirs)
        rp_die("%s '%.64s...': longer than %zu characters", opt, arg, sizeof dirs - 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, opt + 2, d);
        cJSON *j = rp_load_json(path);
        int c = rp_core_index(rp_str(j, "core"));
        const char *sim = rp_str(cJSON_GetObjectItem(j, "activity"), "gate_level_sim");
        const char *bad = c < 0       ? "unknown core type"
                          : r->run[c] ? "a second run of this core type"
                          : (strcmp(sim, "timed") == 0) != want_timed
                              ? (want_timed ? "not a GL_SIM=timed run" : "a GL_SIM=timed run")
                          : !cJSON_IsObject(cJSON_GetObjectItem(j, "blocks")) ? "no blocks"
                                                                              : NULL;
        if (bad) {
            char msg[1400];
            snprintf(msg, sizeof msg, "%s: %.1200s: %s", opt, path, bad);
            cJSON_Delete(j);
            rp_die("%s", msg);
        }
        r->run[c] = j;
        snprintf(r->path[c], sizeof r->path[c], "%s", path);
    }
}

void rp_glitch_read(rp_glitch *g, const char *timed, const char *zero)
{
    memset(g, 0, sizeof *g);
    runs t = {0}, z = {0};
    read_runs(&t, timed, "--glitch-timed", 1);
    read_runs(&z, zero, "--glitch-zero", 0);
    static const char *const same[] = {"params.d",        "params.lanes",    "params.top_n",
                                       "params.max_keys", "activity.cycles", "activity.simulated_instances"};
    for (int c = 0; c < RP_NCORES; c++) {
        if (!t.run[c] != !z.run[c])
            rp_die("--glitch-timed / --glitch-zero: a %s run in one and not the other", RP_CORE_NAME(c));
        if (!t.run[c]) continue;
        for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
            if (!(rp_num(t.run[c], same[k]) == rp_num(z.run[c], same[k])))
                rp_die(
                    "--glitch-timed %s and --glitch-zero %s differ in %s (%g, %g): the two runs must cover "
                    "the same netlists, instances and window",
                    t.path[c], z.path[c], same[k], rp_num(t.run[c], same[k]), rp_num(z.run[c], same[k]));
        g->have[c] = 1;
        g->window_cycles[c] = rp_num(t.run[c], "activity.cycles");
        g->instances[c] = rp_num(t.run[c], "activity.simulated_instances");
        snprintf(g->point, sizeof g->point, "d=%g P=%g N=%g L=%g", rp_num(t.run[c], "params.d"),
                 rp_num(t.run[c], "params.lanes"), rp_num(t.run[c], "params.top_n"),
                 rp_num(t.run[c], "params.max_keys"));
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(t.run[c], "blocks"))
        {
            int k = 0;
            while (k < g->nblocks && strcmp(g->block[k], b->string) != 0) k++;
            if (k == g->nblocks) {
                if (g->nblocks == RP_MAX_BLOCKS) rp_die("--glitch-timed: more than %d blocks", RP_MAX_BLOCKS);
                snprintf(g->block[g->nblocks++], sizeof g->block[0], "%s", b->string);
            }
        }
    }
    for (int c = 0; c < RP_NCORES; c++)
        for (int k = 0; g->have[c] && k < g->nblocks; k++) {
            double pt = rp_block(t.run[c], g->block[k], "power_uw"),
                   pz = rp_block(z.run[c], g->block[k], "power_uw");
            g->f[c][k] = pz > 0 && pt >= 0 ? pt / pz : 1;
        }
    for (int c = 0; c < RP_NCORES; c++) {
        cJSON_Delete(t.run[c]);
        cJSON_Delete(z.run[c]);
    }
}

double rp_glitch_factor(const rp_glitch *g, int c, const char *name)
{
    for (int k = 0; g->have[c] && k < g->nblocks; k++)
        if (strcmp(g->block[k], name) == 0) return g->f[c][k];
    return 1;
}

void rp_glitch_section(FILE *md, cJSON *root, const rp_glitch *g)
{
    int any = 0;
    for (int c = 0; c < RP_NCORES; c++) any |= g->have[c];
    if (!any) return;
    fprintf(md,
            "\n## Glitches: timed / zero-delay power per block\n\nThe same netlists, instances and activity "
            "window (%s; docs/synth.md, \"Glitch-aware power\") simulated at zero delay and under each "
            "module's SDF (GL_SIM=timed): the block power of the timed run over the zero-delay one. Every "
            "point's "
            "energy with glitches applies these factors to its blocks.\n\n| block |",
            g->point);
    for (int c = 0; c < RP_NCORES; c++)
        if (g->have[c]) fprintf(md, " %s |", RP_CORE_NAME(c));
    fprintf(md, "\n|---|");
    for (int c = 0; c < RP_NCORES; c++)
        if (g->have[c]) fprintf(md, "---|");
    fprintf(md, "\n");
    cJSON *jg = cJSON_AddObjectToObject(root, "glitch");
    cJSON_AddStringToObject(jg, "measured_at", g->point);
    for (int c = 0; c < RP_NCORES; c++)
        if (g->have[c]) {
            cJSON *o = cJSON_AddObjectToObject(jg, RP_CORE_NAME(c));
            cJSON_AddNumberToObject(o, "window_cycles", g->window_cycles[c]);
            cJSON_AddNumberToObject(o, "simulated_instances", g->instances[c]);
            cJSON *f = cJSON_AddObjectToObject(o, "factors");
            for (int k = 0; k < g->nblocks; k++) cJSON_AddNumberToObject(f, g->block[k], g->f[c][k]);
        }
    for (int k = 0; k < g->nblocks; k++) {
        fprintf(md, "| %s |", g->block[k]);
        for (int c = 0; c < RP_NCORES; c++)
            if (g->have[c]) fprintf(md, " %.3f |", g->f[c][k]);
        fprintf(md, "\n");
    }
    fprintf(md, "\nWindow and instances per core:");
    for (int c = 0; c < RP_NCORES; c++)
        if (g->have[c])
            fprintf(md, " %s %.0f cycles, %.0f instances;", RP_CORE_NAME(c), g->window_cycles[c],
                    g->instances[c]);
    fprintf(md, "\n");
}
