/*
 * hx_sim.h — a second simulator: Icarus Verilog runs a generated core on the same vectors
 * as sim/'s Verilator model (hs_sim.h), driven by sim/hx_tb.v cycle for cycle as hs_sim.c
 * drives Verilator, so that outputs and cycle counts can be compared bit for bit (hgxsim,
 * make xsim, tests/test_xsim.cc).
 *
 * Icarus is a separate program: hx_open compiles the core with the bench (iverilog) into a
 * working folder, and each hx_run writes the vectors there as hex files and runs vvp. The
 * tools are run directly (fork/exec, no shell), named by $IVERILOG and $VVP (default
 * iverilog, vvp); vvp loads the VPI module hx_vpi.vpi (sim/hx_vpi.c) from the build.
 */
#ifndef HX_SIM_H
#define HX_SIM_H

#include "hg_config.h"
#include "hm_golden.h"
#include "hs_sim.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hx_sim hx_sim;

typedef struct hx_opts {
    const char *work_dir; /* an existing folder the caller owns: the generated core (rtl/,
                             which must not exist yet), the Icarus build, the vector and
                             output files go here */
    const char *rtl_dir;  /* simulate this generated core (manifest.json, filelist.f) instead
                             of generating configuration c into work_dir/rtl; NULL: generate */
    int max_queries;      /* most queries one hx_run streams, 1..2^20 */
    int keep;             /* 1: hx_close leaves the files in work_dir */
    int four_state;       /* 1: the core's variables start x (Icarus's own initial state);
                             0: every x bit is set to 0 before the first edge (sim/hx_vpi.c),
                             the state Verilator's two-state models start from */
} hx_opts;

/* Stalls of one run, as hs_set_stalls: each cycle q_valid is withheld with probability
   q_gap_pct/100 and o_ready with probability o_stall_pct/100, from an xorshift32 stream
   seeded with seed (0 reads as 1; below 2^31). */
typedef struct hx_stalls {
    int q_gap_pct, o_stall_pct;
    uint32_t seed;
} hx_stalls;

/* Checks a generated core folder for hx_open's rtl_dir: filelist.f is a readable regular
   file that lists at least one file, each a plain Verilog file name
   ([A-Za-z0-9_][A-Za-z0-9_.-]*.v, no folder) of a regular file in dir. Returns 0, or -1 with
   the reason in err. */
int hx_check_rtl_dir(const char *dir, char *err, size_t errlen);

/* Compiles configuration c (or opts->rtl_dir, whose top must have c's ports) with
   sim/hx_tb.v under Icarus. Returns NULL with a message in err: a file name in
   filelist.f that is not a plain .v name, the compiler's failure (with its log), a tool
   that cannot be run. */
hx_sim *hx_open(const hg_cfg *c, const hx_opts *opts, char *err, size_t errlen);

/* Runs, from reset, what hs_open + hs_set_stalls + hs_load + hs_run do on the Verilator
   model: the run-time configuration of run, run->n_keys keys k and values v (layouts of
   hm_golden.h), nq queries q (1..max_queries) with the given stalls (NULL: none). Stores
   nq x d outputs (sign-extended, as hs_run) in out and the cycle counts in st (the memory
   access counts are left 0). Returns 0, or -1 with a message: an output or a handshake
   that is x or z, a stream that hangs, fewer outputs than queries. */
int hx_run(hx_sim *x, const hm_run *run, const uint8_t *k, const int8_t *v, int nq, const uint8_t *q,
           const hx_stalls *stalls, int32_t *out, hs_stats *st, char *err, size_t errlen);

/* Bits the last hx_run set from x to 0 before its first edge (0 with four_state). */
long hx_x_bits(const hx_sim *x);

/* Removes the files hx_open and hx_run wrote in the working folder (not the folder itself;
   nothing with opts->keep) and frees x. x may be NULL. */
void hx_close(hx_sim *x);

#ifdef __cplusplus
}
#endif
#endif
