/*
 * hs_probes.h — the simulation probes of a generated core: every piece of instrumentation the
 * simulators need, in one simulation-only Verilog module outside the core's design modules
 * (docs/spec.md, section 8). It is written from the core's manifest.json (its units, their
 * ports, children and memory geometry, which units are captured) and holds
 *   - the memory access counts of the simulator's statistics: <memory>_reads (read enables
 *     set) and <memory>_writes, every rising clock edge, public for hgsim's shim;
 *   - with HG_CAPTURE, the activity capture of the power flow: one file per instance of a
 *     captured unit, one line per rising clock edge with every port but the clock, in port
 *     order, as fixed-width hex.
 * Verilator attaches the module to the core's top with `bind` (HS_BIND, sim/hs_build.sh);
 * Icarus, which has no bind, instantiates it beside the core (synth/bench/hg_capture_tb.v,
 * with the file from hsprobes).
 */
#ifndef HS_PROBES_H
#define HS_PROBES_H

#include <stddef.h>

/* The probes' file in every simulation build folder, beside the core's RTL (rtl/): hs_sim.c
   writes it before the model is built and names it to hs_build.sh (HS_PROBES), which binds
   it to the top. */
#define HS_PROBES_FILE "probes.v"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the probes of the core in rtl_dir (rtl_dir/manifest.json) to path, atomically.
   The module is <prefix>_probes (params.prefix of the manifest); its name goes to module
   (size modlen, may be NULL). Returns 0, or -1 with a message naming the file, the field and
   the value in err (nothing written). */
int hs_probes_write(const char *rtl_dir, const char *path, char *module, size_t modlen, char *err,
                    size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
