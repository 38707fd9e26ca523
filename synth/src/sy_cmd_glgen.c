/* sy_cmd_glgen.c — `hgsynth glgen`: the gate-level simulation top of one module.
 *
 * From the Yosys JSON netlist of module M (its own cells; logic submodules and memories
 * are black boxes there) it writes:
 *   hggl_top.v  module hggl_top(clk_i, in_i, out_o, tog_o): M's cells on scalar nets;
 *               in_i drives M's inputs and the outputs of its logic submodules (cut
 *               out, their values come from their own captures); out_o carries M's
 *               outputs and the inputs of those submodules (checked against captures);
 *               tog_o is every cell output net, for toggle counting; memories are the
 *               RTL memory modules, driven by M's cells.
 *   map.txt     how capture columns map to in_i / out_o, which cell each tog_o bit
 *               belongs to, and which acc_o bit is the read or write enable of which
 *               memory (read by the harness and by `hgsynth summary`).
 *   memfiles.f  RTL files of the memories instantiated in hggl_top.v.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_manifest.h"
#include "sy_netlist.h"
#include "sy_util.h"

/* Verilator uses a plain integer for ports up to 64 bits; padding to 65 keeps every
 * port a VlWide so one harness fits all modules. */
#define SY_MIN_PORT_WIDTH 65

typedef struct {
    const sy_manifest *man;
    const sy_nmod *mod;
    const sy_mmod *mmod;
    sy_buf body;      /* cell instances and assigns */
    sy_buf map;       /* map.txt segments */
    int nin, nout, ntog, nacc;
} glgen;

static void net(sy_buf *b, int bit)
{
    if (bit >= 0) sy_buf_printf(b, "n%d", bit);
    else if (bit == SY_BIT_1) sy_buf_printf(b, "1'b1");
    else if (bit == SY_BIT_Z) sy_buf_printf(b, "1'bz");
    else sy_buf_printf(b, "1'b0");
}

/* Column of port `name` in a module's capture line, or -1 for clk_i / unknown. */
static int capture_col(const sy_mmod *mm, const char *name)
{
    int col = 0;
    for (int dir = 0; dir < 2; dir++)
        for (int i = 0; i < mm->nports; i++) {
            const sy_mport *p = &mm->ports[i];
            int is_out = p->dir == SY_DIR_OUT;
            if (is_out != dir || strcmp(p->name, "clk_i") == 0) continue;
            if (strcmp(p->name, name) == 0) return col;
            col++;
        }
    return -1;
}

static const sy_nport *find_port(const sy_nport *ports, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ports[i].name, name) == 0) return &ports[i];
    return NULL;
}

/* Drives the bits of a port from in_i (to_in) or copies them to out_o. */
static void segment(glgen *g, int to_in, const sy_nport *p, const char *src, int col,
                    const char *port)
{
    int *pos = to_in ? &g->nin : &g->nout;
    sy_buf_printf(&g->map, "%s %d %d %s %d %s\n", to_in ? "in" : "out", *pos, p->nbits, src, col, port);
    for (int j = 0; j < p->nbits; j++) {
        if (to_in) {
            if (p->bits[j] >= 0) sy_buf_printf(&g->body, "  assign n%d = in_i[%d];\n", p->bits[j], *pos + j);
        } else {
            sy_buf_printf(&g->body, "  assign out_o[%d] = ", *pos + j);
            net(&g->body, p->bits[j]);
            sy_buf_printf(&g->body, ";\n");
        }
    }
    *pos += p->nbits;
}

/* M's own ports: inputs (except the clock) feed in_i, outputs go to out_o, in manifest
 * (= capture) order. */
static int own_ports(glgen *g, char *err, size_t errlen)
{
    for (int dir = 0; dir < 2; dir++)
        for (int i = 0; i < g->mmod->nports; i++) {
            const sy_mport *mp = &g->mmod->ports[i];
            if ((mp->dir == SY_DIR_OUT) != dir || strcmp(mp->name, "clk_i") == 0) continue;
            const sy_nport *p = find_port(g->mod->ports, g->mod->nports, mp->name);
            if (!p || p->nbits != mp->width) {
                snprintf(err, errlen, "module %s: port %s of the manifest (width %d) %s in the netlist",
                         g->mmod->name, mp->name, mp->width, p ? "has another width" : "is missing");
                return -1;
            }
            segment(g, dir == 0, p, "self", capture_col(g->mmod, mp->name), mp->name);
        }
    return 0;
}

/* A logic submodule: its outputs come from its capture, its inputs are checked. */
static int child_logic(glgen *g, const sy_ncell *c, const sy_mmod *cm, int idx, char *err, size_t errlen)
{
    sy_buf_printf(&g->map, "child %d %s %s %d\n", idx, c->name, cm->name, sy_mmod_ncols(cm));
    char src[32];
    snprintf(src, sizeof src, "%d", idx);
    for (int dir = 1; dir >= 0; dir--)
        for (int i = 0; i < cm->nports; i++) {
            const sy_mport *mp = &cm->ports[i];
            if ((mp->dir == SY_DIR_OUT) != dir || strcmp(mp->name, "clk_i") == 0) continue;
            const sy_nport *p = find_port(c->conns, c->nconns, mp->name);
            if (!p) continue; /* unconnected */
            if (p->nbits != mp->width) {
                snprintf(err, errlen, "module %s: instance %s: port %s has %d bits, manifest says %d",
                         g->mmod->name, c->name, mp->name, p->nbits, mp->width);
                return -1;
            }
            segment(g, dir == 1, p, src, capture_col(cm, mp->name), mp->name);
        }
    return 0;
}

/* Port-name rules for memory access counting (the generator's memories use we_i/re_i). */
static int is_enable(const char *name, int write)
{
    static const char *const wr[] = {"we_i", "wen_i", "wr_en_i", "write_en_i", "w_en_i", NULL};
    static const char *const rd[] = {"re_i", "ren_i", "rd_en_i", "read_en_i", "r_en_i", NULL};
    for (const char *const *n = write ? wr : rd; *n; n++)
        if (strcmp(*n, name) == 0) return 1;
    return 0;
}

/* Access-count outputs of a memory: one acc_o bit per enable (any bit set = one access);
 * a memory without a read enable reads every cycle. */
static void memory_access(glgen *g, const sy_ncell *c)
{
    for (int write = 1; write >= 0; write--) {
        const sy_nport *en = NULL;
        for (int k = 0; k < c->nconns; k++)
            if (c->conns[k].dir == 0 && is_enable(c->conns[k].name, write)) en = &c->conns[k];
        if (!en && write) continue;
        sy_buf_printf(&g->map, "mem %d %s %s %s %s\n", g->nacc, c->name, c->type, write ? "w" : "r",
                      en ? en->name : "-");
        sy_buf_printf(&g->body, "  assign acc_o[%d] = ", g->nacc);
        if (!en) sy_buf_printf(&g->body, "1'b1");
        for (int j = 0; en && j < en->nbits; j++) {
            sy_buf_printf(&g->body, "%s", j ? " | " : "");
            net(&g->body, en->bits[j]);
        }
        sy_buf_printf(&g->body, ";\n");
        g->nacc++;
    }
}

/* A memory: the RTL model, connected to M's nets. */
static void child_memory(glgen *g, const sy_ncell *c, int idx)
{
    memory_access(g, c);
    sy_buf_printf(&g->body, "  %s m%d (", c->type, idx);
    for (int k = 0; k < c->nconns; k++) {
        const sy_nport *p = &c->conns[k];
        sy_buf_printf(&g->body, "%s\n    .%s({", k ? "," : "", p->name);
        for (int j = p->nbits - 1; j >= 0; j--) {
            if (p->dir == 1 && p->bits[j] < 0) sy_buf_printf(&g->body, "nc_m%d_%s_%d", idx, p->name, j);
            else net(&g->body, p->bits[j]);
            if (j) sy_buf_printf(&g->body, ", ");
        }
        sy_buf_printf(&g->body, "})");
    }
    sy_buf_printf(&g->body, "\n  );\n");
    for (int k = 0; k < c->nconns; k++)
        for (int j = 0; j < c->conns[k].nbits; j++)
            if (c->conns[k].dir == 1 && c->conns[k].bits[j] < 0)
                sy_buf_printf(&g->body, "  wire nc_m%d_%s_%d;\n", idx, c->conns[k].name, j);
}

/* A library cell: instantiated as is; each output bit becomes a tog_o bit. */
static void leaf_cell(glgen *g, const sy_ncell *c, int idx)
{
    sy_buf_printf(&g->body, "  %s c%d (", c->type, idx);
    for (int k = 0; k < c->nconns; k++) {
        const sy_nport *p = &c->conns[k];
        sy_buf_printf(&g->body, "%s.%s(", k ? ", " : "", p->name);
        net(&g->body, p->nbits ? p->bits[0] : SY_BIT_X);
        sy_buf_printf(&g->body, ")");
    }
    sy_buf_printf(&g->body, ");\n");
    for (int k = 0; k < c->nconns; k++) {
        const sy_nport *p = &c->conns[k];
        if (p->dir != 1 || p->nbits < 1 || p->bits[0] < 0) continue;
        sy_buf_printf(&g->body, "  assign tog_o[%d] = n%d;\n", g->ntog, p->bits[0]);
        sy_buf_printf(&g->map, "tog %d %s %s\n", g->ntog, c->name, p->name);
        g->ntog++;
    }
}

static int pad(int w) { return w < SY_MIN_PORT_WIDTH ? SY_MIN_PORT_WIDTH : w; }

static int write_top(glgen *g, const char *dir, FILE *memf, char *err, size_t errlen)
{
    char *vpath = sy_asprintf("%s/hggl_top.v", dir);
    char *mpath = sy_asprintf("%s/map.txt", dir);
    FILE *v = fopen(vpath, "w"), *mf = fopen(mpath, "w");
    int rc = 0;
    if (!v || !mf) {
        snprintf(err, errlen, "cannot write %s / %s", vpath, mpath);
        rc = -1;
    } else {
        fprintf(v, "// Gate-level simulation top of module %s, written by `hgsynth glgen` from its\n"
                   "// Yosys netlist. Do not edit.\n"
                   "/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off UNDRIVEN */\n"
                   "/* verilator lint_off PINCONNECTEMPTY */\n"
                   "module hggl_top (\n  input wire clk_i,\n  input wire [%d:0] in_i,\n"
                   "  output wire [%d:0] out_o,\n  output wire [%d:0] tog_o,\n"
                   "  output wire [%d:0] acc_o\n);\n",
                g->mmod->name, pad(g->nin) - 1, pad(g->nout) - 1, pad(g->ntog) - 1, pad(g->nacc) - 1);
        const sy_nport *clk = find_port(g->mod->ports, g->mod->nports, "clk_i");
        for (int b = 0; b <= g->mod->maxbit; b++) fprintf(v, "  wire n%d;\n", b);
        if (clk && clk->nbits == 1 && clk->bits[0] >= 0) fprintf(v, "  assign n%d = clk_i;\n", clk->bits[0]);
        for (int i = g->nout; i < pad(g->nout); i++) fprintf(v, "  assign out_o[%d] = 1'b0;\n", i);
        for (int i = g->ntog; i < pad(g->ntog); i++) fprintf(v, "  assign tog_o[%d] = 1'b0;\n", i);
        for (int i = g->nacc; i < pad(g->nacc); i++) fprintf(v, "  assign acc_o[%d] = 1'b0;\n", i);
        fputs(g->body.s ? g->body.s : "", v);
        fprintf(v, "endmodule\n");
        fprintf(mf, "hggl 1\nmodule %s\nwidths %d %d %d %d\nself %d\n%s", g->mmod->name, g->nin,
                g->nout, g->ntog, g->nacc, sy_mmod_ncols(g->mmod), g->map.s ? g->map.s : "");
    }
    (void)memf;
    if (v && fclose(v) != 0) rc = -1;
    if (mf && fclose(mf) != 0) rc = -1;
    free(vpath);
    free(mpath);
    return rc;
}

int sy_cmd_glgen(int argc, char **argv)
{
    const char *rtl = NULL, *netlist = NULL, *module = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory (with manifest.json)"},
        {"--netlist", &netlist, 1, 0, "Yosys JSON netlist of the module"},
        {"--module", &module, 1, 0, "module name"},
        {"--out", &out, 1, 0, "output directory (must exist)"},
    };
    int rc = sy_parse_opts("glgen", "write the gate-level simulation top and map of one module", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024] = "";
    sy_manifest *man = sy_manifest_read(rtl, err, sizeof err);
    if (!man) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        return 2;
    }
    sy_netlist *nl = sy_netlist_read(netlist, err, sizeof err);
    if (!nl) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        sy_manifest_free(man);
        return 2;
    }
    glgen g = {.man = man, .mod = sy_netlist_find(nl, module), .mmod = sy_manifest_find(man, module)};
    rc = 0;
    if (!g.mod || !g.mmod || g.mmod->is_memory) {
        fprintf(stderr, "hgsynth glgen: module '%s' is not a logic module of both the manifest and %s\n",
                module, netlist);
        rc = 2;
    }
    char *mempath = sy_asprintf("%s/memfiles.f", out);
    FILE *memf = rc ? NULL : fopen(mempath, "w");
    if (!rc && !memf) {
        fprintf(stderr, "hgsynth glgen: cannot write %s\n", mempath);
        rc = 2;
    }
    if (!rc && own_ports(&g, err, sizeof err) != 0) rc = 2;
    for (int i = 0; !rc && i < g.mod->ncells; i++) {
        const sy_ncell *c = &g.mod->cells[i];
        const sy_mmod *cm = sy_manifest_find(man, c->type);
        if (!cm) {
            leaf_cell(&g, c, i);
        } else if (cm->is_memory) {
            child_memory(&g, c, i);
            int seen = 0;
            for (int j = 0; j < i; j++) seen |= strcmp(g.mod->cells[j].type, c->type) == 0;
            if (!seen) fprintf(memf, "%s/%s\n", man->dir, cm->file);
        } else if (child_logic(&g, c, cm, i, err, sizeof err) != 0) {
            rc = 2;
        }
    }
    if (rc == 2 && err[0]) fprintf(stderr, "hgsynth glgen: %s\n", err);
    if (!rc && write_top(&g, out, memf, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        rc = 1;
    }
    if (!rc)
        printf("hgsynth glgen: %s: %d input bits, %d checked output bits, %d toggle nets -> %s\n",
               module, g.nin, g.nout, g.ntog, out);
    if (memf) fclose(memf);
    free(mempath);
    sy_buf_free(&g.body);
    sy_buf_free(&g.map);
    sy_netlist_free(nl);
    sy_manifest_free(man);
    return rc;
}
