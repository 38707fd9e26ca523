/* sy_netlist.h — reads a Yosys JSON netlist (write_json) of one synthesized module. */
#ifndef SY_NETLIST_H
#define SY_NETLIST_H

#include <stddef.h>

/* Net bits are Yosys bit numbers (>= 2); constants are negative: */
enum { SY_BIT_0 = -1, SY_BIT_1 = -2, SY_BIT_X = -3, SY_BIT_Z = -4 };

/* Largest net number accepted (2^24 - 1; the largest default netlist uses a few 10^5): it
 * bounds every per-net array of the simulators, and maxbit + 1 never overflows. */
#define SY_MAX_BIT 16777215

typedef struct {
    char *name;
    int dir; /* 0 input, 1 output, 2 inout */
    int nbits;
    int *bits;
} sy_nport;

typedef struct {
    char *name; /* instance name as written by write_verilog (unescaped) */
    char *type; /* cell or module type */
    int nconns;
    sy_nport *conns; /* one per connected port, with its direction */
} sy_ncell;

typedef struct {
    char *name;
    int blackbox;
    int nports;
    sy_nport *ports;
    int ncells;
    sy_ncell *cells;
    int maxbit; /* largest bit number used (-1: none), <= SY_MAX_BIT */
    /* Per bit 0..maxbit: the name of the net it belongs to (NULL: none), from the module's
     * "netnames": of the names that are not hidden, not a renamed internal net (_N_) and
     * are tokens, the one that sorts first. Used to group flip-flops by register. */
    char **bitname;
    /* The wires with a "keep" attribute (the flops' load enables kept for clock gating,
     * sy_enables.h): name and bits, dir unused, in file order. */
    int nkept;
    sy_nport *kept;
} sy_nmod;

typedef struct {
    int nmods;
    sy_nmod *mods;
} sy_netlist;

struct cJSON;
/* A Yosys JSON attribute that is set: a nonzero number, or a string with a nonzero digit
 * (Yosys writes an integer attribute as its 32 bits); 0 for NULL. */
int sy_netlist_attr_set(const struct cJSON *a);

/* Reads a Yosys JSON file. NULL with a message on error. A cell port whose direction
 * is not given (no port_directions, unknown type) is an error naming cell and port, and
 * so is a bit that is not a net number in 0..SY_MAX_BIT or a constant "0"/"1"/"x"/"z", a
 * port, cell type or cell port name that is not an identifier, or a cell name with a space,
 * a '/' or a control character. */
sy_netlist *sy_netlist_read(const char *path, char *err, size_t errlen);
/* Same, from the NUL-terminated text of such a file; path names it in messages. */
sy_netlist *sy_netlist_parse(const char *text, const char *path, char *err, size_t errlen);
void sy_netlist_free(sy_netlist *nl);
const sy_nmod *sy_netlist_find(const sy_netlist *nl, const char *name);

#endif
