// hs_shim.cpp — thin Verilator shim: exposes one generated core's ports through
// hs_port_api. Compiled once per configuration, after a #define of HS_TOP (the top module name;
// sim/hs_build.sh).
// All protocol logic lives in hs_sim.c; all checking in the C golden model.
#include "hs_port.h"

#include "Vhg.h"
#include "Vhg___024root.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

#include <cstring>
#include <memory>
#include <string>

#define HS_CAT2(a, b) a##b
#define HS_CAT(a, b)  HS_CAT2(a, b)
#define HS_INNER(sig) HS_CAT(HS_TOP, __DOT__##sig)

namespace
{

struct Model {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vhg> top;
#if VM_TRACE
    std::unique_ptr<VerilatedFstC> tfp;
#endif
    uint64_t time = 0;
};

// Port <-> words for every storage type Verilator uses.
template <typename T> void put(T &p, const uint32_t *w) { p = static_cast<T>(w[0]); }
template <> void put(QData &p, const uint32_t *w) { p = (QData)w[0] | ((QData)w[1] << 32); }
template <std::size_t N> void put(VlWide<N> &p, const uint32_t *w)
{
    for (std::size_t i = 0; i < N; i++) p[i] = w[i];
}
template <typename T> void take(const T &p, uint32_t *w) { w[0] = (uint32_t)p; }
template <> void take(const QData &p, uint32_t *w)
{
    w[0] = (uint32_t)p;
    w[1] = (uint32_t)(p >> 32);
}
template <std::size_t N> void take(const VlWide<N> &p, uint32_t *w)
{
    for (std::size_t i = 0; i < N; i++) w[i] = p[i];
}

void *create(const char *trace_fst, const char *capture_dir)
{
    auto *m = new Model;
    m->ctx.reset(new VerilatedContext);
    std::string plus = capture_dir ? std::string("+hg_capture_dir=") + capture_dir : "";
    const char *argv[2] = {"hs", plus.c_str()};
    m->ctx->commandArgs(capture_dir ? 2 : 1, argv);
    m->top.reset(new Vhg(m->ctx.get(), "TOP"));
#if VM_TRACE
    if (trace_fst) {
        m->ctx->traceEverOn(true);
        m->tfp.reset(new VerilatedFstC);
        m->top->trace(m->tfp.get(), 99);
        m->tfp->open(trace_fst);
    }
#else
    (void)trace_fst;
#endif
    m->top->clk_i = 0;
    m->top->eval();
    return m;
}

void destroy(void *p)
{
    auto *m = static_cast<Model *>(p);
    m->top->final();
#if VM_TRACE
    if (m->tfp) m->tfp->close();
#endif
    delete m;
}

void set(void *p, int port, const uint32_t *w)
{
    Vhg *t = static_cast<Model *>(p)->top.get();
    switch (port) {
    case HS_RST_N: put(t->rst_ni, w); break;
    case HS_CFG_VALID: put(t->cfg_valid_i, w); break;
    case HS_CFG_ADDR: put(t->cfg_addr_i, w); break;
    case HS_CFG_DATA: put(t->cfg_data_i, w); break;
    case HS_KV_VALID: put(t->kv_valid_i, w); break;
    case HS_KV_K: put(t->kv_k_i, w); break;
    case HS_KV_V: put(t->kv_v_i, w); break;
    case HS_Q_VALID: put(t->q_valid_i, w); break;
    case HS_Q_DATA: put(t->q_data_i, w); break;
    case HS_O_READY: put(t->o_ready_i, w); break;
    default: break;
    }
}

void get(void *p, int port, uint32_t *w)
{
    Vhg *t = static_cast<Model *>(p)->top.get();
    switch (port) {
    case HS_CFG_READY: take(t->cfg_ready_o, w); break;
    case HS_KV_READY: take(t->kv_ready_o, w); break;
    case HS_Q_READY: take(t->q_ready_o, w); break;
    case HS_O_VALID: take(t->o_valid_o, w); break;
    case HS_O_DATA: take(t->o_data_o, w); break;
    default: w[0] = 0; break;
    }
}

void eval(void *p) { static_cast<Model *>(p)->top->eval(); }

void tick(void *p)
{
    auto *m = static_cast<Model *>(p);
    m->top->clk_i = 1;
    m->top->eval();
#if VM_TRACE
    if (m->tfp) m->tfp->dump(m->time);
#endif
    m->time += 5;
    m->top->clk_i = 0;
    m->top->eval();
#if VM_TRACE
    if (m->tfp) m->tfp->dump(m->time);
#endif
    m->time += 5;
    m->ctx->time(m->time);
}

void mem_counts(void *p, uint64_t c[HS_NMEM])
{
    auto *r = static_cast<Model *>(p)->top->rootp;
    c[HS_KMEM_RD] = r->HS_INNER(u_hs_probes__DOT__kmem_reads);
    c[HS_KMEM_WR] = r->HS_INNER(u_hs_probes__DOT__kmem_writes);
    c[HS_VMEM_RD] = r->HS_INNER(u_hs_probes__DOT__vmem_reads);
    c[HS_VMEM_WR] = r->HS_INNER(u_hs_probes__DOT__vmem_writes);
#ifdef HS_HAS_SMEM
    c[HS_SMEM_RD] = r->HS_INNER(u_hs_probes__DOT__smem_reads);
    c[HS_SMEM_WR] = r->HS_INNER(u_hs_probes__DOT__smem_writes);
#else
    c[HS_SMEM_RD] = c[HS_SMEM_WR] = 0;
#endif
}

#define HS_STR2(x) #x
#define HS_STR(x)  HS_STR2(x)
const hs_port_api api = {HS_PORT_ABI, HS_STR(HS_TOP), create, destroy, set, get, eval, tick, mem_counts};

} // namespace

extern "C" const hs_port_api *hs_port_get(void) { return &api; }
