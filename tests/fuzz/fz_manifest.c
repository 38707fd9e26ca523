/*
 * fz_manifest.c — the manifest.json readers: the reader of sw/base (hg_manifest_read: the
 * configuration, modules, ports, memories, children, capture flags and filelist.f of a
 * generated RTL directory), as hgsynth loads it (sy_manifest_load: the reader, then every file
 * registered as an input) and as sim's probes writer uses it (hs_probes_write: an accepted
 * manifest gives one whole module, written atomically); hadgen's ownership check
 * (hg_emit_owned) and hadgen --config's reader (hg_cfg_from_manifest: an accepted manifest
 * gives a configuration that validates again).
 *
 * The input is split at its first NUL byte: manifest.json before it, filelist.f after it
 * (no NUL byte: the directory has no filelist.f). Each goes to a scratch RTL directory that
 * also holds module files (those of synth/fixtures/tiny, of a HAD core, m.v). An accepted
 * manifest keeps the reader's promises: names are identifiers, the top is a module, every
 * filelist entry is a module's file, widths and counts are positive.
 */
#include "fz_util.h"
#include "hg_config.h"
#include "hg_emit.h"
#include "hs_probes.h"
#include "sy_manifest.h"
#include "sy_util.h"

#include "hg_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const module_files[] = {"tiny_kmem.v", "tiny_xnor_lane.v", "tiny_mac_lane.v",
                                           "tiny_core.v", "had_xnor_lane.v",  "had_score_array.v",
                                           "had_topn.v",  "had_wlut.v",       "had_av_dim.v",
                                           "had_av.v",    "had_norm.v",       "had_kmem.v",
                                           "had_vmem.v",  "had_core.v",       "m.v",
                                           NULL};

/* The two RTL directories (with and without filelist.f), made once. */
static void setup(void)
{
    static int done;
    char name[128];
    if (done) return;
    for (int d = 0; d < 2; d++) {
        fz_subdir(d ? "list" : "nolist");
        for (int i = 0; module_files[i]; i++) {
            snprintf(name, sizeof name, "%s/%s", d ? "list" : "nolist", module_files[i]);
            fz_scratch(name, "module m; endmodule\n", 20);
        }
    }
    done = 1;
}

static void check(const hg_manifest *m)
{
    if (!sy_is_ident(m->top) || !hg_manifest_find(m, m->top))
        fz_fail("manifest", "the top is not an identifier or not a module");
    for (int i = 0; i < m->nmods; i++) {
        const hg_mmod *mod = &m->mods[i];
        if (!sy_is_ident(mod->name) || !sy_is_filename(mod->file) || mod->instances < 1 || mod->nports < 1 ||
            hg_manifest_find(m, mod->name) != mod)
            fz_fail("manifest", "a module with a bad name, file, count or no port");
        if (mod->is_memory && (mod->words < 1 || mod->width < 1))
            fz_fail("manifest", "a memory without words or width");
        for (int p = 0; p < mod->nports; p++)
            if (!sy_is_ident(mod->ports[p].name) || mod->ports[p].width < 1)
                fz_fail("manifest", "a port with a bad name or width");
        for (int k = 0; k < mod->nchildren; k++)
            if (!hg_manifest_find(m, mod->child_units[k]))
                fz_fail("manifest", "a child that is not a unit of the manifest");
        if (mod->capture < -1 || mod->capture > 1)
            fz_fail("manifest", "a capture flag that is not -1, 0 or 1");
        (void)hg_mmod_ncols(mod);
    }
    for (int i = 0; i < m->nfiles; i++) {
        int known = 0;
        for (int k = 0; k < m->nmods; k++) known |= strcmp(m->files[i], m->mods[k].file) == 0;
        if (!known) fz_fail("manifest", "a filelist entry that is no module's file");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    size_t off[2], len[2];
    int parts = fz_split(data, size, 0, 2, off, len);
    const char *dir = parts == 2 ? "list" : "nolist";
    char name[64], err[1024];
    snprintf(name, sizeof name, "%s/manifest.json", dir);
    const char *mpath = fz_scratch(name, data + off[0], len[0]);
    if (parts == 2) {
        snprintf(name, sizeof name, "%s/filelist.f", dir);
        fz_scratch(name, data + off[1], len[1]);
    }
    (void)hg_emit_owned(mpath);
    hg_cfg c;
    if (hg_cfg_from_manifest(&c, (const char *)data + off[0], len[0], err, sizeof err) == 0) {
        hg_cfg again = c;
        if (hg_cfg_finish(&again, err, sizeof err) != 0 || again.ii != c.ii)
            fz_fail("manifest", "hg_cfg_from_manifest accepted a configuration that does not validate");
    }
    char probes[4200], module[128];
    snprintf(probes, sizeof probes, "%s/probes.v", fz_dir());
    remove(probes);
    if (hs_probes_write(fz_subdir(dir), probes, module, sizeof module, err, sizeof err) == 0) {
        char *text = hg_file_read(probes, 1L << 30, NULL, NULL, 0);
        char head[160];
        snprintf(head, sizeof head, "\nmodule %s;\n", module);
        if (!text || !strstr(text, head) || !strstr(text, "\nendmodule\n"))
            fz_fail("manifest", "hs_probes_write accepted a manifest but wrote no whole module");
        free(text);
    } else if (fopen(probes, "r")) {
        fz_fail("manifest", "hs_probes_write failed but left a file");
    }
    hg_manifest *m = sy_manifest_load(fz_subdir(dir), err, sizeof err);
    if (m) {
        check(m);
        hg_manifest_free(m);
    }
    return 0;
}
