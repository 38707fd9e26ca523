/* sy_cmd_instances.c — `hgsynth instances`: every logic-module instance of the design,
 * found by walking the synthesized netlists from the top, matched with its activity
 * capture, and the subset simulated at gate level (all, or an evenly spaced sample).
 *
 * Output, one line per instance:  MODULE SIMULATE(0|1) CELLS CAPTURE_BASE
 * where CAPTURE_BASE is the capture path without ".hex" (the %m name of the instance).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sy_cmd.h"
#include "sy_glmodel.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_netlist.h"
#include "sy_util.h"

typedef struct {
    const hg_mmod *mod;
    char *path;     /* relative to the top, "" for the top */
    int leaf_cells; /* library cells of the module */
} inst;

typedef struct {
    const hg_manifest *man;
    sy_netlist **nls; /* per manifest module, NULL for memories */
    inst *v;
    int n, cap;
} walk;

static const sy_nmod *nmod_of(const walk *w, const hg_mmod *mm)
{
    int i = (int)(mm - w->man->mods);
    return w->nls[i] ? sy_netlist_find(w->nls[i], mm->name) : NULL;
}

static int count_leaves(const walk *w, const sy_nmod *nm)
{
    int n = 0;
    for (int i = 0; i < nm->ncells; i++) n += hg_manifest_find(w->man, nm->cells[i].type) == NULL;
    return n;
}

/* Adds the instance at path and, below it, those of its logic submodules. -1 with err if
 * the hierarchy is deeper than SY_MAX_DEPTH (a module that contains itself). */
static int visit(walk *w, const hg_mmod *mm, const char *path, int depth, char *err, size_t errlen)
{
    if (depth > SY_MAX_DEPTH) {
        snprintf(err, errlen, "more than %d levels of logic instances at %s (a module that contains itself?)",
                 SY_MAX_DEPTH, path);
        return -1;
    }
    const sy_nmod *nm = nmod_of(w, mm);
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->v = sy_xrealloc(w->v, (size_t)w->cap * sizeof *w->v);
    }
    w->v[w->n++] = (inst){mm, sy_strdup(path), nm ? count_leaves(w, nm) : 0};
    if (!nm) return 0;
    for (int i = 0; i < nm->ncells; i++) {
        const hg_mmod *cm = hg_manifest_find(w->man, nm->cells[i].type);
        if (!cm || cm->is_memory) continue;
        char *p = path[0] ? sy_asprintf("%s.%s", path, nm->cells[i].name) : sy_strdup(nm->cells[i].name);
        int rc = visit(w, cm, p, depth + 1, err, errlen);
        free(p);
        if (rc) return -1;
    }
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Finds the capture name of the top instance: the stem S of a .hex file in dir such that
 * S.<child>.hex exists for the first child instance. */
static char *find_prefix(const char *dir, const walk *w, char *err, size_t errlen)
{
    const char *child = w->n > 1 ? w->v[1].path : NULL;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "capture directory '%s' cannot be read", dir);
        return NULL;
    }
    char *found = NULL;
    int nhex = 0, nfound = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".hex") != 0) continue;
        nhex++;
        char *stem = sy_strndup(e->d_name, len - 4);
        char *probe = child ? sy_asprintf("%s/%s.%s.hex", dir, stem, child) : NULL;
        if (!child || exists(probe)) {
            nfound++;
            free(found);
            found = stem;
            stem = NULL;
        }
        free(probe);
        free(stem);
    }
    closedir(d);
    if (nhex == 0)
        snprintf(err, errlen, "no captures (*.hex) in '%s'", dir);
    else if (nfound != 1)
        snprintf(err, errlen,
                 "cannot tell the top instance's capture in '%s' (%d candidates); set CAPTURE_PREFIX", dir,
                 nfound);
    if (nhex == 0 || nfound != 1) {
        free(found);
        return NULL;
    }
    return found;
}

/* Reads the netlist of every logic module of w->man from nldir/<module>.json: 0, or 2 with
   a message. */
static int read_netlists(walk *w, const char *nldir)
{
    char err[1024];
    int rc = 0;
    for (int i = 0; i < w->man->nmods && !rc; i++) {
        if (w->man->mods[i].is_memory) continue;
        char *p = sy_asprintf("%s/%s.json", nldir, w->man->mods[i].name);
        w->nls[i] = sy_netlist_read(p, err, sizeof err);
        if (!w->nls[i]) {
            fprintf(stderr, "hgsynth instances: %s\n", err);
            rc = 2;
        }
        free(p);
    }
    return rc;
}

/* Whether the k-th of count instances of a module is simulated when at most sample are
   (0: all): evenly spaced, instance k is taken when it is the nearest to
   j (count - 1) / (sample - 1) for some j. */
static int sampled(long sample, int count, int k)
{
    if (sample <= 0 || count <= sample) return 1;
    for (long j = 0; j < sample; j++) {
        long pick = sample == 1 ? 0 : (j * (count - 1) + (sample - 1) / 2) / (sample - 1);
        if (pick == k) return 1;
    }
    return 0;
}

/* Writes the instance list to f: a line "module simulated leaf_cells capture-base" per
   logic instance, module by module in manifest order. 0, or 2 when a simulated instance has
   no capture in caps (named pfx.<path>.hex). */
static int write_instances(FILE *f, const walk *w, const char *caps, const char *pfx, long sample)
{
    char err[1024];
    int rc = 0;
    for (int mi = 0; !rc && mi < w->man->nmods; mi++) {
        const hg_mmod *mm = &w->man->mods[mi];
        if (mm->is_memory) continue;
        int count = 0, k = 0;
        for (int i = 0; i < w->n; i++) count += w->v[i].mod == mm;
        if (count != mm->instances)
            fprintf(stderr,
                    "hgsynth instances: warning: %s: %d instances in the netlists, manifest says %d\n",
                    mm->name, count, mm->instances);
        for (int i = 0; i < w->n; i++) {
            if (w->v[i].mod != mm) continue;
            int sim = w->v[i].leaf_cells > 0 && sampled(sample, count, k);
            char *base = w->v[i].path[0] ? sy_asprintf("%s/%s.%s", caps, pfx, w->v[i].path)
                                         : sy_asprintf("%s/%s", caps, pfx);
            char *hex = sy_asprintf("%s.hex", base);
            if (sim && sy_input_check(hex, err, sizeof err) != 0) {
                fprintf(stderr, "hgsynth instances: no capture for instance %s of %s: %s\n",
                        w->v[i].path[0] ? w->v[i].path : "(top)", mm->name, err);
                rc = 2;
            }
            fprintf(f, "%s %d %d %s\n", mm->name, sim, w->v[i].leaf_cells, base);
            free(base);
            free(hex);
            k++;
        }
    }
    return rc;
}

int sy_cmd_instances(int argc, char **argv)
{
    const char *rtl = NULL, *nldir = NULL, *caps = NULL, *sample_s = "0", *prefix = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory"},
        {"--netlists", &nldir, 1, 0, "directory of <module>.json netlists"},
        {"--captures", &caps, 1, 0, "directory of <instance>.hex captures"},
        {"--sample", &sample_s, 0, 0, "simulate at most N instances per module (0 = all)"},
        {"--prefix", &prefix, 0, 0, "capture name of the top instance (default: found)"},
        {"--out", &out, 1, 0, "instance list to write"},
    };
    int rc = sy_parse_opts("instances", "list the logic instances, their captures and the simulated sample",
                           argc, argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    long sample;
    if (sy_opt_long("instances", "--sample", sample_s, 0, 1000000, &sample) != 0) return 2;
    if (prefix && !sy_is_token(prefix)) {
        fprintf(stderr,
                "hgsynth instances: --prefix '%s': must be a capture name (printable, no space or '/')\n",
                prefix);
        return 2;
    }
    char err[1024];
    if (sy_dir_check(caps, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth instances: --captures: %s\n", err);
        return 2;
    }
    hg_manifest *man = sy_manifest_load(rtl, err, sizeof err);
    if (!man) {
        fprintf(stderr, "hgsynth instances: %s\n", err);
        return 2;
    }
    walk w = {.man = man, .nls = sy_xcalloc((size_t)man->nmods, sizeof(sy_netlist *))};
    rc = read_netlists(&w, nldir);
    char *pfx = NULL;
    if (!rc && visit(&w, hg_manifest_find(man, man->top), "", 0, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth instances: %s\n", err);
        rc = 2;
    }
    if (!rc) {
        pfx = prefix ? sy_strdup(prefix) : find_prefix(caps, &w, err, sizeof err);
        if (!pfx) {
            fprintf(stderr, "hgsynth instances: %s\n", err);
            rc = 2;
        }
    }
    sy_out o = {0};
    if (!rc && sy_out_open(&o, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth instances: %s\n", err);
        rc = 2;
    }
    FILE *f = o.f;
    if (!rc) rc = write_instances(f, &w, caps, pfx, sample);
    if (f && !rc && sy_out_commit(&o, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth instances: %s\n", err);
        rc = 2;
    }
    if (rc) sy_out_abort(&o);
    for (int i = 0; i < w.n; i++) free(w.v[i].path);
    free(w.v);
    for (int i = 0; i < man->nmods; i++) sy_netlist_free(w.nls[i]);
    free(w.nls);
    free(pfx);
    hg_manifest_free(man);
    return rc;
}
