/*
 * fz_liberty.c — the Liberty reader of hgsynth (synth/src/sy_lib) and what `hgsynth cells`
 * makes of a library: Verilog cell models from the pins' boolean functions and ff / latch
 * groups (sy_cells, sy_bool), and the equivalence testbench.
 *
 * The input is a whole .lib file; as sy_read_file does, a file with a NUL byte is refused.
 * A library that parses has at least one cell, each found by its name; its models and
 * testbench are written to /dev/null.
 */
#include "fz_util.h"
#include "sy_cells.h"
#include "sy_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
    static FILE *f;
    if (!f && !(f = fopen("/dev/null", "w"))) abort();
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0;
    char err[1024];
    sy_lib *lib = sy_lib_parse((const char *)data, size, "fuzz.lib", err, sizeof err);
    if (!lib) return 0;
    int n = sy_lib_ncells(lib);
    if (n < 1) fz_fail("liberty", "a library that parses has no cell");
    const char **names = malloc((size_t)n * sizeof *names);
    if (!names) abort();
    for (int i = 0; i < n; i++) {
        const sy_cell *c = sy_lib_cell(lib, i);
        names[i] = c->name;
        const sy_cell *found = sy_lib_find(lib, c->name);
        if (!found || strcmp(found->name, c->name) != 0)
            fz_fail("liberty", "a cell is not found by its name");
    }
    (void)sy_lib_name(lib);
    if (sy_cells_write(lib, devnull(), err, sizeof err) >= 0)
        sy_cells_write_check_tb(lib, names, n, devnull());
    free(names);
    sy_lib_free(lib);
    return 0;
}
