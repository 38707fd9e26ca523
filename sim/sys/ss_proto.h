/*
 * ss_proto.h — the messages between the C host (ss_sys.c) and the system model process
 * (ss_model.cpp) over its standard input and output. Both ends run on one machine: fields are
 * native (little-endian) integers and doubles, packed as declared.
 *
 * host -> model, one message per attention layer:
 *   ss_layer_hdr, then for each head: ss_head_hdr, n_regs x ss_reg (the head's configuration
 *   writes, in order: n_early writes the core takes while it runs the previous head (a shadow
 *   exp table; 0 for other cores), which the model sends during that head's queries, then n_keys,
 *   which restarts the load: the model sends it alone, then the rest beside the K/V beats;
 *   ss_sys.c's head_regs makes them, hm_cfg_writes orders them), n_keys x KB key
 *   bytes, n_keys x d value bytes, n_queries x KB query bytes (KB: bytes of one key,
 *   hm_key_bytes).
 * model -> host, one reply per layer:
 *   ss_reply_hdr; if status is 0, for each head n_queries x d int32 outputs, then
 *   ss_layer_stats; otherwise msg_len bytes of error text.
 * The model exits at the end of its input.
 */
#ifndef SS_PROTO_H
#define SS_PROTO_H

#include <stdint.h>

#define SS_MAGIC   0x59534748u /* "HGSY" */
#define SS_VERSION 4u

typedef struct ss_layer_hdr {
    uint32_t magic, version;
    uint32_t n_heads;
    uint32_t reserved;
} ss_layer_hdr;

typedef struct ss_head_hdr {
    uint32_t n_keys, n_queries, n_regs, n_early; /* n_early < n_regs: the first n_early regs */
} ss_head_hdr;

typedef struct ss_reg {
    uint32_t addr, data;
} ss_reg;

typedef struct ss_reply_hdr {
    uint32_t magic, status, msg_len, n_heads;
} ss_reply_hdr;

/* One layer's figures. Cycles are core clock cycles; the per-core counts are summed over
   the core instances (each instance's cycles split into busy + wait + idle). */
typedef struct ss_layer_stats {
    uint64_t cycles;                             /* first DMA request .. last output written to DRAM */
    uint64_t core_busy;                          /* configuration, K/V load, or a query in the core */
    uint64_t core_wait;                          /* the core had work but its data had not arrived
                                    (K/V bank, queries) or its output buffer was full */
    uint64_t core_idle;                          /* no work left for the instance in this layer */
    uint64_t core_load;                          /* of core_busy: configuration writes and K/V load
                                    beats (until the core has taken a head's last key) */
    uint64_t bytes_k, bytes_v, bytes_q, bytes_o; /* DRAM traffic per tensor */
    uint64_t sram_bits_read, sram_bits_written;  /* on-chip K/V, Q and O buffers */
    uint64_t queries, dram_requests;
    uint64_t heads;          /* heads of the layer (each one K/V load) */
    uint64_t keys;           /* keys loaded: the sum of the heads' n_keys */
    uint64_t query_keys;     /* keys scored: the sum over queries of their head's n_keys */
    double time_ns;          /* the layer's time */
    double dram_busy_ns;     /* the channel transferring */
    double dram_pj, sram_pj; /* access energies */
    double roof_compute_ns;  /* the analytical bound: cycles the cores must spend */
    double roof_memory_ns;   /* ... and the time the channel needs for every byte */
} ss_layer_stats;

#endif
