/*
 * hs_probes.c — writes a core's simulation probes from its manifest.json (hs_probes.h).
 *
 * The manifest is read by sw/base's reader (hg_manifest.h), which checks every name that
 * reaches the Verilog text (identifiers, cell paths of identifiers and indices, widths), so a
 * hand-edited manifest gives a message, never a malformed module. The instances are found by
 * walking the units' children from the top, depth first in the manifest's order.
 */
#include "hs_probes.h"

#include "hg_file.h"
#include "hg_manifest.h"
#include "hg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_CHUNK 8192      /* widest $fwrite argument Verilator accepts (bits) */
#define MAX_DEPTH 16        /* unit nesting below the top */
#define MAX_INSTS (1 << 16) /* instances of units in one core */

/* One instance: its unit and its path below the top ("" for the top, else
   ".u_core.u_av.u_mac.g_dim[3].u_dim"). */
typedef struct {
    const hg_mmod *unit;
    char path[256];
} inst;

typedef struct {
    const char *file; /* the manifest, for messages */
    const hg_manifest *man;
    const char *prefix;
    inst *v;
    int n;
    char *err;
    size_t errlen;
} walk;

/* Appends unit m at path and, depth first in the order of its children, every instance below. */
static int walk_unit(walk *w, const hg_mmod *m, const char *path, int depth)
{
    if (depth > MAX_DEPTH || w->n == MAX_INSTS) {
        hg_errf(w->err, w->errlen, "%s: unit %s at '%s': more than %d levels or %d instances (a cycle?)",
                w->file, m->name, path, MAX_DEPTH, MAX_INSTS);
        return -1;
    }
    if (m->capture < 0) {
        hg_errf(w->err, w->errlen,
                "%s: unit %s: \"capture\" (true or false) is missing (a manifest of an older hadgen? "
                "regenerate the core)",
                w->file, m->name);
        return -1;
    }
    if (w->n % 64 == 0) {
        inst *v = realloc(w->v, (size_t)(w->n + 64) * sizeof *v);
        if (!v) {
            hg_errf(w->err, w->errlen, "out of memory");
            return -1;
        }
        w->v = v;
    }
    w->v[w->n].unit = m;
    snprintf(w->v[w->n].path, sizeof w->v[0].path, "%s", path);
    w->n++;
    for (int k = 0; k < m->nchildren; k++) {
        char sub[256];
        if ((size_t)snprintf(sub, sizeof sub, "%s.%s", path, m->child_cells[k]) >= sizeof sub) {
            hg_errf(w->err, w->errlen, "%s: unit %s: the path of cell %s is longer than %zu bytes", w->file,
                    m->name, m->child_cells[k], sizeof sub - 1);
            return -1;
        }
        /* the reader checked that every child is a unit of the manifest */
        if (walk_unit(w, hg_manifest_find(w->man, m->child_units[k]), sub, depth + 1) != 0) return -1;
    }
    return 0;
}

static const hg_mport *find_port(const hg_mmod *m, const char *name)
{
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, name) == 0) return &m->ports[i];
    return NULL;
}

/* The name of memory unit m in the counters: its name without "<prefix>_". */
static const char *mem_name(const walk *w, const hg_mmod *m)
{
    size_t k = strlen(w->prefix);
    return strncmp(m->name, w->prefix, k) == 0 && m->name[k] == '_' && m->name[k + 1] ? m->name + k + 1
                                                                                      : NULL;
}

/* Checks the memories before anything is written: a name "<prefix>_<memory>", a one-bit
   we_i and an re_i (one bit a read port). */
static int check_memories(walk *w)
{
    for (int i = 0; i < w->n; i++) {
        const hg_mmod *m = w->v[i].unit;
        const hg_mport *re = find_port(m, "re_i"), *we = find_port(m, "we_i");
        if (!m->is_memory) continue;
        if (!mem_name(w, m) || !re || !we || we->width != 1) {
            hg_errf(w->err, w->errlen,
                    "%s: memory unit %s: needs a name %s_<memory>, an re_i port and a one-bit we_i port",
                    w->file, m->name, w->prefix);
            return -1;
        }
    }
    return 0;
}

/* The access counters of every memory instance: reads are the read enables set (re_i, one
   bit a port), writes the write enable (we_i). */
static void emit_counts(FILE *f, const walk *w)
{
    fprintf(f, "  // ---- memory access counts (hgsim's statistics) ----------------------------------\n");
    for (int i = 0; i < w->n; i++)
        if (w->v[i].unit->is_memory) {
            const char *s = mem_name(w, w->v[i].unit);
            fprintf(f, "  reg [63:0] %s_reads /*verilator public_flat_rd*/;\n", s);
            fprintf(f, "  reg [63:0] %s_writes /*verilator public_flat_rd*/;\n", s);
        }
    fprintf(f, "  initial begin\n");
    for (int i = 0; i < w->n; i++)
        if (w->v[i].unit->is_memory) {
            const char *s = mem_name(w, w->v[i].unit);
            fprintf(f, "    %s_reads = 64'd0;\n    %s_writes = 64'd0;\n", s, s);
        }
    fprintf(f, "  end\n  always @(posedge `HS_DUT.clk_i) begin\n");
    for (int i = 0; i < w->n; i++) {
        const hg_mmod *m = w->v[i].unit;
        if (!m->is_memory) continue;
        const char *s = mem_name(w, m), *path = w->v[i].path;
        int rw = find_port(m, "re_i")->width;
        fprintf(f, "    %s_reads <= %s_reads", s, s);
        if (rw == 1) fprintf(f, " + {63'd0, `HS_DUT%s.re_i}", path);
        for (int b = 0; rw > 1 && b < rw; b++) fprintf(f, "\n        + {63'd0, `HS_DUT%s.re_i[%d]}", path, b);
        fprintf(f, ";\n    %s_writes <= %s_writes + {63'd0, `HS_DUT%s.we_i};\n", s, s, path);
    }
    fprintf(f, "  end\n");
}

/* The arguments of one instance's capture line: every port but the clock; a port wider than
   CAP_CHUNK bits as slices [min(w, (s+1)C)-1 : sC], most significant first, printed with no
   separator (%h pads every slice to its full width, so the line is that of the whole port). */
static void emit_capture_line(FILE *f, const inst *in, int k)
{
    const hg_mmod *m = in->unit;
    fprintf(f, "    if (cap_fd[%d] != 0)\n      $fwrite(cap_fd[%d], \"", k, k);
    int n = 0;
    for (int i = 0; i < m->nports; i++) {
        if (strcmp(m->ports[i].name, "clk_i") == 0) continue;
        fprintf(f, "%s", n++ ? " " : "");
        for (int s = (m->ports[i].width - 1) / CAP_CHUNK; s >= 0; s--) fprintf(f, "%%h");
    }
    fprintf(f, "\\n\"");
    for (int i = 0; i < m->nports; i++) {
        const char *name = m->ports[i].name;
        int wd = m->ports[i].width, ns = (wd - 1) / CAP_CHUNK + 1;
        if (strcmp(name, "clk_i") == 0) continue;
        if (ns == 1)
            fprintf(f, ",\n              `HS_DUT%s.%s", in->path, name);
        else
            for (int s = ns - 1; s >= 0; s--)
                fprintf(f, ",\n              `HS_DUT%s.%s[%d:%d]", in->path, name,
                        (s + 1) * CAP_CHUNK < wd ? (s + 1) * CAP_CHUNK - 1 : wd - 1, s * CAP_CHUNK);
    }
    fprintf(f, ");\n");
}

/* The activity capture (HG_CAPTURE): +hg_capture_dir=DIR opens DIR/<HS_NAME><path>.hex for
   every instance of a captured unit. */
static void emit_capture(FILE *f, const walk *w)
{
    int ncap = 0;
    for (int i = 0; i < w->n; i++) ncap += w->v[i].unit->capture == 1;
    fprintf(f,
            "\n`ifdef HG_CAPTURE\n"
            "  // ---- activity capture (the power flow): +hg_capture_dir=DIR -----------------------\n"
            "  reg [8*256-1:0] cap_dir;\n"
            "  reg [8*512-1:0] cap_path;\n"
            "  integer cap_fd [0:%d];\n"
            "  integer cap_k;\n"
            "  initial begin\n"
            "    for (cap_k = 0; cap_k < %d; cap_k = cap_k + 1) cap_fd[cap_k] = 0;\n"
            "    if ($value$plusargs(\"hg_capture_dir=%%s\", cap_dir)) begin\n",
            ncap > 0 ? ncap - 1 : 0, ncap);
    for (int i = 0, k = 0; i < w->n; i++)
        if (w->v[i].unit->capture == 1)
            fprintf(f,
                    "      $sformat(cap_path, \"%%0s/%%0s%s.hex\", cap_dir, `HS_NAME);\n"
                    "      cap_fd[%d] = $fopen(cap_path, \"w\");\n",
                    w->v[i].path, k++);
    fprintf(f, "    end\n  end\n  always @(posedge `HS_DUT.clk_i) begin\n");
    for (int i = 0, k = 0; i < w->n; i++)
        if (w->v[i].unit->capture == 1) emit_capture_line(f, &w->v[i], k++);
    fprintf(f, "  end\n`endif\n");
}

static void emit(FILE *f, const walk *w, const char *top, const char *command)
{
    fprintf(f,
            "// ----------------------------------------------------------------------------\n"
            "// AUTO-GENERATED by hsprobes (sim/hs_probes.c) from the core's manifest.json.\n"
            "// DO NOT EDIT: changes are lost when the simulation is rebuilt.\n"
            "// The core was generated with:\n//   %s\n"
            "// ----------------------------------------------------------------------------\n"
            "//\n"
            "// %s_probes\n"
            "// Simulation-only instrumentation of %s, outside its design modules: never\n"
            "// synthesized. It reads the core through hierarchical names rooted at `HS_DUT and\n"
            "// holds\n"
            "//   - the memory access counts of the simulator's statistics (<memory>_reads: read\n"
            "//     enables set, <memory>_writes), every rising clock edge;\n"
            "//   - with HG_CAPTURE, the activity capture of the power flow: +hg_capture_dir=DIR\n"
            "//     writes DIR/<instance>.hex (`HS_NAME and the instance's path) for every instance\n"
            "//     of a captured unit, one line per rising clock edge with every port but the\n"
            "//     clock, in port order, as fixed-width hex (docs/spec.md, section 8).\n"
            "// With +define+HS_BIND (Verilator) the bind statement at the end attaches it to %s.\n"
            "// A simulator without bind: instantiate it beside the core with HS_DUT defined as the\n"
            "// core instance's name from there and HS_NAME as its %%m name.\n"
            "`ifndef HS_DUT\n`define HS_DUT %s\n`endif\n"
            "`ifndef HS_NAME\n`define HS_NAME \"TOP.%s\"\n`endif\n\n"
            "module %s_probes;\n\n",
            command, w->prefix, top, top, top, top, w->prefix);
    emit_counts(f, w);
    emit_capture(f, w);
    fprintf(f, "\nendmodule\n\n`ifdef HS_BIND\nbind %s %s_probes u_hs_probes ();\n`endif\n", top, w->prefix);
}

int hs_probes_write(const char *rtl_dir, const char *path, char *module, size_t modlen, char *err,
                    size_t errlen)
{
    char file[HG_FILE_PATH_MAX], why[256];
    if ((size_t)snprintf(file, sizeof file, "%s/manifest.json", rtl_dir) >= sizeof file) {
        hg_errf(err, errlen, "RTL directory '%s': path too long", rtl_dir);
        return -1;
    }
    hg_manifest *man = hg_manifest_read(rtl_dir, err, errlen);
    if (!man) return -1;
    walk w = {.file = file, .man = man, .prefix = man->prefix, .err = err, .errlen = errlen};
    const char *command = man->command[0] ? man->command : "(unknown)";
    int rc = -1;
    if (!hg_is_ident(w.prefix) || strchr(command, '\n'))
        hg_errf(err, errlen,
                "%s: needs \"params\".\"prefix\" (an identifier: got '%s') and a one-line \"command\"", file,
                w.prefix);
    else if (walk_unit(&w, hg_manifest_find(man, man->top), "", 0) == 0 && check_memories(&w) == 0) {
        hg_wfile out;
        if (hg_file_begin(&out, path, why, sizeof why) != 0) {
            hg_errf(err, errlen, "cannot write '%s': %s", path, why);
        } else {
            emit(out.f, &w, man->top, command);
            rc = hg_file_commit(&out, why, sizeof why);
            if (rc != 0) hg_errf(err, errlen, "cannot write '%s': %s", path, why);
        }
        if (rc == 0 && module) snprintf(module, modlen, "%s_probes", w.prefix);
    }
    free(w.v);
    hg_manifest_free(man);
    return rc;
}
