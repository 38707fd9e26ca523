/*
 * ss_dram.c — DRAM channel timing and energy (ss_dram.h).
 */
#include "ss_dram.h"

#include <stdio.h>
#include <string.h>

/* Bandwidths are pin rate x data width (the JEDEC standards' arithmetic). Latencies are the
   device's for a read that misses the open row: precharge + activate + read latency + data-strobe
   skew + the burst (tRP + tRCD + RL + tDQSCK + BL/2 clocks), from the timings of the datasheets
   that DRAMSys's memspecs transcribe; the memory controller, PHY and interconnect add to it and
   are not counted (--latency-ns). Energies are access energy per bit as the named source gives
   it or as computed from it. docs/system.md. */
const ss_dram_params ss_dram_presets[] = {
    {"lpddr4", 25.6, 60.6, 32, 8.5, 5.0,
     "LPDDR4-3200 (JESD209-4), 64 data pins in four x16 channels: 3.2 Gb/s x 64 = 25.6 GB/s; BL16 x 16 "
     "bit = 32 B bursts; energy from the currents of Micron's 6Gb LPDDR4-3200 x16 datasheet as DRAMPower's "
     "memspec MICRON_6Gb_LPDDR4-3200 lists them: reads (IDD4R2 - IDD3N2) x VDD2 + IDD4RQ x VDDQ = "
     "(275 - 30) mA x 1.1 V + 150 mA x 1.1 V = 434.5 mW over 51.2 Gb/s = 8.5 pJ/bit, writes (210 - 30) mA x "
     "1.1 V + 55 mA x 1.1 V = 258.5 mW = 5.0 pJ/bit (row activations add about 0.06 pJ/bit to a "
     "sequential stream); latency from the same datasheet's timings at tCK 0.625 ns: tRPpb 29 + tRCD 29 + "
     "RL 28 + tDQSCK 3 + 8 burst clocks = 97 clocks = 60.6 ns"},
    {"lpddr5", 51.2, 60.6, 32, 6.5, 4.2,
     "LPDDR5-6400 (JESD209-5), 64 data pins: 6.4 Gb/s x 64 = 51.2 GB/s; 32 B bursts; energy: lpddr4's "
     "datasheet currents at LPDDR5's supplies (VDD2H 1.05 V, VDDQ 0.5 V), the currents taken to scale with "
     "the data rate: reads 245 mA x 1.05 V + 150 mA x 0.5 V = 332 mW over 51.2 Gb/s = 6.5 pJ/bit, writes "
     "180 mA x 1.05 V + 55 mA x 0.5 V = 216.5 mW = 4.2 pJ/bit (a derivation, not a measured part); latency "
     "lpddr4's, the core timings (tRP, tRCD about 18 ns) being unchanged between the generations"},
    {"hbm2", 256.0, 46.0, 32, 3.9, 3.9,
     "HBM2 one stack (JESD235A): 1024 data pins x 2 Gb/s = 256 GB/s; pseudo-channel BL4 x 64 bit "
     "= 32 B bursts; 3.9 pJ/bit: O'Connor et al., Fine-Grained DRAM, MICRO 2017; latency from DRAMSys's "
     "HBM2 memspec at tCK 1 ns: tRP 14 + tRCDRD 12 + RL 17 + tDQSCK 1 + 2 burst clocks = 46 ns"},
    {"ddr3", 12.8, 42.5, 64, 20.0, 20.0,
     "DDR3-1600, one 64-bit channel: 1.6 Gb/s x 64 = 12.8 GB/s; BL8 x 64 bit = 64 B bursts; "
     "20 pJ/bit: the low end of 1.3-2.6 nJ per 64-bit access, Horowitz, ISSCC 2014; latency from "
     "Micron's 1Gb DDR3-1600 datasheet (DRAMSys memspec) at tCK 1.25 ns: tRP 10 + tRCD 10 + CL 10 + 4 "
     "burst clocks = 34 clocks = 42.5 ns"},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

const ss_dram_params *ss_dram_find(const char *name)
{
    for (const ss_dram_params *p = ss_dram_presets; p->name; p++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}

int ss_dram_check(const ss_dram_params *p, char *err, unsigned long n)
{
    const char *what = NULL, *range = NULL;
    double v = 0;
    if (!(p->gbytes_s > 0 && p->gbytes_s <= 1e5))
        what = "bandwidth (GB/s)", v = p->gbytes_s, range = "(0, 100000]";
    else if (!(p->latency_ns >= 0 && p->latency_ns <= 1e6))
        what = "latency (ns)", v = p->latency_ns, range = "0..1000000";
    else if (p->burst < 1 || p->burst > 4096)
        what = "burst (bytes)", v = p->burst, range = "1..4096";
    else if (!(p->pj_bit_read >= 0 && p->pj_bit_read <= 1000))
        what = "read energy (pJ/bit)", v = p->pj_bit_read, range = "0..1000";
    else if (!(p->pj_bit_write >= 0 && p->pj_bit_write <= 1000))
        what = "write energy (pJ/bit)", v = p->pj_bit_write, range = "0..1000";
    if (!what) return 0;
    snprintf(err, n, "DRAM %s %g: must be in %s", what, v, range);
    return -1;
}

void ss_dram_init(ss_dram *m, const ss_dram_params *p)
{
    memset(m, 0, sizeof *m);
    m->p = *p;
}

ss_dram_access_t ss_dram_access(ss_dram *m, double t_ns, uint64_t n, int write)
{
    uint64_t bytes = (n + m->p.burst - 1) / m->p.burst * m->p.burst;
    double xfer = (double)bytes / m->p.gbytes_s; /* bytes / (GB/s) = ns */
    ss_dram_access_t a;
    a.start_ns = t_ns > m->free_ns ? t_ns : m->free_ns;
    a.free_ns = a.start_ns + xfer;
    a.done_ns = a.free_ns + m->p.latency_ns;
    m->free_ns = a.free_ns;
    m->busy_ns += xfer;
    if (write)
        m->bytes_wr += bytes;
    else
        m->bytes_rd += bytes;
    m->requests++;
    return a;
}

double ss_dram_energy_pj(const ss_dram *m)
{
    return 8.0 * ((double)m->bytes_rd * m->p.pj_bit_read + (double)m->bytes_wr * m->p.pj_bit_write);
}
