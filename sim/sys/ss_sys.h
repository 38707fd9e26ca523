/*
 * ss_sys.h — C API to the system model (sim/sys/ss_model.cpp): H instances of a generated core,
 * cycle-accurate (verilator --sc), with double-buffered K/V buffers, query and output buffers,
 * DMA engines and a DRAM channel, run on whole attention layers. docs/system.md.
 *
 * ss_open builds the model of a configuration once (cached like the bare core's simulation,
 * sim/hs_sim.h) and starts it as a child process; ss_layer sends it one layer (every head's
 * configuration, K, V and queries) and returns the outputs, bit-identical to the bare core
 * (hs_sim.h) and the golden model, with the layer's timing, traffic and energy.
 */
#ifndef SS_SYS_H
#define SS_SYS_H

#include "hg_config.h"
#include "hm_golden.h"
#include "ss_dram.h"
#include "ss_proto.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_sys ss_sys;

typedef struct ss_opts {
    int cores;             /* core instances H, 1..64; head h runs on instance h % H */
    double clock_mhz;      /* core clock, (0, 10000] MHz */
    ss_dram_params dram;   /* the DRAM channel (a preset of ss_dram.h or custom figures) */
    long kv_buffer;        /* K/V buffer bytes per instance, two banks; a bank must hold one
                              head's K and V (n_k x (KB + d) bytes) */
    long q_buffer;         /* query buffer bytes per instance, at least one query (KB) */
    long o_buffer;         /* output buffer bytes per instance, at least one output */
    long chunk;            /* bytes per DMA request, 1..65536 */
    double sram_pj_bit;    /* on-chip buffer access energy per bit, 0..1000 pJ */
    const char *cache_dir; /* model builds (NULL: as hs_opts.cache_dir) */
    int quiet;             /* 1: no build progress on stderr */
} ss_opts;

/* Defaults for configuration c: 1 instance, 100 MHz (the synthesis flow's 10 ns clock),
   lpddr4, a K/V buffer of two banks of L keys, query and output buffers of 2 requests, 256-byte
   requests, 0.1 pJ/bit on chip. */
void ss_opts_default(const hg_cfg *c, ss_opts *o);

/* Bytes of one V row in DRAM and in the K/V buffer: d values of vb bits, packed as the core's
   kv_v_i port holds them (hm_v_pack). */
int ss_value_bytes(const hg_cfg *c);

/* Checks o for c. Returns 0, or -1 with the option, its value and what is allowed in err. */

int ss_opts_check(const hg_cfg *c, const ss_opts *o, char *err, size_t errlen);

/* Builds (or finds) the model of c and starts it. NULL with a message on failure. */
ss_sys *ss_open(const hg_cfg *c, const ss_opts *o, char *err, size_t errlen);

/* One head of a layer: its run-time configuration and K/V (as hs_load) and n_q queries
   (as hs_run); out receives n_q x d values. */
typedef struct ss_head {
    const hm_run *run;
    const uint8_t *k;
    const int8_t *v;
    int n_q;
    const uint8_t *q;
    int32_t *out;
} ss_head;

/* Runs one layer of n_heads heads (1..4096) through the system. Returns 0 with the layer's
   figures in st (may be NULL), or -1 with a message in err: a head that does not fit (n_k out
   of 1..L, K/V larger than a bank of the buffer, n_q out of 1..65536) or a model that failed.
   After a model failure the simulator is unusable (every later call fails). */
int ss_layer(ss_sys *s, int n_heads, const ss_head *heads, ss_layer_stats *st, char *err, size_t errlen);

/* Figures derived from a layer's (or a sum of layers') statistics, for every report of them:
   part's share of the instances' cycles (busy + wait + idle; 0 when there are none), the
   channel's share of the time, and the bound of the roofline ("compute" or "memory"). */
double ss_core_share(const ss_layer_stats *st, uint64_t part);
double ss_dram_util(const ss_layer_stats *st);
const char *ss_bound(const ss_layer_stats *st);

/* Stops the model. s may be NULL. */
void ss_close(ss_sys *s);

#ifdef __cplusplus
}
#endif
#endif
