/*
 * hs_port.h — the port-level interface between the C simulator API (hs_sim.c) and the
 * per-configuration Verilator shim (hs_shim.cpp, built into one shared library per core).
 * Internal to sim/.
 */
#ifndef HS_PORT_H
#define HS_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_PORT_ABI 1

/* Core ports, as in the generated core top (docs/spec.md, section 6). */
enum hs_port_id {
    HS_RST_N,
    HS_CFG_VALID,
    HS_CFG_ADDR,
    HS_CFG_DATA,
    HS_KV_VALID,
    HS_KV_K,
    HS_KV_V,
    HS_Q_VALID,
    HS_Q_DATA,
    HS_O_READY, /* inputs */
    HS_CFG_READY,
    HS_KV_READY,
    HS_Q_READY,
    HS_O_VALID,
    HS_O_DATA, /* outputs */
    HS_NPORTS
};

/* Memory access counters: reads and writes of K, V and score memories. */
enum { HS_KMEM_RD, HS_KMEM_WR, HS_VMEM_RD, HS_VMEM_WR, HS_SMEM_RD, HS_SMEM_WR, HS_NMEM };

typedef struct hs_port_api {
    int abi;         /* HS_PORT_ABI */
    const char *top; /* top module name */
    /* Creates the model; trace_fst / capture_dir may be NULL. */
    void *(*create)(const char *trace_fst, const char *capture_dir);
    void (*destroy)(void *m);
    /* Sets / reads a port from / into little-endian 32-bit words. */
    void (*set)(void *m, int port, const uint32_t *words);
    void (*get)(void *m, int port, uint32_t *words);
    /* Settles combinational logic after inputs changed (clock low). */
    void (*eval)(void *m);
    /* One rising edge, then the clock returns low; advances the trace by a period. */
    void (*tick)(void *m);
    void (*mem_counts)(void *m, uint64_t counts[HS_NMEM]);
} hs_port_api;

/* Exported by every shim library. */
const hs_port_api *hs_port_get(void);

#ifdef __cplusplus
}
#endif
#endif
