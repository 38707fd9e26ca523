/* sy_list.h — the instance list that `hgsynth instances` writes and `hgsynth gatesim` and
 * `hgsynth summary` read: one line per logic instance,
 *     MODULE SIMULATE CELLS CAPTURE_BASE
 * MODULE a logic module of the manifest, SIMULATE 0 or 1, CELLS its library cells (an
 * integer >= 0), CAPTURE_BASE the capture path without ".hex" (the rest of the line; its
 * last component, the instance's capture name, has no space or control character).
 */
#ifndef SY_LIST_H
#define SY_LIST_H

#include <stddef.h>

#include "hg_manifest.h"

typedef struct {
    const hg_mmod *mod;
    int simulate;
    long cells;
    char *base;       /* capture path without .hex */
    const char *name; /* last component of base */
} sy_inst;

typedef struct {
    int n;
    sy_inst *v;
} sy_list;

/* Reads the list at path against the manifest. Every line must be well formed: on the
 * first one that is not, returns -1 with a message naming the file, the line and what is
 * wrong (and l holds nothing). 0 on success. */
int sy_list_read(const char *path, const hg_manifest *man, sy_list *l, char *err, size_t errlen);
void sy_list_free(sy_list *l);

#endif
