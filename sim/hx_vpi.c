/*
 * hx_vpi.c — VPI module of the cross-simulation bench (sim/hx_tb.v), loaded by vvp as
 * hx_vpi.vpi. It gives Icarus the initial state of sim/'s Verilator models:
 *
 *   $hx_zero_x(scope, count);
 *
 * sets every x or z bit of every variable under module instance scope (regs, integers,
 * memory words, in every generate block and named block below it) to 0, and writes the
 * number of bits it changed into the variable count. Verilator is two-state: its models
 * (sim/hs_build.sh, --x-initial fast) start with every variable 0; Icarus starts with x.
 * Bits that already hold a value (an initial block ran) are left alone.
 */
#include <vpi_user.h>

#include <stdlib.h>
#include <string.h>

/* Sets the x and z bits of variable h to 0; returns how many it changed. */
static long zero_x(vpiHandle h)
{
    s_vpi_value v;
    v.format = vpiBinStrVal;
    vpi_get_value(h, &v);
    if (!v.value.str) return 0;
    size_t len = strlen(v.value.str);
    char *s = malloc(len + 1);
    long changed = 0;
    if (!s) return 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = v.value.str[i];
        int unknown = ch == 'x' || ch == 'X' || ch == 'z' || ch == 'Z';
        s[i] = unknown ? '0' : ch;
        changed += unknown;
    }
    if (changed) {
        s_vpi_value w;
        w.format = vpiBinStrVal;
        w.value.str = s;
        vpi_put_value(h, &w, NULL, vpiNoDelay);
    }
    free(s);
    return changed;
}

/* Every variable of one kind in scope. */
static long zero_kind(vpiHandle scope, int kind)
{
    long n = 0;
    vpiHandle it = vpi_iterate(kind, scope), h;
    while (it && (h = vpi_scan(it)) != NULL) n += zero_x(h);
    return n;
}

/* Scope and every module, generate and named block below it (tasks and functions hold no
   state between calls that matters here and are left alone). */
static long zero_scope(vpiHandle scope)
{
    long n = zero_kind(scope, vpiReg) + zero_kind(scope, vpiIntegerVar);
    vpiHandle it = vpi_iterate(vpiMemory, scope), m, w;
    while (it && (m = vpi_scan(it)) != NULL) {
        vpiHandle words = vpi_iterate(vpiMemoryWord, m);
        while (words && (w = vpi_scan(words)) != NULL) n += zero_x(w);
    }
    it = vpi_iterate(vpiInternalScope, scope);
    while (it && (m = vpi_scan(it)) != NULL) {
        int t = vpi_get(vpiType, m);
        if (t == vpiModule || t == vpiGenScope || t == vpiNamedBegin || t == vpiNamedFork) n += zero_scope(m);
    }
    return n;
}

/* $hx_zero_x(scope, count) */
static PLI_INT32 zero_x_call(PLI_BYTE8 *user)
{
    (void)user;
    vpiHandle call = vpi_handle(vpiSysTfCall, NULL);
    vpiHandle args = vpi_iterate(vpiArgument, call);
    vpiHandle scope = args ? vpi_scan(args) : NULL;
    vpiHandle count = scope ? vpi_scan(args) : NULL;
    if (!scope || !count) {
        vpi_printf("HX BADARGS $hx_zero_x needs a module instance and a variable\n");
        vpi_control(vpiFinish, 1);
        return 0;
    }
    vpi_free_object(args);
    s_vpi_value v;
    v.format = vpiIntVal;
    v.value.integer = (PLI_INT32)zero_scope(scope);
    vpi_put_value(count, &v, NULL, vpiNoDelay);
    return 0;
}

static void hx_register(void)
{
    s_vpi_systf_data tf;
    memset(&tf, 0, sizeof tf);
    tf.type = vpiSysTask;
    tf.tfname = (PLI_BYTE8 *)"$hx_zero_x";
    tf.calltf = zero_x_call;
    vpi_register_systf(&tf);
}

void (*vlog_startup_routines[])(void) = {hx_register, NULL};
