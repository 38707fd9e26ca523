/* sy_cells.c — Verilog cell models and their equivalence testbench (see sy_cells.h). */
#include "sy_cells.h"

#include <stdlib.h>
#include <string.h>

#include "sy_bool.h"
#include "sy_util.h"

/* Translates a Liberty expression to Verilog; NULL (err filled) on a syntax error. */
static char *xlate(const char *cell, const char *what, const char *text, char *err, size_t errlen)
{
    char berr[256];
    sy_bexpr *e = sy_bool_parse(text, berr, sizeof berr);
    if (!e) {
        snprintf(err, errlen, "cell %s, %s: %s", cell, what, berr);
        return NULL;
    }
    char *v = sy_bool_verilog(e);
    sy_bool_free(e);
    return v;
}

/* For an edge or asynchronous-control expression that is a single pin or an inverted
 * pin, stores the pin name and whether it is active low; returns 0 otherwise. */
static int single_pin(const char *text, char *name, size_t namelen, int *active_low)
{
    char berr[128];
    sy_bexpr *e = sy_bool_parse(text, berr, sizeof berr);
    if (!e) return 0;
    int ok = 1;
    *active_low = 0;
    const sy_bexpr *v = e;
    if (v->op == SY_B_NOT) {
        *active_low = 1;
        v = v->a;
    }
    if (v->op != SY_B_VAR)
        ok = 0;
    else
        snprintf(name, namelen, "%s", v->name);
    sy_bool_free(e);
    return ok;
}

/* True when we can write a model of this cell. */
static int cell_supported(const sy_cell *c)
{
    if (c->unsupported || c->nseq > 1) return 0;
    int nout = 0;
    for (int i = 0; i < c->npins; i++) {
        if (c->pins[i].dir == SY_PIN_INOUT) return 0;
        if (c->pins[i].dir == SY_PIN_OUTPUT) {
            if (!c->pins[i].function) return 0;
            nout++;
        }
    }
    if (nout == 0) return 0;
    if (c->nseq == 1) {
        const sy_seq *s = &c->seq[0];
        char n[128];
        int low;
        if (!s->is_latch && !single_pin(s->clocked_on, n, sizeof n, &low)) return 0;
        if (s->clear && !single_pin(s->clear, n, sizeof n, &low)) return 0;
        if (s->preset && !single_pin(s->preset, n, sizeof n, &low)) return 0;
    }
    return 1;
}

static const char *cp_value(const char *v)
{
    if (!v) return NULL;
    if (strcmp(v, "L") == 0) return "1'b0";
    if (strcmp(v, "H") == 0) return "1'b1";
    return NULL; /* N, T, X: keep the clear-wins behaviour of the if chain */
}

/* Writes the state element of a sequential cell. */
static int write_seq(const sy_cell *c, FILE *out, char *err, size_t errlen)
{
    const sy_seq *s = &c->seq[0];
    char *clr = s->clear ? xlate(c->name, "clear", s->clear, err, errlen) : NULL;
    char *pre = s->preset ? xlate(c->name, "preset", s->preset, err, errlen) : NULL;
    const char *dtext = s->is_latch ? s->data_in : s->next_state;
    char *d = xlate(c->name, s->is_latch ? "data_in" : "next_state", dtext, err, errlen);
    char *en = s->is_latch ? xlate(c->name, "enable", s->enable, err, errlen) : NULL;
    int rc = -1;
    if ((s->clear && !clr) || (s->preset && !pre) || !d || (s->is_latch && !en)) goto done;
    fprintf(out, "  reg %s;\n", s->var1);
    if (s->is_latch) {
        fprintf(out, "  always @* begin\n");
    } else {
        char clk[128], n[128];
        int low;
        single_pin(s->clocked_on, clk, sizeof clk, &low);
        fprintf(out, "  always @(%s %s", low ? "negedge" : "posedge", clk);
        if (s->clear && single_pin(s->clear, n, sizeof n, &low))
            fprintf(out, " or %s %s", low ? "negedge" : "posedge", n);
        if (s->preset && single_pin(s->preset, n, sizeof n, &low))
            fprintf(out, " or %s %s", low ? "negedge" : "posedge", n);
        fprintf(out, ") begin\n");
    }
    const char *as = s->is_latch ? "=" : "<=";
    const char *both = cp_value(s->clear_preset_var1);
    const char *kw = "if";
    if (clr && pre && both) {
        fprintf(out, "    if (%s && %s) %s %s %s;\n", clr, pre, s->var1, as, both);
        kw = "else if";
    }
    if (clr) {
        fprintf(out, "    %s (%s) %s %s 1'b0;\n", kw, clr, s->var1, as);
        kw = "else if";
    }
    if (pre) {
        fprintf(out, "    %s (%s) %s %s 1'b1;\n", kw, pre, s->var1, as);
        kw = "else if";
    }
    if (s->is_latch)
        fprintf(out, "    %s (%s) %s %s %s;\n", kw, en, s->var1, as, d);
    else if (clr || pre)
        fprintf(out, "    else %s %s %s;\n", s->var1, as, d);
    else
        fprintf(out, "    %s %s %s;\n", s->var1, as, d);
    fprintf(out, "  end\n");
    if (s->var2) {
        const char *v2 = cp_value(s->clear_preset_var2);
        if (clr && pre && v2)
            fprintf(out, "  wire %s = (%s && %s) ? %s : ~%s;\n", s->var2, clr, pre, v2, s->var1);
        else
            fprintf(out, "  wire %s = ~%s;\n", s->var2, s->var1);
    }
    rc = 0;
done:
    free(clr);
    free(pre);
    free(d);
    free(en);
    return rc;
}

static int write_cell(const sy_cell *c, FILE *out, char *err, size_t errlen)
{
    fprintf(out, "module %s (", c->name);
    for (int i = 0, first = 1; i < c->npins; i++) {
        if (c->pins[i].dir == SY_PIN_INTERNAL) continue;
        fprintf(out, "%s%s", first ? "" : ", ", c->pins[i].name);
        first = 0;
    }
    fprintf(out, ");\n");
    for (int i = 0; i < c->npins; i++) {
        const sy_pin *p = &c->pins[i];
        if (p->dir == SY_PIN_INPUT)
            fprintf(out, "  input %s;\n", p->name);
        else if (p->dir == SY_PIN_OUTPUT)
            fprintf(out, "  output %s;\n", p->name);
    }
    if (c->nseq == 1 && write_seq(c, out, err, errlen) != 0) return -1;
    for (int i = 0; i < c->npins; i++) {
        const sy_pin *p = &c->pins[i];
        if (p->dir != SY_PIN_OUTPUT) continue;
        char *f = xlate(c->name, p->name, p->function, err, errlen);
        if (!f) return -1;
        if (p->three_state) {
            char *z = xlate(c->name, "three_state", p->three_state, err, errlen);
            if (!z) {
                free(f);
                return -1;
            }
            fprintf(out, "  assign %s = %s ? 1'bz : %s;\n", p->name, z, f);
            free(z);
        } else {
            fprintf(out, "  assign %s = %s;\n", p->name, f);
        }
        free(f);
    }
    fprintf(out, "endmodule\n\n");
    return 0;
}

/* The names written into Verilog: the cell's, its pins' and its state variables'. -1 with
 * err when one is not an identifier. */
static int names_bad(const sy_cell *c, char *err, size_t errlen)
{
    const char *bad = !sy_is_ident(c->name) ? c->name : NULL;
    for (int i = 0; i < c->npins && !bad; i++)
        if (!sy_is_ident(c->pins[i].name)) bad = c->pins[i].name;
    for (int i = 0; i < c->nseq && !bad; i++) {
        if (c->seq[i].var1 && !sy_is_ident(c->seq[i].var1)) bad = c->seq[i].var1;
        if (c->seq[i].var2 && !sy_is_ident(c->seq[i].var2)) bad = c->seq[i].var2;
    }
    if (!bad) return 0;
    snprintf(err, errlen,
             "cell \"%.80s\": name \"%.80s\" is not a Verilog identifier ([A-Za-z_][A-Za-z0-9_]*)", c->name,
             bad);
    return -1;
}

int sy_cells_write(const sy_lib *lib, FILE *out, char *err, size_t errlen)
{
    int n = 0;
    fprintf(out,
            "// Cell models for Liberty library %s, written from its function / ff / latch /\n"
            "// three_state attributes by `hgsynth cells`. Zero delay; for gate-level\n"
            "// simulation with Verilator or Icarus. Do not edit.\n"
            "`timescale 1ns/10ps\n"
            "/* verilator lint_off LATCH */\n/* verilator lint_off UNOPTFLAT */\n\n",
            sy_is_token(sy_lib_name(lib)) ? sy_lib_name(lib) : "(unnamed)");
    for (int i = 0; i < sy_lib_ncells(lib); i++) {
        const sy_cell *c = sy_lib_cell(lib, i);
        if (names_bad(c, err, errlen)) return -1;
        if (!cell_supported(c)) {
            fprintf(out,
                    "// %s: not modelled (no output function, several state elements, "
                    "statetable, bus or inout pins)\n\n",
                    c->name);
            continue;
        }
        if (write_cell(c, out, err, errlen) != 0) return -1;
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------------------ */
/* Equivalence testbench                                                                  */

static int in_list(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

/* The testbench's compare task: every output of the cell against the reference model's,
   skipping vectors where either side is unknown. */
static void write_cell_check(const sy_cell *c, FILE *out)
{
    /* compare task: skip vectors where either side is unknown */
    fprintf(out, "  task check;\n    begin\n");
    for (int i = 0; i < c->npins; i++) {
        const sy_pin *p = &c->pins[i];
        if (p->dir != SY_PIN_OUTPUT) continue;
        fprintf(out,
                "      if (%s_ref !== 1'bx && %s_mine !== 1'bx) begin\n"
                "        compared = compared + 1;\n"
                "        if (%s_ref !== %s_mine) begin\n"
                "          bad = bad + 1;\n"
                "          if (bad < 5) $display(\"FAIL %s vector %%0d pin %s: got %%b expected %%b\", i, "
                "%s_mine, %s_ref);\n"
                "        end\n      end\n",
                p->name, p->name, p->name, p->name, c->name, p->name, p->name, p->name);
    }
    fprintf(out, "    end\n  endtask\n");
}

/* The stimulus of a sequential cell: 4000 random steps, one input changing at a time. */
static void write_cell_seq_stimulus(const sy_cell *c, FILE *out)
{
    /* Inputs change one at a time, so clock and data never race. When the cell has
     * both clear and preset, a change that would make both active is skipped: the
     * release order of simultaneous clear and preset is not modelled. */
    const sy_seq *s = &c->seq[0];
    char *clr = NULL, *pre = NULL;
    char berr[256];
    if (s->clear && s->preset) {
        sy_bexpr *ec = sy_bool_parse(s->clear, berr, sizeof berr);
        sy_bexpr *ep = sy_bool_parse(s->preset, berr, sizeof berr);
        if (ec && ep) {
            clr = sy_bool_verilog_sfx(ec, "_n");
            pre = sy_bool_verilog_sfx(ep, "_n");
        }
        sy_bool_free(ec);
        sy_bool_free(ep);
    }
    fprintf(out, "    k = %d;\n", 1 + (int)strlen(c->name));
    for (int i = 0; i < c->npins; i++)
        if (c->pins[i].dir == SY_PIN_INPUT)
            fprintf(out, "    %s_n = 1'b1; %s = 1'b1;\n", c->pins[i].name, c->pins[i].name);
    fprintf(out, "    for (i = 0; i < 4000; i = i + 1) begin\n");
    for (int i = 0; i < c->npins; i++) {
        const char *pn = c->pins[i].name;
        if (c->pins[i].dir != SY_PIN_INPUT) continue;
        fprintf(out, "      #0.1 %s_n = $random(k);\n", pn);
        if (clr && pre)
            fprintf(out, "      if ((%s) && (%s)) %s_n = %s; else %s = %s_n;\n", clr, pre, pn, pn, pn, pn);
        else
            fprintf(out, "      %s = %s_n;\n", pn, pn);
    }
    fprintf(out, "      #1 check;\n    end\n");
    free(clr);
    free(pre);
}

static void write_cell_tb(const sy_cell *c, FILE *out)
{
    int nin = 0;
    fprintf(out, "module tb_%s;\n", c->name);
    for (int i = 0; i < c->npins; i++) {
        const sy_pin *p = &c->pins[i];
        if (p->dir == SY_PIN_INPUT) {
            fprintf(out, "  reg %s, %s_n;\n", p->name, p->name);
            nin++;
        }
        if (p->dir == SY_PIN_OUTPUT) fprintf(out, "  wire %s_mine, %s_ref;\n", p->name, p->name);
    }
    fprintf(out, "  integer i, k, compared, bad;\n");
    for (int inst = 0; inst < 2; inst++) {
        fprintf(out, "  %s%s u_%s (", inst ? "ref_" : "", c->name, inst ? "ref" : "mine");
        for (int i = 0, first = 1; i < c->npins; i++) {
            const sy_pin *p = &c->pins[i];
            if (p->dir == SY_PIN_INPUT)
                fprintf(out, "%s.%s(%s)", first ? "" : ", ", p->name, p->name);
            else if (p->dir == SY_PIN_OUTPUT)
                fprintf(out, "%s.%s(%s_%s)", first ? "" : ", ", p->name, p->name, inst ? "ref" : "mine");
            else
                continue;
            first = 0;
        }
        fprintf(out, ");\n");
    }
    write_cell_check(c, out);
    fprintf(out, "  initial begin\n    compared = 0; bad = 0;\n");
    if (c->nseq == 0) {
        fprintf(out, "    for (i = 0; i < %d; i = i + 1) begin\n", 1 << nin);
        for (int i = 0, b = 0; i < c->npins; i++)
            if (c->pins[i].dir == SY_PIN_INPUT) fprintf(out, "      %s = i[%d];\n", c->pins[i].name, b++);
        fprintf(out, "      #1 check;\n    end\n");
    } else {
        write_cell_seq_stimulus(c, out);
    }
    fprintf(out,
            "    if (bad == 0 && compared > 0) $display(\"PASS %s %%0d\", compared);\n"
            "    else if (bad == 0) $display(\"FAIL %s no vector compared\");\n"
            "  end\nendmodule\n\n",
            c->name, c->name);
}

/* Inputs of a combinational cell the testbench drives through all 2^n combinations. */
#define TB_MAX_INPUTS 20

int sy_cells_write_check_tb(const sy_lib *lib, const char *const *ref_names, int nref, FILE *out)
{
    int n = 0;
    fprintf(out, "// Equivalence testbench: generated cell models vs the library's own models.\n"
                 "`timescale 1ns/10ps\n\n");
    for (int i = 0; i < sy_lib_ncells(lib); i++) {
        const sy_cell *c = sy_lib_cell(lib, i);
        if (!cell_supported(c) || !in_list(c->name, ref_names, nref)) continue;
        int nin = 0;
        for (int p = 0; p < c->npins; p++) nin += c->pins[p].dir == SY_PIN_INPUT;
        if (c->nseq == 0 && nin > TB_MAX_INPUTS) {
            fprintf(out, "// %s: not tested (%d inputs, more than %d for all combinations)\n\n", c->name, nin,
                    TB_MAX_INPUTS);
            continue;
        }
        write_cell_tb(c, out);
        n++;
    }
    fprintf(out,
            "module tb_cellcheck;\n  initial begin\n    #100000 $display(\"DONE %d cells\");\n"
            "    $finish;\n  end\nendmodule\n",
            n);
    return n;
}
