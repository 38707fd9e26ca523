/* sy_cells.h — plain Verilog cell models from a Liberty library.
 *
 * The models come from each cell's pin `function` / `three_state` attributes and its ff /
 * latch group, so a gate-level netlist can be simulated by Verilator (which rejects the
 * UDP-based models usually shipped with a library). Cells with constructs we do not model
 * (statetable, buses, ...) are skipped with a comment; instantiating one then fails at
 * elaboration with the cell's name.
 */
#ifndef SY_CELLS_H
#define SY_CELLS_H

#include <stdio.h>

#include "sy_lib.h"

/* Writes one module per supported cell to `out`. Returns the number of models written,
 * or -1 with a message in err when an expression cannot be translated or a cell, pin or
 * state variable name is not a Verilog identifier. */
int sy_cells_write(const sy_lib *lib, FILE *out, char *err, size_t errlen);

/* Writes the equivalence testbench for Icarus: for every cell that has a model and whose
 * name is in ref_names, module `tb_<cell>` drives <cell> and ref_<cell> with the same
 * inputs (all combinations for combinational cells, a random sequence for sequential
 * ones) and prints "PASS <cell> <vectors>" or "FAIL <cell> ..." lines; module
 * `tb_cellcheck` ends the run. A combinational cell of more than 20 inputs is listed as not
 * tested. Returns the number of cells tested. */
int sy_cells_write_check_tb(const sy_lib *lib, const char *const *ref_names, int nref, FILE *out);

#endif
