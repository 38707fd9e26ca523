/*
 * fz_netlist.c — the Yosys JSON netlist reader of hgsynth (synth/src/sy_netlist), which
 * glgen, gatesim and instances build on.
 *
 * The input is a whole netlist file; as sy_read_file does, a file with a NUL byte is refused.
 * A netlist that is accepted keeps the reader's promises: every module is found by its
 * name, every bit is a net number in 0..SY_MAX_BIT or a constant, maxbit bounds the nets.
 */
#include "fz_util.h"
#include "sy_netlist.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bits(const sy_nport *p, int maxbit)
{
    for (int b = 0; b < p->nbits; b++)
        if (p->bits[b] > maxbit || p->bits[b] < SY_BIT_Z || p->bits[b] > SY_MAX_BIT)
            fz_fail("netlist", "a bit outside 0..maxbit and the constants");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0;
    char *text = fz_strndup(data, size), err[1024];
    sy_netlist *nl = sy_netlist_parse(text, "fuzz.json", err, sizeof err);
    free(text);
    if (!nl) return 0;
    for (int i = 0; i < nl->nmods; i++) {
        const sy_nmod *m = &nl->mods[i];
        if (!sy_netlist_find(nl, m->name) || m->maxbit > SY_MAX_BIT)
            fz_fail("netlist", "a module is not found by its name, or maxbit is too large");
        for (int p = 0; p < m->nports; p++) check_bits(&m->ports[p], m->maxbit);
        for (int c = 0; c < m->ncells; c++)
            for (int k = 0; k < m->cells[c].nconns; k++) {
                check_bits(&m->cells[c].conns[k], m->maxbit);
                if (m->cells[c].conns[k].dir < 0 || m->cells[c].conns[k].dir > 2)
                    fz_fail("netlist", "a cell port without a direction");
            }
    }
    sy_netlist_free(nl);
    return 0;
}
