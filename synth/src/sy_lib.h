/* sy_lib.h — minimal Liberty (.lib) reader: the parts the synthesis flow needs.
 *
 * Reads a Liberty file into a generic group/attribute tree, then exposes the cells with
 * their pins (direction, function, three_state) and their ff / latch groups, which is
 * what the cell-model writer (sy_cells.c) turns into plain Verilog.
 */
#ifndef SY_LIB_H
#define SY_LIB_H

#include <stddef.h>
#include <stdio.h>

typedef struct sy_lib sy_lib;

typedef enum { SY_PIN_INPUT, SY_PIN_OUTPUT, SY_PIN_INOUT, SY_PIN_INTERNAL } sy_pin_dir;

typedef struct {
    const char *name;
    sy_pin_dir dir;
    const char *function;    /* NULL when absent */
    const char *three_state; /* NULL when absent */
    int clock;               /* `clock : true` (a clock input) */
    double cap_pf;           /* input capacitance (library units, pF in osu018); 0 when absent */
} sy_pin;

/* Sequential element of a cell: an ff or a latch group. */
typedef struct {
    int is_latch;
    const char *var1, *var2;       /* state variable names, var2 may be NULL */
    const char *clocked_on;        /* ff: clock expression */
    const char *next_state;        /* ff: data expression */
    const char *enable;            /* latch: enable expression */
    const char *data_in;           /* latch: data expression */
    const char *clear, *preset;    /* may be NULL */
    const char *clear_preset_var1; /* L, H, N, T, X or NULL */
    const char *clear_preset_var2;
} sy_seq;

typedef struct {
    const char *name;
    double area;
    int npins;
    sy_pin *pins;
    int nseq; /* 0 = combinational */
    sy_seq *seq;
    int unsupported; /* statetable or other constructs we do not model */
} sy_cell;

/* Reads and parses `path`. On error returns NULL and writes a message naming the file and
 * line into err (size errlen). */
sy_lib *sy_lib_read(const char *path, char *err, size_t errlen);
/* Same, from the size bytes at text (a file's contents, without NUL bytes); path names it in
 * messages. */
sy_lib *sy_lib_parse(const char *text, size_t size, const char *path, char *err, size_t errlen);
void sy_lib_free(sy_lib *lib);

const char *sy_lib_name(const sy_lib *lib);
int sy_lib_ncells(const sy_lib *lib);
const sy_cell *sy_lib_cell(const sy_lib *lib, int i);
/* Returns the cell called `name`, or NULL. */
const sy_cell *sy_lib_find(const sy_lib *lib, const char *name);

#endif
