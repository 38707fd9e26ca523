/*
 * ss_dram.h — the system model's DRAM: a timing and energy model of one memory channel, and
 * its presets. Plain C, shared by the SystemC model (sim/sys/ss_model.cpp) and the C host
 * (sim/sys/ss_sys.c, which checks options and prints the presets).
 *
 * Timing: one channel of peak bandwidth B moves data in bursts of `burst` bytes. A request of
 * n bytes issued at time t starts when the channel is free (start = max(t, free)), occupies
 * it for ceil(n / burst) * burst / B, and its data is complete `latency` after the transfer
 * (done = start + xfer + latency). A requester that issues its next request when the channel
 * frees (the DMA engines of the system model do) streams at the full bandwidth and pays the
 * latency once per stream: a channel with many requests in flight, as memory controllers
 * keep it. Bank conflicts, refresh and read/write turnarounds are not modelled: the presets'
 * bandwidth is the peak, so the model is optimistic for scattered traffic (docs/system.md).
 *
 * Energy: bits moved x the preset's pJ per bit (read and write), the access energy of
 * activation, column access and I/O together, as the cited sources measure it. Background and
 * refresh power are not counted.
 */
#ifndef SS_DRAM_H
#define SS_DRAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_dram_params {
    const char *name;    /* preset name, or "custom" */
    double gbytes_s;     /* peak bandwidth, GB/s (10^9 bytes per second) */
    double latency_ns;   /* from a request's transfer to its data being usable */
    uint32_t burst;      /* bytes per burst: requests are rounded up to whole bursts */
    double pj_bit_read;  /* access energy per bit read */
    double pj_bit_write; /* ... per bit written */
    const char *source;  /* where the figures come from */
} ss_dram_params;

/* The presets, a NULL name last. */
extern const ss_dram_params ss_dram_presets[];

/* The preset called name, or NULL. */
const ss_dram_params *ss_dram_find(const char *name);

/* Checks a parameter set: bandwidth in (0, 10^5] GB/s, latency in [0, 10^6] ns, burst in
   1..4096 bytes, energies in [0, 1000] pJ/bit. Returns 0, or -1 with the offending field,
   its value and the allowed range in err. */
int ss_dram_check(const ss_dram_params *p, char *err, unsigned long errlen);

/* The state of one channel: when it is next free, and what it has moved. */
typedef struct ss_dram {
    ss_dram_params p;
    double free_ns;    /* the channel is busy until then */
    double busy_ns;    /* time spent transferring */
    uint64_t bytes_rd; /* bytes moved (whole bursts) */
    uint64_t bytes_wr;
    uint64_t requests;
} ss_dram;

typedef struct ss_dram_access_t {
    double start_ns; /* the transfer starts */
    double free_ns;  /* the channel can start the next request */
    double done_ns;  /* the data is complete at its destination */
} ss_dram_access_t;

void ss_dram_init(ss_dram *m, const ss_dram_params *p);

/* A request of n bytes (n >= 1) issued at t_ns: its times, and the channel's state updated. */
ss_dram_access_t ss_dram_access(ss_dram *m, double t_ns, uint64_t n, int write);

/* Access energy of everything moved so far, pJ. */
double ss_dram_energy_pj(const ss_dram *m);

#ifdef __cplusplus
}
#endif
#endif
