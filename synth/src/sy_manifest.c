/* sy_manifest.c — see sy_manifest.h. */
#include "sy_manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sy_io.h"
#include "hg_util.h"
#include "sy_util.h"

/* sy_input_check on dir/f (a file the manifest names); optional: a file that does not exist
   is skipped. */
static int register_input(const char *dir, const char *f, int optional, char *err, size_t errlen)
{
    char *path = sy_asprintf("%s/%s", dir, f);
    struct stat st;
    int rc = optional && stat(path, &st) != 0 && errno == ENOENT ? 0 : sy_input_check(path, err, errlen);
    free(path);
    return rc;
}

hg_manifest *sy_manifest_load(const char *dir, char *err, size_t errlen)
{
    hg_manifest *m = hg_manifest_read(dir, err, errlen);
    int bad = !m || register_input(dir, "manifest.json", 0, err, errlen) != 0 ||
              register_input(dir, "filelist.f", 1, err, errlen) != 0;
    for (int i = 0; !bad && i < m->nmods; i++) {
        bad = register_input(dir, m->mods[i].file, 0, err, errlen) != 0;
        for (int k = 0; !bad && k < m->mods[i].nsources; k++)
            bad = register_input(dir, m->mods[i].sources[k], 0, err, errlen) != 0;
    }
    if (bad) {
        hg_manifest_free(m);
        return NULL;
    }
    return m;
}

unsigned long long sy_manifest_hash(const hg_manifest *m)
{
    return hg_fnv1a(HG_FNV1A_INIT, m->json, m->json_len);
}
